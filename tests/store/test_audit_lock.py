"""After an audit integrity failure the workspace refuses writes until a SUPERVISOR acknowledges.

Rule (issue 13): a missing or world-readable key, a checkpoint that does not match and a
truncated log each raise ``AuditIntegrityError`` and lock the workspace; reads still work and
are logged; only a SUPERVISOR lifts the lock, and the acknowledgement is audited.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

from intelbench.exceptions import (
    AuditIntegrityError,
    IntelbenchWarning,
    ParameterError,
    RoleError,
    WorkspaceLockedError,
)
from tests._identity import open_as


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTELBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("INTELBENCH_ANCHOR_DIR", str(tmp_path / "anchors"))
    monkeypatch.delenv("INTELBENCH_AUDIT_KEY", raising=False)
    return tmp_path


@pytest.fixture
def folder(env: Path) -> Iterator[Path]:
    with open_as("s.super", env / "ws", role="SUPERVISOR") as w:
        for i in range(1, 6):
            w.put("report", f"IR-{i}", {"n": i}, action="COLLECT")
    yield env / "ws"


def _truncate(folder: Path, keep: int) -> None:
    raw = sqlite3.connect(folder / "workspace.db", isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_delete")
    raw.execute("DELETE FROM ib_audit_log WHERE seq > ?", (keep,))
    head = raw.execute("SELECT seq, hash FROM ib_audit_log ORDER BY seq DESC LIMIT 1").fetchone()
    raw.execute("UPDATE ib_state SET audit_seq = ?, audit_head = ?", head)
    raw.close()


def test_truncated_log_locks_on_opening_and_refuses_writes(folder: Path) -> None:
    _truncate(folder, 3)
    with pytest.warns(IntelbenchWarning, match="entries were cut off"):
        ws = open_as("a.analyst", folder, role="ANALYST")
    assert ws.audit.locked()
    locks = ws.audit.locks()
    assert locks["entry_seq"].tolist() == [4]
    assert "anchor outside the workspace records entry 5" in locks["problem"][0]
    with pytest.raises(WorkspaceLockedError, match="SUPERVISOR must investigate"):
        ws.put("report", "IR-9", {"n": 9}, action="COLLECT")
    with pytest.raises(WorkspaceLockedError):
        ws.delete("report", "IR-1", justification="MoPI review")
    # reads still work and are still logged
    assert ws.get("report", "IR-1", justification="investigating") == {"n": 1}
    assert ws.audit.entries("CONSULT")["justification"].tolist() == ["investigating"]
    ws.close()


def test_only_a_supervisor_acknowledges_and_the_acknowledgement_is_audited(folder: Path) -> None:
    _truncate(folder, 3)
    with pytest.warns(IntelbenchWarning):
        analyst = open_as("a.analyst", folder, role="ANALYST")
    with pytest.raises(RoleError, match="only a SUPERVISOR may acknowledge"):
        analyst.audit.acknowledge("I looked")
    analyst.close()
    with pytest.warns(IntelbenchWarning, match="1 open problem"):  # not locked twice
        sup = open_as("s.super", folder, role="SUPERVISOR")
    with pytest.raises(ParameterError, match="reason"):
        sup.audit.acknowledge("  ")
    entry = sup.audit.acknowledge("Entries 4-5 lost in a restore; accepted after investigation")
    assert (entry.action, entry.record_ref) == ("ALTER", "audit/integrity")
    assert entry.analyst == "s.super"
    assert entry.detail["event"] == "integrity_acknowledged"
    assert entry.detail["first_bad_entries"] == [4]
    lock = sup.audit.locks().iloc[0]
    assert (lock["acknowledged_by"], lock["ack_entry"]) == ("s.super", entry.seq)
    assert not sup.audit.locked()
    assert sup.put("report", "IR-9", {"n": 9}, action="COLLECT") == 1
    with pytest.raises(ParameterError, match="not locked"):
        sup.audit.acknowledge("again")
    sup.close()
    # the acknowledgement re-based the anchor: reopening neither warns nor locks
    again = open_as("a.analyst", folder, role="ANALYST")
    assert not again.audit.locked() and again.audit.verify()
    again.close()


def test_an_edit_found_by_verify_locks_once_and_stays_reported(folder: Path) -> None:
    raw = sqlite3.connect(folder / "workspace.db", isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_update")
    raw.execute("UPDATE ib_audit_log SET justification = 'edited' WHERE seq = 2")
    raw.close()
    ws = open_as("s.super", folder, role="SUPERVISOR")
    assert not ws.audit.locked()  # the quick check on opening reads only the anchored entry
    with pytest.raises(AuditIntegrityError) as info:
        ws.audit.verify()
    assert info.value.seq == 2  # type: ignore[attr-defined]
    assert ws.audit.locked()
    ws.audit.acknowledge("edit investigated; disciplinary referral")
    with pytest.raises(AuditIntegrityError):  # still true, still reported ...
        ws.audit.verify()
    assert not ws.audit.locked()  # ... but the same problem does not lock again
    ws.close()


def test_missing_key_locks_until_acknowledged(folder: Path, env: Path) -> None:
    key = env / "cfg" / "audit.key"
    saved = key.read_bytes()
    key.unlink()
    with pytest.raises(AuditIntegrityError, match="audit key file .* is missing"):
        open_as("a.analyst", folder, role="ANALYST")
    key.write_bytes(saved)
    key.chmod(0o600)
    with pytest.warns(IntelbenchWarning, match="is missing"):
        ws = open_as("s.super", folder, role="SUPERVISOR")
    assert ws.audit.locked()
    assert "is missing" in ws.audit.locks()["problem"][0]
    with pytest.raises(WorkspaceLockedError):
        ws.put("plan", "CP-1", {}, action="COLLECT")
    ws.audit.acknowledge("key restored from the unit's safe")
    assert ws.put("plan", "CP-1", {}, action="COLLECT") == 1
    ws.close()


def test_world_readable_key_locks_until_acknowledged(folder: Path, env: Path) -> None:
    key = env / "cfg" / "audit.key"
    key.chmod(0o644)
    with pytest.raises(AuditIntegrityError, match="readable"):
        open_as("a.analyst", folder, role="ANALYST")
    key.chmod(0o600)
    with pytest.warns(IntelbenchWarning, match="readable"):
        ws = open_as("s.super", folder, role="SUPERVISOR")
    assert ws.audit.locked()
    assert "<b>Workspace locked" in ws.audit._repr_html_()
    ws.audit.acknowledge("permissions fixed; key rotated is not needed: no other users")
    assert "Workspace locked" not in ws.audit._repr_html_()
    ws.close()


def test_a_mismatching_checkpoint_locks(folder: Path, env: Path) -> None:
    ws = open_as("s.super", folder, role="SUPERVISOR")
    ws.audit.checkpoint()
    ws.close()
    raw = sqlite3.connect(folder / "workspace.db", isolation_level=None)
    raw.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_update")
    raw.execute("UPDATE ib_audit_log SET hash = ? WHERE seq = 5", ("f" * 64,))
    raw.execute("UPDATE ib_state SET audit_head = ?", ("f" * 64,))
    raw.close()
    with pytest.warns(IntelbenchWarning, match="entry 5 does not have the hash anchored"):
        locked = open_as("a.analyst", folder, role="ANALYST")
    assert locked.audit.locked()
    locked.close()
