"""Intelligence collection plans (APP): model, rules, revisions, reviews, gaps and linking.

This module is the public face of the plan capability (``ib.plans``). The pieces live in:

- :mod:`intelbench.plan_model`: :class:`CollectionPlan`, :class:`Question`, :class:`Review`,
  :class:`CandidateSource` and the enums; ``to_dict``/``from_dict`` and atomic JSON files;
- :mod:`intelbench.plan_rules`: domain.md B rules 16 to 19 (``validate``, ``check``,
  ``overdue``);
- :mod:`intelbench.plan_store`: revisions in the workspace, history, reviews, drafts, diffs;
- :mod:`intelbench.plan_gaps`: the gap report and report linking with confirmed status changes.

Examples
--------
>>> plan = ib.plans.CollectionPlan("CP-1", "Burglary north", owner="DS Lee")
>>> plan = plan.add_question(text="Who fences the goods?", priority="HIGH")
>>> ib.plans.CollectionPlan.from_dict(plan.to_dict()) == plan
True
"""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import PlanError
from intelbench.plan_gaps import (
    GAP_COLUMNS,
    GapReport,
    SuggestedStatus,
    confirm_status,
    gaps,
    grade_band,
    link_report,
    parse_grade,
)
from intelbench.plan_model import (
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
from intelbench.plan_rules import OverdueItem, Problem, check_plan, overdue_items, validate_plan
from intelbench.plan_store import (
    DIFF_COLUMNS,
    NEW_PLAN_DRAFT,
    delete_draft,
    diff_plans,
    list_plans,
    load_draft,
    load_plan,
    next_plan_id,
    plan_diff,
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
    "demo_step",
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


def _reports_frame(data: Path, shared: dict[str, Any]) -> pd.DataFrame | None:
    frame = shared.get("reports")
    if isinstance(frame, pd.DataFrame) and "urn" in frame.columns:
        return frame
    csv = data / "intel_reports.csv"
    if not csv.exists():
        return None
    wanted = {"urn", "source_eval", "intel_assess"}
    return pd.read_csv(csv, usecols=lambda c: c in wanted, dtype=str)


def demo_step(ctx: Any) -> list[str]:
    """Demo: load the sample plan into the workspace, print and write the gap summary.

    Uses ``ctx.shared["ws"]`` if an earlier step opened a workspace, else its own under
    ``ctx.out / "workspace"``. Gaps are judged as of ``ctx.shared["today"]`` (default: the
    real today). Writes ``plan_gaps.html`` and ``plan_gaps.csv`` to ``ctx.out``.
    """
    from intelbench.store import Workspace

    lines: list[str] = []
    ws = ctx.shared.get("ws")
    if ws is None:
        ws = Workspace(Path(ctx.out) / "workspace", analyst="Demo Analyst", role="ANALYST")
        ctx.shared["ws"] = ws
    source = Path(ctx.data) / "collection_plan.json"
    extra: list[CollectionPlan] = []
    for plan in read_plans(source):
        if plan.id and plan.id in list_plans(ws) and load_plan(ws, plan.id) == plan:
            lines.append(f"plan {plan.id}: unchanged since its last saved revision")
            continue
        try:
            rev = save_plan(ws, plan, justification="demo: sample collection plan loaded")
            lines.append(f"plan {plan.id}: {len(plan.questions)} questions saved as revision {rev}")
        except PlanError as exc:
            problems = getattr(exc, "problems", [])
            lines.append(f"plan {plan.id} not saved: {len(problems)} rule breach(es)")
            lines.extend(f"  {p}" for p in problems[:5])
            extra.append(plan)
    today = ctx.shared.get("today") or dt.date.today()
    saved = [load_plan(ws, pid) for pid in list_plans(ws)]
    report = gaps(ws, today=today, reports=_reports_frame(Path(ctx.data), ctx.shared),
                  plans=[*saved, *extra])
    out = Path(ctx.out)
    (out / "plan_gaps.html").write_text(
        "<!doctype html><meta charset='utf-8'><title>Collection gaps</title>\n" + report.to_html(),
        encoding="utf-8",
    )
    report.frame.to_csv(out / "plan_gaps.csv", index=False)
    lines.append(f"gaps at {today.isoformat()}: {report.summary()}")
    for r in report.frame.head(8).to_dict("records"):
        lines.append(f"  {r['plan_id']} {r['question_id']} [{r['priority']}] {r['reasons']}")
    lines.append(f"wrote {out / 'plan_gaps.html'} and {out / 'plan_gaps.csv'}")
    return lines

