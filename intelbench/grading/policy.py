"""A force's grading policy: the [K]/[S] rules of domain.md as configurable defaults.

The rules here are inferred from NCA-style practice and the 5x5x5-era forms, not APP text
(domain.md D), so every one can be switched or changed per force:

- conditions are required for handling C (rule 4, default on);
- a risk-assessment reference is required for handling C (rule 6, default on);
- a rationale is required for source 3 or assessment E (rule 7);
- only the intelligence unit or a supervisor may re-grade (rule 8);
- the labels shown for each code (3x5x2 wording varies between sources).

**One rule:** every path that creates or stores a grade applies the workspace's policy
(:func:`workspace_policy`, kept with :func:`set_workspace_policy`), or the default policy when
there is no workspace or it keeps none (:func:`resolve_policy`). That covers
:meth:`intelbench.Grade.from_text`, :class:`intelbench.grading.IntelItem`,
:func:`intelbench.reports.import_reports`, :func:`intelbench.reports.save_grade` and
:func:`intelbench.reports.regrade`; :func:`intelbench.read_reports` and
:func:`intelbench.validate_grades` check with the same default. Only
:meth:`intelbench.Grade.parse_code` (a pure parser) and :meth:`intelbench.Grade.from_dict`
(reading a stored record back) apply no policy.
"""

from __future__ import annotations

from intelbench.grading._rules import (
    POLICY_KEY,
    POLICY_KIND,
    RULES,
    GradeProblem,
    GradingPolicy,
    resolve_policy,
    set_workspace_policy,
    workspace_policy,
)

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
