"""Plans in the workspace: revisions, history, reviews, drafts and diffs."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from intelbench.exceptions import PlanError
from intelbench.plans import (
    DIFF_COLUMNS,
    NEW_PLAN_DRAFT,
    CollectionPlan,
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
from tests.plans._helpers import D0, good_plan, make_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    return make_workspace(tmp_path)


def test_each_save_is_a_revision_and_history_is_kept(ws: Any) -> None:
    plan = good_plan()
    assert save_plan(ws, plan, justification="opened") == 1
    v2 = plan.update_question("Q1", tasked_to="DC Jones")
    assert save_plan(ws, v2) == 2
    assert load_plan(ws, plan.id) == v2
    assert load_plan(ws, plan.id).revision == 2
    assert load_plan(ws, plan.id, revision=1) == plan
    assert load_plan(ws, plan.id, revision=1).revision == 1
    hist = plan_history(ws, plan.id)
    assert list(hist["revision"]) == [1, 2]
    assert list(hist["questions"]) == [2, 2]
    assert list_plans(ws) == [plan.id]
    assert next_plan_id(ws, 2026) == "CP-2026-002"


def test_saving_enforces_the_rules_and_writes_nothing(ws: Any) -> None:
    bad = good_plan().update_question("Q2", candidate_sources=["CHIS"])
    with pytest.raises(PlanError, match="question Q2, field 'authority'"):
        save_plan(ws, bad)
    assert list_plans(ws) == []
    with pytest.raises(PlanError, match="plan_id"):
        load_plan(ws, bad.id)


def test_load_unknown_revision_names_it(ws: Any) -> None:
    save_plan(ws, good_plan())
    with pytest.raises(PlanError, match="revision"):
        load_plan(ws, "CP-2026-001", revision=7)


def test_record_review_and_diff_since_last_review(ws: Any) -> None:
    plan = good_plan()
    save_plan(ws, plan)
    with pytest.raises(PlanError, match="reviewer"):
        record_review(ws, plan.id, "", "continue")
    on = D0 + dt.timedelta(7)
    reviewed = record_review(ws, plan.id, "DI Shaw", "continue", "on track", on=on)
    assert reviewed.revision == 2 and reviewed.last_review is not None
    assert reviewed.next_review == D0 + dt.timedelta(days=21)
    assert plan_history(ws, plan.id)["reviews"].tolist() == [0, 1]
    # work after the review
    later = reviewed.update_question("Q1", status="TASKED")
    later = later.add_question(text="New question", priority="LOW").remove_question("Q2")
    save_plan_ok = later.update_question(
        "Q3", gap="g", tasked_to="t", deadline=D0, necessity="n", proportionality="p",
        candidate_sources=["OPEN_SOURCE"],
    )
    save_plan(ws, save_plan_ok)
    current = load_plan(ws, plan.id)
    d = current.diff(since="last_review", ws=ws)
    assert list(d.columns) == DIFF_COLUMNS
    rows = {(r["question_id"], r["field"], r["change"]) for r in d.to_dict("records")}
    assert rows == {("Q1", "status", "changed"), ("Q2", "question", "removed"),
                    ("Q3", "question", "added")}
    assert d[d["field"] == "status"][["before", "after"]].values.tolist() == [["OPEN", "TASKED"]]
    # since a revision number, and since a plan snapshot
    d1 = current.diff(since=1, ws=ws)
    assert ("", "reviews", "added") in {
        (r["question_id"], r["field"], r["change"]) for r in d1.to_dict("records")
    }
    assert current.diff(since=current).empty
    with pytest.raises(PlanError, match="ws is required"):
        current.diff(since=1)
    with pytest.raises(PlanError, match="saved revision"):
        current.diff(since=9, ws=ws)


def test_diff_since_a_date(ws: Any) -> None:
    plan = good_plan()
    save_plan(ws, plan)
    hist = plan_history(ws, plan.id)
    saved_day = pd.Timestamp(hist["saved_at"].iloc[0]).date()
    # everything saved on or after the first day: compared with nothing
    d = plan.diff(since=saved_day, ws=ws)
    assert set(d["change"]) == {"added"}
    assert ("", "title") in set(zip(d["question_id"], d["field"], strict=True))
    # from the next day on, nothing has changed
    assert plan.diff(since=saved_day + dt.timedelta(days=1), ws=ws).empty


def test_drafts_survive_and_are_not_checked(ws: Any) -> None:
    assert load_draft(ws) is None
    half = CollectionPlan("", title="half typed")
    half = half.add_question(text="Who", candidate_sources=["CHIS"])
    assert save_draft(ws, half) == 1
    assert save_draft(ws, half) is None  # unchanged: not written again
    assert load_draft(ws, NEW_PLAN_DRAFT) == half
    assert delete_draft(ws) is True and load_draft(ws) is None
    # a saved plan's draft is keyed by its id
    plan = good_plan()
    save_plan(ws, plan)
    save_draft(ws, plan.replace(title="editing"))
    assert load_draft(ws, plan.id).title == "editing"
    assert load_plan(ws, plan.id).title == plan.title
