"""Event preparation shared by every geographic helper: the same input rules everywhere.

Points (:func:`prepare_points`, for the geostatistics) and events with times
(:func:`event_xy`, :func:`parse_datetimes`, for repeats, time patterns and maps) go through
the checks here:

* points with no CRS are refused (:class:`~intelbench.exceptions.CRSError`);
* points in a geographic CRS (degrees) are projected to EPSG:27700 and the result carries
  a note saying so; nothing is ever binned in degrees;
* projected CRSs whose unit is not the metre are refused;
* empty input and non-point geometries raise :class:`~intelbench.exceptions.SchemaError`;
* rows without a usable location (missing, empty or non-finite) are left out and counted
  in a note, and :func:`excluded_table` lists every row left out with its reason, so nothing
  is dropped silently;
* UK day-first date strings are parsed before ISO forms;
* non-positive parameters and grids that would not fit in memory raise
  :class:`~intelbench.exceptions.ParameterError` naming the parameter, a sensible range and
  the value received.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import CRSError, ParameterError, SchemaError

__all__ = [
    "BNG",
    "DEFAULT_MAX_CELLS",
    "GridSpec",
    "PreparedPoints",
    "ReportFrame",
    "check_positive",
    "check_probability",
    "event_xy",
    "excluded_table",
    "grid_spec",
    "parse_datetimes",
    "positive",
    "prepare_points",
    "require_column",
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
    fast = None if use_centroids else _stored_xy(frame, crs)
    if fast is not None:
        # min/max propagate NaN and show infinities: four passes check finiteness
        ends = [fast[:, 0].min(), fast[:, 0].max(), fast[:, 1].min(), fast[:, 1].max()]
        if np.isfinite(ends).all():
            return PreparedPoints(xy=fast, crs=crs, index=frame.index, frame=frame,
                                  notes=tuple(notes), n_input=n_input, n_excluded=0)
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


_XY_SAMPLE = 256


def _float_column(col: Any) -> np.ndarray:
    """A float64 column as a numpy array, without a copy when it already is one."""
    if col.dtype == np.float64:
        return np.asarray(col.to_numpy())
    return np.asarray(col.to_numpy(dtype=np.float64, na_value=np.nan))


def _stored_xy(frame: Any, crs: Any) -> np.ndarray | None:
    """Coordinates from the float x/y columns ``read_police_uk`` keeps, if still valid.

    ``attrs["xy"]`` names the columns and their CRS. They are used only when the frame is
    still in that CRS and a sample of rows (first, last and up to 256 spread through the
    frame) has geometries at exactly those coordinates; otherwise (reprojected, edited or
    missing) the geometry is read as usual.
    """
    import shapely

    meta = getattr(frame, "attrs", {}).get("xy")
    if not isinstance(meta, dict) or len(frame) == 0:
        return None
    xcol, ycol = meta.get("x"), meta.get("y")
    if xcol not in frame.columns or ycol not in frame.columns:
        return None
    try:
        if crs is None or not crs.equals(meta.get("crs")):
            return None
    except Exception:  # an unreadable CRS in attrs: fall back to the geometry
        return None
    x, y = _float_column(frame[xcol]), _float_column(frame[ycol])
    n = len(x)
    pick = np.unique(np.r_[0, n - 1, np.linspace(0, n - 1, min(n, _XY_SAMPLE)).astype(int)])
    g = np.asarray(frame.geometry.values)[pick]
    if (shapely.get_type_id(g) != 0).any():
        return None
    if not (np.array_equal(shapely.get_x(g), x[pick])
            and np.array_equal(shapely.get_y(g), y[pick])):
        return None
    # Column-major: each coordinate stays contiguous for the binning passes.
    xy = np.empty((n, 2), order="F")
    xy[:, 0] = x
    xy[:, 1] = y
    return xy


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

    def flat_index(self, xy: np.ndarray, *, chunk: int = 1 << 16) -> np.ndarray:
        """Flat cell index (``row * ncols + col``) of each point, ``ncells`` when outside.

        The same cells as :meth:`cell_index`, computed chunk by chunk into one
        preallocated array so that no full-length temporaries are made (1M points bin in
        a few milliseconds). When every point lies within the grid's bounds the inside
        tests are skipped.
        """
        n = len(xy)
        out = np.empty(n, dtype=np.intp)
        if n == 0:
            return out
        xmax, ymax = self.bounds[2], self.bounds[3]
        x, y = xy[:, 0], xy[:, 1]
        all_in = bool(x.min() >= self.x0 and x.max() <= xmax
                      and y.min() >= self.y0 and y.max() <= ymax)
        step = min(n, chunk)
        bx, by = np.empty(step), np.empty(step)
        size, ncols, nrows = self.cell_size, self.ncols, self.nrows
        for s in range(0, n, step):
            e = min(n, s + step)
            a, b = bx[: e - s], by[: e - s]
            np.subtract(x[s:e], self.x0, out=a)
            np.divide(a, size, out=a)
            np.floor(a, out=a)
            np.subtract(y[s:e], self.y0, out=b)
            np.divide(b, size, out=b)
            np.floor(b, out=b)
            if all_in:
                # only a point on (or rounding onto) the east/north edge reaches ncols/nrows
                np.minimum(a, ncols - 1, out=a)
                np.minimum(b, nrows - 1, out=b)
                np.multiply(b, ncols, out=b)
                np.add(b, a, out=b)
            else:
                np.putmask(a, (a == ncols) & (x[s:e] <= xmax), ncols - 1)
                np.putmask(b, (b == nrows) & (y[s:e] <= ymax), nrows - 1)
                inside = (a >= 0) & (a < ncols) & (b >= 0) & (b < nrows)
                np.multiply(b, ncols, out=b)
                np.add(b, a, out=b)
                np.putmask(b, ~inside, self.ncells)
            np.copyto(out[s:e], b, casting="unsafe")
        return out

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


# ---------------------------------------------------------------- events with times
# Formats tried in order for strings; UK day-first forms come before ISO.
_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m",
)


class ReportFrame(pd.DataFrame):
    """A DataFrame that carries the rows an analysis left out (``excluded``) and notes."""

    _metadata = ["excluded", "flagged", "notes"]
    excluded: pd.DataFrame
    flagged: pd.DataFrame
    notes: list[str]

    @property
    def _constructor(self) -> type[ReportFrame]:
        return ReportFrame


def require_column(frame: pd.DataFrame, column: str, parameter: str) -> pd.Series:
    if column not in frame.columns:
        cols = ", ".join(map(str, list(frame.columns)[:20]))
        times = [str(c) for c in frame.columns
                 if isinstance(frame[c].dtype, (pd.PeriodDtype, pd.DatetimeTZDtype))
                 or pd.api.types.is_datetime64_any_dtype(frame[c].dtype)]
        hint = (f"; its time column{'s are' if len(times) > 1 else ' is'} "
                + ", ".join(repr(t) for t in times) + f": pass {parameter}={times[0]!r}"
                if times and parameter in ("date", "start", "time") else "")
        raise SchemaError(
            f"{parameter}={column!r}: no such column; the frame has columns [{cols}]{hint}"
        )
    return frame[column]


def parse_datetimes(values: pd.Series, parameter: str) -> tuple[pd.Series, pd.Series]:
    """Parse a column to naive datetime64[ns]; return (parsed, reason) with reason '' if ok.

    Strings are read day first (UK): ``03/04/2025`` is 3 April. Timezone-aware values keep
    their wall-clock time. Reasons are ``"missing <parameter>"`` or ``"unparseable
    <parameter>"``.
    """
    reason = pd.Series("", index=values.index, dtype=object)
    if isinstance(values.dtype, pd.PeriodDtype):  # police.uk months: the start of the month
        parsed = values.dt.to_timestamp()
    elif isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values
    else:
        raw = values.to_numpy(dtype=object)
        missing_arr = pd.isna(raw)
        text_arr = np.strings.strip(np.where(missing_arr, "", raw).astype(str))
        missing_arr |= np.isin(text_arr, ["", "NaT", "nan", "None"])
        missing = pd.Series(missing_arr, index=values.index)
        fast, fast_ok = _fast_uk(text_arr)
        parsed = pd.Series(fast, index=values.index, dtype="datetime64[ns]")
        todo = pd.Series(~missing_arr & ~fast_ok, index=values.index)
        text = pd.Series(
            np.where(todo.to_numpy(), text_arr, ""), index=values.index, dtype=object
        ) if todo.any() else pd.Series(dtype=object)
        for fmt in _FORMATS:
            if not todo.any():
                break
            got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            ok = got.notna()
            parsed.loc[got.index[ok]] = got[ok].astype("datetime64[ns]")
            todo.loc[got.index[ok]] = False
        if todo.any():  # anything else pandas can read, still day first
            rest = pd.to_datetime(text[todo], errors="coerce", dayfirst=True, format="mixed")
            if isinstance(rest.dtype, pd.DatetimeTZDtype):
                rest = rest.dt.tz_localize(None)
            ok = rest.notna()
            parsed.loc[rest.index[ok]] = rest[ok].astype("datetime64[ns]")
            todo.loc[rest.index[ok]] = False
        reason[todo] = f"unparseable {parameter}"
        reason[missing] = f"missing {parameter}"
        return parsed.astype("datetime64[ns]"), reason
    parsed = parsed.astype("datetime64[ns]")
    reason[parsed.isna()] = f"missing {parameter}"
    return parsed, reason


def _fast_uk(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised parse of ``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM`` and ``dd/mm/yyyy HH:MM:SS``.

    Returns (datetime64[ns] with NaT where not parsed, mask of parsed). Invalid calendar
    dates (31/02) and out-of-range times are left unparsed for the slower path to reject.
    """
    n = text.size
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.zeros(n, dtype=bool)
    if n == 0:
        return out, done
    lengths = np.strings.str_len(text)
    for width in (10, 16, 19):
        sel = np.flatnonzero(lengths == width)
        if sel.size == 0:
            continue
        if sel.size == n and text.dtype == np.dtype(f"<U{width}"):
            sub = text  # every value has this width: no copy
        else:
            sub = text[sel].astype(f"U{width}")
        wide = sub.view(np.uint32).reshape(-1, width)
        ascii_ok = (wide < 128).all(axis=1)
        codes = wide.astype(np.uint8)
        digit_pos = [0, 1, 3, 4, 6, 7, 8, 9] + ([11, 12, 14, 15] if width >= 16 else [])
        digit_pos += [17, 18] if width == 19 else []
        seps = {2: 47, 5: 47}
        if width >= 16:
            seps.update({10: 32, 13: 58})
        if width == 19:
            seps[16] = 58
        good = ascii_ok.copy()
        for pos, code in seps.items():
            good &= codes[:, pos] == code
        dig = codes[:, digit_pos].astype(np.int16) - 48
        good &= ((dig >= 0) & (dig <= 9)).all(axis=1)
        col = {p: k for k, p in enumerate(digit_pos)}

        def num(*pos: int, dig: np.ndarray = dig, col: dict[int, int] = col) -> np.ndarray:
            v = np.zeros(dig.shape[0], dtype=np.int64)
            for p in pos:
                v = v * 10 + dig[:, col[p]].astype(np.int64)
            return v

        day, month, year = num(0, 1), num(3, 4), num(6, 7, 8, 9)
        hour = num(11, 12) if width >= 16 else np.zeros(sel.size, dtype=np.int64)
        minute = num(14, 15) if width >= 16 else np.zeros(sel.size, dtype=np.int64)
        second = num(17, 18) if width == 19 else np.zeros(sel.size, dtype=np.int64)
        good &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
        good &= (hour <= 23) & (minute <= 59) & (second <= 59) & (year >= 1800) & (year <= 2200)
        months = ((year - 1970) * 12 + month - 1).astype("timedelta64[M]")
        first = np.datetime64("1970-01", "M") + np.where(good, months, 0)
        days = first.astype("datetime64[D]") + (np.where(good, day, 1) - 1).astype("timedelta64[D]")
        good &= days.astype("datetime64[M]") == first  # rejects 31/02 and friends
        stamp = (
            days.astype("datetime64[ns]")
            + (hour * 3600 + minute * 60 + second).astype("timedelta64[s]")
        )
        out[sel[good]] = stamp[good]
        done[sel[good]] = True
    return out, done


