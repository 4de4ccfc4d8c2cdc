"""Point pattern statistics: Clark-Evans nearest-neighbour index and Ripley's K / L.

Both use a KD-tree; no all-pairs distance matrix is held in memory. Neither applies an
edge correction: the nearest-neighbour index is biased upward (towards "dispersed") and
K downward at large distances near the window edge (spatstat ``clarkevans`` docs).
"""

from __future__ import annotations

import html
import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from scipy.special import ndtr

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import _is_geo, check_positive, prepare_points, resolve_seed

__all__ = ["NearestNeighbourResult", "RipleyResult", "nearest_neighbour", "ripley"]


def _html_table(title: str, rows: list[tuple[str, str]], notes: tuple[str, ...]) -> str:
    body = "".join(
        f"<tr><th style='text-align:left'>{html.escape(a)}</th>"
        f"<td style='text-align:left'>{html.escape(b)}</td></tr>"
        for a, b in rows
    )
    items = "".join(f"<li>{html.escape(n)}</li>" for n in notes)
    caption = f"<caption>{html.escape(title)}</caption>"
    return f"<div><table>{caption}{body}</table><ul>{items}</ul></div>"


@dataclass(frozen=True)
class NearestNeighbourResult:
    """Clark-Evans nearest-neighbour index.

    Attributes
    ----------
    n : int
        Events.
    area : float
        Study area in m^2.
    observed_mean, expected_mean : float
        Mean nearest-neighbour distance observed and expected under CSR, 0.5 / sqrt(n / A).
    ratio : float
        R = observed / expected: < 1 clustered, > 1 dispersed.
    standard_error, z, p_value : float
        SE = 0.26136 / sqrt(n^2 / A), z = (observed - expected) / SE, two-sided normal p.
    notes : tuple of str
        What was done to the input.
    """

    n: int
    area: float
    observed_mean: float
    expected_mean: float
    ratio: float
    standard_error: float
    z: float
    p_value: float
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def pattern(self) -> str:
        """"clustered", "dispersed" or "random" at the 5% level."""
        if not self.p_value < 0.05:
            return "random"
        return "clustered" if self.ratio < 1 else "dispersed"

    def to_frame(self) -> pd.DataFrame:
        """One-row table of the statistics."""
        return pd.DataFrame([{
            "n": self.n, "area": self.area, "observed_mean": self.observed_mean,
            "expected_mean": self.expected_mean, "ratio": self.ratio,
            "standard_error": self.standard_error, "z": self.z, "p_value": self.p_value,
            "pattern": self.pattern,
        }])

    def _repr_html_(self) -> str:
        return _html_table("Clark-Evans nearest-neighbour index", [
            ("events", f"{self.n:,}"), ("area", f"{self.area / 1e6:,.3f} km²"),
            ("mean NN distance", f"{self.observed_mean:,.1f} m (CSR {self.expected_mean:,.1f} m)"),
            ("R", f"{self.ratio:.3f}"), ("z", f"{self.z:.2f}"), ("p", f"{self.p_value:.3g}"),
            ("pattern", self.pattern)], self.notes)


def _window(points_xy: np.ndarray, area: Any, crs: Any) -> tuple[float, Any, list[str]]:
    """Area in m^2 and the window geometry (None when only a number was given)."""
    import shapely

    notes: list[str] = []
    if area is None:
        hull = shapely.convex_hull(shapely.multipoints(points_xy))
        return float(hull.area), hull, ["area is the convex hull of the points."]
    if _is_geo(area):
        win = area
        if win.crs is None:
            raise ParameterError("area has no CRS; allowed: a projected CRS; got None.")
        if crs is not None and not win.crs.equals(crs):
            win = win.to_crs(crs)
        geom = shapely.union_all(np.asarray(win.geometry.values))
        return float(geom.area), geom, notes
    if isinstance(area, shapely.Geometry):
        return float(area.area), area, notes
    value = check_positive("area", area, typical="square metres, or a study-area polygon")
    return value, None, notes


