"""Aoristic day-by-hour matrix and trends with control limits."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo.temporal import DAYS, aoristic, plot_day_hour, trends


def test_ratcliffe_example_eight_hours() -> None:
    ev = pd.DataFrame({"from_datetime": ["06/01/2025 08:00"], "to_datetime": ["06/01/2025 16:00"]})
    week = aoristic(ev)
    assert week.shape == (7, 24)
    assert list(week.index) == DAYS and list(week.columns) == list(range(24))
    expected = np.zeros((7, 24))
    expected[0, 8:16] = 0.125  # 6 Jan 2025 is a Monday
    np.testing.assert_allclose(week.to_numpy(), expected, atol=1e-12)


def test_zero_span_puts_all_weight_in_one_hour_and_day_first_parsing() -> None:
    ev = pd.DataFrame({"s": ["03/04/2025 13:20"], "e": ["03/04/2025 13:20"]})
    week = aoristic(ev, start="s", end="e")
    assert week.loc["Thu", 13] == 1.0  # 3 April 2025 (day first), a Thursday
    assert week.to_numpy().sum() == 1.0


def test_partial_hours_and_wrap_over_sunday_midnight() -> None:
    ev = pd.DataFrame({"s": [pd.Timestamp("2025-01-12 23:30")],  # Sunday
                       "e": [pd.Timestamp("2025-01-13 01:00")]})
    week = aoristic(ev, start="s", end="e")
    assert week.loc["Sun", 23] == pytest.approx(1 / 3)
    assert week.loc["Mon", 0] == pytest.approx(2 / 3)


def test_long_windows_spread_evenly_and_flagged() -> None:
    ev = pd.DataFrame({"s": ["01/01/2025 00:00"], "e": ["20/01/2025 07:00"]})
    week = aoristic(ev, start="s", end="e")
    np.testing.assert_allclose(week.to_numpy(), 1 / 168)
    assert any("1 events with a window of 7 days" in n for n in week.notes)
    assert week.flagged["reason"].tolist() == ["window of 7 days or more: spread evenly"]
    assert week.round(3).excluded is week.excluded  # metadata survives frame operations


def test_bad_rows_are_reported_with_reasons() -> None:
    ev = pd.DataFrame({
        "s": ["05/01/2025 10:00", None, "not a date", "03/01/2025 10:00", "01/01/2025 09:00"],
        "e": ["04/01/2025 10:00", "01/01/2025", "01/01/2025", None, "01/01/2025 10:00"],
    })
    week = aoristic(ev, start="s", end="e")
    assert week.to_numpy().sum() == pytest.approx(1.0)
    assert week.excluded["reason"].tolist() == [
        "end before start", "missing start", "unparseable start", "missing end"]
    as_start = aoristic(ev, start="s", end="e", missing_end="start")
    assert as_start.to_numpy().sum() == pytest.approx(2.0)
    assert len(as_start.excluded) == 3


def test_exact_times_without_end_and_bad_parameters() -> None:
    ev = pd.DataFrame({"when": pd.to_datetime(["2025-01-06 10:15", "2025-01-07 23:59"])})
    week = aoristic(ev, start="when", end=None)
    assert week.loc["Mon", 10] == 1 and week.loc["Tue", 23] == 1
    with pytest.raises(SchemaError, match="start"):
        aoristic(ev, start="nope", end=None)
    with pytest.raises(ParameterError, match="missing_end"):
        aoristic(ev, start="when", end=None, missing_end="drop")  # type: ignore[arg-type]


@settings(max_examples=60, deadline=None)
@given(
    starts=st.lists(st.integers(0, 2 * 365 * 24 * 60), min_size=1, max_size=40),
    spans=st.lists(st.integers(-600, 20 * 24 * 60), min_size=40, max_size=40),
)
def test_weights_sum_to_valid_events(starts: list[int], spans: list[int]) -> None:
    s = pd.Timestamp("2024-01-01") + pd.to_timedelta(starts, unit="min")
    e = s + pd.to_timedelta(spans[: len(starts)], unit="min")
    ev = pd.DataFrame({"s": s, "e": e})
    week = aoristic(ev, start="s", end="e")
    n_valid = sum(1 for d in spans[: len(starts)] if d >= 0)
    assert week.to_numpy().sum() == pytest.approx(n_valid, rel=1e-12, abs=1e-9)
    assert (week.to_numpy() >= -1e-12).all()
    assert len(week.excluded) == len(starts) - n_valid


def test_matches_explicit_hour_by_hour_reference() -> None:
    rng = np.random.default_rng(1)
    s = pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 60 * 24 * 30, 200), unit="min")
    e = s + pd.to_timedelta(rng.integers(0, 60 * 72, 200), unit="min")
    week = aoristic(pd.DataFrame({"s": s, "e": e}), start="s", end="e").to_numpy()
    ref = np.zeros((7, 24))
    for a, b in zip(s, e):
        span = (b - a).total_seconds()
        if span == 0:
            ref[a.day_of_week, a.hour] += 1
            continue
        h = a.floor("h")
        while h < b:
            overlap = (min(b, h + pd.Timedelta(hours=1)) - max(a, h)).total_seconds()
            ref[h.day_of_week, h.hour] += overlap / span
            h += pd.Timedelta(hours=1)
    np.testing.assert_allclose(week, ref, atol=1e-9)


def test_plot_day_hour_returns_figure() -> None:
    ev = pd.DataFrame({"s": ["06/01/2025 08:00"], "e": ["06/01/2025 16:00"]})
    fig = plot_day_hour(aoristic(ev, start="s", end="e"), title="Burglary")
    assert fig.axes[0].get_title() == "Burglary"
    with pytest.raises(ParameterError, match="7x24"):
        plot_day_hour(pd.DataFrame(np.zeros((3, 3))))


def test_trends_monthly_with_limits_and_change() -> None:
    dates = (["15/01/2025"] * 10 + ["15/02/2025"] * 12 + ["15/03/2025"] * 11
             + ["15/04/2025"] * 9 + ["15/05/2025"] * 40 + [None, "garbage"])
    t = trends(pd.DataFrame({"date": dates}), freq="M", start="2025-01-01", end="2025-05-31")
    assert t["count"].tolist() == [10, 12, 11, 9, 40]
    counts = np.array([10, 12, 11, 9, 40])
    assert t["mean"].iloc[0] == pytest.approx(counts.mean())
    assert t["upper"].iloc[0] == pytest.approx(counts.mean() + 2 * counts.std(ddof=1))
    assert t["change"].tolist()[1:] == [2, -1, -2, 31]
    assert t["pct_change"].iloc[4] == pytest.approx(31 / 9 * 100)
    assert t["complete"].all()
    assert sorted(t.excluded["reason"]) == ["missing date", "unparseable date"]


def test_trends_on_police_uk_months() -> None:
    months = pd.Series(pd.PeriodIndex(["2025-01"] * 3 + ["2025-02"] * 5 + ["2025-03"], freq="M"))
    t = trends(pd.DataFrame({"month": months}), date="month", freq="M")
    assert t["count"].tolist() == [3, 5, 1] and t["complete"].all()


def test_trends_flags_and_partial_periods() -> None:
    rng = np.random.default_rng(0)
    base = pd.Timestamp("2025-01-06")  # Monday
    days = np.concatenate([rng.integers(0, 7 * 20, 400), np.full(80, 7 * 10 + 2)])
    ev = pd.DataFrame({"date": base + pd.to_timedelta(days, unit="D")})
    t = trends(ev, freq="W")
    assert (t["start"].dt.day_of_week == 0).all()
    assert t.loc[t["count"].idxmax(), "flag"] == "above"
    assert t["count"].sum() == 480
    mid = trends(ev, freq="W", start="2025-01-08")
    assert not mid["complete"].iloc[0] and mid["complete"].iloc[1]
    with pytest.raises(ParameterError, match="freq"):
        trends(ev, freq="D")  # type: ignore[arg-type]


def test_date_parsing_is_day_first_and_reports_bad_values() -> None:
    from intelbench.geo._events import parse_datetimes

    values = pd.Series(["03/04/2025 13:20", "31/02/2025 10:00", "2025-04-03 13:20", "03/04/2025",
                        "15/06/2025 08:30:15", "", None, "not known", "03-04-2025"])
    parsed, reason = parse_datetimes(values, "start")
    assert parsed[0] == pd.Timestamp("2025-04-03 13:20")  # 3 April, never 4 March
    assert parsed[2] == pd.Timestamp("2025-04-03 13:20")
    assert parsed[3] == pd.Timestamp("2025-04-03")
    assert parsed[4] == pd.Timestamp("2025-06-15 08:30:15")
    assert parsed[8] == pd.Timestamp("2025-04-03")
    assert reason.tolist() == ["", "unparseable start", "", "", "", "missing start",
                               "missing start", "unparseable start", ""]
    aware = pd.Series(pd.to_datetime(["2025-07-01 09:00"]).tz_localize("Europe/London"))
    assert parse_datetimes(aware, "start")[0][0] == pd.Timestamp("2025-07-01 09:00")
