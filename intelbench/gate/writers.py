"""File writers of the dissemination gate: every page or sheet carries the marking.

Each writer takes already-sanitised content and writes to the path it is given (the gate gives
a temporary path and moves the file into place only after the audit entry is written).
"""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import pickle
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.gate.html_check import csp_meta_spans, inspect_html
from intelbench.gate.html_product import LivePage

__all__ = ["Block", "Marking", "blocks_of", "csv_marking", "inject_marking", "write"]


@dataclass(frozen=True)
class Marking:
    """What every page or sheet carries."""

    classification: str
    handling: str
    conditions: str
    ref: str
    recipient: str
    title: str
    caveats: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def banner(self) -> str:
        """The one-line marking: classification, reference and handling."""
        return f"{self.classification} | {self.ref} | Handling {self.handling}"

    def lines(self) -> list[str]:
        """Return the marking as the lines that head every page or sheet."""
        out = [
            self.classification,
            f"Dissemination reference: {self.ref}. Released to: {self.recipient}.",
            f"Handling code {self.handling}: "
            + (self.conditions if self.conditions else "lawful sharing permitted under policy."),
        ]
        out += list(self.caveats) + list(self.notes)
        out.append("Do not disseminate further without the originator's agreement.")
        return out


@dataclass
class Block:
    """One piece of a rendered product: heading, text, table or image."""

    kind: str
    text: str = ""
    frame: pd.DataFrame | None = None
    png: bytes = b""
    level: int = 2
    extra: dict[str, Any] = field(default_factory=dict)


def blocks_of(content: Any, kind: str) -> list[Block]:
    """Turn sanitised content into blocks for HTML and DOCX."""
    if kind in ("table", "geotable"):
        return [Block("table", frame=_tabular(content))]
    if kind == "graph":
        nodes = pd.DataFrame([{"id": n, **d} for n, d in content.nodes(data=True)])
        edges = pd.DataFrame(
            [{"source": u, "target": v, **d} for u, v, d in content.edges(data=True)]
        )
        return [Block("heading", "Nodes"), Block("table", frame=nodes),
                Block("heading", "Links"), Block("table", frame=edges)]
    if kind == "figure":
        return [Block("image", png=figure_png(content))]
    if kind == "document":
        return list(_doc_blocks(content, 2))
    raise ValueError(kind)


def _tabular(frame: pd.DataFrame) -> pd.DataFrame:
    geom = getattr(frame, "_geometry_column_name", None)
    out = pd.DataFrame(frame).copy()
    if geom is not None and geom in out.columns:
        out[geom] = frame.geometry.to_wkt()
    return out


#: Headings for section keys whose plain capitalised form would read badly.
SECTION_HEADINGS = {
    "tor": "Terms of reference",
    "findings": "Key findings",
    "key_findings": "Key findings",
    "intelligence_gaps": "Intelligence gaps",
    "grading": "Grading and handling of the intelligence cited",
    "ocg": "Organised crime group",
}


def _heading(key: Any) -> str:
    text = str(key)
    return SECTION_HEADINGS.get(text, text.replace("_", " ").capitalize())


def _doc_blocks(node: Any, level: int) -> Iterator[Block]:
    if isinstance(node, dict):
        for k, v in node.items():
            yield Block("heading", _heading(k), level=min(level, 4))
            yield from _doc_blocks(v, level + 1)
    elif isinstance(node, pd.DataFrame):
        yield Block("table", frame=_tabular(node))
    elif isinstance(node, list | tuple):
        if node and all(isinstance(x, dict) for x in node) and all(
            not isinstance(v, dict | list) for x in node for v in x.values()
        ):
            yield Block("table", frame=pd.DataFrame(node))
        else:
            for x in node:
                yield from _doc_blocks(x, level)
    elif hasattr(node, "savefig"):
        yield Block("image", png=figure_png(node))
    elif isinstance(node, LivePage):
        yield Block("embed", node.title, extra={"html": node.html})
    elif node is not None:
        yield Block("text", str(node))


def figure_png(fig: Any, marking: Marking | None = None) -> bytes:
    """Render a figure to PNG (on a copy), drawing the marking into the image if given."""
    try:
        copy = pickle.loads(pickle.dumps(fig))
    except (pickle.PicklingError, TypeError, AttributeError):  # draw on the original instead
        copy = fig
    added: list[Any] = []
    meta = {"Software": "intelbench"}
    if marking is not None:
        top = f"{marking.classification} | {marking.ref} | Handling {marking.handling}"
        bottom = " ".join(marking.lines()[2:3])[:160]
        if copy is not fig:
            copy.subplots_adjust(top=0.88, bottom=0.17)
        added.append(copy.text(0.5, 0.985, top, ha="center", va="top", fontsize=10,
                               weight="bold", color="#b00000"))
        added.append(copy.text(0.5, 0.015, f"{top} | {bottom}", ha="center", va="bottom",
                               fontsize=7, color="#b00000", wrap=True))
        meta.update({"Title": marking.title, "Description": top})
    buf = io.BytesIO()
    try:
        copy.savefig(buf, format="png", dpi=110, metadata=meta)
    finally:
        for artist in added if copy is fig else ():
            artist.remove()
    return buf.getvalue()


