"""Profile rules: terms of reference, peer review, gaps, classification and handling."""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import DisseminationRefused, ProfileError
from tests._identity import open_as
from tests.profiles import _factory as fx


def test_complete_profile_validates_clean() -> None:
    assert fx.problem().validate() == []


def test_cannot_leave_draft_without_agreed_tor() -> None:
    p = fx.problem(tor=fx.tor(agreed=False))
    with pytest.raises(ProfileError, match="agreed terms of reference"):
        p.submit_for_review()
    assert p.status is ib.profiles.Status.DRAFT
    ready = fx.problem().submit_for_review()
    assert ready.status is ib.profiles.Status.READY_FOR_REVIEW


def test_agreed_tor_needs_who_and_when() -> None:
    t = ib.profiles.TermsOfReference("R", "Q", "S", "2026-12-18", "A", agreed=True)
    assert "agreed=True needs agreed_by and agreed_on" in " ".join(t.problems())
    with pytest.raises(ProfileError, match="agreed terms"):
        fx.problem(tor=t).submit_for_review()
    with pytest.raises(ProfileError, match="agreed_by"):
        t.agree("  ")


def test_peer_review_rules() -> None:
    p = fx.problem()
    with pytest.raises(ProfileError, match="READY_FOR_REVIEW"):
        p.review("DI Reviewer", role="SUPERVISOR")
    ready = p.submit_for_review()
    with pytest.raises(ProfileError, match="must not be the author"):
        ready.review("a. analyst", role="SUPERVISOR")
    back = ready.review("DI Reviewer", role="SUPERVISOR", approved=False,
                        comments="more on victims")
    assert back.status is ib.profiles.Status.DRAFT and back.peer_review["approved"] is False
    done = ready.review("DI Reviewer", role="SUPERVISOR")
    assert done.status is ib.profiles.Status.PEER_REVIEWED
    assert p.status is ib.profiles.Status.DRAFT  # the original is not changed


def test_no_gaps_section_warns_on_validation() -> None:
    p = fx.problem(gaps=None)
    with pytest.warns(ib.profiles.ProfileWarning, match="no intelligence gaps section"):
        problems = p.validate()
    assert any("intelligence gaps" in x for x in problems)
    assert issubclass(ib.profiles.ProfileWarning, ib.IntelbenchWarning)


def test_explicit_empty_gaps_is_a_section() -> None:
    p = fx.problem(gaps=[])
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert p.validate() == []
    assert "No intelligence gaps were identified." in p.to_html()


