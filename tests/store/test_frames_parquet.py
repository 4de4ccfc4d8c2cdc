"""Large frames are stored as Parquet bytes, hashed, audited and read back exactly."""

from __future__ import annotations

import hashlib
import os
import time
import warnings
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import sqlalchemy as sa

import intelbench.store.db as _db
from intelbench.exceptions import StoreError
from intelbench.store.parquet import PARQUET_MIN_ROWS, parquet_ready
from intelbench.store.workspace import Workspace
from tests._identity import open_as

N = PARQUET_MIN_ROWS * 2


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    w = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    yield w
    w.close()


def _wide(n: int = N) -> pd.DataFrame:
    half = n // 2
    return pd.DataFrame(
        {
            "a": np.arange(n),
            "b": pd.Series(["x", None] * half, dtype=object),
            "c": pd.to_datetime(["2026-01-01 10:00:00.123456789", None] * half),
            "d": pd.Categorical(["p", "q"] * half, categories=["q", "p", "r"], ordered=True),
            "e": np.where(np.arange(n) % 3 == 0, np.nan, -np.inf),
            "f": [True, False] * half,
            "g": pd.date_range("2026-03-29", periods=n, freq="min", tz="Europe/London"),
            "i": pd.array([1, None] * half, dtype="Int64"),
            "j": pd.to_timedelta(np.arange(n), unit="s"),
            "k": pd.Series(["s", None] * half, dtype="str"),
            "l": pd.array([1.5, None] * half, dtype="Float64"),
            "m": pd.array([True, None] * half, dtype="boolean"),
            "u": np.arange(n, dtype="uint8"),
        }
    )


def _stored(ws: Workspace, name: str) -> tuple[str, bytes | None]:
    with ws.engine.connect() as conn:
        payload = conn.execute(
            sa.select(_db.frames.c.payload).where(_db.frames.c.name == name)
        ).scalar_one()
        data = conn.execute(
            sa.select(_db.frame_data.c.data).where(_db.frame_data.c.name == name)
        ).scalar()
    return str(payload), None if data is None else bytes(data)


def test_large_frame_round_trips_through_parquet(ws: Workspace) -> None:
    df = _wide()
    assert parquet_ready(df)
    assert ws.write_frame("big", df, action="COLLECT") == N
    header, data = _stored(ws, "big")
    assert data is not None and data[:4] == b"PAR1" and '"storage":"parquet"' in header
    back = ws.read_frame("big")
    pd.testing.assert_frame_equal(back, df)
    assert back["b"].tolist()[:2] == ["x", None]
    indexed = df.set_index("g")
    ws.write_frame("big", indexed)  # replaced atomically, index kept
    pd.testing.assert_frame_equal(ws.read_frame("big"), indexed)


def test_parquet_bytes_are_hashed_and_audited(ws: Workspace) -> None:
    ws.write_frame("big", _wide(), action="COLLECT")
    _, data = _stored(ws, "big")
    assert data is not None
    digest = hashlib.sha256(data).hexdigest()
    with ws.engine.connect() as conn:
        stored = conn.execute(sa.select(_db.frames.c.sha256)).scalar_one()
    assert stored == digest
    entry = ws.audit.entries("COLLECT")["detail"].iloc[-1]
    assert entry["content_hmac"] == ws.audit.content_hmac(f"parquet:{digest}")
    assert ws.audit.verify()
    # bytes changed behind the store's back are refused on reading
    tampered = data.replace(b"PAR1", b"PAR1", 1)[:-12] + data[-12:]
    flipped = bytearray(tampered)
    flipped[len(flipped) // 2] ^= 0xFF
    with ws.engine.begin() as conn:
        conn.execute(sa.update(_db.frame_data).values(data=bytes(flipped)))
    with pytest.raises(StoreError, match="do not match their stored SHA-256"):
        ws.read_frame("big")


def test_small_and_json_like_frames_stay_canonical_json(ws: Workspace) -> None:
    small = _wide(10)
    ws.write_frame("small", small)
    assert _stored(ws, "small")[1] is None
    nested = pd.DataFrame({"cell": [{"k": i} for i in range(N)]})
    assert not parquet_ready(nested)
    ws.write_frame("nested", nested)
    assert _stored(ws, "nested")[1] is None
    assert ws.read_frame("nested").equals(nested)


def test_delete_frame_removes_the_parquet_bytes(ws: Workspace) -> None:
    ws.write_frame("big", _wide())
    ws.delete_frame("big", justification="retention review")
    with ws.engine.connect() as conn:
        left = conn.execute(sa.select(sa.func.count()).select_from(_db.frame_data)).scalar()
    assert left == 0 and ws.frame_names() == []


@pytest.mark.slow_store
def test_a_million_rows_six_columns_write_under_2s_and_read_under_1s(ws: Workspace) -> None:
    rng = np.random.default_rng(7)
    n = 1_000_000
    df = pd.DataFrame(
        {
            "id": np.arange(n),
            "x": rng.uniform(400_000, 460_000, n),
            "y": rng.uniform(280_000, 330_000, n),
            "when": pd.date_range("2016-01-01", periods=n, freq="5min"),
            "type": rng.choice(["burglary", "robbery", "vehicle crime", "drugs"], n),
            "lsoa": rng.choice([f"E01{i:06d}" for i in range(3000)], n),
        }
    )
    best_write = best_read = float("inf")
    for _ in range(2):  # best of two: the machine is shared
        t0 = time.perf_counter()
        ws.write_frame("crimes", df, action="COLLECT")
        t1 = time.perf_counter()
        back = ws.read_frame("crimes", justification="timing")
        t2 = time.perf_counter()
        best_write, best_read = min(best_write, t1 - t0), min(best_read, t2 - t1)
    pd.testing.assert_frame_equal(back, df)
    load = os.getloadavg()[0]
    measured = f"write {best_write:.2f} s, read {best_read:.2f} s at load {load:.1f}"
    if load > (os.cpu_count() or 1):  # timings on an overloaded machine say nothing:
        # the round trip above is proven; the speed targets are left to benchmarks/store.py
        warnings.warn(f"machine overloaded, speed targets not judged ({measured})",
                      stacklevel=1)
        return
    assert best_write < 2.0 and best_read < 1.0, measured
