"""Clark-Evans nearest-neighbour index and Ripley's K/L (methods.md B4)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from shapely import box

import intelbench as ib
from intelbench.exceptions import ParameterError, SchemaError

from ._geodata import clustered, points


def test_unit_square_corners_give_r_two() -> None:
    sq = points(np.array([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0], [1.0, 1.0]]))
    res = ib.geo.nearest_neighbour(sq, area=4)
    assert res.observed_mean == 1.0 and res.expected_mean == 0.5
    assert res.ratio == 2.0
    assert res.standard_error == pytest.approx(0.26136 / math.sqrt(16 / 4))
    assert res.z == pytest.approx((1 - 0.5) / res.standard_error)
    frame = res.to_frame()
    assert frame["ratio"].iloc[0] == 2.0 and "Clark-Evans" in res._repr_html_()


def test_nni_observed_mean_matches_pointpats() -> None:
    from pointpats import PointPattern

    rng = np.random.default_rng(2)
    xy = rng.uniform(0, 1000, (500, 2))
    res = ib.geo.nearest_neighbour(points(xy), area=box(0, 0, 1000, 1000))
    assert res.observed_mean == pytest.approx(PointPattern(xy).mean_nnd, rel=1e-12)
    assert res.area == 1_000_000
    assert res.pattern == "random" or abs(res.z) < 3


def test_nni_clustered_and_default_area_note() -> None:
    res = ib.geo.nearest_neighbour(clustered(500, 1500, seed=3))
    assert res.ratio < 1 and res.z < -1.96 and res.pattern == "clustered"
    assert any("convex hull" in n for n in res.notes)
    with pytest.raises(SchemaError, match="at least 2"):
        ib.geo.nearest_neighbour(points(np.array([[0.0, 0.0]])))
    with pytest.raises(ParameterError, match="area"):
        ib.geo.nearest_neighbour(clustered(10, 10), area=-1)


def test_ripley_k_matches_pointpats_without_edge_correction() -> None:
    from pointpats.distance_statistics import k as pp_k

    rng = np.random.default_rng(4)
    xy = rng.uniform(0, 1000, (400, 2))
    d = np.array([20.0, 50.0, 100.0, 150.0, 250.0])
    ours = ib.geo.ripley(points(xy), d, simulations=0).to_frame()
    support, kvals = pp_k(xy, support=d)
    np.testing.assert_allclose(support, d)
    np.testing.assert_allclose(ours["k"], kvals, rtol=1e-9)


def test_csr_envelope_contains_csr_and_excludes_clusters() -> None:
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 2000, (500, 2))
    window = box(0, 0, 2000, 2000)
    d = np.linspace(25, 400, 16)
    csr = ib.geo.ripley(points(xy), d, area=window, simulations=99, seed=1).to_frame()
    assert (~csr["outside"]).mean() >= 0.8
    assert (csr["lower"] <= csr["upper"]).all()
    np.testing.assert_allclose(csr["k_csr"], np.pi * d**2)
    clus = ib.geo.ripley(clustered(300, 600, seed=6, size=2000), d[:8], simulations=39,
                         seed=1).to_frame()
    assert (clus["l_minus_d"] > clus["upper"]).all()


def test_ripley_is_reproducible_and_validates() -> None:
    pts = clustered(200, 100, seed=7)
    a = ib.geo.ripley(pts, [50, 100], simulations=19, seed=3).to_frame()
    b = ib.geo.ripley(pts, [50, 100], simulations=19, seed=3).to_frame()
    assert a.equals(b)
    with pytest.raises(ParameterError, match="distances must be positive"):
        ib.geo.ripley(pts, [-5, 10], simulations=0)
    with pytest.raises(ParameterError, match="study-area polygon"):
        ib.geo.ripley(pts, [50], area=1e6)
