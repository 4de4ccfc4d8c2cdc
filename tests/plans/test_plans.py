"""Collection plan model, rules (domain B 16-19), linking, gaps and JSON files."""

from __future__ import annotations

import datetime as dt
import json
import os
from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import PlanError
from intelbench.plans import (
    Authority,
    CandidateSource,
    CollectionPlan,
    PlanStatus,
    Priority,
    Question,
    QuestionStatus,
    SourceType,
    confirm_status,
    gaps,
    grade_band,
    link_report,
    parse_grade,
    save_plan,
)
from tests.plans._helpers import D0, good_plan, good_question, make_workspace


def errors(plan: CollectionPlan) -> set[tuple[str | None, str]]:
    return {(p.question_id, p.field) for p in plan.validate(today=D0) if p.severity == "error"}


# ---------------------------------------------------------------- model
def test_lazy_names() -> None:
    assert ib.CollectionPlan is CollectionPlan
    assert ib.Question is Question
    assert ib.plans.gaps is gaps


def test_enums_accept_labels_aliases_and_reject_others() -> None:
    assert SourceType.coerce("communications data", "s") is SourceType.COMMUNICATIONS_DATA
    assert SourceType.coerce("COMMS_DATA", "s") is SourceType.COMMUNICATIONS_DATA
    assert SourceType.coerce("open source", "s") is SourceType.OPEN_SOURCE
    assert SourceType.coerce("prison intelligence", "s") is SourceType.PRISON_INTELLIGENCE
    with pytest.raises(PlanError) as exc:
        Question("Q1", priority="URGENT")
    msg = str(exc.value)
    assert "priority" in msg and "HIGH, MEDIUM, LOW" in msg and "URGENT" in msg


def test_seed_source_list_is_complete() -> None:
    labels = {t.label for t in SourceType}
    for name in [
        "internal database", "external database", "CCTV", "CHIS", "ANPR",
        "community intelligence", "forensic intelligence", "communications data",
        "open source", "closed source", "partner", "prison intelligence",
    ]:
        assert name in labels


def test_bad_date_and_frequency_name_the_field() -> None:
    with pytest.raises(PlanError, match="deadline"):
        Question("Q1", deadline="next tuesday")
    with pytest.raises(PlanError, match="review_frequency_days"):
        CollectionPlan("CP-1", review_frequency_days="weekly")


def test_methods_return_new_plans_and_leave_the_old_one_alone() -> None:
    plan = good_plan(2)
    before = plan.to_dict()
    moved = plan.move_question("Q2", 0)
    assert [q.id for q in moved.questions] == ["Q2", "Q1"]
    removed = plan.remove_question("Q1")
    assert [q.id for q in removed.questions] == ["Q2"]
    edited = plan.update_question("Q1", text="Changed")
    assert edited.question("Q1").text == "Changed"
    added = plan.add_question(text="Third")
    assert added.questions[-1].id == "Q3"
    assert plan.to_dict() == before
    with pytest.raises(PlanError, match="Q9"):
        plan.question("Q9")
    with pytest.raises(PlanError, match="duplicate"):
        plan.add_question(good_question("Q1"))
    with pytest.raises(PlanError, match="no field"):
        plan.replace(colour="red")


def test_next_review_follows_the_last_review() -> None:
    plan = good_plan()
    assert plan.next_review == D0 + dt.timedelta(days=14)
    reviewed = plan.add_review(ib.plans.Review(dt.date(2026, 1, 20), "DI Shaw", "continue"))
    assert reviewed.next_review == dt.date(2026, 2, 3)


# ---------------------------------------------------------------- rule 16
def test_good_plan_is_clean() -> None:
    plan = good_plan()
    assert plan.validate(today=D0) == []
    assert plan.check() is plan


def test_required_plan_fields() -> None:
    plan = CollectionPlan("CP-1", created=None, review_frequency_days=0, status="ACTIVE")
    found = errors(plan)
    for f in ["title", "owner", "requirement", "terms_of_reference", "created",
              "review_frequency_days", "questions"]:
        assert (None, f) in found, f
    # the requirement served is a control strategy priority or a SIR/TIR (domain B)
    assert (None, "requirement") not in errors(plan.replace(control_strategy="Drugs"))
    assert (None, "requirement") not in errors(plan.replace(requirement="TIR 3"))


