"""Evaluation grading: the UK 3x5x2 scheme, its rules, legacy grades and the report log.

- :mod:`intelbench.grading.codes`: the fixed codes (source evaluation, intelligence
  assessment, handling, action and sanitisation codes, schemes).
- :mod:`intelbench.grading.grade`: :class:`Grade` (``parse_code`` reads a code;
  ``from_text`` makes a grade that complies with the policy) and report items.
- :mod:`intelbench.grading.legacy`: 5x5x5 and Admiralty grades kept verbatim.
- :mod:`intelbench.grading.policy`: the grading rules a force can configure, and the one rule
  that every path creating or storing a grade applies the workspace's policy (or the default).
- :mod:`intelbench.grading.marking`: Government Security Classifications for new records;
  legacy GPMS markings kept verbatim on legacy records.
- :mod:`intelbench.grading.checks`: :func:`validate_grades` over a whole log.
- :mod:`intelbench.grading.overview`: :func:`grading_summary` for the tasking meeting.
- :mod:`intelbench.grading.reports`: reading, importing, saving and re-grading reports.
"""

from __future__ import annotations

from intelbench.grading.checks import validate_grades
from intelbench.grading.grade import (
    ActionCode,
    Grade,
    GradingScheme,
    Handling,
    IntelItem,
    IntelligenceAssessment,
    ReportHandling,
    SanitisationCode,
    SourceEvaluation,
    code_meanings,
    report_handling,
)
from intelbench.grading.legacy import ApproximateGrade, LegacyGrade
from intelbench.grading.overview import GradingSummary, grading_summary
from intelbench.grading.policy import (
    GradeProblem,
    GradingPolicy,
    resolve_policy,
    set_workspace_policy,
    workspace_policy,
)
from intelbench.grading.reports import read_reports, regrade, save_grade

__all__ = [
    "ActionCode",
    "ApproximateGrade",
    "Grade",
    "GradeProblem",
    "GradingPolicy",
    "GradingScheme",
    "GradingSummary",
    "Handling",
    "IntelItem",
    "IntelligenceAssessment",
    "LegacyGrade",
    "ReportHandling",
    "SanitisationCode",
    "SourceEvaluation",
    "code_meanings",
    "grading_summary",
    "read_reports",
    "regrade",
    "report_handling",
    "resolve_policy",
    "save_grade",
    "set_workspace_policy",
    "validate_grades",
    "workspace_policy",
]
