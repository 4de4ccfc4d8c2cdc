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
    fold_p_ties,
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
    untested: np.ndarray | None = None,
) -> dict[str, np.ndarray]:
    p = two_sided_p(z) if p_perm is None else p_perm
    p = np.where(np.isfinite(z), p, np.nan)
    if untested is not None:
        p = np.where(untested, np.nan, p)
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
    """Two-sided pseudo p from conditional permutations: min(1, 2 * folded one-sided p).

    The simulated neighbour sums are compared with the observed neighbour sum (both sums
    of the same counts, exact for integer counts); ties count for neither tail.
    """
    rng = resolve_seed(seed)
    at_least, at_most = conditional_permutation_counts(
        y, other_sum, rows, kmax, permutations, rng, desc="Gi* permutations"
    )
    return np.minimum(1.0, 2.0 * fold_p_ties(at_least, at_most, permutations))


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


def _min_incidents(min_incidents: Any, bounded: bool) -> int:
    if min_incidents is None:
        return 30 if bounded else 60
    return int(check_positive("min_incidents", min_incidents,
                              typical="30 with a study area, 60 without", integer=True))


def _refuse_few(n: int, need: int, bounded: bool, given: bool) -> None:
    if n >= need:
        return
    which = ("30 with a study-area boundary" if bounded
             else "60 without a study-area boundary, 30 with one")
    rule = (
        f"min_incidents={need}" if given else
        f"at least {need} located incidents ({which}, the minimums of ArcGIS's Optimized "
        "Hot Spot Analysis)"
    )
    raise SchemaError(
        f"points: hotspots needs {rule}; got {n}. So few incidents cannot show a hot spot "
        "that holds up: widen the period or the crime types, pass study_area= (the force "
        "or district boundary), or map the incidents themselves. min_incidents= lowers the "
        "guard if you accept the risk."
    )


