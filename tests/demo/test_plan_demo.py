"""The plans demo step, on a sample-style plan file."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pandas as pd

from intelbench.demo.cli import DemoContext
from intelbench.demo.plans import demo_step
from intelbench.plans import list_plans, plan_history
from tests.plans._helpers import make_workspace
from tests.plans.test_plans import SAMPLE_STYLE


def test_demo_step_saves_the_plan_and_writes_the_gap_summary(tmp_path: Path) -> None:
    data, out = tmp_path / "data", tmp_path / "out"
    data.mkdir()
    out.mkdir()
    (data / "collection_plan.json").write_text(json.dumps(SAMPLE_STYLE))
    pd.DataFrame({"urn": ["IR-1"], "source_eval": ["3"], "intel_assess": ["B"]}).to_csv(
        data / "intel_reports.csv", index=False
    )
    ws = make_workspace(tmp_path)
    ctx = DemoContext(data=data, out=out, shared={"ws": ws, "today": dt.date(2026, 12, 1)})
    lines = demo_step(ctx)
    assert lines[0] == "plan CP-2026-0007: 2 questions saved as revision 1"
    assert any("1 live plans (1 overdue for review); 2 open questions, 1 overdue" in ln
               for ln in lines)
    frame = pd.read_csv(out / "plan_gaps.csv")
    assert list(frame["question_id"]) == ["Q1", "Q2"]
    assert frame["overdue"].tolist() == [True, False]
    html = (out / "plan_gaps.html").read_text()
    assert "Collection gaps at 2026-12-01" in html and "http" not in html
    # running again does not make a new revision of an unchanged plan
    assert "unchanged" in demo_step(ctx)[0]
    assert list_plans(ws) == ["CP-2026-0007"]
    assert len(plan_history(ws, "CP-2026-0007")) == 1
