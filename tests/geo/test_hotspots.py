"""Getis-Ord Gi*: esda docstring values, side by side with esda G_Local, FDR, permutations."""

from __future__ import annotations

import warnings
from pathlib import Path

import geopandas as gpd
import numpy as np
import pytest
from scipy import stats

import intelbench as ib
from intelbench.demo.cli import DemoContext
from intelbench.demo.geo import hotspots_step as demo_step
from intelbench.exceptions import SchemaError
from intelbench.geo.hotspots import HOTSPOT_LABELS

from ._geodata import clustered, cumbria_crimes, points

ESDA_PTS = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
ESDA_Y = [2, 3, 3.2, 5, 8, 7]


def _esda_frame() -> gpd.GeoDataFrame:
    return points(np.array(ESDA_PTS, dtype=float), y=ESDA_Y)


def _esda_g(values: np.ndarray, xy: np.ndarray, threshold: float, **kw: object):
    from esda.getisord import G_Local
    from libpysal.weights import DistanceBand

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        w = DistanceBand(xy, threshold=threshold, binary=True, silence_warnings=True)
        return G_Local(values.astype(float), w, **kw)


# methods.md B2: esda G_Local docstring, DistanceBand(threshold=15)
def test_esda_docstring_binary_star() -> None:
    out = ib.geo.getis_ord(_esda_frame(), "y", distance=15)
    expected = [-1.39727626, -0.28917762, 0.65064964, -0.28917762, 1.23452088, 2.02424331]
    np.testing.assert_allclose(out["gi_star"], expected, atol=1e-8)


def test_esda_docstring_binary_gi() -> None:
    out = ib.geo.getis_ord(_esda_frame(), "y", distance=15, star=False)
    expected = [-1.0136729, -0.04361589, 1.31558703, -0.31412676, 1.15373986, 1.77833941]
    np.testing.assert_allclose(out["gi"], expected, atol=1e-8)


def test_esda_docstring_row_standardised_star() -> None:
    out = ib.geo.getis_ord(_esda_frame(), "y", distance=15, transform="R")
    expected = [-0.62488094, -0.09144599, 0.41150696, -0.09144599, 0.24690418, 1.28024388]
    np.testing.assert_allclose(out["gi_star"], expected, atol=1e-8)


def test_getis_ord_matches_esda_on_random_points() -> None:
    rng = np.random.default_rng(5)
    xy = rng.uniform(0, 1000, (400, 2))
    y = rng.poisson(3, 400).astype(float) + (xy[:, 0] < 300) * 3
    gdf = points(xy, y=y)
    for star in (True, False):
        ours = ib.geo.getis_ord(gdf, "y", distance=120, star=star)
        ref = _esda_g(y, xy, 120, star=star, transform="B", permutations=0)
        np.testing.assert_allclose(ours["gi_star" if star else "gi"], ref.Zs, atol=1e-6)


@pytest.mark.parametrize("factor", [1.0, 1.5, 2.0, 3.0, 4.2])
def test_grid_matches_esda_g_local_on_same_cells(factor: float) -> None:
    pts = clustered(2500, 700, seed=2, size=4000)
    hs = ib.geo.hotspots(pts, cell_size=100, distance=100 * factor)
    c = hs.geometry.centroid
    xy = np.column_stack([c.x, c.y])
    ref = _esda_g(hs["count"].to_numpy(), xy, 100 * factor, star=True, transform="B",
                  permutations=0)
    np.testing.assert_allclose(hs["gi_star"], ref.Zs, atol=1e-6)
    np.testing.assert_array_equal(hs["neighbours"], ref.w.cardinalities_array
                                  if hasattr(ref.w, "cardinalities_array")
                                  else np.asarray(ref.w.sparse.sum(axis=1)).ravel())


def test_default_distance_is_queen_and_matches_esda() -> None:
    pts = clustered(1500, 400, seed=3, size=3000)
    hs = ib.geo.hotspots(pts, cell_size=100, extent=(300_000, 300_000, 303_000, 303_000))
    assert hs.attrs["hotspots"]["neighbours_interior"] == 9
    interior = (hs["row"] > 0) & (hs["row"] < hs["row"].max()) & (hs["col"] > 0) & (
        hs["col"] < hs["col"].max())
    assert (hs.loc[interior, "neighbours"] == 9).all()
    corner = (hs["row"] == 0) & (hs["col"] == 0)
    assert int(hs.loc[corner, "neighbours"].iloc[0]) == 4
    c = hs.geometry.centroid
    ref = _esda_g(hs["count"].to_numpy(), np.column_stack([c.x, c.y]), 100 * 2**0.5 + 1e-6,
                  star=True, transform="B", permutations=0)
    np.testing.assert_allclose(hs["gi_star"], ref.Zs, atol=1e-6)


