"""Property tests: rules, serialisation round trips, diff correctness and revisions."""

from __future__ import annotations

import datetime as dt
import json
import tempfile
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelbench.plans import (
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
    diff_plans,
    load_plan,
    plan_history,
    save_plan,
)
from intelbench.plans.enums import AUTHORITY_FOR_SOURCE
from tests.plans._helpers import good_plan, make_workspace

text = st.text(max_size=12)
dates = st.dates(min_value=dt.date(2020, 1, 1), max_value=dt.date(2030, 12, 31))
sources = st.builds(CandidateSource, st.sampled_from(list(SourceType)), text, text)
urns = st.from_regex(r"IR-[0-9]{3}", fullmatch=True)
qids = st.sampled_from(["Q1", "Q2", "Q3", "Q4", "Q5"])


@st.composite
def questions(draw: Any, qid: str | None = None) -> Question:
    return Question(
        id=qid or draw(qids),
        text=draw(text),
        priority=draw(st.none() | st.sampled_from(list(Priority))),
        gap=draw(text),
        candidate_sources=tuple(draw(st.lists(sources, max_size=3))),
        method=draw(st.none() | st.sampled_from(list(CollectionMethod))),
        tasked_to=draw(text),
        deadline=draw(st.none() | dates),
        authority=draw(st.sampled_from(list(Authority))),
        authority_ref=draw(text),
        necessity=draw(text),
        proportionality=draw(text),
        status=draw(st.sampled_from(list(QuestionStatus))),
        closure_reason=draw(text),
        answered_by=tuple(draw(st.lists(urns, max_size=2))),
        notes=draw(text),
    )


@st.composite
def plans(draw: Any) -> CollectionPlan:
    ids = draw(st.lists(qids, unique=True, max_size=4))
    return CollectionPlan(
        id=draw(st.sampled_from(["CP-1", "CP-2"])),
        title=draw(text),
        owner=draw(text),
        operation_ref=draw(text),
        control_strategy=draw(text),
        requirement_level=draw(st.none() | st.sampled_from(list(RequirementLevel))),
        requirement=draw(text),
        terms_of_reference=draw(text),
        created=draw(st.none() | dates),
        review_frequency_days=draw(st.integers(0, 90)),
        status=draw(st.sampled_from(list(PlanStatus))),
        reviews=tuple(draw(st.lists(st.builds(Review, dates, text, text, text), max_size=2))),
        questions=tuple(draw(questions(qid=i)) for i in ids),
    )


@given(plans())
@settings(deadline=None)
def test_to_dict_from_dict_round_trip(plan: CollectionPlan) -> None:
    assert CollectionPlan.from_dict(plan.to_dict()) == plan
    assert CollectionPlan.from_dict(json.loads(json.dumps(plan.to_dict()))) == plan


@given(plans())
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_json_file_round_trip(plan: CollectionPlan) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        assert CollectionPlan.from_json(plan.to_json(Path(tmp) / "p.json")) == plan


@given(plans())
@settings(deadline=None)
def test_diff_with_itself_is_empty(plan: CollectionPlan) -> None:
    assert diff_plans(plan, plan).empty


