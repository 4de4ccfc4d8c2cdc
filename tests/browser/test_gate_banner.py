"""The gate's marking banner is visible, on top, at the top and bottom of every HTML product.

Each interactive product kind (map, link chart, timeline, heat matrix, gap report) and an
interactive profile goes through ``ib.disseminate`` to HTML and is opened in Chromium. After
the page has drawn, ``document.elementFromPoint`` at the centre of each of the gate's two
banners must return the banner itself (or a child): nothing the page draws (Leaflet's panes
and controls, the chart canvas, the page's own banners) may lie over it. Inside a profile the
same holds in every embedded live page, and for the profile's own banners at the top and the
bottom of the document.

The chart pages (timeline, heat matrix) also carry exactly one Content-Security-Policy after
the gate, which names the page's script by hash and allows no inline script or ``eval``; the
pages still work under it (zoom and details on the timeline, filters on the heat matrix).
"""

from __future__ import annotations

import datetime as dt
import html
import re
import time
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest

import intelbench as ib
from intelbench import gate as dm
from tests.gate._support import html_request, send_released

pytestmark = pytest.mark.browser

DATA = Path(__file__).resolve().parents[2] / "data_samples"

#: For each banner of the gate: its class, whether the element at its centre is the banner
#: (or inside it), and its box.
_PROBE = """() => [...document.querySelectorAll('div.marking')].map(b => {
  const r = b.getBoundingClientRect();
  const e = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
  return {cls: b.className, text: b.textContent, top: r.top, bottom: r.bottom,
          height: r.height, onTop: e !== null && (e === b || b.contains(e)),
          hit: e === null ? null : e.tagName + '.' + e.className};
})"""


#: The gate's cover: scrolled into view, whether the element at the centre of its visible
#: part is the cover (or inside it).
_COVER = """() => {
  const c = document.querySelector('section.ib-cover');
  if (c === null) return null;
  c.scrollIntoView({block: 'center'});
  const r = c.getBoundingClientRect();
  const top = Math.max(r.top, 24), bottom = Math.min(r.bottom, window.innerHeight - 24);
  const e = document.elementFromPoint(r.left + r.width / 2, (top + bottom) / 2);
  window.scrollTo(0, 0);
  return {text: c.textContent, height: r.height, onTop: e !== null && (e === c || c.contains(e)),
          hit: e === null ? null : e.tagName + '.' + e.className};
}"""


def _until(page: Any, expr: str, timeout: float = 30_000) -> None:
    """Poll ``expr`` from Python (the pages' CSP refuses the ``eval`` of wait_for_function)."""
    deadline = time.monotonic() + timeout / 1000
    while not page.evaluate(f"Boolean({expr})"):
        if time.monotonic() > deadline:
            raise AssertionError(f"not true after {timeout / 1000:g} s: {expr}")
        page.wait_for_timeout(20)


def _send(product: Any, req: dict[str, Any]) -> Any:
    rec = send_released(product, req)
    assert isinstance(rec, dm.DisseminationRecord)
    return rec


def _map() -> Any:
    areas = gpd.read_file(DATA / "areas.gpkg", layer="areas").head(30)
    points = gpd.GeoDataFrame({"what": ["Burglary"] * 5},
                              geometry=areas.head(5).representative_point(), crs=areas.crs)
    return ib.geo.map(points=points, areas=areas, value="residents", popup=["what"],
                      title="Residents")


def _chart() -> Any:
    g = nx.Graph()
    g.add_node("P-1", node_type="person", label="First")
    g.add_node("P-2", node_type="person", label="Second")
    g.add_edge("P-1", "P-2", link_types=("calls",), reports=("IR-1",), grades=("B2",))
    return ib.network.link_chart(g, seed=1, title="Two people")


def _events() -> pd.DataFrame:
    return pd.DataFrame({
        "subject": ["P-1", "P-2", "P-1", "P-2"],
        "time": ["2025-03-01 10:00", "2025-03-02 12:30", "2025-03-03 09:00", "2025-03-04 18:00"],
        "kind": ["meeting", "call", "seen", "arrest"], "with": ["P-2", "", "", ""],
        "note": ["met", "rang", "seen", "arrested"]})


