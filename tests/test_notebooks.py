"""Notebooks: plots come out as images the way Lab runs them; stored notebooks hold no outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


#: Every notebook takes a parameters cell (papermill).
PARAMETERISED = sorted(p.stem for p in (ROOT / "notebooks").glob("*.ipynb"))


def _parameters_cell(nb: dict) -> dict:
    cells = [c for c in nb["cells"] if "parameters" in c.get("metadata", {}).get("tags", [])]
    assert len(cells) == 1, f"{len(cells)} cells tagged 'parameters'"
    return cells[0]


@pytest.mark.parametrize("name", PARAMETERISED)
def test_notebook_has_one_parameters_cell_of_plain_assignments(name: str) -> None:
    """papermill injects values after the cell tagged ``parameters``: it holds only literals."""
    import ast

    nb = json.loads((ROOT / "notebooks" / f"{name}.ipynb").read_text(encoding="utf-8"))
    tree = ast.parse("".join(_parameters_cell(nb)["source"]))
    names = set()
    for node in tree.body:
        assert isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant), ast.dump(node)
        names |= {t.id for t in node.targets if isinstance(t, ast.Name)}
    assert {"DATA", "OUT"} <= names
    everything = "".join("".join(c["source"]) for c in nb["cells"])
    assert "tempfile" not in everything, "the workspace goes to OUT, not a folder that vanishes"


def _execute(name: str, tmp_path: Path, **params: str) -> dict:
    """Run a notebook as papermill does: the given values in a cell right after ``parameters``."""
    import nbclient  # in the lock (nbmake): a missing package fails, it never skips
    import nbformat

    nb = nbformat.read(ROOT / "notebooks" / f"{name}.ipynb", as_version=4)
    at = nb.cells.index(_parameters_cell(nb)) + 1
    nb.cells.insert(at, nbformat.v4.new_code_cell(
        "\n".join(f"{k} = {v!r}" for k, v in params.items())))
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
    return nb


def test_collection_plan_notebook_runs_for_another_day_into_its_output_folder(
        monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nb = _execute("04_collection_plan", tmp_path, TODAY="2026-12-01", OUT=str(tmp_path / "out"))
    runs = list((tmp_path / "out" / "04_collection_plan").iterdir())
    assert len(runs) == 1 and (runs[0] / "workspace").is_dir(), runs
    printed = "".join(o.get("text", "") for c in nb.cells if c.cell_type == "code"
                      for o in c.outputs)
    assert "meeting on 2026-12-01" in printed


def test_grading_notebook_plots_come_out_as_images(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    monkeypatch.delenv("MPLBACKEND", raising=False)  # make unit sets Agg; Lab kernels do not
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nb = _execute("03_grading", tmp_path, OUT=str(tmp_path / "out"))
    plot_cells = [c for c in nb.cells if c.cell_type == "code" and ".plot(" in c.source]
    assert plot_cells, "the grading notebook draws its summary"
    for cell in plot_cells:
        kinds = {k for out in cell.outputs for k in out.get("data", {})}
        assert "image/png" in kinds, f"no image from {cell.source!r}: {json.dumps(kinds)}"


def test_committed_notebooks_hold_no_outputs() -> None:
    """Outputs can hold intelligence: notebooks are stored stripped (nbstripout, .gitattributes)."""
    notebooks = sorted([*ROOT.glob("notebooks/*.ipynb"), *ROOT.glob("widgets/*.ipynb")])
    assert notebooks
    for path in notebooks:
        nb = json.loads(path.read_text(encoding="utf-8"))
        code = [c for c in nb["cells"] if c["cell_type"] == "code"]
        assert all(not c.get("outputs") and c.get("execution_count") is None for c in code), path
    assert "filter=nbstripout" in (ROOT / ".gitattributes").read_text()
