"""Hot spots on sparse real data (issue 14, section 1): the Cumbria 2016-03 burglaries."""

from __future__ import annotations

import numpy as np
import pytest
import shapely
from shapely import box

import intelbench as ib
from intelbench.geo._scale import knn_k

from ._geodata import CRIMES_CSV, cumbria_lsoas, points


@pytest.fixture(scope="module")
def burglary() -> object:
    crimes = ib.read_police_uk(CRIMES_CSV)
    out = crimes[crimes["crime_type"] == "Burglary"]
    assert len(out) == 186
    return out


@pytest.fixture(scope="module")
def county() -> object:
    return cumbria_lsoas()


def test_knn_k_matches_arcgis_rule() -> None:
    # methods.md B12: N=40 -> K=3; N=200 -> K=10; N=1,000 -> K=30
    assert [knn_k(40), knn_k(200), knn_k(1000), knn_k(10)] == [3, 10, 30, 3]


def test_fine_grid_in_the_county_no_single_incident_is_hot(burglary, county) -> None:
    hs = ib.geo.hotspots(burglary, cell_size=150, study_area=county)
    hot = hs[hs["gi_bin"] > 0]
    assert len(hot) > 0
    # every hot cell's neighbourhood holds more than one incident
    assert (hot["nb_incidents"] >= 2).all()
    # the cells around an isolated burglary were not tested, and the result says why
    lone = hs[(hs["nb_incidents"] == 1) & (hs["gi_star"] > 0)]
    assert len(lone) > 0 and not lone["tested"].any()
    assert (lone["hotspot"] == "not significant").all() and lone["p_value"].isna().all()
    meta = hs.attrs["hotspots"]
    assert meta["cells_excluded"] == len(lone)
    assert "at most one incident" in meta["excluded_reason"]
    assert any(f"{len(lone):,} cells were not tested" in n for n in hs.attrs["notes"])
    # the grid is bounded by the county: every analysed cell centre is inside it
    outline = county.union_all()
    shapely.prepare(outline)
    spec = hs.attrs["grid"]
    xs = spec["x0"] + (hs["col"].to_numpy() + 0.5) * spec["cell_size"]
    ys = spec["y0"] + (hs["row"].to_numpy() + 0.5) * spec["cell_size"]
    assert shapely.contains_xy(outline, xs, ys).all()
    assert meta["analysed"] == "study area boundary"


def test_default_scale_comes_from_the_data_and_is_reported(burglary) -> None:
    hs = ib.geo.hotspots(burglary)
    meta = hs.attrs["hotspots"]
    assert meta["scale_from_data"] is True
    # distinct snapped locations lie about a kilometre apart in this rural county
    assert 300 <= meta["cell_size"] <= 3000
    assert meta["distance"] >= meta["cell_size"]
    assert "nearest neighbour" in meta["scale"] and "K = 5%" in meta["scale"]
    assert any("scale of analysis" in n for n in hs.attrs["notes"])
    # without a boundary only the cells holding burglaries are analysed (ArcGIS)
    assert (hs["count"] > 0).all() and meta["analysed"] == "cells holding incidents"
    assert hs["count"].sum() == 186
    assert (hs.loc[hs["gi_bin"] > 0, "nb_incidents"] >= 2).all()


def test_permutations_on_the_county_call_no_empty_cell_cold(burglary, county) -> None:
    hs = ib.geo.hotspots(burglary, cell_size=150, study_area=county, permutations=99,
                         seed=1)
    # before: 122,414 empty cells came out "cold 99%" with z = -0.06 and p = 0.002
    assert (hs["gi_bin"] < 0).sum() == 0
    empty = hs["nb_incidents"] == 0
    assert empty.sum() > 100_000
    assert (hs.loc[empty, "p_value"] == 1.0).all()


def test_planted_hotspot_in_a_sparse_month_is_found() -> None:
    """A synthetic month as sparse as Cumbria's burglary, with one planted cluster."""
    rng = np.random.default_rng(14)
    background = rng.uniform(0, 60_000, (150, 2))
    centre = np.array([41_000.0, 17_000.0])
    planted = centre + rng.normal(0, 150, (36, 2))
    pts = points(np.vstack([background, planted]) + [300_000, 450_000])
    target = centre + [300_000, 450_000]
    for kw in ({}, {"study_area": box(300_000, 450_000, 360_000, 510_000)},
               {"cell_size": 250, "study_area": box(300_000, 450_000, 360_000, 510_000)}):
        hs = ib.geo.hotspots(pts, **kw)
        hot = hs[hs["gi_bin"] == 3]
        assert len(hot) > 0, kw
        assert hot.geometry.distance(points(target[None, :]).geometry.iloc[0]).min() < 1
        if "cell_size" not in kw:  # at the data's own scale nothing else is hot
            far = hot.geometry.centroid.distance(points(target[None, :]).geometry.iloc[0])
            meta = hs.attrs["hotspots"]
            assert far.max() < 2 * meta["distance"] + meta["cell_size"], kw
        assert (hot["nb_incidents"] >= 2).all()
