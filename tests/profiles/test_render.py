"""Rendering: HTML offline, marked, escaped, printable; DOCX sections, headers and pictures."""

from __future__ import annotations

import io
import re
from pathlib import Path

import pytest

import intelbench as ib
from intelbench.exceptions import ProfileError
from tests._identity import open_as
from tests.offline_scan import external_fetches
from tests.profiles import _factory as fx


def _docx(data: bytes):  # type: ignore[no-untyped-def]
    from docx import Document

    return Document(io.BytesIO(data))


def test_html_is_offline_marked_and_printable(tmp_path: Path) -> None:
    html = fx.problem().to_html()
    f = tmp_path / "p.html"
    f.write_text(html, encoding="utf-8")
    assert external_fetches(f) == []
    mark = fx.problem().default_marking()
    assert html.count(mark) == 2
    top = html.index('class="ib-marking top"')
    bottom = html.index('class="ib-marking bottom"')
    assert top < html.index("<main>") < html.index("</main>") < bottom
    assert "@page" in html and "position:fixed" in html
    assert "page-break-before:always" in html
    assert 'srcdoc="' in html and "data:image/png;base64," in html
    assert "Content-Security-Policy" in html


def test_html_escapes_every_value_from_data() -> None:
    p = fx.problem(
        title=fx.PAYLOAD, summary=fx.PAYLOAD, key_findings=[fx.PAYLOAD], what=fx.PAYLOAD,
        gaps=[fx.PAYLOAD], recommendations={"prevention": [fx.PAYLOAD]},
        figures=[ib.profiles.FigureItem(fx.PAYLOAD, fx.chart(), fx.PAYLOAD)],
        tables=[ib.profiles.TableItem(fx.PAYLOAD, __import__("pandas").DataFrame(
            {fx.PAYLOAD: [fx.PAYLOAD]}))],
    )
    html = p.to_html()
    assert "<script>alert" not in html
    assert html.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 9
    # the map's own script lives only inside an escaped srcdoc attribute
    assert re.findall(r"<script(?![^>]*application/json)", html) == []


def test_docx_sections_marking_pictures_and_tables() -> None:
    p = fx.problem()
    doc = _docx(p.to_docx())
    heads = [x.text for x in doc.paragraphs if x.style.name == "Heading 1"]
    assert heads == ["Terms of reference", "Summary and key findings", "Problem description",
                     "Analysis: maps, charts and tables", "Intelligence gaps",
                     "Recommendations", "Grading and handling of intelligence cited",
                     "Appendix: reproducibility manifest"]
    assert len(doc.sections) == len(heads)
    mark = p.default_marking()
    for s in doc.sections:
        assert s.header.paragraphs[0].text == mark
        assert s.footer.paragraphs[0].text == mark
    assert len(doc.inline_shapes) == 2  # the chart and the map's static picture
    cited = [t for t in doc.tables if t.rows[0].cells[0].text == "urn"]
    assert [r.cells[1].text for r in cited[0].rows[1:]] == ["[1BP]", "[2AP]"]


def test_link_chart_prints_ids_not_labels() -> None:
    import pandas as pd

    from intelbench.profiles._static import static_figure

    class Chart:
        html = "<html><body>chart</body></html>"
        nodes = pd.DataFrame({"id": ["P-1", "T-1"], "label": ["Jo SMITH", "07700 900001"],
                              "node_type": ["person", "phone"], "x": [0, 10], "y": [0, 5]})
        edges = pd.DataFrame({"source": ["P-1"], "target": ["T-1"], "weight": [1]})

    item = ib.profiles.FigureItem("Links", Chart())
    assert item.kind == "link_chart"
    fig = static_figure(item)
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert "P-1" in texts
    assert not any("SMITH" in t or "07700" in t for t in texts)


def test_pdf_needs_a_converter(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import shutil

    monkeypatch.setattr(shutil, "which", lambda name: None)
    f = tmp_path / "x.docx"
    f.write_bytes(fx.problem().to_docx())
    with pytest.raises(ProfileError, match="libreoffice"):
        ib.profiles.docx_to_pdf(f)


def test_gate_writes_html_and_docx_with_record(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    out = tmp_path / "out"
    out.mkdir()
    p = fx.reviewed(fx.problem(cited=["IR-2026-000002", "IR-2026-000003"]))
    recs = [fx.send(p, ws, out, fmt) for fmt in ("html", "docx")]
    assert [r.fmt for r in recs] == ["html", "docx"]
    assert external_fetches(out) == []
    reg = ib.gate.register(ws)
    assert len(reg) == 2 and set(reg["classification"]) == {"OFFICIAL-SENSITIVE"}
    html = recs[0].path.read_text(encoding="utf-8")
    assert html.count("OFFICIAL-SENSITIVE | " + recs[0].ref) >= 2
    doc = _docx(recs[1].path.read_bytes())
    assert all("OFFICIAL-SENSITIVE" in s.header.paragraphs[0].text for s in doc.sections)
    assert len(doc.inline_shapes) == 2
    assert ws.audit.verify()


def test_interactive_html_through_the_gate(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    out = tmp_path / "out"
    out.mkdir()
    p = fx.reviewed(fx.problem())
    rec = fx.send(p.interactive(), ws, out, "html")
    html = rec.path.read_text(encoding="utf-8")
    assert "srcdoc=" in html and rec.ref in html
    with pytest.raises(ib.DisseminationRefused):
        ib.disseminate(fx.problem().interactive(), **fx.request(ws, out, "html"))


def test_grid_maps_are_shaded_by_their_column() -> None:
    import geopandas as gpd
    import numpy as np
    from matplotlib.collections import PolyCollection
    from shapely.geometry import box

    from intelbench.profiles._static import static_figure

    cells = gpd.GeoDataFrame({"gi_star": [1.0, np.nan, 3.0]},
                             geometry=[box(0, 0, 1, 1), box(1, 0, 2, 1), box(2, 0, 3, 1)],
                             crs=27700)
    fig = static_figure(ib.profiles.FigureItem("Grid", cells, column="gi_star"))
    pcs = [c for c in fig.axes[0].collections if isinstance(c, PolyCollection)]
    assert len(pcs) == 1
    arr = pcs[0].get_array()
    assert list(arr.mask) == [False, True, False] and arr[0] == 1.0 and arr[2] == 3.0
    assert [p.vertices[:4].tolist() for p in pcs[0].get_paths()][2][0] == [3.0, 0.0]
    with pytest.raises(ProfileError, match="column"):
        static_figure(ib.profiles.FigureItem("Grid", cells, column="nope"))


def test_script_payload_is_escaped_through_the_gate(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    out = tmp_path / "out"
    out.mkdir()
    p = fx.reviewed(fx.problem(summary=fx.PAYLOAD, key_findings=[fx.PAYLOAD],
                               gaps=[fx.PAYLOAD]))
    html = fx.send(p, ws, out, "html").path.read_text(encoding="utf-8")
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