# -- spreadsheet-safe values ----------------------------------------------------------------
def _cell(v: Any) -> Any:
    """Neutralise values a spreadsheet would run as a formula."""
    if isinstance(v, str) and v[:1] in ("=", "+", "-", "@", "\t", "\r"):
        return "'" + v
    return v


def csv_marking(m: Marking) -> str:
    """Return the marking a CSV product carries on every row."""
    text = f"{m.classification} | {m.ref} | Handling code {m.handling}"
    text += f": {m.conditions}" if m.conditions else ""
    return text + "".join(f" | {c}" for c in m.caveats)


def _write_csv(frame: pd.DataFrame, path: Path, m: Marking) -> None:
    """Write a plain CSV (``pandas.read_csv`` loads it) whose first column is the marking."""
    name = "marking" if "marking" not in frame.columns else "dissemination_marking"
    mark = _cell(csv_marking(m))
    with open(path, "w", newline="", encoding="utf-8") as fh:
        w = csv.writer(fh)
        w.writerow([name] + [_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            w.writerow([mark] + [_cell(v) if not _isna(v) else "" for v in row])


def _plain(frame: Any) -> Any:
    """Periods (``read_police_uk``'s month) as text, so every format can hold them."""
    out = frame
    for c in frame.columns:
        col = frame[c]
        if isinstance(col.dtype, pd.PeriodDtype) or (
            col.dtype == object and col.map(lambda v: isinstance(v, pd.Period)).any()
        ):
            out = out.copy() if out is frame else out
            out[c] = col.astype(str).where(col.notna(), None)
    return out


def _isna(v: Any) -> bool:
    try:
        return v is None or bool(pd.isna(v))
    except (TypeError, ValueError):
        return False


def _hf(text: str) -> str:
    return text.replace("&", "&&")[:240]


def _write_xlsx(sheets: dict[str, pd.DataFrame], path: Path, m: Marking) -> None:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    wb = Workbook()
    for sheet in list(wb.worksheets):
        wb.remove(sheet)
    for name, frame in sheets.items():
        ws = wb.create_sheet(title=re.sub(r"[\[\]:*?/\\]", "_", name)[:31] or "Sheet")
        red = Font(bold=True, color="B00000")
        for line in m.lines():
            ws.append([line])
            ws.cell(row=ws.max_row, column=1).font = red
        ws.append([])
        ws.append([_cell(str(c)) for c in frame.columns])
        for row in frame.itertuples(index=False, name=None):
            ws.append([_xl(v) for v in row])
        for part in (ws.oddHeader, ws.evenHeader, ws.firstHeader):
            part.center.text = _hf(m.banner)
        for part in (ws.oddFooter, ws.evenFooter, ws.firstFooter):
            part.center.text = _hf(f"{m.classification} | {m.ref} | {m.lines()[2]}")
        ws.print_title_rows = f"1:{len(m.lines())}"
    wb.save(path)


def _xl(v: Any) -> Any:
    if _isna(v):
        return None
    if isinstance(v, bool | int | float):
        return v
    if isinstance(v, pd.Timestamp):
        return v.to_pydatetime().replace(tzinfo=None)
    return _cell(str(v))


def _write_geojson(gdf: Any, path: Path, m: Marking) -> None:
    data = json.loads(gdf.to_crs(4326).to_json(drop_id=True))
    data = {
        "type": "FeatureCollection",
        "marking": m.classification,
        "dissemination_ref": m.ref,
        "handling": m.handling,
        "handling_conditions": m.conditions,
        "caveats": list(m.caveats) + list(m.notes),
        "released_to": m.recipient,
        "features": data["features"],
    }
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")


def _write_gpkg(gdf: Any, path: Path, m: Marking) -> None:
    import pyogrio

    out = gdf.copy()
    out["marking"] = m.classification
    out["dissemination_ref"] = m.ref
    out["handling"] = m.handling
    out["handling_conditions"] = m.conditions
    pyogrio.write_dataframe(
        out, path, layer="product", driver="GPKG",
        layer_options={"DESCRIPTION": " | ".join(m.lines())[:1000]},
    )


_CSS = """
body{font-family:Arial,Helvetica,sans-serif;margin:0 0 3em 0;color:#111}
.marking{background:#b00000;color:#fff;font-weight:bold;text-align:center;padding:4px;
 letter-spacing:.05em}
.ib-cover{border:2px solid #b00000;margin:1em;padding:.5em 1em}
main{margin:1em}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}
th,td{border:1px solid #999;padding:2px 6px;vertical-align:top;white-space:pre-wrap}
th{background:#eee}
iframe.ib-live{width:100%;height:720px;border:1px solid #ccc}
@media print{
 .marking{position:fixed;left:0;right:0;-webkit-print-color-adjust:exact;
  print-color-adjust:exact}
 .marking.top{top:0}.marking.bottom{bottom:0}
 @page{margin:2.2cm 1.5cm}
 thead{display:table-header-group}
}
"""


#: The banners of an interactive page: fixed to the top and bottom of the window, above every
#: layer a page can draw (Leaflet's panes and controls, the map's own marking, chart overlays),
#: so the marking stays visible whatever the page positions; the spacers keep the page's own
#: content in flow clear of them.
_PAGE_CSS = """
div.marking[data-ib-gate]{position:fixed;left:0;right:0;z-index:2147483647;margin:0;
 box-sizing:border-box;min-height:23px;padding:4px 8px;background:#b00000;color:#fff;
 font:bold 13px/15px Arial,Helvetica,sans-serif;text-align:center;letter-spacing:.04em;
 -webkit-print-color-adjust:exact;print-color-adjust:exact}
div.marking[data-ib-gate].top{top:0}
div.marking[data-ib-gate].bottom{bottom:0}
div.ib-gate-space{height:23px;flex:none}
"""

#: With a cover, a full-window map goes into the page's flow below it (the window's height
#: less the two banners), so that the cover is not hidden under the map; the page scrolls.
#: The selector outranks the map's own absolute positioning (an id and ``!important``).
_COVER_FLOW_CSS = """
body:not(#ib-gate-none) div.folium-map{position:relative!important;top:auto!important;
 bottom:auto!important;left:auto!important;right:auto!important;width:100%!important;
 height:calc(100vh - 46px)!important}
"""


def _banner(m: Marking, where: str, *, fixed: bool = False) -> str:
    gate = " data-ib-gate" if fixed else ""
    return f'<div class="marking {where}"{gate} role="note">{html.escape(m.banner)}</div>'


def _cover(m: Marking) -> str:
    items = "".join(f"<p>{html.escape(x)}</p>" for x in m.lines())
    return f'<section class="ib-cover">{items}</section>'


def _html_table(frame: pd.DataFrame) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for row in frame.itertuples(index=False, name=None):
        cells = "".join(
            f"<td>{'' if _isna(v) else html.escape(str(v))}</td>" for v in row
        )
        rows.append(f"<tr>{cells}</tr>")
    return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"


def _write_html(blocks: list[Block], path: Path, m: Marking) -> None:
    body = []
    for b in blocks:
        if b.kind == "heading":
            body.append(f"<h{b.level}>{html.escape(b.text)}</h{b.level}>")
        elif b.kind == "text":
            body.append(f"<p>{html.escape(b.text)}</p>")
        elif b.kind == "table" and b.frame is not None:
            body.append(_html_table(b.frame))
        elif b.kind == "image":
            data = base64.b64encode(b.png).decode()
            body.append(f'<img alt="chart" src="data:image/png;base64,{data}">')
        elif b.kind == "embed":  # an interactive page, marked top and bottom, sandboxed
            page = html.escape(inject_marking(str(b.extra["html"]), m, cover=False), quote=True)
            body.append(f'<iframe class="ib-live" title="{html.escape(b.text, quote=True)}" '
                        f'sandbox="allow-scripts" srcdoc="{page}"></iframe>')
    # only the embedded pages' recognised scripts may run (srcdoc frames inherit this policy)
    hashes = " ".join(dict.fromkeys(inspect_html("".join(body)).script_hashes))
    scripts = f"; script-src {hashes}" if hashes else ""
    doc = (
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f'<meta name="classification" content="{html.escape(m.classification)}">'
        f'<meta name="dissemination-ref" content="{html.escape(m.ref)}">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
        f"img-src data:; style-src 'unsafe-inline'{scripts}\">"
        f"<title>{html.escape(m.classification + ' - ' + m.title)}</title>"
        f"<style>{_CSS}</style></head><body>"
        f"{_banner(m, 'top')}<main><h1>{html.escape(m.title)}</h1>{_cover(m)}"
        f"{''.join(body)}</main>{_banner(m, 'bottom')}</body></html>\n"
    )
    path.write_text(doc, encoding="utf-8")


def inject_marking(doc: str, m: Marking, *, cover: bool = True) -> str:
    """Add the marking banners, cover (unless ``cover=False``) and print CSS to a document.

    Any Content-Security-Policy the page brought is replaced by the gate's one policy, which
    lets only the scripts the gate recognised (by their SHA-256) run: no inline handler, no
    other inline script, no ``eval``, no fetch.
    """
    for a, b in reversed(csp_meta_spans(doc)):
        doc = doc[:a] + doc[b:]
    hashes = " ".join(dict.fromkeys(inspect_html(doc).script_hashes))
    # only the scripts the gate recognised may run; no inline handler, no fetch
    csp = ("<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
           f"script-src {hashes or chr(39) + 'none' + chr(39)}; style-src 'unsafe-inline'; "
           "img-src data:; font-src data:; base-uri 'none'; form-action 'none'\">")
    flow = _COVER_FLOW_CSS if cover else ""
    style = (csp + f"<style>{_CSS.replace('body{', '.ib-body-unused{')}{_PAGE_CSS}{flow}"
             "</style>")
    space = '<div class="ib-gate-space" aria-hidden="true"></div>'
    top = _banner(m, "top", fixed=True) + space + (_cover(m) if cover else "")
    bottom = space + _banner(m, "bottom", fixed=True)
    low = doc.lower()
    if "<head" in low:
        i = low.index(">", low.index("<head")) + 1
        doc = doc[:i] + style + doc[i:]
    else:
        doc = style + doc
    low = doc.lower()
    if "<body" in low:
        i = low.index(">", low.index("<body")) + 1
        doc = doc[:i] + top + doc[i:]
    else:
        doc = top + doc
    low = doc.lower()
    j = low.rfind("</body>")
    doc = doc[:j] + bottom + doc[j:] if j != -1 else doc + bottom
    return doc


def _docx_hf(section: Any, m: Marking) -> None:
    footer = m.banner + " | " + m.lines()[2]
    for part, text in ((section.header, m.banner), (section.footer, footer)):
        part.is_linked_to_previous = False
        p = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
        p.text = text
        p.alignment = 1


def _write_docx(blocks: list[Block], path: Path, m: Marking) -> None:
    from docx import Document
    from docx.shared import Inches

    doc = Document()
    doc.core_properties.title = f"{m.classification} - {m.title}"
    doc.core_properties.subject = m.ref
    doc.core_properties.author = ""
    doc.core_properties.comments = m.banner
    doc.add_heading(m.title, level=1)
    for line in m.lines():
        doc.add_paragraph(line)
    for b in blocks:
        if b.kind == "heading":
            doc.add_heading(b.text, level=min(b.level, 4))
        elif b.kind == "text":
            doc.add_paragraph(b.text)
        elif b.kind == "table" and b.frame is not None:
            frame = b.frame
            t = doc.add_table(rows=1, cols=max(len(frame.columns), 1))
            t.style = "Table Grid"
            for i, c in enumerate(frame.columns):
                t.rows[0].cells[i].text = str(c)
            for row in frame.itertuples(index=False, name=None):
                cells = t.add_row().cells
                for i, v in enumerate(row):
                    cells[i].text = "" if _isna(v) else str(v)
        elif b.kind == "image":
            doc.add_picture(io.BytesIO(b.png), width=Inches(6))
    for section in doc.sections:
        _docx_hf(section, m)
    doc.save(str(path))


def write(fmt: str, content: Any, kind: str, path: Path, m: Marking) -> None:
    """Write sanitised ``content`` of product ``kind`` as ``fmt`` to ``path``."""
    if isinstance(content, pd.DataFrame):
        content = _plain(content)
    if fmt == "csv":
        _write_csv(_tabular(content), path, m)
    elif fmt == "xlsx":
        if kind == "graph":
            b = blocks_of(content, kind)
            sheets = {"Nodes": b[1].frame, "Links": b[3].frame}
        else:
            sheets = {"Product": _tabular(content)}
        _write_xlsx({k: v for k, v in sheets.items() if v is not None}, path, m)
    elif fmt == "geojson":
        _write_geojson(content, path, m)
    elif fmt == "gpkg":
        _write_gpkg(content, path, m)
    elif fmt == "png":
        path.write_bytes(figure_png(content, m))
    elif fmt == "html":
        if kind == "html":
            path.write_text(inject_marking(content, m), encoding="utf-8")
        else:
            _write_html(blocks_of(content, kind), path, m)
    elif fmt == "docx":
        _write_docx(blocks_of(content, kind), path, m)
    elif fmt == "anx":  # i2 Analyst's Notebook chart; the marking goes in its summary fields
        from intelbench.network._anx import to_anx

        to_anx(content, path, marking=m)
    else:  # pragma: no cover - the gate checks formats first
        raise ValueError(fmt)
