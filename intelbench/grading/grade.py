"""3x5x2 evaluation grades: codes, the :class:`Grade` value, items and legacy schemes.

The UK national grading (domain.md A1) has three parts, judged separately:

- **source evaluation** ``1`` Reliable, ``2`` Untested, ``3`` Not reliable;
- **intelligence assessment** ``A`` Known directly to the source, ``B`` Known indirectly but
  corroborated, ``C`` Known indirectly, ``D`` Not known, ``E`` Suspected to be false;
- **handling code** ``P`` lawful sharing permitted, ``C`` lawful sharing permitted with conditions.

Under ``C`` only, optional action codes (``A1``-``A3``) and sanitisation codes (``S1``, ``S2``)
may be given. A grade renders as ``[2BC]``: source digit, assessment letter, handling letter.

This module checks that a grade fits the 3x5x2 *scheme* (rules 1, 2, 5 and 9 of domain.md B).
The completeness rules a force may configure (conditions and a risk assessment under ``C``, a
rationale for ``3`` or ``E``, who may re-grade) live in :class:`intelbench.GradingPolicy`.

Legacy 5x5x5 and Admiralty grades are held verbatim by :class:`LegacyGrade` and never converted
silently; :meth:`LegacyGrade.to_3x5x2_approximate` gives an explicit, flagged, lossy estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING, Any

from intelbench.exceptions import GradingError
from intelbench.grading._text import (
    classify_assessment,
    classify_handling,
    classify_source,
    describe_received,
    grade_text_problems,
)

if TYPE_CHECKING:  # pragma: no cover
    from intelbench.grading.policy import GradingPolicy

__all__ = [
    "ActionCode",
    "Grade",
    "GradingScheme",
    "Handling",
    "IntelItem",
    "IntelligenceAssessment",
    "ReportHandling",
    "SanitisationCode",
    "SourceEvaluation",
    "code_meanings",
    "report_handling",
]


class _Coded(StrEnum):
    """A fixed code with a default label; forces change labels through the policy."""

    @property
    def code(self) -> str:
        """The code as written on the form (``"2"``, ``"B"``, ``"C"``)."""
        return str(self.value)

    @property
    def label(self) -> str:
        """The default meaning of the code (domain.md A1); see ``GradingPolicy.labels``."""
        return _DEFAULT_LABELS[type(self).__name__][self.value]

    @classmethod
    def coerce(cls, value: Any, field_name: str) -> Any:
        """Return the member for ``value`` (member, code or int), or raise :class:`GradingError`."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().upper() if value is not None else ""
        for member in cls:
            if member.value == text:
                return member
        allowed = ", ".join(f"{m.value} ({m.label})" for m in cls)
        hint = ""
        classifier = _CLASSIFIERS.get(cls.__name__)
        if classifier is not None and isinstance(value, (str, int)):
            hint = classifier(text)[1]  # names a swapped scheme or "C = confidential"
        raise GradingError(
            f"{field_name} must be one of {allowed}; got {describe_received(value)}"
            + (f" ({hint})" if hint else "")
        )


class SourceEvaluation(_Coded):
    """3x5x2 source evaluation: how far the *source* can be relied on."""

    RELIABLE = "1"
    UNTESTED = "2"
    NOT_RELIABLE = "3"


class IntelligenceAssessment(_Coded):
    """3x5x2 intelligence assessment: how the *information* is known."""

    KNOWN_DIRECTLY = "A"
    CORROBORATED = "B"
    KNOWN_INDIRECTLY = "C"
    NOT_KNOWN = "D"
    SUSPECTED_FALSE = "E"


class Handling(_Coded):
    """3x5x2 handling code. ``C`` means *conditions*, never "Confidential"."""

    PERMITTED = "P"
    CONDITIONS = "C"


class ActionCode(_Coded):
    """Action codes, valid under handling ``C`` only (NCA-style practice, domain.md A1.8)."""

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"


class SanitisationCode(_Coded):
    """Sanitisation codes, valid under handling ``C`` only (domain.md A1.8)."""

    S1 = "S1"
    S2 = "S2"


