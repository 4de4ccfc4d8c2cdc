"""Emerging hot spot analysis: Gi* in a space-time cube, Mann-Kendall trends, 17 categories.

Follows ArcGIS Pro's "How Emerging Hot Spot Analysis works" (methods.md B11):

* events are counted in a space-time cube of square grid cells x time steps (months by
  default); locations are the cells holding at least one event over the whole period (or
  the cells of a ``study_area``);
* each bin gets a Gi* z-score with binary space-time neighbours: the cells within
  ``distance`` at the same step and at the previous ``time_lag`` steps, self included;
  the mean and variance are those of the entire cube (ArcGIS's default global window);
* p-values are two-sided normal, corrected with Benjamini-Hochberg over all bins;
* each location's z-series gets a Mann-Kendall trend test (no continuity-free shortcuts:
  S, the tie-corrected variance, Z with continuity correction and a two-sided normal p);
* the categories are ArcGIS's, tested in its order (new, consecutive, intensifying,
  persistent, diminishing, sporadic, oscillating, historical; hot, then cold; else no
  pattern), with "90% of steps" read as ``10 * count >= 9 * steps``. Where sfdep departs
  from ArcGIS's wording (methods.md B11) this module follows ArcGIS.

Edge effect (as in ArcGIS): the first ``time_lag`` steps have no earlier steps, so their
neighbourhoods are smaller and a steady hot spot's z there is smaller (by about
1/sqrt(2) with one lag on a grid); over a short series that can tip a steady hot spot into
"intensifying". ``time_lag=0`` removes it at the cost of ignoring the previous step.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import check_positive, check_probability, prepare_points
from intelbench.geo._precision import require_precision
from intelbench.geo._stats import band_sum, benjamini_hochberg, stencil_halfwidths, two_sided_p

__all__ = ["CATEGORIES", "classify_trajectories", "emerging_hotspots", "mann_kendall"]

_KINDS = ("new", "consecutive", "intensifying", "persistent", "diminishing", "sporadic",
          "oscillating", "historical")
#: The 17 categories: 8 hot, 8 cold, and no pattern.
CATEGORIES = (*[f"{k} hot spot" for k in _KINDS], *[f"{k} cold spot" for k in _KINDS],
              "no pattern")
_STEPS = {"month": "M", "week": "W-SUN", "day": "D", "quarter": "Q", "year": "Y"}
_NEEDS = {"month": "month", "week": "day", "day": "day", "quarter": "quarter", "year": "year"}


def mann_kendall(series: np.ndarray) -> dict[str, np.ndarray]:
    """Mann-Kendall trend test for each row of ``series`` (methods.md B13).

    Parameters
    ----------
    series : numpy.ndarray
        (n_locations, n_steps) values, or one 1-D series.

    Returns
    -------
    dict of numpy.ndarray
        ``s`` (S statistic), ``var`` (tie-corrected variance of S), ``z`` ((S - sgn S) /
        sqrt(var), 0 when S = 0), ``p`` (two-sided normal) and ``tau`` (tau-a).

    Examples
    --------
    >>> x = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1,
    ...      21.7]
    >>> r = mann_kendall(np.array(x))
    >>> int(r["s"][0]), round(float(r["var"][0]), 3), round(float(r["z"][0]), 4)
    (54, 332.667, 2.9058)
    >>> round(float(r["p"][0]), 5)
    0.00366
    """
    x = np.atleast_2d(np.asarray(series, dtype=float))
    n = x.shape[1]
    m = x.shape[0]
    s_int = np.zeros(m, dtype=np.int64)
    for i in range(n - 1):
        later, now = x[:, i + 1:], x[:, i:i + 1]
        s_int += np.count_nonzero(later > now, axis=1)
        s_int -= np.count_nonzero(later < now, axis=1)
    s = s_int.astype(float)
    var = np.full(m, n * (n - 1) * (2 * n + 5) / 18.0)
    srt = np.sort(x, axis=1)
    # tie groups: runs of equal values in each sorted row, all rows at once
    same = np.diff(srt, axis=1) == 0
    if same.any():
        starts = np.ones((m, n), dtype=bool)
        starts[:, 1:] = ~same
        run_id = np.cumsum(starts, axis=1) - 1 + (np.arange(m) * n)[:, None]
        t = np.bincount(run_id.ravel(), minlength=m * n).astype(float)
        term = t * (t - 1) * (2 * t + 5)  # 0 for runs of one (and unused ids)
        var -= np.bincount(np.repeat(np.arange(m), n), weights=term, minlength=m) / 18.0
    with np.errstate(divide="ignore", invalid="ignore"):
        z = np.where(s == 0, 0.0, (s - np.sign(s)) / np.sqrt(var))
    z = np.where(var > 0, z, 0.0)
    return {"s": s, "var": var, "z": z, "p": two_sided_p(z), "tau": s / (n * (n - 1) / 2)}


def classify_trajectories(
    hot: np.ndarray,
    cold: np.ndarray,
    trend_z: np.ndarray,
    trend_p: np.ndarray,
    *,
    alpha: float = 0.05,
) -> np.ndarray:
    """ArcGIS's emerging hot spot category of each location from its significant bins.

    Parameters
    ----------
    hot, cold : numpy.ndarray
        (n_locations, n_steps) booleans: the bin is a significant hot (cold) spot.
    trend_z, trend_p : numpy.ndarray
        Mann-Kendall Z and p of each location's z-series.
    alpha : float, default 0.05
        Level for a significant trend.

    Returns
    -------
    numpy.ndarray
        One of :data:`CATEGORIES` per location.

    Examples
    --------
    >>> h = np.array([[c == "H" for c in ".......HHH"], [c == "H" for c in "CH.C.H...H"]])
    >>> c = np.array([[c == "C" for c in ".......HHH"], [c == "C" for c in "CH.C.H...H"]])
    >>> classify_trajectories(h, c, np.zeros(2), np.ones(2)).tolist()
    ['consecutive hot spot', 'oscillating hot spot']
    """
    hot = np.atleast_2d(np.asarray(hot, dtype=bool))
    cold = np.atleast_2d(np.asarray(cold, dtype=bool))
    n_loc, n = hot.shape
    out = np.full(n_loc, "no pattern", dtype=object)
    sig_trend = np.asarray(trend_p) < alpha
    up = sig_trend & (np.asarray(trend_z) > 0)
    down = sig_trend & (np.asarray(trend_z) < 0)
    for a, b, word, rising, falling in ((hot, cold, "hot", up, down),
                                        (cold, hot, "cold", down, up)):
        count = a.sum(axis=1)
        most = 10 * count >= 9 * n
        final = a[:, -1]
        # length of the run of a ending at the final step
        run = np.zeros(n_loc, dtype=np.int64)
        alive = np.ones(n_loc, dtype=bool)
        for t in range(n - 1, -1, -1):
            alive &= a[:, t]
            run += alive
        before_run = count - run  # a-bins before the final run
        rules = [
            ("new", final & (count == 1)),
            ("consecutive", final & (run >= 2) & (before_run == 0) & ~most),
            ("intensifying", final & most & rising),
            ("persistent", final & most & ~rising & ~falling),
            ("diminishing", final & most & falling),
            ("sporadic", final & ~most & ~b.any(axis=1)),
            ("oscillating", final & ~most & b[:, :-1].any(axis=1)),
            ("historical", ~final & most),
        ]
        free = out == "no pattern"
        for name, cond in rules:
            take = free & cond
            out[take] = f"{name} {word} spot"
            free &= ~take
    return out


def _cube_inference(y: np.ndarray, wy: np.ndarray, card: np.ndarray
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Gi* z and BH q of every bin; once per distinct (neighbourhood count, size) pair.

    Counts make z a function of the integer neighbourhood sum and the number of
    neighbouring bins; the result is identical to computing every bin (see
    ``_gistar.inference_by_key``), with a per-bin fallback for large sums.
    """
    from intelbench.geo._gistar import gi_star_z, inference_by_key

    n = len(y)
    total, total_sq = float(y.sum()), float((y * y).sum())
    wy_i = wy.astype(np.int64)
    card_i = card.astype(np.int64)
    kcard = int(card_i.max()) + 1 if n else 1
    n_keys = (int(wy_i.max()) + 1) * kcard if n else 0
    if 0 < n_keys <= max(4 * n, 1 << 20) and np.array_equal(wy_i, wy):
        key = wy_i * kcard + card_i

        def z_of(k: np.ndarray) -> np.ndarray:
            return gi_star_z((k // kcard).astype(float), (k % kcard).astype(float), n,
                             total, total_sq)

        inf = inference_by_key(key, z_of, lambda k, z: np.zeros(len(k), dtype=bool),
                               alpha=0.05, fdr=True, n_keys=n_keys)
        return inf["gi_star"], inf["q_value"]
    z = gi_star_z(wy, card, n, total, total_sq)
    return z, benjamini_hochberg(two_sided_p(z))


def _analyse_cube(cube: np.ndarray, active: np.ndarray, spec: Any, crs: Any, *, band: float,
                 time_lag: int, alpha: float, step: str, steps: list[str],
                 notes: list[str]) -> Any:
    """Gi* per bin, Mann-Kendall per location and the categories, from a counts cube.

    The shared core of :func:`emerging_hotspots` (cube from points) and
    :func:`intelbench.intake.cube.emerging_from_counts` (cube from SQL counts).

    Parameters
    ----------
    cube : numpy.ndarray
        (steps, rows, cols) counts, zero outside ``active``.
    active : numpy.ndarray
        (rows, cols) booleans: the locations.
    spec : GridSpec
        The grid of the cube.
    crs : any
        The CRS of the grid.
    band, time_lag, alpha : float, int, float
        Neighbourhood distance (metres), earlier steps in a neighbourhood and the
        significance level, already checked.
    step : str
        The step's name ("month", ...); ``steps`` are the labels of the steps.
    notes : list of str
        Notes for the frame's ``attrs["notes"]``.

    Returns
    -------
    geopandas.GeoDataFrame
        One row per location, as :func:`emerging_hotspots` returns (its last note aside).
    """
    from intelbench.geo.grid import grid_frame

    size, lag, n_steps = spec.cell_size, time_lag, cube.shape[0]
    hw = stencil_halfwidths(band, size)
    spatial = np.stack([band_sum(cube[t], hw) for t in range(n_steps)])
    ones = band_sum(active.astype(np.int64), hw)
    wy = spatial.astype(float).copy()
    card = np.repeat(ones[None].astype(float), n_steps, axis=0)
    for k in range(1, lag + 1):
        wy[k:] += spatial[:-k]
        card[k:] += ones[None]
    loc = active.ravel()
    y = cube.reshape(n_steps, -1)[:, loc].astype(float)
    wyv = wy.reshape(n_steps, -1)[:, loc]
    cv = card.reshape(n_steps, -1)[:, loc]
    z, q = _cube_inference(y.ravel(), wyv.ravel(), cv.ravel())
    z, q = z.reshape(n_steps, -1), q.reshape(n_steps, -1)
    sig = np.nan_to_num(q, nan=1.0) < alpha
    hot = (sig & (np.nan_to_num(z) > 0)).T
    cold = (sig & (np.nan_to_num(z) < 0)).T
    mk = mann_kendall(np.nan_to_num(z.T))
    cats = classify_trajectories(hot, cold, mk["z"], mk["p"], alpha=alpha)
    full_cat = np.full(spec.ncells, "no pattern", dtype=object)
    full_cat[loc] = cats
    cols: dict[str, np.ndarray] = {"count": cube.sum(axis=0)}
    for name, vals in (("hot_steps", hot.sum(axis=1)), ("cold_steps", cold.sum(axis=1)),
                       ("final_z", z[-1]), ("trend_z", mk["z"]), ("trend_p", mk["p"]),
                       ("trend_tau", mk["tau"])):
        arr = np.zeros(spec.ncells, dtype=float)
        arr[loc] = vals
        cols[name] = arr.reshape(spec.nrows, spec.ncols)
    cols["category"] = full_cat.reshape(spec.nrows, spec.ncols)
    out = grid_frame(spec, cols, crs, mask=active, notes=notes)
    out["category"] = pd.Categorical(out["category"], categories=list(CATEGORIES))
    for name in ("hot_steps", "cold_steps"):
        out[name] = out[name].astype(np.int64)
    table = (out["category"].value_counts().reindex(list(CATEGORIES), fill_value=0)
             .rename_axis("category").reset_index(name="locations"))
    out.attrs["emerging"] = {
        "cell_size": size, "distance": band, "time_lag": lag, "alpha": alpha,
        "step": step, "steps": steps,
        "global_window": "entire cube", "fdr": True,
        "z": z, "q": q, "counts": y,
        "table": table,
    }
    return out


def emerging_hotspots(
    events: Any,
    time: str = "month",
    step: str = "month",
    *,
    cell_size: float = 500.0,
    distance: float | None = None,
    time_lag: int = 1,
    alpha: float = 0.05,
    study_area: Any = None,
    min_steps: int = 10,
) -> Any:
    """Emerging hot spot analysis of events on a grid, step by step (ArcGIS categories).

    Parameters
    ----------
    events : geopandas.GeoDataFrame
        Point events with a CRS and a time column (``read_police_uk`` output works as is).
    time : str, default "month"
        The time column (``period`` or datetimes); its precision must be at least ``step``.
    step : {"month", "week", "day", "quarter", "year"}, default "month"
        The time step of the cube.
    cell_size : float, default 500
        Cell side in metres.
    distance : float, optional
        Spatial neighbourhood in metres (default ``cell_size * sqrt(2)``: queen cells).
    time_lag : int, default 1
        Previous steps included in each bin's neighbourhood (ArcGIS's default is 1).
    alpha : float, default 0.05
        Level for a significant bin (FDR-corrected) and for a significant trend.
    study_area : GeoDataFrame or shapely geometry, optional
        Analyse every cell inside it; by default the cells with at least one event.
    min_steps : int, default 10
        Refuse fewer time steps than this (a trend needs a series).

    Returns
    -------
    geopandas.GeoDataFrame
        One row per location (cell): ``cell_id``, ``row``, ``col``, ``count`` (all steps),
        ``category`` (one of :data:`CATEGORIES`), ``hot_steps``, ``cold_steps``,
        ``final_z``, ``trend_z``, ``trend_p``, ``trend_tau`` and the cell polygon.
        ``attrs["emerging"]`` holds the parameters, the step labels, the z, q and count
        cubes (steps x locations) and a ``table`` of locations per category.

    Raises
    ------
    SchemaError
        The time column is coarser than ``step``, fewer than ``min_steps`` steps, or no
        located event.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rng = np.random.default_rng(1)
    >>> n = 2400
    >>> xy = rng.uniform(0, 5000, (n, 2))
    >>> month = pd.Series(pd.period_range("2024-01", periods=12, freq="M")).sample(
    ...     n, replace=True, random_state=1).to_numpy()
    >>> ev = gpd.GeoDataFrame({"month": month}, geometry=gpd.points_from_xy(
    ...     xy[:, 0], xy[:, 1]), crs=27700)
    >>> res = ib.geo.emerging_hotspots(ev, cell_size=500)
    >>> sorted(set(res["category"]) - set(CATEGORIES))
    []
    """
    from intelbench.geo._events import parse_datetimes
    from intelbench.geo.grid import _prepare_grid

    if step not in _STEPS:
        raise ParameterError(f"step must be one of {sorted(_STEPS)}; got {step!r}.")
    size = check_positive("cell_size", cell_size, typical="metres, typically 100-1000")
    band = size * math.sqrt(2) if distance is None else check_positive(
        "distance", distance, typical="metres, at least cell_size")
    if band < size * (1 - 1e-9):
        raise ParameterError(f"distance must be at least cell_size ({size:g} m); got {band:g}.")
    check_probability("alpha", alpha)
    lag = int(check_positive("time_lag", time_lag, typical="1-3 steps", integer=True,
                             allow_zero=True))
    prep = prepare_points(events, name="events")
    if time not in prep.frame.columns:
        raise SchemaError(f"time={time!r}: no such column in events; got columns "
                          f"{sorted(map(str, prep.frame.columns))[:12]}.")
    col = prep.frame[time]
    parsed, reason = parse_datetimes(col, "time")
    require_precision(col, parsed.where(reason == ""), column=time, needs=_NEEDS[step],
                      task=f"an emerging hot spot analysis by {step}",
                      instead="Use a coarser step (step='month' for data.police.uk).")
    ok = (reason == "").to_numpy()
    periods = parsed[ok].dt.to_period(_STEPS[step])
    labels = pd.period_range(periods.min(), periods.max(), freq=_STEPS[step])
    n_steps = len(labels)
    if n_steps < min_steps:
        raise SchemaError(
            f"column {time!r} spans {n_steps} {step}{'s' if n_steps != 1 else ''} "
            f"({labels[0]} to {labels[-1]}); an "
            f"emerging hot spot analysis needs at least {min_steps} steps for a trend. Use "
            "a longer period or a shorter step."
        )
    t_idx = np.asarray(periods.array.asi8, dtype=np.int64) - int(labels[0].ordinal)
    xy = prep.xy[ok]
    from intelbench.geo._events import PreparedPoints

    sub = PreparedPoints(xy=xy, crs=prep.crs, index=prep.index[ok], frame=prep.frame[ok],
                         notes=prep.notes)
    total, spec, mask, notes, crs = _prepare_grid(sub, size, extent=None,
                                                  study_area=study_area, weight=None,
                                                  max_cells=2_000_000)
    row, colx, inside = spec.cell_index(xy)
    flat = row[inside] * spec.ncols + colx[inside]
    cube = np.bincount(t_idx[inside] * spec.ncells + flat,
                       minlength=n_steps * spec.ncells).reshape(n_steps, spec.nrows, spec.ncols)
    active = (total > 0) if mask is None else mask
    cube = np.where(active[None], cube, 0)
    out = _analyse_cube(cube, active, spec, crs, band=band, time_lag=lag, alpha=alpha,
                        step=step, steps=[str(p) for p in labels], notes=notes)
    loc = active.ravel()
    out.attrs["notes"] = [*out.attrs.get("notes", []),
                          f"{int(loc.sum()):,} locations x {n_steps} {step}s; "
                          f"{int((~ok).sum())} events without "
                          f"a usable {time!r} left out."]
    return out
