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

import functools
import inspect
from collections.abc import Callable
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import (
    check_positive,
    check_probability,
    prepare_points,
)
from intelbench.geo._gistar import (
    HOTSPOT_LABELS,
    _check_perm_size,
    _gi_z,
    _inference,
    _perm_p,
    gi_star_grid,
)
from intelbench.geo._stats import csr_rows, distance_weights, kmax_of
from intelbench.geo.hotgrid import HotspotGrid, hotspot_grid

__all__ = ["HOTSPOT_LABELS", "HotspotGrid", "getis_ord", "gi_star_grid", "hotspot_grid",
           "hotspots"]

def _frame_of(
    grid_fn: Callable[..., HotspotGrid],
) -> Callable[[Callable[..., Any]], Callable[..., Any]]:
    """Build ``grid_fn(...).to_frame(cells=cells)`` with ``grid_fn``'s parameters and ``cells``.

    The parameters and their defaults live only in ``grid_fn``; the decorated function gives
    the name and the docstring (with its doctest).
    """

    def build(doc: Callable[..., Any]) -> Callable[..., Any]:
        def frame(*args: Any, cells: str = "all", **kwargs: Any) -> Any:
            return grid_fn(*args, **kwargs).to_frame(cells=cells)

        functools.update_wrapper(frame, doc)
        sig = inspect.signature(grid_fn)
        params = [*sig.parameters.values(),
                  inspect.Parameter("cells", inspect.Parameter.KEYWORD_ONLY, default="all",
                                    annotation="str")]
        setattr(frame, "__signature__",  # noqa: B010  (help() and autodoc show the parameters)
                sig.replace(parameters=params, return_annotation="GeoDataFrame"))
        return frame

    return build


@_frame_of(hotspot_grid)
def hotspots() -> Any:  # parameters: those of hotspot_grid
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
        without it the band is chosen from the data too (``scale``). Must be >=
        ``cell_size``.
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
    scale : {"auto", "isa", "knn"}, default "auto"
        How the band is chosen when neither ``cell_size`` nor ``distance`` is given:
        "auto"/"isa" take the first peak of incremental spatial autocorrelation (Moran's I
        z over ten growing bands, as ArcGIS does), falling back to "knn", the mean distance
        from each cell holding incidents to its K-th nearest such cell (K = 5% of them,
        3-30, capped at one standard distance). The search is kept in
        ``attrs["scale_search"]``.
    cells : {"all", "relevant"}, default "all"
        Rows of the frame: every analysed cell, or only those that hold an incident or
        are classed hot or cold ("relevant": empty, not significant cells are left out, so
        counts and classes are unchanged; the notes give how many were left out). The cell
        polygons are built on first use of the geometry either way, so a frame of a large
        grid is ready at once; :func:`hotspot_grid` returns arrays and keeps every cell.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per analysed cell: ``cell_id``, ``row``, ``col``, ``count``, ``neighbours``
        (cells in the band, self included), ``nb_incidents`` (incidents in the band, self
        included), ``gi_star`` (z), ``tested`` (False where the cell could not be hot),
        ``p_value``, ``q_value`` (BH), ``fdr_significant``, ``gi_bin`` (-3..3) and
        ``hotspot`` ("hot 99%" ... "cold 99%"). ``attrs["hotspots"]`` records the
        parameters, the scale and how it was chosen, the cells analysed and excluded (with
        the reason); ``attrs["notes"]`` says the same in sentences, including
        how many hot cells hold no incident themselves (``hot_cells_empty``).

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
