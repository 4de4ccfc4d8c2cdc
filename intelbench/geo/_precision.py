"""The precision of a time column, and refusals in words when it is too coarse.

Events carry the precision of their time: data.police.uk gives only a month, force extracts
give a window (from/to) or an exact time. A helper that needs hours (day-by-hour charts),
days (near repeat) or weeks (weekly trends) checks the column first and refuses, naming the
column, its precision and what would work instead.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from intelbench.exceptions import SchemaError

__all__ = ["LEVELS", "Precision", "next_unit", "require_precision", "time_precision"]

#: Precision levels from the finest to the coarsest.
LEVELS = ("second", "minute", "hour", "day", "month", "quarter", "year")

_PERIOD_LEVEL = {"s": "second", "min": "minute", "h": "hour", "D": "day", "M": "month",
                 "Q": "quarter", "Y": "year", "A": "year", "W": "day"}
_NS = {"second": 10**9, "minute": 60 * 10**9, "hour": 3600 * 10**9, "day": 86400 * 10**9}
# With fewer distinct values than this, "every value is at midnight" is not taken as dates
# only (a handful of exact times can fall at midnight by chance).
_MIN_DISTINCT = 5


@dataclass(frozen=True)
class Precision:
    """How precisely a column places events in time.

    Attributes
    ----------
    level : str
        One of :data:`LEVELS`.
    why : str
        What the level was read from (the dtype, or what every value has in common).
    """

    level: str
    why: str

    def coarser_than(self, level: str) -> bool:
        """Return True when this precision is coarser than ``level``."""
        return LEVELS.index(self.level) > LEVELS.index(level)


def time_precision(values: pd.Series, parsed: pd.Series | None = None) -> Precision:
    """Read the precision of a time column from its dtype or its values.

    A ``period`` column has the precision of its frequency (data.police.uk ``month`` is
    ``period[M]``). Otherwise the parsed datetimes decide: seconds present means
    "second", whole minutes "minute", whole hours "hour"; all at midnight means "day"; all
    at midnight on the 1st of a month means "month", and on 1 January "year" (the
    last three only when at least five distinct values agree).

    Parameters
    ----------
    values : pandas.Series
        The column as given.
    parsed : pandas.Series, optional
        The same column parsed to datetime64 (``_events.parse_datetimes``).

    Returns
    -------
    Precision

    Examples
    --------
    >>> time_precision(pd.Series(pd.period_range("2016-01", periods=3, freq="M"))).level
    'month'
    >>> time_precision(pd.Series(pd.to_datetime(["2025-01-06 08:30", "2025-01-07 00:00"]))).level
    'minute'
    """
    if isinstance(values.dtype, pd.PeriodDtype):
        code = values.dtype.freq.rule_code.split("-")[0]
        level = _PERIOD_LEVEL.get(code.rstrip("E").rstrip("S") or code, "day")
        return Precision(level, f"{values.dtype} values")
    if parsed is None:
        from intelbench.geo._events import parse_datetimes

        parsed = parse_datetimes(values, "time")[0]
    ok = parsed.dropna()
    if ok.empty:
        return Precision("second", "no usable values")
    if isinstance(ok.dtype, pd.DatetimeTZDtype):
        ok = ok.dt.tz_localize(None)
    ns = ok.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return _finer(ns, ok)


def _finer(ns: np.ndarray, ok: pd.Series | None = None) -> Precision:
    if (ns % _NS["second"] != 0).any():
        return Precision("second", "values with fractions of a second")
    if (ns % _NS["minute"] != 0).any():
        return Precision("second", "values with seconds")
    if (ns % _NS["hour"] != 0).any():
        return Precision("minute", "values with minutes")
    if (ns % _NS["day"] != 0).any():
        return Precision("hour", "every value on the hour")
    if len(np.unique(ns)) < _MIN_DISTINCT:
        return Precision("hour", f"every value at midnight, but fewer than {_MIN_DISTINCT} "
                                 "distinct values: too few to call them dates only")
    if ok is None:
        ok = pd.Series(ns.astype("datetime64[ns]"))
    days = ok.dt.day.to_numpy()
    months = ok.dt.month.to_numpy()
    if (days == 1).all():
        if (months == 1).all():
            return Precision("year", "every value at midnight on 1 January")
        return Precision("month", "every value at midnight on the 1st of a month")
    return Precision("day", "every value at midnight (dates without times)")


def next_unit(times: pd.Series, level: str) -> pd.Series:
    """The start of the next day, month, quarter or year after each time (for spreading)."""
    if level == "day":
        return times + pd.Timedelta(days=1)
    freq = {"month": "M", "quarter": "Q", "year": "Y"}[level]
    return (times.dt.to_period(freq) + 1).dt.to_timestamp()


def require_precision(
    values: pd.Series,
    parsed: pd.Series,
    *,
    column: str,
    needs: str,
    task: str,
    instead: str,
) -> Precision:
    """Refuse, in words, a time column coarser than ``needs``; return its precision.

    Raises
    ------
    SchemaError
        Naming the column, its precision (and what it was read from), what the task needs
        and what would work instead.
    """
    prec = time_precision(values, parsed)
    if prec.coarser_than(needs):
        raise SchemaError(
            f"column {column!r} gives times to the {prec.level} only ({prec.why}); "
            f"{task} needs times to the {needs} or finer. {instead}"
        )
    return prec
