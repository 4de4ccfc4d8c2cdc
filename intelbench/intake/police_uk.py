"""The data.police.uk street CSV reader behind :func:`intelbench.intake.read_police_uk`."""

from __future__ import annotations

import threading
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.intake._common import (
    NUL_REASON,
    NotNumberError,
    collect_files,
    has_nul,
    read_csv_text,
    read_header,
    sniff_text,
)

__all__ = [
    "GB_BOUNDS",
    "OUTCOME_COLUMNS",
    "POLICE_UK_COLUMNS",
    "SNAKE_COLUMNS",
    "find_outcomes",
    "read_outcomes",
    "read_police_uk_frames",
]

POLICE_UK_COLUMNS = [
    "Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude", "Location",
    "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context",
]
SNAKE_COLUMNS = [
    "crime_id", "month", "reported_by", "falls_within", "longitude", "latitude", "location",
    "lsoa_code", "lsoa_name", "crime_type", "last_outcome_category", "context",
]
_TEXT = [c for c in POLICE_UK_COLUMNS if c not in ("Crime ID", "Longitude", "Latitude")]
OUTCOME_COLUMNS = [*POLICE_UK_COLUMNS[:9], "Outcome type"]
#: (lon_min, lat_min, lon_max, lat_max) of Great Britain and Northern Ireland with a margin:
#: data.police.uk covers England, Wales and Northern Ireland.
GB_BOUNDS = (-8.75, 49.8, 1.9, 60.95)


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


def _read_one(path: Path) -> tuple[pd.DataFrame, np.ndarray, np.ndarray, np.ndarray]:
    """Read one file: frame, bad-number masks and the rows holding a NUL byte.

    Text is read as categories and coordinates as floats.
    """
    enc = sniff_text(path)
    if has_nul(path):
        return _read_with_nul(path, enc)
    got = read_header(path, enc)
    if got != POLICE_UK_COLUMNS:
        raise SchemaError(
            f"{path}: the header does not match the 12 data.police.uk street columns "
            f"({', '.join(POLICE_UK_COLUMNS)}): {_header_difference(got)}"
        )
    dtype: dict[str, Any] = {c: "category" for c in _TEXT}
    dtype["Crime ID"] = object
    kw: dict[str, Any] = {"keep_default_na": False, "na_values": [""],
                          "skip_blank_lines": False, "low_memory": False}
    try:  # fast path: coordinates parsed as numbers by the C parser
        df = read_csv_text(path, enc, "a data.police.uk CSV",
                           dtype={**dtype, "Longitude": "float64", "Latitude": "float64"}, **kw)
        no_bad = np.zeros(len(df), dtype=bool)
        return df, no_bad, no_bad, no_bad
    except NotNumberError:
        pass
    df, lon_bad, lat_bad = _read_text_coordinates(path, enc)
    return df, lon_bad, lat_bad, np.zeros(len(df), dtype=bool)


