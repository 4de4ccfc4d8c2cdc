"""Checked reading of force extracts (CSV, XLSX) behind :func:`intelbench.intake.read_table`."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.intake._common import NUL_REASON, read_csv_text, sniff_text

__all__ = ["KINDS", "check_frame", "read_header", "read_raw"]

KINDS = ("str", "int", "float", "datetime", "date", "category")
_ISO = ("%Y-%m-%d %H:%M:%S", "%Y-%m-%d %H:%M", "%Y-%m-%d")


def read_raw(path: Path, sheet: int | str = 0) -> tuple[pd.DataFrame, int, int]:
    """Every cell as text; return (frame, first data line number, blank lines dropped)."""
    if not path.is_file():
        raise SchemaError(f"path: {path} is not a file")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            raw = pd.read_excel(path, sheet_name=sheet, dtype=str, keep_default_na=False,
                                engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a bad workbook
            raise SchemaError(f"{path}: cannot be read as an XLSX workbook "
                              f"({type(exc).__name__})") from None
        raw = raw.fillna("")
    else:
        enc = sniff_text(path)
        raw = read_csv_text(path, enc, "CSV", dtype=str, keep_default_na=False,
                            skip_blank_lines=False)
    raw.index = pd.RangeIndex(2, len(raw) + 2, name="row")  # 1-based line; header is line 1
    raw.columns = [str(c) for c in raw.columns]
    blank = (raw.apply(lambda c: c.astype(str).str.strip()) == "").all(axis=1)
    return raw.loc[~blank], 2, int(blank.sum())


def read_header(path: Path, sheet: int | str = 0) -> list[str]:
    """Return the column names of a CSV file or XLSX sheet without reading its rows."""
    if not path.is_file():
        raise SchemaError(f"path: {path} is not a file")
    if path.suffix.lower() in {".xlsx", ".xlsm"}:
        try:
            head = pd.read_excel(path, sheet_name=sheet, nrows=0, engine="openpyxl")
        except Exception as exc:  # openpyxl raises many types for a bad workbook
            raise SchemaError(f"{path}: cannot be read as an XLSX workbook "
                              f"({type(exc).__name__})") from None
    else:
        head = read_csv_text(path, sniff_text(path), "CSV", dtype=str, nrows=0)
    return [str(c) for c in head.columns]


def _spec(spec: Any) -> dict[str, Any]:
    if isinstance(spec, Mapping):
        return dict(spec)
    return {k: getattr(spec, k) for k in ("kind", "required", "min", "max", "allowed",
                                           "formats", "pattern", "upper")}


def _parse_dates(s: pd.Series, formats: Sequence[str]) -> pd.Series:
    out = pd.Series(pd.NaT, index=s.index, dtype="datetime64[ns]")
    for fmt in [*formats, *_ISO]:
        todo = out.isna() & (s != "")
        if not todo.any():
            break
        out[todo] = pd.to_datetime(s[todo], format=fmt, errors="coerce")
    return out


def check_frame(raw: pd.DataFrame, mapping: Mapping[str, str], schema: Mapping[str, Any],
                order: Sequence[tuple[str, str]], where: str, *, keep_all: bool = False
                ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (typed rows, quarantine (row, column, reason), rejected raw rows).

    The typed rows are the good ones, or with ``keep_all`` every row (a bad value missing).
    """
    missing = [src for src in mapping.values() if src not in raw.columns]
    if missing:
        raise SchemaError(f"{where}: mapped columns {missing} are not in the file; "
                          f"it has {list(raw.columns)}")
    issues: list[pd.DataFrame] = []
    typed: dict[str, pd.Series] = {}
    for target, src in mapping.items():
        spec = _spec(schema.get(target, {"kind": "str", "required": False}))
        kind = spec.get("kind", "str")
        if kind not in KINDS:
            raise SchemaError(f"schema[{target!r}].kind must be one of {KINDS}; got {kind!r}")
        s = raw[src].astype(str).str.strip()
        if spec.get("upper"):
            s = s.str.upper()
        empty = s == ""
        bad: list[tuple[pd.Series, str]] = []
        # a NUL byte marks a damaged row: the value is not kept, the row is quarantined
        nul = s.str.contains("\x00", regex=False)
        if nul.any():
            bad.append((nul, NUL_REASON))
            s = s.where(~nul, "")
            empty = s == ""
        if spec.get("required", True):
            bad.append((empty & ~nul, "missing required value"))
        value: pd.Series
        if kind in ("int", "float"):
            num = pd.to_numeric(s.where(~empty), errors="coerce").astype(float)
            # "inf"/"nan" parse as floats but are not values a force extract can mean; whole
            # numbers beyond 2**53 cannot be held exactly.
            limit = 2.0**53 if kind == "int" else np.inf
            num = num.where(np.isfinite(num) & (num.abs() <= limit))
            notnum = ~empty & num.isna()
            word = "a whole number" if kind == "int" else "a number"
            bad.append((notnum, f"not {word}"))
            if kind == "int":
                frac = ~empty & ~notnum & (num % 1 != 0)
                bad.append((frac, "not a whole number"))
            lo, hi = spec.get("min"), spec.get("max")
            if lo is not None:
                bad.append((num < lo, f"below the minimum {lo}"))
            if hi is not None:
                bad.append((num > hi, f"above the maximum {hi}"))
            value = num.round().astype("Int64") if kind == "int" else num.astype(float)
            if kind == "int":
                value = value.where(~(~empty & ~notnum & (num % 1 != 0)))
        elif kind in ("datetime", "date"):
            fmts = tuple(spec.get("formats") or (("%d/%m/%Y %H:%M", "%d/%m/%Y %H:%M:%S",
                                                   "%d/%m/%Y") if kind == "datetime"
                                                  else ("%d/%m/%Y",)))
            dt = _parse_dates(s, fmts)
            bad.append((~empty & dt.isna(),
                        f"not a valid {'date-time' if kind == 'datetime' else 'date'} "
                        f"in the format {fmts[0]}"))
            value = dt.dt.normalize() if kind == "date" else dt
        else:
            value = s.where(~empty)
            allowed = spec.get("allowed")
            if allowed is not None:
                bad.append((~empty & ~s.isin(list(allowed)),
                            f"not one of the allowed values {list(allowed)}"))
            pattern = spec.get("pattern")
            if pattern is not None:
                rx = re.compile(pattern)
                ok = pd.Series([rx.fullmatch(v) is not None for v in s], index=s.index)
                bad.append((~empty & ~ok, f"does not match the pattern {pattern}"))
            value = value.astype("category") if kind == "category" else value.astype("str")
        for mask, reason in bad:
            mask = mask.fillna(False).astype(bool)
            if mask.any():
                issues.append(pd.DataFrame({"row": raw.index[mask.to_numpy()],
                                            "column": target, "reason": reason}))
        typed[target] = value
    for early, late in order:
        if early not in typed or late not in typed:
            raise SchemaError(f"order: columns {early!r} and {late!r} must both be mapped")
        wrong = (typed[late] < typed[early]).fillna(False).astype(bool)
        if wrong.any():
            issues.append(pd.DataFrame({"row": raw.index[wrong.to_numpy()], "column": late,
                                        "reason": f"{late} is before {early}"}))
    quarantine = (pd.concat(issues, ignore_index=True) if issues else
                  pd.DataFrame({"row": pd.Series(dtype=np.int64), "column": pd.Series(dtype=str),
                                "reason": pd.Series(dtype=str)}))
    quarantine = quarantine.sort_values(["row", "column"], kind="mergesort").reset_index(drop=True)
    bad_rows = raw.index.isin(quarantine["row"].unique())
    data = pd.DataFrame(typed, index=raw.index)
    if not keep_all:
        data = data.loc[~bad_rows]
    rejected = raw.loc[bad_rows]
    return data, quarantine, rejected
