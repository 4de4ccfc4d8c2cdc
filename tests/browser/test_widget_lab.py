"""The link chart widget's selection round trip in a running JupyterLab, with a real kernel.

Lab is started the ``make lab`` way (as root, and as an ordinary user when the tests run as
root), a notebook is opened in Chromium and its cells are run with Shift+Enter as a person
would: one builds a chart and shows ``chart.widget()``; nodes are clicked in the drawn widget;
a cell prints ``w.selected`` from the kernel; a cell sets ``w.selected`` from Python and the
page is checked for the highlight. Lab is stopped by PID.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import stat
import subprocess
import sys
import tempfile
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeoutError

from tests.browser._servers import free_port, stop_group, wait_for_lab

pytestmark = pytest.mark.browser

ROOT = Path(__file__).resolve().parents[2]
TOKEN = "intelbench-widget-test-token"

# The chart built in the notebook: typed entities, as an analyst's chart would have.
BUILD = """\
import networkx as nx
import intelbench as ib

G = nx.Graph()
for node, kind, label in [("P-1", "person", "Anne Smith"), ("P-2", "person", "Bob Jones"),
                          ("T-1", "phone", "07700 900123"), ("V-1", "vehicle", "AB12 CDE"),
                          ("A-1", "address", "1 High St")]:
    G.add_node(node, node_type=kind, label=label)
G.add_edges_from([("P-1", "P-2"), ("P-1", "T-1"), ("P-2", "V-1"), ("P-2", "A-1"),
                  ("T-1", "A-1")], link_type="associate")