@pytest.mark.parametrize(
    "field,value",
    [("text", ""), ("gap", ""), ("tasked_to", " "), ("necessity", ""), ("proportionality", ""),
     ("priority", None), ("deadline", None), ("candidate_sources", ())],
)
def test_required_question_fields(field: str, value: object) -> None:
    plan = good_plan().update_question("Q2", **{field: value})
    assert errors(plan) == {("Q2", field)}
    with pytest.raises(PlanError) as exc:
        plan.check()
    assert "question Q2" in str(exc.value) and f"'{field}'" in str(exc.value)
    assert [(p.question_id, p.field) for p in exc.value.problems] == [("Q2", field)]


def test_answered_without_a_report_warns_and_duplicate_ids_are_caught() -> None:
    plan = good_plan().update_question("Q1", status="ANSWERED")
    assert errors(plan) == set()
    assert [(p.question_id, p.field, p.severity) for p in plan.validate(today=D0)] == [
        ("Q1", "answered_by", "warning")
    ]
    dup = CollectionPlan.from_dict({**good_plan().to_dict()}).replace(
        questions=(good_question("Q1"), good_question("Q1"))
    )
    assert ("Q1", "id") in errors(dup)


# ---------------------------------------------------------------- rule 17
@pytest.mark.parametrize(("source", "authority"), [
    ("CHIS", "RIPA_CHIS"), ("COMMUNICATIONS_DATA", "IPA_COMMS_DATA"),
    ("DIRECTED_SURVEILLANCE", "RIPA_DIRECTED_SURVEILLANCE")])
def test_covert_sources_need_their_own_authority_and_reference(source: str, authority: str) -> None:
    plan = good_plan().update_question(
        "Q1", candidate_sources=[*good_question().candidate_sources, CandidateSource(source)]
    )
    assert errors(plan) == {("Q1", "authority"), ("Q1", "authority_ref")}
    msg = str(pytest.raises(PlanError, plan.check).value)
    assert "question Q1, field 'authority'" in msg and authority in msg and "got NONE" in msg
    for wrong in {"RIPA_CHIS", "IPA_COMMS_DATA", "RIPA_DIRECTED_SURVEILLANCE", "OTHER"} - {
            authority}:
        assert ("Q1", "authority") in errors(plan.update_question("Q1", authority=wrong))
    fixed = plan.update_question("Q1", authority=authority)
    assert errors(fixed) == {("Q1", "authority_ref")}
    fixed = fixed.update_question("Q1", authority_ref="AUTH-2026-17")
    assert errors(fixed) == set()


def test_a_chis_source_is_not_covered_by_a_surveillance_authority() -> None:
    plan = good_plan().update_question(
        "Q1", candidate_sources=[CandidateSource("CHIS")],
        authority="RIPA_DIRECTED_SURVEILLANCE", authority_ref="AUTH-1")
    msg = str(pytest.raises(PlanError, plan.check).value)
    assert "source CHIS needs a CHIS authorisation (RIPA 2000 s.29" in msg
    assert "got RIPA_DIRECTED_SURVEILLANCE" in msg


def test_two_covert_sources_in_one_question_are_split() -> None:
    plan = good_plan().update_question(
        "Q1", candidate_sources=[CandidateSource("CHIS"), CandidateSource("COMMUNICATIONS_DATA")],
        authority="RIPA_CHIS", authority_ref="AUTH-1")
    assert errors(plan) == {("Q1", "candidate_sources")}
    msg = str(pytest.raises(PlanError, plan.check).value)
    assert "IPA 2016 Part 3" in msg and "its own question" in msg


def test_a_legacy_plan_authority_of_unknown_type_is_kept_and_flagged() -> None:
    legacy = {**SAMPLE_STYLE, "authority": {"type": "Superintendent's authority", "ref": "A-9"}}
    plan = CollectionPlan.from_dict(legacy)
    q1 = plan.questions[0]
    assert (q1.authority, q1.authority_ref) == (Authority.OTHER, "A-9")
    msg = str(pytest.raises(PlanError, plan.check).value)
    assert "question Q1, field 'authority'" in msg and "RIPA_CHIS; got OTHER" in msg


def test_overt_sources_need_no_authority_but_a_named_authority_needs_a_reference() -> None:
    assert errors(good_plan()) == set()
    plan = good_plan().update_question("Q1", authority=Authority.OTHER)
    assert errors(plan) == {("Q1", "authority_ref")}