def excluded_table(frame: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    """The rows of ``frame`` whose ``reason`` is not empty, with a ``reason`` column first."""
    bad = reason != ""
    out = frame.loc[bad.to_numpy()].copy()
    if "geometry" in out.columns:
        out = pd.DataFrame(out.drop(columns="geometry"))
    out.insert(0, "reason", reason[bad].to_numpy())
    return pd.DataFrame(out)


def _pick(frame: pd.DataFrame, given: str | None, candidates: Sequence[str], param: str) -> str:
    if given is not None:
        require_column(frame, given, param)
        return given
    for name in candidates:
        if name in frame.columns:
            return name
    raise SchemaError(
        f"{param}: frame has no geometry and none of the columns {list(candidates)}; "
        f"pass {param}=<column> (projected metres, e.g. EPSG:27700 eastings)"
    )


def event_xy(
    events: Any, *, x: str | None = None, y: str | None = None
) -> tuple[np.ndarray, pd.Series, list[str]]:
    """Return (xy float array n×2, reason per row, notes) for points or x/y columns.

    A GeoDataFrame must have a CRS; a geographic one is projected to EPSG:27700 (noted). The
    x/y columns that ``read_police_uk`` keeps (named in ``attrs["xy"]``) are used instead of
    the geometry while they still match it (see :func:`_stored_xy`). A plain DataFrame
    needs x/y columns in projected metres (``x``/``y`` or
    ``easting``/``northing``). Rows with missing coordinates get a reason and NaN xy.
    """
    if not isinstance(events, pd.DataFrame):
        raise SchemaError(
            f"events: expected a GeoDataFrame or DataFrame, received {type(events).__name__}"
        )
    notes: list[str] = []
    reason = pd.Series("", index=events.index, dtype=object)
    geom_col = getattr(events, "_geometry_column_name", None)
    if geom_col is not None and geom_col in events.columns and x is None:
        geoms = events.geometry
        if events.crs is None:
            raise CRSError(
                "events: the GeoDataFrame has no CRS; set one (e.g. "
                "gdf.set_crs('EPSG:27700')) before analysis"
            )
        kept = _stored_xy(events, events.crs)  # read_police_uk's x/y, when still valid
        if kept is not None:
            xy = np.ascontiguousarray(kept)
            reason[~np.isfinite(xy).all(axis=1)] = "missing location"
            return xy, reason, notes
        if events.crs.is_geographic:
            geoms = geoms.to_crs(BNG)
            notes.append(f"points were in {events.crs.to_string()} (degrees); projected to {BNG}")
        empty = (geoms.isna() | geoms.is_empty).to_numpy()
        types = geoms.geom_type.to_numpy()
        bad_type = ~empty & (types != "Point")
        if bad_type.any():
            kinds = sorted(set(types[bad_type]))
            raise SchemaError(
                f"events: geometry must be Point, received {kinds} in {int(bad_type.sum())} rows"
            )
        xy = np.full((len(events), 2), np.nan)
        ok = ~empty
        xy[ok, 0] = geoms.x.to_numpy()[ok]
        xy[ok, 1] = geoms.y.to_numpy()[ok]
        reason[empty] = "missing location"
        return xy, reason, notes
    xcol = _pick(events, x, ("x", "easting"), "x")
    ycol = _pick(events, y, ("y", "northing"), "y")
    xs = pd.to_numeric(events[xcol], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(events[ycol], errors="coerce").to_numpy(dtype=float)
    xy = np.column_stack([xs, ys])
    reason[~np.isfinite(xy).all(axis=1)] = "missing location"
    return xy, reason, notes


def positive(value: Any, parameter: str, sensible: str) -> float:
    """Return ``value`` as a positive float (numeric text accepted), else raise ParameterError."""
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{parameter} must be a number, received {value!r}") from None
    return check_positive(parameter, v, typical=sensible)
