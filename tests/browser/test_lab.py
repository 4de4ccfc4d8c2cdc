"""`make lab` starts for root and non-root alike, serves the notebooks, and goes nowhere else."""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.browser._servers import free_port, stop_group, wait_for_lab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]


def test_make_lab_starts_and_opens_a_notebook(
    tmp_path: Path, guarded_page: Any, blocked_requests: list[str]
) -> None:
    port, token = free_port(), "intelbench-test-token"
    env = {**os.environ, "JUPYTER_TOKEN": token,
           "JUPYTER_CONFIG_DIR": str(tmp_path / "config"),
           "JUPYTER_RUNTIME_DIR": str(tmp_path / "runtime"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp_path / "workspaces")}
    env.pop("MPLBACKEND", None)
    log = tmp_path / "lab.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(["make", "-s", "lab", f"LAB_PORT={port}"], cwd=ROOT, env=env,
                                stdout=fh, stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        status = wait_for_lab(proc, base, token, log)
        assert "started" in status
        guarded_page.goto(f"{base}/lab/tree/03_grading.ipynb?token={token}", timeout=120_000)
        # Lab renders a notebook's cells progressively: wait until several are on the page.
        guarded_page.wait_for_function(
            "document.querySelectorAll('.jp-Notebook .jp-Cell').length > 3", timeout=120_000)
        guarded_page.get_by_text("grading_summary").first.wait_for(timeout=60_000)
        guarded_page.wait_for_timeout(2000)
        guarded_page.screenshot(path=str(tmp_path / "lab.png"))
        assert blocked_requests == [], f"Lab attempted outside requests: {blocked_requests}"
        assert proc.poll() is None, "Lab stopped while the notebook was open"
    finally:
        stop_group(proc, timeout=20)
