"""Disposal leaves no content hash anyone can recompute (issue 19 §4, crypto-shredding).

Each record's revisions are hashed in the audit log under the record's own key; disposal
destroys that key with the content. After it, the HMAC of the original content under the
audit key, or under any key left in the workspace, matches no entry about the record, while
the chain still verifies and the DPO views still show the decision.
"""

from __future__ import annotations

import hashlib
import hmac
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

from intelbench.grading.grade import Grade
from intelbench.grading.proposals import propose_regrade
from intelbench.grading.reports import import_reports
from intelbench.retention import decide, register, retention_report
from intelbench.store.db import documents, record_keys
from intelbench.store.workspace import Workspace
from tests._identity import open_as

AS_OF = "2026-11-30"
LOG = pd.DataFrame({
    "urn": ["IR-1", "IR-3"],
    "created_at": ["2019-01-10 09:00", "2020-12-20 12:00"],
    "source_eval": ["2"] * 2, "intel_assess": ["B"] * 2, "handling": ["P"] * 2,
    "status": ["EVALUATED"] * 2, "classification": ["OFFICIAL"] * 2,
    "sanitised_text": ["SUBJECT 1 seen at [ADDRESS]"] * 2,
    "original_text": ["Fred Bloggs seen at 1 High St", "Jon Smith seen at 14 Acacia Road"],
})
REGISTER = pd.DataFrame({
    "key": ["IR-1", "IR-3"], "record_type": ["intelligence"] * 2,
    "offence": ["theft", "burglary"], "created_at": LOG["created_at"],
    "subject": ["P-1", "P-3"], "subject_dob": ["1980-01-01", ""],
})


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_as("i.unit", tmp_path / "ws", role="INTEL_UNIT")
    import_reports(w, LOG)
    register(w, REGISTER)
    return w


def _mac(key: bytes, text: str) -> str:
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def _revisions(ws: Workspace, refs: list[tuple[str, str]]) -> dict[tuple[str, str, int], str]:
    """The stored canonical text of every revision of the given records."""
    out: dict[tuple[str, str, int], str] = {}
    with ws.engine.connect() as conn:
        for kind, key in refs:
            for rev, doc in conn.execute(
                sa.select(documents.c.revision, documents.c.doc).where(
                    documents.c.kind == kind, documents.c.key == key
                )
            ):
                out[(kind, key, int(rev))] = str(doc)
    return out


def _keys_left(ws: Workspace) -> dict[tuple[str, str], bytes]:
    with ws.engine.connect() as conn:
        return {
            (str(k), str(n)): bytes.fromhex(s)
            for k, n, s in conn.execute(
                sa.select(record_keys.c.kind, record_keys.c.key, record_keys.c.secret)
            )
        }


def _hashed_entries(ws: Workspace, texts: dict[tuple[str, str, int], str]) -> list[tuple]:
    """(entry seq, stored content_hmac, original text) for each entry about a revision."""
    found = []
    for row in ws.audit.entries().itertuples():
        d = row.detail
        if "content_hmac" in d and (d.get("kind"), d.get("key"), d.get("revision")) in texts:
            found.append((row.seq, d["content_hmac"], texts[(d["kind"], d["key"], d["revision"])]))
    return found


def test_disposal_destroys_the_record_keys_so_no_content_hash_can_be_recomputed(
    ws: Workspace,
) -> None:
    propose_regrade(ws, "IR-3", Grade.parse_code("1BP"), reason="tested")
    ws.put("report", "IR-3", {**ws.get("report", "IR-3", justification="t"), "note": "v2"})
    related = [("report", "IR-3"), ("grade_history", "IR-3"), ("regrade_proposal", "IR-3.P1")]
    texts = _revisions(ws, related)
    assert ("report", "IR-3", 2) in texts and ("regrade_proposal", "IR-3.P1", 1) in texts
    hashed = _hashed_entries(ws, texts)
    assert len(hashed) >= 3
    # before disposal each hash is the HMAC under the record's own key (not the audit key)
    keys = _keys_left(ws)
    for seq, stored, text in hashed:
        entry = ws.audit.entries().set_index("seq").loc[seq]
        kind, key = entry["detail"]["kind"], entry["detail"]["key"]
        assert entry["detail"]["content_key"] == "record"
        assert stored == _mac(keys[(kind, key)], text) != _mac(ws.audit._key, text)

    decide(ws, "report/IR-3", "DISPOSE", reason="No longer necessary", as_of=AS_OF)

    left = _keys_left(ws)
    assert not {(k, n) for k, n in left if n.startswith("IR-3")}
    assert ("report", "IR-1") in left  # the other record keeps its key
    candidates = [ws.audit._key, *left.values()]
    for seq, stored, text in _hashed_entries(ws, texts):
        for key in candidates:
            assert _mac(key, text) != stored, f"entry {seq} still confirms the content"
        assert hashlib.sha256(text.encode()).hexdigest() != stored
    log = ws.audit.entries().astype(str).to_csv()
    assert "Acacia" not in log
    for text in texts.values():
        assert hashlib.sha256(text.encode()).hexdigest() not in log
    # the erasures say the keys were destroyed; the chain verifies; the DPO sees the decision
    erase = ws.audit.entries("ERASE")
    assert erase["record_ref"].tolist() == ["report/IR-3", "regrade_proposal/IR-3.P1"]
    assert all(d["record_key_destroyed"] for d in erase["detail"])
    assert ws.audit.verify()
    decision = ws.audit.entries(record_ref="retention/report/IR-3").iloc[-1]
    assert decision["detail"]["event"] == "retention_disposed"
    assert decision["justification"] == "No longer necessary"
    report = retention_report(ws, as_of=AS_OF)
    assert report.disposals["ref"].tolist() == ["report/IR-3"]
    assert report.disposals["decided_by"].tolist() == ["i.unit"]
    done = ws.audit.report(analyst="i.unit").entries
    assert {"ERASE", "ALTER"} <= set(done["action"])


def test_a_record_saved_again_after_erasure_gets_a_new_key(ws: Workspace) -> None:
    before = _keys_left(ws)[("report", "IR-1")]
    ws.put("scratch", "S-1", {"a": 1})
    ws.delete("report", "IR-1", justification="erasure request")
    assert ("report", "IR-1") not in _keys_left(ws)
    ws.put("report", "IR-1", {"text": "new"}, action="COLLECT")
    after = _keys_left(ws)[("report", "IR-1")]
    assert after != before and len(after) == 32