def _timeline() -> Any:
    return ib.timeline(_events(), title="Events in March")


def _heat() -> Any:
    ev = pd.DataFrame({"from": ["06/01/2025 08:00", "07/01/2025 22:00", "08/02/2025 01:00"],
                       "to": ["06/01/2025 16:00", "07/01/2025 22:00", "08/02/2025 03:00"],
                       "offence": ["Burglary", "Robbery", "Burglary"]})
    return ib.charts.heat_matrix(ev, start="from", end="to", title="Burglary by hour")


def _gaps() -> Any:
    plan = ib.plans.CollectionPlan("CP-1", "Burglary plan", owner="DS Owner",
                                   created="2025-11-01", status="ACTIVE")
    plan = plan.add_question(text="Who handles the goods?", priority="HIGH",
                             deadline="2026-01-05", gap="No handler known", tasked_to="Team A")
    return ib.plans.gaps(None, today=dt.date(2026, 1, 10), plans=[plan])


_READY = {
    "map": "document.querySelectorAll('.leaflet-container path, .leaflet-container canvas')"
           ".length > 0",
    "link chart": "window.intelbenchChart !== undefined",
    "timeline": "window.intelbenchTimeline && intelbenchTimeline.ready",
    "heat matrix": "window.intelbenchHeat && intelbenchHeat.total > 0",
    "gap report": "document.querySelector('.ib-gaps') !== null",
}
_MAKE = {"map": _map, "link chart": _chart, "timeline": _timeline, "heat matrix": _heat,
         "gap report": _gaps}


def _check_banners(banners: list[dict[str, Any]], banner: str, height: float, where: str
                   ) -> None:
    gate = [b for b in banners if b["cls"] in ("marking top", "marking bottom")]
    assert [b["cls"] for b in gate] == ["marking top", "marking bottom"], (where, banners)
    for b in gate:
        assert b["text"] == banner, (where, b)
        assert b["onTop"], f"{where}: the {b['cls']} banner lies under {b['hit']}"
        assert b["height"] >= 15
    top, bottom = gate
    assert top["top"] <= 1, (where, top)  # at the top of the window ...
    assert abs(bottom["bottom"] - height) <= 1, (where, bottom)  # ... and at its bottom


@pytest.mark.parametrize("kind", list(_MAKE))
def test_the_gate_banner_is_visible_and_on_top(
    kind: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str],
    page_errors: list[str],
) -> None:
    rec = _send(_MAKE[kind](), html_request(tmp_path, "Banner test"))
    banner = f"{rec.doc['classification']} | {rec.ref} | Handling {rec.doc['handling']}"
    guarded_page.goto(rec.path.as_uri())
    guarded_page.wait_for_load_state("load")
    _until(guarded_page, _READY[kind])
    guarded_page.wait_for_timeout(300)  # let the page finish drawing (map tiles, chart layout)
    height = guarded_page.viewport_size["height"]
    _check_banners(guarded_page.evaluate(_PROBE), banner, height, kind)
    # the dissemination cover (release text, handling) is on the page and nothing lies over it
    cover = guarded_page.evaluate(_COVER)
    assert cover is not None, f"{kind}: no dissemination cover"
    assert rec.ref in cover["text"] and cover["height"] > 0, (kind, cover)
    assert cover["onTop"], f"{kind}: the cover lies under {cover['hit']}"
    # still on top after the page is scrolled to its end
    guarded_page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    guarded_page.wait_for_timeout(100)
    _check_banners(guarded_page.evaluate(_PROBE), banner, height, kind + " (scrolled)")
    assert page_errors == []
    assert blocked_requests == []


