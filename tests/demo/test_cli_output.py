"""The demo command prints each step's lines as the step ends, never inside a progress bar."""

from __future__ import annotations

import sys
import types
from pathlib import Path

import pytest

from intelbench.demo import cli


def _install_steps(monkeypatch: pytest.MonkeyPatch, events: list[str]) -> list[tuple[str, str]]:
    mod = types.ModuleType("intelbench_fake_demo_steps")

    def first(ctx: cli.DemoContext) -> list[str]:
        events.append("ran first")
        return ["wrote a.csv"]

    def second(ctx: cli.DemoContext) -> list[str]:
        events.append("ran second")
        return ["wrote b.csv"]

    mod.first, mod.second = first, second  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, mod.__name__, mod)
    return [("First", f"{mod.__name__}:first"), ("Second", f"{mod.__name__}:second")]


def test_lines_are_emitted_as_each_step_ends(monkeypatch: pytest.MonkeyPatch,
                                             tmp_path: Path) -> None:
    events: list[str] = []
    steps = _install_steps(monkeypatch, events)
    lines = cli.run_demo(tmp_path, tmp_path / "out", steps, emit=lambda s: events.append(s))
    assert events[0] == "ran first" and events[1].startswith("== First (")
    assert events[2] == "   wrote a.csv" and events[3] == "ran second"
    assert [e for e in events if not e.startswith("ran")] == lines


def test_command_writes_through_tqdm_and_disables_bars_off_a_terminal(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path,
        capsys: pytest.CaptureFixture[str]) -> None:
    steps = _install_steps(monkeypatch, [])
    monkeypatch.setattr(cli, "DEMO_STEPS", steps)
    monkeypatch.setattr(cli.run_demo, "__defaults__", (steps, None))
    monkeypatch.delenv("TQDM_DISABLE", raising=False)
    assert cli.main(["demo", "--data", str(tmp_path), "--out", str(tmp_path / "out")]) == 0
    import os

    assert os.environ.get("TQDM_DISABLE") == "1"  # captured stderr is not a terminal
    out = capsys.readouterr().out.splitlines()
    assert out[0].startswith("== First (") and out[1:] == ["   wrote a.csv", out[2],
                                                          "   wrote b.csv"]
    assert out[2].startswith("== Second (")
