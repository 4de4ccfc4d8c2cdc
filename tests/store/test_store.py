"""The workspace store: documents, revisions, transactions, schema, kill and concurrency."""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import os
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pandas as pd
import pytest
import sqlalchemy as sa

import intelbench as ib
import intelbench.store.db as _db
import intelbench.store.workspace as store
from intelbench.exceptions import AuditIntegrityError, ParameterError, StoreError
from intelbench.store.workspace import DocumentNotFoundError, Migration, Workspace
from tests._identity import open_as
from tests.store.legacy import make_legacy


class Colour(enum.Enum):
    RED = "red"


def _plain(detail: dict) -> dict:
    """An audit entry's detail without ``identity`` (where the analyst's name came from)."""
    return {k: v for k, v in detail.items() if k != "identity"}


def _written(ws: Workspace) -> int:
    """Number of audit entries other than consultations (reads are CONSULT entries too)."""
    return int((ws.audit.entries()["action"] != "CONSULT").sum())


@pytest.fixture
def ws(tmp_path: Path) -> Workspace:
    w = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    yield w
    w.close()


# --------------------------------------------------------------------------- documents


def test_folder_created_and_public_names(tmp_path: Path) -> None:
    w = open_as("X", tmp_path / "a" / "b", role="SUPERVISOR")
    assert (tmp_path / "a" / "b" / "workspace.db").is_file()
    assert w.path == (tmp_path / "a" / "b").resolve()
    assert isinstance(w.engine, sa.engine.Engine)
    assert (w.analyst, w.role, w.schema_version) == ("X", "SUPERVISOR", 6)
    assert ib.store.Workspace is Workspace and ib.audit.AuditLog is type(w.audit)


def test_round_trip_converts_values_deterministically(ws: Workspace) -> None:
    doc = {
        "b": 1,
        "a": {"when": dt.datetime(2026, 3, 1, 22, 15, tzinfo=dt.UTC), "day": dt.date(2026, 3, 1)},
        "amount": decimal.Decimal("12.50"),
        "colour": Colour.RED,
        "tags": {"z", "y"},
        "tuple": (1, 2),
        "none": None,
        "unicode": "Ærø – £",
    }
    assert ws.put("plan", "CP-1", doc, action="COLLECT") == 1
    got = ws.get("plan", "CP-1")
    assert got == {
        "a": {"day": "2026-03-01", "when": "2026-03-01T22:15:00+00:00"},
        "amount": "12.50",
        "b": 1,
        "colour": "red",
        "none": None,
        "tags": ["y", "z"],
        "tuple": [1, 2],
        "unicode": "Ærø – £",
    }
    # keys are stored sorted, so the same content in another order has the same hash
    h1 = ws.history("plan", "CP-1")["sha256"][0]
    ws.put("plan", "CP-2", dict(reversed(list(doc.items()))))
    assert ws.history("plan", "CP-2")["sha256"][0] == h1
    # get returns a fresh copy
    got["b"] = 99
    assert ws.get("plan", "CP-1")["b"] == 1


def test_numpy_and_pandas_values(ws: Workspace) -> None:
    import numpy as np

    ws.put("report", "R", {"n": np.int64(3), "x": np.float64(0.5), "t": pd.Timestamp("2026-01-02")})
    assert ws.get("report", "R") == {"n": 3, "x": 0.5, "t": "2026-01-02T00:00:00"}