def nearest_neighbour(points: Any, area: Any = None) -> NearestNeighbourResult:
    """Clark-Evans nearest-neighbour index with its z-score (methods.md B4).

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Events as points with a CRS (at least 2).
    area : float, shapely polygon or GeoDataFrame, optional
        Study area in m^2 or the study-area polygons. Default: the convex hull of the points.

    Returns
    -------
    NearestNeighbourResult
        R, z, p and the distances.

    Examples
    --------
    The four corners of a unit square in an area of 4 give R = 2 (methods.md B4):

    >>> import geopandas as gpd
    >>> sq = gpd.GeoDataFrame(geometry=gpd.points_from_xy([0, 1, 0, 1], [0, 0, 1, 1]),
    ...                       crs="EPSG:27700")
    >>> ib.geo.nearest_neighbour(sq, area=4).ratio
    2.0
    """
    from scipy.spatial import cKDTree

    prep = prepare_points(points)
    n = len(prep.xy)
    if n < 2:
        raise SchemaError(f"points needs at least 2 located events; got {n}.")
    a, _, notes = _window(prep.xy, area, prep.crs)
    if a <= 0:
        raise ParameterError(f"area must be positive (m^2); got {a!r}.")
    dist, _ = cKDTree(prep.xy).query(prep.xy, k=2)
    observed = float(dist[:, 1].mean())
    expected = 0.5 / math.sqrt(n / a)
    se = 0.26136 / math.sqrt(n * n / a)
    z = (observed - expected) / se
    return NearestNeighbourResult(
        n=n, area=a, observed_mean=observed, expected_mean=expected,
        ratio=observed / expected, standard_error=se, z=z,
        p_value=float(2 * ndtr(-abs(z))), notes=tuple(list(prep.notes) + notes),
    )


