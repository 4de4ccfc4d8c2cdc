"""Global and local Moran's I with HH/LL/HL/LH clusters (methods.md B3).

Weights come from the layer: grid cells made by :func:`~intelbench.geo.grid.grid` use a
distance band between cell centres (default: the 8 surrounding cells), polygons use queen
contiguity, points a distance band; a scipy sparse matrix aligned with the rows may be
given instead. Row-standardised weights are the default, as in esda. Values agree with
esda ``Moran`` and ``Moran_Local`` on the same weights (I, E[I], V[I], z, p_norm, local Is
and quadrants); permutation p-values use the same conditional-permutation scheme but
their own random numbers, and a simulation that ties the observed value counts for neither
tail (esda counts it as more extreme on the low side, which makes tied cells "significant").
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
import scipy.sparse as sp

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import check_positive, check_probability, resolve_seed
from intelbench.geo._stats import (
    benjamini_hochberg,
    conditional_permutation_counts,
    contiguity_weights,
    csr_rows,
    distance_weights,
    fold_p_ties,
    grid_weights,
    kmax_of,
    stencil_halfwidths,
    two_sided_p,
)

__all__ = ["QUADRANTS", "MoranResult", "local_moran", "moran", "spatial_weights"]

#: esda quadrant codes: 1 HH, 2 LH, 3 LL, 4 HL.
QUADRANTS = {1: "HH", 2: "LH", 3: "LL", 4: "HL"}


def spatial_weights(
    frame: Any, weights: Any = "queen", distance: float | None = None
) -> tuple[sp.csr_matrix, str]:
    """Binary spatial weights (no self) for the rows of ``frame`` and a description.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame or pandas.DataFrame
        Grid cells, polygons or points (a plain frame only with a sparse ``weights``).
    weights : {"queen", "distance"} or scipy.sparse matrix, default "queen"
        Contiguity (grid cells: the 8 surrounding cells), a distance band, or a ready
        n x n matrix aligned with the rows.
    distance : float, optional
        Band in metres for ``"distance"`` (and for points).

    Returns
    -------
    (scipy.sparse.csr_matrix, str)
        The binary matrix and how it was built.
    """
    n = len(frame)
    if sp.issparse(weights):
        w = sp.csr_matrix(weights, dtype=float)
        if w.shape != (n, n):
            raise ParameterError(
                f"weights must be {n} x {n} to match the frame's rows; got {w.shape}."
            )
        w = w - sp.diags(w.diagonal())
        w.eliminate_zeros()
        return sp.csr_matrix(w), "given matrix"
    if weights not in ("queen", "distance"):
        raise ParameterError(
            f"weights must be 'queen', 'distance' or a scipy sparse matrix; got {weights!r}."
        )
    if not hasattr(frame, "geometry"):
        raise SchemaError("frame needs a geometry column, or pass weights as a sparse matrix.")
    meta = frame.attrs.get("grid") if hasattr(frame, "attrs") else None
    if meta and "cell_id" in frame.columns:
        size = float(meta["cell_size"])
        band = size * math.sqrt(2) if weights == "queen" else distance
        if band is None:
            raise ParameterError("distance is required with weights='distance'; got None.")
        check_positive("distance", band, typical="metres, at least the cell size")
        ids = np.asarray(frame["cell_id"], dtype=np.int64)
        active = np.zeros(meta["nrows"] * meta["ncols"], dtype=bool)
        active[ids] = True
        w = grid_weights(meta["nrows"], meta["ncols"], stencil_halfwidths(band, size), active)
        # grid_weights numbers active cells in flat order; map to the frame's row order
        rank = np.argsort(np.argsort(ids))
        w = w[rank][:, rank]
        return sp.csr_matrix(w), f"grid distance band {band:g} m"
    import shapely

    geoms = np.asarray(frame.geometry.values)
    is_point = bool(n) and bool((shapely.get_type_id(geoms) == 0).all())
    if weights == "queen" and not is_point:
        return contiguity_weights(geoms), "queen contiguity"
    if distance is None:
        raise ParameterError(
            "distance is required for points or weights='distance' (metres); got None."
        )
    check_positive("distance", distance, typical="metres, e.g. 100-1000")
    xy = shapely.get_coordinates(shapely.centroid(geoms))
    return distance_weights(xy, float(distance)), f"distance band {float(distance):g} m"


def _values(frame: Any, column: str) -> np.ndarray:
    if column not in frame.columns:
        raise SchemaError(
            f"column {column!r} is not in frame; allowed: one of "
            f"{sorted(map(str, frame.columns))[:12]}; got {column!r}."
        )
    y = pd.to_numeric(frame[column], errors="coerce").to_numpy(dtype=float)
    if not np.isfinite(y).all():
        raise SchemaError(
            f"column {column!r} has {int((~np.isfinite(y)).sum())} missing values; fill or "
            "drop them first."
        )
    if len(y) < 3:
        raise SchemaError(f"frame needs at least 3 rows for Moran's I; got {len(y)}.")
    if np.ptp(y) == 0:
        raise SchemaError(f"column {column!r} is constant, so Moran's I is undefined.")
    return y


def _transform(w: sp.csr_matrix, transform: str) -> sp.csr_matrix:
    t = transform.upper()
    if t == "B":
        return w
    if t == "R":
        rs = np.asarray(w.sum(axis=1)).ravel()
        return sp.csr_matrix(sp.diags(np.where(rs > 0, 1.0 / np.where(rs > 0, rs, 1), 0.0)) @ w)
    raise ParameterError(f"transform must be 'R' or 'B'; got {transform!r}.")


@dataclass(frozen=True)
class MoranResult:
    """Global Moran's I.

    Attributes
    ----------
    i : float
        Moran's I.
    expected : float
        E[I] = -1 / (n - 1).
    variance : float
        V[I] under normality (esda ``VI_norm``).
    z, p_norm : float
        z under normality and its two-sided p.
    p_sim : float
        Folded one-sided pseudo p from random permutations (NaN with none).
    n, permutations : int
        Observations and permutations.
    weights : str
        How the weights were built, and the transform.
    notes : tuple of str
        Remarks (islands).
    """

    i: float
    expected: float
    variance: float
    z: float
    p_norm: float
    p_sim: float
    n: int
    permutations: int
    weights: str
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the statistics."""
        return pd.DataFrame([{
            "i": self.i, "expected": self.expected, "variance": self.variance, "z": self.z,
            "p_norm": self.p_norm, "p_sim": self.p_sim, "n": self.n,
            "permutations": self.permutations, "weights": self.weights,
        }])

    def _repr_html_(self) -> str:
        rows = [("Moran's I", f"{self.i:.4f}"), ("E[I]", f"{self.expected:.4f}"),
                ("z", f"{self.z:.2f}"), ("p (normal)", f"{self.p_norm:.3g}"),
                ("p (permutation)", f"{self.p_sim:.3g}"), ("n", f"{self.n:,}"),
                ("weights", self.weights)] + [("note", n) for n in self.notes]
        body = "".join(f"<tr><th style='text-align:left'>{html.escape(a)}</th>"
                       f"<td>{html.escape(b)}</td></tr>" for a, b in rows)
        return f"<table><caption>Global Moran's I</caption>{body}</table>"


