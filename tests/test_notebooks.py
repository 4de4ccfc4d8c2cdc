"""Notebooks: plots come out as images the way Lab runs them; stored notebooks hold no outputs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def test_grading_notebook_plots_come_out_as_images(monkeypatch: pytest.MonkeyPatch,
                                                   tmp_path: Path) -> None:
    import nbclient  # in the lock (nbmake): a missing package fails, it never skips
    import nbformat

    monkeypatch.delenv("MPLBACKEND", raising=False)  # make unit sets Agg; Lab kernels do not
    monkeypatch.setenv("IPYTHONDIR", str(tmp_path / "ipython"))
    nb = nbformat.read(ROOT / "notebooks" / "03_grading.ipynb", as_version=4)
    nbclient.NotebookClient(nb, timeout=300, kernel_name="python3",
                            resources={"metadata": {"path": str(ROOT / "notebooks")}}).execute()
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
