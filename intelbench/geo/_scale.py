"""Data-driven scale of analysis for hot spot grids (methods.md B12, ArcGIS OHSA).

When no cell size is given, the cell side is the mean distance from each distinct incident
location to its nearest distinct neighbour, after removing locational outliers (nearest
neighbour distance 3 standard deviations or more above the mean), rounded to two
significant figures. When no distance band is given either, the band is the mean distance
from each analysed cell holding incidents to its K-th nearest such cell, with
K = floor(0.05 N) clamped to [3, 30] (N = cells holding incidents), capped at one standard
distance of those cells and never under one cell or 0.1% of the extent's diagonal. These
are the fall-back rules ArcGIS's Optimized Hot Spot Analysis documents; the incremental
spatial autocorrelation peak is not searched.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = ["Scale", "band_from_cells", "cell_size_from_points", "knn_k", "nice"]


@dataclass(frozen=True)
class Scale:
    """A chosen length and the sentence saying how it was chosen."""

    value: float
    how: str


def nice(value: float, digits: int = 2) -> float:
    """Round ``value`` to ``digits`` significant figures (at least 1 m).

    Examples
    --------
    >>> nice(1234.5), nice(0.4), nice(87.6)
    (1200.0, 1.0, 88.0)
    """
    if not math.isfinite(value) or value <= 1.0:
        return 1.0
    mag = 10 ** (math.floor(math.log10(value)) - digits + 1)
    return float(max(1.0, round(value / mag) * mag))


def knn_k(n: int) -> int:
    """ArcGIS's K for the fall-back band: floor(0.05 N) clamped to [3, 30].

    Examples
    --------
    >>> knn_k(40), knn_k(200), knn_k(1000)
    (3, 10, 30)
    """
    return int(min(30, max(3, math.floor(0.05 * n))))


def cell_size_from_points(xy: np.ndarray) -> Scale:
    """Cell side from the mean nearest-neighbour distance between distinct locations."""
    from scipy.spatial import cKDTree

    uniq = np.unique(xy, axis=0)
    if len(uniq) < 2:
        raise ValueError("needs at least two distinct locations")
    d, _ = cKDTree(uniq).query(uniq, k=2)
    nn = d[:, 1]
    cut = nn.mean() + 3 * nn.std()
    keep = nn < cut
    if not keep.any():
        keep[:] = True
    value = nice(float(nn[keep].mean()))
    dropped = int((~keep).sum())
    how = (
        f"cell size {value:,g} m = mean distance from each of the {len(uniq):,} distinct "
        f"incident locations to its nearest neighbour"
        + (f" ({dropped} locational outliers, 3 SD above the mean, left out)" if dropped
           else "")
    )
    return Scale(value, how)


def band_from_cells(centres: np.ndarray, cell_size: float, diagonal: float) -> Scale:
    """Distance band from the cells holding incidents (see the module docstring)."""
    from scipy.spatial import cKDTree

    n = len(centres)
    k = knn_k(n)
    floor = max(cell_size, 0.001 * diagonal)
    if n < 2:
        return Scale(floor, f"band {floor:,g} m (one cell holds every incident)")
    kk = min(k, n - 1)
    d, _ = cKDTree(centres).query(centres, k=kk + 1)
    mean_k = float(d[:, kk].mean())
    sd = float(np.sqrt(((centres - centres.mean(axis=0)) ** 2).sum(axis=1).mean()))
    value = mean_k
    how = (
        f"distance band {{v:,g}} m = mean distance from each of the {n:,} cells holding "
        f"incidents to its {kk}th nearest such cell (K = 5% of {n:,}, clamped to 3-30)"
    )
    if value > sd:
        value = sd
        how += f", capped at one standard distance ({sd:,.0f} m)"
    if value < floor:
        value = floor
        how += f", raised to the minimum of one cell or 0.1% of the extent ({floor:,g} m)"
    value = nice(value)
    if value < cell_size:
        value = cell_size
    return Scale(value, how.format(v=value))
