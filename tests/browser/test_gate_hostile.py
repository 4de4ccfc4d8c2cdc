"""Hostile strings in every user-supplied field of the interactive products, through the gate.

Each payload goes into the map's title, layer (value) name, popup and tooltip values, into
the link chart's title, labels, node types and link attributes, and into every user field of a
collection plan behind a gap report (plan title and owner, question text, gap text, tasking,
candidate sources), into the timeline's subjects, kinds, other parties, details, title and
caption, and into the heat matrix's crime types and areas (its filter values) and title. The
product goes through
``ib.disseminate`` to an internal recipient (flagged values released after a dry run, as an
analyst does); whatever the gate writes is opened in Chromium with every outside request
blocked, and no payload may run, open a dialog or fetch anything. A payload the gate refuses
outright counts as tried and not executed.
"""

from __future__ import annotations

import datetime as dt
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import DisseminationRefused
from intelbench.network.charts import link_chart
from tests.gate._support import html_request, send_released

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data_samples"

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload="window.__pwned=3">',
    "<iframe srcdoc=\"<script>parent.__pwned=4</script>\"></iframe>",
    "javascript:window.__pwned=5",
    "'};window.__pwned=6;//",
    "</script><script>window.__pwned=7</script>",
    "{{7*7}}${window.__pwned=8}",
    '<a href="javascript:alert(9)">x</a>',
    "<details open ontoggle=\"alert(10)\">",
]
#: Counts per output: payloads tried, refused by the gate, written, executed.
TALLY: dict[str, dict[str, int]] = {}


def _through_gate(product: Any, req: dict[str, Any]) -> Path | None:
    try:
        rec = send_released(product, req)
    except DisseminationRefused:
        return None
    return Path(rec.path)


def _open(page: Any, path: Path, dialogs: list[str]) -> bool:
    """Open the file; return whether any payload ran (a flag set or a dialog opened)."""
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    page.wait_for_timeout(300)
    # hover and click everything drawn, so popups and tooltips render their content
    for sel in ("path.leaflet-interactive", ".leaflet-control-layers", "canvas"):
        for el in page.locator(sel).all()[:20]:
            try:
                el.hover(timeout=500)
                el.click(timeout=500)
            except Exception:  # an element under another one cannot be clicked; fine
                pass
    page.wait_for_timeout(200)
    ran = page.evaluate("() => window.__pwned !== undefined")
    return bool(ran or dialogs)


def _tally(output: str, written: bool, executed: bool) -> None:
    t = TALLY.setdefault(output, {"tried": 0, "refused": 0, "written": 0, "executed": 0})
    t["tried"] += 1
    t["written" if written else "refused"] += 1
    t["executed"] += int(executed)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_strings_in_a_map_do_not_run(
    payload: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str]
) -> None:
    dialogs: list[str] = []
    guarded_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    areas = gpd.read_file(DATA / "areas.gpkg", layer="areas").head(30)
    areas = areas.assign(**{payload: areas["residents"]}, note=payload)
    points = gpd.GeoDataFrame({"what": [payload] * 5, "label": [payload] * 5},
                              geometry=areas.head(5).representative_point(), crs=areas.crs)
    try:
        product = ib.geo.map(points=points, areas=areas, value=payload, popup=["what"],
                             tooltip="label", title=payload)
    except ib.IntelbenchError:
        _tally("map", False, False)  # the map itself refused the string
        return
    path = _through_gate(product, html_request(tmp_path, "Hostile string test"))
    executed = False if path is None else _open(guarded_page, path, dialogs)
    _tally("map", path is not None, executed)
    assert not executed, f"payload ran in the map: {payload!r}"
    assert blocked_requests == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_strings_in_a_link_chart_do_not_run(
    payload: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str]
) -> None:
    dialogs: list[str] = []
    guarded_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    G = nx.Graph()
    G.add_node("P-1", node_type="person", label=payload)
    G.add_node("P-2", node_type=payload, label="Second")
    G.add_edge("P-1", "P-2", link_types=(payload,), reports=(payload,), grades=("B2",))
    product = link_chart(G, seed=1, title=payload)
    path = _through_gate(product, html_request(tmp_path, "Hostile string test"))
    executed = False
    if path is not None:
        executed = _open(guarded_page, path, dialogs)
        if not executed:
            guarded_page.evaluate("intelbenchChart.select('P-1')")
            executed = bool(guarded_page.evaluate("() => window.__pwned !== undefined")
                            or dialogs)
    _tally("link chart", path is not None, executed)
    assert not executed, f"payload ran in the link chart: {payload!r}"
    assert blocked_requests == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_strings_in_a_gap_report_do_not_run(
    payload: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str]
) -> None:
    dialogs: list[str] = []
    guarded_page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    src = ib.plans.CandidateSource("OTHER", access_difficulties=f"Hard {payload}",
                                   detail=f"Source {payload}")
    plan = ib.plans.CollectionPlan("CP-1", f"Plan {payload}", owner=f"Owner {payload}",
                                   created="2025-11-01", status="ACTIVE")
    plan = plan.add_question(text=f"Question {payload}", priority="HIGH", deadline="2026-01-05",
                             gap=f"Gap {payload}", candidate_sources=[src],
                             tasked_to=f"Team {payload}")
    report = ib.plans.gaps(None, today=dt.date(2026, 1, 10), plans=[plan])
    path = _through_gate(report, html_request(tmp_path, "Hostile string test"))
    executed = False if path is None else _open(guarded_page, path, dialogs)
    _tally("gap report", path is not None, executed)
    assert not executed, f"payload ran in the gap report: {payload!r}"
    assert not dialogs
    if path is not None:  # the payload is on the page as text, not as markup, in every field
        text = guarded_page.locator(".ib-gaps").inner_text()
        for field in (f"Plan {payload}", f"Owner {payload}", f"Question {payload}",
                      f"Gap {payload}", f"Team {payload}", f"Source {payload}",
                      f"Hard {payload}"):
            assert field in text, field
    assert blocked_requests == []


