"""Grid counts, rates per area joined to polygons, and choropleth classes."""

from __future__ import annotations

import geopandas as gpd
import mapclassify
import numpy as np
import pandas as pd
import pytest
from shapely import Point, box

import intelbench as ib
from intelbench.exceptions import IntelbenchWarning, ParameterError, SchemaError

from ._geodata import clustered, cumbria_crimes, cumbria_lsoas, points


def test_counts_match_numpy_histogram2d() -> None:
    pts = clustered(4000, 1000, seed=1)
    cells = ib.geo.grid(pts, cell_size=250)
    g = cells.attrs["grid"]
    assert g["x0"] % 250 == 0 and g["y0"] % 250 == 0  # origin snapped to the cell size
    xe = g["x0"] + 250 * np.arange(g["ncols"] + 1)
    ye = g["y0"] + 250 * np.arange(g["nrows"] + 1)
    h, _, _ = np.histogram2d(pts.geometry.x, pts.geometry.y, bins=[xe, ye])
    np.testing.assert_array_equal(
        cells.sort_values(["row", "col"])["count"].to_numpy(), h.T.ravel().astype(int)
    )
    assert cells["count"].sum() == len(pts)
    np.testing.assert_allclose(cells.geometry.area, 250 * 250)
    assert len(cells) == g["nrows"] * g["ncols"]


def test_cell_geometry_matches_row_and_col() -> None:
    cells = ib.geo.grid(clustered(200, 50, seed=2), cell_size=500)
    g = cells.attrs["grid"]
    minx = cells.geometry.bounds["minx"].to_numpy()
    miny = cells.geometry.bounds["miny"].to_numpy()
    np.testing.assert_allclose(minx, g["x0"] + cells["col"] * 500)
    np.testing.assert_allclose(miny, g["y0"] + cells["row"] * 500)
    assert (cells["cell_id"] == cells["row"] * g["ncols"] + cells["col"]).all()


def test_points_on_the_far_edge_belong_to_the_last_cell() -> None:
    pts = points(np.array([[0.0, 0.0], [200.0, 200.0]]))
    cells = ib.geo.grid(pts, cell_size=100)
    assert len(cells) == 4 and cells["count"].sum() == 2


def test_explicit_extent_notes_points_outside() -> None:
    pts = points(np.array([[50.0, 50.0], [150.0, 50.0], [5000.0, 5000.0]]))
    cells = ib.geo.grid(pts, cell_size=100, extent=(0, 0, 200, 100))
    assert cells["count"].tolist() == [1, 1]
    assert any("1 of 3 points fell outside" in n for n in cells.attrs["notes"])


def test_extent_from_layer_and_study_area() -> None:
    pts = clustered(1000, 300, seed=3)
    area = Point(302_500, 302_500).buffer(2000)
    cells = ib.geo.grid(pts, cell_size=200, study_area=area)
    assert area.contains(cells.geometry.centroid).all()
    inside = area.contains(pts.geometry)
    assert cells["count"].sum() <= inside.sum() + 50  # edge cells trimmed by centre rule
    assert any("outside the study area" in n for n in cells.attrs["notes"])


def test_weight_and_drop_empty() -> None:
    pts = points(np.array([[50.0, 50.0], [60.0, 60.0], [350.0, 50.0]]), w=[1.5, 2.0, 4.0])
    cells = ib.geo.grid(pts, cell_size=100, weight="w", drop_empty=True)
    assert cells["count"].tolist() == [3.5, 4.0]
    with pytest.raises(SchemaError, match="weight column 'nope'"):
        ib.geo.grid(pts, cell_size=100, weight="nope")