def test_study_area_cells_match_esda_on_the_kept_cells() -> None:
    from shapely import Point

    pts = clustered(2000, 600, seed=4, size=4000)
    circle = Point(302_000, 302_000).buffer(1800)
    hs = ib.geo.hotspots(pts, cell_size=100, distance=250, study_area=circle)
    assert hs.attrs["grid"]["complete"] is False
    assert circle.contains(hs.geometry.centroid).all()
    c = hs.geometry.centroid
    ref = _esda_g(hs["count"].to_numpy(), np.column_stack([c.x, c.y]), 250, star=True,
                  transform="B", permutations=0)
    np.testing.assert_allclose(hs["gi_star"], ref.Zs, atol=1e-6)


def test_columns_p_values_fdr_and_classes() -> None:
    hs = ib.geo.hotspots(clustered(seed=6), cell_size=150, distance=300)
    for col in ("count", "gi_star", "p_value", "q_value", "fdr_significant", "hotspot",
                "gi_bin", "geometry"):
        assert col in hs.columns
    np.testing.assert_allclose(hs["p_value"], 2 * stats.norm.sf(np.abs(hs["gi_star"])))
    np.testing.assert_allclose(hs["q_value"],
                               stats.false_discovery_control(hs["p_value"], method="bh"))
    assert (hs["q_value"] >= hs["p_value"] - 1e-15).all()
    assert (hs["fdr_significant"] == (hs["q_value"] < 0.05)).all()
    expect_level = np.select([hs["q_value"] < 0.01, hs["q_value"] < 0.05,
                              hs["q_value"] < 0.10], [3, 2, 1], 0)
    np.testing.assert_array_equal(np.abs(hs["gi_bin"]), expect_level)
    assert ((hs["gi_bin"] > 0) <= (hs["gi_star"] > 0)).all()
    assert list(hs["hotspot"].cat.categories) == list(HOTSPOT_LABELS)
    assert (hs.loc[hs["gi_bin"] == 3, "hotspot"] == "hot 99%").all()
    # the densest cluster is hot, the empty fringe is not
    assert hs.loc[hs["count"].idxmax(), "hotspot"] == "hot 99%"
    raw = ib.geo.hotspots(clustered(seed=6), cell_size=150, distance=300, fdr=False)
    assert (raw["gi_bin"] != 0).sum() >= (hs["gi_bin"] != 0).sum()


def _tie_aware(ref: object, rtol: float = 1e-9) -> np.ndarray:
    """esda's simulations folded with ties counted for neither tail (our rule)."""
    sims, obs = np.asarray(ref.rGs), np.asarray(ref.Gs)[:, None]  # type: ignore[attr-defined]
    tol = rtol * np.maximum(np.abs(obs), 1.0)
    ge = (sims >= obs - tol).sum(axis=1)
    le = (sims <= obs + tol).sum(axis=1)
    return (np.minimum(ge, le) + 1) / (sims.shape[1] + 1)


def test_permutations_are_reproducible_and_comparable_to_esda() -> None:
    pts = clustered(600, 200, seed=7, size=2000)
    a = ib.geo.hotspots(pts, cell_size=100, distance=150, permutations=999, seed=11)
    b = ib.geo.hotspots(pts, cell_size=100, distance=150, permutations=999, seed=11)
    np.testing.assert_array_equal(a["p_value"], b["p_value"])
    assert "conditional permutation (999)" in a.attrs["hotspots"]["inference"]
    c = a.geometry.centroid
    ref = _esda_g(a["count"].to_numpy(), np.column_stack([c.x, c.y]), 150, star=True,
                  transform="B", permutations=999, seed=3, keep_simulations=True)
    tested = a["tested"].to_numpy()
    ours_one_sided = a["p_value"].to_numpy()[tested] / 2
    # same conditional-permutation scheme, different random numbers: close, not identical,
    # once esda's simulations are folded with the same tie rule
    ref_p = np.minimum(_tie_aware(ref)[tested], 0.5)
    assert np.median(np.abs(ours_one_sided - ref_p)) < 0.03
    assert np.corrcoef(ours_one_sided, ref_p)[0, 1] > 0.9
    assert a["p_value"].min() >= 2 / 1000


def test_permutation_p_equals_esda_rule_without_ties() -> None:
    """Continuous weights: no simulation ties, so the tie rule is esda's p_sim exactly."""
    from intelbench.geo._stats import fold_p, fold_p_ties

    larger = np.array([0, 3, 500, 999, 998])
    np.testing.assert_array_equal(fold_p_ties(larger, 999 - larger, 999), fold_p(larger, 999))
    pts = clustered(600, 200, seed=7, size=2000)
    pts["w"] = np.random.default_rng(1).gamma(2.0, 1.0, len(pts))
    a = ib.geo.hotspots(pts, cell_size=100, distance=150, permutations=999, seed=11,
                        weight="w", min_incidents=30)
    c = a.geometry.centroid
    ref = _esda_g(a["count"].to_numpy(), np.column_stack([c.x, c.y]), 150, star=True,
                  transform="B", permutations=999, seed=3, keep_simulations=True)
    tested = a["tested"].to_numpy()
    esda_p = np.minimum(np.asarray(ref.p_sim), 0.5)[tested]
    assert np.median(np.abs(a["p_value"].to_numpy()[tested] / 2 - esda_p)) < 0.03


