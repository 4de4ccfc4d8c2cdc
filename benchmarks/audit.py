"""Audit governance costs: consultation logging on bulk reads, the integrity-lock check on
writes, and the verification rate.

- ``get_many`` of N documents (default 10 000) of a logged kind (one CONSULT entry listing
  them, written in the read's transaction, with the integrity-lock check) against the same
  documents under a kind listed in ``unlogged_kinds`` (a plain read transaction); median of 5,
  target <= 1.5x;
- 500 ``put`` calls with the integrity-lock check (one SELECT on ``ib_integrity_locks`` per
  write) against the same loop with the check patched out;
- ``verify()`` of the whole log (keyed chain, against the anchors): entries per second.

Keys and anchors go to a temporary folder. Run:
``PYTHONPATH=. .venv/bin/python benchmarks/audit.py [N]``
"""

from __future__ import annotations

import os
import shutil
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import intelbench.store.audit as audit_mod
from intelbench.store.workspace import Workspace

DOC = {"title": "Burglary dwelling, north sector", "questions": list(range(20)), "text": "x" * 2000}


def _timed(fn: Callable[[], Any]) -> float:
    t0 = time.perf_counter()
    fn()
    return time.perf_counter() - t0


def main(n: int = 10_000) -> None:
    root = Path(tempfile.mkdtemp(prefix="ib-bench-audit-"))
    os.environ["INTELBENCH_CONFIG_DIR"] = str(root / "config")
    os.environ["INTELBENCH_ANCHOR_DIR"] = str(root / "anchors")
    try:
        folder = root / "ws"
        folder.mkdir()
        (folder / "workspace.toml").write_text('[audit]\nunlogged_kinds = ["silent"]\n')
        ws = Workspace(folder, analyst="Bench", role="ANALYST")
        batch = {f"IR-{i:06d}": {**DOC, "i": i} for i in range(n)}
        ws.put_many("report", batch, action="COLLECT")
        ws.put_many("silent", batch, action="COLLECT")
        keys = list(batch)
        silent, logged = [], []
        for _ in range(5):
            silent.append(_timed(lambda: ws.get_many("silent", keys)))
            logged.append(_timed(lambda: ws.get_many("report", keys, justification="bench")))
        t_s, t_l = statistics.median(silent), statistics.median(logged)
        print(f"get_many of {n} documents (median of 5): without consultation logging "
              f"{t_s:.3f} s; with one CONSULT entry listing them {t_l:.3f} s "
              f"({t_l / t_s:.2f}x; target <= 1.5x)")

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

        entries = len(ws.audit)
        t_verify = _timed(ws.audit.verify)
        print(f"verify {entries} audit entries (keyed, against the anchors): {t_verify:.2f} s, "
              f"{entries / t_verify:.0f} entries/s")
        ws.close()
    finally:
        shutil.rmtree(root, ignore_errors=True)


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 10_000)
