"""Re-grade proposals: an analyst proposes, a supervisor accepts or rejects; both audited."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import GradingError, RoleError
from intelbench.grading.proposals import decide_proposal, proposals, propose_regrade
from intelbench.grading.reports import grade_history, import_reports, regrade
from tests._identity import open_as

LOG = pd.DataFrame({"urn": ["IR-1", "IR-2"], "source_eval": ["2", None],
                    "intel_assess": ["B", None], "handling": ["P", None],
                    "status": ["EVALUATED", "DRAFT"], "classification": ["OFFICIAL"] * 2})


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    with open_as("s.super", tmp_path / "ws") as ws:
        ws.roles.grant("a.analyst", "ANALYST", reason="joined")
        ws.roles.grant("t.super", "SUPERVISOR", reason="second supervisor")
        import_reports(ws, LOG)
    return tmp_path / "ws"


def test_analyst_proposes_supervisor_accepts_and_both_are_audited(folder: Path) -> None:
    with open_as("a.analyst", folder) as ws:
        with pytest.raises(GradingError, match="may not re-grade"):
            regrade(ws, "IR-1", ib.Grade.parse_code("1BP"), reason="tested")
        pid = propose_regrade(ws, "IR-1", ib.Grade.parse_code("1BP"), reason="Source tested")
        with pytest.raises(RoleError, match="needs SUPERVISOR"):
            decide_proposal(ws, pid, accept=True, reason="self-approve")
    with open_as("s.super", folder) as sup:
        assert decide_proposal(sup, pid, accept=True, reason="Test record RA-12") == "ACCEPTED"
        assert sup.get("report", "IR-1")["source_eval"] == "1"
        hist = grade_history(sup, "IR-1")
        assert hist[["who", "event", "old", "new"]].values.tolist() == [
            ["s.super", "regrade", "2BP", "1BP"]]
        assert "proposal IR-1.P1 by a.analyst: Source tested" in hist["reason"][0]
        audit = sup.audit.entries()
        steps = audit[audit["record_ref"].str.startswith("regrade_proposal/")
                      & audit["action"].isin(["COLLECT", "ALTER"])]
        assert [(a, r, d["event"]) for a, r, d in zip(
            steps["analyst"], steps["action"], steps["detail"], strict=True)] == [
            ("a.analyst", "COLLECT", "regrade_proposed"),
            ("s.super", "ALTER", "regrade_accepted")]
        with pytest.raises(GradingError, match="accepted already by s.super"):
            decide_proposal(sup, pid, accept=False, reason="changed my mind")


def test_rejection_changes_nothing_but_is_kept(folder: Path) -> None:
    with open_as("a.analyst", folder) as ws:
        pid = propose_regrade(ws, "IR-1", ib.Grade.parse_code("2AP"), reason="Seen directly")
    with open_as("t.super", folder) as sup:
        assert decide_proposal(sup, pid, accept=False, reason="Not corroborated") == "REJECTED"
        assert sup.get("report", "IR-1")["intel_assess"] == "B"
        listed = proposals(sup, urn="IR-1")
        assert listed.frame[["status", "decided_by", "decision_reason"]].values.tolist() == [
            ["REJECTED", "t.super", "Not corroborated"]]
        assert "Re-grade proposals" in listed._repr_html_()


def test_proposal_rules(folder: Path) -> None:
    with open_as("s.super", folder) as sup:
        with pytest.raises(GradingError, match="needs a reason"):
            propose_regrade(sup, "IR-1", ib.Grade.parse_code("1BP"), reason=" ")
        with pytest.raises(GradingError, match="no submitted grade"):
            propose_regrade(sup, "IR-2", ib.Grade.parse_code("1BP"), reason="x")
        with pytest.raises(GradingError, match="already has grade 2BP"):
            propose_regrade(sup, "IR-1", ib.Grade.parse_code("2BP"), reason="x")
        with pytest.raises(GradingError, match="requires handling conditions"):
            propose_regrade(sup, "IR-1", ib.Grade.parse_code("2BC"), reason="x")
        own = propose_regrade(sup, "IR-1", ib.Grade.parse_code("1BP"), reason="mine")
        with pytest.raises(GradingError, match="may not decide it"):
            decide_proposal(sup, own, accept=True, reason="ok")
        stale = propose_regrade(sup, "IR-1", ib.Grade.parse_code("2AP"), reason="other")
    with open_as("t.super", folder) as other:
        decide_proposal(other, own, accept=True, reason="agreed")
        with pytest.raises(GradingError, match="was re-graded since"):
            decide_proposal(other, stale, accept=True, reason="agreed too")
        assert proposals(other, status="pending").frame["proposal"].tolist() == [stale]


def test_the_grading_form_shows_a_supervisor_the_proposal_to_accept(folder: Path) -> None:
    from intelbench.forms.grading import GradingForm

    with open_as("a.analyst", folder) as ws:
        form = GradingForm(ws, report_urn="IR-1")
        form.source.value = "1"
        form.reason.value = "Source tested on Op Larch"
        assert form.may_propose()
        pid = form.propose()
        panel = form.proposal_panel
        assert [p["proposal"] for p in panel.pending] == [pid]
        assert not panel.may_decide() and panel.decision_reason not in panel.children
    with open_as("s.super", folder) as sup:
        panel = GradingForm(sup, report_urn="IR-1").proposal_panel
        assert panel.may_decide() and "a.analyst" in panel.summary.value
        panel.decide(accept=True)  # no reason: refused, shown, nothing decided
        assert "needs a reason" in panel.status.value and panel.pending
        panel.decision_reason.value = "Test record RA-12"
        assert panel.decide(accept=True) == "ACCEPTED"
        assert panel.pending == [] and "accepted" in panel.status.value
        assert sup.get("report", "IR-1")["source_eval"] == "1"
        events = [d.get("event") for d in sup.audit.entries()["detail"]]
        assert "regrade_proposed" in events and "regrade_accepted" in events
