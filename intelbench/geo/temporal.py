"""When crime happens: aoristic day-by-hour matrices and trends with control limits.

:func:`aoristic` spreads each event's weight of 1 evenly over its time window (methods.md B6)
and folds it into a 7×24 week (Monday 00:00 to Sunday 24:00). :func:`trends` counts events by
week or month with mean ± 2 s.d. control limits. Rows that cannot be used (missing or
unreadable dates, an end before its start) are listed in ``.excluded`` with a reason; nothing
is dropped silently.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, Literal

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import ReportFrame, excluded_table, parse_datetimes, require_column
from intelbench.geo._precision import next_unit, require_precision, time_precision

if TYPE_CHECKING:
    pass

__all__ = ["DAYS", "aoristic", "plot_day_hour", "trends"]

#: Row labels of the day-by-hour matrix.
DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]

_NS_HOUR = 3_600 * 10**9
_NS_WEEK = 168 * _NS_HOUR
_MONDAY = np.datetime64("1970-01-05T00:00", "ns").astype(np.int64)  # a Monday at 00:00


def _to_ns(values: pd.Series) -> np.ndarray:
    return values.to_numpy(dtype="datetime64[ns]").astype(np.int64)


def aoristic(
    events: pd.DataFrame,
    start: str = "from_datetime",
    end: str | None = "to_datetime",
    *,
    missing_end: Literal["exclude", "start"] = "exclude",
    spread: bool = False,
) -> ReportFrame:
    """Aoristic day-by-hour matrix: each event's weight spread evenly over its time window.

    The weight an hour cell receives is the share of the window that falls in it (Ratcliffe):
    a burglary between 08:00 and 16:00 adds 0.125 to each of 8 hours. A window of zero length
    puts its whole weight in one hour. A window of 7 days or more is spread evenly over all
    168 cells and flagged. The cells sum to the number of valid events.

    Parameters
    ----------
    events : DataFrame
        One row per event. Not mutated.
    start : str
        Column with the earliest time (datetime, or day-first strings ``dd/mm/yyyy HH:MM``).
    end : str or None
        Column with the latest time; ``None`` means every event has an exact time.
    missing_end : {"exclude", "start"}
        What to do with a row that has a start but no end: exclude it (listed in
        ``.excluded``) or treat the start as the exact time.
    spread : bool, default False
        A time column coarser than the hour (dates only, or data.police.uk months) cannot
        place an event in an hour and is refused. With ``spread=True`` each such time
        becomes a window covering its whole day, month or year, spread evenly like any
        window, and the notes say so: the chart then shows the calendar of those periods,
        not when crime happened.

    Returns
    -------
    ReportFrame
        7×24 frame (rows ``Mon``..``Sun``, columns hours 0..23) of summed weights. Extra
        attributes: ``excluded`` (rows left out, with ``reason``: missing start, missing end,
        unparseable start or end, end before start), ``flagged`` (rows used but with a window
        of 7 days or more, spread evenly) and ``notes`` (counts).

    Raises
    ------
    SchemaError
        A named column is missing, or its times are coarser than the hour (without
        ``spread``); the message names the column, its precision and what would work.
    ParameterError
        ``missing_end`` is not one of the allowed values.

    Examples
    --------
    >>> ev = pd.DataFrame({"from": ["06/01/2025 08:00"], "to": ["06/01/2025 16:00"]})
    >>> week = ib.geo.aoristic(ev, start="from", end="to")
    >>> week.loc["Mon", 8:16].round(3).tolist()
    [0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.125, 0.0]
    >>> float(week.to_numpy().sum())
    1.0
    """
    if missing_end not in ("exclude", "start"):
        raise ParameterError(
            f"missing_end must be one of ['exclude', 'start'], received {missing_end!r}"
        )
    s_col = require_column(events, start, "start")
    s_parsed, reason = parse_datetimes(s_col, "start")
    spread_note = ""
    if end is None:
        e_parsed = s_parsed
        e_col, e_name = s_col, start
    else:
        e_col, e_name = require_column(events, end, "end"), end
        e_parsed, e_reason = parse_datetimes(e_col, "end")
    # The end of each window (the start itself without an end) must be known to the hour.
    prec = time_precision(e_col, e_parsed)
    if prec.coarser_than("hour"):
        if not spread:
            require_precision(
                e_col, e_parsed, column=e_name, needs="hour", task="a day-by-hour chart",
                instead=(
                    "Use a force extract with from/to times (each window is spread over "
                    f"its hours), or pass spread=True to spread each {prec.level} evenly "
                    "over its days and hours (the chart then shows the calendar, not when "
                    "crime happened)."
                ),
            )
        e_parsed = next_unit(e_parsed, prec.level)
        spread_note = (
            f"column {e_name!r} gives times to the {prec.level} only, so each event was "
            f"spread evenly over its whole {prec.level} (spread=True): the chart shows the "
            f"calendar of those {prec.level}s, not when crime happened"
        )
    if end is not None:
        if missing_end == "start":
            no_end = e_reason == "missing end"
            e_parsed = e_parsed.where(~no_end, s_parsed)
            e_reason = e_reason.where(~no_end, "")
        reason = reason.where(reason != "", e_reason)
    s_ns = _to_ns(s_parsed)
    e_ns = _to_ns(e_parsed)
    valid = (reason == "").to_numpy().copy()
    backwards = valid & (e_ns < s_ns)
    reason[backwards] = "end before start"
    valid &= ~backwards

    s = s_ns[valid]
    span_ns = e_ns[valid] - s
    n = int(valid.sum())
    long = span_ns >= _NS_WEEK
    flat = np.zeros(168)
    flat += long.sum() / 168.0

    short = ~long
    a = ((s[short] - _MONDAY) % _NS_WEEK) / _NS_HOUR  # position in the week, hours
    span = span_ns[short] / _NS_HOUR
    zero = span == 0
    # zero span: the whole weight in the hour it falls in
    flat += np.bincount(np.floor(a[zero]).astype(np.int64) % 168, minlength=168)

    a, span = a[~zero], span[~zero]
    b = a + span
    wraps = b > 168
    # split wrapping windows into [a, 168] and [0, b - 168]; each piece carries weight
    # (length / span) spread at density 1 / span
    lo = np.concatenate([a, np.zeros(int(wraps.sum()))])
    hi = np.concatenate([np.minimum(b, 168.0), b[wraps] - 168.0])
    dens = np.concatenate([1.0 / span, 1.0 / span[wraps]])
    flat += _interval_mass(lo, hi, dens)

    matrix = ReportFrame(
        flat.reshape(7, 24),
        index=pd.Index(DAYS, name="day"),
        columns=pd.Index(range(24), name="hour"),
    )
    matrix.excluded = excluded_table(events, reason)
    flag = pd.Series("", index=events.index, dtype=object)
    flag.iloc[np.flatnonzero(valid)[long]] = "window of 7 days or more: spread evenly"
    matrix.flagged = excluded_table(events, flag)
    matrix.notes = [
        f"{n} events used, {len(matrix.excluded)} excluded",
        f"{int(long.sum())} events with a window of 7 days or more spread evenly over the week",
    ]
    if spread_note:
        matrix.notes.append(spread_note)
    return matrix


def _interval_mass(lo: np.ndarray, hi: np.ndarray, dens: np.ndarray) -> np.ndarray:
    """Mass that intervals [lo, hi] (in hours, 0 <= lo <= hi <= 168) put in each hour cell."""
    out = np.zeros(169)
    first = np.floor(lo).astype(np.int64)
    last = np.floor(hi).astype(np.int64)
    same = first == last
    # interval inside one cell
    out += np.bincount(first[same], weights=(hi[same] - lo[same]) * dens[same], minlength=169)
    f, la, lo_, hi_, d = first[~same], last[~same], lo[~same], hi[~same], dens[~same]
    # partial first and last cells
    out += np.bincount(f, weights=(f + 1 - lo_) * d, minlength=169)
    out += np.bincount(la, weights=(hi_ - la) * d, minlength=169)
    # full cells f+1 .. la-1 via a difference array
    diff = np.bincount(f + 1, weights=d, minlength=170) - np.bincount(la, weights=d, minlength=170)
    out += np.cumsum(diff)[:169]
    return out[:168]


def plot_day_hour(
    matrix: pd.DataFrame, *, title: str = "Day by hour", ax: Any = None, cmap: str = "YlOrRd"
) -> Any:
    """Draw a 7×24 day-by-hour matrix as a heatmap (matplotlib, imported here).

    Parameters
    ----------
    matrix : DataFrame
        7×24 frame such as the one :func:`aoristic` returns.
    title : str
        Chart title.
    ax : matplotlib Axes, optional
        Axes to draw on; a new figure is made if omitted.
    cmap : str
        Matplotlib colour map name.

    Returns
    -------
    matplotlib.figure.Figure
        The figure holding the heatmap.
    """
    import matplotlib

    if ax is None:
        from matplotlib.figure import Figure

        fig = Figure(figsize=(10, 3.6))
        ax = fig.add_subplot()
    else:
        fig = ax.figure
    values = np.asarray(matrix, dtype=float)
    if values.shape != (7, 24):
        raise ParameterError(f"matrix must be 7x24 (day by hour), received shape {values.shape}")
    im = ax.imshow(values, aspect="auto", cmap=matplotlib.colormaps[cmap], origin="upper")
    ax.set_yticks(range(7), [str(d) for d in matrix.index])
    ax.set_xticks(range(24), [f"{h:02d}" for h in range(24)], fontsize=8)
    ax.set_xlabel("hour of day")
    ax.set_title(title)
    fig.colorbar(im, ax=ax, label="events (aoristic weight)")
    fig.tight_layout()
    return fig


def trends(
    events: pd.DataFrame,
    date: str = "date",
    *,
    freq: Literal["W", "M"] = "M",
    start: Any = None,
    end: Any = None,
) -> ReportFrame:
    """Count events per week or month with mean ± 2 s.d. control limits and change.

    Parameters
    ----------
    events : DataFrame
        One row per event. Not mutated.
    date : str
        Date column (datetime, or day-first strings).
    freq : {"W", "M"}
        Weeks (Monday to Sunday) or calendar months.
    start, end : date-like, optional
        The period the data covers; default the first and last event date (for a
        ``period[M]`` column such as police.uk ``month``, the end of the last month).
        Periods not wholly inside it are marked ``complete=False`` and left out of the
        control limits.

    Raises
    ------
    SchemaError
        The date column is coarser than the frequency (weeks need dates to the day, months
        need months); the message names the column, its precision and what would work.

    Returns
    -------
    ReportFrame
        One row per period (empty periods included as 0): ``period``, ``start``, ``count``,
        ``complete``, ``mean``, ``lower``, ``upper`` (mean ± 2 s.d. of complete periods,
        lower floored at 0), ``flag`` (``"above"``, ``"below"`` or ``""``), ``change``
        and ``pct_change`` against the previous period. ``excluded`` lists rows without a
        usable date.

    Examples
    --------
    >>> ev = pd.DataFrame({"date": ["01/01/2025", "15/01/2025", "03/02/2025", None]})
    >>> t = ib.geo.trends(ev, freq="M", start="2025-01-01", end="2025-02-28")
    >>> t[["period", "count", "change"]]
        period  count  change
    0  2025-01      2     NaN
    1  2025-02      1    -1.0
    >>> t.excluded["reason"].tolist()
    ['missing date']
    """
    if freq not in ("W", "M"):
        raise ParameterError(f"freq must be one of ['W', 'M'], received {freq!r}")
    column = require_column(events, date, "date")
    parsed, reason = parse_datetimes(column, "date")
    ok = (reason == "").to_numpy().copy()
    if not ok.any():
        raise SchemaError(f"date: no row of column {date!r} has a usable date")
    prec = require_precision(
        column, parsed, column=date, needs="day" if freq == "W" else "month",
        task=f"{'weekly' if freq == 'W' else 'monthly'} trends (freq={freq!r})",
        instead=("Use freq='M' for monthly counts, or a force extract with offence dates "
                 "for weekly ones." if freq == "W" else
                 "Count by the periods the data has, or use a finer source."),
    )
    lo = _day(start, "start") if start is not None else parsed[ok].min().normalize()
    if end is not None:
        hi = _day(end, "end")
    elif isinstance(column.dtype, pd.PeriodDtype):  # months: the data cover the last month
        hi = pd.Timestamp(column.max().end_time).normalize()
    else:
        hi = parsed[ok].max().normalize()
    outside = ok & ((parsed < lo) | (parsed >= hi + pd.Timedelta(days=1))).to_numpy()
    reason[outside] = "date outside start/end"
    ok &= ~outside
    when = parsed[ok]
    pfreq = "W-SUN" if freq == "W" else "M"
    periods = pd.period_range(lo.to_period(pfreq), hi.to_period(pfreq), freq=pfreq)
    counts = when.dt.to_period(pfreq).value_counts().reindex(periods, fill_value=0)
    p_start = periods.start_time
    p_end = periods.end_time.normalize()
    complete = (p_start >= lo) & (p_end <= hi)
    out = ReportFrame(
        {
            "period": periods.astype(str),
            "start": p_start,
            "count": counts.to_numpy(dtype=np.int64),
            "complete": np.asarray(complete),
        }
    )
    base = out.loc[out["complete"], "count"] if out["complete"].any() else out["count"]
    mean = float(base.mean())
    sd = float(base.std(ddof=1)) if len(base) > 1 else 0.0
    out["mean"] = mean
    out["lower"] = max(mean - 2 * sd, 0.0)
    out["upper"] = mean + 2 * sd
    out["flag"] = np.where(out["count"] > out["upper"], "above",
                           np.where(out["count"] < mean - 2 * sd, "below", ""))
    out["change"] = out["count"].diff()
    prev = out["count"].shift(1)
    out["pct_change"] = np.where(prev > 0, out["change"] / prev.where(prev > 0) * 100, np.nan)
    out.excluded = excluded_table(events, reason)
    out.flagged = out.excluded.iloc[0:0]
    out.notes = [f"{int(ok.sum())} events counted, {len(out.excluded)} excluded",
                 f"column {date!r} gives times to the {prec.level} ({prec.why})"]
    return out


def _day(value: Any, parameter: str) -> pd.Timestamp:
    parsed, reason = parse_datetimes(pd.Series([value], dtype=object), parameter)
    if reason.iloc[0]:
        raise ParameterError(f"{parameter} must be a date, received {value!r}")
    return pd.Timestamp(parsed.iloc[0]).normalize()
