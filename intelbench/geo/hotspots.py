"""Getis-Ord Gi* hotspots on a grid (fast path) and on any point or polygon layer.

The grid path bins events into square cells and uses binary distance-band weights between
cell centres. A band over a regular grid is a fixed disc of cell offsets, so the weighted
neighbour sums are box sums built from cumulative sums, row by row of the disc: exact
integer arithmetic, no weights matrix. Edge cells count only the neighbours that exist in
the grid (or inside the study area), exactly like esda with a ``DistanceBand`` on the same
cells. z-scores follow esda ``G_Local(star=True, transform="B")``:

    G*_i = sum_j w_ij x_j / sum_j x_j,   E = W_i / n,
    V = W_i (n - W_i) / (n - 1) / n^2 * s^2 / xbar^2,   z = (G*_i - E) / sqrt(V)

with W_i the number of cells in the band (self included) and s^2 the population variance,
which is the textbook Gi* z of Getis & Ord (1995) for binary weights.

Inference is analytic (two-sided normal p) by default; conditional permutations are an
option. Benjamini-Hochberg false-discovery-rate control is on by default and sets the
hot/cold confidence classes (99/95/90%), as ArcGIS does when FDR is ticked.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import (
    DEFAULT_MAX_CELLS,
    check_positive,
    check_probability,
    prepare_points,
    resolve_seed,
)
from intelbench.geo._stats import (
    band_sum,
    benjamini_hochberg,
    binary_rows,
    conditional_permutation_counts,
    csr_rows,
    distance_weights,
    fold_p,
    kmax_of,
    stencil_halfwidths,
    two_sided_p,
)
from intelbench.geo.grid import _prepare_grid, grid_frame

__all__ = ["HOTSPOT_LABELS", "getis_ord", "gi_star_grid", "hotspots"]

#: Hotspot classes from the hottest to the coldest, indexed by ``gi_bin`` + 3.
HOTSPOT_LABELS = (
    "cold 99%",
    "cold 95%",
    "cold 90%",
    "not significant",
    "hot 90%",
    "hot 95%",
    "hot 99%",
)


def _gi_z(
    y: np.ndarray, wy: np.ndarray, card: np.ndarray, star: bool
) -> tuple[np.ndarray, np.ndarray]:
    """Compute esda's G_Local statistic and z-score from neighbour sums and row sums of W."""
    n = len(y)
    rs = 0.0 if star else 1.0
    big_n = n - rs
    total = y.sum()
    with np.errstate(divide="ignore", invalid="ignore"):
        stat = wy / (total - y * rs)
        mean = (total - y * rs) / big_n
        mean_sq = ((y * y).sum() - (y * y) * rs) / big_n
        var = mean_sq - mean * mean
        expected = card / big_n
        vg = card * (big_n - card) / (big_n - 1) / big_n**2 * var / (mean * mean)
        z = (stat - expected) / np.sqrt(vg)
    z = np.where(np.isfinite(z), z, np.nan)
    return stat, z


def _classify(z: np.ndarray, p_for_bins: np.ndarray) -> np.ndarray:
    level = np.zeros(len(z), dtype=np.int64)
    ok = np.isfinite(z) & np.isfinite(p_for_bins)
    for lev, cut in ((1, 0.10), (2, 0.05), (3, 0.01)):
        level[ok & (p_for_bins < cut)] = lev
    return np.where(np.nan_to_num(z) >= 0, level, -level)


def _inference(
    z: np.ndarray,
    *,
    alpha: float,
    fdr: bool,
    p_perm: np.ndarray | None,
) -> dict[str, np.ndarray]:
    p = two_sided_p(z) if p_perm is None else p_perm
    p = np.where(np.isfinite(z), p, np.nan)
    q = benjamini_hochberg(p)
    gi_bin = _classify(z, q if fdr else p)
    labels = np.asarray(HOTSPOT_LABELS, dtype=object)[gi_bin + 3]
    return {
        "p_value": p,
        "q_value": q,
        "fdr_significant": np.nan_to_num(q, nan=1.0) < alpha,
        "gi_bin": gi_bin,
        "hotspot": pd.Categorical(labels, categories=list(HOTSPOT_LABELS), ordered=True),
    }