def _island_note(w: sp.csr_matrix) -> list[str]:
    islands = int((np.diff(w.indptr) == 0).sum())
    return [f"{islands} rows have no neighbours (islands); their lag is 0."] if islands else []


def moran(
    frame: Any,
    column: str = "count",
    *,
    weights: Any = "queen",
    distance: float | None = None,
    transform: str = "R",
    permutations: int = 999,
    seed: Any = None,
) -> MoranResult:
    """Global Moran's I of ``column`` over the rows of ``frame``.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Grid cells, areas or points with a numeric column (or any frame with sparse weights).
    column : str, default "count"
        The values.
    weights, distance
        See :func:`spatial_weights`.
    transform : {"R", "B"}, default "R"
        Row-standardised (esda's default) or binary weights.
    permutations : int, default 999
        Random permutations for ``p_sim`` (0 for none).
    seed : int or numpy.random.Generator, optional
        Seed for the permutations.

    Returns
    -------
    MoranResult
        I, E[I], V[I], z, p_norm and p_sim.

    Examples
    --------
    >>> df = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0]})
    >>> import scipy.sparse as sp
    >>> chain = sp.diags([np.ones(3), np.ones(3)], [-1, 1])
    >>> round(ib.geo.moran(df, "v", weights=chain, permutations=0).i, 4)
    0.4
    """
    y = _values(frame, column)
    check_positive("permutations", permutations, typical="0 or 99-9999", integer=True,
                   allow_zero=True)
    wb, how = spatial_weights(frame, weights, distance)
    w = _transform(wb, transform)
    n = len(y)
    z = y - y.mean()
    s0 = float(w.sum())
    i = n / s0 * float(z @ (w @ z)) / float(z @ z)
    ei = -1.0 / (n - 1)
    wt = sp.csr_matrix(w + w.T)
    s1 = 0.5 * float(wt.multiply(wt).sum())
    s2 = float(((np.asarray(w.sum(axis=1)).ravel() + np.asarray(w.sum(axis=0)).ravel()) ** 2)
               .sum())
    v = (n * n * s1 - n * s2 + 3 * s0 * s0) / ((n * n - 1) * s0 * s0) - ei * ei
    zn = (i - ei) / math.sqrt(v)
    p_sim = float("nan")
    if permutations:
        rng = resolve_seed(seed)
        den = float(z @ z)
        sims = np.empty(int(permutations))
        from tqdm.auto import tqdm

        for k in tqdm(range(int(permutations)), desc="Moran permutations", leave=False,
                      disable=n < 50_000):
            zp = rng.permutation(z)
            sims[k] = n / s0 * float(zp @ (w @ zp)) / den
        tol = 1e-9 * max(abs(i), 1e-300)
        at_least = np.array([(sims >= i - tol).sum()])
        at_most = np.array([(sims <= i + tol).sum()])
        p_sim = float(fold_p_ties(at_least, at_most, int(permutations))[0])
    p_norm = float(two_sided_p(np.array([zn]))[0])
    return MoranResult(i=i, expected=ei, variance=v, z=zn, p_norm=p_norm, p_sim=p_sim,
                       n=n, permutations=int(permutations),
                       weights=f"{how}, transform {transform.upper()}",
                       notes=tuple(_island_note(wb)))


