"""Private helpers shared by repeat.py, temporal.py and maps.py (geotime).

Reading event coordinates (GeoDataFrame points or x/y columns), checking the CRS, parsing UK
day-first date strings, and building the ``excluded`` table that lists every row left out of
an analysis with its reason, so nothing is dropped silently.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import CRSError, ParameterError, SchemaError

__all__ = [
    "BNG",
    "ReportFrame",
    "event_xy",
    "excluded_table",
    "parse_datetimes",
    "positive",
    "require_column",
]

BNG = "EPSG:27700"

# Formats tried in order for strings; UK day-first forms come before ISO.
_FORMATS = (
    "%d/%m/%Y %H:%M",
    "%d/%m/%Y %H:%M:%S",
    "%d/%m/%Y",
    "%d-%m-%Y %H:%M",
    "%d-%m-%Y",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%d %H:%M",
    "%Y-%m-%dT%H:%M:%S",
    "%Y-%m-%d",
    "%Y-%m",
)


class ReportFrame(pd.DataFrame):
    """A DataFrame that carries the rows an analysis left out (``excluded``) and notes."""

    _metadata = ["excluded", "flagged", "notes"]
    excluded: pd.DataFrame
    flagged: pd.DataFrame
    notes: list[str]

    @property
    def _constructor(self) -> type[ReportFrame]:
        return ReportFrame


def require_column(frame: pd.DataFrame, column: str, parameter: str) -> pd.Series:
    if column not in frame.columns:
        cols = ", ".join(map(str, list(frame.columns)[:20]))
        raise SchemaError(
            f"{parameter}={column!r}: no such column; the frame has columns [{cols}]"
        )
    return frame[column]


def parse_datetimes(values: pd.Series, parameter: str) -> tuple[pd.Series, pd.Series]:
    """Parse a column to naive datetime64[ns]; return (parsed, reason) with reason '' if ok.

    Strings are read day first (UK): ``03/04/2025`` is 3 April. Timezone-aware values keep
    their wall-clock time. Reasons are ``"missing <parameter>"`` or ``"unparseable
    <parameter>"``.
    """
    reason = pd.Series("", index=values.index, dtype=object)
    if isinstance(values.dtype, pd.PeriodDtype):  # police.uk months: the start of the month
        parsed = values.dt.to_timestamp()
    elif isinstance(values.dtype, pd.DatetimeTZDtype):
        parsed = values.dt.tz_localize(None)
    elif pd.api.types.is_datetime64_any_dtype(values.dtype):
        parsed = values
    else:
        raw = values.to_numpy(dtype=object)
        missing_arr = pd.isna(raw)
        text_arr = np.strings.strip(np.where(missing_arr, "", raw).astype(str))
        missing_arr |= np.isin(text_arr, ["", "NaT", "nan", "None"])
        missing = pd.Series(missing_arr, index=values.index)
        fast, fast_ok = _fast_uk(text_arr)
        parsed = pd.Series(fast, index=values.index, dtype="datetime64[ns]")
        todo = pd.Series(~missing_arr & ~fast_ok, index=values.index)
        text = pd.Series(
            np.where(todo.to_numpy(), text_arr, ""), index=values.index, dtype=object
        ) if todo.any() else pd.Series(dtype=object)
        for fmt in _FORMATS:
            if not todo.any():
                break
            got = pd.to_datetime(text[todo], format=fmt, errors="coerce")
            ok = got.notna()
            parsed.loc[got.index[ok]] = got[ok].astype("datetime64[ns]")
            todo.loc[got.index[ok]] = False
        if todo.any():  # anything else pandas can read, still day first
            rest = pd.to_datetime(text[todo], errors="coerce", dayfirst=True, format="mixed")
            if isinstance(rest.dtype, pd.DatetimeTZDtype):
                rest = rest.dt.tz_localize(None)
            ok = rest.notna()
            parsed.loc[rest.index[ok]] = rest[ok].astype("datetime64[ns]")
            todo.loc[rest.index[ok]] = False
        reason[todo] = f"unparseable {parameter}"
        reason[missing] = f"missing {parameter}"
        return parsed.astype("datetime64[ns]"), reason
    parsed = parsed.astype("datetime64[ns]")
    reason[parsed.isna()] = f"missing {parameter}"
    return parsed, reason


def _fast_uk(text: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Vectorised parse of ``dd/mm/yyyy``, ``dd/mm/yyyy HH:MM`` and ``dd/mm/yyyy HH:MM:SS``.

    Returns (datetime64[ns] with NaT where not parsed, mask of parsed). Invalid calendar
    dates (31/02) and out-of-range times are left unparsed for the slower path to reject.
    """
    n = text.size
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    done = np.zeros(n, dtype=bool)
    if n == 0:
        return out, done
    lengths = np.strings.str_len(text)
    for width in (10, 16, 19):
        sel = np.flatnonzero(lengths == width)
        if sel.size == 0:
            continue
        if sel.size == n and text.dtype == np.dtype(f"<U{width}"):
            sub = text  # every value has this width: no copy
        else:
            sub = text[sel].astype(f"U{width}")
        wide = sub.view(np.uint32).reshape(-1, width)
        ascii_ok = (wide < 128).all(axis=1)
        codes = wide.astype(np.uint8)
        digit_pos = [0, 1, 3, 4, 6, 7, 8, 9] + ([11, 12, 14, 15] if width >= 16 else [])
        digit_pos += [17, 18] if width == 19 else []
        seps = {2: 47, 5: 47}
        if width >= 16:
            seps.update({10: 32, 13: 58})
        if width == 19:
            seps[16] = 58
        good = ascii_ok.copy()
        for pos, code in seps.items():
            good &= codes[:, pos] == code
        dig = codes[:, digit_pos].astype(np.int16) - 48
        good &= ((dig >= 0) & (dig <= 9)).all(axis=1)
        col = {p: k for k, p in enumerate(digit_pos)}

        def num(*pos: int, dig: np.ndarray = dig, col: dict[int, int] = col) -> np.ndarray:
            v = np.zeros(dig.shape[0], dtype=np.int64)
            for p in pos:
                v = v * 10 + dig[:, col[p]].astype(np.int64)
            return v

        day, month, year = num(0, 1), num(3, 4), num(6, 7, 8, 9)
        hour = num(11, 12) if width >= 16 else np.zeros(sel.size, dtype=np.int64)
        minute = num(14, 15) if width >= 16 else np.zeros(sel.size, dtype=np.int64)
        second = num(17, 18) if width == 19 else np.zeros(sel.size, dtype=np.int64)
        good &= (month >= 1) & (month <= 12) & (day >= 1) & (day <= 31)
        good &= (hour <= 23) & (minute <= 59) & (second <= 59) & (year >= 1800) & (year <= 2200)
        months = ((year - 1970) * 12 + month - 1).astype("timedelta64[M]")
        first = np.datetime64("1970-01", "M") + np.where(good, months, 0)
        days = first.astype("datetime64[D]") + (np.where(good, day, 1) - 1).astype("timedelta64[D]")
        good &= days.astype("datetime64[M]") == first  # rejects 31/02 and friends
        stamp = (
            days.astype("datetime64[ns]")
            + (hour * 3600 + minute * 60 + second).astype("timedelta64[s]")
        )
        out[sel[good]] = stamp[good]
        done[sel[good]] = True
    return out, done