def test_every_live_page_of_an_interactive_profile_shows_the_banner_on_top(
    tmp_path: Path, guarded_page: Any, blocked_requests: list[str], page_errors: list[str],
) -> None:
    from tests.profiles import _factory as fx

    figures = [ib.profiles.FigureItem("Residents", _map(), "Per area."),
               ib.profiles.FigureItem("Links", _chart(), "By reference."),
               ib.profiles.FigureItem("Events", _timeline(), "From the log.")]
    prof = fx.reviewed(fx.problem(figures=figures))
    rec = _send(prof.interactive(), html_request(tmp_path, "Banner test"))
    banner = f"{rec.doc['classification']} | {rec.ref} | Handling {rec.doc['handling']}"
    page = guarded_page
    page.goto(rec.path.as_uri())
    page.wait_for_load_state("load")
    frames = page.locator("iframe.ib-live")
    assert frames.count() == 3
    ready = [_READY["map"], _READY["link chart"], _READY["timeline"]]
    for i in range(3):
        frames.nth(i).scroll_into_view_if_needed()
        frame = frames.nth(i).element_handle().content_frame()
        _until(frame, ready[i])
        frame.wait_for_timeout(300)
        inner_height = frame.evaluate("window.innerHeight")
        _check_banners(frame.evaluate(_PROBE), banner, inner_height, f"live page {i}")
    # the profile document's own banners: the first at the top, the last at the end
    page.evaluate("window.scrollTo(0, 0)")
    outer = [b for b in page.evaluate(_PROBE) if b["cls"] == "marking top"]
    assert outer and outer[0]["onTop"] and outer[0]["top"] <= 1 and outer[0]["text"] == banner
    page.evaluate("window.scrollTo(0, document.documentElement.scrollHeight)")
    page.wait_for_timeout(100)
    outer = [b for b in page.evaluate(_PROBE) if b["cls"] == "marking bottom"]
    height = page.viewport_size["height"]
    assert outer and outer[0]["onTop"] and outer[0]["bottom"] <= height + 1
    assert outer[0]["text"] == banner
    assert page_errors == []
    assert blocked_requests == []


def _script_src(csp: str) -> str:
    return next(d.strip() for d in csp.split(";") if d.strip().startswith("script-src"))


def _csps(doc: str) -> list[str]:
    return re.findall(r'http-equiv="Content-Security-Policy"\s+content="([^"]*)"', doc, re.I)


@pytest.mark.parametrize("kind", ["timeline", "heat matrix"])
def test_chart_pages_carry_one_hash_based_csp_and_still_work(
    kind: str, tmp_path: Path, guarded_page: Any, blocked_requests: list[str],
    page_errors: list[str], console_errors: list[str],
) -> None:
    product = _MAKE[kind]()
    before = [html.unescape(c) for c in _csps(product.html)]
    assert len(before) == 1 and "unsafe-inline" not in _script_src(before[0])
    rec = _send(product, html_request(tmp_path, "Banner test"))
    doc = rec.path.read_text(encoding="utf-8")
    csps = _csps(doc)
    assert len(csps) == 1, csps
    sources = _script_src(html.unescape(csps[0])).split()[1:]
    assert sources and all(re.fullmatch(r"'sha256-[A-Za-z0-9+/]+=*'", s) for s in sources)
    assert "unsafe-eval" not in csps[0]
    page = guarded_page
    page.goto(rec.path.as_uri())
    _until(page, _READY[kind])
    if kind == "timeline":
        before_view = page.evaluate("intelbenchTimeline.view().msPerPx")
        page.click("#ib-zoom-in")
        _until(page, f"intelbenchTimeline.view().msPerPx < {before_view}")
        page.click("#ib-fit")
        n = 1
        x, y = page.evaluate(f"intelbenchTimeline.screenPos({n})")
        page.mouse.click(x, y)
        _until(page, f"intelbenchTimeline.selected === {n}")
        assert "rang" in page.evaluate("intelbenchTimeline.detailsText()")
    else:
        assert page.evaluate("intelbenchHeat.total") == pytest.approx(3)
        page.select_option("#ib-f-type", label="Robbery")
        _until(page, "intelbenchHeat.total < 3")
        page.click("#ib-reset")
        _until(page, "intelbenchHeat.total === 3")
    # nothing the page does needs more than its hashed script: no CSP violation was reported
    assert not [e for e in console_errors if "Content Security Policy" in e], console_errors
    assert page_errors == []
    assert blocked_requests == []