def _perm_p(
    y: np.ndarray,
    other_sum: np.ndarray,
    rows: Any,
    kmax: int,
    permutations: int,
    seed: Any,
) -> np.ndarray:
    """Two-sided pseudo p from conditional permutations: min(1, 2 * folded one-sided p)."""
    rng = resolve_seed(seed)
    larger = conditional_permutation_counts(
        y, other_sum, rows, kmax, permutations, rng, desc="Gi* permutations"
    )
    return np.minimum(1.0, 2.0 * fold_p(larger, permutations))


def _check_perm_size(kmax: int, permutations: int) -> None:
    if kmax * permutations > 20_000_000:
        raise ParameterError(
            f"permutations={permutations} with {kmax} neighbours per cell needs too much "
            "memory; use permutations <= "
            f"{max(1, 20_000_000 // max(kmax, 1))} or a shorter distance (analytic "
            "inference is the default)."
        )


def gi_star_grid(
    counts: np.ndarray,
    halfwidths: np.ndarray,
    mask: np.ndarray | None = None,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Gi* z-scores on a grid of counts with binary disc weights (self included).

    Parameters
    ----------
    counts : numpy.ndarray
        (nrows, ncols) counts or values.
    halfwidths : numpy.ndarray
        Disc half-widths per stencil row, from ``_stats.stencil_halfwidths``.
    mask : numpy.ndarray, optional
        Boolean (nrows, ncols); cells outside it are not part of the data set.

    Returns
    -------
    (z, neighbour_sum, cardinality)
        Flat arrays over the cells in ``mask`` (all cells without one), in row-major order.
    """
    active = np.ones(counts.shape, dtype=bool) if mask is None else mask
    y_grid = np.where(active, counts, 0)
    wy = band_sum(y_grid, halfwidths)[active].astype(float)
    card = band_sum(active.astype(np.int64), halfwidths)[active].astype(float)
    y = y_grid[active].astype(float)
    _, z = _gi_z(y, wy, card, star=True)
    return z, wy, card


def hotspots(
    points: Any,
    cell_size: float = 150.0,
    distance: float | None = None,
    *,
    alpha: float = 0.05,
    fdr: bool = True,
    permutations: int = 0,
    seed: Any = None,
    extent: Any = None,
    study_area: Any = None,
    weight: str | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
) -> Any:
    """Getis-Ord Gi* hotspots of events counted on a square grid.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Events as points with a CRS (degrees are projected to EPSG:27700, noted in
        ``attrs["notes"]``).
    cell_size : float, default 150
        Cell side in metres (typically 50-500 m).
    distance : float, optional
        Distance band in metres between cell centres (``<=``). Default ``cell_size *
        sqrt(2)``: the 8 surrounding cells (queen neighbours). Must be >= ``cell_size``.
    alpha : float, default 0.05
        Level for ``fdr_significant`` (q-value below alpha).
    fdr : bool, default True
        Base the hot/cold classes on Benjamini-Hochberg q-values (True) or raw p-values.
    permutations : int, default 0
        0 gives analytic (normal) inference; otherwise conditional permutations (use 999+
        for the 99% class), reproducible with ``seed``.
    seed : int or numpy.random.Generator, optional
        Seed for the permutations.
    extent, study_area, weight, max_cells
        As in :func:`intelbench.geo.grid.grid`. Cells outside ``study_area`` are not part
        of the data set (no value, no neighbour).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per cell: ``cell_id``, ``row``, ``col``, ``count``, ``neighbours`` (cells in
        the band, self included), ``gi_star`` (z), ``p_value``, ``q_value`` (BH),
        ``fdr_significant``, ``gi_bin`` (-3..3) and ``hotspot`` ("hot 99%" ... "cold 99%").
        ``attrs["hotspots"]`` records the parameters, ``attrs["notes"]`` what was done.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rng = np.random.default_rng(0)
    >>> xy = np.vstack([rng.uniform(0, 3000, (400, 2)), rng.normal(1500, 60, (150, 2))])
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
    ...                        crs="EPSG:27700")
    >>> hs = ib.geo.hotspots(pts, cell_size=150)
    >>> hs.loc[hs["count"].idxmax(), "hotspot"]
    'hot 99%'
    """
    size = check_positive("cell_size", cell_size, typical="metres, typically 50-500")
    band = size * math.sqrt(2) if distance is None else distance
    band = check_positive("distance", band, typical="metres, at least cell_size, e.g. 1-5 x")
    if band < size * (1 - 1e-9):
        raise ParameterError(
            f"distance must be at least cell_size ({size:g} m) so every cell has neighbours "
            f"(typical 1-5 x cell_size); got {band:g}."
        )
    if band > size * 200:
        raise ParameterError(
            f"distance must be at most 200 x cell_size ({size * 200:g} m) for a grid "
            f"analysis (typical 1-5 x cell_size); got {band:g}."
        )
    check_probability("alpha", alpha)
    check_positive("permutations", permutations, typical="0 or 99-9999", integer=True,
                   allow_zero=True)
    counts, spec, mask, notes, crs = _prepare_grid(
        points, size, extent=extent, study_area=study_area, weight=weight, max_cells=max_cells
    )
    hw = stencil_halfwidths(band, size)
    z, wy, card = gi_star_grid(counts, hw, mask)
    active = np.ones(counts.shape, dtype=bool) if mask is None else mask
    y = counts[active].astype(float)
    p_perm = None
    if permutations:
        kmax = int((2 * hw + 1).sum() - 1)  # stencil size minus self
        _check_perm_size(kmax, int(permutations))
        p_perm = _perm_p(
            y, wy - y, binary_rows((card - 1).astype(np.int64), kmax), kmax,
            int(permutations), seed,
        )
    if np.isnan(z).all():
        notes.append("every cell has the same count, so Gi* is undefined (z is NaN).")
    inf = _inference(z, alpha=alpha, fdr=fdr, p_perm=p_perm)
    full = {name: np.zeros(counts.shape, dtype=float) for name in ("neighbours", "gi_star")}
    full["neighbours"][active] = card
    full["gi_star"][active] = z
    cols: dict[str, np.ndarray] = {
        "count": counts,
        "neighbours": full["neighbours"].astype(np.int64),
        "gi_star": full["gi_star"],
    }
    out = grid_frame(spec, cols, crs, mask=mask, notes=notes)
    for name, values in inf.items():
        out[name] = values
    out.attrs["hotspots"] = {
        "statistic": "Getis-Ord Gi* (binary distance band, self included)",
        "cell_size": size,
        "distance": band,
        "neighbours_interior": int((2 * hw + 1).sum()),
        "inference": f"conditional permutation ({int(permutations)})" if permutations
        else "analytic (normal)",
        "fdr": bool(fdr),
        "alpha": alpha,
        "seed": seed if isinstance(seed, (int, type(None))) else "generator",
    }
    return out


def getis_ord(
    frame: Any,
    column: str,
    distance: float,
    *,
    star: bool = True,
    transform: str = "B",
    alpha: float = 0.05,
    fdr: bool = True,
    permutations: int = 0,
    seed: Any = None,
) -> Any:
    """Getis-Ord Gi* (or Gi) for any point or polygon layer with a distance band.

    Weights come from a KD-tree over the points (or polygon centroids): j is a neighbour
    of i when their distance is at most ``distance``. The z-scores are those of esda
    ``G_Local`` with a libpysal ``DistanceBand`` of the same threshold.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Points or polygons with a CRS and a numeric ``column``.
    column : str
        The values (counts, rates).
    distance : float
        Distance band in the CRS units (metres).
    star : bool, default True
        Gi* (self included) or Gi (self excluded).
    transform : {"B", "R"}, default "B"
        Binary weights, or row-standardised weights as esda computes them.
    alpha, fdr, permutations, seed
        As in :func:`hotspots`.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of the rows used with ``value``, ``neighbours``, ``gi_star`` (z),
        ``p_value``, ``q_value``, ``fdr_significant``, ``gi_bin`` and ``hotspot``.

    Examples
    --------
    The esda ``G_Local`` docstring example (binary, star):

    >>> import geopandas as gpd
    >>> pts = [(10, 10), (20, 10), (40, 10), (15, 20), (30, 20), (30, 30)]
    >>> gdf = gpd.GeoDataFrame({"y": [2, 3, 3.2, 5, 8, 7]},
    ...     geometry=gpd.points_from_xy(*zip(*pts)), crs="EPSG:27700")
    >>> ib.geo.getis_ord(gdf, "y", distance=15)["gi_star"].round(6).tolist()
    [-1.397276, -0.289178, 0.65065, -0.289178, 1.234521, 2.024243]
    """
    import scipy.sparse as sp

    band = check_positive("distance", distance, typical="metres, e.g. 100-1000")
    check_probability("alpha", alpha)
    check_positive("permutations", permutations, typical="0 or 99-9999", integer=True,
                   allow_zero=True)
    if transform.upper() not in ("B", "R"):
        raise ParameterError(f"transform must be 'B' or 'R'; got {transform!r}.")
    prep = prepare_points(frame, name="frame", use_centroids=True)
    if column not in prep.frame.columns:
        raise SchemaError(
            f"column {column!r} is not in frame; allowed: one of "
            f"{sorted(map(str, prep.frame.columns))[:12]}; got {column!r}."
        )
    y = pd.to_numeric(prep.frame[column], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(y).all():
        raise SchemaError(
            f"column {column!r} has {int((~np.isfinite(y)).sum())} missing or non-numeric "
            "values; fill or drop them first."
        )
    if len(y) < 3:
        raise SchemaError(f"frame needs at least 3 located rows for Gi*; got {len(y)}.")
    w_other = distance_weights(prep.xy, band)
    n = len(y)
    w = w_other + sp.identity(n, format="csr") if star else w_other
    if transform.upper() == "R":
        rsum = np.asarray(w.sum(axis=1)).ravel()
        with np.errstate(divide="ignore"):
            w = sp.diags(np.where(rsum > 0, 1.0 / rsum, 0.0)) @ w
    w = sp.csr_matrix(w)
    wy = w @ y
    card = np.asarray(w.sum(axis=1)).ravel()
    _, z = _gi_z(y, wy, card, star=star)
    notes = list(prep.notes)
    islands = int((np.diff(w_other.indptr) == 0).sum())
    if islands:
        notes.append(f"{islands} rows have no neighbour within {band:g} m.")
    p_perm = None
    if permutations:
        self_w = w.diagonal()
        w_nb = sp.csr_matrix(w - sp.diags(self_w))
        w_nb.eliminate_zeros()
        kmax = kmax_of(w_nb)
        _check_perm_size(kmax, int(permutations))
        p_perm = _perm_p(y, w_nb @ y, csr_rows(w_nb, kmax), kmax, int(permutations), seed)
    out = prep.frame.copy()
    out["value"] = y
    out["neighbours"] = np.diff(w_other.indptr) + (1 if star else 0)
    out["gi_star" if star else "gi"] = z
    for name, values in _inference(z, alpha=alpha, fdr=fdr, p_perm=p_perm).items():
        out[name] = values
    out.attrs["notes"] = notes
    out.attrs["hotspots"] = {
        "statistic": "Getis-Ord " + ("Gi*" if star else "Gi"),
        "distance": band,
        "transform": transform.upper(),
        "inference": f"conditional permutation ({int(permutations)})" if permutations
        else "analytic (normal)",
        "fdr": bool(fdr),
        "alpha": alpha,
    }
    return out