# ---------------------------------------------------------------- rule 18
def test_overdue_plan_and_questions() -> None:
    plan = good_plan().update_question("Q2", status="ANSWERED", answered_by=["IR-1"])
    today = D0 + dt.timedelta(days=40)
    items = {(i.question_id, i.days_overdue) for i in plan.overdue(today)}
    # review due D0+14 (26 days late); Q1 due D0+30 (10 days late); Q2 answered: not overdue
    assert items == {(None, 26), ("Q1", 10)}
    warnings = [p for p in plan.validate(today=today) if p.severity == "warning"]
    assert {(p.question_id, p.field) for p in warnings} == {
        (None, "next_review"), ("Q1", "deadline")
    }
    assert all("OVERDUE" in p.message for p in warnings)
    assert plan.check() is plan  # overdue shows; it does not block a save
    assert plan.overdue(D0) == []
    assert plan.replace(status="CLOSED").overdue(today) == []


# ---------------------------------------------------------------- rule 19
def test_cannot_close_with_high_question_open() -> None:
    plan = good_plan().update_question("Q2", priority="LOW")
    closed = plan.replace(status=PlanStatus.CLOSED)
    assert errors(closed) == {("Q1", "status")}
    msg = str(pytest.raises(PlanError, closed.check).value)
    assert "question Q1, field 'status'" in msg and "CLOSED_UNANSWERABLE" in msg
    # closing as unanswerable needs a reason
    unans = closed.update_question("Q1", status="CLOSED_UNANSWERABLE")
    assert errors(unans) == {("Q1", "closure_reason")}
    ok = unans.update_question("Q1", closure_reason="No source has access")
    assert errors(ok) == set()  # the LOW question may stay open
    answered = closed.update_question("Q1", status="ANSWERED", answered_by=["IR-2026-000001"])
    assert errors(answered) == set()


# ---------------------------------------------------------------- linking
def test_parse_grade_and_bands() -> None:
    assert parse_grade("[2BC]") == ("2", "B")
    assert parse_grade(("1", "a")) == ("1", "A")
    assert parse_grade("B2") == (None, None)  # the wrong-way-round shape is not a 3x5x2 grade
    assert parse_grade({"source_eval": "B", "intel_assess": "2"}) == (None, None)
    assert parse_grade({"source_eval": 2.0, "intel_assess": float("nan")}) == ("2", None)
    assert [grade_band(g) for g in ["1A", "1B", "1C", "2A", "3A", "2E", "x", None]] == [
        "high", "high", "medium", "medium", "low", "low", "unknown", "unknown"
    ]


def test_link_suggests_and_never_changes_status_silently() -> None:
    plan = good_plan()
    linked, s = link_report(plan, "Q1", "IR-2026-000010", grade="2C")
    assert linked.question("Q1").status is QuestionStatus.OPEN
    assert linked.question("Q1").answered_by == ("IR-2026-000010",)
    assert (s.current, s.suggested) == (QuestionStatus.OPEN, QuestionStatus.PARTIAL)
    assert s.changes
    partial = confirm_status(linked, s)
    assert partial.question("Q1").status is QuestionStatus.PARTIAL
    linked2, s2 = link_report(partial, "Q1", "IR-2026-000011", grade="1A")
    assert s2.suggested is QuestionStatus.ANSWERED
    assert linked2.question("Q1").status is QuestionStatus.PARTIAL
    assert confirm_status(linked2, s2).question("Q1").status is QuestionStatus.ANSWERED
    # a stale suggestion is refused
    with pytest.raises(PlanError, match="changed since the suggestion"):
        confirm_status(linked2, s)
    # low grade never suggests ANSWERED
    _, low = link_report(plan, "Q2", "IR-2026-000012", grade="3A")
    assert low.suggested is QuestionStatus.PARTIAL and "corroborate" in low.reason
    # linking twice keeps one URN
    again, _ = link_report(linked, "Q1", "IR-2026-000010", grade="2C")
    assert again.question("Q1").answered_by == ("IR-2026-000010",)
    with pytest.raises(PlanError, match="urn"):
        link_report(plan, "Q1", " ")


# ---------------------------------------------------------------- gaps
def _gap_plans() -> list[CollectionPlan]:
    p = good_plan(4)
    p = p.update_question("Q1", deadline=D0 + dt.timedelta(days=5))  # open, overdue
    p = p.update_question("Q2", status="ANSWERED", answered_by=["IR-LOW-1", "IR-LOW-2"])
    p = p.update_question("Q3", status="ANSWERED", answered_by=["IR-LOW-1", "IR-HIGH"])
    p = p.update_question("Q4", status="ANSWERED", answered_by=["IR-NOGRADE"], priority="LOW")
    closed = good_plan(1, id="CP-2026-002", status="CLOSED").update_question(
        "Q1", status="ANSWERED", answered_by=["IR-HIGH"]
    )
    return [p, closed]