def test_rates_per_lsoa_on_real_cumbria_data() -> None:
    crimes = cumbria_crimes()
    lsoas = cumbria_lsoas()
    lsoas["residents"] = 1500.0
    lsoas.loc[lsoas.index[0], "residents"] = 0
    with pytest.warns(IntelbenchWarning, match="counts by code and by polygon differ"):
        out = ib.geo.rates(crimes, lsoas, population="residents", per=1000, by="polygon")
    assert out is not lsoas and "count" not in lsoas.columns
    # a handful of coastal snap points fall just outside the generalised polygons: noted
    outside = 3322 - out["count"].sum()
    assert 0 <= outside <= 10
    if outside:
        assert any(f"{outside} of 3322 points lie outside" in n for n in out.attrs["notes"])
    # reference: geopandas point-in-polygon join on the same layers
    ref = gpd.sjoin(crimes, lsoas, predicate="intersects").groupby("index_right").size()
    np.testing.assert_array_equal(out["count"], ref.reindex(lsoas.index, fill_value=0))
    # data.police.uk assigns the LSOA from the unsnapped location: 88% of snapped points
    # lie in their published LSOA, so counts by code and by polygon differ a little
    j = gpd.sjoin(crimes, lsoas, predicate="intersects")
    assert (j["lsoa_code"] == j["code"]).mean() > 0.85
    ok = out["residents"] > 0
    np.testing.assert_allclose(out.loc[ok, "rate"], out.loc[ok, "count"] / 1500 * 1000)
    assert np.isnan(out.loc[~ok, "rate"]).all()
    assert any("no positive 'residents'" in n for n in out.attrs["notes"])
    np.testing.assert_allclose(out["count_per_km2"], out["count"] / out["area_km2"])
    assert out.attrs["rate"] == "events per 1,000 residents"


def test_rates_counts_boundary_points_once_and_notes_outside() -> None:
    areas = ib.geo.grid(points(np.array([[0.0, 0.0], [199.0, 99.0]])), cell_size=100)
    areas = areas[["geometry"]].assign(households=[10, 20])
    pts = points(np.array([[100.0, 50.0], [50.0, 50.0], [900.0, 900.0]]))
    out = ib.geo.rates(pts, areas, population="households", per=100)
    assert out["count"].sum() == 2
    assert any("1 of 3 points lie outside" in n for n in out.attrs["notes"])
    with pytest.raises(SchemaError, match="population column 'residents'"):
        ib.geo.rates(pts, areas, population="residents")
    # the default takes residents where the areas have them, else counts and densities only
    plain = ib.geo.rates(pts, areas)
    assert "rate" not in plain.columns and plain["count"].tolist() == out["count"].tolist()
    assert any("no 'residents' column" in n for n in plain.attrs["notes"])


def test_classify_matches_mapclassify() -> None:
    rng = np.random.default_rng(0)
    df = pd.DataFrame({"rate": rng.gamma(2, 3, 200)})
    df.loc[3, "rate"] = np.nan
    # Fisher-Jenks is the deterministic optimum; mapclassify's NaturalBreaks starts from random
    # seeds, so two runs of it may differ by a value or two and cannot be compared exactly.
    out = ib.geo.classify(df, "rate", scheme="fisher_jenks", k=4)
    ref = mapclassify.FisherJenks(df["rate"].dropna().to_numpy(), k=4)
    np.testing.assert_array_equal(out["class"].drop(index=3), ref.yb)
    assert out.loc[3, "class"] == -1 and out.loc[3, "class_label"] == "no data"
    assert out.attrs["bins"] == pytest.approx(list(ref.bins))
    nb = ib.geo.classify(df, "rate", scheme="natural_breaks", k=4)
    bins = np.asarray(nb.attrs["bins"])
    valid = nb.drop(index=3)
    np.testing.assert_array_equal(
        valid["class"], np.searchsorted(bins, valid["rate"].to_numpy(), side="left")
    )
    q = ib.geo.classify(df, "rate", scheme="quantiles", k=5)
    assert q["class"].value_counts().drop(-1).between(38, 42).all()
    assert "class" not in df.columns
    with pytest.raises(ParameterError, match="scheme must be one of"):
        ib.geo.classify(df, "rate", scheme="rainbow")


def test_grid_polygons_are_cells() -> None:
    cells = ib.geo.grid(points(np.array([[0.0, 0.0], [250.0, 250.0]])), cell_size=250)
    assert cells.geometry.iloc[0].equals(box(0, 0, 250, 250))
