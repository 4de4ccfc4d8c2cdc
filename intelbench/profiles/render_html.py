r"""HTML rendering of a profile: self-contained, offline, printable, every value escaped.

Maps, link charts and timelines are embedded as sandboxed ``<iframe srcdoc>`` documents (their
own HTML, already offline, re-marked with the profile's marking) after their static pictures
(print layouts for maps); matplotlib charts and GeoDataFrames are base64 PNG pictures. The
marking is on a fixed banner at the top and bottom of the screen and of every printed page;
each section starts on a new printed page. The reproducibility manifest is embedded as JSON in
a ``<script type="application/json">`` block, with ``<``, ``>`` and ``&`` written as ``\u003c``,
``\u003e`` and ``\u0026`` so that it reads back as JSON and cannot close its element. Nothing
refers to an outside address.
"""

from __future__ import annotations

import base64
import html
import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from intelbench.profiles._parts import FigureItem

if TYPE_CHECKING:
    from intelbench.profiles.model import Profile

__all__ = ["cell_text", "render_html", "safe_json", "table_html"]

_CSS = """
:root{--mark:#b00000}
body{font-family:Arial,Helvetica,sans-serif;color:#111;margin:0;padding:2.6em 1.5em 3em}
.ib-marking{position:fixed;left:0;right:0;background:var(--mark);color:#fff;font-weight:bold;
 text-align:center;padding:4px 8px;letter-spacing:.04em;z-index:1000;font-size:13px}
.ib-marking.top{top:0}.ib-marking.bottom{bottom:0}
section{margin:1em 0 2em}
h1{font-size:1.6em}h2{border-bottom:2px solid #ccc;padding-bottom:.2em}
table{border-collapse:collapse;margin:.5em 0;font-size:12px}
th,td{border:1px solid #999;padding:2px 6px;vertical-align:top;text-align:left}
th{background:#eee}
figure{margin:1em 0}figcaption{font-size:12px;color:#333;margin-top:.3em}
figure img{max-width:100%;height:auto;border:1px solid #ddd}
iframe.ib-embed{width:100%;height:560px;border:1px solid #ccc;margin-top:.4em}
.ib-meta{font-size:12px;color:#333}
@page{size:A4;margin:2.2cm 1.5cm}
@media print{
 body{padding:0}
 .ib-marking{-webkit-print-color-adjust:exact;print-color-adjust:exact}
 section{break-before:page;page-break-before:always}
 section.ib-first{break-before:auto;page-break-before:auto}
 iframe.ib-embed,.ib-noprint{display:none}
 thead{display:table-header-group}
 tr,figure{break-inside:avoid;page-break-inside:avoid}
}
"""

_CSP = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; "
        "script-src 'unsafe-inline'; frame-src 'self' about: data:; child-src 'self' about:")


