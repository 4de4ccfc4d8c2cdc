"""Demo step: load the sample collection plan and write the gap summary."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.exceptions import PlanError
from intelbench.plans import CollectionPlan, gaps, list_plans, load_plan, read_plans, save_plan
from intelbench.store.workspace import Workspace

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["demo_step"]


def _reports_frame(data: Path, shared: dict[str, Any]) -> pd.DataFrame | None:
    frame = shared.get("reports")
    if isinstance(frame, pd.DataFrame) and "urn" in frame.columns:
        return frame
    csv = data / "intel_reports.csv"
    if not csv.exists():
        return None
    wanted = {"urn", "source_eval", "intel_assess"}
    return pd.read_csv(csv, usecols=lambda c: c in wanted, dtype=str)


def demo_step(ctx: DemoContext) -> list[str]:
    """Demo: load the sample plan into the workspace, print and write the gap summary.

    Uses ``ctx.shared["ws"]`` if an earlier step opened a workspace, else its own under
    ``ctx.out / "workspace"``. Gaps are judged as of ``ctx.shared["today"]`` (default: the
    real today). Writes ``plan_gaps.html`` and ``plan_gaps.csv`` to ``ctx.out``.
    """
    lines: list[str] = []
    ws = ctx.shared.get("ws")
    if ws is None:
        ws = Workspace(Path(ctx.out) / "workspace", role="ANALYST")
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
