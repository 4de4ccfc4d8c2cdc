"""Numbers and dates shown at the precision they carry, for ``_repr_html_`` and summaries.

A repr shows what an analyst reads off the screen, so it must not suggest more precision than
the number has: counts are whole numbers with thousands separators, scores and centralities
three significant figures, shares whole or one-decimal percentages, and dates at the
precision of the data (a data.police.uk month is ``Mar 2016``, never ``2016-03-01 00:00:00``).
Only the display changes: the stored values keep their full precision.

:func:`display_frame` applies these rules to a whole table, column by column, from its
declared roles (``frame.attrs["roles"]``) and its values; :func:`frame_html` renders it.
"""

from __future__ import annotations

import datetime as dt
import functools
import math
from collections.abc import Callable, Iterable, Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["column_formatter", "count", "date_text", "display_frame", "frame_html",
           "made_by_intelbench",
           "frame_html_or_default", "install", "is_missing", "notebook_frame_html", "num", "pct",
           "precision_formatters", "time_level"]

# at least this many distinct values must agree before "all on the 1st" reads as months
_MIN_DISTINCT = 3


def is_missing(value: Any) -> bool:
    """True for None and for what pandas counts as missing (NaN, NaT, NA); False otherwise.

    Examples
    --------
    >>> is_missing(None), is_missing(float("nan")), is_missing(0), is_missing([1, 2])
    (True, True, False, False)
    """
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


def num(value: Any, sig: int = 3) -> str:
    """A number to ``sig`` significant figures, thousands separated, never in exponent form.

    Whole numbers at or above ``10**sig`` keep their digits (1,234 stays 1,234); below
    0.0001 the exponent form is used (``1.5e-09``); missing is "".

    Examples
    --------
    >>> num(0.123456), num(12.3456), num(1234.5), num(0.00012345), num(2.0), num(float("nan"))
    ('0.123', '12.3', '1,234', '0.000123', '2', '')
    >>> num(1.5e-9)
    '1.5e-09'

    """
    if is_missing(value):
        return ""
    v = float(value)
    if math.isinf(v):
        return "\u221e" if v > 0 else "-\u221e"
    if v == 0:
        return "0"
    if abs(v) < 1e-4:
        mantissa, exponent = f"{v:.{sig - 1}e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{exponent}"
    digits = sig - 1 - math.floor(math.log10(abs(v)))
    if digits <= 0:
        return f"{round(v):,}"
    text = f"{round(v, digits):,.{digits}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def count(value: Any) -> str:
    """A count: a whole number with thousands separators ("" when missing).

    Examples
    --------
    >>> count(3290), count(12.0), count(None)
    ('3,290', '12', '')
    """
    if is_missing(value):
        return ""
    return f"{round(float(value)):,}"


def pct(value: Any, dp: int = 0) -> str:
    """A share (0-1) as a percentage with ``dp`` decimals ("" when missing).

    Examples
    --------
    >>> pct(0.4567), pct(0.4567, 1), pct(1.0)
    ('46%', '45.7%', '100%')
    """
    if is_missing(value):
        return ""
    return f"{float(value) * 100:.{dp}f}%"


def time_level(values: pd.Series) -> str:
    """The precision of a column of times: "month", "day", "minute" or "second".

    A ``period[M]`` column is months. Datetimes all at midnight on the 1st (with at least
    three distinct values) are months, all at midnight are days, whole minutes are minutes.

    Examples
    --------
    >>> time_level(pd.Series(pd.to_datetime(["2016-03-01", "2016-04-01", "2016-05-01"])))
    'month'
    >>> time_level(pd.Series(pd.to_datetime(["2016-03-01 08:30", "2016-03-02 00:00"])))
    'minute'
    """
    if isinstance(values.dtype, pd.PeriodDtype):
        code = values.dtype.freq.rule_code.split("-")[0]
        return {"M": "month", "ME": "month", "D": "day"}.get(code, "second")
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values
    else:
        parsed = pd.to_datetime(values, errors="coerce", format="mixed", utc=True)
    ok = parsed.dropna()
    if ok.empty:
        return "second"
    if isinstance(ok.dtype, pd.DatetimeTZDtype):
        ok = ok.dt.tz_convert("UTC").dt.tz_localize(None)
    ns = ok.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    if (ns % 10**9 != 0).any() or (ns % (60 * 10**9) != 0).any():
        return "second"
    if (ns % (86_400 * 10**9) != 0).any():
        return "minute"
    if (ok.dt.day == 1).all() and ok.nunique() >= _MIN_DISTINCT:
        return "month"
    return "day"


_FORMATS = {"month": "%b %Y", "day": "%Y-%m-%d", "minute": "%Y-%m-%d %H:%M",
            "second": "%Y-%m-%d %H:%M:%S"}