def _grades() -> pd.DataFrame:
    return pd.DataFrame(
        {
            "urn": ["IR-LOW-1", "IR-LOW-2", "IR-LOW-2", "IR-HIGH"],
            "source_eval": ["3", "2", "1", "1"],
            "intel_assess": ["A", "E", "E", "B"],
        }
    )


def test_gaps_from_plans_and_reports_frame() -> None:
    today = D0 + dt.timedelta(days=10)
    report = gaps(None, today=today, reports=_grades(), plans=_gap_plans())
    f = report.frame
    assert list(f.columns) == ib.plans.GAP_COLUMNS
    assert list(f["question_id"]) == ["Q1", "Q2"]
    q1, q2 = f.to_dict("records")
    assert q1["open"] and q1["overdue"] and q1["days_overdue"] == 5 and not q1["low_grade_only"]
    assert q2["low_grade_only"] and not q2["open"] and q2["reasons"] == "low-grade only (2/2)"
    assert list(report.plans["plan_id"]) == ["CP-2026-001"]  # the closed plan is left out
    assert "2 open" not in report.summary() and "1 open questions" in report.summary()


def test_gaps_reads_saved_plans_and_report_docs(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path)
    for plan in _gap_plans():
        save_plan(ws, plan, justification="test")
    ws.put("report", "IR-LOW-1", {"urn": "IR-LOW-1", "source_eval": "3", "intel_assess": "B"})
    ws.put("report", "IR-LOW-2", {"urn": "IR-LOW-2", "items": [
        {"seq": 1, "source_eval": "2", "intel_assess": "E"},
        {"seq": 2, "source_eval": "3", "intel_assess": "C"}]})
    ws.put("report", "IR-HIGH", {"urn": "IR-HIGH", "grade": "[1AP]"})
    report = gaps(ws, today=D0 + dt.timedelta(days=10))
    assert list(report.frame["question_id"]) == ["Q1", "Q2"]
    assert report.frame.loc[1, "ungraded_reports"] == 0


def test_gap_html_escapes_every_value() -> None:
    evil = good_plan(1, id="CP-<b>1</b>").update_question(
        "Q1", text="<script>alert(1)</script>", tasked_to="A & B"
    )
    html = gaps(None, today=D0, plans=[evil]).to_html()
    assert "<script>" not in html and "&lt;script&gt;" in html
    assert "CP-&lt;b&gt;1&lt;/b&gt;" in html and "A &amp; B" in html
    assert "http" not in html
    assert html == gaps(None, today=D0, plans=[evil])._repr_html_()