def local_moran(
    frame: Any,
    column: str = "count",
    *,
    weights: Any = "queen",
    distance: float | None = None,
    transform: str = "R",
    permutations: int = 999,
    seed: Any = None,
    alpha: float = 0.05,
    fdr: bool = False,
) -> Any:
    """Local Moran's I (LISA) with HH/LL/HL/LH clusters from conditional permutations.

    Parameters
    ----------
    frame : geopandas.GeoDataFrame
        Grid cells, areas or points with a numeric column.
    column : str, default "count"
        The values.
    weights, distance, transform
        As in :func:`moran`.
    permutations : int, default 999
        Conditional permutations for the pseudo p-values (GeoDa's default is 999).
    seed : int or numpy.random.Generator, optional
        Seed for the permutations.
    alpha : float, default 0.05
        Significance level for ``cluster``.
    fdr : bool, default False
        Judge significance on Benjamini-Hochberg q-values instead of p-values.

    Returns
    -------
    pandas.DataFrame or geopandas.GeoDataFrame
        A copy of ``frame`` with ``value``, ``local_i`` (esda ``Is``), ``quadrant`` (HH, LH,
        LL, HL), ``p_value`` (folded one-sided pseudo p, esda ``p_sim`` when no simulation
        ties; ties count for neither tail), ``q_value``
        and ``cluster`` (the quadrant where significant, else "not significant").

    Examples
    --------
    >>> df = pd.DataFrame({"v": [1.0, 2.0, 3.0, 4.0]})
    >>> import scipy.sparse as sp
    >>> chain = sp.diags([np.ones(3), np.ones(3)], [-1, 1])
    >>> ib.geo.local_moran(df, "v", weights=chain, permutations=0)["quadrant"].tolist()
    ['LL', 'LL', 'HH', 'HH']
    """
    y = _values(frame, column)
    check_positive("permutations", permutations, typical="0 or 99-9999", integer=True,
                   allow_zero=True)
    check_probability("alpha", alpha)
    wb, how = spatial_weights(frame, weights, distance)
    w = _transform(wb, transform)
    n = len(y)
    z = y - y.mean()
    den = float(z @ z)
    lag = w @ z
    local_i = (n - 1) * z * lag / den
    zp, lp = z > 0, lag > 0
    quad = np.where(zp & lp, 1, np.where(~zp & lp, 2, np.where(~zp & ~lp, 3, 4)))
    p = np.full(n, np.nan)
    if permutations:
        kmax = kmax_of(w)
        if kmax * int(permutations) > 20_000_000:
            raise ParameterError(
                f"permutations={permutations} with up to {kmax} neighbours needs too much "
                f"memory; use permutations <= {20_000_000 // max(kmax, 1)}."
            )
        rng = resolve_seed(seed)
        # I_i = (n-1) z_i lag_i / den: for z_i != 0 the folded p of I_i equals that of
        # the lag, so simulated and observed lags are compared as sums built the same way
        # (no rescaling that could split a tie); z_i == 0 makes every simulation a tie.
        at_least, at_most = conditional_permutation_counts(
            z, lag, csr_rows(w, kmax), kmax, int(permutations), rng,
            desc="local Moran permutations",
        )
        zero = z == 0
        at_least[zero] = at_most[zero] = int(permutations)
        p = fold_p_ties(at_least, at_most, int(permutations))
    q = benjamini_hochberg(p)
    judge = q if fdr else p
    labels = np.asarray([QUADRANTS[int(k)] for k in quad], dtype=object)
    sig = np.nan_to_num(judge, nan=1.0) < alpha
    out = frame.copy()
    out["value"] = y
    out["local_i"] = local_i
    out["quadrant"] = labels
    out["p_value"] = p
    out["q_value"] = q
    out["cluster"] = np.where(sig, labels, "not significant")
    out.attrs["local_moran"] = {
        "weights": f"{how}, transform {transform.upper()}",
        "permutations": int(permutations), "alpha": alpha, "fdr": bool(fdr),
    }
    out.attrs["notes"] = list(out.attrs.get("notes", [])) + _island_note(wb)
    return out
