"""Repeat and near-repeat victimisation: the Knox test and exact-location repeats.

:func:`near_repeat` builds the Knox space-time table with a Monte Carlo test that permutes
dates across locations (methods.md B7). :func:`repeat_victimisation` finds locations hit more
than once, their share of all crime and the time between repeats.

Band conventions
----------------
``distance_bands`` and ``time_bands`` are the upper edges of the bands, in metres and days
(dates only: times of day are ignored, as in the Near Repeat Calculator).

``convention="left"`` (default) reads every band as closed on the right:
same location is a distance of exactly 0 m; the distance bands are ``(0, d1]``, ``(d1, d2]``
... and "more than" is ``> dK``; the time bands are ``[0, t1]``, ``(t1, t2]`` ... and
``> tJ``. So "0 to 2 days" really holds pairs 0, 1 or 2 days apart.

``convention="nrc"`` reproduces Ratcliffe's Near Repeat Calculator (v1.3) exactly (checked
on the NRC's own output for the tobydavies/NearRepeat test data). Its band labelled "a to b"
is computed on ``[a-1, b)``: coordinates are read to 0.1 m, same location is a distance of
exactly 0, then ``(0, d1)``, ``[d1, d2)`` ... ``>= dK``; time ``[0, t1)``, ``[t1, t2)`` ...
``>= tJ``. So its "3 to 4 days" holds pairs 2 or 3 days apart. Labels keep the NRC's
wording so tables can be compared with its output side by side.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Literal

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import (
    event_xy,
    excluded_table,
    parse_datetimes,
    require_column,
)
from intelbench.geo._knox import close_pairs, day_histograms, lanes_per_gather
from intelbench.geo._precision import require_precision, time_precision

__all__ = [
    "NearRepeatResult",
    "RepeatVictimisation",
    "near_repeat",
    "repeat_victimisation",
]

_NS_PER_DAY = 86_400 * 10**9


@dataclass(frozen=True, eq=False)
class NearRepeatResult:
    """The Knox table of a near-repeat analysis.

    Attributes
    ----------
    observed : DataFrame
        Pairs of events in each distance band (rows, with "same location" first and "more
        than" last) and time band (columns, "more than" last). Sums to n(n-1)/2.
    expected : DataFrame
        Mean count over the permutations (dates shuffled across locations).
    ratio : DataFrame
        Knox ratio, observed / expected (NaN where expected is 0).
    p_value : DataFrame
        (number of permutations with a count >= observed + 1) / (permutations + 1).
    permutations, seed, convention : int, int or None, str
        How the test was run.
    n_events : int
        Events used.
    excluded : DataFrame
        Rows left out (missing date or location) with a ``reason`` column.
    notes : list of str
        What was done to the input (for example a projection to EPSG:27700).
    """

    observed: pd.DataFrame
    expected: pd.DataFrame
    ratio: pd.DataFrame
    p_value: pd.DataFrame
    permutations: int
    seed: int | None
    convention: str
    n_events: int
    excluded: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Return one row per cell: distance, time, observed, expected, ratio, p_value.

        Returns
        -------
        DataFrame
            Long table of the Knox cells.
        """
        parts = {
            "observed": self.observed,
            "expected": self.expected,
            "ratio": self.ratio,
            "p_value": self.p_value,
        }
        long = [pd.Series(df.stack(), name=name) for name, df in parts.items()]
        out = pd.concat(long, axis=1).reset_index()
        return out.rename(columns={out.columns[0]: "distance", out.columns[1]: "time"})

    def significant(self, alpha: float = 0.05) -> pd.DataFrame:
        """Return a boolean table: ratio above 1 and p-value at or below ``alpha``.

        Parameters
        ----------
        alpha : float
            Significance level.

        Returns
        -------
        DataFrame
            True where the cell shows significantly more pairs than expected.
        """
        return (self.p_value <= alpha) & (self.ratio > 1)

    def _repr_html_(self) -> str:
        from intelbench.geo._reprs import knox_html

        return knox_html(self)


def _edges(values: Sequence[float] | float, parameter: str, unit: str) -> np.ndarray:
    arr = np.atleast_1d(np.asarray(values, dtype=float))
    if arr.size == 0 or not np.all(np.isfinite(arr)) or np.any(arr <= 0):
        raise ParameterError(
            f"{parameter} must be positive upper band edges in {unit} "
            f"(e.g. [100, 200, 300]), received {values!r}"
        )
    if np.any(np.diff(arr) <= 0):
        raise ParameterError(f"{parameter} must be strictly increasing, received {values!r}")
    return arr


def _fmt(v: float) -> str:
    return f"{v:g}"


def _labels(d: np.ndarray, t: np.ndarray, convention: str) -> tuple[list[str], list[str]]:
    if convention == "nrc":
        rows = ["Same location"]
        prev = 0.0
        for e in d:
            rows.append(f"{_fmt(prev + 1)} to {_fmt(e)}")
            prev = e
        rows.append(f"More than {_fmt(d[-1])}")
        cols = [f"0 to {_fmt(t[0])}"]
        cols += [f"{_fmt(a + 1)} to {_fmt(b)}" for a, b in zip(t[:-1], t[1:])]
        cols.append(f"More than {_fmt(t[-1])}")
        return rows, cols
    rows = ["same location (0 m)", f"(0, {_fmt(d[0])}] m"]
    rows += [f"({_fmt(a)}, {_fmt(b)}] m" for a, b in zip(d[:-1], d[1:])]
    rows.append(f"> {_fmt(d[-1])} m")
    cols = [f"[0, {_fmt(t[0])}] days"]
    cols += [f"({_fmt(a)}, {_fmt(b)}] days" for a, b in zip(t[:-1], t[1:])]
    cols.append(f"> {_fmt(t[-1])} days")
    return rows, cols


def _pairs_with_dt_up_to(ts_sorted: np.ndarray, x: float, side: Literal["left", "right"]) -> int:
    """Pairs whose time difference is <= x (side='right') or < x (side='left'), x > 0."""
    idx = np.searchsorted(ts_sorted, ts_sorted + x, side=side)
    return int((idx - np.arange(1, ts_sorted.size + 1)).sum())


def near_repeat(
    events: pd.DataFrame,
    distance_bands: Sequence[float] = (100.0, 200.0, 300.0, 400.0),
    time_bands: Sequence[float] = (7.0, 14.0, 21.0, 28.0),
    *,
    date: str = "date",
    x: str | None = None,
    y: str | None = None,
    permutations: int = 99,
    seed: int | None = None,
    convention: Literal["left", "nrc"] = "left",
) -> NearRepeatResult:
    """Knox test for near-repeat patterns, with a same-location row and "more than" bands.

    Pairs within the largest distance band are found once with a KD-tree (never an
    all-pairs matrix). Each permutation shuffles the dates across locations, so only the
    time differences of those close pairs change; the "more than" distance row comes from the
    totals per time band, counted on the sorted dates.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame
        Point events with a CRS, or a frame with x/y columns in projected metres. Not
        mutated.
    distance_bands : sequence of float
        Upper edges of the distance bands in metres, increasing.
    time_bands : sequence of float
        Upper edges of the time bands in days, increasing.
    date : str
        Column holding the date (datetime or day-first strings such as ``25/12/2025``).
    x, y : str, optional
        Coordinate columns for a plain DataFrame (default ``x``/``y`` or
        ``easting``/``northing``).
    permutations : int
        Monte Carlo permutations (99 gives a smallest p of 0.01).
    seed : int, optional
        Seed for the permutations.
    convention : {"left", "nrc"}
        Band convention; see the module notes. ``"nrc"`` matches the Near Repeat
        Calculator.

    Returns
    -------
    NearRepeatResult
        Observed, expected, Knox ratio and p-value tables.

    Raises
    ------
    ParameterError
        Bands not positive and increasing, permutations below 1, unknown convention.
    SchemaError
        Missing date column, fewer than two usable events, or dates coarser than the day
        (data.police.uk months); the message names the column, its precision and what
        would work.

    Examples
    --------
    >>> ev = pd.DataFrame({"x": [0, 0, 50, 1000], "y": [0, 0, 0, 0],
    ...                    "date": ["01/01/2025", "02/01/2025", "03/01/2025", "20/03/2025"]})
    >>> nr = ib.geo.near_repeat(ev, [100], [7], permutations=9, seed=1)
    >>> nr.observed
    time                 [0, 7] days  > 7 days
    distance
    same location (0 m)            1         0
    (0, 100] m                     2         0
    > 100 m                        0         3
    """
    if convention not in ("left", "nrc"):
        raise ParameterError(
            f"convention must be one of ['left', 'nrc'], received {convention!r}"
        )
    if int(permutations) != permutations or permutations < 1:
        raise ParameterError(f"permutations must be an integer >= 1, received {permutations!r}")
    d_edges = _edges(distance_bands, "distance_bands", "metres")
    t_edges = _edges(time_bands, "time_bands", "days")

    xy, reason, notes = event_xy(events, x=x, y=y)
    date_col = require_column(events, date, "date")
    parsed, date_reason = parse_datetimes(date_col, "date")
    require_precision(
        date_col, parsed.where(date_reason == ""), column=date, needs="day",
        task=f"near repeat (time bands up to {float(t_edges[-1]):g} days)",
        instead=("Use a force extract with offence dates or from/to windows (read_table); "
                 "data.police.uk months cannot show a repeat within days, and a Knox table "
                 "built on them puts every pair of a month in the first band."),
    )
    reason = reason.where(reason != "", date_reason)
    ok = (reason == "").to_numpy()
    n = int(ok.sum())
    if n < 2:
        raise SchemaError(f"events: need at least 2 events with a date and location, found {n}")
    xy = xy[ok]
    if convention == "nrc":
        xy = np.round(xy, 1)  # the NRC reads coordinates to 0.1 m
    days = (parsed[ok].dt.floor("D").to_numpy().astype("datetime64[ns]").astype(np.int64))
    t = (days // _NS_PER_DAY).astype(np.int64)
    t = (t - t.min()).astype(np.int32)

    side: Literal["left", "right"] = "left" if convention == "left" else "right"
    n_d, n_t = d_edges.size, t_edges.size
    n_rows, n_cols = n_d + 2, n_t + 1
    near_rows = n_d + 1  # same location + distance bands

    # Close pairs, once, grouped by row (row 0 = same location).
    pairs = close_pairs(xy, d_edges, side)
    row_totals = np.diff(pairs.bounds)  # close pairs per row: the same in every permutation

    # Time column of each day difference below ``top``; ``top`` days or more is "more than".
    top = int(np.floor(t_edges[-1])) + 1
    col_of = np.searchsorted(t_edges, np.arange(top), side=side)
    to_cols = np.zeros((top, n_cols), dtype=np.int64)
    to_cols[np.arange(top), col_of] = 1
    span = int(t.max()) if t.size else 0
    lanes = lanes_per_gather(span)

    # Totals per time band over all n(n-1)/2 pairs, from the sorted dates.
    ts = np.sort(t).astype(np.int64)
    total = n * (n - 1) // 2
    cum = [_pairs_with_dt_up_to(ts, float(e), "right" if side == "left" else "left")
           for e in t_edges]
    col_totals = np.diff(np.concatenate([[0], cum, [total]])).astype(np.int64)

    def full_tables(days: list[np.ndarray]) -> np.ndarray:
        near = day_histograms(pairs, days, span, top) @ to_cols  # (k, near_rows, n_cols)
        near[:, :, -1] += row_totals - near.sum(axis=2)
        tables = np.empty((len(days), n_rows, n_cols), dtype=np.int64)
        tables[:, :near_rows] = near
        tables[:, near_rows] = col_totals - near.sum(axis=1)
        return tables

    observed = full_tables([t])[0]
    rng = np.random.default_rng(seed)
    sims = np.empty((int(permutations), n_rows, n_cols), dtype=np.int64)
    from tqdm.auto import tqdm

    quiet = pairs.i.size * int(permutations) < 200_000_000  # a bar only for long runs
    for k0 in tqdm(range(0, int(permutations), lanes), desc="near_repeat permutations",
                   disable=quiet, leave=False):
        k1 = min(k0 + lanes, int(permutations))
        sims[k0:k1] = full_tables([t[rng.permutation(n)] for _ in range(k1 - k0)])
    expected = sims.mean(axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = np.where(expected > 0, observed / np.where(expected > 0, expected, 1), np.nan)
    p = ((sims >= observed[None]).sum(axis=0) + 1) / (permutations + 1)

    rows, cols = _labels(d_edges, t_edges, convention)

    def frame(a: np.ndarray) -> pd.DataFrame:
        return pd.DataFrame(a, index=pd.Index(rows, name="distance"),
                            columns=pd.Index(cols, name="time"))

    return NearRepeatResult(
        observed=frame(observed),
        expected=frame(expected),
        ratio=frame(ratio),
        p_value=frame(p),
        permutations=int(permutations),
        seed=seed,
        convention=convention,
        n_events=n,
        excluded=excluded_table(events, reason),
        notes=notes,
    )


@dataclass(frozen=True, eq=False)
class RepeatVictimisation:
    """Exact-location repeats: where, how much crime they hold, and how soon they recur.

    Attributes
    ----------
    locations : DataFrame
        One row per location hit two or more times: ``location``, ``events``, ``first``,
        ``last`` (and ``x``, ``y`` when locations are points), most hit first.
    frequency : DataFrame
        Locations by number of events (1, 2, 3, 4, 5+) with their events and shares.
    summary : Series
        ``events``, ``locations``, ``repeat_locations``, ``events_at_repeat_locations``,
        ``share_of_crime`` (events at repeat locations / all events), ``repeat_events``
        (events after the first at a location) and ``repeat_rate`` (repeat_events / events).
    time_to_repeat : Series
        Days from each event to the next at the same location.
    time_to_repeat_table : DataFrame
        Those gaps in bands (0-7, 8-14, 15-28, 29-56, 57-91, 92-182, 183-365, over 365 days)
        with counts and cumulative share.
    excluded : DataFrame
        Rows left out with ``reason``: no location (left out entirely) or no date (counted
        at its location, left out of the time to repeat).
    """

    locations: pd.DataFrame
    frequency: pd.DataFrame
    summary: pd.Series
    time_to_repeat: pd.Series
    time_to_repeat_table: pd.DataFrame
    excluded: pd.DataFrame
    notes: list[str] = field(default_factory=list)

    def _repr_html_(self) -> str:
        from intelbench.geo._reprs import repeats_html

        return repeats_html(self)


def _looks_like_police_uk(events: pd.DataFrame) -> bool:
    """Whether ``events`` reads as data.police.uk street data (snapped map points)."""
    return {"falls_within", "lsoa_code", "crime_type"} <= set(map(str, events.columns)) and (
        "month" in events.columns
    )


_GAP_EDGES = [-1, 7, 14, 28, 56, 91, 182, 365, np.inf]
_GAP_LABELS = ["0-7", "8-14", "15-28", "29-56", "57-91", "92-182", "183-365", "over 365"]


def repeat_victimisation(
    events: pd.DataFrame,
    *,
    location: str | None = None,
    date: str = "date",
    x: str | None = None,
    y: str | None = None,
    snap: float | None = None,
) -> RepeatVictimisation:
    """Find locations victimised more than once, their share of crime and time to repeat.

    Parameters
    ----------
    events : GeoDataFrame or DataFrame
        One row per crime. Not mutated.
    location : str, optional
        Column identifying the victim location (address id, premises, snapped point name).
        If omitted, events at the same point are the same location.
    date : str
        Date column (datetime or day-first strings).
    x, y : str, optional
        Coordinate columns for a plain DataFrame when ``location`` is not given.
    snap : float, optional
        Round coordinates to this many metres before matching points (default: exact).

    Returns
    -------
    RepeatVictimisation
        Tables of repeat locations, frequency, summary and time to repeat.

    Examples
    --------
    >>> ev = pd.DataFrame({"address": ["A", "A", "B", "C", "A"],
    ...                    "date": ["01/01/2025", "11/01/2025", "02/01/2025",
    ...                             "03/01/2025", "12/01/2025"]})
    >>> rv = ib.geo.repeat_victimisation(ev, location="address")
    >>> rv.locations[["location", "events"]]
      location  events
    0        A       3
    >>> float(rv.summary["share_of_crime"])
    0.6
    >>> rv.time_to_repeat.tolist()
    [10, 1]
    """
    notes: list[str] = []
    if location is not None:
        key = require_column(events, location, "location")
        missing_loc = key.isna() | key.astype(str).str.strip().eq("")
        reason = pd.Series("", index=events.index, dtype=object)
        reason[missing_loc] = "missing location"
        keys = key.astype(str)
        coords = None
    else:
        xy, reason, notes = event_xy(events, x=x, y=y)
        if snap is not None:
            if not snap > 0:
                raise ParameterError(f"snap must be positive metres, received {snap!r}")
            xy = np.round(xy / snap) * snap
        keys = pd.Series([f"{a:.2f},{b:.2f}" for a, b in xy], index=events.index)
        coords = pd.DataFrame(xy, index=events.index, columns=["x", "y"])
    date_col = require_column(events, date, "date")
    parsed, date_reason = parse_datetimes(date_col, "date")
    precision = time_precision(date_col, parsed.where(date_reason == ""))
    coarse = precision.coarser_than("day")
    if coarse:
        notes.append(
            f"column {date!r} gives times to the {precision.level} only ({precision.why}), so "
            "the time to repeat was not computed: two events in the same "
            f"{precision.level} could be 0 or 30 days apart. Repeat counts and shares do "
            "not depend on time and stand."
        )
    if location is None and _looks_like_police_uk(events):
        notes.append(
            "data.police.uk moves every crime to the nearest of a fixed set of anonymised map "
            "points, and one point can stand for several addresses: a location here is a map "
            "point hit more than once, not necessarily a repeat victim. Use a force extract "
            "with address or premises references (location=) to count repeat victims."
        )
    located = (reason == "").to_numpy()
    n_events = int(located.sum())
    if n_events == 0:
        raise SchemaError("events: no event has a location")

    df = pd.DataFrame({"location": keys[located].to_numpy(), "when": parsed[located].to_numpy()})
    if coords is not None:
        df[["x", "y"]] = coords[located].to_numpy()
    grouped = df.groupby("location", sort=False)
    per = grouped.agg(events=("when", "size"), first=("when", "min"), last=("when", "max"))
    if coords is not None:
        per[["x", "y"]] = grouped[["x", "y"]].first()
    per = per.reset_index()
    rep = per[per["events"] >= 2].sort_values(["events", "first"], ascending=[False, True])
    rep = rep.reset_index(drop=True)

    k = per["events"].clip(upper=5)
    freq = pd.DataFrame(per.groupby(k)["events"].agg(locations="size", events="sum"))
    freq = freq.reindex(range(1, 6), fill_value=0)
    freq.index = pd.Index(["1", "2", "3", "4", "5+"], name="times_victimised")
    freq["share_of_locations"] = freq["locations"] / max(len(per), 1)
    freq["share_of_events"] = freq["events"] / n_events

    dated = df.dropna(subset=["when"]).sort_values(["location", "when"], kind="stable")
    if coarse:  # a gap between month-only times says nothing about days
        dated = dated.iloc[:0]
    gaps = dated.groupby("location", sort=False)["when"].diff().dropna()
    gap_days = (gaps.dt.total_seconds() // 86_400).astype(np.int64).reset_index(drop=True)
    gap_days.name = "days_to_repeat"
    cut = pd.cut(gap_days, _GAP_EDGES, labels=_GAP_LABELS)
    table = cut.value_counts(sort=False).rename("repeats").to_frame()
    table.index.name = "days"
    table["cumulative_share"] = table["repeats"].cumsum() / max(len(gap_days), 1)
    if coarse:  # no bands at all rather than bands of zeros
        table = table.iloc[:0]

    at_rep = int(rep["events"].sum())
    repeat_events = int((per["events"] - 1).sum())
    summary = pd.Series(
        {
            "events": n_events,
            "locations": len(per),
            "repeat_locations": len(rep),
            "events_at_repeat_locations": at_rep,
            "share_of_crime": at_rep / n_events,
            "repeat_events": repeat_events,
            "repeat_rate": repeat_events / n_events,
        },
        dtype=object,
    )
    date_only = (reason == "") & (date_reason != "")
    reason_all = reason.copy()
    reason_all[date_only] = (
        date_reason[date_only] + ": counted at its location, not in time to repeat"
    )
    return RepeatVictimisation(
        locations=rep,
        frequency=freq,
        summary=summary,
        time_to_repeat=gap_days,
        time_to_repeat_table=table,
        excluded=excluded_table(events, reason_all),
        notes=notes,
    )
