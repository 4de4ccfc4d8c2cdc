"""Gaps across every plan, and linking intelligence reports to questions.

:func:`gaps` lists, for the tasking meeting, every question that is still open, overdue, or
answered only by low-grade intelligence (source evaluation 3 or intelligence assessment E).
:func:`link_report` attaches a report URN to a question and *suggests* a new status; the
status changes only through :func:`confirm_status`, never silently.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd

from intelbench.exceptions import PlanError
from intelbench.plans.model import CollectionPlan, PlanStatus, Priority, QuestionStatus
from intelbench.plans.store import list_plans, load_plan

__all__ = [
    "GAP_COLUMNS",
    "GapReport",
    "SuggestedStatus",
    "confirm_status",
    "gaps",
    "grade_band",
    "link_report",
    "parse_grade",
]

#: Columns of :attr:`GapReport.frame`.
GAP_COLUMNS = [
    "plan_id",
    "plan_title",
    "plan_owner",
    "question_id",
    "question",
    "priority",
    "status",
    "tasked_to",
    "deadline",
    "open",
    "overdue",
    "days_overdue",
    "low_grade_only",
    "ungraded_reports",
    "answered_by",
    "reasons",
    "gap_text",
    "candidate_sources",
]
_PLAN_COLUMNS = ["plan_id", "title", "owner", "status", "next_review", "overdue", "open_questions"]
_GRADE_RE = re.compile(r"^\[?\s*([1-3])\s*([A-Ea-e])\s*([PCpc])?\s*\]?$")
_SOURCES = ("1", "2", "3")
_ASSESS = ("A", "B", "C", "D", "E")
_PRIORITY_ORDER = {Priority.HIGH: 0, Priority.MEDIUM: 1, Priority.LOW: 2, None: 3}


def _code(value: Any) -> str | None:
    if value is None:
        return None
    value = getattr(value, "value", value)
    if isinstance(value, float) and value != value:  # NaN
        return None
    text = str(value).strip().upper()
    if text.endswith(".0"):
        text = text[:-2]
    return text or None


def parse_grade(grade: Any) -> tuple[str | None, str | None]:
    """Return ``(source_eval, intel_assess)`` from a 3x5x2 grade in any common shape.

    Accepts ``"2B"``, ``"[3EP]"``, ``(1, "A")``, a mapping with ``source_eval`` and
    ``intel_assess``, or an object with those attributes. Unknown parts are None.

    Examples
    --------
    >>> ib.plans.parse_grade("[3EP]"), ib.plans.parse_grade({"source_eval": 1, "intel_assess": "b"})
    (('3', 'E'), ('1', 'B'))
    >>> ib.plans.parse_grade({"source_eval": "B", "intel_assess": "2"})  # swapped: not 3x5x2
    (None, None)
    """
    if grade is None:
        return None, None
    if isinstance(grade, str):
        m = _GRADE_RE.match(grade.strip())
        return (m.group(1), m.group(2).upper()) if m else (None, None)
    if isinstance(grade, Mapping):
        pair = (grade.get("source_eval"), grade.get("intel_assess"))
    elif isinstance(grade, (tuple, list)) and len(grade) >= 2:
        pair = (grade[0], grade[1])
    else:
        pair = (getattr(grade, "source_eval", None), getattr(grade, "intel_assess", None))
    source, assess = _code(pair[0]), _code(pair[1])
    # a value outside 3x5x2 (for example a swapped "B2") is not a grade: read it as unknown
    return (source if source in _SOURCES else None), (assess if assess in _ASSESS else None)


def grade_band(grade: Any) -> str:
    """Return the band of a grade: low, high, medium or unknown.

    ``"low"`` is source 3 or assessment E, ``"high"`` is source 1 with A or B, ``"medium"`` is
    any other known grade, and ``"unknown"`` is a missing or unreadable grade.

    Examples
    --------
    >>> [ib.plans.grade_band(g) for g in ("1A", "2C", "3A", "1E", None)]
    ['high', 'medium', 'low', 'low', 'unknown']
    """
    if isinstance(grade, Mapping) and ("items" in grade or "grade" in grade):
        return _report_band(_doc_bands(grade))  # a whole report document
    source, assess = parse_grade(grade)
    if source == "3" or assess == "E":
        return "low"
    if source is None or assess is None:
        return "unknown"
    if source == "1" and assess in ("A", "B"):
        return "high"
    return "medium"


def _doc_bands(doc: Mapping[str, Any]) -> list[str]:
    items = doc.get("items")
    if isinstance(items, list) and items:
        bands = [grade_band(i) for i in items if isinstance(i, Mapping)]
        if any(b != "unknown" for b in bands):
            return [b for b in bands if b != "unknown"]
    if "grade" in doc and doc["grade"] is not None:
        return [grade_band(doc["grade"])]
    return [grade_band(doc)]


def _report_band(bands: list[str]) -> str:
    """Band a report: low-grade only if every graded item in it is low-grade."""
    known = [b for b in bands if b != "unknown"]
    if not known:
        return "unknown"
    if all(b == "low" for b in known):
        return "low"
    return "high" if "high" in known else "medium"


def _bands_from_frame(reports: pd.DataFrame, urns: set[str]) -> dict[str, str]:
    if "urn" not in reports.columns:
        raise PlanError(f"reports must have a 'urn' column; got columns {list(reports.columns)}")
    sub = reports[reports["urn"].astype(str).isin(urns)]
    out: dict[str, list[str]] = {}
    for rec in sub.to_dict("records"):
        out.setdefault(str(rec["urn"]), []).extend(_doc_bands({str(k): v for k, v in rec.items()}))
    return {u: _report_band(b) for u, b in out.items()}


def _bands_from_ws(ws: Any, urns: set[str]) -> dict[str, str]:
    docs = ws.get_many("report", sorted(urns))
    return {urn: _report_band(_doc_bands(doc)) for urn, doc in docs.items()}


@dataclass(frozen=True, repr=False)
class GapReport:
    """Collection gaps across every plan, for the tasking meeting.

    Attributes
    ----------
    frame : pandas.DataFrame
        One row per question with a gap (columns :data:`GAP_COLUMNS`), HIGH priority and
        overdue first.
    plans : pandas.DataFrame
        One row per plan that is not CLOSED: id, title, owner, status, next review,
        overdue, open questions.
    today : datetime.date
        The day the gaps were judged.
    """

    frame: pd.DataFrame
    plans: pd.DataFrame
    today: dt.date

    def summary(self) -> str:
        """One line of counts."""
        f = self.frame
        return (
            f"{len(self.plans)} live plans "
            f"({int(self.plans['overdue'].sum())} overdue for review); "
            f"{int(f['open'].sum())} open questions, {int(f['overdue'].sum())} overdue, "
            f"{int(f['low_grade_only'].sum())} answered only by low-grade intelligence"
        )

    def to_html(self, max_text: int = 80) -> str:
        """Compact, self-contained HTML summary; every value is escaped (once, by ``_e``).

        Each plan with a gap is shown with its title and owner; each question with its
        priority, status, tasking, deadline, why it is listed, its text (shortened to
        ``max_text`` characters), the gap it closes and its candidate sources.
        """
        e = _e
        out = [
            '<div class="ib-gaps">',
            f"<h3>Collection gaps at {e(self.today.isoformat())}</h3>",
            f"<p>{e(self.summary())}</p>",
        ]
        overdue_plans = self.plans[self.plans["overdue"]]
        if len(overdue_plans):
            items = "".join(
                f"<li>{e(r['plan_id'])} {e(r['title'])} (owner {e(r['owner'])}): "
                f"review due {e(r['next_review'])}</li>"
                for r in overdue_plans.to_dict("records")
            )
            out.append(f"<p>Plans overdue for review:</p><ul>{items}</ul>")
        if len(self.frame):
            head = ["Plan", "Owner", "Q", "Priority", "Status", "Tasked to", "Deadline",
                    "Listed because", "Question", "Gap", "Candidate sources"]
            out.append('<table border="1" style="border-collapse:collapse;font-size:90%">')
            out.append("<tr>" + "".join(f"<th>{h}</th>" for h in head) + "</tr>")
            for r in self.frame.to_dict("records"):
                text = _cell(r["question"])
                if len(text) > max_text:
                    text = text[: max_text - 1] + "\u2026"
                title = _cell(r["plan_title"])
                plan = _cell(r["plan_id"]) + (f": {title}" if title else "")
                cells = [
                    plan, r["plan_owner"], r["question_id"], r["priority"], r["status"],
                    r["tasked_to"], r["deadline"], r["reasons"], text, r["gap_text"],
                    r["candidate_sources"],
                ]
                style = ' style="background:#fde2e2"' if r["overdue"] else ""
                out.append(f"<tr{style}>" + "".join(f"<td>{e(c)}</td>" for c in cells) + "</tr>")
            out.append("</table>")
        else:
            out.append("<p>No gaps.</p>")
        out.append("</div>")
        return "\n".join(out)

    def _repr_html_(self) -> str:
        return self.to_html()

    def to_page(self) -> str:
        """Return the gap report as a standalone HTML page (the body is :meth:`to_html`)."""
        title = html.escape(f"Collection gaps at {self.today.isoformat()}")
        return ('<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
                f"<title>{title}</title></head><body>\n{self.to_html()}\n</body></html>\n")

    def to_product(self) -> Any:
        """Return the gap report as a gate :class:`~intelbench.gate.Product` (kind ``"html"``).

        ``ib.disseminate`` then parses the page, checks its text and writes it with the
        marking banner top and bottom.

        Examples
        --------
        >>> p = ib.plans.CollectionPlan("CP-1", "Burglary", created="2026-01-01")
        >>> r = ib.plans.gaps(None, today=pd.Timestamp("2026-01-02").date(),
        ...                    plans=[p.add_question(text="Who?")])
        >>> r.to_product().kind
        'html'
        """
        from intelbench.gate.products import Product

        return Product(self.to_page(), title=f"Collection gaps at {self.today.isoformat()}",
                       kind="html")

    def __repr__(self) -> str:
        return f"GapReport(at {self.today.isoformat()}: {self.summary()})"


def _source_text(src: Any) -> str:
    """Return a candidate source as one line: type, detail, difficulties of reaching it."""
    text = src.source_type.label + (f" ({src.detail})" if src.detail else "")
    return text + (f": {src.access_difficulties}" if src.access_difficulties else "")


def _cell(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    return str(value)


def _e(value: Any) -> str:
    """Escape a value as text, the one escape of the gap report's HTML (None, NaN: empty)."""
    return html.escape(_cell(value), quote=True)


