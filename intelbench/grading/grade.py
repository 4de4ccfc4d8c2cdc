"""3x5x2 evaluation grades: codes, the :class:`Grade` value, items and legacy schemes.

The UK national grading (domain.md A1) has three parts, judged separately:

- **source evaluation** ``1`` Reliable, ``2`` Untested, ``3`` Not reliable;
- **intelligence assessment** ``A`` Known directly to the source, ``B`` Known indirectly but
  corroborated, ``C`` Known indirectly, ``D`` Not known, ``E`` Suspected to be false;
- **handling code** ``P`` lawful sharing permitted, ``C`` lawful sharing permitted with conditions.

Under ``C`` only, optional action codes (``A1``-``A3``) and sanitisation codes (``S1``, ``S2``)
may be given. A grade renders as ``[2BC]``: source digit, assessment letter, handling letter.

:class:`Grade` itself checks that a grade fits the 3x5x2 *scheme* (rules 1, 2, 5 and 9 of
domain.md B). The completeness rules a force may configure (conditions and a risk assessment
under ``C``, a rationale for ``3`` or ``E``, who may re-grade) live in
:class:`intelbench.GradingPolicy`, and every path that creates or stores a grade applies them:
:meth:`Grade.from_text` and :class:`IntelItem` here, and the report store
(:mod:`intelbench.grading.reports`). :meth:`Grade.parse_code` is only a parser.

Legacy 5x5x5 and Admiralty grades are held verbatim by :class:`LegacyGrade` and never converted
silently; :meth:`LegacyGrade.to_3x5x2_approximate` gives an explicit, flagged, lossy estimate.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from intelbench.exceptions import GradingError
from intelbench.grading._rules import resolve_policy
from intelbench.grading._text import describe_received, grade_text_problems
from intelbench.grading.codes import (
    CODE_FIELDS,
    ActionCode,
    GradingScheme,
    Handling,
    IntelligenceAssessment,
    SanitisationCode,
    SourceEvaluation,
    code_meanings,
    optional_code,
)

if TYPE_CHECKING:  # pragma: no cover
    from intelbench.grading.policy import GradingPolicy

__all__ = [
    "CODE_FIELDS",
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


@dataclass(frozen=True)
class Grade:
    """A 3x5x2 grade: source evaluation, intelligence assessment and handling code.

    Construction checks only that the grade fits the scheme: codes from their fixed sets, and
    conditions, action and sanitisation codes only under handling ``C``. To make a grade that
    will be used or stored, use :meth:`from_text`: it also applies the grading policy
    (conditions and a risk-assessment reference under ``C``, a rationale for ``3`` or ``E``).
    :meth:`parse_code` and :meth:`from_dict` only read a written or stored grade.

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
    >>> g = ib.Grade.from_text("2/b/c", conditions="No action without originator consent",
    ...                        risk_assessment_ref="RA-2026-031")
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
        set_(self, "action_code", optional_code(ActionCode, self.action_code, "action code"))
        set_(self, "sanitisation_code",
             optional_code(SanitisationCode, self.sanitisation_code, "sanitisation code"))
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
    def parse_code(
        cls,
        text: str,
        *,
        conditions: str = "",
        action_code: str | ActionCode | None = None,
        sanitisation_code: str | SanitisationCode | None = None,
        risk_assessment_ref: str = "",
        rationale: str = "",
    ) -> Grade:
        """Parse a written 3x5x2 code such as ``"2BC"``, ``"2/B/C"``, ``"[2bc]"`` or ``"2-B-C"``.

        A pure parser: it checks that the code fits the 3x5x2 *scheme* and applies **no**
        grading policy, so ``parse_code("2BC")`` (C without conditions) succeeds. Use
        :meth:`from_text` for a grade that will be used or stored.

        Parameters
        ----------
        text : str
            The grade. Brackets around it, separators ``/``, ``-`` and spaces, and lower case
            are accepted; anything else is rejected.
        conditions, action_code, sanitisation_code, risk_assessment_ref, rationale
            The rest of the grade (see :class:`Grade`).

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
        >>> str(ib.Grade.parse_code("[1ap]"))
        '1AP'
        >>> str(ib.Grade.parse_code("2BC"))  # parsed, though the default policy refuses it
        '2BC'
        >>> ib.Grade.parse_code("B2P")
        Traceback (most recent call last):
        ...
        intelbench.exceptions.GradingError: grade 'B2P' does not fit 3x5x2: ...
        """
        parts, problems = grade_text_problems(text)
        if problems or parts is None:
            raise GradingError(
                f"grade {describe_received(text)} does not fit 3x5x2: " + "; ".join(problems)
            )
        return cls(
            source=SourceEvaluation(parts[0]),
            assessment=IntelligenceAssessment(parts[1]),
            handling=Handling(parts[2]),
            conditions=conditions,
            action_code=action_code,  # type: ignore[arg-type]
            sanitisation_code=sanitisation_code,  # type: ignore[arg-type]
            risk_assessment_ref=risk_assessment_ref,
            rationale=rationale,
        )

    @classmethod
    def parse(cls, text: str, **parts: Any) -> Grade:
        """Parse a written code exactly as :meth:`parse_code` does: no grading policy applies.

        Kept for existing code; new code should call :meth:`parse_code` to read a code, or
        :meth:`from_text` to make a grade that complies with the policy.

        Examples
        --------
        >>> ib.Grade.parse("2BC") == ib.Grade.parse_code("2BC")
        True
        """
        if "policy" in parts:
            raise GradingError("Grade.parse is a pure parser and takes no policy; use "
                               "Grade.from_text(text, policy=...) to apply a grading policy")
        return cls.parse_code(text, **parts)

    @classmethod
    def from_text(
        cls,
        text: str,
        *,
        conditions: str = "",
        action_code: str | ActionCode | None = None,
        sanitisation_code: str | SanitisationCode | None = None,
        risk_assessment_ref: str = "",
        rationale: str = "",
        policy: GradingPolicy | None = None,
        ws: Any = None,
    ) -> Grade:
        """Make a grade from its written code that fits 3x5x2 *and* complies with the policy.

        The policy is the workspace's (when ``ws`` is given and keeps one), else ``policy``,
        else the default :class:`GradingPolicy` (see
        :func:`intelbench.grading.policy.resolve_policy`).

        Parameters
        ----------
        text : str
            The written code (as :meth:`parse_code`).
        conditions, action_code, sanitisation_code, risk_assessment_ref, rationale
            The rest of the grade (see :class:`Grade`).
        policy : GradingPolicy, optional
            The policy to apply when there is no workspace policy (default: the default).
        ws : Workspace, optional
            The workspace whose policy applies.

        Returns
        -------
        Grade

        Raises
        ------
        GradingError
            If the code does not fit 3x5x2, or the grade breaks the policy (every broken rule
            is named).

        Examples
        --------
        >>> ib.Grade.from_text("2BC")
        Traceback (most recent call last):
        ...
        intelbench.exceptions.GradingError: grade 2BC breaks the grading policy: handling code C ...
        >>> str(ib.Grade.from_text("3BP", rationale="Source has lied before"))
        '3BP'
        """
        grade = cls.parse_code(text, conditions=conditions, action_code=action_code,
                               sanitisation_code=sanitisation_code,
                               risk_assessment_ref=risk_assessment_ref, rationale=rationale)
        return resolve_policy(ws, policy).enforce(grade)

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

    def _repr_html_(self) -> str:
        """Show the bracketed code with every part's meaning (and conditions under C).

        Examples
        --------
        >>> html = ib.Grade.parse_code("2BP")._repr_html_()
        >>> "[2BP]" in html and "Untested" in html and "corroborated" in html
        True
        """
        import html as _html

        esc = _html.escape
        rows = "".join(
            f"<tr><th style='text-align:left'>{esc(name.replace('_', ' '))}</th>"
            f"<td>{esc(text)}</td></tr>"
            for name, text in self.meanings().items()
        )
        extra = [
            ("conditions", self.conditions),
            ("risk assessment", self.risk_assessment_ref),
            ("rationale", self.rationale),
        ]
        rows += "".join(
            f"<tr><th style='text-align:left'>{esc(label)}</th><td>{esc(value)}</td></tr>"
            for label, value in extra
            if value
        )
        return (
            f"<div class='ib-grade'><b>{esc(self.bracketed)}</b>"
            f"<table>{rows}</table></div>"
        )

    def meanings(self, policy: GradingPolicy | None = None) -> dict[str, str]:
        """Return ``{field: "code - meaning"}`` for each code set in this grade.

        Examples
        --------
        >>> ib.Grade.parse_code("1AP").meanings()["assessment"]
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
        >>> ib.Grade.parse_code("2BP").to_dict()["source_eval"]
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
        """Read back a grade from :meth:`to_dict` output or a row of the intelligence log.

        Like :meth:`parse_code`, this only reads: it checks the scheme and applies no policy,
        so a record stored under an older policy can still be read. Storing a grade goes
        through :func:`intelbench.reports.save_grade`, which applies the policy.

        Examples
        --------
        >>> g = ib.Grade.from_text("3DP", rationale="Source has lied before")
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
        The item's own 3x5x2 grade; it must comply with the grading policy.
    policy : GradingPolicy, optional
        The policy the grade must comply with (default: the default policy). In a workspace,
        pass ``ib.grading.workspace_policy(ws)``.

    Raises
    ------
    GradingError
        If the grade is not a :class:`Grade` or breaks the policy.

    Examples
    --------
    >>> ib.grading.IntelItem(1, "...", ib.Grade.parse_code("2BC"))
    Traceback (most recent call last):
    ...
    intelbench.exceptions.GradingError: item 1: grade 2BC breaks the grading policy: ...
    """

    seq: int
    text: str
    grade: Grade
    policy: GradingPolicy | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.grade, Grade):
            raise GradingError(
                f"item {self.seq}: every item carries its own 3x5x2 grade; got "
                f"{type(self.grade).__name__}"
            )
        if isinstance(self.seq, bool) or not isinstance(self.seq, int) or self.seq < 1:
            raise GradingError(f"item seq must be an integer >= 1; got {self.seq!r}")
        try:
            resolve_policy(None, self.policy).enforce(self.grade)
        except GradingError as exc:
            raise GradingError(f"item {self.seq}: {exc}") from None


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
    >>> items = [ib.grading.IntelItem(1, "...", ib.Grade.from_text("1AP")),
    ...          ib.grading.IntelItem(2, "...", ib.Grade.from_text(
    ...              "2BC", conditions="No arrest", risk_assessment_ref="RA-7"))]
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
