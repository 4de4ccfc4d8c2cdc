"""`intelbench demo` runs with networking blocked and leaves no external fetch in any output."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from tests.offline_scan import external_fetches

pytestmark = pytest.mark.slow

PROBE = (
    "import socket\n"
    "s = socket.socket(); s.settimeout(2)\n"
    "print(s.connect_ex(('192.0.2.1', 80)))\n"  # TEST-NET-1: never routed; must fail at once
)


def _unshared(*args: str) -> list[str]:
    return ["unshare", "--net", "--", *args]


def test_network_namespace_blocks_networking() -> None:
    """The sandbox the demo runs in really has no network (else the next test proves nothing)."""
    result = subprocess.run(
        _unshared(sys.executable, "-c", PROBE), capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0, f"unshare --net failed (CI runs as root): {result.stderr}"
    assert int(result.stdout.strip()) != 0


def test_demo_runs_offline_and_outputs_fetch_nothing(samples: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    demo = [sys.executable, "-m", "intelbench", "demo", "--data", str(samples), "--out", str(out)]
    result = subprocess.run(
        _unshared(*demo),
        capture_output=True,
        text=True,
        timeout=1200,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-3000:]
    written = [p for p in out.rglob("*") if p.is_file()]
    assert written, "the demo wrote nothing"
    assert external_fetches(out) == []