def excluded_table(frame: pd.DataFrame, reason: pd.Series) -> pd.DataFrame:
    """The rows of ``frame`` whose ``reason`` is not empty, with a ``reason`` column first."""
    bad = reason != ""
    out = frame.loc[bad.to_numpy()].copy()
    if "geometry" in out.columns:
        out = pd.DataFrame(out.drop(columns="geometry"))
    out.insert(0, "reason", reason[bad].to_numpy())
    return pd.DataFrame(out)


def _pick(frame: pd.DataFrame, given: str | None, candidates: Sequence[str], param: str) -> str:
    if given is not None:
        require_column(frame, given, param)
        return given
    for name in candidates:
        if name in frame.columns:
            return name
    raise SchemaError(
        f"{param}: frame has no geometry and none of the columns {list(candidates)}; "
        f"pass {param}=<column> (projected metres, e.g. EPSG:27700 eastings)"
    )


def event_xy(
    events: Any, *, x: str | None = None, y: str | None = None
) -> tuple[np.ndarray, pd.Series, list[str]]:
    """Return (xy float array n×2, reason per row, notes) for points or x/y columns.

    A GeoDataFrame must have a CRS; a geographic one is projected to EPSG:27700 (noted). A
    plain DataFrame needs x/y columns in projected metres (``x``/``y`` or
    ``easting``/``northing``). Rows with missing coordinates get a reason and NaN xy.
    """
    if not isinstance(events, pd.DataFrame):
        raise SchemaError(
            f"events: expected a GeoDataFrame or DataFrame, received {type(events).__name__}"
        )
    notes: list[str] = []
    reason = pd.Series("", index=events.index, dtype=object)
    geom_col = getattr(events, "_geometry_column_name", None)
    if geom_col is not None and geom_col in events.columns and x is None:
        geoms = events.geometry
        if events.crs is None:
            raise CRSError(
                "events: the GeoDataFrame has no CRS; set one (e.g. "
                "gdf.set_crs('EPSG:27700')) before analysis"
            )
        if events.crs.is_geographic:
            geoms = geoms.to_crs(BNG)
            notes.append(f"points were in {events.crs.to_string()} (degrees); projected to {BNG}")
        empty = (geoms.isna() | geoms.is_empty).to_numpy()
        types = geoms.geom_type.to_numpy()
        bad_type = ~empty & (types != "Point")
        if bad_type.any():
            kinds = sorted(set(types[bad_type]))
            raise SchemaError(
                f"events: geometry must be Point, received {kinds} in {int(bad_type.sum())} rows"
            )
        xy = np.full((len(events), 2), np.nan)
        ok = ~empty
        xy[ok, 0] = geoms.x.to_numpy()[ok]
        xy[ok, 1] = geoms.y.to_numpy()[ok]
        reason[empty] = "missing location"
        return xy, reason, notes
    xcol = _pick(events, x, ("x", "easting"), "x")
    ycol = _pick(events, y, ("y", "northing"), "y")
    xs = pd.to_numeric(events[xcol], errors="coerce").to_numpy(dtype=float)
    ys = pd.to_numeric(events[ycol], errors="coerce").to_numpy(dtype=float)
    xy = np.column_stack([xs, ys])
    reason[~np.isfinite(xy).all(axis=1)] = "missing location"
    return xy, reason, notes


def positive(value: float, parameter: str, sensible: str) -> float:
    try:
        v = float(value)
    except (TypeError, ValueError):
        raise ParameterError(f"{parameter} must be a number, received {value!r}") from None
    if not np.isfinite(v) or v <= 0:
        raise ParameterError(f"{parameter} must be positive ({sensible}), received {value!r}")
    return v
