"""Emerging hot spots from a space-time cube of counts, without the events.

:func:`emerging_from_counts` takes the month x grid-cell counts that
:func:`~intelbench.intake.bulk.space_time_counts` computes in SQL on a Parquet file (ten
years of crime need never be loaded as points) and runs the analysis of
:func:`intelbench.geo.emerging_hotspots` on them: the same neighbourhoods, Getis-Ord Gi*
with FDR, Mann-Kendall trend and ArcGIS categories, returning the same frame. Tests check it
gives the same categories as the point path.
"""

from __future__ import annotations

import math
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError

__all__ = ["emerging_from_counts", "emerging_from_parquet"]


def emerging_from_counts(
    counts: pd.DataFrame,
    *,
    distance: float | None = None,
    time_lag: int = 1,
    alpha: float = 0.05,
    min_steps: int = 10,
    crs: Any = "EPSG:27700",
) -> Any:
    """Run an emerging hot spot analysis on monthly counts per grid cell.

    Parameters
    ----------
    counts : pandas.DataFrame
        ``month`` (``period[M]``), ``col``, ``row`` (cell indices ``floor(x / cell_size)``,
        ``floor(y / cell_size)``) and ``count``, with ``attrs["cell_size"]``: the output of
        :func:`~intelbench.intake.bulk.space_time_counts`.
    distance, time_lag, alpha, min_steps
        As for :func:`intelbench.geo.emerging_hotspots`.
    crs : any, default "EPSG:27700"
        The CRS of the cell indices.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`intelbench.geo.emerging_hotspots` returns, for the cells with events.

    Raises
    ------
    SchemaError
        Missing columns or cell size, or fewer than ``min_steps`` months.

    Notes
    -----
    The grid is the snapped grid the point path builds (origin floored to a multiple of the
    cell size). One difference is possible: an event exactly on the eastern or northern edge
    of the whole extent goes to the last cell on the point path and one cell further here.

    Examples
    --------
    >>> rng = np.random.default_rng(1)
    >>> n = 3000
    >>> c = pd.DataFrame({"month": pd.PeriodIndex(rng.choice(
    ...     pd.period_range("2024-01", periods=12, freq="M").astype(str), n), freq="M"),
    ...     "col": rng.integers(0, 10, n), "row": rng.integers(0, 10, n)})
    >>> c = c.groupby(["month", "col", "row"]).size().reset_index(name="count")
    >>> c.attrs["cell_size"] = 500.0
    >>> res = emerging_from_counts(c)
    >>> int(res["count"].sum()) == n, len(res) <= 100
    (True, True)
    """
    from intelbench.geo._events import GridSpec, check_positive, check_probability
    from intelbench.geo.emerging import _analyse_cube

    missing = [c for c in ("month", "col", "row", "count") if c not in counts.columns]
    if missing:
        raise SchemaError(f"counts: columns {missing} are missing; expected the output of "
                          "space_time_counts (month, col, row, count)")
    size = float(counts.attrs.get("cell_size", 0.0))
    if not size > 0:
        raise SchemaError("counts: attrs['cell_size'] must hold the cell size in metres")
    band = size * math.sqrt(2) if distance is None else check_positive(
        "distance", distance, typical="metres, at least cell_size")
    if band < size * (1 - 1e-9):
        raise ParameterError(f"distance must be at least cell_size ({size:g} m); got {band:g}.")
    check_probability("alpha", alpha)
    lag = int(check_positive("time_lag", time_lag, typical="1-3 steps", integer=True,
                             allow_zero=True))
    if counts.empty:
        raise SchemaError("counts: no cell holds an event")
    month = pd.PeriodIndex(counts["month"], freq="M")
    labels = pd.period_range(month.min(), month.max(), freq="M")
    n_steps = len(labels)
    if n_steps < min_steps:
        raise SchemaError(
            f"counts span {n_steps} months ({labels[0]} to {labels[-1]}); an emerging hot "
            f"spot analysis needs at least {min_steps} steps for a trend.")
    col = counts["col"].to_numpy(dtype=np.int64)
    row = counts["row"].to_numpy(dtype=np.int64)
    c0, r0 = int(col.min()), int(row.min())
    spec = GridSpec(c0 * size, r0 * size, size, int(row.max()) - r0 + 1, int(col.max()) - c0 + 1)
    t_idx = np.asarray(month.asi8, dtype=np.int64) - int(labels[0].ordinal)
    flat = (row - r0) * spec.ncols + (col - c0)
    cube = np.bincount(t_idx * spec.ncells + flat, weights=counts["count"].to_numpy(float),
                       minlength=n_steps * spec.ncells).astype(np.int64)
    cube = cube.reshape(n_steps, spec.nrows, spec.ncols)
    active = cube.sum(axis=0) > 0
    out = _analyse_cube(cube, active, spec, crs, band=band, time_lag=lag, alpha=alpha,
                        step="month", steps=[str(p) for p in labels], notes=[])
    loc = active.ravel()
    out.attrs["notes"] = [*out.attrs.get("notes", []),
                          f"{int(loc.sum()):,} locations x {n_steps} months, from counts "
                          "(space_time_counts), no events loaded."]
    return out


def emerging_from_parquet(parquet: str | Path, *, cell_size: float = 500.0,
                          where: str | None = None, **kw: Any) -> Any:
    """Bin a Parquet of crimes in SQL and run :func:`emerging_from_counts` on the cube.

    Parameters
    ----------
    parquet : str or Path
        Kept rows from ``read_police_uk(..., out=...)`` (``month``, ``x``, ``y``).
    cell_size : float
        Cell side in metres.
    where : str, optional
        An SQL condition, as for :func:`~intelbench.intake.bulk.space_time_counts`.
    **kw
        Passed to :func:`emerging_from_counts`.

    Returns
    -------
    geopandas.GeoDataFrame
        As :func:`intelbench.geo.emerging_hotspots` returns.
    """
    from intelbench.intake.bulk import space_time_counts

    return emerging_from_counts(space_time_counts(parquet, cell_size=cell_size, where=where),
                                **kw)