def date_text(value: Any, level: str = "day") -> str:
    """A date or time at the precision ``level`` ("month", "day", "minute", "second").

    A time with a time zone is shown in UTC, marked so.

    Examples
    --------
    >>> date_text(pd.Timestamp("2016-03-01"), "month")
    'Mar 2016'
    >>> date_text(pd.Timestamp("2026-11-27 15:49:46.123456", tz="UTC"), "second")
    '2026-11-27 15:49:46 UTC'
    >>> date_text("2016-03", "month"), date_text(None)
    ('Mar 2016', '')
    """
    if is_missing(value):
        return ""
    if isinstance(value, pd.Period):
        value = value.to_timestamp()
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError):
        return str(value)
    zone = ""
    if ts.tzinfo is not None:
        ts, zone = ts.tz_convert("UTC").tz_localize(None), " UTC"
    if isinstance(value, dt.date) and not isinstance(value, dt.datetime) and level != "month":
        level = "day"
    return ts.strftime(_FORMATS.get(level, _FORMATS["second"])) + (
        zone if level in ("minute", "second") else "")


def _whole(values: pd.Series) -> bool:
    v = pd.to_numeric(values, errors="coerce").dropna().to_numpy(dtype=float)
    return bool(len(v)) and bool(np.all(np.isfinite(v))) and bool(np.all(v == np.round(v)))


def column_formatter(
    frame: pd.DataFrame,
    col: Any,
    *,
    sig: int = 3,
    percent: Iterable[str] = (),
    percent_dp: int = 0,
    counts: Iterable[str] = (),
    months: Iterable[str] = (),
) -> Callable[[Any], str] | None:
    """The display function for one column (None: show the values as they are).

    The first rule that applies decides: ``percent`` (shares 0-1); ``months`` and time
    columns (at the precision of the column, see :func:`time_level`); booleans and text are
    left alone; ``counts``, integer columns, columns whose declared role is "count" and
    columns of whole numbers are counts; other numbers get ``sig`` significant figures.

    Examples
    --------
    >>> f = pd.DataFrame({"score": [0.123456], "n": [3290.0]})
    >>> column_formatter(f, "score")(0.123456), column_formatter(f, "n")(3290.0)
    ('0.123', '3,290')
    """
    s = frame[col]
    roles = frame.attrs.get("roles")
    role = roles.get(col) if isinstance(roles, dict) else None
    if col in set(percent):
        return functools.partial(pct, dp=percent_dp)
    if (col in set(months) or pd.api.types.is_datetime64_any_dtype(s)
            or isinstance(s.dtype, pd.PeriodDtype)):
        return functools.partial(date_text, level="month" if col in set(months)
                                 else time_level(s))
    if pd.api.types.is_bool_dtype(s):
        return None
    numeric = pd.api.types.is_numeric_dtype(s) or (
        s.dtype == object and len(s.dropna()) > 0
        and all(isinstance(v, float | np.floating) for v in s.dropna()))
    if not numeric:
        return None
    if (col in set(counts) or pd.api.types.is_integer_dtype(s) or role == "count"
            or _whole(s)):
        return count
    return functools.partial(num, sig=sig)


def display_frame(
    frame: pd.DataFrame,
    *,
    sig: int = 3,
    percent: Iterable[str] = (),
    percent_dp: int = 0,
    counts: Iterable[str] = (),
    months: Iterable[str] = (),
    formats: Mapping[Any, Callable[[Any], str]] | None = None,
) -> pd.DataFrame:
    """Return a copy of ``frame`` with every number and time as display text.

    ``formats`` (column -> function) overrides; every other column is shown as
    :func:`column_formatter` says.

    Examples
    --------
    >>> f = pd.DataFrame({"node": ["a"], "betweenness": [0.123456], "n": [1234],
    ...                   "month": pd.to_datetime(["2016-03-01"]), "share": [0.4567]})
    >>> display_frame(f, percent=["share"], months=["month"]).iloc[0].tolist()
    ['a', '0.123', '1,234', 'Mar 2016', '46%']
    """
    formats = dict(formats or {})
    out = frame.copy()
    out.attrs = {}
    for col in frame.columns:
        fn = formats.get(col) or column_formatter(
            frame, col, sig=sig, percent=percent, percent_dp=percent_dp, counts=counts,
            months=months)
        if fn is not None:
            out[col] = [fn(v) for v in frame[col]]
    return out


def frame_html(frame: pd.DataFrame, *, index: bool = False, **kwargs: Any) -> str:
    """HTML of :func:`display_frame` (escaped; extra keywords go to :func:`display_frame`).

    Examples
    --------
    >>> "0.333" in frame_html(pd.DataFrame({"score": [1 / 3]}))
    True
    """
    return display_frame(frame, **kwargs).to_html(index=index, escape=True, border=0)


# Columns that hold coordinates keep every digit they have: rounding them moves the point.
_COORDINATES = frozenset({"x", "y", "easting", "northing", "lat", "lon", "lng", "latitude",
                          "longitude", "east", "north"})


