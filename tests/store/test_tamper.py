"""Attacks on the audit log by someone with write access to the workspace file (raw SQL).

Each test drops the append-only triggers first, as such an attacker would, performs one
attack and shows that ``verify()`` names it by entry number; the key and the anchors live
outside the workspace (a temporary config and anchor folder here).
"""

from __future__ import annotations

import datetime as dt
import json
import os
import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest

import intelbench.store.anchor as anchor_mod
from intelbench.exceptions import AuditIntegrityError
from intelbench.store.chain import HASHED_FIELDS, entry_hash
from intelbench.store.workspace import Workspace
from tests._identity import open_as


@pytest.fixture
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTELBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("INTELBENCH_ANCHOR_DIR", str(tmp_path / "anchors"))
    monkeypatch.delenv("INTELBENCH_AUDIT_KEY", raising=False)
    return tmp_path


@pytest.fixture
def ws(env: Path) -> Iterator[Workspace]:
    w = open_as("A. Analyst", env / "ws", role="INTEL_UNIT")
    for i in range(1, 7):
        w.put("report", f"IR-{i}", {"n": i}, action="COLLECT")
    yield w
    w.close()


def _raw(ws: Workspace) -> sqlite3.Connection:
    assert ws.path is not None
    ws.close()
    conn = sqlite3.connect(ws.path / "workspace.db", isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_delete")
    return conn


def _failure(ws: Workspace) -> tuple[int, str]:
    with pytest.raises(AuditIntegrityError) as info:
        ws.audit.verify()
    return info.value.seq, str(info.value)  # type: ignore[attr-defined]


def _rechain_plain(raw: sqlite3.Connection, start: int) -> None:
    """Recompute the chain from ``start`` with plain SHA-256 (no key) and rewrite the head."""
    rows = raw.execute("SELECT * FROM ib_audit_log WHERE seq >= ? ORDER BY seq", (start,))
    prev = raw.execute("SELECT hash FROM ib_audit_log WHERE seq = ?", (start - 1,)).fetchone()
    prev_hash = prev[0] if prev else "0" * 64
    for row in rows.fetchall():
        fields = dict(zip(HASHED_FIELDS, row[:10], strict=True))
        fields["detail"] = json.loads(fields["detail"])
        fields["prev_hash"] = prev_hash
        prev_hash = entry_hash(fields)
        raw.execute(
            "UPDATE ib_audit_log SET prev_hash = ?, hash = ? WHERE seq = ?",
            (fields["prev_hash"], prev_hash, fields["seq"]),
        )
    last = raw.execute("SELECT max(seq) FROM ib_audit_log").fetchone()[0] or 0
    raw.execute("UPDATE ib_state SET audit_seq = ?, audit_head = ?", (last, prev_hash))


# --------------------------------------------------------------------------- the four attacks


def test_clean_log_verifies_against_its_anchor(ws: Workspace) -> None:
    assert ws.audit.verify()
    assert ws.audit.anchor is not None and ws.audit.anchor.head_file.is_file()
    head = json.loads(ws.audit.anchor.head_file.read_text())
    assert (head["seq"], head["hash"]) == ws.audit.head()


def test_truncation_with_the_stored_head_rewritten_is_detected(ws: Workspace) -> None:
    with _raw(ws) as raw:
        h4 = raw.execute("SELECT hash FROM ib_audit_log WHERE seq = 4").fetchone()[0]
        raw.execute("DELETE FROM ib_audit_log WHERE seq > 4")
        raw.execute("UPDATE ib_state SET audit_seq = 4, audit_head = ?", (h4,))
    seq, message = _failure(ws)
    assert seq == 5 and "truncated" in message and "entry 6" in message


def test_truncating_everything_is_detected(ws: Workspace) -> None:
    with _raw(ws) as raw:
        raw.execute("DELETE FROM ib_audit_log")
        raw.execute("UPDATE ib_state SET audit_seq = 0, audit_head = ?", ("0" * 64,))
    assert _failure(ws)[0] == 1


def test_edit_and_recomputed_chain_is_detected(ws: Workspace) -> None:
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_log SET analyst = 'Someone Else' WHERE seq = 3")
        _rechain_plain(raw, 3)
    seq, message = _failure(ws)
    assert seq == 3 and "re-chained" in message


def test_rechaining_the_whole_log_as_plain_and_moving_the_key_start_is_detected(
    ws: Workspace,
) -> None:
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_log SET justification = 'cover story' WHERE seq = 2")
        _rechain_plain(raw, 1)
        raw.execute("UPDATE ib_audit_meta SET keyed_from = 7")  # "all of it is old and plain"
    seq, message = _failure(ws)
    assert seq == 1 and "downgrade" in message


def test_dropping_the_triggers_alone_changes_nothing(ws: Workspace) -> None:
    _raw(ws).close()
    assert ws.audit.verify()


# --------------------------------------------------------------------------- the anchor itself


def test_deleted_anchor_is_reported(ws: Workspace) -> None:
    assert ws.audit.anchor is not None
    for path in (ws.audit.anchor.head_file, ws.audit.anchor.checkpoint_file):
        path.unlink()
    seq, message = _failure(ws)
    assert "no anchor" in message and str(ws.audit.anchor.head_file) in message


def test_deleted_head_file_is_reported_even_with_checkpoints_left(ws: Workspace) -> None:
    assert ws.audit.anchor is not None
    ws.audit.anchor.head_file.unlink()
    with _raw(ws) as raw:  # hide the entries after the last checkpoint (entry 0, "bound")
        raw.execute("DELETE FROM ib_audit_log WHERE seq > 2")
        h2 = raw.execute("SELECT hash FROM ib_audit_log WHERE seq = 2").fetchone()[0]
        raw.execute("UPDATE ib_state SET audit_seq = 2, audit_head = ?", (h2,))
    assert "anchored head" in _failure(ws)[1] and "is missing" in _failure(ws)[1]


def test_forged_anchor_is_reported(ws: Workspace) -> None:
    assert ws.audit.anchor is not None
    head = json.loads(ws.audit.anchor.head_file.read_text())
    head["seq"] = 4
    ws.audit.anchor.head_file.write_text(json.dumps(head))
    seq, message = _failure(ws)
    assert "altered or signed with another key" in message and seq == 4


def test_rolled_back_head_file_is_caught_by_a_checkpoint(ws: Workspace) -> None:
    assert ws.audit.anchor is not None
    old_head = ws.audit.anchor.head_file.read_text()  # a valid signed head at entry 6
    ws.put("report", "IR-7", {"n": 7}, action="COLLECT")
    cp = ws.audit.checkpoint()
    assert cp.seq == 7 and cp.reason == "checkpoint"
    ws.audit.anchor.head_file.write_text(old_head)  # the attacker restores an older head ...
    with _raw(ws) as raw:  # ... and cuts the log back to it
        h6 = raw.execute("SELECT hash FROM ib_audit_log WHERE seq = 6").fetchone()[0]
        raw.execute("DELETE FROM ib_audit_log WHERE seq > 6")
        raw.execute("UPDATE ib_state SET audit_seq = 6, audit_head = ?", (h6,))
    seq, message = _failure(ws)
    assert seq == 7 and "checkpoint" in message


def test_reset_key_record_is_refused_on_reopening(ws: Workspace, env: Path) -> None:
    assert ws.audit.anchor is not None
    anchor = ws.audit.anchor
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_meta SET key_id = NULL, keyed_from = NULL")
        _rechain_plain(raw, 1)
    anchor.head_file.unlink()
    anchor.checkpoint_file.unlink()
    with pytest.raises(AuditIntegrityError, match="was bound to an audit key before"):
        open_as("A. Analyst", env / "ws")


def test_changed_workspace_id_is_reported(ws: Workspace) -> None:
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_meta SET workspace_id = 'f' || substr(workspace_id, 2)")
    w = open_as("A. Analyst", ws.path or "")
    with pytest.raises(AuditIntegrityError, match="now calls itself"):
        w.audit.verify()


def test_head_not_yet_anchored_is_accepted_but_still_keyed(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a writer killed between its commit and the anchor write leaves the log ahead of it
    monkeypatch.setattr(anchor_mod.Anchor, "write_head", lambda self, record: None)
    ws.put("report", "IR-7", {"n": 7})
    monkeypatch.undo()
    assert ws.audit.verify()
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_log SET analyst = 'x' WHERE seq = 7")
    assert _failure(ws)[0] == 7


def test_checkpoints_after_disclosure_and_daily(ws: Workspace) -> None:
    assert ws.audit.anchor is not None
    lines = ws.audit.anchor.checkpoint_file.read_text().splitlines()
    assert [json.loads(x)["reason"] for x in lines] == ["bound"]
    ws.audit.record("DISCLOSE", justification="tasking", record_ref="report/IR-1",
                    recipient="Northshire Council")
    ws.put("report", "IR-1", {"n": 10})  # an ordinary write: no checkpoint
    ws.audit._last_checkpoint = dt.datetime.now(dt.UTC) - dt.timedelta(days=2)
    ws.put("report", "IR-2", {"n": 20})  # a day has passed: a daily checkpoint
    records = [json.loads(x) for x in ws.audit.anchor.checkpoint_file.read_text().splitlines()]
    assert [(r["reason"], r["seq"]) for r in records] == [
        ("bound", 0), ("disclosure", 7), ("daily", 9)
    ]
    assert all(r["mac"] and r["key_id"] == ws.audit.key_id for r in records)


# --------------------------------------------------------------------------- the key


def test_key_file_is_owner_only_and_outside_the_workspace(ws: Workspace, env: Path) -> None:
    key_file = env / "cfg" / "audit.key"
    assert ws.audit.settings.key_file == key_file
    assert oct(key_file.stat().st_mode & 0o777) == "0o600"
    assert ws.path is not None and not key_file.is_relative_to(ws.path)
    assert key_file.read_text().strip() not in (ws.path / "workspace.db").read_bytes().decode(
        "latin-1"
    )


def test_key_readable_by_others_is_refused(ws: Workspace, env: Path) -> None:
    key_file = env / "cfg" / "audit.key"
    os.chmod(key_file, 0o644)
    with pytest.raises(AuditIntegrityError, match=r"mode 0o644.*chmod 600"):
        open_as("A. Analyst", env / "ws")


def test_missing_key_is_not_silently_replaced(ws: Workspace, env: Path) -> None:
    (env / "cfg" / "audit.key").unlink()
    with pytest.raises(AuditIntegrityError, match="audit key file .* is missing"):
        open_as("A. Analyst", env / "ws")
    assert not (env / "cfg" / "audit.key").exists()


def test_another_key_is_refused(ws: Workspace, env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    other = env / "other.key"
    other.write_text("ab" * 32)
    other.chmod(0o600)
    monkeypatch.setenv("INTELBENCH_AUDIT_KEY", str(other))
    with pytest.raises(AuditIntegrityError, match="audit key mismatch"):
        open_as("A. Analyst", env / "ws")
    other.write_text("not a key")
    with pytest.raises(AuditIntegrityError, match="does not hold a key"):
        open_as("A. Analyst", env / "ws2")


def test_key_from_the_user_config(env: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (env / "cfg").mkdir()
    (env / "cfg" / "config.toml").write_text(
        f'[audit]\nkey_file = "{env / "keys" / "force.key"}"\n'
        f'anchor_dir = "{env / "force-anchors"}"\n'
    )
    monkeypatch.delenv("INTELBENCH_ANCHOR_DIR")
    w = open_as("A", env / "w")
    w.put("plan", "p", {})
    assert (env / "keys" / "force.key").is_file()
    assert w.audit.anchor is not None and w.audit.anchor.folder == env / "force-anchors"
    assert w.audit.anchor.head_file.is_file() and w.audit.verify()
