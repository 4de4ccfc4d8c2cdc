"""Input checks shared by every geostats helper: CRS, empty, non-points, parameters."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

import intelbench as ib
from intelbench.exceptions import CRSError, ParameterError, SchemaError

from ._geodata import clustered, cumbria_crimes, points


def _gdf() -> gpd.GeoDataFrame:
    return clustered(300, 100, seed=1)


HELPERS = {
    "grid": lambda p: ib.geo.grid(p, cell_size=250),
    "hotspots": lambda p: ib.geo.hotspots(p, cell_size=250),
    "kde": lambda p: ib.geo.kde(p, bandwidth=500, cell_size=250),
    "nearest_neighbour": lambda p: ib.geo.nearest_neighbour(p),
    "ripley": lambda p: ib.geo.ripley(p, [100, 200], simulations=3, seed=1),
    "evaluate": lambda p: ib.geo.evaluate(ib.geo.grid(_gdf(), cell_size=250), p),
}


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_no_crs_is_refused(name: str) -> None:
    pts = _gdf().set_crs(None, allow_override=True)
    with pytest.raises(CRSError, match="no CRS"):
        HELPERS[name](pts)


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_empty_input_is_refused(name: str) -> None:
    with pytest.raises(SchemaError, match="empty"):
        HELPERS[name](_gdf().iloc[:0])


@pytest.mark.parametrize("name", sorted(HELPERS))
def test_non_point_geometries_are_refused(name: str) -> None:
    polys = gpd.GeoDataFrame(geometry=[box(0, 0, 10, 10), box(5, 5, 30, 30)], crs=27700)
    with pytest.raises(SchemaError, match="Point geometries only.*Polygon"):
        HELPERS[name](polys)


def test_plain_dataframe_is_refused() -> None:
    with pytest.raises(SchemaError, match="GeoDataFrame"):
        ib.geo.grid(pd.DataFrame({"x": [1.0], "y": [2.0]}), cell_size=100)


def test_degrees_are_projected_and_the_result_says_so() -> None:
    lonlat = cumbria_crimes(crs=None)
    cells = ib.geo.grid(lonlat, cell_size=1000)
    assert any("EPSG:4326" in n and "EPSG:27700" in n for n in cells.attrs["notes"])
    assert cells.crs.to_epsg() == 27700
    # binned in metres, not degrees: the grid spans tens of kilometres
    xmin, ymin, xmax, ymax = cells.total_bounds
    assert 290_000 < xmin < 400_000 and xmax - xmin > 50_000
    # the same as projecting first
    projected = ib.geo.grid(lonlat.to_crs(27700), cell_size=1000)
    assert cells["count"].sum() == projected["count"].sum()
    np.testing.assert_array_equal(cells["count"], projected["count"])
    surface = ib.geo.kde(lonlat, bandwidth=2000, cell_size=1000)
    assert any("projected" in n for n in surface.notes)


def test_rows_without_location_are_counted_not_dropped_silently() -> None:
    lonlat = cumbria_crimes(crs=None)  # 4 rows of the real CSV have no location
    cells = ib.geo.grid(lonlat, cell_size=1000)
    assert cells["count"].sum() == 3322
    assert any(n.startswith("4 of 3326") for n in cells.attrs["notes"])


def test_feet_crs_is_refused() -> None:
    pts = _gdf().to_crs(2263)  # NAD83 / New York Long Island (ftUS)
    with pytest.raises(CRSError, match="axis units"):
        ib.geo.grid(pts, cell_size=100)


@pytest.mark.parametrize("bad", [0, -5, float("nan"), float("inf"), "100", True, None])
def test_non_positive_cell_size(bad: object) -> None:
    with pytest.raises(ParameterError, match=r"cell_size must be a positive number.*got"):
        ib.geo.grid(_gdf(), cell_size=bad)  # type: ignore[arg-type]
    if bad is not None:  # hotspots(cell_size=None) chooses the cell size from the data
        with pytest.raises(ParameterError, match="cell_size"):
            ib.geo.hotspots(_gdf(), cell_size=bad)  # type: ignore[arg-type]


@pytest.mark.parametrize("bad", [0, -100, float("nan")])
def test_non_positive_bandwidth(bad: float) -> None:
    with pytest.raises(ParameterError, match="bandwidth must be a positive number"):
        ib.geo.kde(_gdf(), bandwidth=bad, cell_size=100)


def test_distance_shorter_than_cell_is_refused() -> None:
    with pytest.raises(ParameterError, match="distance must be at least cell_size"):
        ib.geo.hotspots(_gdf(), cell_size=200, distance=100)


def test_memory_guard_names_parameter_and_range() -> None:
    county = points(np.array([[300_000.0, 450_000.0], [400_000.0, 580_000.0]]))
    with pytest.raises(ParameterError) as err:
        ib.geo.grid(county, cell_size=1)
    msg = str(err.value)
    assert "cell_size=1 m" in msg and "max_cells" in msg and "cell_size >=" in msg
    assert "100.0 km x 130.0 km" in msg
    with pytest.raises(ParameterError, match="cell_size"):
        ib.geo.kde(county, bandwidth=5, cell_size=1)
    with pytest.raises(ParameterError, match="cell_size"):
        ib.geo.hotspots(county, cell_size=1, distance=2, min_incidents=2)


def test_huge_kernel_stencil_is_refused() -> None:
    with pytest.raises(ParameterError, match="bandwidth"):
        ib.geo.kde(_gdf(), bandwidth=60_000, cell_size=50, max_cells=10**9)


def test_bad_seed() -> None:
    with pytest.raises(ParameterError, match="seed"):
        ib.geo.hotspots(_gdf(), cell_size=250, permutations=9, seed="abc")


def test_inputs_are_not_mutated() -> None:
    pts = _gdf()
    pts["w"] = 1.0
    before = pts.copy()
    ib.geo.grid(pts, cell_size=250, weight="w")
    ib.geo.hotspots(pts, cell_size=250)
    ib.geo.kde(pts, bandwidth=500, cell_size=250)
    ib.geo.nearest_neighbour(pts)
    pd.testing.assert_frame_equal(pd.DataFrame(pts), pd.DataFrame(before))
    assert pts.attrs == before.attrs
