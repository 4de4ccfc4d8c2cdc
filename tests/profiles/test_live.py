"""The interactive profile through the gate: live map, link chart and timeline, marked, clean.

A small profile holds a real ``ib.geo.map``, ``ib.network.link_chart`` and ``ib.timeline``
with identifiers planted in their labels, popups and details and in the profile's text and
tables. It goes through ``ib.disseminate`` for a police force and a partner; the written file
holds every live page (with the marking banner top and bottom inside each), every table with
its columns, and none of the planted identifiers in its raw bytes, in any letter case.
"""

from __future__ import annotations

import html
import json
import re
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
import shapely

import intelbench as ib
from intelbench.profiles._live import remark
from intelbench.profiles._static import static_figure
from tests._identity import open_as
from tests.offline_scan import external_fetches
from tests.profiles import _factory as fx

#: Identifiers of several classes, each planted somewhere a reader would see it.
PLANTED = {
    "phone": "07700 900461",
    "vrm": "KX19 WBT",
    "postcode": "NX4 7QP",
    "email": "kirsty.vallance@example.org",
    "ni": "JT 48 62 19 A",
}


def _squash(text: str) -> str:
    return re.sub(r"[\s\-().]", "", text).lower()


def _live_objects() -> dict[str, Any]:
    areas = gpd.GeoDataFrame(
        {"area_code": ["E01", "E02"], "area_name": [f"North {PLANTED['postcode']}", "South"],
         "rate": [2.0, 5.0]},
        geometry=[shapely.box(0, 0, 4000, 4000), shapely.box(0, 4000, 4000, 8000)],
        crs=27700).to_crs(27700)
    areas = areas.set_geometry(areas.geometry.translate(430000, 430000))
    m = ib.geo.map(areas=areas, value="rate", title="Rate by area", marking="OFFICIAL")
    g = nx.Graph()
    g.add_node("P-1", label="Kirsty VALLANCE", node_type="person")
    g.add_node("T-1", label=PLANTED["phone"], node_type="phone")
    g.add_node("V-1", label=PLANTED["vrm"], node_type="vehicle")
    g.add_edge("P-1", "T-1", link_types=["uses phone"], weight=1)
    g.add_edge("P-1", "V-1", link_types=["drives"], weight=1)
    chart = ib.network.link_chart(g, title="Links", seed=1)
    ev = pd.DataFrame({"subject": ["P-1", "P-2"], "kind": ["meeting", "call"],
                       "time": ["2026-03-01 10:00", "2026-03-02 12:30"], "with": ["P-2", ""],
                       "summary": [f"Met at {PLANTED['postcode']}", f"Mail {PLANTED['email']}"]})
    tl = ib.timeline(ev, title="Key events", marking="OFFICIAL")
    return {"map": m, "chart": chart, "timeline": tl}


@pytest.fixture(scope="module")
def live() -> dict[str, Any]:
    return _live_objects()


def _profile(live: dict[str, Any], **over: Any) -> ib.profiles.ProblemProfile:
    table = pd.DataFrame({"area_code": ["E01", "E02"], "count": [4, 7],
                          "note": [f"caller {PLANTED['phone']}", f"NI {PLANTED['ni']}"]})
    kw: dict[str, Any] = dict(
        summary=f"Burglary rose by a fifth; a witness ({PLANTED['email']}) saw {PLANTED['vrm']}.",
        figures=[ib.profiles.FigureItem("Rate by area", live["map"], "Per 1,000."),
                 ib.profiles.FigureItem("Links", live["chart"], "By reference."),
                 ib.profiles.FigureItem("Key events", live["timeline"], "From the log.")],
        tables=[ib.profiles.TableItem("Areas", table, "Counts")],
        cited=["IR-2026-000001", "IR-2026-000002"])
    kw.update(over)
    return fx.reviewed(fx.problem(**kw))


def _send(product: Any, ws: Any, out: Path, kind: str, **extra: Any) -> Any:
    req = fx.request(ws, out, "html")
    if kind == "PARTNER_ISA":
        req.update(to=ib.Recipient("Analyst", "Northshire CSP", "PARTNER_ISA",
                                   isa_ref="ISA-NS-2026-04"),
                   basis="Crime and Disorder Act 1998 s115 under ISA-NS-2026-04")
    req.update(extra)
    # as an analyst does: read the flagged values in the dry run, release them, send; the
    # planted identifiers are redacted (not merely flagged), so releasing cannot let them out
    dry = ib.disseminate(product, dry_run=True, **req)
    flagged = list(dry.flagged["id"]) if len(dry.flagged) else []
    assert not any(v in " ".join(map(str, dry.flagged["value"])) for v in PLANTED.values())
    return ib.disseminate(product, release=dry.release(*flagged) if flagged else None, **req)


def _frames(doc: str) -> list[str]:
    return [html.unescape(x) for x in re.findall(r'<iframe[^>]*srcdoc="([^"]*)"', doc)]