chart = ib.network.link_chart(G, seed=1, title="Widget round trip")
w = chart.widget()
w"""
READ = 'print("SELECTED", w.selected["id"].tolist(), w.selected["label"].tolist())'
SET = 'w.selected = ["T-1", "A-1"]\nprint("SET", w.selected["id"].tolist())'

FIND_CHART = """() => {
  for (const el of document.querySelectorAll('.jp-OutputArea-output div'))
    if (el.intelbenchChart) return true;
  return false;
}"""
CHART = ("Array.from(document.querySelectorAll('.jp-OutputArea-output div'))"
         ".find((e) => e.intelbenchChart).intelbenchChart")


# Black pixels in a 40 px square around each node: the selection ring is drawn in black.
RING = """(ids) => {
  const ch = %s;
  const cv = ch.root.querySelector('canvas.ib-canvas');
  const r = cv.getBoundingClientRect(), d = window.devicePixelRatio || 1;
  const ctx = cv.getContext('2d');
  return ids.map((id) => {
    const [x, y] = ch.screenPos(id);
    const px = ctx.getImageData(Math.round((x - r.left - 20) * d),
      Math.round((y - r.top - 20) * d), Math.round(40 * d), Math.round(40 * d)).data;
    let dark = 0;
    for (let i = 0; i < px.length; i += 4)
      if (px[i] < 30 && px[i + 1] < 30 && px[i + 2] < 30 && px[i + 3] > 200) dark++;
    return dark;
  });
}""".replace("%s", CHART)


def _notebook(cells: list[str]) -> dict[str, Any]:
    return {
        "cells": [{"cell_type": "code", "execution_count": None, "id": f"c{i}", "metadata": {},
                   "outputs": [], "source": src} for i, src in enumerate(cells)],
        "metadata": {"kernelspec": {"name": "python3", "display_name": "Python 3",
                                    "language": "python"}},
        "nbformat": 4, "nbformat_minor": 5,
    }


CAPS = ["--inh-caps=+dac_read_search", "--ambient-caps=+dac_read_search"]


def _folders_on_the_way(user: str) -> list[Path]:
    """Folders that ``user`` may not search on the way to the clone and the venv's Python.

    Covers every hop: the clone as the tests see it, the launcher's ``#!`` path as written
    (the clone's unresolved path), and each symlink from the venv's ``python`` to the real
    interpreter.
    """
    launcher = ROOT / ".venv" / "bin" / "jupyter-lab"
    paths = [ROOT, Path(sys.executable)]
    if launcher.exists():
        first = launcher.read_bytes().split(b"\n", 1)[0]
        if first.startswith(b"#!"):
            paths.append(Path(first[2:].decode().split()[0]))
    hops: list[Path] = []
    for path in paths:
        for _ in range(40):
            hops.append(Path(os.path.abspath(path)))
            if not path.is_symlink():
                break
            path = path.parent / os.readlink(path)
        hops.append(path.resolve())
    pw = pwd.getpwnam(user)
    blocked: list[Path] = []
    for hop in hops:
        for folder in [*reversed(hop.parents), hop] if hop.is_dir() else reversed(hop.parents):
            st = folder.stat()
            if st.st_uid == pw.pw_uid or st.st_mode & stat.S_IXOTH or folder in blocked:
                continue
            blocked.append(folder)
    return blocked


def _way_in(user: str, drop: list[str], cmd: list[str], env: dict[str, str],
            granted: list[tuple[Path, int]]) -> tuple[list[str] | None, list[str]]:
    """How ``user`` can run ``make lab`` from this clone, and what was tried.

    The first item is ``drop`` with what the way needs, or ``None`` if no way works.

    Each way is tried by running ``make lab`` itself as the user with ``LAB_FLAGS=--version``
    (make, then bash, then the venv's ``jupyter-lab`` script by path and its ``#!`` Python), so
    a way that works for one exec but not through make's chain is not taken:

    1. nothing: the clone and the interpreter are open to the user;
    2. CAP_DAC_READ_SEARCH only (search any folder), as ambient capability: the user's uid
       stays non-zero, so Lab's own root check and the Makefile's ``--allow-root`` do not
       apply; some kernels do not carry ambient capabilities through make's execs;
    3. search permission (``o+x``, not read) on just the folders the user cannot search
       (a 0700 ``mktemp`` folder around the clone, ``/root`` around pyenv's Python), restored
       when the test ends (``granted`` holds the original modes).
    """
    tried: list[str] = []

    def works(extra: list[str]) -> bool:
        probe = subprocess.run([*drop, *extra, *cmd, "LAB_FLAGS=--version"], cwd=ROOT, env=env,
                               capture_output=True, text=True, check=False, timeout=120)
        if probe.returncode == 0:
            return True
        out = (probe.stderr + probe.stdout).strip()[-300:]
        tried.append(f"{' '.join(extra) or 'as is'}: {out}")
        return False

    if works([]):
        return drop, tried
    if works(CAPS):
        return [*drop, *CAPS], tried
    for folder in _folders_on_the_way(user):
        granted.append((folder, folder.stat().st_mode))
        folder.chmod(folder.stat().st_mode | stat.S_IXOTH)
    tried.append("o+x on " + ", ".join(str(f) for f, _ in granted))
    if granted and works([]):
        return drop, tried
    return None, tried


def _users() -> list[str]:
    return ["root", "nobody"] if os.geteuid() == 0 else [pwd.getpwuid(os.geteuid()).pw_name]


@pytest.fixture(params=_users())
def lab(request: pytest.FixtureRequest) -> Iterator[tuple[str, str]]:
    """Start Lab with ``make lab`` as the given user; yield (base URL, notebook name)."""
    user = request.param
    as_other = user != pwd.getpwuid(os.geteuid()).pw_name
    tmp = Path(tempfile.mkdtemp(prefix="ib-widget-lab-"))
    name = f"_widget_round_trip_{uuid.uuid4().hex[:8]}.ipynb"
    nb_path = ROOT / "notebooks" / name
    nb_path.write_text(json.dumps(_notebook([BUILD, READ, SET])), encoding="utf-8")
    port = free_port()
    env = {**os.environ, "JUPYTER_TOKEN": TOKEN, "HOME": str(tmp / "home"),
           "JUPYTER_CONFIG_DIR": str(tmp / "config"), "JUPYTER_RUNTIME_DIR": str(tmp / "runtime"),
           "JUPYTER_DATA_DIR": str(tmp / "data"), "IPYTHONDIR": str(tmp / "ipython"),
           "JUPYTERLAB_WORKSPACES_DIR": str(tmp / "workspaces"),
           "INTELBENCH_WORKSPACE": str(tmp / "workspace")}
    env.pop("MPLBACKEND", None)
    cmd = ["make", "-s", "lab", f"LAB_PORT={port}"]
    if not (ROOT / ".venv" / "bin" / "jupyter").exists():
        # a worktree without its own venv: Lab from the venv running the tests, which is
        # taken as installed (make must not rebuild a venv it does not own)
        cmd += [f"BIN={Path(sys.executable).parent}", "-o", ".venv/.installed"]
    granted: list[tuple[Path, int]] = []
    if as_other:
        for sub in ("home", "config", "runtime", "data", "ipython", "workspaces", "workspace"):
            (tmp / sub).mkdir()
        for d in [tmp, *tmp.iterdir()]:
            d.chmod(0o777)
        nb_path.chmod(nb_path.stat().st_mode | stat.S_IROTH)
        drop, tried = _way_in(
            user, ["setpriv", f"--reuid={user}", "--regid=nogroup", "--clear-groups"], cmd, env,
            granted)
        if drop is None:
            nb_path.unlink(missing_ok=True)
            shutil.rmtree(tmp, ignore_errors=True)
            for folder, mode in reversed(granted):
                folder.chmod(mode)
            pytest.fail(f"{user} cannot run `make lab` here; tried " + " | ".join(tried))
        print(f"{user} runs make lab with: {' '.join(drop[4:]) or 'no extra rights'}"
              + (f"; o+x on {[str(f) for f, _ in granted]}" if granted else ""))
        cmd = [*drop, *cmd]
    log = tmp / "lab.log"
    with log.open("wb") as fh:
        proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=fh, stderr=subprocess.STDOUT,
                                start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        wait_for_lab(proc, base, TOKEN, log)
        lab_procs = subprocess.run(["ps", "-ww", "-o", "user=,args=", "--ppid", str(proc.pid)],
                                   capture_output=True, text=True, check=False).stdout
        lab_procs = "\n".join(ln for ln in lab_procs.splitlines() if "jupyter" in ln)
        assert lab_procs and all(ln.split()[0] == user for ln in lab_procs.splitlines()), (
            f"Lab does not run as {user}: {lab_procs}")
        # root needs --allow-root (the Makefile adds it); anyone else runs without it
        assert ("--allow-root" in lab_procs) == (user == "root"), lab_procs
        yield base, name
    finally:
        stop_group(proc, timeout=20)
        nb_path.unlink(missing_ok=True)
        (ROOT / "notebooks" / ".ipynb_checkpoints" / name.replace(
            ".ipynb", "-checkpoint.ipynb")).unlink(missing_ok=True)
        shutil.rmtree(tmp, ignore_errors=True)
        for folder, mode in reversed(granted):
            folder.chmod(mode)


def _run_cell(page: Any, index: int) -> None:
    """Click into a cell's editor and press Shift+Enter, as a person runs a cell.

    Waits until the cell's prompt shows it ran (``[n]:``). A key press that Lab swallowed
    while still settling (the prompt stays ``[ ]:``) is repeated, at most three times.
    """
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    prompt = cell.locator(".jp-InputPrompt")
    for _ in range(3):
        cell.locator(".jp-InputArea-editor").click()
        page.keyboard.press("Shift+Enter")
        try:
            page.wait_for_function(
                "(el) => /\\[(\\*|\\d+)\\]/.test(el.textContent)", arg=prompt.element_handle(),
                timeout=20_000)
        except PlaywrightTimeoutError:
            continue
        page.wait_for_function("(el) => /\\[\\d+\\]/.test(el.textContent)",
                               arg=prompt.element_handle(), timeout=120_000)
        return
    raise AssertionError(f"cell {index} did not run: prompt {prompt.text_content()!r}")


def _output_line(page: Any, index: int, prefix: str) -> str:
    cell = page.locator(".jp-Notebook .jp-CodeCell").nth(index)
    out = cell.locator(".jp-OutputArea-output").filter(has_text=prefix).first
    out.wait_for(timeout=60_000)
    text: str = out.text_content() or ""
    return text.strip()


def test_widget_selection_round_trips_through_a_lab_kernel(
    lab: tuple[str, str], guarded_page: Any, blocked_requests: list[str],
    page_errors: list[str], tmp_path: Path,
) -> None:
    base, name = lab
    page = guarded_page
    page.goto(f"{base}/lab/tree/{name}?token={TOKEN}", timeout=120_000)
    page.wait_for_function(
        "document.querySelectorAll('.jp-Notebook .jp-CodeCell').length === 3", timeout=120_000)
    # wait for the kernel before running anything
    page.locator(".jp-Notebook-ExecutionIndicator[data-status='idle'], "
                 "#jp-main-statusbar :text('Idle')").first.wait_for(timeout=120_000)
    _run_cell(page, 0)
    # the widget asks the kernel for its data and draws the chart in the output area
    page.wait_for_function(FIND_CHART, timeout=120_000)
    page.wait_for_function(f"{CHART}.ready", timeout=60_000)
    assert page.locator(".jp-OutputArea-output .ib-marking").count() == 2
    # select in the drawn widget: click one node, Ctrl-click another
    for node, ctrl in (("P-2", False), ("V-1", True)):
        page.evaluate(f"{CHART}.zoom(1)")
        x, y = page.evaluate(f"{CHART}.screenPos('{node}')")
        if ctrl:
            page.keyboard.down("Control")
        page.mouse.click(x, y)
        if ctrl:
            page.keyboard.up("Control")
    assert page.evaluate(f"{CHART}.selectedIds()") == ["P-2", "V-1"]
    # read the selection from the kernel
    _run_cell(page, 1)
    line = _output_line(page, 1, "SELECTED")
    assert line == "SELECTED ['P-2', 'V-1'] ['Bob Jones', 'AB12 CDE']", line
    # set it from Python: the page highlights those nodes and shows the last one's details
    before = page.evaluate(RING, ["T-1", "A-1", "P-2"])
    _run_cell(page, 2)
    assert _output_line(page, 2, "SET") == "SET ['T-1', 'A-1']"
    page.wait_for_function(f"JSON.stringify({CHART}.selectedIds()) === '[\"T-1\",\"A-1\"]'",
                           timeout=30_000)
    assert page.locator(".jp-OutputArea-output .ib-details h2").text_content() == "1 High St"
    # and draws it: the newly selected nodes gain the black selection ring, P-2 loses it
    page.wait_for_timeout(500)
    after = page.evaluate(RING, ["T-1", "A-1", "P-2"])
    page.screenshot(path=str(tmp_path / "widget_lab.png"), full_page=True)
    assert after[0] > before[0] and after[1] > before[1] and after[2] < before[2], (before, after)
    assert blocked_requests == [], f"Lab attempted outside requests: {blocked_requests}"
    assert page_errors == []
