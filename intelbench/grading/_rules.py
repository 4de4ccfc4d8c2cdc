"""The grading policy itself (public face: :mod:`intelbench.grading.policy`).

Kept apart so that :class:`intelbench.Grade` can apply the default policy without importing
the public module. A force's grading policy: the [K]/[S] rules of domain.md as configurable
defaults.

The rules here are inferred from NCA-style practice and the 5x5x5-era forms, not APP text
(domain.md D), so every one can be switched or changed per force:

- conditions are required for handling C (rule 4, default on);
- a risk-assessment reference is required for handling C (rule 6, default on);
- a rationale is required for source 3 or assessment E (rule 7);
- only the intelligence unit or a supervisor may re-grade (rule 8);
- the labels shown for each code (3x5x2 wording varies between sources).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intelbench.exceptions import GradingError
from intelbench.grading.codes import (
    CODE_FIELDS,
    Handling,
    IntelligenceAssessment,
    SourceEvaluation,
)

if TYPE_CHECKING:  # pragma: no cover
    from intelbench.grading.grade import Grade

__all__ = [
    "POLICY_KEY",
    "POLICY_KIND",
    "RULES",
    "GradeProblem",
    "GradingPolicy",
    "resolve_policy",
    "set_workspace_policy",
    "workspace_policy",
]

#: Rule slug -> (domain.md B rule number, short description). The ``rule`` column of
#: :func:`intelbench.validate_grades` uses these slugs.
RULES: dict[str, tuple[int, str]] = {
    "scheme": (1, "the grade fits its declared scheme"),
    "free_text": (2, "no percentage or free-text grades"),
    "item_grade": (3, "a graded report carries its source, assessment and handling"),
    "conditions": (4, "handling C states its conditions"),
    "codes_need_c": (5, "conditions, A1-A3 and S1-S2 only under handling C"),
    "risk_assessment": (6, "handling C carries a risk-assessment reference"),
    "rationale": (7, "source 3 or assessment E carries a rationale"),
    "legacy": (24, "a legacy grade is kept verbatim and fits its scheme"),
}


@dataclass(frozen=True)
class GradeProblem:
    """One broken rule: which rule, which field and what is wrong.

    Attributes
    ----------
    rule : str
        A key of :data:`RULES`.
    field : str
        The field or fields (comma-separated) at fault.
    message : str
        Names the field, what is allowed and (briefly) what was received.
    """

    rule: str
    field: str
    message: str


def _frozen_codes(values: Iterable[Any], enum: Any, name: str) -> frozenset[Any]:
    return frozenset(enum.coerce(v, name) for v in values)


@dataclass(frozen=True)
class GradingPolicy:
    """The grading rules a force configures, with domain.md's defaults.

    Attributes
    ----------
    force : str
        Whose policy this is (for display).
    conditions_required_for_c : bool
        Handling C must state its conditions (default True).
    risk_assessment_required_for_c : bool
        Handling C needs a risk-assessment reference (default True).
    rationale_sources : frozenset of SourceEvaluation
        Source evaluations that need a rationale (default ``{3}``).
    rationale_assessments : frozenset of IntelligenceAssessment
        Assessments that need a rationale (default ``{E}``).
    regrade_roles : frozenset of str
        Roles that may re-grade (default ``{"INTEL_UNIT", "SUPERVISOR"}``).
    labels : dict
        Label overrides by field (``"source"``, ``"assessment"``, ``"handling"``,
        ``"action_code"``, ``"sanitisation_code"``) and code.

    Examples
    --------
    >>> policy = ib.GradingPolicy(force="Northshire", risk_assessment_required_for_c=False,
    ...                           labels={"source": {"3": "Unreliable"}})
    >>> ib.GradingPolicy.from_json(policy.to_json()) == policy
    True
    >>> [p.rule for p in policy.check(ib.Grade.parse_code("3AC"))]
    ['conditions', 'rationale']
    """

    force: str = ""
    conditions_required_for_c: bool = True
    risk_assessment_required_for_c: bool = True
    rationale_sources: frozenset[SourceEvaluation] = frozenset({SourceEvaluation.NOT_RELIABLE})
    rationale_assessments: frozenset[IntelligenceAssessment] = frozenset(
        {IntelligenceAssessment.SUSPECTED_FALSE}
    )
    regrade_roles: frozenset[str] = frozenset({"INTEL_UNIT", "SUPERVISOR"})
    labels: Mapping[str, Mapping[str, str]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        set_ = object.__setattr__
        for name in ("conditions_required_for_c", "risk_assessment_required_for_c"):
            if not isinstance(getattr(self, name), bool):
                raise GradingError(f"{name} must be True or False; got "
                                   f"{type(getattr(self, name)).__name__}")
        set_(self, "rationale_sources",
             _frozen_codes(self.rationale_sources, SourceEvaluation, "rationale_sources"))
        set_(self, "rationale_assessments",
             _frozen_codes(self.rationale_assessments, IntelligenceAssessment,
                           "rationale_assessments"))
        if isinstance(self.regrade_roles, str):
            raise GradingError("regrade_roles must be a collection of role names; got one "
                               "string")
        roles = frozenset(str(r).strip().upper() for r in self.regrade_roles)
        if not roles or "" in roles:
            raise GradingError("regrade_roles must name at least one role; got none")
        set_(self, "regrade_roles", roles)
        labels: dict[str, dict[str, str]] = {}
        for name, mapping in dict(self.labels).items():
            if name not in CODE_FIELDS:
                raise GradingError(f"labels: field must be one of {', '.join(CODE_FIELDS)}; "
                                   f"got {name!r}")
            enum = CODE_FIELDS[name]
            labels[name] = {}
            for code, label in dict(mapping).items():
                member = enum.coerce(code, f"labels[{name!r}] code")
                if not isinstance(label, str) or not label.strip():
                    raise GradingError(f"labels[{name!r}][{member.value!r}] must be non-empty "
                                       "text")
                labels[name][member.value] = label.strip()
        set_(self, "labels", labels)

    def __hash__(self) -> int:
        return hash((self.force, self.conditions_required_for_c,
                     self.risk_assessment_required_for_c, self.rationale_sources,
                     self.rationale_assessments, self.regrade_roles))

    # -------------------------------------------------------------------------- rules
    def needs_rationale(self, source: Any, assessment: Any) -> bool:
        """Whether a grade with this source and assessment needs a rationale."""
        return (source in self.rationale_sources) or (assessment in self.rationale_assessments)

    def may_regrade(self, role: str | None) -> bool:
        """Whether ``role`` may re-grade a report."""
        return role is not None and str(role).strip().upper() in self.regrade_roles

    def check(self, grade: Grade) -> list[GradeProblem]:
        """Return every policy rule the grade breaks (empty when it complies).

        Parameters
        ----------
        grade : Grade

        Returns
        -------
        list of GradeProblem
            In rule order: conditions (4), risk_assessment (6), rationale (7).
        """
        problems: list[GradeProblem] = []
        under_c = grade.handling is Handling.CONDITIONS
        if under_c and self.conditions_required_for_c and not grade.conditions:
            problems.append(GradeProblem(
                "conditions", "handling_conditions",
                "handling code C requires handling conditions; none were given"))
        if under_c and self.risk_assessment_required_for_c and not grade.risk_assessment_ref:
            problems.append(GradeProblem(
                "risk_assessment", "risk_assessment_ref",
                "handling code C requires a risk-assessment reference; none was given"))
        if self.needs_rationale(grade.source, grade.assessment) and not grade.rationale:
            problems.append(GradeProblem(
                "rationale", "grade_rationale",
                f"{self._rationale_trigger(grade)} requires a grade rationale; none was given"))
        return problems

    def _rationale_trigger(self, grade: Grade) -> str:
        parts = []
        if grade.source in self.rationale_sources:
            parts.append(f"source evaluation {grade.source.value}")
        if grade.assessment in self.rationale_assessments:
            parts.append(f"intelligence assessment {grade.assessment.value}")
        return " and ".join(parts)

    def enforce(self, grade: Grade) -> Grade:
        """Return ``grade`` if it complies, else raise :class:`GradingError` listing every problem.

        Examples
        --------
        >>> ib.GradingPolicy().enforce(ib.Grade.parse_code("2BC"))
        Traceback (most recent call last):
        ...
        intelbench.exceptions.GradingError: grade 2BC breaks the grading policy: handling code C ...
        """
        problems = self.check(grade)
        if problems:
            raise GradingError(f"grade {grade.code} breaks the grading policy: "
                               + "; ".join(p.message for p in problems))
        return grade

    # ---------------------------------------------------------------------- persistence
    def to_dict(self) -> dict[str, Any]:
        """Return a JSON-ready dict of the policy."""
        return {
            "force": self.force,
            "conditions_required_for_c": self.conditions_required_for_c,
            "risk_assessment_required_for_c": self.risk_assessment_required_for_c,
            "rationale_sources": sorted(s.value for s in self.rationale_sources),
            "rationale_assessments": sorted(a.value for a in self.rationale_assessments),
            "regrade_roles": sorted(self.regrade_roles),
            "labels": {k: dict(v) for k, v in self.labels.items()},
        }

    @classmethod
    def from_dict(cls, doc: Mapping[str, Any]) -> GradingPolicy:
        """Build a policy from :meth:`to_dict` output; unknown keys are rejected."""
        known = set(cls.__dataclass_fields__)
        unknown = sorted(set(doc) - known)
        if unknown:
            raise GradingError(f"grading policy: unknown keys {unknown}; allowed "
                               f"{sorted(known)}")
        return cls(**dict(doc))

    def to_json(self, path: str | Path | None = None) -> str:
        """Return the policy as JSON, and write it to ``path`` if given."""
        text = json.dumps(self.to_dict(), indent=2, sort_keys=True)
        if path is not None:
            Path(path).write_text(text + "\n", encoding="utf-8")
        return text

    @classmethod
    def from_json(cls, text_or_path: str | Path) -> GradingPolicy:
        """Load a policy from JSON text or from a ``.json`` file path."""
        if isinstance(text_or_path, Path) or not str(text_or_path).lstrip().startswith(("{", "[")):
            text = Path(text_or_path).read_text(encoding="utf-8")
        else:
            text = str(text_or_path)
        try:
            doc = json.loads(text)
        except json.JSONDecodeError as exc:
            raise GradingError(f"grading policy: not valid JSON ({exc.msg} at line "
                               f"{exc.lineno})") from None
        if not isinstance(doc, dict):
            raise GradingError(f"grading policy: expected a JSON object; got "
                               f"{type(doc).__name__}")
        return cls.from_dict(doc)


# ------------------------------------------------------------------- the workspace's policy
#: Where a workspace keeps its grading policy (document kind and key).
POLICY_KIND, POLICY_KEY = "grading_policy", "current"


def workspace_policy(ws: Any) -> GradingPolicy:
    """Return the grading policy a workspace keeps, or the default policy if it keeps none.

    Parameters
    ----------
    ws : Workspace or None
        None gives the default policy.

    Returns
    -------
    GradingPolicy

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="SUPERVISOR")
    >>> ib.grading.workspace_policy(ws) == ib.GradingPolicy()
    True
    >>> _ = ib.grading.set_workspace_policy(
    ...     ws, ib.GradingPolicy(force="Northshire", risk_assessment_required_for_c=False),
    ...     justification="Force policy 2026/04")
    >>> ib.grading.workspace_policy(ws).force
    'Northshire'
    """
    if ws is None or not ws.exists(POLICY_KIND, POLICY_KEY):
        return GradingPolicy()
    return GradingPolicy.from_dict(ws.get(POLICY_KIND, POLICY_KEY))


def set_workspace_policy(ws: Any, policy: GradingPolicy, *, justification: str) -> int:
    """Keep ``policy`` as the workspace's grading policy (audited ALTER); return its revision.

    From then on every path that creates or stores a grade in this workspace applies it
    (:func:`resolve_policy`).
    """
    if not isinstance(policy, GradingPolicy):
        raise GradingError(f"policy must be an ib.GradingPolicy; got {type(policy).__name__}")
    return int(ws.put(POLICY_KIND, POLICY_KEY, policy.to_dict(), action="ALTER",
                      justification=justification))


def resolve_policy(ws: Any = None, policy: GradingPolicy | None = None) -> GradingPolicy:
    """Return the policy that applies: the workspace's, else ``policy``, else the default.

    One rule for every path that creates or stores a grade. A workspace that keeps its own
    policy cannot be given a different one: that would let a caller grade by other rules.

    Parameters
    ----------
    ws : Workspace, optional
    policy : GradingPolicy, optional

    Raises
    ------
    GradingError
        If ``policy`` differs from the policy the workspace keeps.

    Examples
    --------
    >>> ib.grading.resolve_policy() == ib.GradingPolicy()
    True
    """
    if policy is not None and not isinstance(policy, GradingPolicy):
        raise GradingError(f"policy must be an ib.GradingPolicy; got {type(policy).__name__}")
    if ws is not None and ws.exists(POLICY_KIND, POLICY_KEY):
        kept = workspace_policy(ws)
        if policy is not None and policy != kept:
            raise GradingError(
                "this workspace keeps its own grading policy"
                + (f" ({kept.force})" if kept.force else "")
                + "; a different policy= cannot override it. Leave policy= out, or change the "
                "workspace's policy with ib.grading.set_workspace_policy")
        return kept
    return policy if policy is not None else GradingPolicy()