def hotspots(
    points: Any,
    cell_size: float | None = None,
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
    min_incidents: int | None = None,
) -> Any:
    """Getis-Ord Gi* hotspots of events counted on a square grid.

    The guards of ArcGIS's Optimized Hot Spot Analysis (methods.md B12) apply: too few
    incidents are refused; without a ``study_area`` (or an explicit ``extent``) only the
    cells holding incidents are analysed, so empty moorland and sea are not compared with
    town; the scale comes from the data when ``cell_size`` is not given; and a cell whose
    neighbourhood holds at most one incident is never called hot.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Events as points with a CRS (degrees are projected to EPSG:27700, noted in
        ``attrs["notes"]``).
    cell_size : float, optional
        Cell side in metres (typically 50-500 m). Default: chosen from the data (mean
        distance between neighbouring distinct incident locations, see
        ``intelbench.geo._scale``) and reported in ``attrs["hotspots"]["scale"]``.
    distance : float, optional
        Distance band in metres between cell centres (``<=``). With ``cell_size`` given the
        default is ``cell_size * sqrt(2)``: the 8 surrounding cells (queen neighbours);
        without it the band is chosen from the data too (mean distance to the K-th nearest
        cell holding incidents). Must be >= ``cell_size``.
    alpha : float, default 0.05
        Level for ``fdr_significant`` (q-value below alpha).
    fdr : bool, default True
        Base the hot/cold classes on Benjamini-Hochberg q-values (True) or raw p-values.
    permutations : int, default 0
        0 gives analytic (normal) inference; otherwise conditional permutations (use 999+
        for the 99% class), reproducible with ``seed``. Simulations that tie the observed
        neighbourhood count for neither tail (see ``_stats.fold_p_ties``).
    seed : int or numpy.random.Generator, optional
        Seed for the permutations.
    extent : tuple or layer, optional
        A rectangle to analyse in full, empty cells included.
    study_area : GeoDataFrame or shapely geometry, optional
        The boundary (force, district): it bounds the grid, and only cells whose centre
        lies inside are analysed, empty ones included (no value, no neighbour outside).
    weight, max_cells
        As in :func:`intelbench.geo.grid.grid`.
    min_incidents : int, optional
        Refuse fewer located incidents than this. Default 30 with a ``study_area``, 60
        without (ArcGIS's minimums).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per analysed cell: ``cell_id``, ``row``, ``col``, ``count``, ``neighbours``
        (cells in the band, self included), ``nb_incidents`` (incidents in the band, self
        included), ``gi_star`` (z), ``tested`` (False where the cell could not be hot),
        ``p_value``, ``q_value`` (BH), ``fdr_significant``, ``gi_bin`` (-3..3) and
        ``hotspot`` ("hot 99%" ... "cold 99%"). ``attrs["hotspots"]`` records the
        parameters, the scale and how it was chosen, the cells analysed and excluded (with
        the reason); ``attrs["notes"]`` says the same in sentences.

    Raises
    ------
    SchemaError
        Fewer located incidents than ``min_incidents``, or fewer than 30 analysed cells
        with a non-zero count variance.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rng = np.random.default_rng(0)
    >>> xy = np.vstack([rng.uniform(0, 3000, (400, 2)), rng.normal(1500, 60, (150, 2))])
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
    ...                        crs="EPSG:27700")
    >>> hs = ib.geo.hotspots(pts, cell_size=150, extent=(0, 0, 3000, 3000))
    >>> hs.loc[hs["count"].idxmax(), "hotspot"]
    'hot 99%'
    """
    from intelbench.geo import _scale
    from intelbench.geo._events import prepare_points

    if cell_size is not None:
        check_positive("cell_size", cell_size, typical="metres, typically 50-500")
    check_probability("alpha", alpha)
    check_positive("permutations", permutations, typical="0 or 99-9999", integer=True,
                   allow_zero=True)
    bounded = study_area is not None
    need = _min_incidents(min_incidents, bounded)
    prep = prepare_points(points)
    _refuse_few(len(prep.xy), need, bounded, min_incidents is not None)
    scale_how: list[str] = []
    if cell_size is None:
        chosen = _scale.cell_size_from_points(prep.xy)
        size = chosen.value
        scale_how.append(chosen.how)
    else:
        size = float(cell_size)
    counts, spec, mask, notes, crs = _grid_for(
        prep, size, extent=extent, study_area=study_area, weight=weight,
        max_cells=max_cells, chosen=cell_size is None, scale_how=scale_how,
    )
    size = spec.cell_size
    incidents = counts if weight is None else _grid_for(
        prep, size, extent=extent, study_area=study_area, weight=None,
        max_cells=max_cells, chosen=False, scale_how=[],
    )[0]
    if mask is None and extent is None:
        mask = incidents > 0
        notes.append(
            f"no study_area given: only the {int(mask.sum()):,} cells holding incidents "
            f"were analysed (of {spec.ncells:,} in the bounding rectangle), as ArcGIS does "
            "without a boundary; pass study_area= to compare them with empty cells inside "
            "a boundary."
        )
        region = "cells holding incidents"
    else:
        region = "study area boundary" if bounded else "extent rectangle"
    if distance is None and cell_size is None:
        active0 = np.ones(counts.shape, dtype=bool) if mask is None else mask
        xs, ys = spec.centres()
        hold = (incidents > 0) & active0
        centres = np.column_stack([xs.reshape(counts.shape)[hold],
                                   ys.reshape(counts.shape)[hold]])
        x0, y0, x1, y1 = spec.bounds
        chosen_band = _scale.band_from_cells(centres, size, math.hypot(x1 - x0, y1 - y0))
        band = chosen_band.value
        scale_how.append(chosen_band.how)
    else:
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
    active = np.ones(counts.shape, dtype=bool) if mask is None else mask
    n_cells = int(active.sum())
    if n_cells < 30 or np.ptp(counts[active]) == 0:
        raise SchemaError(
            f"points: hotspots needs at least 30 analysed cells whose counts vary; got "
            f"{n_cells} cells ({region}, {size:,g} m) "
            + ("all with the same count" if n_cells and np.ptp(counts[active]) == 0 else "")
            + ". Use smaller cells, a study_area=, or more incidents."
        )
    hw = stencil_halfwidths(band, size)
    z, wy, card = gi_star_grid(counts, hw, mask)
    nb_inc = band_sum(np.where(active, incidents, 0), hw)[active]
    y = counts[active].astype(float)
    p_perm = None
    if permutations:
        kmax = int((2 * hw + 1).sum() - 1)  # stencil size minus self
        _check_perm_size(kmax, int(permutations))
        p_perm = _perm_p(
            y, wy - y, binary_rows((card - 1).astype(np.int64), kmax), kmax,
            int(permutations), seed,
        )
    excluded = (nb_inc <= 1) & (np.nan_to_num(z) > 0)
    n_excl = int(excluded.sum())
    if n_excl:
        notes.append(
            f"{n_excl:,} cells were not tested because their neighbourhood (the cell and "
            f"its {int((2 * hw + 1).sum()) - 1} neighbours within {band:,g} m) holds at most "
            "one incident: a single incident cannot make a hot spot."
        )
    inf = _inference(z, alpha=alpha, fdr=fdr, p_perm=p_perm, untested=excluded)
    full = {name: np.zeros(counts.shape, dtype=float) for name in ("neighbours", "gi_star")}
    full["neighbours"][active] = card
    full["gi_star"][active] = z
    full_nb = np.zeros(counts.shape, dtype=np.int64)
    full_nb[active] = nb_inc
    tested = np.zeros(counts.shape, dtype=bool)
    tested[active] = ~excluded & np.isfinite(z)
    cols: dict[str, np.ndarray] = {
        "count": counts,
        "neighbours": full["neighbours"].astype(np.int64),
        "nb_incidents": full_nb,
        "gi_star": full["gi_star"],
        "tested": tested,
    }
    out = grid_frame(spec, cols, crs, mask=mask, notes=notes)
    for name, values in inf.items():
        out[name] = values
    scale_text = "; ".join(scale_how) if scale_how else (
        f"cell size {size:,g} m and band {band:,g} m as given"
        if distance is not None else f"cell size {size:,g} m as given, band: queen neighbours")
    out.attrs["notes"] = [*out.attrs["notes"], f"scale of analysis: {scale_text}."]
    out.attrs["hotspots"] = {
        "statistic": "Getis-Ord Gi* (binary distance band, self included)",
        "cell_size": size,
        "distance": band,
        "scale": scale_text,
        "scale_from_data": cell_size is None,
        "neighbours_interior": int((2 * hw + 1).sum()),
        "incidents": int(len(prep.xy)),
        "min_incidents": need,
        "analysed": region,
        "cells_analysed": n_cells,
        "cells_excluded": n_excl,
        "excluded_reason": "neighbourhood holds at most one incident (cannot be hot)",
        "inference": f"conditional permutation ({int(permutations)})" if permutations
        else "analytic (normal)",
        "fdr": bool(fdr),
        "alpha": alpha,
        "seed": seed if isinstance(seed, (int, type(None))) else "generator",
    }
    return out


def _grid_for(
    prep: Any, size: float, *, extent: Any, study_area: Any, weight: str | None,
    max_cells: int, chosen: bool, scale_how: list[str],
) -> tuple[np.ndarray, Any, np.ndarray | None, list[str], Any]:
    """Grid the prepared points; a data-chosen cell size grows until the grid fits."""
    while True:
        try:
            return _prepare_grid(prep, size, extent=extent if extent is not None else None,
                                 study_area=study_area, weight=weight, max_cells=max_cells)
        except ParameterError as exc:
            if not chosen or "max_cells" not in str(exc) or size > 1e6:
                raise
            from intelbench.geo._scale import nice

            size = nice(size * 1.5)
            scale_how.append(f"enlarged to {size:,g} m to stay within max_cells={max_cells:,}")


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
