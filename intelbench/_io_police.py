"""The data.police.uk street CSV reader behind :func:`intelbench.io.read_police_uk`."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench._io_common import collect_files, read_header, sniff_text
from intelbench.exceptions import SchemaError

__all__ = ["POLICE_UK_COLUMNS", "SNAKE_COLUMNS", "read_police_uk_frames"]

POLICE_UK_COLUMNS = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]
SNAKE_COLUMNS = [
    "crime_id", "month", "reported_by", "falls_within", "longitude", "latitude", "location",
    "lsoa_code", "lsoa_name", "crime_type", "last_outcome_category", "context",
]
_CATS = [c for c in POLICE_UK_COLUMNS if c != "Crime ID"]


def _header_difference(got: list[str]) -> str:
    missing = [c for c in POLICE_UK_COLUMNS if c not in got]
    extra = [c for c in got if c not in POLICE_UK_COLUMNS]
    parts = []
    if missing:
        parts.append(f"missing {missing}")
    if extra:
        parts.append(f"unexpected {extra}")
    if not parts:
        if len(got) != len(set(got)):
            dup = sorted({c for c in got if got.count(c) > 1})
            parts.append(f"duplicated {dup}")
        else:
            parts.append(f"columns in a different order: got {got}")
    return "; ".join(parts)


def _read_one(path: Path) -> pd.DataFrame:
    enc = sniff_text(path)
    got = read_header(path, enc)
    if got != POLICE_UK_COLUMNS:
        raise SchemaError(
            f"{path}: the header does not match the 12 data.police.uk street columns "
            f"({', '.join(POLICE_UK_COLUMNS)}): {_header_difference(got)}"
        )
    dtype: dict[str, Any] = {c: "category" for c in _CATS}
    dtype["Crime ID"] = object
    try:
        df = pd.read_csv(
            path, dtype=dtype, encoding=enc, engine="c", keep_default_na=False,
            na_values=[""], skip_blank_lines=False, on_bad_lines="error",
        )
    except (pd.errors.ParserError, UnicodeDecodeError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        raise SchemaError(f"{path}: cannot be read as a data.police.uk CSV: {msg}") from None
    return df


def _union(frames: list[pd.DataFrame], col: str) -> pd.Categorical:
    from pandas.api.types import union_categoricals

    return union_categoricals([f[col].array for f in frames], sort_categories=False)


def _numeric(cat: pd.Categorical) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Values, blank mask and unparseable mask of a categorical of numbers written as text."""
    values = pd.to_numeric(pd.Series(cat.categories, dtype=object), errors="coerce"
                           ).to_numpy(dtype=float)
    codes = np.asarray(cat.codes)
    out = np.append(values, np.nan)[codes]  # code -1 (blank) picks the NaN sentinel
    blank = codes < 0
    bad = ~blank & np.isnan(out)
    return out, blank, bad


def read_police_uk_frames(path: str | Path | Iterable[str | Path]
                          ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Read street CSVs; return (kept rows with x/y, excluded rows, facts for the report)."""
    files = collect_files(path)
    frames = [_read_one(f) for f in files]
    n = [len(f) for f in frames]
    file_idx = np.repeat(np.arange(len(files), dtype=np.int32), n)
    line = np.concatenate([np.arange(k, dtype=np.int64) + 2 for k in n]) if n else np.zeros(0)
    data: dict[str, Any] = {}
    data["Crime ID"] = np.concatenate([f["Crime ID"].to_numpy(dtype=object) for f in frames])
    for col in _CATS:
        data[col] = _union(frames, col)
    del frames
    raw = pd.DataFrame(data, columns=POLICE_UK_COLUMNS, copy=False)
    blank_row = np.ones(len(raw), dtype=bool)
    for col in _CATS:
        blank_row &= np.asarray(raw[col].array.codes) < 0
    blank_row &= pd.isna(raw["Crime ID"]).to_numpy()
    lon, lon_blank, lon_bad = _numeric(raw["Longitude"].array)
    lat, lat_blank, lat_bad = _numeric(raw["Latitude"].array)
    mcat = raw["Month"].array
    mvals = pd.to_datetime(pd.Series(mcat.categories, dtype=object), format="%Y-%m",
                           errors="coerce")
    mcodes = np.asarray(mcat.codes)
    month_ok = (mcodes >= 0) & ~np.append(pd.isna(mvals.to_numpy()), True)[mcodes]
    reason = np.full(len(raw), "", dtype=object)
    reason[~month_ok] = "bad month"
    out_of_range = (np.abs(lon) > 180) | (np.abs(lat) > 90)
    reason[(lon_bad | lat_bad | out_of_range) & (reason == "")] = "bad coordinates"
    reason[(lon == 0) & (lat == 0) & (reason == "")] = "zero coordinates"
    reason[(lon_blank | lat_blank) & (reason == "")] = "no location"
    reason[blank_row] = "blank line"
    keep = reason == ""
    excluded = raw.loc[~keep & ~blank_row].astype(object)
    excluded.insert(0, "reason", reason[~keep & ~blank_row])
    excluded.insert(0, "line", line[~keep & ~blank_row])
    excluded.insert(0, "file", [str(files[i]) for i in file_idx[~keep & ~blank_row]])
    excluded = excluded.reset_index(drop=True)
    kept = raw.loc[keep].reset_index(drop=True)
    kept.columns = SNAKE_COLUMNS
    periods = pd.PeriodIndex(mvals.dt.to_period("M"))
    kept["month"] = pd.Series(periods.take(mcodes[keep]), dtype="period[M]").array
    kept["longitude"] = lon[keep]
    kept["latitude"] = lat[keep]
    kept["crime_id"] = kept["crime_id"].astype("str")
    lon_codes = np.asarray(raw["Longitude"].array.codes)[keep]
    lat_codes = np.asarray(raw["Latitude"].array.codes)[keep]
    facts = {
        "files": [str(f) for f in files],
        "rows_read": int(len(raw) - blank_row.sum()),
        "blank_lines": int(blank_row.sum()),
    }
    x, y = _to_bng(kept["longitude"].to_numpy(), kept["latitude"].to_numpy(),
                   lon_codes.astype(np.int64) * (int(lat_codes.max(initial=0)) + 1) + lat_codes)
    kept["_x"], kept["_y"] = x, y
    return kept, excluded, facts


def _to_bng(lon: np.ndarray, lat: np.ndarray, key: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transform WGS84 lon/lat to British National Grid, once per distinct point (key)."""
    from pyproj import Transformer

    if len(lon) == 0:
        return np.zeros(0), np.zeros(0)
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    x, y = tr.transform(lon[first], lat[first])
    inverse = inverse.reshape(-1)
    return np.asarray(x)[inverse], np.asarray(y)[inverse]
