"""The DPO report leaves only through the gate, which checks, writes and audits it."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

import intelbench as ib
from tests._identity import open_as


def test_dpo_report_exports_through_the_gate(tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    ws.put_many("report", {"IR-1": {"n": 1}, "IR-2": {"n": 2}}, action="COLLECT")
    ws.get("report", "IR-1", justification="burglary briefing")
    ws.get_many("report", justification="weekly review")
    report = ws.audit.report(record="report/IR-1")
    assert report.entries["justification"].tolist() == ["burglary briefing", "weekly review"]
    out = tmp_path / "out"
    out.mkdir()
    rec = ib.disseminate(
        report.to_frame(),
        to=ib.Recipient("Data Protection Officer", "Southshire Police", "POLICE_FORCE"),
        purpose="Answer a subject access audit question about IR-1",
        basis="Policing purpose: legal duties (DPA 2018 s.62 self-monitoring)",
        necessity="The DPO needs who consulted IR-1 and why; no content is included",
        path=out, fmt="csv", ws=ws, drop=["analyst"],  # officers' identities never leave
    )
    sent = pd.read_csv(rec.path, comment="#")
    assert sent["justification"].tolist() == ["burglary briefing", "weekly review"]
    assert set(sent["action"]) == {"CONSULT"}
    assert "detail" not in sent and "analyst" not in sent
    disclosures = ws.audit.entries("DISCLOSE")
    assert len(disclosures) == 1  # the export itself is a disclosure in the log
    assert len(ws.audit.report(recipient=disclosures["recipient"][0])) == 1
    ws.close()