@given(plans(), plans())
@settings(deadline=None)
def test_diff_names_exactly_the_changed_fields(a: CollectionPlan, b: CollectionPlan) -> None:
    d = diff_plans(a, b)
    got = {(r["question_id"], r["field"], r["change"]) for r in d.to_dict("records")}
    expected: set[tuple[str, str, str]] = set()
    ah, bh = a.to_dict(), b.to_dict()
    for key in ["id", "title", "owner", "operation_ref", "terms_of_reference", "created",
                "review_frequency_days", "next_review", "status"]:
        if ah[key] != bh[key]:
            expected.add(("", key, "changed"))
    for key, name in [("control_strategy", "control_strategy"), ("level", "requirement_level"),
                      ("statement", "requirement")]:
        if ah["requirement"][key] != bh["requirement"][key]:
            expected.add(("", name, "changed"))
    if any(r not in a.reviews for r in b.reviews):
        expected.add(("", "reviews", "added"))
    if any(r not in b.reviews for r in a.reviews):
        expected.add(("", "reviews", "removed"))
    aq = {q.id: q for q in a.questions}
    bq = {q.id: q for q in b.questions}
    expected |= {(i, "question", "added") for i in bq.keys() - aq.keys()}
    expected |= {(i, "question", "removed") for i in aq.keys() - bq.keys()}
    for i in aq.keys() & bq.keys():
        da, db = aq[i].to_dict(), bq[i].to_dict()
        expected |= {(i, k, "changed") for k in da if da[k] != db[k]}
    common_a = [q.id for q in a.questions if q.id in bq]
    common_b = [q.id for q in b.questions if q.id in aq]
    if common_a != common_b:
        expected.add(("", "question_order", "changed"))
    assert got == expected
    # the before/after of a changed question field are the displayed values
    for r in d.to_dict("records"):
        if r["change"] == "changed" and r["field"] == "status" and r["question_id"]:
            assert r["before"] == aq[r["question_id"]].status.value
            assert r["after"] == bq[r["question_id"]].status.value


@given(questions())
@settings(deadline=None)
def test_authority_rule_holds_exactly_for_covert_sources(q: Question) -> None:
    plan = CollectionPlan("CP-1", questions=(q,))
    fields = {p.field for p in plan.validate(today=dt.date(2020, 1, 1)) if p.question_id == q.id}
    rule17 = {p.field for p in plan.validate(today=dt.date(2020, 1, 1))
              if p.question_id == q.id and p.rule == 17}
    needed = {AUTHORITY_FOR_SOURCE[t] for t in q.source_types if t.covert}
    assert ("candidate_sources" in rule17) == (len(needed) > 1)
    assert ("authority" in fields) == (len(needed) == 1 and q.authority not in needed)
    needs_ref = bool(needed) or q.authority is not Authority.NONE
    assert ("authority_ref" in fields) == (needs_ref and not q.authority_ref.strip())


@given(plans())
@settings(deadline=None)
def test_check_raises_iff_validate_reports_an_error(plan: CollectionPlan) -> None:
    errors = [p for p in plan.validate() if p.severity == "error"]
    try:
        plan.check()
    except ValueError as exc:
        assert errors
        assert all(str(p) in str(exc) for p in errors)
    else:
        assert not errors


@given(plans())
@settings(deadline=None)
def test_closed_plan_never_validates_with_high_question_open(plan: CollectionPlan) -> None:
    closed = plan.replace(status="CLOSED")
    high_open = [q for q in closed.questions if q.priority is Priority.HIGH and q.status.is_open]
    errs = {(p.question_id, p.field) for p in closed.validate() if p.rule == 19}
    assert {(q.id, "status") for q in high_open} <= errs


@given(st.lists(st.sampled_from(["title", "owner", "q_status", "q_text", "drop", "add"]),
                min_size=1, max_size=5))
@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_revisions_keep_every_saved_state(edits: list[str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        ws = make_workspace(Path(tmp))
        plan = good_plan(2)
        states = [plan]
        save_plan(ws, plan)
        for n, edit in enumerate(edits):
            if edit in ("title", "owner"):
                plan = plan.replace(**{edit: f"{edit} {n}"})
            elif edit == "q_status":
                plan = plan.update_question(plan.questions[0].id, status="TASKED")
            elif edit == "q_text":
                plan = plan.update_question(plan.questions[-1].id, text=f"text {n}")
            elif edit == "drop" and len(plan.questions) > 1:
                plan = plan.remove_question(plan.questions[0].id)
            else:
                plan = plan.add_question(plan.questions[0].replace(id=plan.next_question_id()))
            save_plan(ws, plan)
            states.append(plan)
        assert list(plan_history(ws, plan.id)["revision"]) == list(range(1, len(states) + 1))
        for rev, state in enumerate(states, start=1):
            assert load_plan(ws, plan.id, revision=rev) == state
            assert load_plan(ws, plan.id).diff(since=rev, ws=ws).equals(diff_plans(state, plan))
