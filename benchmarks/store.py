"""Workspace store: write rate, bulk loads, the cost of the keyed and anchored audit chain,
of logging every read as CONSULT and of the integrity-lock check, and the audit verify rate.

Before/after in one run:

- bulk loads (issue 18): ``put_many`` of N documents (default 10 000; per-record keys for the
  content hashes, issue 19) against plain ``sqlite3`` ``executemany`` with WAL and
  ``synchronous=FULL`` writing the same documents and the same hash-chained (HMAC) audit rows,
  side by side with the ratio (target <= 1.5x; median of 3); the same ``put_many`` on
  PostgreSQL when ``INTELBENCH_TEST_PG_URL`` is set (``make bench`` starts a private cluster);
- large frames: 1M rows x 6 columns through ``write_frame``/``read_frame`` (Parquet), on SQLite
  and on PostgreSQL (targets: write < 2 s, read < 1 s); skipped with ``--no-frames``;
- writes: ``put`` with the keyed chain and the anchor (now) against the same loop with the
  chain hashed by plain SHA-256 and no anchor (the previous behaviour, emulated by patching
  those two steps out in a second workspace);
- consultation logging (issue 13): ``get`` and ``get_many`` of N documents of a logged kind
  (one CONSULT entry listing them, written in the read's transaction, with the integrity-lock
  check) against the same documents under a kind listed in ``unlogged_kinds`` (the previous,
  silent read path: one read transaction); ``get_many`` median of 5, target <= 1.5x;
- the integrity-lock check: 500 ``put`` calls with it (one SELECT on ``ib_integrity_locks``
  per write) against the same loop with the check patched out;
- ``verify()`` of the whole log (keyed chain, against the anchors): entries per second.

Keys and anchors go to a temporary folder. Run:
``PYTHONPATH=. .venv/bin/python benchmarks/store.py [N_PUTS] [--bulk N] [--no-frames]``
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import intelbench.store.audit as audit_mod
from intelbench.store.chain import entry_hash, entry_mac
from intelbench.store.db import sha256_hex
from intelbench.store.keyring import KeyedChain
from intelbench.store.workspace import Workspace

DOC = {"title": "Burglary dwelling, north sector", "questions": list(range(20)), "text": "x" * 2000}


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


@contextmanager
def _previous_chain() -> Iterator[None]:
    """Emulate the previous store: plain SHA-256 entry hashes and no anchor outside."""
    saved_mac, saved_anchor = audit_mod.mac_text, KeyedChain._anchor_head
    audit_mod.mac_text = lambda key, text: sha256_hex(text)  # type: ignore[assignment]
    KeyedChain._anchor_head = lambda self, seq, head, reason: None  # type: ignore[method-assign]
    try:
        yield
    finally:
        audit_mod.mac_text = saved_mac  # type: ignore[assignment]
        KeyedChain._anchor_head = saved_anchor  # type: ignore[method-assign]


def _puts(ws: Workspace, n: int) -> float:
    def run() -> None:
        for i in range(n):
            ws.put("report", f"IR-{i % 500:06d}", {**DOC, "i": i})

    return _timed(run)


def _plain_sqlite(path: Path, kind: str, docs: dict[str, dict[str, Any]], key: bytes) -> None:
    """The baseline: sqlite3 executemany, WAL, synchronous=FULL, same docs and HMAC chain."""
    import hashlib
    import hmac
    import json
    import sqlite3

    dumps = json.JSONEncoder(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
                             allow_nan=False).encode
    con = sqlite3.connect(path, isolation_level=None)
    con.execute("PRAGMA journal_mode=WAL")
    con.execute("PRAGMA synchronous=FULL")
    con.execute("CREATE TABLE IF NOT EXISTS docs (id INTEGER PRIMARY KEY, kind TEXT, key TEXT, "
                "revision INTEGER, saved_at TEXT, analyst TEXT, role TEXT, action TEXT, doc TEXT,"
                " sha256 TEXT, UNIQUE (kind, key, revision))")
    con.execute("CREATE TABLE IF NOT EXISTS audit (seq INTEGER PRIMARY KEY, timestamp TEXT, "
                "analyst TEXT, role TEXT, action TEXT, justification TEXT, record_ref TEXT, "
                "recipient TEXT, detail TEXT, prev_hash TEXT, hash TEXT)")
    con.execute("BEGIN IMMEDIATE")
    when = "2026-01-01T00:00:00.000000+00:00"
    rows, entries, prev = [], [], "0" * 64
    for seq, (k, doc) in enumerate(docs.items(), 1):
        text = dumps(doc)
        rows.append((kind, k, 1, when, "Bench", "ANALYST", "COLLECT", text,
                     hashlib.sha256(text.encode()).hexdigest()))
        detail = {"kind": kind, "key": k, "revision": 1, "bytes": len(text.encode()),
                  "content_hmac": hmac.new(key, text.encode(), "sha256").hexdigest()}
        fields = {"seq": seq, "timestamp": when, "analyst": "Bench", "role": "ANALYST",
                  "action": "COLLECT", "justification": "", "record_ref": f"{kind}/{k}@1",
                  "recipient": None, "detail": detail, "prev_hash": prev}
        prev = hmac.new(key, dumps(fields).encode(), "sha256").hexdigest()
        entries.append((seq, when, "Bench", "ANALYST", "COLLECT", "", f"{kind}/{k}@1", None,
                        dumps(detail), fields["prev_hash"], prev))
    con.executemany("INSERT INTO docs (kind, key, revision, saved_at, analyst, role, action, "
                    "doc, sha256) VALUES (?,?,?,?,?,?,?,?,?)", rows)
    con.executemany("INSERT INTO audit VALUES (?,?,?,?,?,?,?,?,?,?,?)", entries)
    con.execute("COMMIT")
    con.close()


def _frames(ws: Workspace, label: str) -> None:
    import numpy as np
    import pandas as pd

    rng = np.random.default_rng(7)
    rows = 1_000_000
    df = pd.DataFrame({
        "id": np.arange(rows), "x": rng.uniform(400_000, 460_000, rows),
        "y": rng.uniform(280_000, 330_000, rows),
        "when": pd.date_range("2016-01-01", periods=rows, freq="5min"),
        "type": rng.choice(["burglary", "robbery", "vehicle crime", "drugs"], rows),
        "lsoa": rng.choice([f"E01{i:06d}" for i in range(3000)], rows),
    })
    writes, reads = [], []
    for _ in range(3):
        writes.append(_timed(lambda: ws.write_frame("crimes", df, action="COLLECT")))
        reads.append(_timed(lambda: ws.read_frame("crimes", justification="bench")))
    print(f"  {label}: 1M rows x 6 columns as Parquet: write {min(writes):.2f} s, read "
          f"{min(reads):.2f} s (best of 3; targets < 2 s and < 1 s; JSON before: 24.5 s / 6.6 s)")
    if ws.engine.dialect.name == "postgresql":
        _frames_previous_postgres(ws, df)


def _frames_previous_postgres(ws: Workspace, df: Any) -> None:
    """The same frame through the previous PostgreSQL path (bytea as text parameters)."""
    import sqlalchemy as sa

    import intelbench.store.frames as frames_mod

    saved = frames_mod._put_blob, frames_mod._get_blob

    def put(conn: Any, name: str, blob: bytes) -> None:
        conn.execute(sa.insert(frames_mod.frame_data).values(name=name, data=blob))

    def get(conn: Any, name: str) -> bytes | None:
        t = frames_mod.frame_data
        blob = conn.execute(sa.select(t.c.data).where(t.c.name == name)).scalar()
        return None if blob is None else bytes(blob)

    frames_mod._put_blob, frames_mod._get_blob = put, get
    try:
        writes, reads = [], []
        for _ in range(3):
            writes.append(_timed(lambda: ws.write_frame("crimes", df, action="COLLECT")))
            reads.append(_timed(lambda: ws.read_frame("crimes", justification="bench")))
    finally:
        frames_mod._put_blob, frames_mod._get_blob = saved
    print(f"  PostgreSQL, previous path (bytea as a text parameter): write {min(writes):.2f} s, "
          f"read {min(reads):.2f} s (best of 3, same run)")


def bulk_and_frames(root: Path, bulk: int = 10_000, frames: bool = True) -> None:
    """put_many against plain sqlite3, and large frames, on SQLite and PostgreSQL."""
    batch = {f"IR-{i:06d}": {**DOC, "i": i} for i in range(bulk)}
    ours, plain = [], []
    for r in range(3):
        ws = Workspace(root / f"bulk{r}", role="ANALYST")
        t0 = time.perf_counter()
        ws.put_many("report", batch, action="COLLECT")
        ours.append(time.perf_counter() - t0)
        key = ws.audit._key
        ws.close()
        t0 = time.perf_counter()
        _plain_sqlite(root / f"plain{r}.db", "report", batch, key)
        plain.append(time.perf_counter() - t0)
    t_ours, t_plain = sorted(ours)[1], sorted(plain)[1]
    print(f"bulk load of {bulk} documents with audit rows (median of 3):")
    print(f"  sqlite3 executemany, WAL, synchronous=FULL, HMAC chain: {t_plain:.2f} s, "
          f"{bulk / t_plain:.0f}/s")
    print(f"  Workspace.put_many (SQLite):                            {t_ours:.2f} s, "
          f"{bulk / t_ours:.0f}/s  ratio {t_ours / t_plain:.2f}x (target <= 1.5x)")
    url = os.environ.get("INTELBENCH_TEST_PG_URL")
    pg = None
    if url:
        pg = Workspace(url, role="ANALYST")
        t_pg = _timed(lambda: pg.put_many("report", batch, action="COLLECT"))  # type: ignore[union-attr]
        print(f"  Workspace.put_many (PostgreSQL, local cluster):         {t_pg:.2f} s, "
              f"{bulk / t_pg:.0f}/s")
    if not frames:
        if pg is not None:
            pg.close()
        return
    print("large frames:")
    ws = Workspace(root / "frames", role="ANALYST")
    _frames(ws, "SQLite")
    ws.close()
    if pg is not None:
        _frames(pg, "PostgreSQL")
        pg.close()


def main(n: int = 2000, bulk: int = 10_000, frames: bool = True) -> None:
    root = Path(tempfile.mkdtemp(prefix="ib-bench-store-"))
    os.environ["INTELBENCH_CONFIG_DIR"] = str(root / "config")
    os.environ["INTELBENCH_ANCHOR_DIR"] = str(root / "anchors")
    try:
        bulk_and_frames(root, bulk, frames)
        if os.environ.get("INTELBENCH_BENCH_ONLY_BULK"):
            return
        # ---------------------------------------------------------------- writes
        before_ws = Workspace(root / "before", role="ANALYST")
        with _previous_chain():
            t_before = _puts(before_ws, n)
        before_ws.close()
        folder = root / "ws"
        folder.mkdir()
        (folder / "workspace.toml").write_text('[audit]\nunlogged_kinds = ["silent"]\n')
        ws = Workspace(folder, role="ANALYST")
        t_after = _puts(ws, n)
        print(f"{n} puts, one durable transaction each (synchronous=FULL):")
        print(f"  plain SHA-256 chain, no anchor (previous): {t_before:.2f} s, "
              f"{n / t_before:.0f}/s")
        print(f"  keyed chain + anchor after each commit:     {t_after:.2f} s, {n / t_after:.0f}/s"
              f"  ({t_after / t_before:.2f}x)")
        fields = {k: v for k, v in ws.audit.entries().iloc[-1].to_dict().items()}
        fields["timestamp"] = str(fields["timestamp"])
        reps = 20_000
        t_sha = _timed(lambda: [entry_hash(fields) for _ in range(reps)])
        t_mac = _timed(lambda: [entry_mac(fields, ws.audit._key) for _ in range(reps)])
        record = ws.audit._record_for(*ws.audit.head(), "write")
        assert ws.audit.anchor is not None
        t_anchor = _timed(lambda: [ws.audit.anchor.write_head(record) for _ in range(200)])  # type: ignore[union-attr]
        print(f"  per entry: SHA-256 {t_sha / reps * 1e6:.1f} us, HMAC {t_mac / reps * 1e6:.1f} us;"
              f" anchor head write (lock + rename) {t_anchor / 200 * 1e3:.2f} ms")

        # ---------------------------------------------------------------- reads
        batch = {f"IR-{i:06d}": {**DOC, "i": i} for i in range(bulk)}
        t_many = _timed(lambda: ws.put_many("report", batch, action="COLLECT"))
        ws.put_many("silent", batch, action="COLLECT")
        print(f"put_many of {bulk} documents (one transaction): {t_many:.2f} s, "
              f"{bulk / t_many:.0f} documents/s")
        keys = list(batch)[: min(n, 500)]
        t_get_silent = _timed(lambda: [ws.get("silent", k) for k in keys])
        t_get_logged = _timed(lambda: [ws.get("report", k, justification="bench") for k in keys])
        n_get = len(keys)
        print(f"{n_get} single gets: unlogged (previous) {t_get_silent:.2f} s "
              f"({t_get_silent / n_get * 1e3:.2f} ms each); with CONSULT entry "
              f"{t_get_logged:.2f} s ({t_get_logged / n_get * 1e3:.2f} ms each; "
              f"{t_get_logged / t_get_silent:.1f}x)")
        keys = list(batch)
        silent, logged = [], []
        for _ in range(5):
            silent.append(_timed(lambda: ws.get_many("silent", keys)))
            logged.append(_timed(lambda: ws.get_many("report", keys, justification="bench")))
        t_s, t_l = statistics.median(silent), statistics.median(logged)
        print(f"get_many of {bulk} documents (median of 5): without consultation logging "
              f"{t_s:.3f} s; with one CONSULT entry listing them {t_l:.3f} s "
              f"({t_l / t_s:.2f}x; target <= 1.5x)")

        # ---------------------------------------------------------------- integrity-lock check
        m = 500
        t_check = _timed(lambda: [ws.put("plan", f"P-{i}", {"i": i}) for i in range(m)])
        original = audit_mod.check_unlocked
        audit_mod.check_unlocked = lambda conn, actions: None  # type: ignore[assignment]
        try:
            t_plain = _timed(lambda: [ws.put("plan2", f"P-{i}", {"i": i}) for i in range(m)])
        finally:
            audit_mod.check_unlocked = original
        print(f"{m} puts: with the integrity-lock check {t_check:.2f} s "
              f"({t_check / m * 1e3:.2f} ms each); without {t_plain:.2f} s "
              f"({t_plain / m * 1e3:.2f} ms each)")

        # ---------------------------------------------------------------- verify
        n_entries = len(ws.audit)
        t_verify = _timed(ws.audit.verify)
        print(f"verify {n_entries} audit entries (keyed, against the anchors): {t_verify:.2f} s, "
              f"{n_entries / t_verify:.0f} entries/s")
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        print(f"workspace size on disk: {size:.1f} MB")
        ws.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("puts", nargs="?", type=int, default=2000, help="single puts (2000)")
    parser.add_argument("--bulk", type=int, default=10_000, help="documents in bulk (10000)")
    parser.add_argument("--no-frames", action="store_true", help="skip the 1M-row frames")
    args = parser.parse_args()
    main(args.puts, args.bulk, not args.no_frames)
