"""Workspace store: put rate (each put one durable transaction with its audit entry) and
audit verification rate. Run: .venv/bin/python benchmarks/store.py [N]."""

from __future__ import annotations

import shutil
import sys
import tempfile
import time
from pathlib import Path

from intelbench.store.workspace import Workspace


def main(n: int = 2000) -> None:
    folder = Path(tempfile.mkdtemp(prefix="ib-bench-store-"))
    try:
        ws = Workspace(folder, analyst="Bench", role="ANALYST")
        doc = {
            "title": "Burglary dwelling, north sector",
            "questions": list(range(20)),
            "text": "x" * 2000,
        }
        t0 = time.perf_counter()
        for i in range(n):
            ws.put("report", f"IR-{i % 500:06d}", {**doc, "i": i})
        t_put = time.perf_counter() - t0
        t0 = time.perf_counter()
        batch = {f"IR-{i:06d}": {**doc, "i": i} for i in range(n)}
        ws.put_many("report", batch, action="COLLECT")
        t_many = time.perf_counter() - t0
        t0 = time.perf_counter()
        ws.audit.verify()
        t_verify = time.perf_counter() - t0
        size = sum(f.stat().st_size for f in folder.iterdir()) / 1e6
        print(
            f"{n} puts (one transaction each, synchronous=FULL): {t_put:.2f} s, "
            f"{n / t_put:.0f} puts/s"
        )
        print(
            f"put_many of {n} documents (one transaction): {t_many:.2f} s, "
            f"{n / t_many:.0f} documents/s"
        )
        print(
            f"verify {len(ws.audit)} audit entries: {t_verify:.2f} s, "
            f"{len(ws.audit) / t_verify:.0f} entries/s"
        )
        print(f"workspace size on disk: {size:.1f} MB")
        ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