@dataclass(frozen=True)
class RipleyResult:
    """Ripley's K and L with CSR simulation envelopes.

    Attributes
    ----------
    table : pandas.DataFrame
        Per distance: ``distance``, ``k``, ``k_csr`` (pi d^2), ``l`` = sqrt(K / pi),
        ``l_minus_d``, ``lower`` and ``upper`` (min and max of L - d over the simulations)
        and ``outside`` (L - d beyond the envelope).
    n : int
        Events.
    area : float
        Window area in m^2.
    simulations : int
        CSR patterns simulated in the window.
    notes : tuple of str
        What was done to the input.
    """

    table: pd.DataFrame
    n: int
    area: float
    simulations: int
    notes: tuple[str, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """Return the per-distance table (a copy)."""
        return self.table.copy()

    def _repr_html_(self) -> str:
        head = _html_table("Ripley's K / L", [
            ("events", f"{self.n:,}"), ("window", f"{self.area / 1e6:,.3f} km²"),
            ("simulations", str(self.simulations))], self.notes)
        return head + self.table.to_html(index=False, float_format=lambda v: f"{v:.4g}")


def _k_values(xy: np.ndarray, d: np.ndarray, area: float) -> np.ndarray:
    from scipy.spatial import cKDTree

    n = len(xy)
    tree = cKDTree(xy)
    pairs = tree.count_neighbors(tree, d).astype(float) - n  # ordered pairs i != j
    return area * pairs / (n * n)


def _csr(rng: np.random.Generator, n: int, window: Any, bounds: np.ndarray) -> np.ndarray:
    import shapely

    xmin, ymin, xmax, ymax = bounds
    if window is None or math.isclose(window.area, (xmax - xmin) * (ymax - ymin)):
        return np.column_stack([rng.uniform(xmin, xmax, n), rng.uniform(ymin, ymax, n)])
    shapely.prepare(window)
    out = np.empty((0, 2))
    while len(out) < n:
        m = int((n - len(out)) * 1.3 * (xmax - xmin) * (ymax - ymin) / window.area) + 16
        cand = np.column_stack([rng.uniform(xmin, xmax, m), rng.uniform(ymin, ymax, m)])
        out = np.vstack([out, cand[shapely.contains_xy(window, cand[:, 0], cand[:, 1])]])
    return out[:n]


def ripley(
    points: Any,
    distances: Any = None,
    *,
    area: Any = None,
    simulations: int = 99,
    seed: Any = None,
) -> RipleyResult:
    """Ripley's K and L functions with CSR simulation envelopes (methods.md B4).

    K(d) = A / n^2 * sum_{i != j} 1(d_ij <= d), without edge correction (as pointpats ``k``);
    under complete spatial randomness K(d) = pi d^2 and L(d) - d = 0.

    Parameters
    ----------
    points : geopandas.GeoDataFrame
        Events as points with a CRS (at least 2).
    distances : sequence of float, optional
        Distances in metres. Default: 20 steps up to a quarter of the window's shorter side.
    area : shapely polygon or GeoDataFrame, optional
        The window for A and for the simulations. Default: the points' bounding box.
    simulations : int, default 99
        CSR patterns of n events simulated in the window for the envelope (99+).
    seed : int or numpy.random.Generator, optional
        Seed for the simulations.

    Returns
    -------
    RipleyResult
        ``.to_frame()`` has K, L, L - d and the envelope per distance.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rng = np.random.default_rng(1)
    >>> xy = rng.uniform(0, 1000, (300, 2))
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
    ...                        crs="EPSG:27700")
    >>> res = ib.geo.ripley(pts, [50, 100], simulations=19, seed=1)
    >>> res.to_frame()["distance"].tolist()
    [50.0, 100.0]
    """
    import shapely
    from tqdm.auto import tqdm

    prep = prepare_points(points)
    n = len(prep.xy)
    if n < 2:
        raise SchemaError(f"points needs at least 2 located events; got {n}.")
    check_positive("simulations", simulations, typical="99-999", integer=True, allow_zero=True)
    notes = list(prep.notes)
    if area is None:
        lo, hi = prep.xy.min(axis=0), prep.xy.max(axis=0)
        window = shapely.box(lo[0], lo[1], hi[0], hi[1])
        notes.append("window is the bounding box of the points.")
    else:
        _, window, extra = _window(prep.xy, area, prep.crs)
        if window is None:
            raise ParameterError(
                "area must be a study-area polygon or GeoDataFrame for Ripley's K (the "
                f"simulations need its shape); got {type(area).__name__}."
            )
        notes.extend(extra)
    a = float(window.area)
    if a <= 0:
        raise ParameterError(f"area must have a positive area; got {a!r} m^2.")
    bounds = np.asarray(window.bounds)
    if distances is None:
        side = min(bounds[2] - bounds[0], bounds[3] - bounds[1])
        d = np.linspace(side / 4 / 20, side / 4, 20)
    else:
        d = np.asarray(distances, dtype=float).ravel()
        if len(d) == 0 or not np.isfinite(d).all() or (d <= 0).any():
            raise ParameterError(f"distances must be positive numbers of metres; got {d!r}.")
    k = _k_values(prep.xy, d, a)
    lmd = np.sqrt(k / math.pi) - d
    rng = resolve_seed(seed)
    sims = np.empty((int(simulations), len(d)))
    for s in tqdm(range(int(simulations)), desc="Ripley simulations", leave=False,
                  disable=simulations < 50 or n < 20_000):
        sims[s] = np.sqrt(_k_values(_csr(rng, n, window, bounds), d, a) / math.pi) - d
    lower = sims.min(axis=0) if len(sims) else np.full(len(d), np.nan)
    upper = sims.max(axis=0) if len(sims) else np.full(len(d), np.nan)
    table = pd.DataFrame({
        "distance": d, "k": k, "k_csr": math.pi * d * d, "l": np.sqrt(k / math.pi),
        "l_minus_d": lmd, "lower": lower, "upper": upper,
        "outside": (lmd < lower) | (lmd > upper),
    })
    return RipleyResult(table=table, n=n, area=a, simulations=int(simulations),
                        notes=tuple(notes))