def _e(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _cell(v: Any) -> str:
    return _e(cell_text(v))


def table_html(frame: pd.DataFrame, max_rows: int = 200) -> str:
    """Return an escaped HTML table of a frame (geometry columns left out, long tables cut).

    Numbers and dates are shown at the precision they carry (:mod:`intelbench._display`):
    counts whole, other numbers to three significant figures, month-only dates as months.
    """
    from intelbench._display import precision_formatters

    geom = getattr(frame, "_geometry_column_name", None)
    f = pd.DataFrame(frame).drop(columns=[geom], errors="ignore") if geom else frame
    head = "".join(f"<th>{_e(c)}</th>" for c in f.columns)
    shown = f.head(max_rows)
    by_col = precision_formatters(f)
    fmts = [by_col.get(c) for c in f.columns]
    rows = []
    for row in shown.itertuples(index=False, name=None):
        rows.append("<tr>" + "".join(
            f"<td>{_cell(v) if fn is None or _cell(v) == '' else _e(fn(v))}</td>"
            for v, fn in zip(row, fmts, strict=True)) + "</tr>")
    more = (f'<p class="ib-meta">{len(f) - max_rows} more row(s) not shown.</p>'
            if len(f) > max_rows else "")
    return (f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
            f"{more}")


def safe_json(obj: Any) -> str:
    """JSON that stays valid JSON and cannot end the ``<script>`` element it sits in.

    Examples
    --------
    >>> from intelbench.profiles.render_html import safe_json
    >>> text = safe_json({"a": "</script><b>&"})
    >>> "<" in text, json.loads(text)["a"]
    (False, '</script><b>&')
    """
    text = json.dumps(obj, sort_keys=True, ensure_ascii=False, default=str)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _figure_html(item: FigureItem, mark: str) -> str:
    from intelbench.profiles._live import LIVE_KINDS, remark
    from intelbench.profiles._static import figure_png

    kind = item.kind
    cap = f"<figcaption><b>{_e(item.title)}.</b> {_e(item.caption)}</figcaption>"
    data = base64.b64encode(figure_png(item, marking=mark)).decode("ascii")
    img = f'<img alt="{_e(item.title)}" src="data:image/png;base64,{data}">'
    if kind in LIVE_KINDS:
        live = (f'<iframe class="ib-embed ib-{kind.replace("_", "-")}" '
                f'title="{_e(item.title)} (interactive)" sandbox="allow-scripts" '
                f'srcdoc="{_e(remark(item, mark))}"></iframe>')
        return (f'<figure class="ib-live ib-{kind.replace("_", "-")}">{img}{cap}'
                f'<p class="ib-meta ib-noprint">Interactive version: zoom, pan and click for '
                f"details.</p>{live}</figure>")
    return f'<figure class="ib-chart">{img}{cap}</figure>'


def cell_text(v: Any) -> str:
    """Text of a table cell that no precision rule formats, the same in HTML and DOCX.

    Both renderers fall back to this for the columns :func:`intelbench._display.
    precision_formatters` leaves alone (coordinates, plain integers, text, flags): missing
    is "", a list is joined with commas, and a number keeps every digit it has (a whole
    float without its ``.0``), because rounding a coordinate moves the point.

    Examples
    --------
    >>> from intelbench.profiles.render_html import cell_text
    >>> cell_text(345678.25), cell_text(np.float64(345680.125)), cell_text(345678.0)
    ('345678.25', '345680.125', '345678')
    >>> cell_text(float("nan")), cell_text(None), cell_text(["a", "b"]), cell_text(True)
    ('', '', 'a, b', 'True')
    """
    if v is None or v is pd.NaT or v is pd.NA:
        return ""
    if isinstance(v, list | tuple):
        return ", ".join(map(str, v))
    if isinstance(v, bool | np.bool_):
        return str(bool(v))
    if isinstance(v, float | np.floating):
        f = float(v)
        if f != f:
            return ""
        if f.is_integer() and abs(f) < 1e15:
            return str(int(f))
        return repr(f)
    return str(v)


def _paras(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{_e(x)}</li>" for x in items) + "</ul>"


def render_html(profile: Profile, *, marking: str | None = None) -> str:
    """Render a profile as one self-contained HTML document.

    Parameters
    ----------
    profile : Profile
        A problem or subject profile.
    marking : str, optional
        The banner text (default :meth:`Profile.default_marking`).

    Returns
    -------
    str
        The HTML document.
    """
    from intelbench.profiles._parts import gap_line

    mark = marking if marking is not None else profile.default_marking()
    cited = profile.cited_intelligence()
    cls, hand, cond = profile.marking()
    sections: list[tuple[str, str, str]] = []
    sections.append(("tor", "Terms of reference", _paras(profile.tor.lines())))
    sections.append(("summary", "Summary and key findings",
                     f"<p>{_e(profile.summary)}</p><h3>Key findings</h3>"
                     + _paras(profile.key_findings)))
    desc_title = ("Problem description" if profile.product_type == "PROBLEM_PROFILE"
                  else "Subject")
    from intelbench.profiles._parts import aspect_label

    desc = "".join(f"<h3>{_e(aspect_label(a))}</h3><p>{_e(t)}</p>"
                   for a, t in profile.description().items())
    if profile.product_type == "SUBJECT_PROFILE":
        desc = f"<p><b>Subject reference:</b> {_e(getattr(profile, 'subject', ''))}</p>" + desc
    sections.append(("description", desc_title, desc))
    body = "".join(_figure_html(f, mark) for f in profile.figures)
    body += "".join(f"<h3>{_e(t.title)}</h3><p class='ib-meta'>{_e(t.caption)}</p>"
                    + table_html(t.frame) for t in profile.tables)
    if body:
        sections.append(("analysis", "Analysis: maps, charts and tables", body))
    if profile.gaps is not None:
        rows = profile.gaps.to_dict("records")
        gaps = _paras([gap_line(r) for r in rows]) if rows else (
            "<p>No intelligence gaps were identified.</p>")
        sections.append(("gaps", "Intelligence gaps", gaps))
    recs = "".join(f"<h3>{_e(k.capitalize())}</h3>" + (_paras(v) if v else "<p>None.</p>")
                   for k, v in profile.recommendations.items())
    sections.append(("recommendations", "Recommendations", recs))
    grading = (f"<p>Product classification <b>{_e(cls)}</b>, handling code <b>{_e(hand)}</b>"
               + (f": {_e(cond)}" if cond else "") + ".</p>" + table_html(cited))
    sections.append(("grading", "Grading and handling of intelligence cited", grading))
    m = profile.manifest
    appendix = ("<p class='ib-meta'>" + "<br>".join(_e(x) for x in m.lines()) + "</p>"
                + "<h3>Data files</h3>" + table_html(m.files_frame())
                + "<h3>Analysis steps</h3>" + table_html(m.steps_frame())
                + "<script type=\"application/json\" id=\"ib-manifest\">"
                + safe_json(m.to_dict()) + "</script>")
    sections.append(("manifest", "Appendix: reproducibility manifest", appendix))
    review = ""
    if profile.peer_review:
        pr = profile.peer_review
        review = (f"<p class='ib-meta'>Peer reviewed on {_e(pr.get('on'))}: "
                  f"{'approved' if pr.get('approved') else 'returned'}.</p>")
    parts = []
    for i, (key, title, content) in enumerate(sections):
        first = ' ib-first' if i == 0 else ""
        parts.append(f'<section class="ib-section{first}" id="sec-{key}"><h2>{_e(title)}</h2>'
                     f"{content}</section>")
    return (
        "<!DOCTYPE html>\n<html lang=\"en-GB\"><head><meta charset=\"utf-8\">"
        f'<meta http-equiv="Content-Security-Policy" content="{_e(_CSP)}">'
        f'<meta name="classification" content="{_e(cls)}">'
        f"<title>{_e(cls)} - {_e(profile.title)}</title><style>{_CSS}</style></head><body>"
        f'<div class="ib-marking top" role="note">{_e(mark)}</div>'
        f"<main><h1>{_e(profile.title)}</h1>"
        f"<p class='ib-meta'>{_e(profile.product_type.replace('_', ' ').title())} "
        f"{_e(profile.profile_id)}; status {_e(profile.status.value)}.</p>{review}"
        f"{''.join(parts)}</main>"
        f'<div class="ib-marking bottom" role="note">{_e(mark)}</div></body></html>\n'
    )
