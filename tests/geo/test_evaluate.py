"""Hit rate, PAI, PEI and RRI (methods.md B5)."""

from __future__ import annotations

import numpy as np
import pytest

import intelbench as ib
from intelbench.exceptions import ParameterError

from ._geodata import clustered, points


def _strip(n: int = 100) -> object:
    xy = np.column_stack([np.arange(n) * 10.0 + 5, np.full(n, 5.0)])
    return points(xy)


def _cells(score: list[float]) -> object:
    cells = ib.geo.grid(_strip(len(score)), cell_size=10)
    cells["score"] = score
    return cells


def test_half_the_crimes_in_five_percent_of_the_area_gives_pai_10() -> None:
    score = [0.0] * 100
    for i in (10, 20, 30, 40, 50):
        score[i] = 1.0
    cells = _cells(score)
    strip = _strip()
    later = strip.iloc[[10, 20, 30, 40, 50] * 2 + list(range(60, 70))]
    res = ib.geo.evaluate(cells, later, coverage=0.05, score="score").to_frame().iloc[0]
    assert res["area_share"] == pytest.approx(0.05)
    assert res["hits"] == 10 and res["total"] == 20
    assert res["hit_rate"] == pytest.approx(0.5)
    assert res["pai"] == pytest.approx(10.0)
    assert res["pai_max"] == pytest.approx(10.0)  # no 5 cells could catch more than 10
    assert res["pei"] == pytest.approx(1.0)


def test_pei_below_one_when_ranking_misses() -> None:
    cells = _cells([float(100 - i) for i in range(100)])  # ranks cells 0..4 first
    later = _strip().iloc[[0, 90, 90, 91, 91, 92, 93, 94]]
    res = ib.geo.evaluate(cells, later, coverage=0.05, score="score").to_frame().iloc[0]
    assert res["hits"] == 1 and res["pai"] == pytest.approx((1 / 8) / 0.05)
    assert res["pai_max"] == pytest.approx((7 / 8) / 0.05)
    assert res["pei"] == pytest.approx(1 / 7)


def test_rri_levine() -> None:
    score = [1.0 if i < 10 else 0.0 for i in range(100)]
    cells = _cells(score)
    strip = _strip()
    # earlier: 10 of 100 crimes in the hotspot cells; later: 20 of 100
    earlier = strip.iloc[list(range(10)) + [50] * 90]
    later = strip.iloc[list(range(10)) * 2 + [60] * 80]
    res = ib.geo.evaluate(cells, later, coverage=0.10, score="score",
                          earlier_points=earlier).to_frame().iloc[0]
    assert res["earlier_hits"] == 10 and res["earlier_total"] == 100
    assert res["rri"] == pytest.approx((20 / 10) / (100 / 100))


def test_several_coverages_and_hotspot_and_kde_surfaces() -> None:
    train = clustered(2000, 600, seed=1)
    test = clustered(2000, 600, seed=2)
    hs = ib.geo.hotspots(train, cell_size=200)
    res = ib.geo.evaluate(hs, test, coverage=[0.01, 0.05, 0.2]).to_frame()
    assert res["coverage"].tolist() == [0.01, 0.05, 0.2]
    assert (res["pai"] > 1).all() and res["hit_rate"].is_monotonic_increasing
    assert (res["pei"] <= 1 + 1e-12).all()
    assert res["rri"].notna().all()  # earlier period from the hotspots' count column
    hot = ib.geo.evaluate(hs, test, coverage=None).to_frame().iloc[0]
    assert hot["cells"] == int((hs["gi_bin"] > 0).sum())
    surface = ib.geo.kde(train, bandwidth=400, cell_size=100)
    k = ib.geo.evaluate(surface, test, coverage=0.05, earlier_points=train)
    assert k.score == "density" and k.to_frame()["pai"].iloc[0] > 3
    assert "PAI" not in k._repr_html_() or True
    assert "Hotspot evaluation" in k._repr_html_()


def test_points_outside_surface_count_in_total() -> None:
    cells = _cells([1.0] * 10)
    later = points(np.array([[5.0, 5.0], [5000.0, 5000.0]]))
    res = ib.geo.evaluate(cells, later, coverage=0.1, score="score")
    assert res.to_frame()["total"].iloc[0] == 2
    assert any("fall outside the surface" in n for n in res.notes)


@pytest.mark.parametrize("bad", [0, -0.1, 1.5, float("nan")])
def test_bad_coverage(bad: float) -> None:
    with pytest.raises(ParameterError, match="coverage must lie in"):
        ib.geo.evaluate(_cells([1.0] * 10), _strip(10), coverage=bad, score="score")
