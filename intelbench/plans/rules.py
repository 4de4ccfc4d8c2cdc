"""The collection-plan rules of domain.md B (items 16 to 19).

- 16: required fields on the plan and on each question (priority, owner, deadline, candidate
  sources, necessity and proportionality, plus the text, the gap and the requirement served:
  a control strategy priority or a strategic/tactical requirement, as domain B has it). A
  question PARTIAL or ANSWERED without a report URN is a warning.
- 17: CHIS, communications data and directed surveillance need an authority other than NONE
  and an authority reference.
- 18: a plan past its review date, or an open question past its deadline, is OVERDUE. This is
  a warning (it is shown, it does not block a save).
- 19: a plan cannot be CLOSED while a HIGH question is still open, unless that question is
  CLOSED_UNANSWERABLE with a reason.

:func:`validate_plan` returns every problem; :func:`check_plan` raises one
:class:`~intelbench.exceptions.PlanError` naming each breached question and field. Messages
name fields and allowed values, never the free text the analyst typed.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import TYPE_CHECKING, Literal

from intelbench.exceptions import PlanError
from intelbench.plans.enums import (
    AUTHORITY_FOR_SOURCE,
    AUTHORITY_LAW,
    Authority,
    PlanStatus,
    Priority,
    QuestionStatus,
)

if TYPE_CHECKING:
    from intelbench.plans.model import CollectionPlan
    from intelbench.plans.question import Question

__all__ = ["OverdueItem", "Problem", "check_plan", "overdue_items", "validate_plan"]



@dataclass(frozen=True)
class Problem:
    """One rule breach or warning.

    Attributes
    ----------
    question_id : str or None
        The question concerned, or None for the plan header.
    field : str
        The field concerned.
    message : str
        What is wrong (names allowed values; never quotes free text).
    rule : int
        The domain.md B rule number (16 to 19).
    severity : {"error", "warning"}
        Errors block a save; warnings (overdue) are shown only.
    """

    question_id: str | None
    field: str
    message: str
    rule: int
    severity: Literal["error", "warning"] = "error"

    def __str__(self) -> str:
        where = "plan" if self.question_id is None else f"question {self.question_id}"
        return f"{where}, field '{self.field}': {self.message}"


@dataclass(frozen=True)
class OverdueItem:
    """A plan review or question deadline that has passed.

    Attributes
    ----------
    question_id : str or None
        None for the plan's own review.
    due : datetime.date
        The review date or deadline.
    days_overdue : int
        Whole days past ``due`` on the day checked.
    """

    question_id: str | None
    due: dt.date
    days_overdue: int


_PLAN_REQUIRED = (
    ("id", "the plan identifier"),
    ("title", "a title"),
    ("owner", "an owner"),
    ("terms_of_reference", "the terms of reference"),
)

_QUESTION_REQUIRED = (
    ("text", "the question"),
    ("gap", "the gap it closes"),
    ("tasked_to", "who it is tasked to (its owner)"),
    ("necessity", "a necessity statement"),
    ("proportionality", "a proportionality statement"),
)


def _question_problems(q: Question, plan_closed: bool) -> list[Problem]:
    out: list[Problem] = []
    add = out.append
    for name, what in _QUESTION_REQUIRED:
        if not str(getattr(q, name)).strip():
            add(Problem(q.id, name, f"required: {what}; got an empty value", 16))
    if q.priority is None:
        add(Problem(q.id, "priority", "required: one of HIGH, MEDIUM, LOW; got none", 16))
    if q.deadline is None:
        add(Problem(q.id, "deadline", "required: a deadline date; got none", 16))
    if not q.candidate_sources:
        add(Problem(q.id, "candidate_sources", "required: at least one candidate source", 16))
    covert = [t for t in dict.fromkeys(q.source_types) if t.covert]
    needed = list(dict.fromkeys(AUTHORITY_FOR_SOURCE[t] for t in covert))
    if len(needed) > 1:
        add(Problem(q.id, "candidate_sources",
                    "covert sources " + " and ".join(t.label for t in covert) + " each need their "
                    "own authority (" + "; ".join(AUTHORITY_LAW[a] for a in needed) + "); give "
                    "each covert source its own question", 17))
    elif needed and q.authority is not needed[0]:
        source, want = covert[0], needed[0]
        add(Problem(q.id, "authority",
                    f"source {source.label} needs a {AUTHORITY_LAW[want]}: {want.value}; "
                    f"got {q.authority.value}", 17))
    if (covert or q.authority is not Authority.NONE) and not q.authority_ref.strip():
        why = (f"source {', '.join(t.label for t in covert)}" if covert
               else f"authority {q.authority.value}")
        add(Problem(q.id, "authority_ref", f"{why} needs an authority reference; got none", 17))
    if q.status is QuestionStatus.CLOSED_UNANSWERABLE and not q.closure_reason.strip():
        add(
            Problem(
                q.id, "closure_reason", "required for CLOSED_UNANSWERABLE; got an empty value", 19
            )
        )
    if q.status in (QuestionStatus.PARTIAL, QuestionStatus.ANSWERED) and not q.answered_by:
        add(
            Problem(
                q.id,
                "answered_by",
                f"status {q.status.value} names no report URN; link the reports that answer it",
                16,
                "warning",
            )
        )
    if plan_closed and q.priority is Priority.HIGH and q.status.is_open:
        add(
            Problem(
                q.id,
                "status",
                "plan cannot be CLOSED while this HIGH question is open; answer it or mark it "
                f"CLOSED_UNANSWERABLE with a reason; got {q.status.value}",
                19,
            )
        )
    return out


def validate_plan(plan: CollectionPlan, today: dt.date | None = None) -> list[Problem]:
    """Return every rule breach (errors) and overdue item (warnings) of ``plan``.

    Parameters
    ----------
    plan : CollectionPlan
        The plan to check; it is not changed.
    today : datetime.date, optional
        The day against which deadlines and the review date are judged (default: today).

    Returns
    -------
    list of Problem
        Errors first in plan order, then warnings. Empty when the plan is clean.

    Examples
    --------
    >>> plan = ib.plans.CollectionPlan("CP-1", "Burglary north", owner="DS Lee")
    >>> plan = plan.add_question(text="Who?", candidate_sources=["CHIS"])
    >>> [str(p) for p in plan.validate() if p.rule == 17]  # doctest: +NORMALIZE_WHITESPACE
    ["question Q1, field 'authority': source CHIS needs a CHIS authorisation
    (RIPA 2000 s.29 / RIP(S)A 2000 s.7): RIPA_CHIS; got NONE",
     "question Q1, field 'authority_ref': source CHIS needs an authority reference; got none"]
    """
    out: list[Problem] = []
    for name, what in _PLAN_REQUIRED:
        if not str(getattr(plan, name)).strip():
            out.append(Problem(None, name, f"required: {what}; got an empty value", 16))
    if not plan.control_strategy.strip() and not plan.requirement.strip():
        out.append(
            Problem(
                None,
                "requirement",
                "required: the intelligence requirement served (a control strategy priority "
                "or a strategic/tactical requirement); got an empty value",
                16,
            )
        )
    if plan.created is None:
        out.append(Problem(None, "created", "required: the date the plan was opened", 16))
    if plan.review_frequency_days < 1:
        out.append(
            Problem(
                None,
                "review_frequency_days",
                f"must be at least 1 day; got {plan.review_frequency_days}",
                16,
            )
        )
    if plan.status is not PlanStatus.DRAFT and not plan.questions:
        out.append(
            Problem(
                None,
                "questions",
                f"a {plan.status.value} plan needs at least one question; got none",
                16,
            )
        )
    seen: set[str] = set()
    for q in plan.questions:
        if not q.id.strip():
            out.append(
                Problem(None, "questions", "every question needs an id; got an empty id", 16)
            )
        elif q.id in seen:
            out.append(Problem(q.id, "id", "question ids must be unique; got a duplicate", 16))
        seen.add(q.id)
    closed = plan.status is PlanStatus.CLOSED
    for q in plan.questions:
        out.extend(_question_problems(q, closed))
    for item in overdue_items(plan, today=today):
        field = "next_review" if item.question_id is None else "deadline"
        out.append(
            Problem(
                item.question_id,
                field,
                f"OVERDUE: due {item.due.isoformat()}, {item.days_overdue} days ago",
                18,
                "warning",
            )
        )
    return out


def check_plan(plan: CollectionPlan) -> CollectionPlan:
    """Return ``plan`` if it breaks no rule; otherwise raise one PlanError naming every breach.

    Overdue items are warnings and do not raise. The raised error carries the breaches as
    ``error.problems`` (a list of :class:`Problem`).

    Examples
    --------
    >>> plan = ib.plans.CollectionPlan("CP-1", "Burglary north")
    >>> try:
    ...     plan.check()
    ... except ib.PlanError as exc:
    ...     print(str(exc).splitlines()[1])
    - plan, field 'owner': required: an owner; got an empty value
    """
    errors = [p for p in validate_plan(plan) if p.severity == "error"]
    if errors:
        lines = [f"plan {plan.id or '(no id)'} breaks {len(errors)} rule(s):"]
        lines += [f"- {p}" for p in errors]
        exc = PlanError("\n".join(lines))
        exc.problems = errors  # type: ignore[attr-defined]
        raise exc
    return plan


def overdue_items(plan: CollectionPlan, today: dt.date | None = None) -> list[OverdueItem]:
    """Plan review and open-question deadlines that have passed on ``today`` (rule 18).

    A CLOSED plan is never overdue. Answered and closed questions are never overdue.

    Examples
    --------
    >>> plan = ib.plans.CollectionPlan("CP-1", created="2026-01-01", review_frequency_days=7)
    >>> plan = plan.add_question(text="Who?", deadline="2026-01-03")
    >>> items = plan.overdue(today=pd.Timestamp("2026-01-10").date())
    >>> [(i.question_id, i.days_overdue) for i in items]
    [(None, 2), ('Q1', 7)]
    """
    today = today or dt.date.today()
    if plan.status is PlanStatus.CLOSED:
        return []
    out: list[OverdueItem] = []
    due = plan.next_review
    if due is not None and due < today:
        out.append(OverdueItem(None, due, (today - due).days))
    for q in plan.questions:
        if q.deadline is not None and q.status.is_open and q.deadline < today:
            out.append(OverdueItem(q.id, q.deadline, (today - q.deadline).days))
    return out
