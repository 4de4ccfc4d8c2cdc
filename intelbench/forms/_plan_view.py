"""HTML for the plan form's status area and revision history (every value escaped)."""

from __future__ import annotations

import html
from collections.abc import Mapping
from typing import Any

import pandas as pd

from intelbench.plans import CollectionPlan, Problem, SuggestedStatus

__all__ = ["HISTORY_COLUMNS", "history_html", "problem_text", "status_html"]

HISTORY_COLUMNS = [
    "revision", "saved_at", "analyst", "status", "questions", "reviews", "last_review"
]
_COLOURS = {"error": "#b00020", "ok": "#1b5e20"}


def history_html(hist: pd.DataFrame | None) -> str:
    if hist is None:
        return "<p>Not saved yet: no revisions.</p>"
    head = "".join(f"<th>{c}</th>" for c in HISTORY_COLUMNS)
    body = "".join(
        "<tr>" + "".join(f"<td>{html.escape(str(r[c]))}</td>" for c in HISTORY_COLUMNS) + "</tr>"
        for r in hist.to_dict("records")
    )
    return f'<table border="1" style="border-collapse:collapse"><tr>{head}</tr>{body}</table>'


def problem_text(plan: CollectionPlan, problem: Problem, labels: Mapping[str, str]) -> str:
    """One rule breach in the words of the form: the question by position, the field by label.

    ``labels`` maps a question field to its label, and ``"plan." + field`` a plan field.
    """
    fallback = problem.field.replace("_", " ").capitalize()
    if problem.question_id is None:
        label = labels.get(f"plan.{problem.field}", fallback)
        return f"Plan, {label}: {problem.message}"
    label = labels.get(problem.field, fallback)
    ids = [q.id for q in plan.questions]
    pos = ids.index(problem.question_id) + 1 if problem.question_id in ids else None
    where = (f"Question {pos} ({problem.question_id})" if pos
             else f"Question {problem.question_id}")
    return f"{where}, {label}: {problem.message}"


def _items(plan: CollectionPlan, problems: list[Problem], labels: Mapping[str, str]) -> str:
    lines = dict.fromkeys(problem_text(plan, p, labels) for p in problems)  # each once
    return "".join(f"<li>{html.escape(line)}</li>" for line in lines)


def status_html(
    plan: CollectionPlan,
    qid: str | None,
    message: tuple[str, str],
    problems: list[Problem],
    suggestion: SuggestedStatus | None = None,
    labels: Mapping[str, str] | None = None,
) -> str:
    labels = labels or {}
    msg, kind = message
    n = len(plan.questions)
    ids = [q.id for q in plan.questions]
    where = (f"question {ids.index(qid) + 1} of {n} ({qid})" if qid in ids
             else f"no question selected ({n})")
    parts = [
        f'<div class="ib-editing">Plan {html.escape(plan.id or "(no id)")}: '
        f"editing {html.escape(where)}</div>"
    ]
    if msg:
        colour = _COLOURS.get(kind, "#333")
        lines = html.escape(msg).replace("\n", "<br>")
        parts.append(f'<div class="ib-message ib-{kind}" style="color:{colour}">{lines}</div>')
    if suggestion is not None and suggestion.changes:
        s: Any = suggestion
        parts.append(
            '<div class="ib-suggestion">Suggested: question '
            f"{html.escape(s.question_id)} {html.escape(s.current.value)} &rarr; "
            f"<b>{html.escape(s.suggested.value)}</b> ({html.escape(s.reason)}). "
            "Press <i>Confirm status</i> to apply it.</div>"
        )
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity == "warning"]
    if errors:
        shown = len(dict.fromkeys(problem_text(plan, p, labels) for p in errors))
        parts.append(
            f'<div class="ib-problems"><b>{shown} to fix before saving:</b>'
            f"<ul>{_items(plan, errors, labels)}</ul></div>"
        )
    else:
        parts.append('<div class="ib-problems">No rule breaches.</div>')
    if warnings:
        parts.append(f'<div class="ib-warnings"><b>Warnings:</b>'
                     f"<ul>{_items(plan, warnings, labels)}</ul></div>")
    return '<div style="border:1px solid #999;padding:4px">' + "".join(parts) + "</div>"
