"""DOCX (python-docx) and PDF rendering of a profile.

Every section of the document carries the marking in its header and footer; each profile
section gets a heading, tables become Word tables and figures static PNG pictures (maps drawn
with matplotlib, because folium cannot be rasterised offline). PDF is made from a DOCX with
LibreOffice when Debian's ``libreoffice`` is installed.
"""

from __future__ import annotations

import io
import shutil
import subprocess
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.exceptions import ProfileError

if TYPE_CHECKING:
    from intelbench.profiles.model import Profile

__all__ = ["docx_to_pdf", "render_docx"]


def _table(doc: Any, frame: pd.DataFrame, max_rows: int = 200) -> None:
    """Write a frame as a Word table, cells shown as the HTML profile shows them.

    Numbers and dates are shown at the precision they carry, by the same rules as
    :func:`intelbench.profiles.render_html.table_html` (:mod:`intelbench._display`): counts
    whole with thousands separators, other numbers to three significant figures, month-only
    dates as ``Mar 2016``; coordinates and plain integers keep every digit
    (:func:`~intelbench.profiles.render_html.cell_text`, shared with the HTML table).
    """
    from intelbench._display import precision_formatters
    from intelbench.profiles.render_html import cell_text

    geom = getattr(frame, "_geometry_column_name", None)
    f = pd.DataFrame(frame).drop(columns=[geom], errors="ignore") if geom else frame
    t = doc.add_table(rows=1, cols=max(len(f.columns), 1))
    t.style = "Table Grid"
    for i, c in enumerate(f.columns):
        t.rows[0].cells[i].text = str(c)
    by_col = precision_formatters(f)
    fmts = [by_col.get(c) for c in f.columns]
    for row in f.head(max_rows).itertuples(index=False, name=None):
        cells = t.add_row().cells
        for i, (v, fn) in enumerate(zip(row, fmts, strict=True)):
            text = cell_text(v)
            cells[i].text = text if fn is None or text == "" else fn(v)
    if len(f) > max_rows:
        doc.add_paragraph(f"{len(f) - max_rows} more row(s) not shown.")


def _mark(section: Any, text: str) -> None:
    for part in (section.header, section.footer):
        part.is_linked_to_previous = False
        p = part.paragraphs[0] if part.paragraphs else part.add_paragraph()
        p.text = text
        p.alignment = 1


def render_docx(profile: Profile, *, marking: str | None = None) -> bytes:
    """Render a profile as DOCX bytes.

    Parameters
    ----------
    profile : Profile
        A problem or subject profile.
    marking : str, optional
        The header and footer text (default :meth:`Profile.default_marking`).

    Returns
    -------
    bytes
        The ``.docx`` file.
    """
    from docx import Document
    from docx.enum.section import WD_SECTION
    from docx.shared import Inches

    from intelbench.profiles._parts import aspect_label, gap_line
    from intelbench.profiles._static import figure_png

    mark = marking if marking is not None else profile.default_marking()
    cls, hand, cond = profile.marking()
    doc = Document()
    doc.core_properties.title = f"{cls} - {profile.title}"
    doc.core_properties.author = ""
    doc.core_properties.comments = mark
    doc.add_heading(profile.title, level=0)
    doc.add_paragraph(f"{profile.product_type.replace('_', ' ').title()} {profile.profile_id}; "
                      f"status {profile.status.value}. Classification {cls}, handling {hand}"
                      + (f": {cond}" if cond else "") + ".")

    def section(title: str) -> None:
        if len(doc.paragraphs) > 2:
            doc.add_section(WD_SECTION.NEW_PAGE)
        doc.add_heading(title, level=1)

    section("Terms of reference")
    for line in profile.tor.lines():
        doc.add_paragraph(line, style="List Bullet")
    section("Summary and key findings")
    doc.add_paragraph(profile.summary)
    doc.add_heading("Key findings", level=2)
    for x in profile.key_findings:
        doc.add_paragraph(x, style="List Bullet")
    section("Problem description" if profile.product_type == "PROBLEM_PROFILE" else "Subject")
    if profile.product_type == "SUBJECT_PROFILE":
        doc.add_paragraph(f"Subject reference: {getattr(profile, 'subject', '')}")
    for a, text in profile.description().items():
        doc.add_heading(aspect_label(a), level=2)
        doc.add_paragraph(text)
    if profile.figures or profile.tables:
        section("Analysis: maps, charts and tables")
        for f in profile.figures:
            doc.add_heading(f.title, level=2)
            doc.add_picture(io.BytesIO(figure_png(f, marking=mark)), width=Inches(6))
            if f.caption:
                doc.add_paragraph(f.caption)
        for t in profile.tables:
            doc.add_heading(t.title, level=2)
            if t.caption:
                doc.add_paragraph(t.caption)
            _table(doc, t.frame)
    if profile.gaps is not None:
        section("Intelligence gaps")
        rows = profile.gaps.to_dict("records")
        for r in rows:
            doc.add_paragraph(gap_line(r), style="List Bullet")
        if not rows:
            doc.add_paragraph("No intelligence gaps were identified.")
    section("Recommendations")
    for k, v in profile.recommendations.items():
        doc.add_heading(k.capitalize(), level=2)
        for x in v or ["None."]:
            doc.add_paragraph(x, style="List Bullet")
    section("Grading and handling of intelligence cited")
    doc.add_paragraph(f"Product classification {cls}, handling code {hand}"
                      + (f": {cond}" if cond else "") + ".")
    _table(doc, profile.cited_intelligence())
    section("Appendix: reproducibility manifest")
    for line in profile.manifest.lines():
        doc.add_paragraph(line)
    doc.add_heading("Data files", level=2)
    _table(doc, profile.manifest.files_frame())
    doc.add_heading("Analysis steps", level=2)
    _table(doc, profile.manifest.steps_frame())
    for s in doc.sections:
        _mark(s, mark)
    buf = io.BytesIO()
    doc.save(buf)
    return buf.getvalue()


def docx_to_pdf(docx: str | Path, out_dir: str | Path | None = None, *,
                timeout: float = 180) -> Path:
    """Convert a DOCX (for example one the gate wrote) to PDF with LibreOffice.

    Parameters
    ----------
    docx : str or Path
        The ``.docx`` file.
    out_dir : str or Path, optional
        Where the PDF goes (default: next to the DOCX).
    timeout : float
        Seconds to wait for LibreOffice.

    Returns
    -------
    Path
        The PDF.

    Raises
    ------
    ProfileError
        If ``libreoffice`` is not installed (``apt-get install libreoffice-writer-nogui``) or
        the conversion fails.
    """
    exe = shutil.which("libreoffice") or shutil.which("soffice")
    if exe is None:
        raise ProfileError(
            "PDF: no converter found; install Debian's LibreOffice "
            "(apt-get install libreoffice-writer-nogui) or open the DOCX in Word and print "
            "to PDF"
        )
    src = Path(docx)
    dest = Path(out_dir) if out_dir is not None else src.parent
    with tempfile.TemporaryDirectory() as profile_dir:
        proc = subprocess.run(
            [exe, f"-env:UserInstallation=file://{profile_dir}", "--headless",
             "--convert-to", "pdf", "--outdir", str(dest), str(src)],
            capture_output=True, timeout=timeout, check=False)
    pdf = dest / (src.stem + ".pdf")
    if proc.returncode != 0 or not pdf.exists():
        raise ProfileError(f"PDF: LibreOffice failed with exit code {proc.returncode}")
    return pdf
