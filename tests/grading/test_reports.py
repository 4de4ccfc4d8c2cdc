"""Reports: typed reading with quarantine, storing, saving grades and re-grading (rule 8)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import GradingError, SchemaError
from intelbench.grading.grade import Grade
from intelbench.grading.legacy import LegacyGrade
from intelbench.grading.reports import (
    current_grade,
    grade_history,
    import_reports,
    read_reports,
    regrade,
    reports_frame,
    save_grade,
)
from intelbench.store.workspace import Workspace
from tests._identity import open_as

HEADER = (
    "urn", "created_at", "date_of_intelligence", "classification", "collection_method",
    "scheme", "source_eval", "intel_assess", "handling", "handling_conditions", "action_code",
    "sanitisation_code", "risk_assessment_ref", "grade_rationale", "legacy_grade", "status",
    "original_text", "sanitised_text",
)
ROWS = [
    ['IR-2026-000001', '2026-01-02 09:30', '2026-01-01', 'OFFICIAL', 'ROUTINE', '3x5x2', '2',
     'B', 'P', '', '', '', '', '', '', 'EVALUATED', 'Secret original one', 'Sanitised one'],
    ['IR-2026-000002', '2026-01-03 10:00', '2026-01-02', 'OFFICIAL-SENSITIVE', 'TASKED',
     '3x5x2', '1', 'A', 'C', 'No arrest', 'A1', 'S2', 'RA-1', '', '', 'SUBMITTED',
     'Secret original two', ''],
    ['IR-2026-000003', '31/02/2026', '2026-01-02', 'OFFICIAL', 'ROUTINE', '3x5x2', 'B', '2',
     'P', '', '', '', '', '', '', 'EVALUATED', 'Secret original three', 'Sanitised three'],
    ['IR-2012-000004', '2012-05-01 08:00', '2012-04-30', 'RESTRICTED', 'ROUTINE', '5x5x5', '',
     '', '', '', '', '', '', '', 'B24', 'EVALUATED', 'Secret original four', 'Sanitised four'],
    ['IR-2026-000005', '2026-02-01 08:00', '2026-01-31', 'OFFICIAL', 'SOMETIMES', '3x5x2', '',
     '', '', '', '', '', '', '', '', 'DRAFT', 'Secret original five', ''],
    ['IR-2026-000006', '2026-02-02 08:00', '2026-02-01', 'OFFICIAL', 'ROUTINE', '3x5x2', '3',
     'C', 'C', '', '', '', '', '', '', 'EVALUATED', 'Secret original six', 'Sanitised six'],
]
CSV = "\n".join(",".join(r) for r in [list(HEADER), *ROWS]) + "\n"


@pytest.fixture
def log_path(tmp_path: Path) -> Path:
    p = tmp_path / "intel_reports.csv"
    p.write_text(CSV, encoding="utf-8")
    return p


#: Reports whose grade breaks the scheme (3) or the default policy (6): never stored.
REFUSED = ("IR-2026-000003", "IR-2026-000006")


def _importable(log_path: Path) -> pd.DataFrame:
    log = read_reports(log_path)
    return log[~log["urn"].isin(REFUSED)]


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    return open_as("A. Analyst", tmp_path / "ws", role="ANALYST")


def test_read_reports_types_and_quarantines_without_dropping(log_path: Path) -> None:
    log = read_reports(log_path.parent)  # a folder works too
    assert len(log) == 6
    assert str(log["created_at"].dtype).startswith("datetime64")
    assert log.loc[0, "created_at"] == pd.Timestamp("2026-01-02 09:30")
    assert pd.isna(log.loc[2, "created_at"])  # unreadable date -> missing, row kept
    assert pd.isna(log.loc[0, "handling_conditions"])
    q = dict(zip(log["urn"], log["quarantine"], strict=True))
    assert q["IR-2026-000001"] == ""
    assert q["IR-2026-000002"] == ""
    assert q["IR-2026-000003"] == "created_at; scheme"
    assert q["IR-2012-000004"] == ""  # legacy, verbatim, GPMS label readable
    assert q["IR-2026-000005"] == "collection_method"  # DRAFT needs no grade yet
    assert q["IR-2026-000006"] == "conditions; risk_assessment; rationale"
    intake = log.attrs["intake"]
    assert intake["rows"] == 6 and intake["quarantined_rows"] == 3
    assert intake["problems_by_rule"] == {"conditions": 1, "date": 1, "rationale": 1,
                                          "risk_assessment": 1, "scheme": 1, "value": 1}
    assert log.loc[3, "legacy_grade"] == "B24"


def test_read_reports_requires_grade_columns(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("urn,source_eval\nIR-1,2\n", encoding="utf-8")
    with pytest.raises(SchemaError, match="intel_assess"):
        read_reports(p)


def test_duplicate_and_empty_urns_are_quarantined(tmp_path: Path) -> None:
    p = tmp_path / "x.csv"
    p.write_text("urn,source_eval,intel_assess,handling\nIR-1,2,B,P\nIR-1,2,B,P\n,2,B,P\n",
                 encoding="utf-8")
    assert read_reports(p)["quarantine"].tolist() == ["urn", "urn", "urn"]


def test_import_is_audited_collect_and_idempotent(log_path: Path, ws: Workspace) -> None:
    log = _importable(log_path)
    stored = import_reports(ws, log)
    assert len(stored) == 4 and sorted(ws.keys("report")) == sorted(log["urn"])
    doc = ws.get("report", "IR-2026-000001")
    assert doc["created_at"] == "2026-01-02T09:30:00" and doc["handling_conditions"] is None
    assert "quarantine" not in doc
    assert import_reports(ws, log) == []
    collect = ws.audit.entries("COLLECT")
    assert len(collect) == 4
    assert all("Secret" not in str(d) for d in collect["detail"])
    frame = reports_frame(ws)
    assert len(frame) == 4 and list(frame.columns[:3]) == ["urn", "created_at",
                                                            "date_of_intelligence"]


def test_current_grade_kinds(log_path: Path, ws: Workspace) -> None:
    import_reports(ws, _importable(log_path))
    assert isinstance(current_grade(ws.get("report", "IR-2026-000002")), Grade)
    row = read_reports(log_path).set_index("urn").loc["IR-2026-000003"]
    assert current_grade(row.to_dict()) == "B2P"  # read from the log; never stored
    legacy = current_grade(ws.get("report", "IR-2012-000004"))
    assert isinstance(legacy, LegacyGrade) and legacy.verbatim == "B24"
    assert current_grade(ws.get("report", "IR-2026-000005")) is None


def test_first_grade_of_a_draft_is_saved_with_history_and_audit(log_path: Path,
                                                                 ws: Workspace) -> None:
    import_reports(ws, _importable(log_path))
    rev = save_grade(ws, "IR-2026-000005", Grade.parse_code("2BP"))
    assert rev == 2
    doc = ws.get("report", "IR-2026-000005")
    assert (doc["source_eval"], doc["intel_assess"], doc["handling"]) == ("2", "B", "P")
    assert doc["status"] == "EVALUATED"
    hist = grade_history(ws, "IR-2026-000005")
    assert hist[["event", "old", "new"]].values.tolist() == [["grade", None, "2BP"]]
    assert hist.loc[0, "who"] == "A. Analyst" and hist.loc[0, "role"] == "ANALYST"
    alter = ws.audit.entries("ALTER")
    assert {"report/IR-2026-000005@2", "grade_history/IR-2026-000005@1"} <= set(
        alter["record_ref"])
    assert alter.iloc[0]["detail"]["new"] == "2BP"
    assert ws.audit.verify()


def test_policy_is_enforced_on_save_and_nothing_is_written(log_path: Path,
                                                           ws: Workspace) -> None:
    import_reports(ws, _importable(log_path))
    before = len(ws.audit)
    with pytest.raises(GradingError, match="requires handling conditions"):
        save_grade(ws, "IR-2026-000005", Grade.parse_code("2BC", risk_assessment_ref="RA"))
    assert len(ws.audit) == before
    assert ws.get("report", "IR-2026-000005")["handling"] is None
    assert not ws.exists("grade_history", "IR-2026-000005")


def test_rule8_changing_a_submitted_grade_needs_reason_and_role(log_path: Path,
                                                                tmp_path: Path) -> None:
    analyst = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    import_reports(analyst, _importable(log_path))
    new = Grade.parse_code("2AP")
    with pytest.raises(GradingError, match="needs a reason"):
        save_grade(analyst, "IR-2026-000001", new)
    with pytest.raises(GradingError, match="role 'ANALYST' may not re-grade.*INTEL_UNIT, "
                                           "SUPERVISOR"):
        save_grade(analyst, "IR-2026-000001", new, reason="Corroborated by CCTV")
    with pytest.raises(GradingError, match="role 'ANALYST' may not re-grade"):
        regrade(analyst, "IR-2026-000001", new, reason="Corroborated")
    unit = open_as("S. Super", tmp_path / "ws", role="SUPERVISOR")
    regrade(unit, "IR-2026-000001", new, reason="Corroborated by CCTV")
    hist = grade_history(unit, "IR-2026-000001")
    assert hist[["event", "old", "new", "reason", "who"]].values.tolist() == [
        ["regrade", "2BP", "2AP", "Corroborated by CCTV", "S. Super"]]
    entry = unit.audit.entries("ALTER").iloc[-1]
    assert entry["justification"] == "Corroborated by CCTV"
    assert entry["record_ref"].startswith("grade_history/IR-2026-000001")
    # the revision history of the report keeps the old grade too
    revisions = unit.history("report", "IR-2026-000001")
    assert [d["intel_assess"] for d in revisions["doc"]] == ["B", "A"]


def test_confirming_a_submitted_grade_is_not_a_regrade(log_path: Path, ws: Workspace) -> None:
    import_reports(ws, _importable(log_path))
    g = Grade.parse_code("1AC", conditions="No arrest", action_code="A1", sanitisation_code="S2",
                    risk_assessment_ref="RA-1")
    save_grade(ws, "IR-2026-000002", g)
    assert ws.get("report", "IR-2026-000002")["status"] == "EVALUATED"
    assert grade_history(ws, "IR-2026-000002")["event"].tolist() == ["confirm"]


def test_regrading_a_legacy_report_keeps_the_legacy_grade_verbatim(log_path: Path,
                                                                   tmp_path: Path) -> None:
    ws = open_as("I. Unit", tmp_path / "ws", role="INTEL_UNIT")
    import_reports(ws, _importable(log_path))
    regrade(ws, "IR-2012-000004", Grade.parse_code("1BP"), reason="Re-evaluated in 2026")
    doc = ws.get("report", "IR-2012-000004")
    assert doc["legacy_grade"] == "B24" and doc["legacy_scheme"] == "5x5x5"
    assert doc["scheme"] == "3x5x2" and doc["source_eval"] == "1"
    assert grade_history(ws, "IR-2012-000004").loc[0, "old"] == "B24 (5x5x5)"


def test_regrade_needs_an_existing_grade(log_path: Path, tmp_path: Path) -> None:
    ws = open_as("I. Unit", tmp_path / "ws", role="INTEL_UNIT")
    import_reports(ws, _importable(log_path))
    with pytest.raises(GradingError, match="no grade to re-grade"):
        regrade(ws, "IR-2026-000005", Grade.parse_code("1AP"), reason="x")


def test_public_names() -> None:
    assert ib.read_reports is read_reports
    assert ib.reports.save_grade is save_grade and ib.grading.regrade is regrade


# ------------------------------------------- issue 19.1: one policy wherever a grade is stored
def test_import_refuses_grades_that_break_the_policy_and_stores_nothing(
        log_path: Path, ws: Workspace) -> None:
    log = read_reports(log_path)
    with pytest.raises(GradingError) as info:
        import_reports(ws, log)
    msg = str(info.value)
    assert msg.startswith("2 report(s) not imported, nothing was stored")
    assert "IR-2026-000003 (scheme:" in msg
    assert "IR-2026-000006 (conditions:" in msg and "rationale:" in msg
    assert ws.keys("report") == [] and len(ws.audit.entries("COLLECT")) == 0
    # the cases as reports: C without conditions, source 3 without a rationale
    for code, rule in (("2BC", "conditions"), ("3BP", "rationale")):
        one = pd.DataFrame({"urn": [f"IR-{code}"], "source_eval": [code[0]],
                            "intel_assess": [code[1]], "handling": [code[2]],
                            "status": ["SUBMITTED"]})
        with pytest.raises(GradingError, match=f"IR-{code} \\({rule}:"):
            import_reports(ws, one)


def test_the_workspace_policy_applies_to_every_stored_grade(log_path: Path,
                                                            tmp_path: Path) -> None:
    ws = open_as("S. Super", tmp_path / "ws", role="SUPERVISOR")
    assert ib.grading.workspace_policy(ws) == ib.GradingPolicy()  # default when none kept
    lax = ib.GradingPolicy(force="Northshire", risk_assessment_required_for_c=False)
    ib.grading.set_workspace_policy(ws, lax, justification="Force grading policy 2026")
    assert ib.grading.workspace_policy(ws) == lax
    assert ws.audit.entries("ALTER").iloc[-1]["record_ref"].startswith("grading_policy/")
    # the workspace's policy is used without being passed ...
    import_reports(ws, _importable(log_path))
    g = Grade.from_text("2BC", conditions="No arrest", ws=ws)  # no risk assessment needed
    assert save_grade(ws, "IR-2026-000005", g) == 2
    # ... and a different policy cannot override it
    with pytest.raises(GradingError, match="keeps its own grading policy"):
        save_grade(ws, "IR-2026-000005", g, policy=ib.GradingPolicy())
    with pytest.raises(GradingError, match="keeps its own grading policy"):
        import_reports(ws, pd.DataFrame({"urn": ["IR-9"], "source_eval": ["1"],
                                         "intel_assess": ["A"], "handling": ["P"]}),
                       policy=ib.GradingPolicy())
    # a stricter workspace policy refuses what the default accepts
    strict = open_as("S. Super", tmp_path / "strict", role="SUPERVISOR")
    ib.grading.set_workspace_policy(strict, ib.GradingPolicy(rationale_sources=[2, 3]),
                                    justification="Rationale for untested sources")
    with pytest.raises(GradingError, match="IR-2026-000001 \\(rationale: source evaluation 2"):
        import_reports(strict, _importable(log_path))
    log = _importable(log_path)
    import_reports(strict, log[log["urn"] == "IR-2026-000005"])  # a draft with no grade yet
    with pytest.raises(GradingError, match="source evaluation 2 requires a grade rationale"):
        save_grade(strict, "IR-2026-000005", Grade.from_text("2BP"))
    with pytest.raises(GradingError, match="rationale"):
        Grade.from_text("2BP", ws=strict)


def test_new_records_take_gsc_markings_only(tmp_path: Path, ws: Workspace) -> None:
    rows = [
        ['IR-2026-000010', '2026-03-01 09:00', '2026-03-01', 'RESTRICTED', 'ROUTINE', '3x5x2',
         '', '', '', '', '', '', '', '', '', 'DRAFT', 'Original', ''],
        ['IR-2026-000011', '2026-03-01 09:00', '2026-03-01', 'PROTECT', 'ROUTINE', '3x5x2',
         '2', 'B', 'P', '', '', '', '', '', '', 'SUBMITTED', 'Original', ''],
        ['IR-2013-000012', '2013-06-01 09:00', '2013-06-01', 'CONFIDENTIAL', 'ROUTINE', '3x5x2',
         '2', 'B', 'P', '', '', '', '', '', '', 'EVALUATED', 'Original', ''],
        ['IR-2026-000013', '2026-03-01 09:00', '2026-03-01', 'OFFICIAL-SENSITIVE', 'ROUTINE',
         '3x5x2', '', '', '', '', '', '', '', '', '', 'DRAFT', 'Original', ''],
    ]
    p = tmp_path / "markings.csv"
    p.write_text("\n".join(",".join(r) for r in [list(HEADER), *rows]) + "\n",
                 encoding="utf-8")
    log = read_reports(p)
    q = dict(zip(log["urn"], log["quarantine"], strict=True))
    assert q == {"IR-2026-000010": "classification", "IR-2026-000011": "classification",
                 "IR-2013-000012": "", "IR-2026-000013": ""}  # 2013: before the GSC
    with pytest.raises(GradingError, match="IR-2026-000010 \\(classification: "
                                           "classification 'RESTRICTED' is a legacy GPMS"):
        import_reports(ws, log)
    assert ws.keys("report") == []
    assert import_reports(ws, log[log["quarantine"] == ""]) == ["IR-2013-000012",
                                                                "IR-2026-000013"]


def test_legacy_markings_stay_verbatim_and_read_only(log_path: Path, tmp_path: Path) -> None:
    ws = open_as("I. Unit", tmp_path / "ws", role="INTEL_UNIT")
    import_reports(ws, _importable(log_path))
    assert ws.get("report", "IR-2012-000004")["classification"] == "RESTRICTED"
    regrade(ws, "IR-2012-000004", Grade.from_text("1BP"), reason="Re-evaluated in 2026")
    doc = ws.get("report", "IR-2012-000004")
    assert doc["classification"] == "RESTRICTED"  # kept verbatim, never rewritten
    assert ib.grading.marking.is_legacy_record(doc)  # still legacy after the re-grade
    # a record that is not legacy but somehow carries a GPMS marking is not graded
    ws.put("report", "IR-2026-000099", {"urn": "IR-2026-000099", "scheme": "3x5x2",
                                        "created_at": "2026-05-01T09:00:00",
                                        "classification": "RESTRICTED", "status": "DRAFT"},
           action="COLLECT")
    with pytest.raises(GradingError, match="cannot be graded: classification 'RESTRICTED'"):
        save_grade(ws, "IR-2026-000099", Grade.from_text("1AP"))
