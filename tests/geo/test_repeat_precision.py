"""Repeat victimisation on month-only data: counts stand, time to repeat is not invented."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import intelbench as ib


def test_month_only_dates_give_no_time_to_repeat_and_say_why() -> None:
    ev = pd.DataFrame({
        "address": ["A", "A", "B", "A", "C", "C"],
        "month": pd.PeriodIndex(["2016-03", "2016-03", "2016-03", "2016-04", "2016-04",
                                 "2016-05"], freq="M"),
    })
    rv = ib.geo.repeat_victimisation(ev, location="address", date="month")
    assert rv.summary["repeat_locations"] == 2
    assert rv.summary["events_at_repeat_locations"] == 5
    assert len(rv.time_to_repeat) == 0
    assert len(rv.time_to_repeat_table) == 0
    assert any("'month' gives times to the month only" in n for n in rv.notes)
    html = rv._repr_html_()
    assert "not computed" in html and "month only" in html


def test_day_dates_still_give_time_to_repeat() -> None:
    ev = pd.DataFrame({"address": ["A", "A", "A"],
                       "date": ["01/01/2025", "11/01/2025", "12/01/2025"]})
    rv = ib.geo.repeat_victimisation(ev, location="address")
    assert rv.time_to_repeat.tolist() == [10, 1]
    assert rv.time_to_repeat_table["repeats"].sum() == 2
    assert not any("only" in n for n in rv.notes)


def test_real_cumbria_month_counts_repeats_at_map_points_and_warns(real_data: Path) -> None:
    crimes = ib.read_police_uk(real_data / "police_uk" / "2016-03-cumbria-street.csv")
    burg = crimes[crimes["crime_type"] == "Burglary"]
    rv = ib.geo.repeat_victimisation(burg, date="month")
    # counted independently with plain pandas (group by longitude/latitude of the raw
    # CSV): 186 burglaries at 159 distinct snapped points, 19 hit twice or more, holding 46
    assert int(rv.summary["events"]) == 186
    assert int(rv.summary["locations"]) == 159
    assert int(rv.summary["repeat_locations"]) == 19
    assert int(rv.summary["events_at_repeat_locations"]) == 46
    assert len(rv.time_to_repeat_table) == 0  # before: 27 repeats "within 0-7 days"
    assert any("anonymised map points" in n for n in rv.notes)