def precision_formatters(frame: pd.DataFrame) -> dict[Any, Callable[[Any], str]]:
    """Column -> display function for the columns whose shown precision should change.

    As :func:`column_formatter`, except that integer columns are left alone unless their
    declared role is "count" (a year or a row number is no count), and coordinate columns
    (``x``, ``easting``, ``lat`` ...) keep every digit.

    Examples
    --------
    >>> f = pd.DataFrame({"year": [2016], "x": [345678.25], "rate": [12.3456]})
    >>> {c: fn(f[c].iloc[0]) for c, fn in precision_formatters(f).items()}
    {'rate': '12.3'}
    """
    formatters: dict[Any, Callable[[Any], str]] = {}
    declared = frame.attrs.get("roles")
    roles: dict[Any, Any] = declared if isinstance(declared, dict) else {}
    for col in frame.columns:
        s = frame[col]
        if not isinstance(s, pd.Series) or str(col).lower() in _COORDINATES:
            continue
        if pd.api.types.is_integer_dtype(s) and roles.get(col) != "count":
            continue
        fn = column_formatter(frame, col)
        if fn is not None:
            formatters[col] = fn
    return formatters


def notebook_frame_html(frame: pd.DataFrame) -> str | None:
    """A frame's notebook HTML with numbers and times at the precision they carry.

    Used for every DataFrame an IPython session shows once intelbench is imported (see
    :func:`install`). Pandas' own layout (truncation, dimensions) is kept; only the cells are
    formatted, as :func:`column_formatter` says. Integer columns are left alone unless their
    declared role is "count" (a year or a row number is no count), and coordinate columns
    (``x``, ``easting``, ``lat`` ...) keep every digit.

    Examples
    --------
    >>> f = pd.DataFrame({"node": ["P-1"], "betweenness": [0.1234567], "year": [2016]})
    >>> page = notebook_frame_html(f)
    >>> "0.123" in page and "0.1234567" not in page and "2016" in page and "2,016" not in page
    True
    """
    formatters = precision_formatters(frame)
    default: Any = frame._repr_html_
    if (not formatters or getattr(frame, "_info_repr")()  # noqa: B009 - a column may be so named
            or not pd.get_option("display.notebook_repr_html")):
        out: str | None = default()
        return out
    import importlib

    fmt: Any = importlib.import_module("pandas.io.formats.format")

    formatter = fmt.DataFrameFormatter(
        frame, formatters=formatters, na_rep="NaN", escape=True, bold_rows=True,
        max_rows=pd.get_option("display.max_rows"), min_rows=pd.get_option("display.min_rows"),
        max_cols=pd.get_option("display.max_columns"),
        show_dimensions=pd.get_option("display.show_dimensions"))
    html: str = fmt.DataFrameRenderer(formatter).to_html(notebook=True)
    return html


def made_by_intelbench(frame: Any) -> bool:
    """Whether a frame came from the workbench (it carries column roles or an intelbench mark).

    Only such frames are shown at their precision; any other frame keeps pandas' display.

    Examples
    --------
    >>> made_by_intelbench(pd.DataFrame({"a": [1.23456]}))
    False
    >>> f = pd.DataFrame({"a": [1.23456]}); f.attrs["roles"] = {"a": "statistic"}
    >>> made_by_intelbench(f)
    True
    """
    attrs = getattr(frame, "attrs", None) or {}
    return any(k == "roles" or str(k).startswith("intelbench") or k in ("intake", "xy", "notes")
               for k in attrs)


def frame_html_or_default(frame: Any) -> str | None:
    if not made_by_intelbench(frame):  # an analyst's own frame keeps pandas' display
        out0: str | None = frame._repr_html_()
        return out0
    try:
        return notebook_frame_html(frame)
    except Exception:  # a display must never break the notebook
        out: str | None = frame._repr_html_()
        return out


def install(shell: Any = None, *, on: bool = True) -> bool:
    """Show the workbench's DataFrames in IPython at the precision they carry (or stop).

    Only frames that carry column roles or an intelbench mark in ``attrs`` change; any
    other frame is shown by pandas as before.

    ``import intelbench`` calls this when it runs inside IPython. The stored values are
    never changed; ``install(on=False)`` brings pandas' own display back.

    Returns
    -------
    bool
        True when a session was found (and the display changed).
    """
    if shell is None:
        ipython = __import__("sys").modules.get("IPython")
        shell = ipython.get_ipython() if ipython is not None else None
    if shell is None:
        return False
    html = shell.display_formatter.formatters["text/html"]
    if on:
        html.for_type(pd.DataFrame, frame_html_or_default)
    else:
        html.type_printers.pop(pd.DataFrame, None)
        for module in ("pandas", "pandas.core.frame"):
            html.deferred_printers.pop((module, "DataFrame"), None)
    return True