def test_gate_refuses_profile_without_gaps(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    p = fx.reviewed(fx.problem(gaps=None))
    out = tmp_path / "out"
    out.mkdir()
    with pytest.raises(DisseminationRefused, match="no gaps section"):
        ib.disseminate(p, **fx.request(ws, out, "html"))
    assert list(out.iterdir()) == []
    assert not ws.keys("dissemination")


def test_gate_refuses_profile_not_peer_reviewed(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    out = tmp_path / "out"
    out.mkdir()
    for p in (fx.problem(), fx.problem().submit_for_review()):
        with pytest.raises(DisseminationRefused, match="expected PEER_REVIEWED"):
            ib.disseminate(p, **fx.request(ws, out, "docx"))
    assert list(out.iterdir()) == []


def test_classification_is_highest_of_cited_and_handling_follows_c() -> None:
    p = fx.problem(cited=["IR-2026-000001"])
    assert p.marking() == ("OFFICIAL", "P", "")
    p = fx.problem(cited=["IR-2026-000001", "IR-2026-000002"])
    assert p.product_classification == "OFFICIAL-SENSITIVE" and p.handling == "P"
    p = fx.problem(cited=["IR-2026-000001", "IR-2026-000003"])
    assert p.marking() == ("OFFICIAL", "C", "Do not share outside the force")
    p = fx.problem(cited=["IR-2026-000001"], classification="OFFICIAL-SENSITIVE")
    assert p.product_classification == "OFFICIAL-SENSITIVE"


def test_cited_intelligence_grades_and_missing_urns() -> None:
    table = fx.problem(cited=["IR-2026-000003", "IR-2026-000001"]).cited_intelligence()
    assert table["urn"].tolist() == ["IR-2026-000003", "IR-2026-000001"]
    assert table["grade"].tolist() == ["[2CC]", "[1BP]"]
    assert table["handling_conditions"].tolist() == ["Do not share outside the force", ""]
    p = fx.problem(cited=["IR-2026-000001", "IR-2099-999999"])
    assert any("IR-2099-999999" in x for x in p.validate())
    with pytest.raises(ProfileError, match="1 URN"):
        p.marking()


def test_cited_reports_read_from_workspace(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    ib.reports.import_reports(ws, fx.reports())
    p = fx.problem(reports=None, ws=ws, cited=["IR-2026-000002", "IR-2026-000003"])
    assert p.marking() == ("OFFICIAL-SENSITIVE", "C", "Do not share outside the force")


def test_product_carries_marking_and_cited(tmp_path: Path) -> None:
    p = fx.reviewed(fx.problem(cited=["IR-2026-000002", "IR-2026-000003"]))
    prod = p.to_product()
    assert prod.kind == "document"
    assert (prod.classification, prod.handling) == ("OFFICIAL-SENSITIVE", "C")
    assert prod.handling_conditions == "Do not share outside the force"
    assert prod.cited_reports == ("IR-2026-000002", "IR-2026-000003")
    assert prod.product_id == p.profile_id
    doc = prod.content
    assert list(doc) == ["tor", "summary", "findings", "description", "figures", "tables",
                         "intelligence_gaps", "recommendations", "appendices"]
    assert doc["recommendations"]["reassurance"] == ["None."]


def test_unsupported_figure_and_bad_inputs_are_loud() -> None:
    with pytest.raises(ProfileError, match="got int"):
        ib.profiles.FigureItem("x", 42)
    with pytest.raises(ProfileError, match="FigureItem"):
        fx.problem(figures=[fx.chart()])
    with pytest.raises(ProfileError, match="got 'punishment'"):
        fx.problem(recommendations={"punishment": ["x"]})
    with pytest.raises(ProfileError, match="'question' or 'gap'"):
        fx.problem(gaps=pd.DataFrame({"x": [1]}))
    with pytest.raises(ProfileError, match="classification"):
        fx.problem(classification="RESTRICTED")


def test_map_without_static_cannot_be_printed() -> None:
    p = fx.problem(figures=[ib.profiles.FigureItem("Map", fx.FakeMap(), "no static")])
    # the HTML shows every live figure's static picture too, so neither renders without one
    for render in (p.to_html, p.to_docx):
        with pytest.raises(ProfileError, match="cannot be printed offline"):
            render()


def test_empty_description_aspect_is_a_problem() -> None:
    problems = fx.problem(victims="  ").validate()
    assert "description: empty aspect(s) victims" in problems


def test_subject_profile_needs_subject_and_aspects() -> None:
    kw = dict(title="Subject profile", tor=fx.tor(), summary="s", key_findings=["k"],
              gaps=["g"], recommendations={"intelligence": ["i"]},
              cited=["IR-2026-000001"], reports=fx.reports())
    sp = ib.profiles.SubjectProfile(**kw)
    probs = sp.validate()
    assert probs[0].startswith("subject:")
    assert "criminal_activity" in probs[1] and "risks" in probs[1]
    full = ib.profiles.SubjectProfile(
        subject="OCG-1", criminal_activity="Supply", geography="North", communications="Phones",
        finance="Cash", associations="Ten members", strengths="Dense core",
        weaknesses="One cut-point", risks="Violence", ranking="Band 2a of 3 groups",
        resource_options=["Disrupt the cut-point"], **kw)
    assert full.validate() == []
    assert list(full.description())[:4] == ["criminal_activity", "geography",
                                            "communications", "finance"]


def test_gap_frame_from_plans(tmp_path: Path) -> None:
    frame = pd.DataFrame({"plan_id": ["CP-1"], "question_id": ["Q1"], "question": ["Who?"],
                          "priority": ["HIGH"], "status": ["OPEN"], "reasons": ["open"]})
    p = fx.problem(gaps=frame)
    assert p.gaps["gap"].tolist() == ["Who?"]
    assert "[HIGH] Who? (plan CP-1, question Q1, OPEN, open)" in p.to_html()


def test_save_keeps_text_status_and_manifest(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    p = fx.reviewed(fx.problem())
    rev = p.save(ws, justification="peer reviewed")
    doc = ws.get("profile", p.profile_id)
    assert rev == 1 and doc["status"] == "PEER_REVIEWED"
    assert doc["gaps"][0]["gap"] == "Who handles the stolen goods?"
    assert doc["manifest"]["version"] == ib.__version__
    assert doc["peer_review"]["reviewer"] == "DI Reviewer"
    with pytest.raises(ProfileError, match="ws"):
        fx.problem().save()


# ------------------------------------------------------------ issue 19.3: profiles as the NIM asks
def _subject(**over: object) -> ib.profiles.SubjectProfile:
    kw: dict[str, object] = dict(
        title="Subject profile", tor=fx.tor(), summary="s", key_findings=["k"], gaps=["g"],
        recommendations={"intelligence": ["i"]}, cited=["IR-2026-000001"],
        reports=fx.reports(), subject="OCG-1", criminal_activity="Supply", geography="North",
        communications="Phones", finance="Cash", associations="Ten members",
        strengths="Dense core", weaknesses="One cut-point", risks="Violence",
        ranking="Band 2a: second of the three mapped groups",
        resource_options=["Disruption at the cut-point", "Financial investigation"],
        author="A. Analyst")
    kw.update(over)
    return ib.profiles.SubjectProfile(**kw)  # type: ignore[arg-type]


def test_subject_profile_needs_target_ranking_and_resource_options() -> None:
    assert _subject().validate() == []
    desc = _subject().description()
    assert desc["target_ranking"].startswith("Band 2a")
    assert desc["resource_options"] == ("(1) Disruption at the cut-point; "
                                        "(2) Financial investigation")
    assert "target ranking: empty" in " ".join(_subject(ranking=" ").validate())
    assert "resource options: none" in " ".join(_subject(resource_options=[]).validate())
    assert "resource options: none" in " ".join(_subject(resource_options=["  "]).validate())
    with pytest.raises(DisseminationRefused, match="target ranking.*resource options"):
        fx.reviewed(_subject(ranking="", resource_options=[])).to_product()
    analysis = fx.reviewed(_subject()).to_product().content["analysis"]
    assert any(line.startswith("Resource options: (1)") for line in analysis)


def test_peer_review_needs_a_reviewing_role_not_just_another_name(tmp_path: Path) -> None:
    ready = fx.problem().submit_for_review()
    for role in (None, "ANALYST", "RESEARCHER", "chair"):
        with pytest.raises(ProfileError, match="needs a reviewing role"):
            ready.review("B. Colleague", role=role)
    done = ready.review("B. Colleague", role="intel_unit")
    assert done.peer_review["role"] == "INTEL_UNIT" and done.validate() == []
    # from a workspace identity
    sup = open_as("DS Reviewer", tmp_path / "ws", role="SUPERVISOR")
    by_ws = ready.review(ws=sup)
    assert (by_ws.peer_review["reviewer"], by_ws.peer_review["role"]) == ("DS Reviewer",
                                                                          "SUPERVISOR")
    peer = open_as("B. Colleague", tmp_path / "ws", role="ANALYST")
    with pytest.raises(ProfileError, match="needs a reviewing role"):
        ready.review(ws=peer)
    # a force can name its own reviewing roles
    own = fx.problem(review_roles=("RESEARCHER",)).submit_for_review()
    assert own.review("R. Searcher", role="RESEARCHER").status.value == "PEER_REVIEWED"
    with pytest.raises(ProfileError, match="RESEARCHER"):
        own.review("S. Super", role="SUPERVISOR")
    # setting the status by hand is no way round it
    forged = fx.problem(status="PEER_REVIEWED",
                        peer_review={"reviewer": "B. Colleague", "approved": True})
    assert any("not a reviewing role" in p for p in forged.validate())
    with pytest.raises(DisseminationRefused, match="not a reviewing role"):
        forged.to_product()
    assert any("no review is recorded" in p
               for p in fx.problem(status="PEER_REVIEWED").validate())


def test_terms_of_reference_are_agreed_by_the_requester_or_a_named_delegate() -> None:
    t = ib.profiles.TermsOfReference("TT&CG chair", "Q", "S", "2026-12-18", "A",
                                     delegates=["DCI Intelligence"])
    assert t.agree("tt&cg  CHAIR", "2026-11-02").agreed  # the requester (case, spacing)
    assert t.agree("DCI Intelligence", "2026-11-02").agreed_by == "DCI Intelligence"
    with pytest.raises(ProfileError, match="agreed by the requester 'TT&CG chair' or a named "
                                           "delegate \\('DCI Intelligence'\\); got 'A. Analyst'"):
        t.agree("A. Analyst", "2026-11-02")
    bare = ib.profiles.TermsOfReference("TT&CG chair", "Q", "S", "2026-12-18", "A")
    with pytest.raises(ProfileError, match="no delegates named"):
        bare.agree("DCI Intelligence")
    # agreed by someone else, set by hand: a problem, and the profile cannot leave DRAFT
    forged = ib.profiles.TermsOfReference("TT&CG chair", "Q", "S", "2026-12-18", "A",
                                          agreed=True, agreed_by="A. Analyst",
                                          agreed_on="2026-11-02")
    assert any("who is neither the requester" in p for p in forged.problems())
    with pytest.raises(ProfileError, match="who is neither the requester"):
        fx.problem(tor=forged).submit_for_review()
    with pytest.raises(ProfileError, match="delegates"):
        ib.profiles.TermsOfReference("R", "Q", "S", "D", "A", delegates="DCI X")  # type: ignore[arg-type]
    assert "delegates named by the requester: DCI Intelligence" in " ".join(
        t.agree("DCI Intelligence", "2026-11-02").lines())
