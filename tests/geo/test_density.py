"""Kernel density: derivable value, error against the exact kernel sum, mass, sklearn."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import intelbench as ib
from intelbench.exceptions import ParameterError
from intelbench.geo.density import kernel_values

from ._geodata import clustered, points


def test_lone_point_at_cell_centre_is_three_over_pi_h_squared() -> None:
    pt = points(np.array([[1050.0, 1050.0]]))
    s = ib.geo.kde(pt, bandwidth=100, cell_size=100, units="per_m2")
    assert s.values.max() == pytest.approx(3 / (math.pi * 100**2), rel=1e-12)
    assert s.values.max() == pytest.approx(9.549e-5, rel=1e-3)
    per_cell = ib.geo.kde(pt, bandwidth=100, cell_size=100)
    assert per_cell.values.max() == pytest.approx(3 / math.pi, rel=1e-12)
    # the peak sits in the cell whose centre is the point, read through the transform
    a, _, c, _, e, f = s.transform
    r, col = np.unravel_index(np.argmax(s.values), s.shape)
    assert (c + a * (col + 0.5), f + e * (r + 0.5)) == (1050.0, 1050.0)


def test_kernel_shapes_integrate_to_one() -> None:
    r = np.linspace(0, 400, 400_001)
    for kernel in ("quartic", "epanechnikov", "triangular", "uniform"):
        mass = np.trapezoid(kernel_values(r, 100.0, kernel) * 2 * np.pi * r, r)
        assert mass == pytest.approx(1.0, abs=2e-3), kernel
    g = np.trapezoid(kernel_values(r, 100.0, "gaussian") * 2 * np.pi * r, r)
    assert g == pytest.approx(1 - math.exp(-8), abs=1e-4)


@pytest.mark.parametrize("ratio", [1, 2, 3, 5, 10])
def test_binned_error_against_exact_kernel_sum(ratio: int) -> None:
    pts = clustered(3000, 2000, seed=3, size=3000)
    fast = ib.geo.kde(pts, bandwidth=50 * ratio, cell_size=50)
    exact = ib.geo.kde(pts, bandwidth=50 * ratio, cell_size=50, method="exact")
    assert fast.shape == exact.shape and fast.transform == exact.transform
    err = np.abs(fast.values - exact.values).max() / exact.values.max()
    assert err < 0.01
    assert exact.total == pytest.approx(len(pts), rel=0.05)


def test_error_without_oversampling_is_as_documented() -> None:
    pts = clustered(3000, 2000, seed=3, size=3000)
    coarse = ib.geo.kde(pts, bandwidth=100, cell_size=50, oversample=1)
    exact = ib.geo.kde(pts, bandwidth=100, cell_size=50, method="exact")
    err = np.abs(coarse.values - exact.values).max() / exact.values.max()
    assert 0.005 < err < 0.08
    with pytest.raises(ParameterError, match="oversample must be odd"):
        ib.geo.kde(pts, bandwidth=100, cell_size=50, oversample=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    n=st.integers(1, 400),
    ratio=st.floats(2.0, 8.0),
    seed=st.integers(0, 10_000),
    kernel=st.sampled_from(["quartic", "gaussian"]),
)
def test_mass_is_about_n_when_the_grid_covers_it(n: int, ratio: float, seed: int,
                                                 kernel: str) -> None:
    rng = np.random.default_rng(seed)
    pts = points(rng.uniform(0, 2000, (n, 2)))
    s = ib.geo.kde(pts, bandwidth=40 * ratio, cell_size=40, kernel=kernel)
    assert s.n_events == n
    assert s.total == pytest.approx(n, rel=0.02)
    assert s.stencil_mass == pytest.approx(1.0, abs=0.02)
    assert (s.values >= 0).all()


def test_side_by_side_with_sklearn_kernel_density() -> None:
    from sklearn.neighbors import KernelDensity

    pts = clustered(1500, 500, seed=5, size=3000)
    h = 250.0
    ours = ib.geo.kde(pts, bandwidth=h, cell_size=50, kernel="epanechnikov", units="per_m2",
                      method="exact")
    fast = ib.geo.kde(pts, bandwidth=h, cell_size=50, kernel="epanechnikov", units="per_m2")
    xy = np.column_stack([pts.geometry.x, pts.geometry.y])
    kd = KernelDensity(kernel="epanechnikov", bandwidth=h).fit(xy)
    xs, ys = ours.spec.centres()
    centres = np.column_stack([xs.ravel(), ys.ravel()])
    ref = np.exp(kd.score_samples(centres)).reshape(ours.spec.nrows, ours.spec.ncols)
    ref = ref[::-1] * len(xy)  # sklearn integrates to 1; ours sums events, north-up
    np.testing.assert_allclose(ours.values, ref, rtol=1e-6, atol=1e-12)
    assert np.abs(fast.values - ref).max() / ref.max() < 0.03


def test_frames_polygons_and_contours() -> None:
    pts = clustered(800, 300, seed=6, size=2000)
    s = ib.geo.kde(pts, bandwidth=300, cell_size=100)
    cells = s.to_frame()
    assert len(cells) == s.shape[0] * s.shape[1]
    assert cells["density"].sum() == pytest.approx(s.total)
    # cell_id and row/col line up with ib.geo.grid on the same grid
    grid = ib.geo.grid(pts, cell_size=100, extent=s.spec.bounds)
    assert (grid["cell_id"].to_numpy() == cells["cell_id"].to_numpy()).all()
    assert grid.geometry.geom_equals(cells.geometry).all()
    bands = s.to_polygons(k=4)
    assert bands["band"].tolist() == [0, 1, 2, 3]
    nz = cells[cells["density"] > 0]
    assert bands.area.sum() == pytest.approx(nz.area.sum())
    lines = s.contours([0.5, 2.0])
    assert lines["level"].tolist() == [0.5, 2.0]
    assert lines.geometry.length.iloc[0] > 0
    html = s._repr_html_()
    assert "Kernel density" in html and "http" not in html


def test_weight_and_units() -> None:
    pts = clustered(300, 100, seed=7)
    pts["w"] = 3.0
    a = ib.geo.kde(pts, bandwidth=400, cell_size=100, weight="w")
    b = ib.geo.kde(pts, bandwidth=400, cell_size=100)
    np.testing.assert_allclose(a.values, 3 * b.values)
    km = ib.geo.kde(pts, bandwidth=400, cell_size=100, units="per_km2")
    np.testing.assert_allclose(km.values, b.values / (100 * 100) * 1e6)


def test_bad_kernel_units_and_narrow_bandwidth() -> None:
    pts = clustered(100, 10, seed=8)
    with pytest.raises(ParameterError, match="kernel must be one of"):
        ib.geo.kde(pts, bandwidth=200, cell_size=50, kernel="box")
    with pytest.raises(ParameterError, match="units must be one of"):
        ib.geo.kde(pts, bandwidth=200, cell_size=50, units="per_acre")
    with pytest.raises(ParameterError, match="bandwidth must be at least cell_size"):
        ib.geo.kde(pts, bandwidth=20, cell_size=50)