def gaps(
    ws: Any,
    today: dt.date | None = None,
    reports: pd.DataFrame | None = None,
    plans: Iterable[CollectionPlan] | None = None,
) -> GapReport:
    """Questions that are open, overdue, or answered only by low-grade intelligence.

    Parameters
    ----------
    ws : Workspace or None
        Every saved plan (latest revision) is read from it, and the answering reports' grades
        from its ``"report"`` documents unless ``reports`` is given.
    today : datetime.date, optional
        The day deadlines and reviews are judged against (default: today).
    reports : pandas.DataFrame, optional
        Reports with ``urn`` and ``source_eval``/``intel_assess`` (or ``grade``) columns; one
        row per report or per graded item.
    plans : iterable of CollectionPlan, optional
        Plans to use instead of (not as well as) those saved in ``ws``.

    Returns
    -------
    GapReport
        ``.frame`` (one row per question with a gap), ``.plans`` and ``.to_html()``.

    Examples
    --------
    >>> p = ib.plans.CollectionPlan("CP-1", "Burglary", created="2026-01-01", status="ACTIVE")
    >>> p = p.add_question(text="Who?", priority="HIGH", deadline="2026-01-05")
    >>> p = p.add_question(text="Where?", priority="LOW", status="ANSWERED", answered_by=["IR-1"])
    >>> grades = pd.DataFrame({"urn": ["IR-1"], "source_eval": [3], "intel_assess": ["B"]})
    >>> report = ib.plans.gaps(None, today=pd.Timestamp("2026-01-10").date(), reports=grades,
    ...                        plans=[p])
    >>> report.frame[["question_id", "reasons"]]
      question_id               reasons
    0          Q1         open; overdue
    1          Q2  low-grade only (1/1)
    """
    today = today or dt.date.today()
    if plans is None:
        if ws is None:
            raise PlanError("ws is required unless plans are given; got None")
        plan_list = [load_plan(ws, pid) for pid in list_plans(ws)]
    else:
        plan_list = list(plans)
    live = [p for p in plan_list if p.status is not PlanStatus.CLOSED]
    urns = {u for p in live for q in p.questions for u in q.answered_by}
    if reports is not None:
        bands = _bands_from_frame(reports, urns)
    elif ws is not None:
        bands = _bands_from_ws(ws, urns)
    else:
        bands = {}
    rows: list[dict[str, Any]] = []
    plan_rows: list[dict[str, Any]] = []
    for plan in live:
        overdue = {i.question_id: i for i in plan.overdue(today)}
        n_open = 0
        for q in plan.questions:
            is_open = q.status.is_open
            n_open += is_open
            q_over = q.id in overdue
            answered = q.status in (QuestionStatus.ANSWERED, QuestionStatus.PARTIAL)
            q_bands = [bands.get(u, "unknown") for u in q.answered_by]
            known = [b for b in q_bands if b != "unknown"]
            low_only = answered and bool(known) and all(b == "low" for b in known)
            reasons = []
            if is_open:
                reasons.append("open")
            if q_over:
                reasons.append("overdue")
            if low_only:
                reasons.append(f"low-grade only ({len(known)}/{len(q_bands)})")
            if not reasons:
                continue
            rows.append(
                {
                    "plan_id": plan.id,
                    "plan_title": plan.title,
                    "plan_owner": plan.owner,
                    "question_id": q.id,
                    "question": q.text,
                    "priority": None if q.priority is None else q.priority.value,
                    "status": q.status.value,
                    "tasked_to": q.tasked_to,
                    "deadline": q.deadline,
                    "open": is_open,
                    "overdue": q_over,
                    "days_overdue": overdue[q.id].days_overdue if q_over else 0,
                    "low_grade_only": low_only,
                    "ungraded_reports": len(q_bands) - len(known),
                    "answered_by": ", ".join(q.answered_by),
                    "reasons": "; ".join(reasons),
                    "gap_text": q.gap,
                    "candidate_sources": "; ".join(_source_text(c) for c in q.candidate_sources),
                    "_order": (_PRIORITY_ORDER[q.priority], not q_over, q.deadline or dt.date.max),
                }
            )
        plan_rows.append(
            {
                "plan_id": plan.id,
                "title": plan.title,
                "owner": plan.owner,
                "status": plan.status.value,
                "next_review": plan.next_review,
                "overdue": None in overdue,
                "open_questions": n_open,
            }
        )
    rows.sort(key=lambda r: r.pop("_order"))
    frame = pd.DataFrame(rows, columns=GAP_COLUMNS)
    for col in ("open", "overdue", "low_grade_only"):
        frame[col] = frame[col].astype(bool)
    for col in ("days_overdue", "ungraded_reports"):
        frame[col] = frame[col].astype("int64")
    plans_frame = pd.DataFrame(plan_rows, columns=_PLAN_COLUMNS)
    plans_frame["overdue"] = plans_frame["overdue"].astype(bool)
    return GapReport(frame=frame, plans=plans_frame, today=today)


