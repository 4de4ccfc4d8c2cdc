"""Build a workspace as intelbench wrote it before the keyed chain (plain SHA-256 entries)."""

from __future__ import annotations

from pathlib import Path

import sqlalchemy as sa

import intelbench.store.db as _db
from intelbench.store._paths import MIGRATIONS
from intelbench.store.chain import entry_hash
from intelbench.store.documents import upgrade


def make_legacy(folder: Path, version: int = 2, n: int = 3) -> list[str]:
    """Write a schema-``version`` workspace with ``n`` COLLECT entries; return their hashes."""
    folder.mkdir(parents=True, exist_ok=True)
    engine = _db.make_engine(f"sqlite:///{folder / 'workspace.db'}")
    hashes: list[str] = []
    try:
        upgrade(engine, MIGRATIONS[:version], str(folder))
        with _db.write_tx(engine) as conn:
            prev = _db.GENESIS_HASH
            for i in range(1, n + 1):
                text = _db.canonical_json({"n": i})
                digest = _db.sha256_hex(text)
                when = f"2025-01-0{i}T00:00:00.000000+00:00"
                conn.execute(
                    sa.insert(_db.documents).values(
                        kind="plan", key=f"CP-{i}", revision=1, saved_at=when, analyst="Old",
                        role="ANALYST", action="COLLECT", doc=text, sha256=digest,
                    )
                )
                fields = {
                    "seq": i, "timestamp": when, "analyst": "Old", "role": "ANALYST",
                    "action": "COLLECT", "justification": "", "record_ref": f"plan/CP-{i}@1",
                    "recipient": None, "prev_hash": prev,
                    "detail": {"kind": "plan", "key": f"CP-{i}", "revision": 1, "sha256": digest},
                }
                prev = entry_hash(fields)
                hashes.append(prev)
                conn.execute(
                    sa.insert(_db.audit_log).values(
                        **{**fields, "detail": _db.canonical_json(fields["detail"])}, hash=prev
                    )
                )
            conn.execute(sa.update(_db.state).values(audit_seq=n, audit_head=prev))
    finally:
        engine.dispose()
    return hashes
