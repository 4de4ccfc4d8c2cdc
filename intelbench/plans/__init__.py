"""Intelligence collection plans (APP): model, rules, revisions, reviews, gaps and linking.

This module is the public face of the plan capability (``ib.plans``). The pieces live in:

- :mod:`intelbench.plans.model`: :class:`CollectionPlan`, :class:`Question`, :class:`Review`,
  :class:`CandidateSource` and the enums; ``to_dict``/``from_dict`` and atomic JSON files;
- :mod:`intelbench.plans.rules`: domain.md B rules 16 to 19 (``validate``, ``check``,
  ``overdue``);
- :mod:`intelbench.plans.store`: revisions in the workspace, history, reviews, drafts, diffs;
- :mod:`intelbench.plans.gaps`: the gap report and report linking with confirmed status changes.

Examples
--------
>>> plan = ib.plans.CollectionPlan("CP-1", "Burglary north", owner="DS Lee")
>>> plan = plan.add_question(text="Who fences the goods?", priority="HIGH")
>>> ib.plans.CollectionPlan.from_dict(plan.to_dict()) == plan
True
"""

from __future__ import annotations

import json
from pathlib import Path

from intelbench.exceptions import PlanError
from intelbench.plans.diff import DIFF_COLUMNS, diff_plans, plan_diff
from intelbench.plans.gaps import (
    GAP_COLUMNS,
    GapReport,
    SuggestedStatus,
    confirm_status,
    gaps,
    grade_band,
    link_report,
    parse_grade,
)
from intelbench.plans.model import (
    COVERT_SOURCES,
    Authority,
    CandidateSource,
    CollectionMethod,
    CollectionPlan,
    PlanStatus,
    Priority,
    Question,
    QuestionStatus,
    RequirementLevel,
    Review,
    SourceType,
)
from intelbench.plans.rules import OverdueItem, Problem, check_plan, overdue_items, validate_plan
from intelbench.plans.store import (
    NEW_PLAN_DRAFT,
    delete_draft,
    list_plans,
    load_draft,
    load_plan,
    next_plan_id,
    plan_history,
    record_review,
    save_draft,
    save_plan,
)

__all__ = [
    "COVERT_SOURCES",
    "DIFF_COLUMNS",
    "GAP_COLUMNS",
    "NEW_PLAN_DRAFT",
    "Authority",
    "CandidateSource",
    "CollectionMethod",
    "CollectionPlan",
    "GapReport",
    "OverdueItem",
    "PlanStatus",
    "Priority",
    "Problem",
    "Question",
    "QuestionStatus",
    "RequirementLevel",
    "Review",
    "SourceType",
    "SuggestedStatus",
    "check_plan",
    "confirm_status",
    "delete_draft",
    "diff_plans",
    "gaps",
    "grade_band",
    "link_report",
    "list_plans",
    "load_draft",
    "load_plan",
    "next_plan_id",
    "overdue_items",
    "parse_grade",
    "plan_diff",
    "plan_history",
    "read_plans",
    "record_review",
    "save_draft",
    "save_plan",
    "validate_plan",
]


def read_plans(path: str | Path) -> list[CollectionPlan]:
    """Read every plan in a JSON file (one plan, a list, or ``{"plans": [...]}``).

    Parameters
    ----------
    path : str or Path
        The file, for example ``data_samples/collection_plan.json``.

    Returns
    -------
    list of CollectionPlan
    """
    with open(path, encoding="utf-8") as fh:
        data = json.load(fh)
    if isinstance(data, dict) and "plans" in data:
        data = data["plans"]
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise PlanError(f"plan file must hold a plan or a list of plans; got {type(data).__name__}")
    return [CollectionPlan.from_dict(d) for d in data]
