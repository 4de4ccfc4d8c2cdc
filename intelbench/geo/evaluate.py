"""How good is a hotspot map? Hit rate, PAI, PEI and RRI against a later period.

Definitions (methods.md B5): for the cells flagged as hotspot area a out of the whole
area A, with n of the N later crimes falling in them,

* hit rate H = n / N;
* Predictive Accuracy Index PAI = (n / N) / (a / A) (Chainey, Tompson & Uhlig 2008);
* Predictive Efficiency Index PEI = n / n_max, where n_max is the most later crimes any
  set of cells of the same area could have caught (so PEI = PAI / PAI_max);
* Recapture Rate Index RRI = (n2 / n1) / (N2 / N1) (Levine 2008): the hotspot area's change
  from the earlier period (1) to the later one (2), relative to the change everywhere.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import prepare_points

__all__ = ["EvaluationResult", "evaluate"]


@dataclass(frozen=True)
class EvaluationResult:
    """Hit rate, PAI, PEI and RRI at one or more coverage levels.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per coverage: ``coverage``, ``cells``, ``area_share`` (a/A), ``hits`` (n),
        ``total`` (N), ``hit_rate``, ``pai``, ``pai_max``, ``pei``, ``earlier_hits`` (n1),
        ``earlier_total`` (N1) and ``rri`` (NaN without an earlier period).
    score : str
        The column that ranked the cells.
    notes : tuple of str
        What was done to the input.
    """

    table: pd.DataFrame
    score: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Return the results table (a copy)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        notes = "".join(f"<li>{html.escape(n)}</li>" for n in self.notes)
        table = self.table.to_html(index=False, float_format=lambda v: f"{v:.3f}")
        return (f"<div><b>Hotspot evaluation</b> (cells ranked by {html.escape(self.score)})"
                f"{table}<ul>{notes}</ul></div>")


def _cells_of(surface: Any, score: str | None) -> tuple[Any, str]:
    from intelbench.geo.density import DensitySurface

    if isinstance(surface, DensitySurface):
        return surface.to_frame(), score or "density"
    if not hasattr(surface, "geometry"):
        raise SchemaError(
            "surface must be a DensitySurface (ib.geo.kde) or a GeoDataFrame of cells or "
            f"areas with a score column; got {type(surface).__name__}."
        )
    if score is None:
        for cand in ("gi_star", "density", "count"):
            if cand in surface.columns:
                score = cand
                break
        else:
            raise SchemaError(
                "surface has none of the score columns gi_star, density or count; pass "
                "score=<column>."
            )
    if score not in surface.columns:
        raise SchemaError(
            f"score column {score!r} is not in surface; allowed: one of "
            f"{sorted(map(str, surface.columns))[:12]}; got {score!r}."
        )
    return surface, score


def _counts_in(cells: Any, pts: Any) -> tuple[np.ndarray, int]:
    """Events per cell row (grid fast path or spatial join) and how many fell outside."""
    import shapely

    from intelbench.geo.grid import grid_from_frame

    if len(pts.xy) == 0:
        return np.zeros(len(cells), dtype=np.int64), 0
    if "grid" in cells.attrs and "cell_id" in cells.columns:
        spec, ids = grid_from_frame(cells)
        row, col, inside = spec.cell_index(pts.xy)
        flat = np.bincount(row[inside] * spec.ncols + col[inside], minlength=spec.ncells)
        counts = flat[ids].astype(np.int64)
    else:
        geoms = np.asarray(cells.geometry.values)
        tree = shapely.STRtree(geoms)
        pi, ci = tree.query(shapely.points(pts.xy), predicate="intersects")
        first = np.unique(pi, return_index=True)[1]
        counts = np.bincount(ci[first], minlength=len(cells)).astype(np.int64)
    return counts, int(len(pts.xy) - counts.sum())


def evaluate(
    surface: Any,
    later_points: Any,
    coverage: Any = 0.05,
    *,
    score: str | None = None,
    earlier_points: Any = None,
) -> EvaluationResult:
    """Measure a hotspot surface against the crimes of a later period.

    Parameters
    ----------
    surface : DensitySurface or geopandas.GeoDataFrame
        A :func:`~intelbench.geo.density.kde` surface, the cells of
        :func:`~intelbench.geo.hotspots.hotspots` or :func:`~intelbench.geo.grid.grid`, or
        any polygon layer with a score column.
    later_points : geopandas.GeoDataFrame
        Crimes of the test period.
    coverage : float, sequence of float or None, default 0.05
        Share of the total area flagged as hotspot: the highest-scoring cells are taken
        until their area reaches it (usual values 0.01-0.20). None uses the cells a
        hotspots frame classes as hot (``gi_bin > 0``).
    score : str, optional
        Ranking column; default ``gi_star``, ``density`` or ``count``, whichever exists.
    earlier_points : geopandas.GeoDataFrame, optional
        Crimes of the earlier period for RRI. Default: the surface's ``count`` column.

    Returns
    -------
    EvaluationResult
        ``.to_frame()`` gives one row per coverage level.

    Examples
    --------
    Half of the later crimes in 5% of the area gives PAI = 10 (methods.md B5):

    >>> import geopandas as gpd
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(np.arange(100) * 10.0 + 5,
    ...     np.full(100, 5.0)), crs="EPSG:27700")
    >>> cells = ib.geo.grid(pts, cell_size=10)
    >>> cells["count"] = 0
    >>> cells.loc[:4, "count"] = 1
    >>> later = pts.iloc[np.r_[0:5, 0:5, 10:20]]
    >>> res = ib.geo.evaluate(cells, later, coverage=0.05, score="count")
    >>> float(res.to_frame()["pai"].iloc[0])
    10.0
    """
    cells, score = _cells_of(surface, score)
    if len(cells) == 0:
        raise SchemaError("surface has no cells to evaluate; got 0 rows.")
    later = prepare_points(later_points, name="later_points")
    notes = list(later.notes)
    if cells.crs is not None and not cells.crs.equals(later.crs):
        cells = cells.to_crs(later.crs)
    hits, outside = _counts_in(cells, later)
    if outside:
        notes.append(
            f"{outside} of {len(later.xy)} later points fall outside the surface; they count "
            "in the total N."
        )
    earlier_counts = None
    if earlier_points is not None:
        earlier = prepare_points(earlier_points, name="earlier_points")
        earlier_counts, _ = _counts_in(cells, earlier)
        earlier_total = float(len(earlier.xy))
    elif "count" in cells.columns:
        earlier_counts = np.asarray(cells["count"], dtype=float)
        earlier_total = float(earlier_counts.sum())
        notes.append("RRI uses the surface's own 'count' column as the earlier period.")
    area = np.asarray(cells.geometry.area, dtype=float)
    total_area = float(area.sum())
    values = pd.to_numeric(cells[score], errors="coerce").to_numpy(dtype=float)
    order = np.lexsort((np.arange(len(values)), -np.nan_to_num(values, nan=-np.inf)))
    cum_area = np.cumsum(area[order])
    total = len(later.xy)
    levels: list[Any]
    if coverage is None:
        if "gi_bin" not in cells.columns:
            raise ParameterError(
                "coverage=None needs a hotspots frame (column gi_bin); give coverage as a "
                "share of the area between 0 and 1 instead."
            )
        levels = [None]
    else:
        levels = list(np.atleast_1d(np.asarray(coverage, dtype=float)))
        for lev in levels:
            if not 0 < lev <= 1:
                raise ParameterError(
                    f"coverage must lie in (0, 1] (usually 0.01-0.20); got {lev!r}."
                )
    density_order = np.argsort(-(hits / np.where(area > 0, area, np.inf)), kind="stable")
    rows = []
    for lev in levels:
        if lev is None:
            sel = np.flatnonzero(np.asarray(cells["gi_bin"]) > 0)
        else:
            k = int(np.searchsorted(cum_area, lev * total_area * (1 - 1e-9))) + 1
            sel = order[: min(k, len(order))]
        a = float(area[sel].sum())
        n = int(hits[sel].sum())
        share = a / total_area
        # the best any set of the same area could do: greedily by later crimes per m^2
        best_cum = np.cumsum(area[density_order])
        kb = int(np.searchsorted(best_cum, a * (1 - 1e-9))) + 1 if a > 0 else 0
        n_max = int(hits[density_order[:kb]].sum())
        hit_rate = n / total if total else np.nan
        pai = hit_rate / share if share > 0 else np.nan
        pai_max = (n_max / total) / share if share > 0 and total else np.nan
        n1 = float(earlier_counts[sel].sum()) if earlier_counts is not None else np.nan
        n_1 = float(earlier_total) if earlier_counts is not None else np.nan
        with np.errstate(divide="ignore", invalid="ignore"):
            rri = (n / n1) / (total / n_1) if n1 and n_1 and total else np.nan
        rows.append({
            "coverage": np.nan if lev is None else lev,
            "cells": len(sel), "area_share": share, "hits": n, "total": total,
            "hit_rate": hit_rate, "pai": pai, "pai_max": pai_max,
            "pei": n / n_max if n_max else np.nan,
            "earlier_hits": n1, "earlier_total": n_1, "rri": rri,
        })
    if earlier_counts is None:
        notes.append("RRI is NaN: give earlier_points (or a surface with a 'count' column).")
    return EvaluationResult(table=pd.DataFrame(rows), score=score, notes=tuple(notes))
