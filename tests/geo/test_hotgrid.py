"""Raster-first Gi* (issue 14, section 5) and the ISA scale on the real Cumbria month."""

from __future__ import annotations

import numpy as np
import pytest

import intelbench as ib
from intelbench.geo._events import GridSpec
from intelbench.geo._gistar import _gi_z, _inference, benjamini_hochberg_grouped
from intelbench.geo._scale import moran_grid
from intelbench.geo._stats import benjamini_hochberg, stencil_halfwidths

from ._geodata import CRIMES_CSV, clustered, cumbria_lsoas


def test_flat_index_bins_like_cell_index() -> None:
    spec = GridSpec(0.0, 0.0, 10.0, 4, 5)
    rng = np.random.default_rng(3)
    xy = np.vstack([rng.uniform(-5, 55, (500, 2)),
                    [[50.0, 40.0], [0.0, 0.0], [50.0, 0.0], [-1e-9, 3.0], [49.999999, 39.9999]]])
    row, col, inside = spec.cell_index(xy)
    want = np.where(inside, row * spec.ncols + col, spec.ncells)
    np.testing.assert_array_equal(spec.flat_index(xy, chunk=64), want)
    inner = xy[inside]
    np.testing.assert_array_equal(spec.flat_index(inner, chunk=7), want[inside])


def test_grouped_fdr_equals_fdr_on_every_value() -> None:
    rng = np.random.default_rng(0)
    p = np.round(rng.uniform(0, 0.2, 2000), 3)
    p[::17] = np.nan
    u, inv, c = np.unique(p[np.isfinite(p)], return_inverse=True, return_counts=True)
    q = np.full(len(p), np.nan)
    q[np.isfinite(p)] = benjamini_hochberg_grouped(u, c)[inv]
    np.testing.assert_array_equal(q, benjamini_hochberg(p))


@pytest.mark.parametrize("band", [100.0, 141.5, 250.0])
def test_raster_result_is_the_per_cell_computation(band: float) -> None:
    pts = clustered(seed=5)
    hg = ib.geo.hotspot_grid(pts, cell_size=100, distance=band, extent=(3e5, 3e5, 305_000, 305_000))
    # the per-cell path: z from each cell's own sums, p/q/classes from all cells
    counts = hg.raster("count").astype(float)
    from intelbench.geo._stats import band_sum

    hw = stencil_halfwidths(band, 100)
    wy = band_sum(counts, hw).ravel()
    card = band_sum(np.ones(counts.shape), hw).ravel()
    _, z = _gi_z(counts.ravel(), wy, card, star=True)
    np.testing.assert_array_equal(hg["gi_star"], z)
    untested = (wy <= 1) & (np.nan_to_num(z) > 0)
    ref = _inference(z, alpha=0.05, fdr=True, p_perm=None, untested=untested)
    for name in ("p_value", "q_value", "gi_bin", "fdr_significant"):
        np.testing.assert_array_equal(hg[name], ref[name])
    frame = hg.to_frame()
    np.testing.assert_array_equal(frame["gi_star"].to_numpy(), hg["gi_star"])
    assert list(frame["hotspot"].astype(str)) == list(np.asarray(ref["hotspot"]).astype(str))


def test_esda_on_the_raster() -> None:
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    pts = clustered(n_uniform=800, n_cluster=300, seed=2, size=2000.0)
    hg = ib.geo.hotspot_grid(pts, cell_size=100, extent=(3e5, 3e5, 302_000, 302_000))
    xs, ys = hg.spec.centres()
    w = DistanceBand(np.column_stack([xs.ravel(), ys.ravel()]), threshold=100 * 2**0.5 + 1e-6,
                     binary=True, silence_warnings=True)
    g = G_Local(hg["count"].astype(float), w, transform="B", star=True, permutations=0)
    np.testing.assert_allclose(hg["gi_star"], g.Zs, atol=1e-9)


def test_moran_grid_matches_esda() -> None:
    from esda.moran import Moran
    from libpysal.weights import DistanceBand

    rng = np.random.default_rng(4)
    counts = rng.poisson(1.0, (12, 15))
    counts[3:6, 4:8] += 4
    active = np.ones(counts.shape, dtype=bool)
    active[0, :5] = False
    spec = GridSpec(0.0, 0.0, 1.0, 12, 15)
    xs, ys = spec.centres()
    for band in (1.0, 2.0, 3.0):
        i_stat, z, _ = moran_grid(counts, active, stencil_halfwidths(band, 1.0))
        w = DistanceBand(np.column_stack([xs[active], ys[active]]), threshold=band + 1e-9,
                         binary=True, silence_warnings=True)
        w.transform = "B"
        ref = Moran(counts[active].astype(float), w, transformation="B", permutations=0)
        assert i_stat == pytest.approx(ref.I, abs=1e-12)
        assert z == pytest.approx(ref.z_rand, abs=1e-9)


def test_cumbria_scale_from_isa_and_empty_hot_cells_reported() -> None:
    crimes = ib.read_police_uk(CRIMES_CSV)
    burglary = crimes[crimes["crime_type"] == "Burglary"]
    hs = ib.geo.hotspots(burglary, study_area=cumbria_lsoas())
    meta = hs.attrs["hotspots"]
    search = hs.attrs["scale_search"]
    assert search["used"] == "isa"
    zs = [row["z"] for row in search["bands"]]
    peak = [row["distance"] for row in search["bands"]].index(meta["distance"])
    assert zs[peak] > zs[peak - 1] and zs[peak] > zs[peak + 1]
    # the K-NN band was 7.8 km; the ISA peak is a few cells
    assert meta["distance"] <= 3 * meta["cell_size"]
    hot = hs[hs["gi_bin"] > 0]
    assert meta["hot_cells"] == len(hot)
    assert meta["hot_cells_empty"] == int((hot["count"] == 0).sum())
    assert (hot["nb_incidents"] >= 2).all()
    assert any("hold no incident themselves" in n for n in hs.attrs["notes"])
    knn = ib.geo.hotspots(burglary, study_area=cumbria_lsoas(), scale="knn")
    assert knn.attrs["hotspots"]["hot_cells_empty"] > meta["hot_cells_empty"]
