"""The collection plan itself; its questions and reviews live in :mod:`intelbench.plans.question`.

The records are frozen dataclasses. Every change returns a new object (``plan.add_question``,
``plan.update_question``, ...), so a plan loaded at revision *n* never changes under the
analyst, two snapshots can be diffed field by field, and the form can autosave a snapshot
without copying. Construction only checks the *shape* (enum values, dates, types) so that an
incomplete plan can live in a draft; the APP rules (domain B 16 to 19) are checked by
:meth:`CollectionPlan.validate` and :meth:`CollectionPlan.check`, and saving enforces them.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import json
import os
import tempfile
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intelbench.exceptions import PlanError
from intelbench.plans._compat import (
    frequency_days,
    inherit_plan_level,
    tor_text,
)
from intelbench.plans._html import plan_html
from intelbench.plans.diff import plan_diff
from intelbench.plans.enums import (
    COVERT_SOURCES,
    Authority,
    CollectionMethod,
    PlanStatus,
    Priority,
    QuestionStatus,
    RequirementLevel,
    SourceType,
    _coerce_date,
    _coerce_text,
    _iso,
    _opt_enum,
)
from intelbench.plans.question import CandidateSource, Question, Review, _check_names
from intelbench.plans.rules import (
    OverdueItem,
    Problem,
    check_plan,
    overdue_items,
    validate_plan,
)

if TYPE_CHECKING:  # pragma: no cover
    import pandas as pd

__all__ = [
    "COVERT_SOURCES",
    "Authority",
    "CandidateSource",
    "CollectionMethod",
    "CollectionPlan",
    "PlanStatus",
    "Priority",
    "Question",
    "QuestionStatus",
    "RequirementLevel",
    "Review",
    "SourceType",
]


_PLAN_TEXT_FIELDS = (
    "id",
    "title",
    "owner",
    "operation_ref",
    "control_strategy",
    "requirement",
    "terms_of_reference",
)


@dataclass(frozen=True)
class CollectionPlan:
    """An intelligence collection plan (APP): requirement, questions, sources and reviews.

    Parameters
    ----------
    id : str
        Plan identifier, for example ``"CP-2026-001"`` (the workspace key).
    title, owner : str
        What the plan is called and who owns it.
    operation_ref : str
        Operation name or reference (may be empty).
    control_strategy : str
        The control strategy priority the plan serves.
    requirement_level : RequirementLevel or str or None
        STRATEGIC or TACTICAL intelligence requirement.
    requirement : str
        The strategic or tactical requirement itself.
    terms_of_reference : str
        The terms of reference the plan answers.
    created : datetime.date or str or None
        When the plan was opened (default: today).
    review_frequency_days : int
        Days between reviews (at least 1).
    status : PlanStatus or str
        DRAFT, ACTIVE, UNDER_REVIEW or CLOSED.
    reviews : sequence of Review
        Reviews held, oldest first.
    questions : sequence of Question
        The information requirements, in the order the analyst set.
    revision : int or None
        Workspace revision this snapshot was loaded from or saved as (not compared, not serialised).

    Examples
    --------
    >>> plan = ib.plans.CollectionPlan("CP-1", "Burglary north", owner="DS Lee",
    ...                                created="2026-01-05", review_frequency_days=14)
    >>> plan = plan.add_question(text="Who fences the goods?", priority="HIGH")
    >>> [q.id for q in plan.questions], plan.next_review
    (['Q1'], datetime.date(2026, 1, 19))
    """

    id: str
    title: str = ""
    owner: str = ""
    operation_ref: str = ""
    control_strategy: str = ""
    requirement_level: RequirementLevel | None = None
    requirement: str = ""
    terms_of_reference: str = ""
    created: dt.date | None = field(default_factory=dt.date.today)
    review_frequency_days: int = 28
    status: PlanStatus = PlanStatus.DRAFT
    reviews: tuple[Review, ...] = ()
    questions: tuple[Question, ...] = ()
    revision: int | None = field(default=None, compare=False, repr=False)

    def __post_init__(self) -> None:
        s = object.__setattr__
        for name in _PLAN_TEXT_FIELDS:
            s(self, name, _coerce_text(getattr(self, name), name))
        s(
            self,
            "requirement_level",
            _opt_enum(RequirementLevel, self.requirement_level, "requirement_level"),
        )
        s(self, "created", _coerce_date(self.created, "created"))
        freq = self.review_frequency_days
        if isinstance(freq, str) and freq.strip().isdigit():
            freq = int(freq)
        if not isinstance(freq, int) or isinstance(freq, bool):
            raise PlanError(
                f"review_frequency_days must be a whole number of days; got {repr(freq)[:40]}"
            )
        s(self, "review_frequency_days", freq)
        s(self, "status", PlanStatus.coerce(self.status or "DRAFT", "status"))
        s(self, "reviews", tuple(_as_review(r) for r in self.reviews or ()))
        s(self, "questions", tuple(_as_question(q, i) for i, q in enumerate(self.questions or ())))

    # ------------------------------------------------------------------ derived
    @property
    def next_review(self) -> dt.date | None:
        """When the next review is due: last review (or creation) plus the review frequency."""
        base = max((r.date for r in self.reviews), default=self.created)
        if base is None:
            return None
        return base + dt.timedelta(days=max(self.review_frequency_days, 0))

    @property
    def last_review(self) -> Review | None:
        """The most recent review, or None."""
        return max(self.reviews, key=lambda r: r.date, default=None)

    def question(self, question_id: str) -> Question:
        """Return the question with ``question_id`` (PlanError naming the id if missing)."""
        for q in self.questions:
            if q.id == question_id:
                return q
        ids = ", ".join(q.id for q in self.questions) or "none"
        raise PlanError(f"question_id must be one of {ids}; got {question_id!r}")

    def _index(self, question_id: str) -> int:
        self.question(question_id)
        return [q.id for q in self.questions].index(question_id)

    # ------------------------------------------------------------------ changes
    def replace(self, **changes: Any) -> CollectionPlan:
        """Return a copy with header ``changes`` applied (validated like the constructor)."""
        _check_names(CollectionPlan, changes)
        changes.setdefault("revision", None)
        return dataclasses.replace(self, **changes)

    def replace_revision(self, revision: int | None) -> CollectionPlan:
        """Return the same plan tagged with the workspace ``revision`` it was loaded from."""
        return dataclasses.replace(self, revision=revision)

    def next_question_id(self) -> str:
        """Return the next free ``Q<n>`` identifier."""
        nums = [int(q.id[1:]) for q in self.questions if q.id[:1] == "Q" and q.id[1:].isdigit()]
        return f"Q{max(nums, default=0) + 1}"

    def add_question(self, question: Question | None = None, **fields: Any) -> CollectionPlan:
        """Return a new plan with ``question`` (or one built from ``fields``) appended.

        An id is assigned (``Q<n>``) when none is given. A duplicate id raises PlanError.
        """
        if question is None:
            fields.setdefault("id", self.next_question_id())
            question = Question(**fields)
        elif fields:
            question = question.replace(**fields)
        if any(q.id == question.id for q in self.questions):
            raise PlanError(
                f"question id must be unique in the plan; got duplicate {question.id!r}"
            )
        return self.replace(questions=(*self.questions, question))

    def update_question(self, question_id: str, **changes: Any) -> CollectionPlan:
        """Return a new plan with the fields of one question changed."""
        i = self._index(question_id)
        new = self.questions[i].replace(**changes)
        if new.id != question_id and any(q.id == new.id for q in self.questions):
            raise PlanError(f"question id must be unique in the plan; got duplicate {new.id!r}")
        qs = list(self.questions)
        qs[i] = new
        return self.replace(questions=tuple(qs))

    def remove_question(self, question_id: str) -> CollectionPlan:
        """Return a new plan without the question."""
        i = self._index(question_id)
        return self.replace(questions=self.questions[:i] + self.questions[i + 1 :])

    def move_question(self, question_id: str, position: int) -> CollectionPlan:
        """Return a new plan with the question moved to ``position`` (clamped to the list)."""
        i = self._index(question_id)
        qs = list(self.questions)
        q = qs.pop(i)
        qs.insert(max(0, min(position, len(qs))), q)
        return self.replace(questions=tuple(qs))

    def add_review(self, review: Review) -> CollectionPlan:
        """Return a new plan with ``review`` appended."""
        return self.replace(reviews=(*self.reviews, _as_review(review)))

    def _repr_html_(self) -> str:
        return plan_html(self)

    def to_frame(self) -> pd.DataFrame:
        """One row per question: id, text, priority, status, owner, deadline, sources, authority.

        Examples
        --------
        >>> plan = ib.plans.CollectionPlan("CP-1").add_question(
        ...     text="Who?", priority="HIGH", candidate_sources=[("CHIS", "none recruited")])
        >>> plan.to_frame()[["question_id", "priority", "sources"]]
          question_id priority sources
        0          Q1     HIGH    CHIS
        """
        import pandas as pd

        cols = ["question_id", "text", "priority", "status", "tasked_to", "deadline", "method",
                "sources", "access_difficulties", "authority", "authority_ref", "answered_by"]
        rows = [
            {
                "question_id": q.id,
                "text": q.text,
                "priority": None if q.priority is None else q.priority.value,
                "status": q.status.value,
                "tasked_to": q.tasked_to,
                "deadline": q.deadline,
                "method": None if q.method is None else q.method.value,
                "sources": ", ".join(t.label for t in q.source_types),
                "access_difficulties": "; ".join(
                    f"{c.source_type.label}: {c.access_difficulties}"
                    for c in q.candidate_sources if c.access_difficulties
                ),
                "authority": q.authority.value,
                "authority_ref": q.authority_ref,
                "answered_by": ", ".join(q.answered_by),
            }
            for q in self.questions
        ]
        return pd.DataFrame(rows, columns=cols)

    # ------------------------------------------------------------------ rules
    def validate(self, today: dt.date | None = None) -> list[Problem]:
        """Return every rule breach (errors) and overdue item (warnings).

        See :func:`intelbench.plans.rules.validate_plan`.
        """
        return validate_plan(self, today=today)

    def check(self) -> CollectionPlan:
        """Return the plan if it breaks no rule, else raise PlanError naming each breach."""
        return check_plan(self)

    def overdue(self, today: dt.date | None = None) -> list[OverdueItem]:
        """Return the plan review and question deadlines overdue on ``today`` (rule 18)."""
        return overdue_items(self, today=today)

    def diff(self, since: Any, ws: Any = None) -> pd.DataFrame:
        """Field-level changes since a revision, a date, ``"last_review"`` or another plan.

        See :func:`intelbench.plans.diff.plan_diff`.
        """
        return plan_diff(self, since=since, ws=ws)

    # ------------------------------------------------------------------ serialisation
    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict; :meth:`from_dict` inverts it exactly."""
        return {
            "id": self.id,
            "title": self.title,
            "owner": self.owner,
            "operation_ref": self.operation_ref,
            "requirement": {
                "control_strategy": self.control_strategy,
                "level": None if self.requirement_level is None else self.requirement_level.value,
                "statement": self.requirement,
            },
            "terms_of_reference": self.terms_of_reference,
            "created": _iso(self.created),
            "review_frequency_days": self.review_frequency_days,
            "next_review": _iso(self.next_review),
            "status": self.status.value,
            "reviews": [r.to_dict() for r in self.reviews],
            "questions": [q.to_dict() for q in self.questions],
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> CollectionPlan:
        """Build a plan from :meth:`to_dict` output or a hand-written plan file.

        Accepts a nested ``requirement`` dict or flat keys (``control_strategy``,
        ``requirement_level``, ``requirement``/``intelligence_requirement``), ``plan_id`` for
        ``id``, ``information_requirements`` for ``questions``, a terms-of-reference dict
        (kept as ``key: value`` lines), ``review_frequency`` such as ``"every 28 days"``, and
        plan-level ``authority`` (``{"type", "ref"}``), ``necessity`` and ``proportionality``,
        which fill the questions that leave them empty (the authority only for questions with
        a covert source). ``next_review`` is derived and ignored on input.
        """
        if not isinstance(data, Mapping):
            raise PlanError(f"plan data must be a mapping; got {type(data).__name__}")
        d = dict(data)
        req = d.get("requirement", d.get("intelligence_requirement"))
        control = d.get("control_strategy", d.get("control_strategy_priority", ""))
        level = d.get("requirement_level")
        statement = ""
        if isinstance(req, Mapping):
            control = req.get("control_strategy", req.get("control_strategy_priority", control))
            level = req.get("level", req.get("requirement_level", level))
            statement = req.get("statement", req.get("text", req.get("requirement", ""))) or ""
        elif req is not None:
            statement = str(req)
        questions = d.get("questions", d.get("information_requirements", ())) or ()
        freq = frequency_days(d.get("review_frequency_days", d.get("review_frequency")))
        return cls(
            id=str(d.get("id", d.get("plan_id", "")) or ""),
            title=d.get("title", "") or "",
            owner=d.get("owner", "") or "",
            operation_ref=d.get("operation_ref", d.get("operation", "")) or "",
            control_strategy=control or "",
            requirement_level=level,
            requirement=statement,
            terms_of_reference=tor_text(d.get("terms_of_reference", d.get("tor"))),
            created=d.get("created", d.get("created_on")),
            review_frequency_days=freq,
            status=PlanStatus.coerce(d.get("status") or "DRAFT", "status"),
            reviews=tuple(d.get("reviews", ()) or ()),
            questions=tuple(
                Question.from_dict(inherit_plan_level(q, d), default_id=f"Q{i + 1}")
                if isinstance(q, Mapping)
                else q
                for i, q in enumerate(questions)
            ),
        )

    def to_json(self, path: str | os.PathLike[str]) -> Path:
        """Write the plan as JSON atomically (temporary file, then ``os.replace``)."""
        target = Path(path)
        target.parent.mkdir(parents=True, exist_ok=True)
        text = json.dumps(self.to_dict(), indent=2, ensure_ascii=False)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                fh.write(text)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        return target

    @classmethod
    def from_json(cls, path: str | os.PathLike[str]) -> CollectionPlan:
        """Read a plan written by :meth:`to_json` (or a compatible plan file).

        A file holding ``{"plans": [...]}`` or a list yields its first plan.
        """
        with open(path, encoding="utf-8") as fh:
            data = json.load(fh)
        if isinstance(data, Mapping) and "plans" in data:
            data = data["plans"]
        if isinstance(data, Sequence) and not isinstance(data, (str, Mapping)):
            if not data:
                raise PlanError(f"plan file holds no plan: {Path(path).name}")
            data = data[0]
        return cls.from_dict(data)


def _as_review(value: Any) -> Review:
    if isinstance(value, Review):
        return value
    if isinstance(value, Mapping):
        return Review.from_dict(value)
    raise PlanError(f"reviews must hold Review objects or dicts; got {type(value).__name__}")


def _as_question(value: Any, index: int) -> Question:
    if isinstance(value, Question):
        return value
    if isinstance(value, Mapping):
        return Question.from_dict(value, default_id=f"Q{index + 1}")
    raise PlanError(f"questions must hold Question objects or dicts; got {type(value).__name__}")


def source_choices() -> list[tuple[str, SourceType]]:
    """(label, member) pairs for every source type, in the APP order (for forms)."""
    return [(t.label, t) for t in SourceType]