class GradingScheme(StrEnum):
    """The grading scheme a report declares."""

    THREE_FIVE_TWO = "3x5x2"
    FIVE_FIVE_FIVE = "5x5x5"
    ADMIRALTY = "ADMIRALTY"

    @classmethod
    def coerce(cls, value: Any) -> GradingScheme:
        """Return the scheme for ``value`` ("3x5x2", "5x5x5", "admiralty", "NATO")."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().upper().replace(" ", "") if value is not None else ""
        aliases = {"3X5X2": cls.THREE_FIVE_TWO, "5X5X5": cls.FIVE_FIVE_FIVE,
                   "ADMIRALTY": cls.ADMIRALTY, "NATO": cls.ADMIRALTY}
        if text in aliases:
            return aliases[text]
        raise GradingError(
            "scheme must be one of 3x5x2, 5x5x5, ADMIRALTY; got " + describe_received(value)
        )


_CLASSIFIERS = {"SourceEvaluation": classify_source,
                "IntelligenceAssessment": classify_assessment, "Handling": classify_handling}

_DEFAULT_LABELS: dict[str, dict[str, str]] = {
    "SourceEvaluation": {"1": "Reliable", "2": "Untested", "3": "Not reliable"},
    "IntelligenceAssessment": {
        "A": "Known directly to the source",
        "B": "Known indirectly but corroborated",
        "C": "Known indirectly",
        "D": "Not known",
        "E": "Suspected to be false",
    },
    "Handling": {
        "P": "Lawful sharing permitted",
        "C": "Lawful sharing permitted with conditions",
    },
    "ActionCode": {
        "A1": "Combine or corroborate only; originator's permission before any action",
        "A2": "Covert action only; not evidence or grounds for arrest",
        "A3": "Overt action as the owner specifies",
    },
    "SanitisationCode": {
        "S1": "Unsupervised sanitisation allowed",
        "S2": "Originator consulted before sanitisation",
    },
}

#: The code enums by the field names used in forms, policies and the intelligence log.
CODE_FIELDS: dict[str, type[_Coded]] = {
    "source": SourceEvaluation,
    "assessment": IntelligenceAssessment,
    "handling": Handling,
    "action_code": ActionCode,
    "sanitisation_code": SanitisationCode,
}


def code_meanings(policy: GradingPolicy | None = None) -> dict[str, dict[str, str]]:
    """Return the meaning of every code, by field, with the policy's labels if one is given.

    Parameters
    ----------
    policy : GradingPolicy, optional
        A force's policy; its labels replace the defaults.

    Returns
    -------
    dict
        ``{"source": {"1": "Reliable", ...}, "assessment": {...}, "handling": {...},
        "action_code": {...}, "sanitisation_code": {...}}``.

    Examples
    --------
    >>> ib.grading.code_meanings()["source"]
    {'1': 'Reliable', '2': 'Untested', '3': 'Not reliable'}
    """
    meanings = {name: {m.code: m.label for m in enum} for name, enum in CODE_FIELDS.items()}
    if policy is not None:
        for name, labels in policy.labels.items():
            meanings[name].update(labels)
    return meanings


def _optional_code(enum: type[_Coded], value: Any, field_name: str) -> Any:
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return enum.coerce(value, field_name)


@dataclass(frozen=True)
class Grade:
    """A 3x5x2 grade: source evaluation, intelligence assessment and handling code.

    Construction checks that the grade fits the scheme: codes from their fixed sets, and
    conditions, action and sanitisation codes only under handling ``C``. Rules a force
    configures (conditions and a risk-assessment reference required under ``C``, a rationale
    for ``3`` or ``E``) are checked by :meth:`GradingPolicy.check`; pass ``policy=`` to
    :meth:`parse` to apply them at once.

    Attributes
    ----------
    source : SourceEvaluation
        1 Reliable, 2 Untested, 3 Not reliable.
    assessment : IntelligenceAssessment
        A to E.
    handling : Handling
        P or C.
    conditions : str
        The handling conditions (under C only).
    action_code : ActionCode or None
        A1, A2 or A3 (under C only).
    sanitisation_code : SanitisationCode or None
        S1 or S2 (under C only).
    risk_assessment_ref : str
        Reference of the risk assessment.
    rationale : str
        Why the grade was given (policy requires it for source 3 or assessment E).

    Examples
    --------
    >>> g = ib.Grade.parse("2/b/c", conditions="No action without originator consent")
    >>> str(g), g.bracketed, g.source.label
    ('2BC', '[2BC]', 'Untested')
    """

    source: SourceEvaluation
    assessment: IntelligenceAssessment
    handling: Handling
    conditions: str = ""
    action_code: ActionCode | None = None
    sanitisation_code: SanitisationCode | None = None
    risk_assessment_ref: str = ""
    rationale: str = ""

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        set_(self, "source", SourceEvaluation.coerce(self.source, "source evaluation"))
        set_(self, "assessment",
             IntelligenceAssessment.coerce(self.assessment, "intelligence assessment"))
        set_(self, "handling", Handling.coerce(self.handling, "handling code"))
        set_(self, "action_code", _optional_code(ActionCode, self.action_code, "action code"))
        set_(self, "sanitisation_code",
             _optional_code(SanitisationCode, self.sanitisation_code, "sanitisation code"))
        for name in ("conditions", "risk_assessment_ref", "rationale"):
            value = getattr(self, name)
            if value is None:
                value = ""
            if not isinstance(value, str):
                raise GradingError(f"{name} must be text; got {type(value).__name__}")
            set_(self, name, value.strip())
        if self.handling is Handling.PERMITTED:
            given = [name for name in ("conditions", "action_code", "sanitisation_code")
                     if getattr(self, name)]
            if given:
                raise GradingError(
                    f"{', '.join(given)} given with handling code P; handling conditions, "
                    "action codes (A1-A3) and sanitisation codes (S1-S2) are valid only under "
                    "handling code C"
                )

    # ----------------------------------------------------------------- parsing and text
    @classmethod
    def parse(
        cls,
        text: str,
        *,
        conditions: str = "",
        action_code: str | ActionCode | None = None,
        sanitisation_code: str | SanitisationCode | None = None,
        risk_assessment_ref: str = "",
        rationale: str = "",
        policy: GradingPolicy | None = None,
    ) -> Grade:
        """Parse a written 3x5x2 grade such as ``"2BC"``, ``"2/B/C"``, ``"[2bc]"`` or ``"2-B-C"``.

        Parameters
        ----------
        text : str
            The grade. Brackets around it, separators ``/``, ``-`` and spaces, and lower case
            are accepted; anything else is rejected.
        conditions, action_code, sanitisation_code, risk_assessment_ref, rationale
            The rest of the grade (see :class:`Grade`).
        policy : GradingPolicy, optional
            When given, the grade must also satisfy the policy (:meth:`GradingPolicy.enforce`).

        Returns
        -------
        Grade

        Raises
        ------
        GradingError
            Naming each part that is wrong and what is allowed. Swapped schemes are named: a
            letter for the source or a digit for the assessment (a 5x5x5 or Admiralty grade),
            and a handling written as "Confidential" (C means *conditions*).

        Examples
        --------
        >>> str(ib.Grade.parse("[1ap]"))
        '1AP'
        >>> ib.Grade.parse("B2P")
        Traceback (most recent call last):
        ...
        intelbench.exceptions.GradingError: grade 'B2P' does not fit 3x5x2: ...
        """
        parts, problems = grade_text_problems(text)
        if problems or parts is None:
            raise GradingError(
                f"grade {describe_received(text)} does not fit 3x5x2: " + "; ".join(problems)
            )
        grade = cls(
            source=SourceEvaluation(parts[0]),
            assessment=IntelligenceAssessment(parts[1]),
            handling=Handling(parts[2]),
            conditions=conditions,
            action_code=action_code,  # type: ignore[arg-type]
            sanitisation_code=sanitisation_code,  # type: ignore[arg-type]
            risk_assessment_ref=risk_assessment_ref,
            rationale=rationale,
        )
        if policy is not None:
            policy.enforce(grade)
        return grade

    @property
    def code(self) -> str:
        """The compact code, e.g. ``"2BC"``."""
        return f"{self.source.value}{self.assessment.value}{self.handling.value}"

    @property
    def bracketed(self) -> str:
        """The code as written against an item, e.g. ``"[2BC]"`` (rule 9)."""
        return f"[{self.code}]"

    def __str__(self) -> str:
        return self.code

    def meanings(self, policy: GradingPolicy | None = None) -> dict[str, str]:
        """Return ``{field: "code - meaning"}`` for each code set in this grade.

        Examples
        --------
        >>> ib.Grade.parse("1AP").meanings()["assessment"]
        'A - Known directly to the source'
        """
        labels = code_meanings(policy)
        out: dict[str, str] = {}
        for name in CODE_FIELDS:
            member = getattr(self, name)
            if member is not None:
                out[name] = f"{member.value} - {labels[name][member.value]}"
        return out

    # ----------------------------------------------------------------------- storage
    def to_dict(self) -> dict[str, str | None]:
        """Return a JSON-ready dict (the field names of the intelligence log).

        Examples
        --------
        >>> ib.Grade.parse("2BP").to_dict()["source_eval"]
        '2'
        """
        return {
            "source_eval": self.source.value,
            "intel_assess": self.assessment.value,
            "handling": self.handling.value,
            "handling_conditions": self.conditions,
            "action_code": self.action_code.value if self.action_code else None,
            "sanitisation_code": self.sanitisation_code.value if self.sanitisation_code else None,
            "risk_assessment_ref": self.risk_assessment_ref,
            "grade_rationale": self.rationale,
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> Grade:
        """Build a grade from :meth:`to_dict` output or a row of the intelligence log.

        Examples
        --------
        >>> g = ib.Grade.parse("3DP", rationale="Source has lied before")
        >>> ib.Grade.from_dict(g.to_dict()) == g
        True
        """

        def text(key: str) -> str:
            value = doc.get(key)
            return "" if value is None or value != value else str(value)  # NaN -> ""

        return cls(
            source=text("source_eval"),  # type: ignore[arg-type]
            assessment=text("intel_assess"),  # type: ignore[arg-type]
            handling=text("handling"),  # type: ignore[arg-type]
            conditions=text("handling_conditions"),
            action_code=text("action_code") or None,  # type: ignore[arg-type]
            sanitisation_code=text("sanitisation_code") or None,  # type: ignore[arg-type]
            risk_assessment_ref=text("risk_assessment_ref"),
            rationale=text("grade_rationale"),
        )


# ------------------------------------------------------------------------------ items
@dataclass(frozen=True)
class IntelItem:
    """One numbered item of a report, carrying its own grade (rule 3).

    Attributes
    ----------
    seq : int
        Item number within the report, from 1.
    text : str
        The item's (sanitised) text.
    grade : Grade
        The item's own 3x5x2 grade.
    """

    seq: int
    text: str
    grade: Grade

    def __post_init__(self) -> None:
        if not isinstance(self.grade, Grade):
            raise GradingError(
                f"item {self.seq}: every item carries its own 3x5x2 grade; got "
                f"{type(self.grade).__name__}"
            )
        if isinstance(self.seq, bool) or not isinstance(self.seq, int) or self.seq < 1:
            raise GradingError(f"item seq must be an integer >= 1; got {self.seq!r}")


@dataclass(frozen=True)
class ReportHandling:
    """The handling of a whole report: the most restrictive among its items.

    Attributes
    ----------
    handling : Handling
        ``C`` if any item is ``C``, else ``P``.
    conditions : tuple of str
        Every distinct condition of the items, in item order.
    action_code : ActionCode or None
        The most restrictive action code (A1 before A2 before A3).
    sanitisation_code : SanitisationCode or None
        The most restrictive sanitisation code (S2 before S1).
    """

    handling: Handling
    conditions: tuple[str, ...] = ()
    action_code: ActionCode | None = None
    sanitisation_code: SanitisationCode | None = None


def report_handling(items: Iterable[IntelItem]) -> ReportHandling:
    """Return a report's handling: the most restrictive among its items.

    ``C`` beats ``P``; conditions are united; the action code is the most restrictive given
    (``A1`` before ``A2`` before ``A3``) and ``S2`` beats ``S1``.

    Parameters
    ----------
    items : iterable of IntelItem
        At least one item.

    Returns
    -------
    ReportHandling

    Examples
    --------
    >>> items = [ib.grading.IntelItem(1, "...", ib.Grade.parse("1AP")),
    ...          ib.grading.IntelItem(2, "...", ib.Grade.parse("2BC", conditions="No arrest"))]
    >>> rh = ib.grading.report_handling(items)
    >>> rh.handling.value, rh.conditions
    ('C', ('No arrest',))
    """
    items = list(items)
    if not items:
        raise GradingError("items must hold at least one graded item; got none")
    grades = [item.grade for item in items]
    conditions: list[str] = []
    for g in grades:
        if g.conditions and g.conditions not in conditions:
            conditions.append(g.conditions)
    actions = sorted(g.action_code for g in grades if g.action_code is not None)
    sanit = sorted((g.sanitisation_code for g in grades if g.sanitisation_code is not None),
                   reverse=True)
    any_c = any(g.handling is Handling.CONDITIONS for g in grades)
    return ReportHandling(
        handling=Handling.CONDITIONS if any_c else Handling.PERMITTED,
        conditions=tuple(conditions),
        action_code=actions[0] if actions else None,
        sanitisation_code=sanit[0] if sanit else None,
    )
