"""The collection plan form, driven headlessly through its methods and widget values."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest

from intelbench.forms import CollectionPlanForm
from intelbench.plans import (
    NEW_PLAN_DRAFT,
    Authority,
    Priority,
    QuestionStatus,
    RequirementLevel,
    SourceType,
    list_plans,
    load_draft,
    load_plan,
    plan_history,
)
from tests.plans._helpers import make_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    return make_workspace(tmp_path)


def fill_header(form: CollectionPlanForm) -> None:
    form.w_title.value = "Burglary dwelling, north sector"
    form.w_owner.value = "DS Lee"
    form.w_control.value = "Acquisitive crime"
    form.w_level.value = RequirementLevel.TACTICAL
    form.w_requirement.value = "Identify handlers of stolen goods"
    form.w_tor.value = "Problem profile ToR 2026-01"
    form.w_created.value = dt.date.today()
    form.w_freq.value = 14


def fill_question(form: CollectionPlanForm, text: str) -> str:
    qid = form.add_question()
    form.q_text.value = text
    form.q_priority.value = Priority.HIGH
    form.q_gap.value = "No known storage location"
    form.q_tasked.value = "DC Patel"
    form.q_deadline.value = dt.date.today() + dt.timedelta(days=30)
    form.q_necessity.value = "Needed to locate the property"
    form.q_proportionality.value = "Overt sources first"
    form.set_source("ANPR", True, "thin coverage")
    return qid


def status_text(form: CollectionPlanForm) -> str:
    return str(form.status.value)


def test_new_form_shows_missing_fields_in_the_status_area(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    assert form.plan.id == "CP-" + str(dt.date.today().year) + "-001"
    assert "Plan, Title: required: a title" in status_text(form)
    assert form.save() is None
    assert "Not saved: " in status_text(form) and "outlined in red" in status_text(form)
    assert list_plans(ws) == []


def test_errors_use_the_form_labels_once_each_beside_save_and_outline_the_fields(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    fill_header(form)
    form.add_question()
    form.save()
    text = status_text(form)
    assert "Question 1 (Q1), Tasked to: required" in text and "tasked_to" not in text
    items = [li for li in text.split("<li>")[1:]]
    assert len(items) == len(set(items))
    assert form.status_save.value == form.status.value  # beside the Save button too
    assert "ib-invalid" in form.q_tasked._dom_classes
    assert form.q_tasked.layout.border_left == "2px solid #b00020"
    assert "ib-invalid" not in form.w_title._dom_classes
    form.q_tasked.value = "DC Patel"
    assert "ib-invalid" not in form.q_tasked._dom_classes
    assert form.q_tasked.layout.border_left is None


def test_questions_are_numbered_by_position_after_a_removal(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    form.add_question()
    form.add_question()
    form.remove_question("Q1")
    assert "editing question 1 of 1 (Q2)" in status_text(form)
    assert [label.split(" ")[0] for label, _ in form.w_questions.options] == ["1."]


def test_a_chis_source_needs_a_chis_authority_in_the_form(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    fill_header(form)
    fill_question(form, "Who is the fence?")
    form.set_source("CHIS", True, "no source recruited")
    form.q_authority.value = Authority.RIPA_DIRECTED_SURVEILLANCE
    form.q_authority_ref.value = "AUTH-1"
    assert "Authority: source CHIS needs a CHIS authorisation" in status_text(form)
    assert form.save() is None
    form.q_authority.value = Authority.RIPA_CHIS
    assert form.save() == 1


def test_create_save_reload_review_and_history(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    fill_header(form)
    fill_question(form, "Which addresses store the goods?")
    fill_question(form, "Who drives the vehicles?")
    assert [q.id for q in form.plan.questions] == ["Q1", "Q2"]
    assert form.plan.question("Q1").candidate_sources[0].access_difficulties == "thin coverage"
    assert "No rule breaches" in status_text(form)
    assert form.save("opened at tasking") == 1
    assert "revision 1" in status_text(form)
    assert load_draft(ws, NEW_PLAN_DRAFT) is None  # the draft is cleared by the save
    # a new form (kernel restart) reopens the saved plan
    again = CollectionPlanForm(ws)
    assert again.plan == load_plan(ws, form.plan.id)
    assert again.review("DI Shaw", "continue", "on track")
    assert "revision 2" in status_text(again)
    assert list(plan_history(ws, again.plan.id)["revision"]) == [1, 2]
    assert "<td>2</td>" in again.history.value and "<td>1</td>" in again.history.value
    assert load_plan(ws, again.plan.id).reviews[0].reviewer == "DI Shaw"


def test_chis_without_authority_is_refused_and_nothing_saved(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    fill_header(form)
    fill_question(form, "Who is the fence?")
    form.set_source(SourceType.CHIS, True, "no source recruited")
    assert "authority" in status_text(form) and "CHIS" in status_text(form)
    assert form.save() is None
    assert "Not saved" in status_text(form) and "Question 1 (Q1), Authority" in status_text(form)
    assert list_plans(ws) == []
    form.q_authority.value = Authority.RIPA_CHIS
    form.q_authority_ref.value = "AUTH-17"
    assert form.save() == 1


def test_draft_survives_a_restart_and_reorder_remove(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    form.w_title.value = "Half typed"
    fill_question(form, "First")
    fill_question(form, "Second")
    form.select_question("Q2")
    form.move_question(-1)
    assert [q.id for q in form.plan.questions] == ["Q2", "Q1"]
    reopened = CollectionPlanForm(ws)
    assert reopened.plan == form.plan
    assert "Restored" in status_text(reopened)
    reopened.remove_question("Q2")
    assert [q.id for q in reopened.plan.questions] == ["Q1"]
    assert reopened.q_text.value == "First"
    assert [q.id for q in CollectionPlanForm(ws).plan.questions] == ["Q1"]


def test_edits_to_a_saved_plan_are_drafted_and_review_needs_a_save(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    fill_header(form)
    fill_question(form, "Q")
    form.save()
    form.select_question("Q1")
    form.q_status.value = QuestionStatus.TASKED
    assert not form.review("DI Shaw", "continue")
    assert "Save or discard" in status_text(form)
    reopened = CollectionPlanForm(ws)
    assert reopened.plan.question("Q1").status is QuestionStatus.TASKED
    assert "unsaved changes restored" in status_text(reopened)
    reopened.discard_draft()
    assert reopened.plan.question("Q1").status is QuestionStatus.OPEN
    assert reopened.review("DI Shaw", "continue")


def test_loading_unknown_plan_and_id_clash_are_shown(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    assert not form.load("CP-NOPE")
    assert "Could not load" in status_text(form)
    fill_header(form)
    fill_question(form, "Q")
    form.save()
    other = CollectionPlanForm(ws)
    other.new_plan()
    fill_header(other)
    fill_question(other, "Q")
    other.w_id.value = form.plan.id
    assert other.save() is None
    assert "belongs to another plan" in status_text(other)
    assert len(plan_history(ws, form.plan.id)) == 1


def test_status_area_escapes_values(ws: Any) -> None:
    form = CollectionPlanForm(ws)
    form.w_id.value = "<img src=x onerror=alert(1)>"
    form.save()
    assert "<img" not in status_text(form)


def test_editing_keeps_source_order_and_detail(ws: Any) -> None:
    from intelbench.plans import CandidateSource, save_plan
    from tests.plans._helpers import good_plan

    plan = good_plan(1).update_question(
        "Q1",
        candidate_sources=[CandidateSource("OTHER", "shifts", "Neighbourhood officers"),
                           CandidateSource("ANPR", "gaps")],
    )
    save_plan(ws, plan)
    form = CollectionPlanForm(ws, plan_id=plan.id)
    form.set_source("ANPR", True, "two cameras down")
    form.set_source("CCTV", True, "")
    got = form.plan.question("Q1").candidate_sources
    assert got == (CandidateSource("OTHER", "shifts", "Neighbourhood officers"),
                   CandidateSource("ANPR", "two cameras down"), CandidateSource("CCTV", ""))
    form.set_source("OTHER", False)
    assert form.plan.question("Q1").source_types == (SourceType.ANPR, SourceType.CCTV)


def test_link_report_suggests_and_only_confirm_changes_the_status(ws: Any) -> None:
    from intelbench.plans import save_plan
    from tests.plans._helpers import good_plan

    save_plan(ws, good_plan(2))
    ws.put("report", "IR-2026-000042", {"urn": "IR-2026-000042", "source_eval": "1",
                                         "intel_assess": "A"})
    form = CollectionPlanForm(ws, plan_id="CP-2026-001")
    form.select_question("Q2")
    assert not form.confirm_status()  # nothing suggested yet
    assert form.link_report("IR-2026-000042")  # grade read from the workspace report
    assert form.plan.question("Q2").answered_by == ("IR-2026-000042",)
    assert form.plan.question("Q2").status is QuestionStatus.OPEN
    assert "Suggested: question Q2 OPEN" in status_text(form) and "ANSWERED" in status_text(form)
    assert form.confirm_status()
    assert form.plan.question("Q2").status is QuestionStatus.ANSWERED
    assert form.q_status.value is QuestionStatus.ANSWERED
    assert load_plan(ws, "CP-2026-001").question("Q2").status is QuestionStatus.OPEN  # unsaved
    assert form.save() == 2
    # a typed grade; a low grade never suggests ANSWERED
    form.select_question("Q1")
    form.link_report("IR-2026-000043", "3B")
    assert "corroborate" in status_text(form)
    assert not form.link_report(" ")
    assert "Report not linked" in status_text(form)


def test_opening_an_unknown_plan_says_so(ws: Any) -> None:
    form = CollectionPlanForm(ws, plan_id="CP-NOPE")
    assert "No saved plan &#x27;CP-NOPE&#x27;" in status_text(form)
    assert form.plan.id.startswith("CP-")
