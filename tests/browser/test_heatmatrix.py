"""Browser tests of the offline day-by-hour heat matrix (file:// URL, non-local requests blocked).

Screenshots go to ``out/screens/`` (git-ignored).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from intelbench.charts import heat_matrix
from tests.charts._data import EVIL_IMG, EVIL_SCRIPT, EVIL_TEMPLATE

pytestmark = pytest.mark.browser
ROOT = Path(__file__).resolve().parents[2]
SCREENS = ROOT / "out" / "screens"
W = [f"w{i:03d}" for i in range(168)]


def open_heat(page: Any, path: Path) -> None:
    page.goto(path.resolve().as_uri())
    page.wait_for_function("window.intelbenchHeat && intelbenchHeat.ready", timeout=60_000)


def _events() -> pd.DataFrame:
    rng = np.random.default_rng(4)
    n = 400
    start = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 180 * 24 * 60, n),
                                                         "min")
    end = start + pd.to_timedelta(rng.integers(0, 12 * 60, n), "min")
    return pd.DataFrame({
        "from_datetime": start.strftime("%d/%m/%Y %H:%M"),
        "to_datetime": end.strftime("%d/%m/%Y %H:%M"),
        "crime_type": rng.choice(["Burglary", EVIL_IMG, EVIL_TEMPLATE], n),
        "sector": rng.choice(["North", "South", EVIL_SCRIPT], n),
    })


def test_filters_match_python_and_hostile_labels_stay_text(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    dialogs: list[str] = []
    guarded_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ev = _events()
    hm = heat_matrix(ev, title=EVIL_IMG, marking="OFFICIAL-SENSITIVE")
    open_heat(guarded_page, hm.save(tmp_path / "heat.html"))
    page = guarded_page
    assert page.locator(".ib-marking").all_text_contents() == ["OFFICIAL-SENSITIVE"] * 2
    assert page.evaluate("intelbenchHeat.options('type')") == [
        "All", *sorted({"Burglary", EVIL_IMG, EVIL_TEMPLATE})]
    assert EVIL_SCRIPT in page.evaluate("intelbenchHeat.options('area')")
    assert page.locator("h1.ib-title").text_content() == EVIL_IMG
    # all events: the page's matrix is the helper's matrix
    assert np.allclose(page.evaluate("intelbenchHeat.matrix"), hm.matrix.to_numpy().ravel(),
                       atol=1e-3)
    # one crime type, through the select as a user would
    page.select_option("#ib-f-type", label=EVIL_IMG)
    g = hm.groups
    want = g[g["crime_type"] == EVIL_IMG][W].to_numpy().sum(axis=0)
    assert np.allclose(page.evaluate("intelbenchHeat.matrix"), want, atol=1e-3)
    # plus an area and a period range
    page.select_option("#ib-f-area", label=EVIL_SCRIPT)
    page.select_option("#ib-f-from", label="2025-02")
    page.select_option("#ib-f-to", label="2025-04")
    sel = g[(g["crime_type"] == EVIL_IMG) & (g["area"] == EVIL_SCRIPT)
            & g["period"].isin(["2025-02", "2025-03", "2025-04"])]
    assert np.allclose(page.evaluate("intelbenchHeat.matrix"), sel[W].to_numpy().sum(axis=0),
                       atol=1e-3)
    assert page.evaluate("intelbenchHeat.total") == pytest.approx(sel["events"].sum())
    assert page.locator("#ib-h-hour rect").count() == 24
    assert page.locator("#ib-h-day rect").count() == 7
    assert page.locator("#ib-h-period rect").count() == len(set(g["period"]))
    SCREENS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENS / "heat_filtered_hostile.png"), full_page=True)
    page.click("#ib-reset")
    assert page.evaluate("intelbenchHeat.total") == pytest.approx(len(ev))
    assert page.locator("img").count() == 0 and page.locator("script").count() == 2
    assert page.evaluate("typeof window.__pwned") == "undefined"
    assert dialogs == [] and page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


def test_sample_burglary_heat_matrix(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path,
    samples: Path
) -> None:
    import geopandas as gpd

    ext = pd.read_csv(samples / "burglary_extract.csv", dtype=str, keep_default_na=False,
                      na_values=[""])
    areas = gpd.read_file(samples / "areas.gpkg", layer="areas")[["area_code", "sector"]]
    ext = ext.merge(areas, on="area_code", how="left")
    hm = heat_matrix(ext, title="Burglary by day and hour (aoristic)")
    open_heat(guarded_page, hm.save(tmp_path / "burglary.html"))
    first = guarded_page.evaluate("intelbenchHeat.firstRenderMs")
    print(f"burglary heat matrix ({len(hm.groups)} combinations): first render {first:.0f} ms")
    assert guarded_page.evaluate("intelbenchHeat.total") == pytest.approx(
        float(hm.matrix.to_numpy().sum()))
    guarded_page.select_option("#ib-f-area", label="Kestermoor")
    SCREENS.mkdir(parents=True, exist_ok=True)
    guarded_page.screenshot(path=str(SCREENS / "heat_burglary_kestermoor.png"), full_page=True)
    assert page_errors == [] and blocked_requests == []


def test_widget_module_round_trip_with_a_model(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    """The widget's ES module rendered by anywidget's contract (render({model, el})) with a
    stand-in model: the chart writes its filters to the model, and the model's filters set
    from Python redraw the chart."""
    import json

    hm = heat_matrix(_events(), title="Widget", marking="OFFICIAL")
    w = hm.widget()
    page_html = (
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>" + w._css + "</style></head>"
        "<body><div id='out'></div><script type='module'>"
        f"const esm = {json.dumps(w._esm)};"
        f"const state = {{body: {json.dumps(w.body)}, data: {json.dumps(w.data)}, filters: {{}}}};"
        "const handlers = {}; window.saves = 0;"
        "const model = { get: (k) => state[k], set: (k, v) => { state[k] = v; },"
        "  save_changes: () => { window.saves++; },"
        "  on: (ev, fn) => { handlers[ev] = fn; }, off: (ev) => { delete handlers[ev]; } };"
        "window.fromPython = (f) => { state.filters = f; handlers['change:filters'](); };"
        "window.modelFilters = () => state.filters;"
        "const mod = await import(URL.createObjectURL(new Blob([esm], {type: 'text/javascript'})));"
        "window.api = null; mod.default.render({model, el: document.getElementById('out')});"
        "window.widgetReady = true;</script></body></html>")
    path = tmp_path / "widget.html"
    path.write_text(page_html, encoding="utf-8")
    page = guarded_page
    page.goto(path.as_uri())
    page.wait_for_function("window.widgetReady === true", timeout=30_000)
    assert page.locator("#out .ib-marking").count() == 2
    assert page.evaluate("modelFilters().from") == "2025-01"  # initial state sent to the model
    # chart -> model: a user picks a crime type
    page.select_option("#out #ib-f-type", label="Burglary")
    assert page.evaluate("modelFilters().crime_type") == "Burglary"
    # model -> chart: Python sets the filters; the chart redraws with Python's numbers
    page.evaluate("fromPython({crime_type: '', area: 'South', from: '2025-02', to: '2025-03'})")
    assert page.locator("#out #ib-f-area").input_value() == "South"
    cells = page.locator("#out #ib-heat td").all_text_contents()
    want = hm.filtered(area="South", start="2025-02", end="2025-03").to_numpy().ravel()
    shown = [float(c) if c and not c.startswith("<") else 0.0 for c in cells]
    assert np.allclose(shown, np.where(want >= 10, np.round(want), np.round(want, 1)))
    assert page_errors == [] and blocked_requests == []