def _read_text_coordinates(path: Path, enc: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Read coordinates as text (the slow path); mask those that do not parse."""
    dtype: dict[str, Any] = {c: "category" for c in _TEXT}
    dtype["Crime ID"] = object
    df = read_csv_text(path, enc, "a data.police.uk CSV",
                       dtype={**dtype, "Longitude": object, "Latitude": object},
                       keep_default_na=False, na_values=[""], skip_blank_lines=False,
                       low_memory=False)
    bad = []
    for col in ("Longitude", "Latitude"):
        text = df[col]
        num = pd.to_numeric(text, errors="coerce")
        bad.append((text.notna() & num.isna()).to_numpy())
        df[col] = num.astype("float64")
    return df, bad[0], bad[1]


def _read_with_nul(path: Path, enc: str) -> tuple[pd.DataFrame, np.ndarray, np.ndarray,
                                                  np.ndarray]:
    """Read a file with NUL bytes in some rows as text, and mark those rows."""
    dtype: dict[str, Any] = {c: "category" for c in _TEXT}
    dtype.update({"Crime ID": object, "Longitude": object, "Latitude": object})
    df = read_csv_text(path, enc, "a data.police.uk CSV", dtype=dtype, keep_default_na=False,
                       na_values=[""], skip_blank_lines=False, low_memory=False)
    nul = np.zeros(len(df), dtype=bool)
    for col in df.columns:
        values = df[col]
        if isinstance(values.dtype, pd.CategoricalDtype):
            cats = values.cat.categories.astype(str).str.contains("\x00", regex=False)
            nul |= np.append(np.asarray(cats), False)[np.asarray(values.array.codes)]
        else:
            nul |= values.astype(str).str.contains("\x00", regex=False).to_numpy() & \
                values.notna().to_numpy()
    bad = []
    for col in ("Longitude", "Latitude"):
        text = df[col]
        num = pd.to_numeric(text, errors="coerce")
        bad.append((text.notna() & num.isna()).to_numpy() & ~nul)
        df[col] = num.astype("float64")
    return df, bad[0], bad[1], nul


def _union(frames: list[pd.DataFrame], col: str) -> pd.Categorical:
    from pandas.api.types import union_categoricals

    cats = [f[col].array for f in frames]
    if len({str(c.categories.dtype) for c in cats}) > 1:
        # pandas may infer numeric categories in one file and text in another
        cats = [c.rename_categories(c.categories.astype(str)) for c in cats]
    return union_categoricals(cats, sort_categories=False)


def read_police_uk_frames(path: str | Path | Iterable[str | Path]
                          ) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Read street CSVs; return (kept rows with x/y, excluded rows, facts for the report)."""
    files = collect_files(path)
    parts = [_read_one(f) for f in files]
    frames = [p[0] for p in parts]
    lon_bad = np.concatenate([p[1] for p in parts])
    lat_bad = np.concatenate([p[2] for p in parts])
    nul = np.concatenate([p[3] for p in parts])
    n = [len(f) for f in frames]
    file_idx = np.repeat(np.arange(len(files), dtype=np.int32), n)
    line = np.concatenate([np.arange(k, dtype=np.int64) + 2 for k in n])
    data: dict[str, Any] = {}
    data["Crime ID"] = np.concatenate([f["Crime ID"].to_numpy(dtype=object) for f in frames])
    for col in ("Longitude", "Latitude"):
        data[col] = np.concatenate([f[col].to_numpy(dtype=float) for f in frames])
    for col in _TEXT:
        data[col] = _union(frames, col)
    del frames, parts
    raw = pd.DataFrame(data, columns=POLICE_UK_COLUMNS, copy=False)
    lon, lat = data["Longitude"], data["Latitude"]
    blank_row = np.isnan(lon) & np.isnan(lat) & ~lon_bad & ~lat_bad
    for col in _TEXT:
        blank_row &= np.asarray(raw[col].array.codes) < 0
    blank_row &= pd.isna(raw["Crime ID"]).to_numpy()
    mcat = raw["Month"].array
    mvals = pd.to_datetime(pd.Series(mcat.categories, dtype=object), format="%Y-%m",
                           errors="coerce")
    mcodes = np.asarray(mcat.codes)
    month_ok = (mcodes >= 0) & ~np.append(pd.isna(mvals.to_numpy()), True)[mcodes]
    reason = np.full(len(raw), "", dtype=object)
    reason[~month_ok] = "bad month"
    repeats = _repeats(raw, files, file_idx, mcodes, reason, blank_row)
    with np.errstate(invalid="ignore"):
        out_of_range = (np.abs(lon) > 180) | (np.abs(lat) > 90)
        lo0, la0, lo1, la1 = GB_BOUNDS
        in_gb = (lon >= lo0) & (lon <= lo1) & (lat >= la0) & (lat <= la1)
        swapped = (lat >= lo0) & (lat <= lo1) & (lon >= la0) & (lon <= la1)
    reason[(lon_bad | lat_bad | out_of_range) & (reason == "")] = "bad coordinates"
    reason[(lon == 0) & (lat == 0) & (reason == "")] = "zero coordinates"
    reason[(np.isnan(lon) | np.isnan(lat)) & (reason == "")] = "no location"
    reason[swapped & (reason == "")] = "latitude and longitude swapped"
    reason[~in_gb & (reason == "")] = "outside Great Britain"
    no_type = np.asarray(raw["Crime type"].array.codes) < 0
    reason[no_type & (reason == "")] = "missing crime type"
    reason[nul & ~blank_row] = NUL_REASON
    reason[blank_row] = "blank line"
    keep = reason == ""
    out = ~keep & ~blank_row
    excluded = raw.loc[out].astype(object)
    excluded.insert(0, "reason", reason[out])
    excluded.insert(0, "line", line[out])
    excluded.insert(0, "file", [str(files[i]) for i in file_idx[out]])
    excluded = excluded.reset_index(drop=True)
    kept = raw.loc[keep].reset_index(drop=True)
    kept.columns = SNAKE_COLUMNS
    periods = pd.PeriodIndex(mvals.dt.to_period("M"))
    kept["month"] = pd.Series(periods.take(mcodes[keep]), dtype="period[M]").array
    kept["crime_id"] = kept["crime_id"].astype("str")
    facts = {
        "files": [str(f) for f in files],
        "rows_read": int(len(raw) - blank_row.sum()),
        "blank_lines": int(blank_row.sum()),
        **repeats,
    }
    x, y = _to_bng(kept["longitude"].to_numpy(), kept["latitude"].to_numpy())
    kept["_x"], kept["_y"] = x, y
    facts["street_files"] = files
    return kept, excluded, facts


def _repeats(raw: pd.DataFrame, files: list[Path], file_idx: np.ndarray, mcodes: np.ndarray,
             reason: np.ndarray, blank_row: np.ndarray) -> dict[str, Any]:
    """Mark rows read twice (in place in ``reason``); return what was found for the report.

    A month of a force that an earlier file already held is a repeat, whole (archives
    repeat months). A Crime ID already read from another file is a repeat. Rows repeated
    within one file stay: anti-social behaviour rows have no Crime ID and identical rows are
    separate incidents, and a Crime ID twice in one file with different details cannot be
    resolved here (counted in the report, both kept).
    """
    fcodes = np.asarray(raw["Falls within"].array.codes).astype(np.int64)
    key = mcodes.astype(np.int64) * (int(fcodes.max(initial=0)) + 2) + fcodes + 1
    live = ~blank_row
    first_file = pd.Series(file_idx[live]).groupby(key[live]).transform("min").to_numpy()
    rep_month = np.zeros(len(raw), dtype=bool)
    rep_month[live] = file_idx[live] != first_file
    months: list[dict[str, Any]] = []
    if rep_month.any():
        grp = pd.DataFrame({"file": file_idx[rep_month], "first": first_file[
            rep_month[live]], "month": raw["Month"].to_numpy()[rep_month],
            "force": raw["Falls within"].to_numpy()[rep_month]})
        counted = grp.groupby(["file", "first", "month", "force"], sort=False).size()
        table = counted.reset_index(name="rows")
        for f, first, month, force, n in zip(
                table["file"].to_numpy(dtype=np.int64), table["first"].to_numpy(dtype=np.int64),
                table["month"].astype(str), table["force"].astype(str),
                table["rows"].to_numpy(dtype=np.int64), strict=True):
            months.append({"file": str(files[f]), "month": month, "force": force,
                           "rows": int(n), "first_read_from": str(files[first])})
    reason[rep_month & (reason == "")] = "repeated month"
    ids = raw["Crime ID"].to_numpy(dtype=object)
    has_id = live & ~rep_month & ~pd.isna(ids)
    id_first = pd.Series(file_idx[has_id]).groupby(ids[has_id]).transform("min").to_numpy()
    rep_id = np.zeros(len(raw), dtype=bool)
    rep_id[has_id] = file_idx[has_id] != id_first
    reason[rep_id & (reason == "")] = "repeated Crime ID"
    within = pd.Series(ids[has_id & ~rep_id]).duplicated(keep=False)
    return {
        "repeated_months": months,
        "repeated_ids": int(rep_id.sum()),
        "ids_twice_in_a_file": int(pd.Series(ids[has_id & ~rep_id])[within.to_numpy()]
                                   .nunique()),
    }


def find_outcomes(path: str | Path | Iterable[str | Path], street: list[Path]) -> list[Path]:
    """Outcomes files beside the street files: in the folders given, or named alike."""
    items = [path] if isinstance(path, str | Path) else list(path)
    found: list[Path] = []
    for item in items:
        p = Path(item)
        if p.is_dir():
            found.extend(sorted(f for f in p.rglob("*-outcomes.csv") if f.is_file()))
    for f in street:
        if f.name.endswith("-street.csv"):
            twin = f.with_name(f.name[: -len("-street.csv")] + "-outcomes.csv")
            if twin.is_file():
                found.append(twin)
    unique: dict[Path, Path] = {}
    for f in found:
        unique.setdefault(f.resolve(), f)
    return list(unique.values())


def read_outcomes(files: list[Path]) -> tuple[pd.DataFrame, dict[str, Any]]:
    """Read ``*-outcomes.csv`` files; return the latest outcome per Crime ID and facts.

    The latest outcome is the one of the latest month (the last row read wins within a
    month). Columns: ``crime_id``, ``outcome``, ``outcome_month`` (``period[M]``).
    """
    frames = []
    for path in files:
        enc = sniff_text(path)
        got = read_header(path, enc)
        if got != OUTCOME_COLUMNS:
            raise SchemaError(
                f"{path}: the header does not match the 10 data.police.uk outcomes columns "
                f"({', '.join(OUTCOME_COLUMNS)}); got {got}"
            )
        df = read_csv_text(path, enc, "a data.police.uk outcomes CSV",
                           usecols=["Crime ID", "Month", "Outcome type"], dtype=str,
                           keep_default_na=False, na_values=[""])
        frames.append(df)
    all_rows = pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(
        columns=["Crime ID", "Month", "Outcome type"])
    rows = len(all_rows)
    ok = all_rows["Crime ID"].notna() & all_rows["Month"].notna()
    good = all_rows[ok].reset_index(drop=True)
    good["order"] = np.arange(len(good))
    latest = (good.sort_values(["Month", "order"], kind="stable")
              .drop_duplicates("Crime ID", keep="last"))
    out = pd.DataFrame({
        "crime_id": latest["Crime ID"].to_numpy(),
        "outcome": latest["Outcome type"].to_numpy(),
        "outcome_month": pd.PeriodIndex(latest["Month"], freq="M"),
    })
    facts = {"outcome_files": [str(f) for f in files], "outcome_rows": rows,
             "outcome_rows_unusable": int((~ok).sum()), "outcome_ids": len(out)}
    return out, facts


_LOCAL = threading.local()


def _transformer() -> Any:
    """WGS84 -> British National Grid, made once per thread (making one takes ~60 ms)."""
    tr = getattr(_LOCAL, "bng", None)
    if tr is None:
        from pyproj import Transformer

        tr = _LOCAL.bng = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    return tr


def _distinct_points(lon: np.ndarray, lat: np.ndarray
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray | None]:
    """Return (codes, first, key): each row's distinct point, each point's first row and key.

    The points are factorised on a 64-bit mix of the two coordinates' bits (``key``), then
    checked: if two different points shared a key, the slower exact factorisation is used
    and ``key`` is None.
    """
    bits_x = np.ascontiguousarray(lon, dtype=np.float64).view(np.uint64)
    bits_y = np.ascontiguousarray(lat, dtype=np.float64).view(np.uint64)
    with np.errstate(over="ignore"):
        mixed = bits_x * np.uint64(0x9E3779B97F4A7C15) ^ (bits_y + np.uint64(0x632BE59BD9B4E019))
    codes, uniq = pd.factorize(mixed)
    first = np.empty(int(codes.max()) + 1, dtype=np.int64)
    first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
    key: np.ndarray | None = np.asarray(uniq, dtype=np.uint64)
    if not ((bits_x[first][codes] == bits_x).all() and (bits_y[first][codes] == bits_y).all()):
        lon_code, _ = pd.factorize(lon)
        lat_code, lat_uniq = pd.factorize(lat)
        codes, _ = pd.factorize(lon_code.astype(np.int64) * len(lat_uniq) + lat_code)
        first = np.empty(int(codes.max()) + 1, dtype=np.int64)
        first[codes[::-1]] = np.arange(len(codes) - 1, -1, -1)
        key = None
    return codes, first, key


def _to_bng(lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Transform WGS84 lon/lat to British National Grid, once per distinct point."""
    return _BngPoints()(lon, lat)


class _BngPoints:
    """WGS84 lon/lat to British National Grid x/y, transforming each distinct point once.

    Calls share what earlier calls transformed, so the many batches of one large intake,
    which mostly repeat the same snap points, transform each point once in all.

    Examples
    --------
    >>> bng = _BngPoints()
    >>> x, y = bng(np.array([-1.5, -1.5]), np.array([53.0, 53.0]))
    >>> [round(float(v)) for v in (*x, *y)], len(bng)
    ([433653, 433653, 344859, 344859], 1)
    """

    def __init__(self) -> None:
        self._key = pd.Index(np.zeros(0, dtype=np.uint64))
        self._bits = np.zeros((0, 2), dtype=np.uint64)
        self._xy = np.zeros((0, 2))

    def __len__(self) -> int:
        return len(self._key)

    def __call__(self, lon: np.ndarray, lat: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        lon = np.ascontiguousarray(lon, dtype=np.float64)
        lat = np.ascontiguousarray(lat, dtype=np.float64)
        if len(lon) == 0:
            return np.zeros(0), np.zeros(0)
        codes, first, key = _distinct_points(lon, lat)
        bits = np.stack([lon[first].view(np.uint64), lat[first].view(np.uint64)], axis=1)
        at = (self._key.get_indexer(pd.Index(key)) if key is not None
              else np.full(len(first), -1))
        known = at >= 0
        known[known] = (self._bits[at[known]] == bits[known]).all(axis=1)
        xy = np.empty((len(first), 2))
        xy[known] = self._xy[at[known]]
        new = np.flatnonzero(~known)
        if len(new):
            x, y = _transformer().transform(lon[first[new]], lat[first[new]])
            xy[new, 0], xy[new, 1] = x, y
            fresh = new[at[new] < 0] if key is not None else new[:0]
            if key is not None and len(fresh):
                self._key = self._key.append(pd.Index(key[fresh]))
                self._bits = np.concatenate([self._bits, bits[fresh]])
                self._xy = np.concatenate([self._xy, xy[fresh]])
        return xy[codes, 0], xy[codes, 1]
