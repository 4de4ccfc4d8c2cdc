"""Sanitising an HTML product: structure checked by parsing, text checked, payload sanitised.

:func:`sanitise_html` runs :func:`intelbench.gate.html_check.inspect_html` and then:

- refuses the structural problems it found (scripts that are not workbench assets, event
  handlers, ``javascript:`` URLs, references outside the file);
- checks the visible text: an identifier there refuses the product (build it from sanitised
  data), and a flagged value there must be released after a dry run, since HTML text cannot be
  rewritten without changing what the analyst made;
- sanitises the data payload (map layers, popups, layer names, link-chart nodes and links),
  every string in it like a text field: identifiers are redacted and flagged values withheld
  unless released, and the document is rewritten with the clean strings;
- refuses individual points for the public (they must be aggregated first).

Examples
--------
>>> from intelbench.gate.html_product import sanitise_html
>>> from intelbench.gate.policy import make_redactor, policy_for
>>> doc = '<h1>Chart</h1><script type="application/json">{"n": "07700 900123"}</script>'
>>> res, problems = sanitise_html(doc, policy_for("POLICE_FORCE"), make_redactor(None, ()))
>>> problems, "07700" in res.content, res.n_redacted
([], False, 1)
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from intelbench.gate.html_check import inspect_html, rewrite_html
from intelbench.gate.policy import RecipientKind, SanitisationPolicy
from intelbench.gate.sanitise_frame import SanitisationResult, _context, _flag_table

__all__ = ["PAGE_WORDING", "LivePage", "is_page_wording", "sanitise_html"]

@dataclass(frozen=True)
class LivePage:
    """An interactive page (map, link chart, timeline) embedded in a document product.

    Inside a document (a profile), the gate sanitises it as an HTML product (structure checked,
    visible text checked, data payload sanitised) and the HTML writer embeds it, with the
    marking banner top and bottom, in a sandboxed ``<iframe srcdoc>``; DOCX leaves it out (the
    document carries its static picture as well).
    """

    html: str
    title: str = "Interactive figure"


#: Strings of a payload that are drawing plumbing, not data: element ids and colours.
_PLUMBING = re.compile(r"^(?:[a-z][a-z_]*_[0-9a-f]{32}(?:_[a-z]+)?|#[0-9a-fA-F]{3,8}|"
                       r"(?:Multi)?(?:Point|LineString|Polygon)|Feature(?:Collection)?|"
                       r"GeometryCollection)$")


#: The workbench's own fixed page wording: the buttons, headings, hints and fixed labels its
#: pages (maps, link charts, timelines, heat matrices, gap reports) show, and the fixed values
#: their payloads carry (time certainties, default layer names). Written as templates: every
#: run of up to four digits reads as ``0`` (counts, dates, periods, question numbers), see
#: :func:`is_page_wording`. A text node or payload string that is exactly one of these is
#: workbench wording, not data: it is still redacted like any text, but never flagged as a
#: possible name or code. Everything else (titles, labels, layer names, details the analyst
#: or the data supplied) is flagged as before.
PAGE_WORDING: frozenset[str] = frozenset({
    # timeline page
    "Pan earlier", "Pan later", "Zoom in", "Zoom out", "Fit", "Legend",
    "Click an event for its details.", "Controlling", "Ordered", "Free",
    # heat-matrix page
    "Crime type", "Area", "From", "To", "Reset", "By hour of day", "By day of week",
    "By period", "By period (events)", "All", "0Q0", "0-Q0", "0-W0",
    # map payload (ib.geo.map)
    "Points", "Points (0)", "Points (0,0)", "Produced 0-0-0", "Areas", "Area names",
    "Hotspots (Gi*)", "Boundary", "Outlines", "Density", "Density (KDE)", "Density contours",
    "Grid counts", "Incidents per cell", "Incidents in cell", "Incidents per 0 m cell",
    "Points per 0 m cell (0)", "Points per 0 m cell (0,0)", "0 located", "0,0 located",
    "Gi* z-score", "p-value", "q-value (FDR)", "Place names", "Buildings", "Roads",
    "Hot spot, 0% confidence", "Cold spot, 0% confidence",
    "No incidents in this cell; hot because of its neighbours.",
    "Fewer incidents here and around it than across the area.",
    # gap report (ib.plans.gaps): its column heads and question numbers
    "Plan", "Owner", "Q", "Q0", "Priority", "Status", "Tasked to", "Deadline",
    "Listed because", "Question", "Gap", "Candidate sources", "Plans overdue for review:",
})
_SHORT_DIGITS = re.compile(r"(?<!\d)\d{1,4}(?!\d)")
_SPACES = re.compile(r"\s+")
#: SVG path data (the link chart's node icons): commands and numbers, nothing else.
_SVG_PATH = re.compile(r"^[Mm][\d\s.,eE+\-]+(?:[MmZzLlHhVvCcSsQqTtAa][\d\s.,eE+\-]*)*$")


def is_page_wording(text: str) -> bool:
    """Whether ``text`` (a whole text node or payload string) is the workbench's own wording.

    Examples
    --------
    >>> from intelbench.gate.html_product import is_page_wording
    >>> is_page_wording(" Zoom in "), is_page_wording("Points (12)"), is_page_wording("2025Q1")
    (True, True, True)
    >>> is_page_wording("Zoom in on Kyle"), is_page_wording("Q123456")
    (False, False)
    """
    t = _SPACES.sub(" ", text).strip()
    return (_SHORT_DIGITS.sub("0", t) in PAGE_WORDING
            or (len(t) > 8 and _SVG_PATH.match(t) is not None))


def sanitise_html(
    doc: str,
    policy: SanitisationPolicy,
    red: Any,
    release: Callable[[str, str, str], bool] | None = None,
) -> tuple[SanitisationResult, list[str]]:
    """Check and sanitise an HTML product.

    Parameters
    ----------
    doc : str
        The HTML document.
    policy : SanitisationPolicy
        The recipient's policy.
    red : Redactor
        The redactor (known names, sealed sources, the policy's patterns).
    release : callable (field, kind, value) -> bool, optional
        Flagged values a person released (fields ``html.text`` and ``html.data``).

    Returns
    -------
    (SanitisationResult, list of str)
        The result (``content`` is the rewritten document) and the problems that refuse it.
    """
    rep = inspect_html(doc)
    problems = [f"the HTML holds {p}" for p in rep.problems]
    res = SanitisationResult(content=doc)
    visible = "\n".join(rep.text)
    found = red.contains_sensitive(visible)
    if found:
        kinds = ", ".join(f"{k} x{n}" for k, n in sorted(found.items()))
        problems.append(f"the visible text of the HTML holds values that must be redacted "
                        f"({kinds}); build it from sanitised data")

    def rel(field: str) -> Callable[[str, str], bool]:
        return lambda kind, value: release is not None and release(field, kind, value)

    rows: list[tuple[str, int, str, str, str, str]] = []
    # only data is flagged: the workbench's own page wording is checked above, never flagged
    shown = "\n".join(t for t in rep.text if not is_page_wording(t))
    sr = red.scan_many([shown], release=rel("html.text"))
    rows += [("html.text", 0, f.kind, f.value, _context(shown, f.start, f.end), f.action)
             for _, f in sr.flags]
    held_text = sum(1 for _, f in sr.flags if f.action == "flagged")
    leaves = list(dict.fromkeys(s for s in rep.leaves if s.strip() and not _PLUMBING.match(s)))
    fixed = [s for s in leaves if is_page_wording(s)]
    leaves = [s for s in leaves if not is_page_wording(s)]
    pr = red.scan_many(leaves, release=rel("html.data"))
    fr = red.scan_many(fixed, flag=None)
    rows += [("html.data", i, f.kind, f.value, _context(leaves[i], f.start, f.end), f.action)
             for i, f in pr.flags]
    for kind, n in (pr.counts + fr.counts).items():
        res.redactions[("html.data", kind)] += n
    clean = {s: c for s, c in zip(leaves + fixed, pr.clean + fr.clean) if c != s}
    if rows:
        res.flagged = _flag_table(rows, "")
    if held_text:
        problems.append(f"{held_text} value(s) flagged in the visible text of the HTML cannot "
                        "be withheld from it; release them after a dry run "
                        "(release=dry.release(...)) or build it from sanitised data")
    if policy.kind is RecipientKind.PUBLIC and rep.points:
        problems.append("the HTML draws individual points, which never go to the public; "
                        "aggregate them to areas or a grid first")
    if clean:
        doc = rewrite_html(doc, rep, clean)
        again = inspect_html(doc)
        problems += [f"the HTML holds {p} after sanitisation" for p in again.problems
                     if p not in rep.problems]
        withheld = sum(1 for _, f in pr.flags if f.action == "flagged")
        res.notes.append(f"Interactive content: {sum(pr.counts.values())} value(s) redacted"
                         + (f", {withheld} flagged value(s) withheld" if withheld else ""))
    res.content = doc
    return res, problems