@dataclass(frozen=True)
class SuggestedStatus:
    """A status change proposed after linking a report; it takes effect only when confirmed.

    Attributes
    ----------
    question_id : str
        The question.
    current, suggested : QuestionStatus
        Status now, and the status proposed.
    reason : str
        Why (names the grade band, never report content).
    urn : str
        The report linked.
    """

    question_id: str
    current: QuestionStatus
    suggested: QuestionStatus
    reason: str
    urn: str

    @property
    def changes(self) -> bool:
        """True when confirming would change the status."""
        return self.current is not self.suggested


def link_report(
    plan: CollectionPlan, question_id: str, urn: str, grade: Any = None
) -> tuple[CollectionPlan, SuggestedStatus]:
    """Link report ``urn`` to a question and suggest (not apply) a new status.

    High-grade intelligence (source 1 with assessment A or B) suggests ANSWERED; any other or
    unknown grade suggests PARTIAL (low grade: corroborate first). A question already ANSWERED
    or CLOSED_UNANSWERABLE keeps its status.

    Returns
    -------
    (CollectionPlan, SuggestedStatus)
        The plan with the URN added to ``answered_by`` (status unchanged) and the suggestion.

    Examples
    --------
    >>> p = ib.plans.CollectionPlan("CP-1").add_question(text="Who?")
    >>> p2, s = ib.plans.link_report(p, "Q1", "IR-2026-000001", grade="1AP")
    >>> p2.question("Q1").status.value, s.suggested.value
    ('OPEN', 'ANSWERED')
    >>> ib.plans.confirm_status(p2, s).question("Q1").status.value
    'ANSWERED'
    """
    urn = str(urn or "").strip()
    if not urn:
        raise PlanError("urn is required to link a report; got an empty value")
    q = plan.question(question_id)
    new_plan = plan
    if urn not in q.answered_by:
        new_plan = plan.update_question(question_id, answered_by=(*q.answered_by, urn))
    band = grade_band(grade)
    current = q.status
    suggested: QuestionStatus
    if current in (QuestionStatus.ANSWERED, QuestionStatus.CLOSED_UNANSWERABLE):
        suggested, reason = current, f"question already {current.value}; status kept"
    elif band == "high":
        suggested, reason = QuestionStatus.ANSWERED, "high-grade intelligence (source 1, A or B)"
    elif band == "low":
        suggested = QuestionStatus.PARTIAL
        reason = "low-grade intelligence (source 3 or E): corroborate before treating as answered"
    else:
        suggested = QuestionStatus.PARTIAL
        reason = f"{band} grade: partly answers the question"
    return new_plan, SuggestedStatus(question_id, current, suggested, reason, urn)


def confirm_status(plan: CollectionPlan, suggestion: SuggestedStatus) -> CollectionPlan:
    """Apply a :class:`SuggestedStatus` the analyst has confirmed.

    Raises
    ------
    PlanError
        If the question's status changed since the suggestion was made (stale suggestion).
    """
    q = plan.question(suggestion.question_id)
    if q.status is not suggestion.current:
        raise PlanError(
            f"status of question {q.id} changed since the suggestion: expected "
            f"{suggestion.current.value}; got {q.status.value}"
        )
    if not suggestion.changes:
        return plan
    return plan.update_question(q.id, status=suggestion.suggested)