def _until(page: Any, expr: str, timeout: float = 30_000) -> None:
    """Poll ``expr`` from Python (the chart pages' CSP refuses wait_for_function's eval)."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(f"Boolean({expr})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout / 1000:g} s: {expr}")
        page.wait_for_timeout(20)


def _ran(page: Any, dialogs: list[str]) -> bool:
    return bool(page.evaluate("() => window.__pwned !== undefined") or dialogs)


def _text_only(page: Any, selector: str) -> None:
    """The element shows its (user-supplied) string as text: no element inside it."""
    assert page.locator(selector).count() == 1
    assert page.locator(f"{selector} *").count() == 0


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_strings_in_a_timeline_do_not_run(
    payload: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str]
) -> None:
    dialogs: list[str] = []
    page = guarded_page
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ev = pd.DataFrame({  # the payload as subject, kind, other party, detail, title, caption
        "subject": [f"S {payload}", "P-2", "P-3"],
        "time": ["2025-03-01 10:00", "2025-03-02 12:30", "2025-03-03 09:00"],
        "kind": ["meeting", payload, f"K {payload}"],
        "with": ["P-2", f"W {payload}", ""],
        "note": [payload, f"N {payload}", "plain"],
    })
    product = ib.timeline(ev, title=payload, caption=payload)
    path = _through_gate(product, html_request(tmp_path, "Hostile string test"))
    executed = False
    if path is not None:
        page.goto(path.as_uri())
        _until(page, "window.intelbenchTimeline && intelbenchTimeline.ready")
        _text_only(page, "h1.ib-title")
        for n in range(len(ev)):  # open every event's details, as a reader clicks them
            x, y = page.evaluate(f"intelbenchTimeline.screenPos({n})")
            page.mouse.click(x, y)
            page.evaluate(f"intelbenchTimeline.select({n})")
            page.evaluate("intelbenchTimeline.detailsText()")
        for sel in ("#ib-zoom-in", "#ib-fit"):
            page.click(sel)
        page.wait_for_timeout(200)
        assert page.locator("#ib-details script, #ib-details img, #ib-details svg, "
                            "#ib-legend img, #ib-legend script").count() == 0
        executed = _ran(page, dialogs)
    _tally("timeline", path is not None, executed)
    assert not executed, f"payload ran in the timeline: {payload!r}"
    assert not dialogs
    assert blocked_requests == []


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_strings_in_a_heat_matrix_do_not_run(
    payload: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str]
) -> None:
    dialogs: list[str] = []
    page = guarded_page
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    ev = pd.DataFrame({  # the payload as crime type and area (the filter values) and title
        "from": ["06/01/2025 08:00", "07/01/2025 22:00", "08/02/2025 01:00"],
        "to": ["06/01/2025 16:00", "07/01/2025 22:00", "08/02/2025 03:00"],
        "offence": [payload, f"T {payload}", "Robbery"],
        "area": [f"A {payload}", payload, "North"],
    })
    product = ib.charts.heat_matrix(ev, start="from", end="to", crime_type="offence",
                                    area="area", title=payload)
    path = _through_gate(product, html_request(tmp_path, "Hostile string test"))
    executed = False
    if path is not None:
        page.goto(path.as_uri())
        _until(page, "window.intelbenchHeat && intelbenchHeat.total > 0")
        _text_only(page, "h1.ib-title")
        for sel in ("#ib-f-type", "#ib-f-area"):  # choose every filter value in turn
            n = page.locator(f"{sel} option").count()
            assert n >= 2
            for i in range(n):
                page.select_option(sel, index=i)
            page.click("#ib-reset")
        assert page.locator("option *, #ib-h-hour script, #ib-h-day img").count() == 0
        page.wait_for_timeout(200)
        executed = _ran(page, dialogs)
    _tally("heat matrix", path is not None, executed)
    assert not executed, f"payload ran in the heat matrix: {payload!r}"
    assert not dialogs
    assert blocked_requests == []


def test_report_the_tally() -> None:
    """Print what was tried per output (run after the tests above)."""
    for output, t in sorted(TALLY.items()):
        print(f"{output}: {t['tried']} payloads tried, {t['refused']} refused by the gate, "
              f"{t['written']} written and opened, {t['executed']} executed")
        assert t["executed"] == 0
