"""Time precision (issue 14, section 2): month-only data.police.uk dates are refused in words.

The twelve real Devon & Cornwall 2016 months (127,428 rows) carry a month and nothing finer.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import SchemaError
from intelbench.geo._precision import time_precision

from ._geodata import CRIMES_CSV, SERIES_DIR


@pytest.fixture(scope="module")
def devon() -> pd.DataFrame:
    return ib.read_police_uk(sorted(SERIES_DIR.glob("*-street.csv"))[:12])


@pytest.mark.parametrize(
    ("values", "level"),
    [
        (pd.period_range("2016-01", periods=12, freq="M"), "month"),
        (["01/03/2025 14:37", "02/03/2025 09:00"], "minute"),
        (["01/03/2025 14:00", "02/03/2025 09:00"], "hour"),
        (["01/03/2025", "17/03/2025", "18/03/2025", "19/03/2025", "20/03/2025"], "day"),
        (["01/03/2025", "17/03/2025"], "hour"),  # too few to tell
        (["2016-01", "2016-02", "2016-03", "2016-04", "2016-05"], "month"),
        (pd.to_datetime(["2025-03-01 14:37:12"]), "second"),
    ],
)
def test_precision_is_read_from_dtype_or_values(values: object, level: str) -> None:
    assert time_precision(pd.Series(values)).level == level


def test_near_repeat_refuses_months_in_words(devon: pd.DataFrame) -> None:
    # before: a Knox ratio of 1.0 in the first band, NaN elsewhere and a "significant"
    # 0-7 day effect, with no note
    with pytest.raises(SchemaError) as err:
        ib.geo.near_repeat(devon, date="month", permutations=9, seed=1)
    msg = str(err.value)
    assert "'month'" in msg and "to the month only" in msg and "period[M]" in msg
    assert "to the day" in msg and "force extract" in msg


def test_aoristic_refuses_months_unless_asked_to_spread(devon: pd.DataFrame) -> None:
    # before: every event at Tuesday 00:00 (2016-03-01 was a Tuesday)
    with pytest.raises(SchemaError, match=r"'month' gives times to the month only.*spread=True"):
        ib.geo.aoristic(devon, start="month", end=None)
    week = ib.geo.aoristic(devon, start="month", end=None, spread=True)
    values = week.to_numpy()
    assert values.sum() == pytest.approx(len(devon))
    # a month is longer than a week, so each event spreads over all 168 hours evenly
    np.testing.assert_allclose(values, len(devon) / 168)
    assert any("spread evenly over its whole month" in n for n in week.notes)


def test_aoristic_spreads_day_only_dates_over_their_day() -> None:
    # Monday 6, Tuesday 7 (twice), Monday 13, Tuesday 14 and Monday 20 January 2025
    days = ["06/01/2025", "07/01/2025", "07/01/2025", "13/01/2025", "14/01/2025",
            "20/01/2025"]
    ev = pd.DataFrame({"d": days})
    with pytest.raises(SchemaError, match="'d' gives times to the day only"):
        ib.geo.aoristic(ev, start="d", end=None)
    week = ib.geo.aoristic(ev, start="d", end=None, spread=True)
    np.testing.assert_allclose(week.loc["Mon"].to_numpy(), 3 / 24)
    np.testing.assert_allclose(week.loc["Tue"].to_numpy(), 3 / 24)
    assert week.loc["Wed"].sum() == 0


def test_trends_refuses_weeks_on_monthly_data(devon: pd.DataFrame) -> None:
    # before: [3322, 0, 0, 0, 0] with the empty weeks marked complete
    with pytest.raises(SchemaError) as err:
        ib.geo.trends(devon, "month", freq="W")
    msg = str(err.value)
    assert "'month'" in msg and "month only" in msg and "freq='M'" in msg
    monthly = ib.geo.trends(devon, "month", freq="M")
    assert len(monthly) == 12 and monthly["complete"].all()
    expect = devon["month"].astype(str).value_counts().sort_index()
    assert monthly["count"].tolist() == expect.tolist()
    assert any("to the month" in n for n in monthly.notes)


def test_exact_times_still_work() -> None:
    ev = pd.DataFrame({"x": [0, 0, 50, 1000], "y": [0, 0, 0, 0],
                       "date": ["01/01/2025 10:00", "02/01/2025 11:30", "03/01/2025 12:00",
                                "20/03/2025 08:15"]})
    nr = ib.geo.near_repeat(ev, [100], [7], permutations=9, seed=1)
    assert int(nr.observed.to_numpy().sum()) == 6
    assert len(ib.geo.trends(ev, freq="W")) > 10


def test_aoristic_on_the_real_cumbria_month_refuses_then_spreads_only_when_asked() -> None:
    # data.police.uk, Cumbria, March 2016: 186 burglaries, each dated "2016-03" only.
    crimes = ib.read_police_uk(CRIMES_CSV)
    burglary = crimes[crimes["crime_type"] == "Burglary"]
    assert len(burglary) == 186
    with pytest.raises(SchemaError) as err:
        ib.geo.aoristic(burglary, start="month", end=None)
    msg = str(err.value)
    assert "'month' gives times to the month only (period[M] values)" in msg
    assert "needs times to the hour" in msg and "spread=True" in msg
    assert "force extract with from/to times" in msg
    week = ib.geo.aoristic(burglary, start="month", end=None, spread=True)
    # March 2016 is 31 days, longer than a week: each burglary spreads evenly over all
    # 168 hours (186 / 168 = 1.107 a cell): the chart then says nothing about when.
    np.testing.assert_allclose(week.to_numpy(), 186 / 168)
    assert len(week.flagged) == 186 and len(week.excluded) == 0
    assert any("spread evenly over its whole month (spread=True)" in n
               and "not when crime happened" in n for n in week.notes)
