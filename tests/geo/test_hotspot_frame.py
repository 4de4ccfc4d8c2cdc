"""The hot spot frame: cell polygons built on first use, and ``cells="relevant"`` (issue 14, 5).

``hotspots`` returns a real GeoDataFrame whose geometry column is a
:class:`~intelbench.geo._lazycells.CellSquares` array: the polygons are created the first
time a geometry is read. Every geopandas operation must give what it gives on the same
frame built eagerly with ``shapely.box``.
"""

from __future__ import annotations

import pickle

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely
from geopandas.testing import assert_geodataframe_equal, assert_geoseries_equal

import intelbench as ib
from intelbench.exceptions import ParameterError
from intelbench.geo._lazycells import CellSquares, cell_squares


def _points(seed: int = 3) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = np.vstack([rng.uniform(0, 3000, (80, 2)), rng.normal(1500, 80, (200, 2))])
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)


def _eager(hs: gpd.GeoDataFrame) -> gpd.GeoDataFrame:
    """The same frame with its polygons built now by shapely.box, from row/col alone."""
    g = hs.attrs["grid"]
    x = g["x0"] + hs["col"].to_numpy() * g["cell_size"]
    y = g["y0"] + hs["row"].to_numpy() * g["cell_size"]
    geom = shapely.box(x, y, x + g["cell_size"], y + g["cell_size"])
    return gpd.GeoDataFrame(pd.DataFrame(hs.drop(columns="geometry")),
                            geometry=gpd.GeoSeries(geom, index=hs.index, crs=hs.crs))


def _frame() -> gpd.GeoDataFrame:
    return ib.geo.hotspots(_points(), cell_size=150, extent=(0, 0, 3000, 3000))


def test_frame_is_ready_before_any_polygon_exists() -> None:
    hs = _frame()
    assert isinstance(hs, gpd.GeoDataFrame) and isinstance(hs.geometry, gpd.GeoSeries)
    values = hs.geometry.values
    assert isinstance(values, CellSquares) and isinstance(values, gpd.array.GeometryArray)
    assert not values.built and len(hs) == 400
    # reading columns, the repr, row selection and copies need no geometry
    repr(hs)
    hs._repr_html_()
    hs[hs["gi_bin"] > 0]
    hs.iloc[10:20].copy()
    hs.sort_values("gi_star")
    assert not hs.geometry.values.built and not hs.geometry.isna().any()
    assert hs.geometry.values.built is False
    assert hs.area.sum() == pytest.approx(400 * 150.0**2)  # first geometry use builds them
    assert hs.geometry.values.built


@pytest.mark.parametrize("op", [
    lambda d: d, lambda d: d.iloc[5:40], lambda d: d.iloc[[7, 3, 399]],
    lambda d: d[d["count"] > 0], lambda d: d.sort_values("gi_star"), lambda d: d.copy(),
    lambda d: pd.concat([d.iloc[:3], d.iloc[-3:]]), lambda d: d.to_crs(4326),
    lambda d: pickle.loads(pickle.dumps(d)), lambda d: d.head(3).reset_index(),
    lambda d: d.set_crs(27700, allow_override=True), lambda d: d.cx[0:700, 0:400],
    lambda d: d.explode(index_parts=False), lambda d: d.dissolve("hotspot"),
    lambda d: d.merge(pd.DataFrame({"cell_id": [0, 5], "note": ["a", "b"]}), on="cell_id"),
    lambda d: gpd.sjoin(d.iloc[:30], d.iloc[:30][["geometry"]], predicate="intersects"),
    lambda d: d.clip((100, 100, 900, 700)),
], ids=["as-is", "slice", "list", "mask", "sort", "copy", "concat", "to_crs", "pickle",
        "reset", "set_crs", "cx", "explode", "dissolve", "merge", "sjoin", "clip"])
def test_every_operation_gives_what_the_eager_frame_gives(op: object) -> None:
    hs = _frame()
    eager = _eager(hs)
    a, b = op(hs), op(eager)  # type: ignore[operator]
    assert_geodataframe_equal(a, b)