def test_all_tied_simulations_give_p_one_not_cold() -> None:
    """The sparse-data fault: an empty cell among empty cells was 'cold 99%' (p = 0.002)."""
    rng = np.random.default_rng(5)
    xy = np.vstack([rng.uniform(0, 20_000, (70, 2)), rng.normal(10_000, 80, (30, 2))])
    pts = points(xy + 300_000)
    hs = ib.geo.hotspots(pts, cell_size=100, extent=(300_000, 300_000, 320_000, 320_000),
                         permutations=199, seed=2)
    empty = (hs["nb_incidents"] == 0).to_numpy()
    assert empty.sum() > 30_000
    np.testing.assert_array_equal(hs.loc[empty, "p_value"], 1.0)
    assert (hs["gi_bin"] >= 0).all()  # no cold cell in so sparse a month
    assert hs.loc[hs["count"].idxmax(), "gi_star"] > 10


def test_weight_column_sums_values() -> None:
    pts = clustered(500, 100, seed=8)
    pts["w"] = 2.0
    hs = ib.geo.hotspots(pts, cell_size=200, weight="w")
    plain = ib.geo.hotspots(pts, cell_size=200)
    np.testing.assert_allclose(hs["count"], 2 * plain["count"])
    np.testing.assert_allclose(hs["gi_star"], plain["gi_star"])  # z is scale-free


def test_too_few_incidents_are_refused_in_words() -> None:
    pts = points(np.array([[10.0, 10.0], [20.0, 20.0]]))
    with pytest.raises(SchemaError, match=r"at least 60 located incidents.*got 2"):
        ib.geo.hotspots(pts, cell_size=100)
    rng = np.random.default_rng(0)
    few = points(rng.uniform(0, 5000, (45, 2)))
    with pytest.raises(SchemaError, match="got 45"):
        ib.geo.hotspots(few)
    # a boundary lowers the minimum to 30, as in ArcGIS
    from shapely import box

    hs = ib.geo.hotspots(few, study_area=box(0, 0, 5000, 5000))
    assert hs.attrs["hotspots"]["min_incidents"] == 30
    with pytest.raises(SchemaError, match="min_incidents=50"):
        ib.geo.hotspots(few, study_area=box(0, 0, 5000, 5000), min_incidents=50)


def test_single_cell_is_refused() -> None:
    pts = points(np.array([[10.0, 10.0], [20.0, 20.0]] * 40))
    with pytest.raises(SchemaError, match=r"at least 30 analysed cells whose counts vary"):
        ib.geo.hotspots(pts, cell_size=100)


def test_real_cumbria_crimes_hotspots_match_esda() -> None:
    crimes = cumbria_crimes()
    hs = ib.geo.hotspots(crimes, cell_size=1000, distance=2000)
    assert hs["count"].sum() == 3322
    c = hs.geometry.centroid
    ref = _esda_g(hs["count"].to_numpy(), np.column_stack([c.x, c.y]), 2000, star=True,
                  transform="B", permutations=0)
    np.testing.assert_allclose(hs["gi_star"], ref.Zs, atol=1e-6)
    top = hs.loc[hs["count"].idxmax()]
    assert top["hotspot"] == "hot 99%"
    # the busiest cell lies in one of the county's towns (Carlisle, Barrow, Workington...)
    assert top["count"] > 50


def test_demo_step_writes_gpkg_and_csv(tmp_path: Path) -> None:
    crimes = cumbria_crimes()
    ctx = DemoContext(data=tmp_path, out=tmp_path / "out", shared={"crimes": crimes})
    lines = demo_step(ctx)
    hs = ctx.shared["hotspots"]
    assert (tmp_path / "out" / "hotspots_burglary.gpkg").exists()
    assert (tmp_path / "out" / "hotspots_burglary.csv").exists()
    assert hs["count"].sum() == (crimes["crime_type"] == "Burglary").sum() == 186
    back = gpd.read_file(tmp_path / "out" / "hotspots_burglary.gpkg")
    assert len(back) == len(hs)
    assert any("burglaries" in line for line in lines)
    assert crimes.equals(ctx.shared["crimes"])


def test_demo_step_reads_the_sample_force_itself(samples: Path, tmp_path: Path) -> None:
    ctx = DemoContext(data=samples, out=tmp_path)
    lines = demo_step(ctx)
    hs = ctx.shared["hotspots"]
    burglary = ctx.shared["crimes"]
    # the force boundary is the study area: events in cells centred outside it are left
    # out with those cells, and the notes (printed in the log) say how many
    import re

    outside = [int(m.group(1).replace(",", "")) for n in hs.attrs["notes"]
               if (m := re.match(r"([\d,]+) events lie in cells whose centre is outside", n))]
    assert any(n.startswith(f"{outside[0]:,} events lie in cells") for n in lines)
    total = int((burglary["crime_type"] == "Burglary").sum())
    assert hs["count"].sum() + outside[0] == total > 1000 and outside[0] < 0.01 * total
    assert hs.crs.to_epsg() == 27700 and (hs["gi_bin"] > 0).any()
    assert lines[0].endswith("(FDR-controlled)")
