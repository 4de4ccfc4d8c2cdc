"""Shared input checks for the geographic helpers.

Every public helper in :mod:`intelbench.geo` runs its input through these checks so that
the rules are the same everywhere:

* points with no CRS are refused (:class:`~intelbench.exceptions.CRSError`);
* points in a geographic CRS (degrees) are projected to EPSG:27700 and the result carries
  a note saying so; nothing is ever binned in degrees;
* projected CRSs whose unit is not the metre are refused;
* empty input and non-point geometries raise :class:`~intelbench.exceptions.SchemaError`;
* rows without a usable location (missing, empty or non-finite) are left out and counted
  in a note, never dropped silently;
* non-positive parameters and grids that would not fit in memory raise
  :class:`~intelbench.exceptions.ParameterError` naming the parameter, a sensible range and
  the value received.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from intelbench.exceptions import CRSError, ParameterError, SchemaError

__all__ = [
    "BNG",
    "DEFAULT_MAX_CELLS",
    "GridSpec",
    "PreparedPoints",
    "check_positive",
    "check_probability",
    "grid_spec",
    "prepare_points",
    "resolve_seed",
]

#: British National Grid, the CRS every analysis runs in when the input is in degrees.
BNG = "EPSG:27700"

#: Default ceiling on the number of cells of a grid or raster (about 16 MB per float64 layer).
DEFAULT_MAX_CELLS = 2_000_000


@dataclass(frozen=True)
class PreparedPoints:
    """Validated point input: coordinates in metres plus what was done to get them."""

    xy: np.ndarray  # (n, 2) float64, finite, metres
    crs: Any  # pyproj.CRS of xy
    index: Any  # pandas Index of the rows kept (aligned with xy)
    frame: Any  # the kept rows (GeoDataFrame in ``crs``), a new object
    notes: tuple[str, ...] = field(default_factory=tuple)
    n_input: int = 0
    n_excluded: int = 0


def _is_geo(obj: Any) -> bool:
    import geopandas as gpd

    return isinstance(obj, (gpd.GeoDataFrame, gpd.GeoSeries))


def prepare_points(
    points: Any,
    *,
    name: str = "points",
    allow_empty: bool = False,
    use_centroids: bool = False,
) -> PreparedPoints:
    """Check a point layer and return its coordinates in metres.

    ``use_centroids`` accepts any geometry type and uses representative centroids (for
    statistics on polygons such as grid cells); otherwise only points are accepted.
    """
    import geopandas as gpd
    import shapely

    if not _is_geo(points):
        raise SchemaError(
            f"{name} must be a GeoDataFrame or GeoSeries of points; got "
            f"{type(points).__name__}. Build one with geopandas.points_from_xy(x, y, "
            "crs='EPSG:27700')."
        )
    geoms = points.geometry if isinstance(points, gpd.GeoDataFrame) else points
    frame = points if isinstance(points, gpd.GeoDataFrame) else gpd.GeoDataFrame(geometry=points)
    n_input = len(frame)
    if n_input == 0 and not allow_empty:
        raise SchemaError(f"{name} is empty: it needs at least 1 located event; got 0 rows.")
    crs = geoms.crs
    if crs is None:
        raise CRSError(
            f"{name} has no CRS; allowed: a projected CRS in metres (EPSG:27700) or a "
            "geographic CRS (EPSG:4326, projected to EPSG:27700 for you); got None. "
            "Set it with .set_crs(...)."
        )
    notes: list[str] = []
    if crs.is_geographic:
        notes.append(
            f"{name} were in {crs.to_string()} (degrees) and were projected to {BNG} "
            "(British National Grid, metres) before analysis."
        )
        frame = frame.to_crs(BNG)
        geoms = frame.geometry
        crs = geoms.crs
    else:
        units = {ax.unit_name.lower() for ax in crs.axis_info}
        if not units <= {"metre", "meter", "metres", "meters"}:
            raise CRSError(
                f"{name} CRS {crs.to_string()} has axis units {sorted(units)}; allowed: a "
                "CRS in metres (EPSG:27700) or degrees (EPSG:4326). Reproject with "
                ".to_crs('EPSG:27700')."
            )
    arr = np.asarray(geoms.values)
    # One pass per GEOS property: missing (None) or empty geometries have no coordinates.
    types = shapely.get_type_id(arr)
    missing = (types < 0) | (shapely.get_num_coordinates(arr) == 0)
    present = arr[~missing] if missing.any() else arr
    if use_centroids:
        pts = shapely.centroid(present)
    else:
        bad = (types[~missing] if missing.any() else types) != 0  # 0 = Point
        if bad.any():
            kinds = sorted(set(shapely.get_type_id(present[bad]).tolist()))
            names = [
                {1: "LineString", 2: "LinearRing", 3: "Polygon", 4: "MultiPoint",
                 5: "MultiLineString", 6: "MultiPolygon", 7: "GeometryCollection"}.get(k, str(k))
                for k in kinds
            ]
            raise SchemaError(
                f"{name} must hold Point geometries only; got {int(bad.sum())} non-point "
                f"geometries ({', '.join(names)}). Use .centroid or .explode() first."
            )
        pts = present
    if len(pts):
        xy = np.column_stack([shapely.get_x(pts), shapely.get_y(pts)])
    else:
        xy = np.empty((0, 2))
    finite = np.isfinite(xy).all(axis=1)
    keep = np.flatnonzero(~missing)[finite]
    n_missing = int(missing.sum())
    n_nonfinite = int((~finite).sum())
    if n_missing:
        notes.append(f"{n_missing} of {n_input} {name} had no location and were left out.")
    if n_nonfinite:
        notes.append(
            f"{n_nonfinite} of {n_input} {name} had non-finite coordinates (outside the "
            "projection's area) and were left out."
        )
    xy = np.ascontiguousarray(xy[finite], dtype=np.float64)
    if len(xy) == 0 and not allow_empty:
        raise SchemaError(
            f"{name} has no located events: all {n_input} rows lack a usable location."
        )
    kept = frame if len(keep) == n_input else frame.iloc[keep]
    return PreparedPoints(
        xy=xy,
        crs=crs,
        index=kept.index,
        frame=kept,
        notes=tuple(notes),
        n_input=n_input,
        n_excluded=n_input - len(keep),
    )


def check_positive(
    name: str,
    value: Any,
    *,
    typical: str,
    integer: bool = False,
    allow_zero: bool = False,
) -> float:
    """Return ``value`` as a float if it is a finite positive number, else raise."""
    ok = isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, bool)
    if ok:
        fval = float(value)
        ok = math.isfinite(fval) and (fval >= 0 if allow_zero else fval > 0)
        if integer and ok:
            ok = fval == int(fval)
    if not ok:
        kind = "a non-negative" if allow_zero else "a positive"
        what = "whole number" if integer else "number"
        raise ParameterError(f"{name} must be {kind} {what} ({typical}); got {value!r}.")
    return float(value)


def check_probability(name: str, value: Any, *, lo: float = 0.0, hi: float = 1.0) -> float:
    """Return ``value`` if it lies strictly between ``lo`` and ``hi``."""
    if (
        not isinstance(value, (int, float, np.floating))
        or isinstance(value, bool)
        or not (lo < float(value) < hi)
    ):
        raise ParameterError(f"{name} must lie strictly between {lo} and {hi}; got {value!r}.")
    return float(value)


def resolve_seed(seed: Any) -> np.random.Generator:
    """Normalise ``seed`` (None, int or Generator) into a numpy Generator."""
    if isinstance(seed, np.random.Generator):
        return seed
    if seed is None or (isinstance(seed, (int, np.integer)) and not isinstance(seed, bool)):
        return np.random.default_rng(seed)
    raise ParameterError(
        f"seed must be None, a whole number or a numpy Generator; got {type(seed).__name__}."
    )


@dataclass(frozen=True)
class GridSpec:
    """A regular grid: lower-left origin, square cell size, rows and columns.

    Row 0 is the southern row and column 0 the western column; cell (r, c) spans
    ``[x0 + c*size, x0 + (c+1)*size) x [y0 + r*size, y0 + (r+1)*size)``.
    """

    x0: float
    y0: float
    cell_size: float
    nrows: int
    ncols: int

    @property
    def ncells(self) -> int:
        """Number of cells."""
        return self.nrows * self.ncols

    @property
    def bounds(self) -> tuple[float, float, float, float]:
        """(xmin, ymin, xmax, ymax) of the grid."""
        return (
            self.x0,
            self.y0,
            self.x0 + self.ncols * self.cell_size,
            self.y0 + self.nrows * self.cell_size,
        )

    @property
    def transform(self) -> tuple[float, float, float, float, float, float]:
        """Affine transform (a, b, c, d, e, f) of a north-up raster of this grid.

        Same order as ``affine.Affine`` / rasterio: x = a*col + b*row + c,
        y = d*col + e*row + f, with row 0 at the top (north).
        """
        xmax_ymax = self.bounds
        return (self.cell_size, 0.0, self.x0, 0.0, -self.cell_size, xmax_ymax[3])

    def cell_index(self, xy: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Row, column and a mask of points inside the grid (edges belong to the grid)."""
        col = np.floor((xy[:, 0] - self.x0) / self.cell_size).astype(np.int64)
        row = np.floor((xy[:, 1] - self.y0) / self.cell_size).astype(np.int64)
        # Points exactly on the east or north edge belong to the last column or row.
        xmax, ymax = self.bounds[2], self.bounds[3]
        col[(col == self.ncols) & (xy[:, 0] <= xmax)] = self.ncols - 1
        row[(row == self.nrows) & (xy[:, 1] <= ymax)] = self.nrows - 1
        inside = (col >= 0) & (col < self.ncols) & (row >= 0) & (row < self.nrows)
        return row, col, inside

    def centres(self) -> tuple[np.ndarray, np.ndarray]:
        """Cell-centre x and y as (nrows, ncols) arrays."""
        xs = self.x0 + (np.arange(self.ncols) + 0.5) * self.cell_size
        ys = self.y0 + (np.arange(self.nrows) + 0.5) * self.cell_size
        return np.meshgrid(xs, ys)