@pytest.mark.parametrize("fn", [
    lambda s: s.area, lambda s: s.bounds, lambda s: s.centroid, lambda s: s.to_wkt(),
    lambda s: s == s.iloc[4], lambda s: s.buffer(1.0),
], ids=["area", "bounds", "centroid", "wkt", "eq", "buffer"])
def test_geometry_methods_match(fn: object) -> None:
    hs = _frame()
    a, b = fn(hs.geometry), fn(_eager(hs).geometry)  # type: ignore[operator]
    if isinstance(a, gpd.GeoSeries):
        assert_geoseries_equal(a, b)
    elif isinstance(a, pd.DataFrame):
        pd.testing.assert_frame_equal(a, b)
    else:
        pd.testing.assert_series_equal(a, b)


def test_file_round_trip_spatial_index_and_assignment(tmp_path: object) -> None:
    hs = _frame()
    path = f"{tmp_path}/hs.gpkg"
    hs.to_file(path, layer="hotspots")
    back = gpd.read_file(path, layer="hotspots")
    assert back.geometry.geom_equals(_eager(hs).geometry.reset_index(drop=True)).all()
    hits = _frame().sindex.query(shapely.box(10, 10, 20, 20))
    assert hits.tolist() == [0]
    hs2 = _frame()
    hs2.loc[3, "geometry"] = shapely.Point(1, 1)
    assert hs2.geometry.iloc[3].equals(shapely.Point(1, 1))
    assert hs2.geometry.iloc[4].equals(shapely.box(600, 0, 750, 150))


def test_scalar_access_builds_one_cell_only() -> None:
    cells = cell_squares(1000.0, 2000.0, 25.0, np.array([0, 3, 9]), np.array([1, 0, 4]))
    assert cells[1].equals(shapely.box(1000, 2075, 1025, 2100))
    assert cells[-1].equals(shapely.box(1100, 2225, 1125, 2250))
    assert not cells.built
    with pytest.raises(IndexError):
        cells[3]


def test_relevant_cells_keep_every_incident_and_every_class() -> None:
    hg = ib.geo.hotspot_grid(_points(), cell_size=150, extent=(0, 0, 3000, 3000))
    full = hg.to_frame()
    rel = ib.geo.hotspots(_points(), cell_size=150, extent=(0, 0, 3000, 3000),
                          cells="relevant")
    dropped = full[~full["cell_id"].isin(rel["cell_id"])]
    assert len(dropped) > 0 and len(rel) + len(dropped) == len(full) == len(hg)
    # left out: only empty, not significant cells
    assert (dropped["count"] == 0).all() and (dropped["gi_bin"] == 0).all()
    assert (dropped["hotspot"] == "not significant").all()
    assert rel["count"].sum() == full["count"].sum()
    assert (rel["gi_bin"] != 0).sum() == (full["gi_bin"] != 0).sum() > 0
    # the kept rows are those of the full frame, unchanged
    kept = full.set_index("cell_id").loc[rel["cell_id"]].reset_index()
    pd.testing.assert_frame_equal(pd.DataFrame(rel.drop(columns="geometry")),
                                  pd.DataFrame(kept.drop(columns="geometry")))
    assert rel.attrs["hotspots"]["cells_in_frame"] == len(rel)
    assert rel.attrs["hotspots"]["cells_analysed"] == len(full)
    assert any(f"{len(dropped):,} empty, not significant cells" in n
               for n in rel.attrs["notes"])
    assert full.attrs["hotspots"]["frame_cells"] == "all"
    assert not any("left out (cells='all'" in n for n in full.attrs["notes"])
    with pytest.raises(ParameterError, match="cells must be"):
        hg.to_frame(cells="some")


def test_hotspots_signature_shows_cells() -> None:
    import inspect

    params = inspect.signature(ib.geo.hotspots).parameters
    assert params["cells"].default == "all" and "study_area" in params