@pytest.mark.parametrize("kind", ["POLICE_FORCE", "PARTNER_ISA"])
def test_interactive_profile_through_the_gate(live: dict[str, Any], tmp_path: Path,
                                              kind: str) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    p = _profile(live)
    rec = _send(p.interactive(), ws, tmp_path / "out", kind)
    raw = rec.path.read_bytes()
    doc = raw.decode("utf-8")
    assert external_fetches(rec.path.parent) == []
    # each live page is there, after its static picture, marked top and bottom
    frames = _frames(doc)
    assert len(frames) == 3
    assert re.sub(r"<iframe[^>]*>", "", doc).count('<img alt="chart"') == 3
    banner = f"{rec.doc['classification']} | {rec.ref} | Handling {rec.doc['handling']}"
    for page in frames:
        top = page.index('class="marking top"')
        bottom = page.index('class="marking bottom"')
        assert page.lower().index("<body") < top < bottom
        assert page.count(banner) == 2
        assert "not for dissemination" not in page  # the map's own working-copy marking
    assert "ib-chart-data" in frames[1] and "ib-timeline-data" in frames[2]
    assert "leaflet" in frames[0].lower()
    # the table keeps its columns
    assert re.search(r"<th>area_code</th><th>count</th><th>note</th>", doc)
    # nothing planted leaves: raw bytes, unescaped text, any case, any separators
    for cls, value in PLANTED.items():
        for text in (doc, html.unescape(doc), *frames):
            assert value.lower() not in text.lower(), (cls, kind)
            assert _squash(value) not in _squash(text), (cls, kind)
    assert b"vallance" not in raw.lower()
    reg = ib.gate.register(ws)
    assert list(reg["product_kind"]) == ["document"] and list(reg["recipient_kind"]) == [kind]


def test_live_pages_and_print_layouts_carry_the_profile_marking(live: dict[str, Any]) -> None:
    """A profile marked OFFICIAL-SENSITIVE with a map made at OFFICIAL: OFFICIAL-SENSITIVE on
    every page and every figure (print layout, timeline picture, live pages)."""
    p = _profile(live, classification="OFFICIAL-SENSITIVE")
    assert live["map"].marking == "OFFICIAL" and live["timeline"].marking == "OFFICIAL"
    mark = "OFFICIAL-SENSITIVE | Handling P"
    for f in p.figures:
        page = remark(f, mark)
        assert mark in page and "OFFICIAL |" not in page.replace(mark, "")
    lay = static_figure(p.figures[0], mark)
    assert lay.ib_layout["marking"] == mark
    texts = [t.get_text() for t in lay.findobj(lambda a: hasattr(a, "get_text"))]
    assert texts.count(mark) == 2 and "OFFICIAL" not in [t.strip() for t in texts]
    tl_texts = [t.get_text() for t in static_figure(p.figures[2], mark).texts]
    assert tl_texts.count(mark) == 2
    # the review copy: the page banners, every live page and every picture's marking
    review = p.to_html()
    assert p.default_marking().startswith("OFFICIAL-SENSITIVE")
    for page in _frames(review):
        assert p.default_marking() in page
    # through the gate the document's pictures are print layouts with the profile's marking
    doc = p.to_document(live=True)
    figs = [x for x in doc["figures"] if hasattr(x, "savefig")]
    assert figs[0].ib_layout["marking"] == mark


def test_link_chart_is_shown_by_reference(live: dict[str, Any]) -> None:
    p = _profile(live)
    page = remark(p.figures[1], "OFFICIAL | Handling P")
    data = json.loads(re.search(r'id="ib-chart-data">(.*?)</script>', page, re.S).group(1))
    assert sorted(data["nodes"]["label"]) == ["P-1", "T-1", "V-1"]
    assert "VALLANCE" not in page and PLANTED["phone"] not in page


def test_timeline_is_a_figure_kind(live: dict[str, Any]) -> None:
    item = ib.profiles.FigureItem("Key events", live["timeline"])
    assert item.kind == "timeline"
    assert static_figure(item) is not None


def test_manifest_is_valid_json_that_cannot_break_out(live: dict[str, Any]) -> None:
    p = _profile(live)
    p.manifest.step("hostile", note="</script><script>alert(1)</script> & <b>")
    doc = p.to_html()
    body = re.search(r'<script type="application/json" id="ib-manifest">(.*?)</script>', doc,
                     re.S)
    assert body is not None
    text = body.group(1)
    assert "<" not in text and ">" not in text and "&" not in text
    data = json.loads(text)
    assert data == json.loads(json.dumps(p.manifest.to_dict(), sort_keys=True, default=str))
    steps = [s for s in data["steps"] if s["name"] == "hostile"]
    assert steps[0]["params"]["note"] == "</script><script>alert(1)</script> & <b>"


def test_a_map_like_page_without_a_marking_attribute_is_re_marked() -> None:
    class CellMap:  # as ib.comms' cell-site map: a page with a payload, no .marking
        html = ('<html><body><script type="application/json">{"title":"Cells",'
                '"marking":"OFFICIAL-SENSITIVE | working copy - not for dissemination"}'
                "</script></body></html>")
        layers = ["cells"]

    page = remark(ib.profiles.FigureItem("Cells", CellMap(), static=fx.chart()),
                  "OFFICIAL | Handling P")
    assert '"marking":"OFFICIAL | Handling P"' in page and "working copy" not in page
