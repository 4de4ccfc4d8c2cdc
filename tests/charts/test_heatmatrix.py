"""Heat matrix: the aoristic helper's numbers, its refusals, filters and escaping."""

from __future__ import annotations

import json
import re

import matplotlib
import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.charts.heatmatrix import heat_matrix
from intelbench.exceptions import ParameterError, SchemaError
from tests.charts._data import EVIL_IMG, EVIL_SCRIPT

matplotlib.use("Agg")
W = [f"w{i:03d}" for i in range(168)]


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "from": ["06/01/2025 08:00", "07/01/2025 22:00", "08/02/2025 23:30", "bad",
                 "10/02/2025 10:00", "03/03/2025 12:00"],
        "to": ["06/01/2025 16:00", "07/01/2025 22:00", "09/02/2025 01:30", "x",
               "09/02/2025 10:00", "03/03/2025 12:00"],
        "offence": ["Burglary", "Theft", "Burglary", "Burglary", "Burglary", EVIL_IMG],
        "sector": ["North", "South", "North", "North", "South", EVIL_SCRIPT],
    })


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="ib-heat-data">(.*?)</script>', html,
                  re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_ratcliffe_window_and_hand_computed_cells() -> None:
    hm = heat_matrix(_events(), start="from", end="to")
    m = hm.matrix
    # Ratcliffe: 08:00-16:00 spreads 0.125 over each of 8 hours (Monday 6 January 2025)
    # plus the exact event on Monday 3 March at 12:00
    assert m.loc["Mon", 8:15].tolist() == [0.125] * 4 + [1.125] + [0.125] * 3
    # Saturday 8 Feb 23:30 to Sunday 01:30: 0.25 Sat 23h, 0.5 Sun 0h, 0.25 Sun 1h
    assert (m.loc["Sat", 23], m.loc["Sun", 0], m.loc["Sun", 1]) == (0.25, 0.5, 0.25)
    assert m.loc["Tue", 22] == 1.0
    assert float(m.to_numpy().sum()) == 4.0  # 6 rows: one unparseable, one end before start
    assert sorted(m.excluded["reason"]) == ["end before start", "unparseable start"]
    pd.testing.assert_frame_equal(pd.DataFrame(m), pd.DataFrame(
        ib.geo.aoristic(_events(), start="from", end="to")))


def test_groups_sum_to_the_whole_and_match_the_helper_per_filter() -> None:
    ev = _events()
    hm = heat_matrix(ev, start="from", end="to")
    g = hm.groups
    assert np.allclose(g[W].to_numpy().sum(axis=0), hm.matrix.to_numpy().ravel())
    burg = g[g["crime_type"] == "Burglary"][W].to_numpy().sum(axis=0)
    ref = ib.geo.aoristic(ev[ev["offence"] == "Burglary"], start="from", end="to")
    assert np.allclose(burg, ref.to_numpy().ravel())
    plain = g[g["crime_type"] != EVIL_IMG]
    assert plain[["crime_type", "area", "period", "events"]].values.tolist() == [
        ["Burglary", "North", "2025-01", 1.0], ["Burglary", "North", "2025-02", 1.0],
        ["Theft", "South", "2025-01", 1.0]]
    assert g.attrs["roles"]["area"] == "location" and g.attrs["roles"]["w000"] == "count"


def test_month_only_data_refused_unless_spread() -> None:
    ev = pd.DataFrame({"month": pd.PeriodIndex(["2025-01", "2025-02", "2025-02"], freq="M"),
                       "crime_type": ["A", "B", "A"]})
    with pytest.raises(SchemaError, match=r"gives times to the month only"):
        heat_matrix(ev, start="month", end=None)
    hm = heat_matrix(ev, start="month", end=None, spread=True)
    assert np.isclose(float(hm.matrix.to_numpy().sum()), 3.0)
    assert any("spread evenly over its whole month" in n for n in hm.matrix.notes)
    # each small group is spread like the whole column, not re-guessed from its few values
    a = hm.groups[hm.groups["crime_type"] == "A"][W].to_numpy().sum(axis=0)
    ref = ib.geo.aoristic(ev[ev["crime_type"] == "A"].reset_index(drop=True), start="month",
                          end=None, spread=True)
    assert np.allclose(a, ref.to_numpy().ravel())
    with pytest.raises(SchemaError, match=r"period filter by day"):
        heat_matrix(ev, start="month", end=None, spread=True, period="W")


def test_parameters_checked() -> None:
    with pytest.raises(ParameterError, match="period must be one of"):
        heat_matrix(_events(), start="from", end="to", period="D")
    with pytest.raises(ParameterError, match="max_groups"):
        heat_matrix(_events(), start="from", end="to", max_groups=2)
    with pytest.raises(SchemaError, match=r"area='ward': no such column"):
        heat_matrix(_events(), start="from", end="to", area="ward")


def test_page_escapes_labels_and_carries_the_marking() -> None:
    hm = heat_matrix(_events(), start="from", end="to", marking="OFFICIAL-SENSITIVE",
                     title=EVIL_IMG)
    page = hm.html
    assert EVIL_IMG not in page and EVIL_SCRIPT not in page and "<img" not in page
    d = _data(page)
    assert EVIL_IMG in d["crimeTypes"] and EVIL_SCRIPT in d["areas"]
    assert page.count(">OFFICIAL-SENSITIVE</div>") == 2
    assert d["periods"] == ["2025-01", "2025-02", "2025-03"]


def test_static_figure_has_matrix_and_three_histograms() -> None:
    hm = heat_matrix(_events(), start="from", end="to")
    fig = hm.figure()
    titles = [a.get_title() for a in fig.axes]
    assert {"By hour of day", "By day of week", "By period (events)"} <= set(titles)
    assert hm.png()[:4] == b"\x89PNG"
    hour_ax = fig.axes[titles.index("By hour of day")]
    heights = [p.get_height() for p in hour_ax.patches]
    assert np.allclose(heights, hm.matrix.to_numpy().sum(axis=0))


def test_filtered_matches_the_helper_on_the_filtered_events() -> None:
    ev = _events()
    hm = heat_matrix(ev, start="from", end="to")
    got = hm.filtered(crime_type="Burglary", area="North", start="2025-02", end="2025-02")
    ref = ib.geo.aoristic(ev.iloc[[2]], start="from", end="to")  # the one such event
    assert np.allclose(got.to_numpy(), ref.to_numpy())
    assert np.allclose(hm.filtered().to_numpy(), hm.matrix.to_numpy())


def test_widget_syncs_filters_and_escapes() -> None:
    hm = heat_matrix(_events(), start="from", end="to", marking="OFFICIAL " + EVIL_IMG,
                     title=EVIL_SCRIPT)
    w = hm.widget()
    assert "function ibHeatMount" in w._esm and "export default" in w._esm
    assert EVIL_IMG not in w.body and EVIL_SCRIPT not in w.body
    assert w.body.count('class="ib-marking"') == 2
    assert json.loads(w.data)["crimeTypes"] == sorted({"Burglary", "Theft", EVIL_IMG})
    w.filters = {"crime_type": "Burglary", "area": "", "from": "", "to": ""}
    burg = hm.groups[hm.groups["crime_type"] == "Burglary"][W].to_numpy().sum(axis=0)
    assert np.allclose(w.matrix().to_numpy().ravel(), burg)
    assert "body {" not in w._css and "html," not in w._css  # never restyles JupyterLab
