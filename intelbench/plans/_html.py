"""The rich HTML view of a collection plan in Jupyter (every value escaped)."""

from __future__ import annotations

import datetime as dt
import html
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from intelbench.plans.model import CollectionPlan

__all__ = ["plan_html"]

_QUESTION_COLUMNS = [("question_id", "Q"), ("text", "Question"), ("priority", "Priority"),
                     ("status", "Status"), ("tasked_to", "Tasked to"), ("deadline", "Deadline"),
                     ("sources", "Sources"), ("authority", "Authority")]


def _e(value: Any) -> str:
    if value is None or (isinstance(value, float) and value != value):
        return ""
    if hasattr(value, "value") and not isinstance(value, (str, int, float)):
        value = value.value
    return html.escape(str(value), quote=True)


def plan_html(plan: CollectionPlan, today: dt.date | None = None) -> str:
    """Return the plan as an HTML fragment: header, questions, reviews and what is overdue.

    Parameters
    ----------
    plan : CollectionPlan
        The plan.
    today : datetime.date, optional
        The day overdue items are judged on (default: today).

    Returns
    -------
    str
        A ``<div>`` with every value HTML-escaped.
    """
    overdue = {(o.question_id or ""): o for o in plan.overdue(today=today)}
    head = [("Owner", plan.owner), ("Status", plan.status),
            ("Requirement", f"{_e(plan.requirement_level)} {_e(plan.requirement)}".strip()),
            ("Control strategy", plan.control_strategy), ("Operation", plan.operation_ref),
            ("Opened", plan.created),
            ("Next review", f"{_e(plan.next_review)} (every {plan.review_frequency_days} days)")]
    out = ['<div class="ib-plan">',
           f"<h3>Collection plan {_e(plan.id)}: {_e(plan.title)}</h3>", "<table>"]
    for label, value in head:
        shown = value if label in ("Requirement", "Next review") else _e(value)
        out.append(f"<tr><th style='text-align:left'>{label}</th><td>{shown}</td></tr>")
    out.append("</table>")
    if "" in overdue:
        review = overdue['']
        out.append(f"<p style='color:#b00020'><b>Review overdue</b> since {_e(review.due)} "
                   f"({review.days_overdue} days)</p>")
    frame = plan.to_frame()
    if len(frame):
        out.append(f"<h4>Questions ({len(frame)})</h4><table><tr>"
                   + "".join(f"<th>{label}</th>" for _, label in _QUESTION_COLUMNS) + "</tr>")
        for row in frame.to_dict("records"):
            late = ' style="background:#fde2e2"' if row["question_id"] in overdue else ""
            out.append(f"<tr{late}>" + "".join(f"<td>{_e(row[c])}</td>"
                                               for c, _ in _QUESTION_COLUMNS) + "</tr>")
        out.append("</table>")
    else:
        out.append("<p>No questions yet.</p>")
    if plan.reviews:
        out.append("<h4>Reviews</h4><ul>")
        out.extend(f"<li>{_e(r.date)} {_e(r.reviewer)}: {_e(r.outcome)}</li>"
                   for r in plan.reviews)
        out.append("</ul>")
    out.append("</div>")
    return "\n".join(out)
