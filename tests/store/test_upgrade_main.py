"""A workspace written by the previous release (schema 3, before Parquet frames) upgrades.

``data/main_schema3`` was written by intelbench at commit f7387c8 (the main branch before this
change): plans with dates, Decimal, Enum, sets and an int key, a batch of reports, a
disclosure, a frame, a consultation, a checkpoint and an erasure; beside it the test audit key
and the anchors it wrote. Every stored hash must still verify under the new serialiser.
"""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import intelbench.store.db as _db
from tests._identity import open_as

FIXTURE = Path(__file__).parent / "data" / "main_schema3"

pytestmark = pytest.mark.sqlite_only  # the file is SQLite; PG upgrades: test_postgres.py


@pytest.fixture
def old(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    copy = tmp_path / "main_schema3"
    shutil.copytree(FIXTURE, copy)
    key = copy / "config" / "audit.key"
    key.chmod(0o600)
    (copy / "config").chmod(0o700)
    monkeypatch.setenv("INTELBENCH_AUDIT_KEY", str(key))
    monkeypatch.setenv("INTELBENCH_ANCHOR_DIR", str(copy / "anchors"))
    return copy / "ws"


def test_previous_release_workspace_upgrades_and_every_hash_verifies(old: Path) -> None:
    with sa.create_engine(f"sqlite:///{old / 'workspace.db'}").connect() as conn:
        before = conn.exec_driver_sql("SELECT max(version) FROM ib_schema_version").scalar()
        rows = conn.exec_driver_sql("SELECT doc, sha256 FROM ib_documents").all()
    assert before == 3
    for doc, digest in rows:  # the new serialiser writes the same bytes
        if doc is not None:
            assert _db.sha256_hex(_db.canonical_json(json.loads(doc))) == digest
            assert _db.canonical_json(json.loads(doc)) == doc
    ws = open_as("New Analyst", old, role="INTEL_UNIT")
    assert ws.schema_version == 6
    assert ws.audit.verify()
    plan = ws.get("plan", "CP-1", justification="upgrade check")
    assert plan["title"] == "Burglary north v2"
    first = ws.get("plan", "CP-1", revision=1, justification="upgrade check")
    assert first["3"] == "int key" and first["tags"] == ["a", "b"] and first["n"] == "1.10"
    assert ws.keys("report") == ["IR-0", "IR-1", "IR-2", "IR-3"]
    frame = ws.read_frame("counts", justification="upgrade check")
    assert frame["crimes"].tolist() == [12, 7] and pd.isna(frame["when"].iloc[1])
    # new writes chain on, big frames go to Parquet, and the whole chain still verifies
    ws.put("plan", "CP-2", {"title": "new"}, action="COLLECT")
    big = pd.DataFrame({"n": range(20_000)})
    ws.write_frame("big", big, action="COLLECT")
    assert ws.read_frame("big", justification="check").equals(big)
    assert ws.audit.verify()
    ws.close()
