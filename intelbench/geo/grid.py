"""Counts per grid cell, counts and rates per area, and choropleth classes.

All functions take a GeoDataFrame first and return a new GeoDataFrame; the input is never
changed. Notes about what was done to the input (projection from degrees, rows without a
location, points outside the extent) are kept in ``result.attrs["notes"]``.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import (
    DEFAULT_MAX_CELLS,
    GridSpec,
    PreparedPoints,
    _is_geo,
    check_positive,
    grid_spec,
    prepare_points,
)
from intelbench.geo._roles import area_roles

__all__ = ["classify", "grid", "grid_from_frame", "rates"]

_SCHEMES = {
    "quantiles": "Quantiles",
    "equal_interval": "EqualInterval",
    "natural_breaks": "NaturalBreaks",
    "fisher_jenks": "FisherJenks",
    "jenks_caspall": "JenksCaspall",
    "maximum_breaks": "MaximumBreaks",
    "head_tail_breaks": "HeadTailBreaks",
    "std_mean": "StdMean",
    "percentiles": "Percentiles",
    "pretty": "PrettyBreaks",
    "box_plot": "BoxPlot",
}


def _cell_polygons(spec: GridSpec, rows: np.ndarray, cols: np.ndarray) -> np.ndarray:
    import shapely

    x1 = spec.x0 + cols * spec.cell_size
    y1 = spec.y0 + rows * spec.cell_size
    return shapely.box(x1, y1, x1 + spec.cell_size, y1 + spec.cell_size)


def _study_mask(spec: GridSpec, study_area: Any, crs: Any) -> np.ndarray:
    """Boolean (nrows, ncols) mask of cells whose centre lies in ``study_area``."""
    import shapely

    if not _is_geo(study_area) and not isinstance(study_area, shapely.Geometry):
        raise ParameterError(
            "study_area must be a GeoDataFrame, GeoSeries or shapely polygon; got "
            f"{type(study_area).__name__}."
        )
    if _is_geo(study_area):
        area = study_area
        if area.crs is None:
            raise ParameterError("study_area has no CRS; allowed: a projected CRS; got None.")
        if crs is not None and not area.crs.equals(crs):
            area = area.to_crs(crs)
        geom = shapely.union_all(np.asarray(area.geometry.values))
    else:
        geom = study_area
    xs, ys = spec.centres()
    shapely.prepare(geom)
    return np.asarray(shapely.contains_xy(geom, xs, ys)).reshape(spec.nrows, spec.ncols)


def bin_points(
    xy: np.ndarray, spec: GridSpec, weights: np.ndarray | None = None
) -> tuple[np.ndarray, int]:
    """Count events (or sum weights) per cell; also return how many fell outside."""
    flat = spec.flat_index(xy)
    counts = np.bincount(flat, weights=weights, minlength=spec.ncells + 1)
    outside = counts[spec.ncells]
    counts = counts[: spec.ncells]
    if weights is None:
        counts = counts.astype(np.int64)
        n_out = int(outside)
    else:
        n_out = int((flat == spec.ncells).sum())
    return counts.reshape(spec.nrows, spec.ncols), n_out


def _prepare_grid(
    points: Any,
    cell_size: Any,
    *,
    extent: Any,
    study_area: Any,
    weight: str | None,
    max_cells: int,
) -> tuple[np.ndarray, GridSpec, np.ndarray | None, list[str], Any]:
    """Shared front end of grid and hotspots: validated counts on a grid."""
    prep = points if isinstance(points, PreparedPoints) else prepare_points(points)
    notes = list(prep.notes)
    if extent is None and study_area is not None:
        extent = study_area
    spec = grid_spec(prep.xy, cell_size, extent=extent, crs=prep.crs, max_cells=max_cells)
    weights = None
    if weight is not None:
        if weight not in prep.frame.columns:
            raise SchemaError(
                f"weight column {weight!r} is not in points; allowed: one of "
                f"{sorted(map(str, prep.frame.columns))[:12]}; got {weight!r}."
            )
        weights = pd.to_numeric(prep.frame[weight], errors="coerce").to_numpy(dtype=float)
        bad = ~np.isfinite(weights)
        if bad.any():
            notes.append(f"{int(bad.sum())} rows had a missing {weight!r} and counted as 0.")
            weights = np.where(bad, 0.0, weights)
    counts, outside = bin_points(prep.xy, spec, weights)
    if outside:
        notes.append(
            f"{outside} of {len(prep.xy)} points fell outside the extent and were left out."
        )
    mask = None
    if study_area is not None:
        mask = _study_mask(spec, study_area, prep.crs)
        lost = counts[~mask].sum()
        if lost:
            notes.append(
                f"{lost:g} events lie in cells whose centre is outside the study area and "
                "were left out with those cells."
            )
        counts = np.where(mask, counts, 0)
    return counts, spec, mask, notes, prep.crs


def grid_frame(
    spec: GridSpec,
    columns: dict[str, np.ndarray],
    crs: Any,
    *,
    mask: np.ndarray | None = None,
    notes: list[str] | None = None,
    drop_empty_by: str | None = None,
) -> Any:
    """Build the cell GeoDataFrame from (nrows, ncols) arrays; row 0 is the southern row."""
    import geopandas as gpd

    rows, cols = np.divmod(np.arange(spec.ncells), spec.ncols)
    keep = np.ones(spec.ncells, dtype=bool) if mask is None else mask.ravel().copy()
    if drop_empty_by is not None:
        keep &= columns[drop_empty_by].ravel() != 0
    idx = np.flatnonzero(keep)
    data: dict[str, Any] = {"cell_id": idx, "row": rows[idx], "col": cols[idx]}
    for name, arr in columns.items():
        data[name] = np.asarray(arr).ravel()[idx]
    geom = _cell_polygons(spec, rows[idx], cols[idx])
    out = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geom, crs=crs), crs=crs)
    out.attrs["grid"] = {
        "x0": spec.x0,
        "y0": spec.y0,
        "cell_size": spec.cell_size,
        "nrows": spec.nrows,
        "ncols": spec.ncols,
        "complete": bool(keep.all()),
    }
    out.attrs["notes"] = list(notes or [])
    return out


def grid(
    points: Any,
    cell_size: float,
    extent: Any = None,
    *,
    study_area: Any = None,
    weight: str | None = None,
    drop_empty: bool = False,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Any:
    """Count events per square grid cell.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Events as points with a CRS. Degrees are projected to EPSG:27700 first (noted in
        ``attrs["notes"]``); rows without a location are left out and counted in a note.
    cell_size : float
        Side of a cell in metres (typically 50-500 m).
    extent : tuple, shapely geometry or GeoDataFrame, optional
        ``(xmin, ymin, xmax, ymax)`` or a layer whose bounds the grid covers. Default: the
        bounds of the points (or of ``study_area``). The origin snaps down to a multiple of
        ``cell_size`` so grids line up across periods.
    study_area : GeoDataFrame or shapely geometry, optional
        Keep only cells whose centre lies inside it (e.g. drop the sea).
    weight : str, optional
        Column to sum instead of counting rows.
    drop_empty : bool, default False
        Leave out cells with no events.
    max_cells : int, default 2,000,000
        Memory guard; a finer grid raises :class:`~intelbench.exceptions.ParameterError`.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell: ``cell_id``, ``row`` (0 = south), ``col`` (0 = west), ``count`` and
        the cell polygon. ``attrs["grid"]`` holds the origin, size and shape; ``attrs["notes"]``
        what was done to the input. The input is not modified.

    Examples
    --------
    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([10, 20, 260], [10, 40, 90]),
    ...                        crs="EPSG:27700")
    >>> cells = ib.geo.grid(pts, cell_size=100)
    >>> print(cells[["row", "col", "count"]].to_string(index=False))
     row  col  count
       0    0      2
       0    1      0
       0    2      1
    """
    counts, spec, mask, notes, crs = _prepare_grid(
        points, cell_size, extent=extent, study_area=study_area, weight=weight,
        max_cells=max_cells,
    )
    return grid_frame(
        spec, {"count": counts}, crs, mask=mask, notes=notes,
        drop_empty_by="count" if drop_empty else None,
    )


def grid_from_frame(cells: Any) -> tuple[GridSpec, np.ndarray]:
    """Recover the grid of a frame made by :func:`grid` and the flat ids of its cells.

    Parameters
    ----------
    cells : geopandas.GeoDataFrame
        A frame returned by :func:`grid`, :func:`~intelbench.geo.hotspots.hotspots` or
        similar, carrying ``attrs["grid"]`` and a ``cell_id`` column.

    Returns
    -------
    (GridSpec, numpy.ndarray)
        The grid and the flat cell ids (``row * ncols + col``) of the rows of ``cells``.
    """
    meta = getattr(cells, "attrs", {}).get("grid")
    if not meta or "cell_id" not in getattr(cells, "columns", []):
        raise SchemaError(
            "cells must come from ib.geo.grid (attrs['grid'] and a 'cell_id' column); "
            "got a frame without them."
        )
    spec = GridSpec(meta["x0"], meta["y0"], meta["cell_size"], meta["nrows"], meta["ncols"])
    return spec, np.asarray(cells["cell_id"], dtype=np.int64)


def rates(
    points: Any,
    areas: Any,
    *,
    population: Any = "auto",
    per: float = 1000,
    by: str | None = None,
    code: str | None = None,
    area_code: str | None = None,
    population_column: str | None = None,
) -> Any:
    """Count events per area and, with a population column, the rate per ``per`` people.

    data.police.uk snaps each location to a point on a master list and gives each row the
    code of its LSOA; the snapped point can fall outside that LSOA's polygon (404 of 3,322
    Cumbria 2016-03 points do). Counts by LSOA should therefore use the code: ``by="code"``
    (the default when both layers carry a code) counts rows per code; ``by="polygon"``
    counts points in polygons. When both can be computed and they disagree, a warning says
    how many points and areas differ.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Events as points with a CRS.
    areas : geopandas.GeoDataFrame
        Any polygon layer (LSOAs, beats, sectors) with a CRS.
    population : str, DataFrame, Series or None, default "auto"
        Column of ``areas`` holding the denominator (residents, households, ...), or a
        population table by area code (a frame with a code column, or a Series indexed by
        code) matched to ``areas`` on ``area_code``; a table that does not cover every area
        is refused, naming the areas. None gives counts and densities only; ``"auto"`` uses
        ``residents`` where ``areas`` has it and otherwise gives counts and densities only,
        with a note saying so.
    per : float, default 1000
        Rate base: events per ``per`` units of ``population``.
    by : {"code", "polygon"}, optional
        Count by the area code each event carries, or by point in polygon. Default "code"
        when ``points`` has a code column and ``areas`` a column with those codes.
    code : str, optional
        The events' area-code column (default ``lsoa_code`` or ``LSOA code``).
    area_code : str, optional
        The areas' code column (default: the text column holding most of the events' codes).
    population_column : str, optional
        With a population table: its column to use (default ``residents``, else its only
        numeric column), e.g. ``"households"``.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``areas`` (in the analysis CRS) with ``count`` (by the method used),
        ``count_code`` and ``count_polygon`` when both could be computed, ``area_km2``,
        ``count_per_km2`` and, with a population, ``rate``. ``attrs["rate"]`` says what the
        rate is per and ``attrs["counted_by"]`` how counts were made; ``attrs["notes"]``
        lists points outside every area, codes with no area, disagreements between code and
        polygon counts, and areas with no population (rate NaN). ``attrs["roles"]`` declares
        the counts and rates as aggregates and the areas' code and name as places, so the
        table can go to a partner through the gate (:mod:`intelbench.gate.roles`).

    Warns
    -----
    IntelbenchWarning
        When counting by code and by polygon give different counts.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> areas = gpd.GeoDataFrame({"residents": [2000, 500]},
    ...     geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs="EPSG:27700")
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([10, 20, 150], [10, 10, 50]),
    ...     crs="EPSG:27700")
    >>> print(ib.geo.rates(pts, areas)[["count", "rate"]].to_string(index=False))
     count  rate
         2   1.0
         1   2.0
    """
    import geopandas as gpd
    import shapely

    prep = prepare_points(points)
    notes = list(prep.notes)
    if not isinstance(areas, gpd.GeoDataFrame) or len(areas) == 0:
        raise SchemaError(
            "areas must be a non-empty GeoDataFrame of polygons; got "
            f"{type(areas).__name__} with {len(areas) if hasattr(areas, '__len__') else 0} rows."
        )
    if areas.crs is None:
        from intelbench.exceptions import CRSError

        raise CRSError("areas has no CRS; allowed: any CRS that can be projected; got None.")
    check_positive("per", per, typical="usually 1000 or 100000")
    out = areas.to_crs(prep.crs) if not areas.crs.equals(prep.crs) else areas.copy()
    table = population if isinstance(population, (pd.DataFrame, pd.Series)) else None
    if isinstance(population, str) and population == "auto":
        population = "residents" if "residents" in out.columns else None
        if population is None:
            notes.append("areas has no 'residents' column: counts and counts per km² only "
                         "(pass population= for a rate).")
    if table is None and population is not None:
        if population not in out.columns:
            raise SchemaError(
                f"population column {population!r} is not in areas; allowed: one of "
                f"{sorted(map(str, out.columns))[:12]} or None; got {population!r}."
            )
    geoms = np.asarray(out.geometry.values)
    tree = shapely.STRtree(geoms)
    pts = shapely.points(prep.xy) if len(prep.xy) else np.empty(0, dtype=object)
    pi, ai = tree.query(pts, predicate="intersects")
    # A point on a shared boundary counts once, in the first area found.
    first = np.unique(pi, return_index=True)[1]
    pi, ai = pi[first], ai[first]
    counts = np.bincount(ai, minlength=len(out)).astype(np.int64)
    outside = len(prep.xy) - len(pi)
    ev_code, ar_code = _code_columns(prep.frame, out, code, area_code)
    method = by if by is not None else ("code" if ev_code and ar_code else "polygon")
    if method not in ("code", "polygon"):
        raise ParameterError(f"by must be 'code' or 'polygon'; got {by!r}.")
    if method == "code" and not (ev_code and ar_code):
        raise SchemaError(
            "by='code' needs an area-code column in points (lsoa_code, 'LSOA code' or "
            f"code=) and the same codes in a column of areas (area_code=); got points "
            f"column {ev_code!r} and areas column {ar_code!r}."
        )
    if ev_code and ar_code:
        ev = prep.frame[ev_code].astype(object).to_numpy()
        ar = out[ar_code].astype(object).to_numpy()
        pos = pd.Index(ar).get_indexer(ev)
        by_code = np.bincount(pos[pos >= 0], minlength=len(out)).astype(np.int64)
        no_area = int(((pos < 0) & ~pd.isna(ev)).sum())
        no_code = int(pd.isna(ev).sum())
        own = np.full(len(ev), False)
        own[pi] = pos[pi] == ai
        astray = int(((pos >= 0) & ~own).sum())
        differ = int((by_code != counts).sum())
        out["count_code"] = by_code
        out["count_polygon"] = counts
        if no_area:
            notes.append(f"{no_area} events carry a {ev_code!r} with no area in areas.")
        if no_code:
            notes.append(f"{no_code} events have no {ev_code!r}.")
        if differ:
            msg = (
                f"{astray:,} of {len(ev):,} points fall outside the polygon of their own "
                f"{ev_code!r}, so counts by code and by polygon differ for {differ:,} of "
                f"{len(out):,} areas; counted by {method} (data.police.uk snaps locations "
                "to a master list: its codes are the count to use)."
            )
            notes.append(msg)
            import warnings

            from intelbench.exceptions import IntelbenchWarning

            warnings.warn(msg, IntelbenchWarning, stacklevel=2)
        if method == "code":
            counts = by_code
    if outside and method == "polygon":
        notes.append(f"{outside} of {len(prep.xy)} points lie outside every area.")
    out["count"] = counts
    out.attrs["counted_by"] = (
        f"area code ({ev_code!r} = {ar_code!r})" if method == "code" else "point in polygon")
    area_km2 = shapely.area(geoms) / 1e6
    out["area_km2"] = area_km2
    with np.errstate(divide="ignore", invalid="ignore"):
        out["count_per_km2"] = np.where(area_km2 > 0, counts / area_km2, np.nan)
    if table is not None:
        from intelbench.geo.reaggregate import population_lookup

        label = population_column or (
            "residents" if isinstance(table, pd.Series) or "residents" in table.columns
            else "population")
        pop = population_lookup(out, table, column=population_column,
                                area_code=ar_code or area_code)
        out["population"] = pop
        with np.errstate(divide="ignore", invalid="ignore"):
            out["rate"] = counts / pop * per
        out.attrs["rate"] = f"events per {per:,g} {label} (population table)"
    elif population is not None:
        pop = pd.to_numeric(out[population], errors="coerce").to_numpy(dtype=float)
        bad = ~(pop > 0)
        if bad.any():
            notes.append(
                f"{int(bad.sum())} areas have no positive {population!r}; their rate is NaN."
            )
        with np.errstate(divide="ignore", invalid="ignore"):
            out["rate"] = np.where(bad, np.nan, counts / pop * per)
        out.attrs["rate"] = f"events per {per:,g} {population}"
    out.attrs["notes"] = notes
    made = {c: "count" for c in ("count", "count_code", "count_polygon", "population")}
    made.update({c: "statistic" for c in ("area_km2", "count_per_km2", "rate")})
    if isinstance(population, str):
        made[population] = "count"
    out.attrs["roles"] = area_roles(out, areas, made, code=ar_code)
    return out


def _code_columns(events: Any, areas: Any, code: str | None, area_code: str | None
                  ) -> tuple[str | None, str | None]:
    """Return the events' and the areas' area-code columns (None where there is none)."""
    if code is not None and code not in events.columns:
        raise SchemaError(
            f"code column {code!r} is not in points; allowed: one of "
            f"{sorted(map(str, events.columns))[:12]}; got {code!r}."
        )
    if area_code is not None and area_code not in areas.columns:
        raise SchemaError(
            f"area_code column {area_code!r} is not in areas; allowed: one of "
            f"{sorted(map(str, areas.columns))[:12]}; got {area_code!r}."
        )
    ev = code or next((c for c in ("lsoa_code", "LSOA code") if c in events.columns), None)
    if ev is None:
        return None, area_code
    if area_code is not None:
        return ev, area_code
    codes = set(events[ev].dropna().astype(str).unique())
    best, hits = None, 0
    for col in areas.columns:
        if col == areas.geometry.name or not (
                pd.api.types.is_object_dtype(areas[col])
                or pd.api.types.is_string_dtype(areas[col])):
            continue
        n = int(areas[col].astype(str).isin(codes).sum())
        if n > hits:
            best, hits = col, n
    return ev, best


def classify(
    frame: Any,
    column: str,
    *,
    scheme: str = "quantiles",
    k: int = 5,
    **kwargs: Any,
) -> Any:
    """Add choropleth classes for ``column`` using mapclassify.

    Parameters
    ----------
    frame : pandas.DataFrame or geopandas.GeoDataFrame
        Any frame with a numeric column.
    column : str
        The column to classify.
    scheme : str, default "quantiles"
        One of quantiles, equal_interval, natural_breaks, fisher_jenks, jenks_caspall,
        maximum_breaks, head_tail_breaks, std_mean, percentiles, pretty, box_plot.
    k : int, default 5
        Number of classes (where the scheme takes one).
    **kwargs
        Passed to :func:`mapclassify.classify` (e.g. ``bins`` for user-defined breaks).

    Returns
    -------
    Same type as ``frame``
        A copy with ``class`` (0 = lowest; -1 where the value is missing) and
        ``class_label`` ("lower - upper"). ``attrs["bins"]`` holds the upper bounds.

    Examples
    --------
    >>> df = pd.DataFrame({"rate": [1.0, 2.0, 3.0, 4.0]})
    >>> ib.geo.classify(df, "rate", scheme="equal_interval", k=2)["class"].tolist()
    [0, 0, 1, 1]
    """
    import mapclassify

    if column not in frame.columns:
        raise SchemaError(
            f"column {column!r} is not in the frame; allowed: one of "
            f"{sorted(map(str, frame.columns))[:12]}; got {column!r}."
        )
    key = scheme.lower() if isinstance(scheme, str) else scheme
    if key not in _SCHEMES and "bins" not in kwargs:
        raise ParameterError(
            f"scheme must be one of {sorted(_SCHEMES)}; got {scheme!r}."
        )
    check_positive("k", k, typical="2-9 classes", integer=True)
    values = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    ok = np.isfinite(values)
    if not ok.any():
        raise SchemaError(f"column {column!r} has no numeric values to classify.")
    name = "UserDefined" if "bins" in kwargs else _SCHEMES[key]
    if name == "UserDefined":
        clf = mapclassify.classify(values[ok], "UserDefined", **kwargs)
    else:
        clf = mapclassify.classify(values[ok], name, k=int(k), **kwargs)
    bins = np.asarray(clf.bins, dtype=float)
    classes = np.full(len(values), -1, dtype=np.int64)
    classes[ok] = np.asarray(clf.yb, dtype=np.int64)
    lowers = np.concatenate([[np.nanmin(values)], bins[:-1]])
    labels = [f"{lo:,.4g} - {hi:,.4g}" for lo, hi in zip(lowers, bins)]
    out = frame.copy()
    out["class"] = classes
    out["class_label"] = [labels[c] if c >= 0 else "no data" for c in classes]
    out.attrs["bins"] = bins.tolist()
    out.attrs["scheme"] = name
    return out
