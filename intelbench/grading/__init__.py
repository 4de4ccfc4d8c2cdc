"""Evaluation grading: the UK 3x5x2 scheme, its rules, legacy grades and the report log.

- :mod:`intelbench.grading.grade`: :class:`Grade` and its parts (source evaluation,
  intelligence assessment, handling with conditions).
- :mod:`intelbench.grading.legacy`: 5x5x5 and Admiralty grades kept verbatim.
- :mod:`intelbench.grading.policy`: the grading rules a force can configure.
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
from intelbench.grading.policy import GradeProblem, GradingPolicy
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
    "save_grade",
    "validate_grades",
]
