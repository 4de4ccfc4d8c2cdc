"""Emerging hot spots from the SQL cube on Parquet equal those from the points."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.intake.cube import emerging_from_counts, emerging_from_parquet

ROOT = Path(__file__).resolve().parents[2]


def _by_cell(frame: pd.DataFrame) -> dict[tuple[int, int], tuple[str, int, int, int]]:
    b = frame.geometry.bounds
    return {(int(round(x)), int(round(y))): (str(c), int(n), int(h), int(k))
            for x, y, c, n, h, k in zip(b["minx"], b["miny"], frame["category"],
                                        frame["count"], frame["hot_steps"],
                                        frame["cold_steps"], strict=True)}


@pytest.mark.parametrize("cell_size", [500.0, 1000.0])
def test_cube_path_gives_the_point_path_categories(tmp_path: Path, cell_size: float) -> None:
    folder = ROOT / "data_samples" / "crimes"
    points = ib.read_police_uk(folder, engine="pandas", outcomes=False)
    want = ib.geo.emerging_hotspots(points, cell_size=cell_size)
    res = ib.read_police_uk(folder, out=tmp_path / "pq", outcomes=False)
    got = emerging_from_parquet(res.parquet, cell_size=cell_size)
    assert _by_cell(got) == _by_cell(want)
    assert want["category"].value_counts().to_dict() == got["category"].value_counts().to_dict()
    np.testing.assert_allclose(got["trend_z"].to_numpy(), want["trend_z"].to_numpy())
    np.testing.assert_allclose(got.attrs["emerging"]["z"], want.attrs["emerging"]["z"])
    assert got.attrs["emerging"]["steps"] == want.attrs["emerging"]["steps"]
    assert set(want["category"]) - {"no pattern"}  # the sample force has patterns to find


def test_counts_are_checked() -> None:
    with pytest.raises(ib.SchemaError, match="missing"):
        emerging_from_counts(pd.DataFrame({"month": []}))
    c = pd.DataFrame({"month": pd.PeriodIndex(["2024-01"], freq="M"), "col": [0], "row": [0],
                      "count": [1]})
    with pytest.raises(ib.SchemaError, match="cell_size"):
        emerging_from_counts(c)
    c.attrs["cell_size"] = 100.0
    with pytest.raises(ib.SchemaError, match="at least 10 steps"):
        emerging_from_counts(c)