def _extent_bounds(extent: Any, crs: Any) -> tuple[float, float, float, float]:
    import geopandas as gpd
    import shapely

    if _is_geo(extent):
        ext = extent
        if ext.crs is None:
            raise CRSError("extent has no CRS; allowed: the points' CRS; got None.")
        if crs is not None and not ext.crs.equals(crs):
            ext = ext.to_crs(crs)
        b = tuple(float(v) for v in ext.total_bounds)
    elif isinstance(extent, shapely.Geometry):
        b = tuple(float(v) for v in extent.bounds)
    else:
        try:
            b = tuple(float(v) for v in extent)
        except TypeError:
            raise ParameterError(
                "extent must be (xmin, ymin, xmax, ymax) in metres, a shapely geometry or a "
                f"GeoDataFrame; got {type(extent).__name__}."
            ) from None
    if len(b) != 4 or not all(math.isfinite(v) for v in b) or b[2] <= b[0] or b[3] <= b[1]:
        raise ParameterError(
            "extent must be (xmin, ymin, xmax, ymax) with xmax > xmin and ymax > ymin; "
            f"got {b!r}."
        )
    _ = gpd  # geopandas imported for isinstance checks above
    return (b[0], b[1], b[2], b[3])


def grid_spec(
    xy: np.ndarray,
    cell_size: Any,
    *,
    extent: Any = None,
    crs: Any = None,
    max_cells: int = DEFAULT_MAX_CELLS,
    snap: bool = True,
) -> GridSpec:
    """Build the grid covering ``extent`` (default: the points' bounds) in ``cell_size`` cells.

    With ``snap`` the origin is floored to a multiple of ``cell_size`` so grids of the same
    cell size line up across data sets (and across training and test periods).
    """
    size = check_positive("cell_size", cell_size, typical="metres, typically 50-500")
    if extent is None:
        if len(xy) == 0:
            raise SchemaError("points has no located events to take an extent from; got 0.")
        xmin, ymin = xy.min(axis=0)
        xmax, ymax = xy.max(axis=0)
    else:
        xmin, ymin, xmax, ymax = _extent_bounds(extent, crs)
    if snap:
        x0 = math.floor(xmin / size) * size
        y0 = math.floor(ymin / size) * size
    else:
        x0, y0 = float(xmin), float(ymin)
    ncols = max(1, math.ceil((xmax - x0) / size - 1e-9))
    nrows = max(1, math.ceil((ymax - y0) / size - 1e-9))
    ncells = ncols * nrows
    if ncells > max_cells:
        width, height = xmax - x0, ymax - y0
        min_size = math.sqrt(width * height / max_cells)
        raise ParameterError(
            f"cell_size={size:g} m gives {ncells:,} cells ({ncols:,} x {nrows:,}) over an "
            f"extent of {width / 1000:.1f} km x {height / 1000:.1f} km; the limit is "
            f"{max_cells:,} cells (max_cells). Use cell_size >= {math.ceil(min_size):,} m "
            "for this extent (typical 50-500 m), a smaller extent, or raise max_cells."
        )
    return GridSpec(float(x0), float(y0), size, int(nrows), int(ncols))