# ---------------------------------------------------------------- files
def test_json_round_trip_is_atomic(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    plan = good_plan()
    path = plan.to_json(tmp_path / "sub" / "plan.json")
    assert CollectionPlan.from_json(path) == plan
    assert json.loads(path.read_text())["questions"][0]["candidate_sources"][0] == {
        "source_type": "ANPR", "access_difficulties": "camera coverage thin in the north",
        "detail": "",
    }

    def boom(src: str, dst: str) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(os, "replace", boom)
    with pytest.raises(OSError):
        plan.replace(title="changed").to_json(path)
    assert CollectionPlan.from_json(path) == plan  # the old file is intact
    assert [p.name for p in path.parent.iterdir()] == ["plan.json"]  # no temp file left


def test_from_dict_accepts_flat_and_alternative_keys() -> None:
    plan = CollectionPlan.from_dict(
        {
            "plan_id": "CP-9",
            "title": "T",
            "control_strategy": "Drugs",
            "requirement_level": "TIR",
            "requirement": "Supply lines",
            "information_requirements": [
                {"question": "Who supplies?", "priority": "high",
                 "sources": ["CHIS", "comms data"],
                 "access_difficulties": {"CHIS": "none recruited"},
                 "answered_by_irs": ["IR-1"]}
            ],
        }
    )
    assert plan.id == "CP-9" and plan.requirement_level is ib.plans.RequirementLevel.TACTICAL
    q = plan.questions[0]
    assert q.id == "Q1" and q.priority is Priority.HIGH
    assert q.candidate_sources == (
        CandidateSource("CHIS", "none recruited"), CandidateSource("COMMUNICATIONS_DATA", "")
    )
    assert q.answered_by == ("IR-1",)
    assert CollectionPlan.from_dict(plan.to_dict()) == plan


SAMPLE_STYLE = {
    "plan_id": "CP-2026-0007",
    "title": "Kestrel Lane group",
    "owner": "DI 4471",
    "requirement": "IR-REQ-2026-03: identify the structure of the group",
    "terms_of_reference": {"requester": "TTCG chair", "question": "Who directs the group?",
                           "deadline": "2026-12-18"},
    "review_frequency": "every 28 days",
    "created": "2026-10-05",
    "next_review": "2026-12-01",
    "status": "ACTIVE",
    "authority": {"type": "RIPA CHIS", "ref": "AUTH-2026-0193"},
    "necessity": "Serious harm; overt policing has not worked.",
    "proportionality": "Limited to named subjects; least intrusive first.",
    "questions": [
        {"id": "Q1", "text": "Who gives instructions?", "priority": "HIGH", "gap": "No account",
         "candidate_sources": [
             {"source": "CHIS", "ref": "SRC-00AA", "access_difficulty": "limited access"}],
         "method": "Tasked CHIS debrief", "tasked_to": "Source Handling Unit",
         "deadline": "2026-11-30", "status": "OPEN", "answered_by": []},
        {"id": "Q2", "text": "Which vehicles?", "priority": "MEDIUM", "gap": "Partial ANPR",
         "candidate_sources": [
             {"source": "Neighbourhood officers", "ref": "", "access_difficulty": "shifts"},
             {"source": "Forensic products", "ref": "", "access_difficulty": "backlog"}],
         "method": "Crime pattern analysis", "tasked_to": "Neighbourhood Team",
         "deadline": "2026-12-05", "status": "PARTLY_ANSWERED", "answered_by": []},
    ],
    "subjects": ["P-0001"],
    "history": [],
}


def test_sample_style_plan_file_reads_gracefully(tmp_path: Path) -> None:
    path = tmp_path / "collection_plan.json"
    path.write_text(json.dumps(SAMPLE_STYLE))
    plan = CollectionPlan.from_json(path)
    assert plan.id == "CP-2026-0007" and plan.review_frequency_days == 28
    assert plan.terms_of_reference.splitlines()[0] == "requester: TTCG chair"
    q1, q2 = plan.questions
    assert q1.source_types == (SourceType.CHIS,)
    assert q1.candidate_sources[0].detail == "SRC-00AA"
    assert q1.candidate_sources[0].access_difficulties == "limited access"
    assert (q1.authority, q1.authority_ref) == (Authority.RIPA_CHIS, "AUTH-2026-0193")
    assert q1.method is ib.plans.CollectionMethod.TASKED and "Tasked CHIS" in q1.notes
    assert q1.necessity.startswith("Serious harm")
    assert q2.source_types == (SourceType.OTHER, SourceType.FORENSIC)
    assert q2.candidate_sources[0].detail == "Neighbourhood officers"
    assert q2.authority is Authority.NONE  # no covert source: the plan authority is not copied
    assert q2.method is None and q2.notes == "Method: Crime pattern analysis"
    assert q2.status is QuestionStatus.PARTIAL
    assert plan.check() is plan
    assert CollectionPlan.from_dict(plan.to_dict()) == plan


def test_sample_plan_loads(samples: Path) -> None:
    plans = ib.plans.read_plans(samples / "collection_plan.json")
    assert plans and all(p.id and p.questions for p in plans)
    for p in plans:
        assert CollectionPlan.from_dict(p.to_dict()) == p


def test_plan_html_shows_header_questions_reviews_and_overdue_escaped() -> None:
    import datetime as dt

    from intelbench.plans._html import plan_html

    plan = CollectionPlan("CP-9", "<script>alert(1)</script>", owner="DS Lee",
                          created="2026-01-01", review_frequency_days=7)
    plan = plan.add_question(text="Who <b>fences</b>?", priority="HIGH", tasked_to="DC Ray",
                             deadline="2026-01-03")
    out = plan_html(plan, today=dt.date(2026, 1, 20))
    assert "<script>" not in out and "&lt;script&gt;" in out and "&lt;b&gt;fences" in out
    assert "Review overdue</b> since 2026-01-08 (12 days)" in out
    assert 'style="background:#fde2e2"' in out  # Q1 is past its deadline
    assert "DS Lee" in out and "HIGH" in out and "Questions (1)" in out
    assert plan._repr_html_().startswith('<div class="ib-plan">')
