"""Question-level records of a collection plan: candidate sources, reviews and questions.

Frozen dataclasses: every change returns a new object (see :mod:`intelbench.plans.model`).
Construction checks the shape (enum values, dates, types); the APP rules are checked by
:mod:`intelbench.plans.rules`.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from intelbench.exceptions import PlanError
from intelbench.plans._compat import lenient_method, lenient_source
from intelbench.plans.enums import (
    Authority,
    CollectionMethod,
    Priority,
    QuestionStatus,
    SourceType,
    _coerce_date,
    _coerce_text,
    _iso,
    _opt_enum,
)

__all__ = ["CandidateSource", "Question", "Review"]


@dataclass(frozen=True)
class CandidateSource:
    """A source that could answer a question, with the difficulties of reaching it.

    Parameters
    ----------
    source_type : SourceType or str
        One of :class:`SourceType` (member, value or label).
    access_difficulties : str
        Why the source may be hard to reach (empty if none known).
    detail : str
        Which source exactly, where the type alone does not say (an opaque source
        reference, or the original name of a source filed under OTHER). Never a person's name.

    Examples
    --------
    >>> ib.plans.CandidateSource("CHIS", "no source in the area").source_type.label
    'CHIS'
    """

    source_type: SourceType
    access_difficulties: str = ""
    detail: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "detail", _coerce_text(self.detail, "detail"))
        object.__setattr__(
            self, "source_type", SourceType.coerce(self.source_type, "source_type")
        )
        object.__setattr__(
            self,
            "access_difficulties",
            _coerce_text(self.access_difficulties, "access_difficulties"),
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "source_type": self.source_type.value,
            "access_difficulties": self.access_difficulties,
            "detail": self.detail,
        }

    @classmethod
    def from_any(cls, value: Any, *, lenient: bool = False) -> CandidateSource:
        """Build from a CandidateSource, a dict, a ``(type, difficulties)`` pair or a type name.

        With ``lenient=True`` (used when reading plan files) a source name outside the list is
        matched by keyword (``"Forensic products"`` is FORENSIC) or filed under OTHER with the
        original name kept in ``detail``.
        """
        if isinstance(value, CandidateSource):
            return value
        detail = ""
        if isinstance(value, Mapping):
            kind = value.get("source_type", value.get("type", value.get("source")))
            diff = value.get("access_difficulties", value.get("access_difficulty", "")) or ""
            detail = str(value.get("detail", value.get("ref", "")) or "")
        elif isinstance(value, (tuple, list)) and len(value) in (2, 3):
            kind, diff = value[0], value[1] or ""
            detail = str(value[2]) if len(value) == 3 else ""
        else:
            kind, diff = value, ""
        if lenient:
            kind, extra = lenient_source(kind)
            detail = "; ".join(x for x in (extra, detail) if x)
        return cls(kind, diff, detail)



@dataclass(frozen=True)
class Review:
    """One review of a plan.

    Parameters
    ----------
    date : datetime.date or str
        When the review was held.
    reviewer : str
        Who reviewed the plan.
    outcome : str
        The decision, for example ``"continue"``, ``"amend"`` or ``"close"``.
    notes : str
        Free-text notes.
    """

    date: dt.date
    reviewer: str
    outcome: str
    notes: str = ""

    def __post_init__(self) -> None:
        d = _coerce_date(self.date, "review date")
        if d is None:
            raise PlanError("review date must be a date; got an empty value")
        object.__setattr__(self, "date", d)
        for name in ("reviewer", "outcome", "notes"):
            object.__setattr__(self, name, _coerce_text(getattr(self, name), f"review {name}"))

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict."""
        return {
            "date": self.date.isoformat(),
            "reviewer": self.reviewer,
            "outcome": self.outcome,
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Review:
        """Inverse of :meth:`to_dict` (also accepts ``reviewed_on``/``by``)."""
        return cls(
            date=data.get("date", data.get("reviewed_on")),
            reviewer=data.get("reviewer", data.get("by", "")) or "",
            outcome=data.get("outcome", "") or "",
            notes=data.get("notes", "") or "",
        )


_QUESTION_TEXT_FIELDS = (
    "id",
    "text",
    "gap",
    "tasked_to",
    "authority_ref",
    "necessity",
    "proportionality",
    "closure_reason",
    "notes",
)


@dataclass(frozen=True)
class Question:
    """An information requirement in a collection plan.

    Parameters
    ----------
    id : str
        Identifier unique within the plan, for example ``"Q1"``.
    text : str
        The question.
    priority : Priority or str or None
        HIGH, MEDIUM or LOW (required when saved).
    gap : str
        The intelligence gap the answer closes.
    candidate_sources : sequence of CandidateSource
        Sources that could answer it, each with its access difficulties.
    method : CollectionMethod or str or None
        Routine, tasked or volunteered.
    tasked_to : str
        Who is tasked (the question's owner).
    deadline : datetime.date or str or None
        When the answer is due.
    authority : Authority or str
        Authority needed for covert collection (NONE if none).
    authority_ref : str
        Reference of the authority (required when ``authority`` is not NONE).
    necessity, proportionality : str
        Why the collection is necessary and proportionate.
    status : QuestionStatus or str
        OPEN, TASKED, PARTIAL, ANSWERED or CLOSED_UNANSWERABLE.
    closure_reason : str
        Why the question cannot be answered (required for CLOSED_UNANSWERABLE).
    answered_by : sequence of str
        URNs of the intelligence reports that answer it.
    notes : str
        Anything else (for example a free-text collection method read from a plan file).

    Examples
    --------
    >>> q = ib.plans.Question("Q1", "Who fences the stolen goods?", priority="high")
    >>> q.priority, q.status
    (<Priority.HIGH: 'HIGH'>, <QuestionStatus.OPEN: 'OPEN'>)
    """

    id: str
    text: str = ""
    priority: Priority | None = None
    gap: str = ""
    candidate_sources: tuple[CandidateSource, ...] = ()
    method: CollectionMethod | None = None
    tasked_to: str = ""
    deadline: dt.date | None = None
    authority: Authority = Authority.NONE
    authority_ref: str = ""
    necessity: str = ""
    proportionality: str = ""
    status: QuestionStatus = QuestionStatus.OPEN
    closure_reason: str = ""
    answered_by: tuple[str, ...] = ()
    notes: str = ""

    def __post_init__(self) -> None:
        s = object.__setattr__
        for name in _QUESTION_TEXT_FIELDS:
            s(self, name, _coerce_text(getattr(self, name), name))
        s(self, "priority", _opt_enum(Priority, self.priority, "priority"))
        s(self, "method", _opt_enum(CollectionMethod, self.method, "method"))
        s(self, "authority", Authority.coerce(self.authority or "NONE", "authority"))
        s(self, "status", QuestionStatus.coerce(self.status or "OPEN", "status"))
        s(self, "deadline", _coerce_date(self.deadline, "deadline"))
        sources: Any = self.candidate_sources
        if isinstance(sources, (str, Mapping)):
            sources = (sources,)
        s(self, "candidate_sources", tuple(CandidateSource.from_any(c) for c in sources or ()))
        urns = self.answered_by
        if isinstance(urns, str):
            urns = tuple(u.strip() for u in urns.replace(";", ",").split(","))
        s(self, "answered_by", tuple(str(u).strip() for u in urns or () if str(u).strip()))

    @property
    def source_types(self) -> tuple[SourceType, ...]:
        """The candidate source types, in order."""
        return tuple(c.source_type for c in self.candidate_sources)

    @property
    def needs_authority(self) -> bool:
        """True when a candidate source is covert (CHIS, comms data, directed surveillance)."""
        return any(t.covert for t in self.source_types)

    def replace(self, **changes: Any) -> Question:
        """Return a copy with ``changes`` applied (validated like the constructor)."""
        _check_names(Question, changes)
        return dataclasses.replace(self, **changes)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON-ready dict (enums as their values, dates as ISO strings)."""
        return {
            "id": self.id,
            "text": self.text,
            "priority": None if self.priority is None else self.priority.value,
            "gap": self.gap,
            "candidate_sources": [c.to_dict() for c in self.candidate_sources],
            "method": None if self.method is None else self.method.value,
            "tasked_to": self.tasked_to,
            "deadline": _iso(self.deadline),
            "authority": self.authority.value,
            "authority_ref": self.authority_ref,
            "necessity": self.necessity,
            "proportionality": self.proportionality,
            "status": self.status.value,
            "closure_reason": self.closure_reason,
            "answered_by": list(self.answered_by),
            "notes": self.notes,
        }

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], *, default_id: str = "") -> Question:
        """Build from :meth:`to_dict` output or a hand-written plan file.

        Alternative key names are accepted (``question``, ``sources``, ``owner``,
        ``answered_by_irs``); source names outside the list are read leniently (see
        :meth:`CandidateSource.from_any`); a free-text ``method`` is matched to ROUTINE,
        TASKED or VOLUNTEERED by keyword and kept in ``notes``.
        """
        d = dict(data)
        get = d.get
        raw = get("candidate_sources", get("sources", ())) or ()
        diffs = d.get("access_difficulties")
        sources = []
        for s in [raw] if isinstance(raw, (str, Mapping)) else raw:
            if isinstance(s, str) and isinstance(diffs, Mapping):
                s = (s, str(diffs.get(s, "")))
            sources.append(CandidateSource.from_any(s, lenient=True))
        method, notes = lenient_method(get("method", get("collection_method")))
        notes = "\n".join(x for x in (str(get("notes", "") or ""), notes) if x)
        return cls(
            id=str(get("id", get("question_id", default_id)) or default_id),
            text=get("text", get("question", "")) or "",
            priority=get("priority"),
            gap=get("gap", "") or "",
            candidate_sources=tuple(sources or ()),
            method=method,
            tasked_to=get("tasked_to", get("owner", "")) or "",
            deadline=get("deadline"),
            authority=Authority.coerce(get("authority") or "NONE", "authority"),
            authority_ref=get("authority_ref", "") or "",
            necessity=get("necessity", "") or "",
            proportionality=get("proportionality", "") or "",
            status=QuestionStatus.coerce(get("status") or "OPEN", "status"),
            closure_reason=get("closure_reason", "") or "",
            answered_by=tuple(get("answered_by", get("answered_by_irs", ())) or ()),
            notes=notes,
        )


def _check_names(cls: type, changes: Mapping[str, Any]) -> None:
    names = {f.name for f in dataclasses.fields(cls) if f.init}
    for key in changes:
        if key not in names:
            raise PlanError(
                f"{cls.__name__} has no field {key!r}; "
                f"allowed fields are {', '.join(sorted(names))}"
            )
