"""Alias kept for old commands: the audit figures are now part of ``benchmarks/store.py``.

Consultation-logging overhead (``get_many`` with and without CONSULT logging), the
integrity-lock check and the verify rate are printed by ``benchmarks/store.py``; this runs it
without the 1M-row frames. Run: ``PYTHONPATH=. .venv/bin/python benchmarks/audit.py [N]``
(N documents, default 10 000).
"""

from __future__ import annotations

import runpy
import sys
from pathlib import Path

if __name__ == "__main__":
    bulk = sys.argv[1] if len(sys.argv) > 1 else "10000"
    sys.argv = [str(Path(__file__).with_name("store.py")), "--bulk", bulk, "--no-frames"]
    runpy.run_path(sys.argv[0], run_name="__main__")