@pytest.mark.parametrize(
    ("doc", "match"),
    [
        ({"x": float("nan")}, "NaN"),
        ({"x": object()}, "type object"),
        ({"x": {(1, 2): 3}}, "tuple"),
    ],
)
def test_unstorable_values_are_refused(ws: Workspace, doc: dict[str, Any], match: str) -> None:
    with pytest.raises(StoreError, match=match):
        ws.put("plan", "bad", doc)
    assert not ws.exists("plan", "bad") and len(ws.audit) == 0


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"kind": "", "key": "k", "doc": {}}, "kind must be"),
        ({"kind": "plan", "key": 5, "doc": {}}, "key must be"),
        ({"kind": "plan", "key": "k", "doc": [1]}, "doc must be a dict; got list"),
        ({"kind": "plan", "key": "k", "doc": {}, "action": "PEEK"}, "action must be one of"),
        ({"kind": "plan", "key": "k", "doc": {}, "action": "ERASE"}, "use Workspace.delete"),
        ({"kind": "plan", "key": "k", "doc": {}, "action": "CONSULT"}, "justification is req"),
        (
            {"kind": "plan", "key": "k", "doc": {}, "action": "DISCLOSE", "justification": "j"},
            "recipient is required",
        ),
    ],
)
def test_put_checks_its_arguments(ws: Workspace, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        ws.put(**kwargs)
    assert len(ws.audit) == 0


def test_revisions_and_history(ws: Workspace) -> None:
    for n in range(1, 4):
        assert ws.put("plan", "CP-1", {"n": n}) == n
    hist = ws.history("plan", "CP-1")
    assert list(hist.columns[:4]) == ["revision", "saved_at", "analyst", "role"]
    assert {"doc", "action", "sha256"} <= set(hist.columns)
    assert list(hist["revision"]) == [1, 2, 3]
    assert [d["n"] for d in hist["doc"]] == [1, 2, 3]
    assert str(hist["saved_at"].dt.tz) == "UTC"
    assert hist["saved_at"].is_monotonic_increasing
    assert ws.get("plan", "CP-1") == {"n": 3}
    assert ws.get("plan", "CP-1", revision=2) == {"n": 2}
    assert ws.get("plan", "CP-1", 1) == {"n": 1}


def test_missing_documents(ws: Workspace) -> None:
    with pytest.raises(DocumentNotFoundError, match="no plan 'x'") as info:
        ws.get("plan", "x")
    assert isinstance(info.value, KeyError) and isinstance(info.value, StoreError)
    ws.put("plan", "x", {})
    with pytest.raises(KeyError, match="revision 7"):
        ws.get("plan", "x", revision=7)
    with pytest.raises(StoreError):
        ws.history("plan", "nope")
    with pytest.raises(ParameterError, match="revision must be an int"):
        ws.get("plan", "x", revision="1")  # type: ignore[arg-type]


def test_keys_exists_summary(ws: Workspace) -> None:
    ws.put("plan", "B", {})
    ws.put("plan", "A", {})
    ws.put("plan", "A", {"v": 2})
    ws.put("report", "R", {})
    assert ws.keys("plan") == ["A", "B"]
    assert ws.keys("grade_history") == []
    assert ws.exists("plan", "A") and not ws.exists("plan", "R")
    summary = ws.summary()
    assert summary.to_dict("list") == {
        "kind": ["plan", "report"],
        "documents": [2, 1],
        "revisions": [3, 1],
    }


def test_put_audits_references_and_hash_only(ws: Workspace) -> None:
    secret = "Jon SMITH 07700 900123"
    ws.put("report", "IR-1", {"text": secret}, action="COLLECT")
    ws.put("report", "IR-1", {"text": secret + "!"}, detail={"source_count": 2})
    ws.put(
        "dissemination",
        "D-1",
        {"to": "x"},
        action="DISCLOSE",
        justification="Op Larch",
        recipient="Northshire Council",
    )
    e = ws.audit.entries()
    assert list(e["action"]) == ["COLLECT", "ALTER", "DISCLOSE"]
    assert list(e["record_ref"]) == ["report/IR-1@1", "report/IR-1@2", "dissemination/D-1@1"]
    assert e["recipient"][2] == "Northshire Council"
    assert e["detail"][1]["source_count"] == 2
    # the content hash in the log is keyed: not the plain SHA-256 kept with the revision
    assert len(e["detail"][0]["content_hmac"]) == 64 and "sha256" not in e["detail"][0]
    assert e["detail"][0]["content_hmac"] != ws.history("report", "IR-1")["sha256"][0]
    assert e["analyst"].eq("A. Analyst").all()
    assert secret not in e.astype(str).to_csv()
    assert ws.audit.verify()


def test_put_without_audit(ws: Workspace) -> None:
    ws.put("plan_draft", "CP-1", {"n": 1}, audit=False)
    assert len(ws.audit) == 0 and ws.get("plan_draft", "CP-1") == {"n": 1}
    assert len(ws.audit) == 0  # a form's own draft: reading it back is not a consultation
    ws.put("note", "N-1", {"n": 1}, audit=False)
    assert ws.get("note", "N-1") == {"n": 1}
    assert ws.audit.entries()["action"].tolist() == ["CONSULT"]  # reading it is still logged


def test_delete_erases_content_everywhere(ws: Workspace) -> None:
    secret = "ZQXJ-secret-marker-4471"
    for n in range(3):
        ws.put(
            "osint",
            "Q-1",
            {"query": f"{secret} {n}", "pad": "p" * 5000},
            action="OSINT_QUERY",
            justification="Op Larch",
        )
    with pytest.raises(ParameterError, match="justification is required for ERASE"):
        ws.delete("osint", "Q-1", justification="  ")
    assert ws.delete("osint", "Q-1", justification="MoPI review") == 3
    assert not ws.exists("osint", "Q-1") and ws.keys("osint") == []
    with pytest.raises(DocumentNotFoundError):
        ws.get("osint", "Q-1", revision=1)
    with pytest.raises(DocumentNotFoundError):
        ws.history("osint", "Q-1")
    with pytest.raises(DocumentNotFoundError, match="to erase"):
        ws.delete("osint", "Q-1", justification="again")
    erase = ws.audit.entries("ERASE")
    assert len(erase) == 1
    assert erase["record_ref"][0] == "osint/Q-1"
    assert _plain(erase["detail"][0]) == {
        "kind": "osint",
        "key": "Q-1",
        "revisions_erased": 3,
        "record_key_destroyed": True,
    }
    assert ws.audit.verify()
    # numbering continues after an erasure
    assert ws.put("osint", "Q-1", {"query": "new"}) == 5
    assert list(ws.history("osint", "Q-1")["revision"]) == [5]
    # the erased text is gone from the files on disk, WAL included
    ws.close()
    assert ws.path is not None
    for f in ws.path.iterdir():
        if f.name.startswith("workspace.db"):
            assert secret.encode() not in f.read_bytes(), f.name


# --------------------------------------------------------------------------- transactions


def test_failure_before_commit_rolls_back_document_and_audit(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.put("plan", "CP-1", {"n": 1}, action="COLLECT")

    def boom() -> None:
        raise RuntimeError("power cut")

    monkeypatch.setattr(_db, "_BEFORE_COMMIT", boom)
    with pytest.raises(RuntimeError, match="power cut"):
        ws.put("plan", "CP-1", {"n": 2})
    with pytest.raises(RuntimeError):
        ws.delete("plan", "CP-1", justification="x")
    with pytest.raises(RuntimeError):
        ws.audit.record("CONSULT", justification="j", record_ref="plan/CP-1")
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", None)
    assert ws.get("plan", "CP-1") == {"n": 1}
    assert len(ws.history("plan", "CP-1")) == 1 and _written(ws) == 1
    assert ws.audit.verify()
    assert ws.put("plan", "CP-1", {"n": 2}) == 2


def test_audit_failure_rolls_back_the_document(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(*args: Any, **kwargs: Any) -> Any:
        raise sa.exc.OperationalError("INSERT", {}, Exception("disk full"))

    monkeypatch.setattr(ws.audit, "_append_many", broken)
    with pytest.raises(sa.exc.OperationalError):
        ws.put("plan", "CP-1", {"n": 1})
    monkeypatch.undo()
    assert not ws.exists("plan", "CP-1")
    assert len(ws.audit) == 0


def test_sqlite_settings(ws: Workspace) -> None:
    with ws.engine.connect() as conn:
        assert conn.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert conn.exec_driver_sql("PRAGMA synchronous").scalar() == 2  # FULL
        assert conn.exec_driver_sql("PRAGMA secure_delete").scalar() == 1


def test_audit_table_refuses_update_and_delete(ws: Workspace) -> None:
    ws.put("plan", "CP-1", {})
    for stmt in ("UPDATE ib_audit_log SET analyst = 'x'", "DELETE FROM ib_audit_log"):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with ws.engine.begin() as conn:
                conn.exec_driver_sql(stmt)
    assert ws.audit.verify() and len(ws.audit) == 1


# --------------------------------------------------------------------------- identity


def test_identity_precedence(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "workspace.toml").write_text('analyst = "Cfg Person"\nrole = "researcher"\n')
    monkeypatch.delenv("INTELBENCH_ANALYST", raising=False)
    monkeypatch.delenv("INTELBENCH_ROLE", raising=False)
    w = Workspace(folder)
    assert (w.analyst, w.role) == ("Cfg Person", "RESEARCHER")
    monkeypatch.setenv("INTELBENCH_ANALYST", "Env Person")
    monkeypatch.setenv("INTELBENCH_ROLE", "INTEL_UNIT")
    w = Workspace(folder)
    assert (w.analyst, w.role) == ("Env Person", "INTEL_UNIT")
    w = open_as("Arg Person", folder, role="SUPERVISOR")
    assert (w.analyst, w.role) == ("Arg Person", "SUPERVISOR")
    w.put("plan", "p", {})
    assert w.audit.entries()["analyst"][0] == "Arg Person"
    assert w.history("plan", "p")["role"][0] == "SUPERVISOR"


def test_identity_json_config_and_os_user(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("INTELBENCH_ANALYST", raising=False)
    monkeypatch.delenv("INTELBENCH_ROLE", raising=False)
    folder = tmp_path / "j"
    folder.mkdir()
    (folder / "workspace.json").write_text(json.dumps({"workspace": {"analyst": "J Son"}}))
    w = Workspace(folder)
    assert (w.analyst, w.role) == ("J Son", "ANALYST")
    from intelbench.store import identity as _workspace

    monkeypatch.setattr(_workspace.getpass, "getuser", lambda: "osuser")
    w = Workspace(tmp_path / "plain")
    assert (w.analyst, w.role) == ("osuser", "ANALYST")


def test_bad_role_and_config(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="role must be one of ANALYST.*got 'CHIEF'"):
        open_as("A", tmp_path / "w", role="CHIEF")
    bad = tmp_path / "bad"
    bad.mkdir()
    (bad / "workspace.toml").write_text("analyst = [unclosed")
    with pytest.raises(StoreError, match="workspace config"):
        open_as("A", bad)


# --------------------------------------------------------------------------- locations, schema


def test_url_and_bad_locations(tmp_path: Path) -> None:
    w = open_as("A", f"sqlite:///{tmp_path / 'direct.db'}", role="ANALYST")
    assert w.path is None and w.put("plan", "p", {}) == 1 and w.audit.verify()
    assert "direct.db" in repr(w)
    (tmp_path / "afile").write_text("x")
    with pytest.raises(StoreError, match="not a folder"):
        open_as("A", tmp_path / "afile")
    junk = tmp_path / "junk"
    junk.mkdir()
    (junk / "workspace.db").write_bytes(b"this is not a database" * 100)
    with pytest.raises(StoreError, match="not a usable workspace database"):
        open_as("A", junk)
    with pytest.raises(StoreError, match="cannot open a database engine"):
        open_as("A", "nosuchdialect://user:pw@host/db")


@pytest.mark.parametrize("version", [1, 2])
def test_old_workspace_upgrades_and_its_plain_chain_still_verifies(
    tmp_path: Path, version: int
) -> None:
    folder = tmp_path / "w"
    plain = make_legacy(folder, version=version, n=3)
    w2 = open_as("A", folder, role="ANALYST")
    assert w2.schema_version == store.MIGRATIONS[-1].version == 6
    assert sa.inspect(w2.engine).has_table("ib_frames")
    # the old entries are kept as they were; a CHECKPOINT entry starts the keyed chain
    e = w2.audit.entries()
    assert e["hash"].tolist() == plain + [e["hash"][3]]
    assert e["action"][3] == "CHECKPOINT" and e["detail"][3]["plain_entries"] == 3
    assert w2.audit.keyed_from == 4
    assert w2.get("plan", "CP-1") == {"n": 1}
    w2.write_frame("t", pd.DataFrame({"x": [1]}))
    assert w2.audit.verify() and _written(w2) == 5
    with w2.engine.connect() as conn:
        versions = conn.exec_driver_sql(
            "SELECT version, description FROM ib_schema_version ORDER BY version"
        ).all()
    assert [tuple(v) for v in versions] == [(m.version, m.description) for m in store.MIGRATIONS]
    # an edit in the old, plain part is still found, by entry number
    w2.close()
    with sqlite3.connect(folder / "workspace.db") as raw:
        raw.execute("DROP TRIGGER ib_audit_log_no_update")
        raw.execute("UPDATE ib_audit_log SET analyst = 'Nobody' WHERE seq = 2")
    with pytest.raises(AuditIntegrityError, match=r"entry 2 does not match its hash") as info:
        open_as("A", folder).audit.verify()
    assert info.value.seq == 2  # type: ignore[attr-defined]


def test_migration_upgrade_and_newer_database_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "w"
    current = store.MIGRATIONS[-1].version
    nxt = current + 1
    w = open_as("A", folder, role="ANALYST")
    w.put("plan", "CP-1", {"n": 1}, action="COLLECT")
    assert w.schema_version == current
    w.close()

    def add_notes(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE ib_notes (id INTEGER PRIMARY KEY, note TEXT)")

    monkeypatch.setattr(
        store, "MIGRATIONS", [*store.MIGRATIONS, Migration(nxt, "notes table", add_notes)]
    )
    w2 = open_as("A", folder, role="ANALYST")
    assert w2.schema_version == nxt
    assert sa.inspect(w2.engine).has_table("ib_notes")
    assert w2.get("plan", "CP-1") == {"n": 1} and w2.audit.verify()
    with w2.engine.connect() as conn:
        versions = conn.exec_driver_sql(
            "SELECT version, description FROM ib_schema_version ORDER BY version"
        ).all()
    assert [tuple(v) for v in versions][-1] == (nxt, "notes table")
    assert len(versions) == nxt
    # reopening at the new version applies nothing again
    assert open_as("A", folder).schema_version == nxt
    w2.close()
    monkeypatch.undo()
    with pytest.raises(
        StoreError, match=f"schema version {nxt}, newer than .* supports \\({current}\\)"
    ):
        open_as("A", folder)


def test_failed_migration_leaves_previous_version(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "w"
    open_as("A", folder).close()
    current = store.MIGRATIONS[-1].version

    def half(conn: sa.Connection) -> None:
        conn.exec_driver_sql("CREATE TABLE ib_half (id INTEGER)")
        raise RuntimeError("migration bug")

    monkeypatch.setattr(
        store, "MIGRATIONS", [*store.MIGRATIONS, Migration(current + 1, "half", half)]
    )
    with pytest.raises(RuntimeError, match="migration bug"):
        open_as("A", folder)
    monkeypatch.undo()
    w = open_as("A", folder)
    assert w.schema_version == current and not sa.inspect(w.engine).has_table("ib_half")


# --------------------------------------------------------------------------- views, demo


def test_repr_html(ws: Workspace) -> None:
    ws.put("plan", "CP-1", {})
    ws.put("plan", "CP-1", {"v": 2})
    html = ws._repr_html_()
    assert "A. Analyst" in html and "ANALYST" in html and "schema version" in html
    assert "<td>plan</td><td>1</td><td>2</td>" in html
    assert "2 entries" in html and "verifies" in html
    assert "http" not in html
    audit_html = ws.audit._repr_html_()
    assert "2 entries" in audit_html and "plan/CP-1@2" in audit_html


# --------------------------------------------------------------------------- processes

_KILL_WRITER = textwrap.dedent(
    """
    import sys, time, pathlib
    import intelbench.store.db as _db
    from intelbench.store.workspace import Workspace

    __import__("os").environ["INTELBENCH_ANALYST"] = "Writer"
    ws = Workspace(sys.argv[1], role="ANALYST")
    ws.put("report", "R1", {"v": "old"}, action="COLLECT")
    ready = pathlib.Path(sys.argv[2])

    def hook():
        ready.write_text("in transaction")
        time.sleep(300)

    _db._BEFORE_COMMIT = hook
    ws.put("report", "R1", {"v": "new", "blob": "x" * 5_000_000})
    ws.put("report", "R2", {"v": "never"})
    """
)


def _run_writer(code: str, *args: str) -> subprocess.Popen[bytes]:
    env = {**os.environ, "PYTHONUNBUFFERED": "1"}
    return subprocess.Popen([sys.executable, "-c", code, *args], env=env)


def _wait_for(path: Path, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while not path.exists():
        assert proc.poll() is None, f"writer exited early with {proc.returncode}"
        assert time.monotonic() < deadline, "writer never reached the hook"
        time.sleep(0.05)


@pytest.mark.slow
@pytest.mark.sqlite_only  # kills a writer process on a folder; PG: test_postgres.py
def test_writer_killed_before_commit_leaves_previous_state(tmp_path: Path) -> None:
    folder, ready = tmp_path / "w", tmp_path / "ready"
    proc = _run_writer(_KILL_WRITER, str(folder), str(ready))
    try:
        _wait_for(ready, proc)
        # the writer holds the write lock with its new revision and audit entry written
        assert (folder / "workspace.db-wal").exists()
        os.kill(proc.pid, signal.SIGKILL)
        assert proc.wait(timeout=30) == -signal.SIGKILL
    finally:
        if proc.poll() is None:
            proc.kill()
    w = open_as("Checker", folder, role="SUPERVISOR")
    assert w.get("report", "R1") == {"v": "old"}
    assert list(w.history("report", "R1")["revision"]) == [1]
    assert not w.exists("report", "R2")
    assert _written(w) == 1 and w.audit.verify()
    with sqlite3.connect(folder / "workspace.db") as raw:
        assert raw.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    # the lock died with the writer: the next save works and the chain goes on
    assert w.put("report", "R1", {"v": "after"}) == 2
    assert _written(w) == 2 and w.audit.verify()


_LOOP_WRITER = textwrap.dedent(
    """
    import sys, pathlib
    from intelbench.store.workspace import Workspace

    __import__("os").environ["INTELBENCH_ANALYST"] = sys.argv[3]
    ws = Workspace(sys.argv[1], role="ANALYST")
    pathlib.Path(sys.argv[2]).write_text("started")
    n = int(sys.argv[4])
    i = 0
    while n < 0 or i < n:
        i += 1
        ws.put("report", "shared", {"by": sys.argv[3], "i": i, "blob": "y" * int(sys.argv[5])})
        ws.audit.record("CONSULT", justification="check", record_ref=f"report/{sys.argv[3]}")
    """
)


@pytest.mark.slow
@pytest.mark.sqlite_only  # kills a writer process on a folder; PG: test_postgres.py
def test_writer_killed_at_a_random_moment_keeps_state_consistent(tmp_path: Path) -> None:
    folder, ready = tmp_path / "w", tmp_path / "ready"
    proc = _run_writer(_LOOP_WRITER, str(folder), str(ready), "Looper", "-1", "2000000")
    try:
        _wait_for(ready, proc)
        time.sleep(1.5)
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait(timeout=30)
    finally:
        if proc.poll() is None:
            proc.kill()
    w = open_as("Checker", folder, role="SUPERVISOR")
    assert w.audit.verify()
    hist = w.history("report", "shared")
    n = len(hist)
    assert n >= 1
    assert list(hist["revision"]) == list(range(1, n + 1))
    assert [d["i"] for d in hist["doc"]] == list(range(1, n + 1))
    entries = w.audit.entries()
    entries = entries[entries["analyst"] == "Looper"]  # not the Checker's own read above
    # every saved revision has its ALTER entry and nothing else was half-written
    assert list(entries.loc[entries["action"] == "ALTER", "record_ref"]) == [
        f"report/shared@{i}" for i in range(1, n + 1)
    ]
    assert len(entries) in (2 * n - 1, 2 * n)


@pytest.mark.slow
@pytest.mark.sqlite_only  # SQLite locking and processes on a folder; PG: test_postgres.py
def test_two_writer_processes_take_turns(tmp_path: Path) -> None:
    folder = tmp_path / "w"  # not created yet: the writers race to create it too
    procs = [
        _run_writer(_LOOP_WRITER, str(folder), str(tmp_path / f"r{i}"), f"W{i}", "20", "1000")
        for i in (1, 2)
    ]
    for p in procs:
        assert p.wait(timeout=300) == 0
    w = open_as("Checker", folder)
    assert w.audit.verify()
    hist = w.history("report", "shared")
    assert list(hist["revision"]) == list(range(1, 41))
    assert sorted(hist["analyst"].value_counts().to_dict().items()) == [("W1", 20), ("W2", 20)]
    entries = w.audit.entries()
    assert list(entries["seq"]) == list(range(1, 82))  # 80 by the writers, 1 read above
    assert entries.groupby("analyst").size().to_dict() == {"W1": 40, "W2": 40, "Checker": 1}


def test_identity_is_never_an_argument_nor_settable(ws: Workspace) -> None:
    ws.put("plan", "p", {})
    with pytest.raises(AttributeError, match="read-only: who is working is the operating"):
        ws.analyst = "B. Supervisor"  # type: ignore[misc]
    with pytest.raises(AttributeError, match="request a role when opening"):
        ws.role = "SUPERVISOR"  # type: ignore[misc]
    ws.put("plan", "p", {"v": 2})
    assert list(ws.history("plan", "p")["analyst"]) == ["A. Analyst", "A. Analyst"]
    assert (ws.analyst, ws.role) == ("A. Analyst", "ANALYST")
    with pytest.raises(TypeError, match="analyst"):
        Workspace(ws.path, **{"analyst": "Somebody Else"})  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        Workspace(ws.path, "Positional", "RESEARCHER")  # type: ignore[call-arg]
    # every entry says where the identity came from (here: the test helper's environment)
    notes = {d["identity"] for d in ws.audit.entries()["detail"]}
    assert notes == {"analyst from env INTELBENCH_ANALYST; role from requested"}


@pytest.mark.sqlite_only  # SQLite locking and processes on a folder; PG: test_postgres.py
def test_writes_and_logged_reads_begin_immediate(ws: Workspace) -> None:
    seen: list[str] = []

    @sa.event.listens_for(ws.engine, "before_cursor_execute")
    def spy(conn: Any, cursor: Any, statement: str, *args: Any) -> None:
        if statement.startswith("BEGIN"):
            seen.append(statement)

    ws.put("plan", "p", {})
    ws.get("plan", "p")  # a read with its CONSULT entry: one write transaction
    ws.keys("plan")  # bookkeeping read: a plain read transaction
    ws.audit.record("CONSULT", justification="j", record_ref="plan/p")
    ws.delete("plan", "p", justification="j")
    assert seen.count("BEGIN IMMEDIATE") == 4 and seen.count("BEGIN") == 1


def test_in_memory_and_threads(tmp_path: Path) -> None:
    import threading

    mem = open_as("M", "sqlite://")
    mem.put("plan", "a", {"x": 1})
    assert mem.get("plan", "a") == {"x": 1} and mem.audit.verify()
    w = open_as("T", tmp_path / "t")
    errors: list[str] = []

    def work(i: int) -> None:
        try:
            for j in range(10):
                w.put("plan", f"k{i}", {"j": j})
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(repr(exc))

    threads = [threading.Thread(target=work, args=(i,)) for i in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == [] and len(w.audit) == 40 and w.audit.verify()
    assert [len(w.history("plan", f"k{i}")) for i in range(4)] == [10] * 4


def test_put_many_is_one_transaction(ws: Workspace, monkeypatch: pytest.MonkeyPatch) -> None:
    ws.put("report", "IR-1", {"n": 0}, action="COLLECT")
    revs = ws.put_many(
        "report",
        [("IR-1", {"n": 1}), ("IR-2", {"n": 2}), ("IR-1", {"n": 3})],
        action="ALTER",
        detail={"batch": "intake-1"},
    )
    assert revs == {"IR-1": 3, "IR-2": 1}
    assert [d["n"] for d in ws.history("report", "IR-1")["doc"]] == [0, 1, 3]
    e = ws.audit.entries()
    e = e[e["action"] != "CONSULT"].reset_index(drop=True)
    assert list(e["record_ref"]) == [
        "report/IR-1@1",
        "report/IR-1@2",
        "report/IR-2@1",
        "report/IR-1@3",
    ]
    assert e["detail"][3]["batch"] == "intake-1" and ws.audit.verify()
    assert ws.put_many("report", {}) == {}
    # one bad document: nothing of the batch is saved
    with pytest.raises(StoreError, match="NaN"):
        ws.put_many("report", {"IR-3": {"n": 1}, "IR-4": {"n": float("nan")}})
    with pytest.raises(ParameterError, match="key must be"):
        ws.put_many("report", [("IR-3", {}), ("", {})])
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ws.put_many("report", {"IR-5": {}, "IR-6": {}})
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", None)
    assert ws.keys("report") == ["IR-1", "IR-2"] and _written(ws) == 4 and ws.audit.verify()


def test_put_many_scales_past_the_parameter_chunk(ws: Workspace) -> None:
    docs = {f"IR-{i:05d}": {"i": i} for i in range(1200)}
    assert set(ws.put_many("report", docs, action="COLLECT").values()) == {1}
    assert set(ws.put_many("report", docs).values()) == {2}
    assert len(ws.keys("report")) == 1200 and len(ws.audit) == 2400 and ws.audit.verify()


def test_get_with_justification_audits_consult(ws: Workspace) -> None:
    ws.put("report", "IR-1", {"n": 1}, action="COLLECT")
    ws.put("report", "IR-1", {"n": 2})
    assert ws.get("report", "IR-1", 1, justification="Op Larch") == {"n": 1}
    assert ws.get("report", "IR-1") == {"n": 2}  # no justification: the default purpose
    assert ws.get("report", "IR-1", justification=" ") == {"n": 2}  # blank: the default too
    with pytest.raises(DocumentNotFoundError):
        ws.get("report", "IR-9", justification="Op Larch")  # nothing read: nothing logged
    consult = ws.audit.entries("CONSULT")
    assert consult["record_ref"].tolist() == ["report/IR-1@1", "report/IR-1@2", "report/IR-1@2"]
    assert consult["justification"][0] == "Op Larch" and ws.audit.verify()
    assert consult["detail"][0]["purpose_source"] == "stated"
    assert consult["detail"][1]["purpose_source"].startswith("default")
    assert bool(open_as("B", ws.path).audit)


_RACE_OPENER = textwrap.dedent(
    """
    import sys, time, pathlib
    from intelbench.store.workspace import Workspace

    pathlib.Path(sys.argv[2]).write_text("imported")
    go = pathlib.Path(sys.argv[3])
    while not go.exists():
        time.sleep(0.01)
    __import__("os").environ["INTELBENCH_ANALYST"] = sys.argv[4]
    ws = Workspace(sys.argv[1], role="ANALYST")
    ws.put("plan", "p", {"by": sys.argv[4]})
    """
)


@pytest.mark.slow
@pytest.mark.sqlite_only  # SQLite locking and processes on a folder; PG: test_postgres.py
def test_processes_racing_to_create_a_workspace(tmp_path: Path) -> None:
    folder, go = tmp_path / "w", tmp_path / "go"
    procs = [
        _run_writer(_RACE_OPENER, str(folder), str(tmp_path / f"r{i}"), str(go), f"P{i}")
        for i in range(2)
    ]
    try:
        for i, p in enumerate(procs):
            _wait_for(tmp_path / f"r{i}", p)
        go.write_text("go")
        assert [p.wait(timeout=120) for p in procs] == [0, 0]
    finally:
        for p in procs:
            if p.poll() is None:
                p.kill()
    w = open_as("Checker", folder)
    assert w.schema_version == store.MIGRATIONS[-1].version
    assert sorted(w.history("plan", "p")["analyst"]) == ["P0", "P1"]
    assert _written(w) == 2 and w.audit.verify()
    with w.engine.connect() as conn:
        n = conn.exec_driver_sql("SELECT count(*) FROM ib_schema_version").scalar()
    assert n == len(store.MIGRATIONS)


def test_get_many_returns_latest_live_revisions(tmp_path) -> None:

    ws = open_as("A", tmp_path / "ws", role="ANALYST")
    ws.put_many("report", {f"IR-{i}": {"v": 1} for i in range(1200)}, action="COLLECT")
    ws.put("report", "IR-5", {"v": 2})
    ws.delete("report", "IR-7", justification="retention review")
    docs = ws.get_many("report")
    assert len(docs) == 1199 and docs["IR-5"] == {"v": 2} and "IR-7" not in docs
    some = ws.get_many("report", [f"IR-{i}" for i in range(0, 1200, 2)] + ["IR-nope"])
    assert len(some) == 600 and all(ws.get("report", k) == v for k, v in list(some.items())[:5])


def test_switch_to_wal_retries_while_another_process_holds_the_lock() -> None:
    """Regression: two processes opening a new workspace hit 'database is locked' on WAL."""
    import sqlite3

    from intelbench.store.db import _ensure_wal

    class Cursor:
        def __init__(self) -> None:
            self.calls = 0
            self.mode = "delete"

        def execute(self, sql: str) -> Cursor:
            self.calls += 1
            if self.calls <= 2:
                raise sqlite3.OperationalError("database is locked")
            if sql.endswith("= WAL"):
                self.mode = "wal"
            return self

        def fetchone(self) -> tuple[str]:
            return (self.mode,)

    cur = Cursor()
    _ensure_wal(cur, wait=5)
    assert cur.mode == "wal" and cur.calls == 4

    class Broken(Cursor):
        def execute(self, sql: str) -> Cursor:
            raise sqlite3.OperationalError("disk I/O error")

    with pytest.raises(sqlite3.OperationalError, match="disk I/O"):
        _ensure_wal(Broken(), wait=5)
