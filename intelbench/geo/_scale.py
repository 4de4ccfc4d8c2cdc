"""Data-driven scale of analysis for hot spot grids (methods.md B12, ArcGIS OHSA).

When no cell size is given, the cell side is the mean distance from each distinct incident
location to its nearest distinct neighbour, after removing locational outliers (nearest
neighbour distance 3 standard deviations or more above the mean), rounded to two
significant figures. When no distance band is given either, the band is the mean distance
from each analysed cell holding incidents to its K-th nearest such cell, with
K = floor(0.05 N) clamped to [3, 30] (N = cells holding incidents), capped at one standard
distance of those cells and never under one cell or 0.1% of the extent's diagonal. These
are the fall-back rules ArcGIS's Optimized Hot Spot Analysis documents.

:func:`choose_band` first runs an incremental spatial autocorrelation (ISA) search, as
ArcGIS does: global Moran's I of the cell counts (binary distance-band weights, the
analysed cells only, z under the randomisation assumption) over ten growing bands of one
to ten cells. The band of the first peak in z (a z higher than both
neighbouring bands, and significant at 5%) is used; with no such peak, or more than 500
neighbours per cell at the peak, the K-nearest-neighbour rule above applies. The search
table (band, I, z, neighbours) is returned with the result.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np

__all__ = [
    "Scale",
    "band_from_cells",
    "cell_size_from_points",
    "choose_band",
    "isa_search",
    "knn_k",
    "moran_grid",
    "nice",
]


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


def moran_grid(values: np.ndarray, active: np.ndarray, halfwidths: np.ndarray) -> tuple[
        float, float, float]:
    """Global Moran's I, its randomisation z and the mean neighbours, on grid cells.

    Binary distance-band weights without self between the ``active`` cells (the disc
    stencil ``halfwidths``), as esda ``Moran`` with a libpysal ``DistanceBand`` on the
    cell centres and ``transform="B"``; z uses the randomisation variance (esda
    ``z_rand``).
    """
    from intelbench.geo._stats import band_sum

    y = values[active].astype(float)
    n = len(y)
    z = np.zeros(values.shape)
    z[active] = y - y.mean()
    lag = (band_sum(z, halfwidths)[active] - z[active])
    k = band_sum(active.astype(np.int64), halfwidths)[active] - 1
    s0 = float(k.sum())
    zz = z[active]
    m2 = float((zz * zz).sum())
    if s0 == 0 or m2 == 0 or n < 4:
        return math.nan, math.nan, float(k.mean()) if n else 0.0
    i_stat = n / s0 * float((zz * lag).sum()) / m2
    s1 = 2.0 * s0
    s2 = float((4.0 * k.astype(float) ** 2).sum())
    b2 = n * float((zz**4).sum()) / m2**2
    ei = -1.0 / (n - 1)
    num = (n * ((n * n - 3 * n + 3) * s1 - n * s2 + 3 * s0 * s0)
           - b2 * ((n * n - n) * s1 - 2 * n * s2 + 6 * s0 * s0))
    var = num / ((n - 1) * (n - 2) * (n - 3) * s0 * s0) - ei * ei
    zval = (i_stat - ei) / math.sqrt(var) if var > 0 else math.nan
    return i_stat, zval, float(k.mean())


def isa_search(
    counts: np.ndarray, active: np.ndarray, cell_size: float, start: float, step: float,
    n_bands: int = 10,
) -> list[dict[str, float]]:
    """Moran's I and z at ``n_bands`` bands ``start, start + step, ...`` (metres)."""
    from intelbench.geo._stats import stencil_halfwidths

    rows = []
    for j in range(n_bands):
        band = start + j * step
        if band > 200 * cell_size:
            break
        i_stat, zval, nb = moran_grid(counts, active, stencil_halfwidths(band, cell_size))
        rows.append({"distance": band, "moran_i": i_stat, "z": zval, "neighbours": nb})
    return rows


def _first_peak(rows: list[dict[str, float]]) -> int | None:
    zs = [r["z"] if math.isfinite(r["z"]) else -math.inf for r in rows]
    for j in range(1, len(zs) - 1):
        if zs[j] > zs[j - 1] and zs[j] > zs[j + 1] and zs[j] >= 1.96:
            return j
    return None


def choose_band(
    counts: np.ndarray, active: np.ndarray, cell_size: float, diagonal: float,
    spec: object, incidents: np.ndarray, *, method: str = "auto",
) -> tuple[Scale, dict[str, object] | None]:
    """The distance band when none is given: ISA first peak, else the K-NN rule.

    ``method`` "isa" or "auto" searches (falling back to the K-NN rule when no peak is
    found), "knn" uses the K-NN rule only. Returns the scale and the search record
    (``None`` with "knn").
    """
    xs, ys = spec.centres()  # type: ignore[attr-defined]
    hold = (incidents > 0) & active
    centres = np.column_stack([xs[hold], ys[hold]])
    knn = band_from_cells(centres, cell_size, diagonal)
    if method == "knn" or len(centres) < 4:
        return knn, None
    step = cell_size
    rows = isa_search(counts, active, cell_size, step, step)
    peak = _first_peak(rows)
    record: dict[str, object] = {"method": "incremental spatial autocorrelation",
                                 "bands": rows, "peak": None, "used": "knn"}
    if peak is not None and rows[peak]["neighbours"] <= 500:
        band = nice(rows[peak]["distance"])
        record.update(peak=band, used="isa")
        how = (
            f"distance band {band:,g} m = first peak of incremental spatial autocorrelation "
            f"(Moran's I z = {rows[peak]['z']:.1f}, the highest of the bands of 1 to "
            f"{len(rows)} cells before it falls)"
        )
        return Scale(max(band, cell_size), how), record
    why = ("no peak in Moran's I z over "
           f"{len(rows)} bands of {step:,g} m" if peak is None
           else "more than 500 neighbours per cell at the Moran's I peak")
    return Scale(knn.value, f"{knn.how} ({why})"), record
