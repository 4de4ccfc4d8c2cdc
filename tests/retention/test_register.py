"""The retention register: registration, triggers, decisions, disposal, queue and DPO report."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pandas as pd
import pytest

from intelbench.exceptions import (
    IntelbenchWarning,
    RetentionError,
    RoleError,
    WorkspaceLockedError,
)
from intelbench.grading.grade import Grade
from intelbench.grading.proposals import propose_regrade
from intelbench.grading.reports import import_reports
from intelbench.retention import (
    decide,
    register,
    register_frame,
    retention_report,
    review_queue,
    trigger,
)
from intelbench.store.workspace import Workspace
from tests._identity import open_as

AS_OF = "2026-11-30"
LOG = pd.DataFrame({
    "urn": ["IR-1", "IR-2", "IR-3", "IR-4"],
    "created_at": ["2013-05-01 10:00", "2019-01-10 09:00", "2020-12-20 12:00", "2024-03-01 08:00"],
    "source_eval": ["2"] * 4, "intel_assess": ["B"] * 4, "handling": ["P"] * 4,
    "status": ["EVALUATED"] * 4, "classification": ["OFFICIAL"] * 4,
    "sanitised_text": ["SUBJECT 1 seen at [ADDRESS]"] * 4,
    "original_text": ["Fred Bloggs seen at 1 High St"] * 4,
})
REGISTER = pd.DataFrame({
    "key": ["IR-1", "IR-2", "IR-3", "IR-4"],
    "record_type": ["intelligence", "MAPPA", "intelligence", "undetected crime"],
    "offence": ["theft", "theft", "burglary", "burglary"],
    "created_at": LOG["created_at"],
    "subject": ["P-1", "P-2", "P-3", ""],
    "subject_dob": ["1980-01-01", "1960-06-01", "", ""],
})


def _plain(detail: dict) -> dict:
    """An audit entry's detail without ``identity`` (where the analyst's name came from)."""
    return {k: v for k, v in detail.items() if k != "identity"}


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_as("i.unit", tmp_path / "ws", role="INTEL_UNIT")
    import_reports(w, LOG)
    register(w, REGISTER)
    return w


def _state(ws: Workspace, ref: str) -> str:
    from intelbench.retention import register_states

    frame = register_states(ws, as_of=AS_OF)
    return str(frame.set_index("ref").loc[ref, "state"])


def test_register_gives_groups_review_dates_and_legacy_flag(ws: Workspace) -> None:
    reg = register_frame(ws).set_index("ref")
    assert reg["mopi_group"].to_dict() == {"report/IR-1": 3, "report/IR-2": 1,
                                           "report/IR-3": 3, "report/IR-4": 4}
    assert reg["next_review"].to_dict() == {"report/IR-1": "2019-05-01",
                                            "report/IR-2": "2029-01-10",
                                            "report/IR-3": "2026-12-20",
                                            "report/IR-4": "2030-03-01"}
    assert reg["legacy"].to_dict()["report/IR-1"] and not reg["legacy"]["report/IR-3"]
    last = ws.audit.entries("ALTER").iloc[-1]
    assert last["record_ref"] == "retention/[4 records]"
    assert last["detail"]["groups"] == {"1": 1, "2": 0, "3": 2, "4": 1}


def test_register_errors_name_row_and_column(ws: Workspace) -> None:
    with pytest.raises(RetentionError, match=r"row 1 \(key 'X-2'\).*'arsonry' is not"):
        register(ws, pd.DataFrame({"key": ["X-1", "X-2"], "offence": ["theft", "arsonry"],
                                   "created_at": ["2020-01-01"] * 2}))
    with pytest.raises(RetentionError, match="column 'created_at' is required"):
        register(ws, pd.DataFrame({"key": ["X-1"]}))
    assert "report/X-1" not in set(register_frame(ws)["ref"])  # nothing stored


def test_queue_lists_due_and_overdue_with_what_is_known(ws: Workspace) -> None:
    n_consult = len(ws.audit.entries("CONSULT"))
    queue = review_queue(ws, as_of=AS_OF)
    assert queue.frame["ref"].tolist() == ["report/IR-1", "report/IR-3"]
    assert queue.frame["state"].tolist() == ["OVERDUE", "DUE"]
    first = queue.frame.iloc[0]
    assert (first["offence"], first["subject"], int(first["subject_age"]),
            bool(first["legacy"])) == ("theft", "P-1", 46, True)
    assert first["days_overdue"] == (pd.Timestamp(AS_OF) - pd.Timestamp("2019-05-01")).days
    assert "MoPI review queue" in queue._repr_html_()
    assert len(ws.audit.entries("CONSULT")) == n_consult  # the register is not content


def test_trigger_resets_the_review_date_and_is_audited(ws: Workspace) -> None:
    assert trigger(ws, "report/IR-1", on="2024-06-01", what="IR-2024-000077 names subject") == (
        pd.Timestamp("2030-06-01").date())
    assert _state(ws, "report/IR-1") == "SCHEDULED"
    entry = ws.audit.entries("ALTER").iloc[-1]
    assert _plain(entry["detail"]) == {"event": "retention_trigger", "on": "2024-06-01",
                               "previous_review": "2019-05-01", "next_review": "2030-06-01"}
    assert entry["justification"] == "IR-2024-000077 names subject"


def test_retain_needs_a_reason_and_a_date_within_the_period(ws: Workspace) -> None:
    with pytest.raises(RetentionError, match="needs a reason"):
        decide(ws, "report/IR-1", "RETAIN", reason=" ", as_of=AS_OF)
    with pytest.raises(RetentionError, match="no later than 2032-11-30"):
        decide(ws, "report/IR-1", "RETAIN", reason="active", next_review="2033-01-01",
               as_of=AS_OF)
    decide(ws, "report/IR-1", "RETAIN", reason="Subject active: necessary",
           next_review="2028-11-30", as_of=AS_OF)
    assert _state(ws, "report/IR-1") == "RETAINED"
    entry = ws.audit.entries("ALTER").iloc[-1]
    assert (entry["record_ref"], entry["justification"], entry["detail"]["next_review"]) == (
        "retention/report/IR-1", "Subject active: necessary", "2028-11-30")


def test_dispose_erases_content_and_keeps_only_the_audit(ws: Workspace) -> None:
    propose_regrade(ws, "IR-3", Grade.parse_code("1BP"), reason="tested")
    decide(ws, "report/IR-3", "DISPOSE", reason="No longer necessary", as_of=AS_OF)
    assert not ws.exists("report", "IR-3") and not ws.exists("regrade_proposal", "IR-3.P1")
    erased = ws.audit.entries("ERASE")["record_ref"].tolist()
    assert erased == ["report/IR-3", "regrade_proposal/IR-3.P1"]
    row = register_frame(ws).set_index("ref").loc["report/IR-3"]
    assert row["decision"] == "DISPOSE" and row["disposed_on"] == AS_OF
    assert pd.isna(row["subject"]) and pd.isna(row["offence"]) and pd.isna(row["subject_dob"])
    assert ws.path is not None
    raw = sqlite3.connect(ws.path / "workspace.db")
    docs = raw.execute("SELECT doc, sha256 FROM ib_documents WHERE key LIKE 'IR-3%'").fetchall()
    raw.close()
    assert docs and all(d == (None, None) for d in docs)  # tombstones: no content, no hash
    with pytest.raises(RetentionError, match="disposed of on 2026-11-30"):
        decide(ws, "report/IR-3", "RETAIN", reason="x", as_of=AS_OF)
    assert _state(ws, "report/IR-3") == "DISPOSED"


def test_group_1_disposal_refused_while_subject_under_100(ws: Workspace) -> None:
    with pytest.raises(RetentionError, match="kept until the subject is 100"):
        decide(ws, "report/IR-2", "DISPOSE", reason="x", as_of=AS_OF)
    assert ws.exists("report", "IR-2")


def test_only_reviewing_roles_decide_and_a_locked_workspace_refuses(tmp_path: Path,
                                                                    ws: Workspace) -> None:
    assert ws.path is not None
    analyst = open_as("a.analyst", ws.path, role="ANALYST")
    with pytest.raises(RoleError, match="decide a MoPI review needs INTEL_UNIT or SUPERVISOR"):
        decide(analyst, "report/IR-1", "RETAIN", reason="x", as_of=AS_OF)
    analyst.close()
    ws.close()
    raw = sqlite3.connect(ws.path / "workspace.db", isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_delete")
    top = raw.execute("SELECT max(seq) FROM ib_audit_log").fetchone()[0]
    raw.execute("DELETE FROM ib_audit_log WHERE seq = ?", (top,))
    head = raw.execute("SELECT seq, hash FROM ib_audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    raw.execute("UPDATE ib_state SET audit_seq = ?, audit_head = ?", head)
    raw.close()
    with pytest.warns(IntelbenchWarning):
        locked = open_as("i.unit", ws.path, role="INTEL_UNIT")
    with pytest.raises(WorkspaceLockedError):
        decide(locked, "report/IR-1", "DISPOSE", reason="x", as_of=AS_OF)
    assert locked.exists("report", "IR-1")
    locked.close()


def test_dpo_report_counts_overdue_and_disposals_in_a_period(ws: Workspace) -> None:
    decide(ws, "report/IR-1", "DISPOSE", reason="No longer necessary", as_of="2026-10-01")
    report = retention_report(ws, as_of=AS_OF, since="2026-09-01", until="2026-10-31")
    assert report.counts.loc[3].to_dict() == {"OVERDUE": 0, "DUE": 1, "SCHEDULED": 0,
                                              "RETAINED": 0, "DISPOSED": 1, "total": 2}
    assert int(report.counts["total"].sum()) == 4
    assert report.disposals[["ref", "decided_by"]].values.tolist() == [
        ["report/IR-1", "i.unit"]]
    assert retention_report(ws, as_of=AS_OF, since="2026-11-01").disposals.empty
    html = report._repr_html_()
    assert "Retention report" in html and "Disposals from 2026-09-01 to 2026-10-31" in html
