"""Local servers the browser tests start: Voilà on ``widgets/`` and JupyterLab by ``make lab``.

One place for starting, waiting for and stopping them (by process group), so that every test
that needs a server starts it the same way.
"""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

__all__ = ["ROOT", "VoilaServer", "free_port", "start_voila", "stop_group", "wait_for_lab"]

ROOT = Path(__file__).resolve().parents[2]


def free_port() -> int:
    """A free TCP port on the loopback interface."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


@dataclass
class VoilaServer:
    """A running Voilà server; ``url(app)`` gives the render URL of ``widgets/<app>.ipynb``."""

    base: str
    workspace: Path
    process: subprocess.Popen[bytes]
    log: Path
    env: dict[str, str] = field(default_factory=dict)

    def url(self, app: str) -> str:
        name = app if app.endswith(".ipynb") else f"{app}.ipynb"
        return f"{self.base}/voila/render/{name}"

    def log_text(self) -> str:
        return self.log.read_text(errors="replace") if self.log.exists() else ""


def stop_group(proc: subprocess.Popen[bytes], timeout: float = 15) -> None:
    """Stop a server started with ``start_new_session=True``: SIGTERM its group, then SIGKILL."""
    if proc.poll() is None:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait(timeout=5)


def start_voila(folder: Path, env: dict[str, str], *, timeout: float = 90) -> VoilaServer:
    """Start Voilà on loopback serving ``widgets/`` and wait until it answers.

    ``folder`` holds its Jupyter config, runtime and IPython folders and its log; ``env`` must
    name the workspace (``INTELBENCH_WORKSPACE``) and may name who runs it
    (``INTELBENCH_ANALYST``, ``INTELBENCH_ROLE``). On failure the server is stopped and the
    error carries its log.
    """
    folder.mkdir(parents=True, exist_ok=True)
    env = {**env, "JUPYTER_CONFIG_DIR": str(folder / "config"),
           "JUPYTER_RUNTIME_DIR": str(folder / "runtime"),
           "IPYTHONDIR": str(folder / "ipython"), "MPLBACKEND": "Agg"}
    voila_bin = Path(sys.executable).with_name("voila")
    if not voila_bin.exists():
        raise RuntimeError(f"voila not installed in the venv ({voila_bin})")
    port = free_port()
    log = folder / "voila.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(
            [str(voila_bin), str(ROOT / "widgets"), "--no-browser", "--template=intelbench",
             f"--port={port}", "--Voila.ip=127.0.0.1", "--ServerApp.port_retries=0"],
            cwd=ROOT / "widgets", env=env, stdout=fh, stderr=subprocess.STDOUT,
            start_new_session=True)
    server = VoilaServer(base=f"http://127.0.0.1:{port}",
                         workspace=Path(env["INTELBENCH_WORKSPACE"]), process=proc, log=log,
                         env=env)
    try:
        deadline = time.monotonic() + timeout
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"voila exited early:\n{server.log_text()}")
            try:
                with urllib.request.urlopen(server.base + "/", timeout=2) as resp:
                    if resp.status < 500:
                        return server
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                pass
            if time.monotonic() > deadline:
                raise RuntimeError(f"voila did not answer within {timeout:.0f} s:\n"
                                   f"{server.log_text()}")
            time.sleep(0.3)
    except BaseException:
        stop_group(proc)
        raise


def wait_for_lab(proc: subprocess.Popen[bytes], base: str, token: str, log: Path, *,
                 timeout: float = 120) -> dict[str, object]:
    """Wait until a Lab server answers ``/api/status``; return the status.

    Fails (``AssertionError`` with the server's log) if the process exits first or nothing
    answers within ``timeout`` seconds.
    """
    deadline = time.monotonic() + timeout
    while True:
        assert proc.poll() is None, f"make lab exited early:\n{log.read_text()}"
        try:
            with urllib.request.urlopen(f"{base}/api/status?token={token}", timeout=2) as r:
                status: dict[str, object] = json.loads(r.read())
                return status
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            assert time.monotonic() < deadline, (
                f"no /api/status in {timeout:.0f} s:\n{log.read_text()}")
            time.sleep(0.5)
