"""The demo steps of the workspace, intake, grading and network, on the sample force."""

from __future__ import annotations

import json
from pathlib import Path
from types import SimpleNamespace

import networkx as nx
import pandas as pd
import pytest

from intelbench.demo.cli import DEMO_STEPS, DemoContext
from intelbench.demo.grading import demo_step as grading_step
from intelbench.demo.intake import demo_step as intake_step
from intelbench.demo.network import network_step
from intelbench.demo.store import demo_step as store_step
from intelbench.store import Workspace


def test_every_step_names_a_function_of_the_demo_package() -> None:
    import importlib

    for _, target in DEMO_STEPS:
        module, func = target.split(":")
        assert module.startswith("intelbench.demo.")
        assert callable(getattr(importlib.import_module(module), func))


def test_workspace_step(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("INTELBENCH_ANALYST", "Demo Analyst")  # a configured identity
    ctx = SimpleNamespace(out=tmp_path, data=tmp_path, shared={})
    lines = store_step(ctx)
    assert isinstance(ctx.shared["ws"], Workspace)
    assert ctx.shared["ws"].analyst == "Demo Analyst" and ctx.shared["ws"].role == "INTEL_UNIT"
    assert (tmp_path / "workspace" / "workspace.db").is_file()
    assert any("verifies" in line for line in lines)
    assert DEMO_STEPS[0] == ("Workspace", "intelbench.demo.store:demo_step")


def test_intake_step(samples: Path, tmp_path: Path) -> None:
    ctx = DemoContext(data=samples, out=tmp_path)
    lines = intake_step(ctx)
    assert any("street CSVs: 12 files" in line for line in lines)
    assert len(ctx.shared["crimes"]) > 50_000
    report = pd.read_csv(tmp_path / "intake_report.csv")
    assert report["outcome"].tolist() == ["kept", "no location", "zero coordinates"]
    q = pd.read_csv(tmp_path / "burglary_quarantine.csv")
    assert len(q) >= 10


def test_grading_step_on_the_sample_force(samples: Path, tmp_path: Path) -> None:
    step = ("Grading summary for the tasking meeting", "intelbench.demo.grading:demo_step")
    assert step in DEMO_STEPS
    lines = grading_step(DemoContext(data=samples, out=tmp_path))
    text = "\n".join(lines)
    assert "awaiting evaluation:" in text and "from untested or not reliable sources" in text
    for name in ("grading_summary.csv", "grading_by_handling.csv", "grading_awaiting.csv",
                 "grading_summary.png", "grading_problems.csv"):
        assert (tmp_path / name).stat().st_size > 0
    # the sample's deliberate grade defects are exactly what the checks find
    truth = json.loads((samples / "truth.json").read_text())["intel_reports"]["defects"]
    grade_defects = {d["urn"] for d in truth if "text" not in d["defect"]}
    problems = pd.read_csv(tmp_path / "grading_problems.csv")
    assert set(problems["urn"]) == grade_defects
    expected = {"handling C without conditions": "conditions",
                "source 3 without rationale": "rationale",
                "assessment E without rationale": "rationale",
                "letter source and digit assessment (scheme swap)": "scheme",
                "handling C without risk assessment": "risk_assessment"}
    found = problems.groupby("urn")["rule"].apply(set).to_dict()
    for d in truth:
        if d["urn"] in grade_defects:
            assert expected[d["defect"]] in found[d["urn"]], d


def test_network_step(samples: Path, tmp_path: Path) -> None:
    ctx = DemoContext(data=samples, out=tmp_path)
    lines = network_step(ctx)
    assert (tmp_path / "network" / "key_players.csv").exists()
    summary = pd.read_csv(tmp_path / "network" / "ocg_summary.csv")
    assert len(summary) == 3 and isinstance(ctx.shared["graph"], nx.Graph)
    assert len(pd.read_csv(tmp_path / "network" / "link_quarantine.csv")) == 7
    assert any("set aside" in line for line in lines)
