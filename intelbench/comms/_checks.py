"""The checks of :func:`~intelbench.comms.records.read_cdr`, run once per distinct value.

Each field arrives as a categorical of stripped text (from
:func:`~intelbench.intake.columnar.read_categorical`). Every check that depends only on the
value (E.164 form, code lists, time format, duration, cell ID, IMEI, IMSI) runs on the
distinct values and is carried to the rows through the integer codes, so ten million
records with a few hundred thousand distinct numbers cost a few hundred thousand checks.
The rules, reasons and their order are those of ``read_table`` followed by the CDR checks.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from intelbench.comms._read import TimeColumn
from intelbench.comms.layouts import DIRECTIONS, EVENT_TYPES, Layout
from intelbench.comms.numbers import INVALID_NUMBER, is_imei, is_imsi, normalise_unique
from intelbench.exceptions import SchemaError
from intelbench.intake._common import NUL_REASON
from intelbench.intake.columnar import CategoricalTable, TextColumn

if TYPE_CHECKING:
    from intelbench.comms.records import Authority

__all__ = ["check_records"]

_HMS = re.compile(r"^(-?)(\d{1,3}):([0-5]\d):([0-5]\d)$")
_UK = "Europe/London"
_NS_MIN, _NS_MAX = pd.Timestamp.min.ceil("s"), pd.Timestamp.max.floor("s")
_REQUIRED = {"target", "a_party", "direction", "type", "duration", "start", "date", "time"}


class _Field:
    """One field: integer codes per row (-1 missing) and its distinct values.

    A start-time field read by :func:`~intelbench.comms._read.read_cdr_table` also has rows
    with code -2, already parsed (``column.fast_ns``).
    """

    def __init__(self, codes: np.ndarray, values: pd.Index,
                 column: TextColumn | None = None) -> None:
        self.codes = codes
        self.values = values
        self.column = column if isinstance(column, TimeColumn) else None

    @classmethod
    def of(cls, col: TextColumn, upper: bool = False) -> _Field:
        codes, values = col.codes, col.values
        if upper:
            up = pd.Series(values, dtype="str").str.upper()
            new, uniq = pd.factorize(up)
            codes = np.append(np.asarray(new, dtype=np.int64), -1)[codes]
            values = pd.Index(uniq, dtype="str")
        return cls(codes, values, col)

    @property
    def present(self) -> np.ndarray:
        return self.codes != -1

    @property
    def fast(self) -> np.ndarray | None:
        """Rows already parsed (code -2), or None."""
        return None if self.column is None else self.codes == -2

    def per_row(self, per_value: np.ndarray, missing: Any) -> np.ndarray:
        """Carry a per-value array to the rows; missing (and parsed) rows get ``missing``."""
        arr = np.asarray(per_value)
        codes = self.codes if self.column is None else np.maximum(self.codes, -1)
        return np.append(arr, np.array([missing], dtype=arr.dtype))[codes]

    def text(self, mask: np.ndarray) -> Any:
        if self.column is not None:
            return pd.array(self.column.texts(mask), dtype="str")
        sel = self.codes[mask]
        out = np.full(len(sel), None, dtype=object)
        ok = sel >= 0
        out[ok] = np.asarray(self.values.take(sel[ok]), dtype=object)
        return pd.array(out, dtype="str")


class _Issues:
    def __init__(self, rows: np.ndarray) -> None:
        self.rows = rows
        self.found: list[pd.DataFrame] = []
        self.bad = np.zeros(len(rows), dtype=bool)

    def add(self, mask: np.ndarray, column: str | np.ndarray, reason: str) -> None:
        m = np.asarray(mask, dtype=bool)
        if not m.any():
            return
        self.bad |= m
        col = column[m] if isinstance(column, np.ndarray) else column
        self.found.append(pd.DataFrame({"row": self.rows[m], "column": col, "reason": reason}))

    def frame(self) -> pd.DataFrame:
        if self.found:
            q = pd.concat(self.found, ignore_index=True)
        else:
            q = pd.DataFrame({"row": pd.Series(dtype=np.int64), "column": pd.Series(dtype=str),
                              "reason": pd.Series(dtype=str)})
        q = q.astype({"row": np.int64, "column": object, "reason": object})
        q = q.sort_values(["row", "column"], kind="mergesort")
        return q.drop_duplicates().reset_index(drop=True)


def _numbers(fields: list[_Field]) -> tuple[list[np.ndarray], pd.Index]:
    """E.164 codes per row for each field (-1: missing or invalid), on shared categories."""
    norms = [np.append(normalise_unique(f.values), np.array([None], dtype=object)) for f in fields]
    allv = np.concatenate([n[:-1] for n in norms]) if norms else np.array([], dtype=object)
    codes, uniq = pd.factorize(pd.Series(allv, dtype=object), use_na_sentinel=True)
    out, off = [], 0
    for f, n in zip(fields, norms):
        lut = np.append(np.asarray(codes[off:off + len(n) - 1], dtype=np.int64), -1)
        off += len(n) - 1
        out.append(lut[f.codes])
    return out, pd.Index(uniq, dtype=object)


def _localize(naive: pd.Series) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """UK local times to UTC: (UTC ns or NaT, in the spring gap, in the repeated hour).

    A time in the repeated autumn hour is read as BST (the first of the two). Each row is
    localised once; only the rows the first pass leaves empty (gap or repeated hour) are
    localised again.
    """
    first = naive.dt.tz_localize(_UK, ambiguous="NaT", nonexistent="NaT")
    utc = first.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(dtype="datetime64[ns]",
                                                                     copy=True)
    redo = (naive.notna() & first.isna()).to_numpy()
    gap = np.zeros(len(naive), dtype=bool)
    ambiguous = np.zeros(len(naive), dtype=bool)
    if redo.any():
        sub = naive[redo]
        dst = sub.dt.tz_localize(_UK, ambiguous=np.ones(len(sub), dtype=bool),
                                 nonexistent="NaT")
        gap[redo] = dst.isna().to_numpy()
        ambiguous[redo] = dst.notna().to_numpy()
        utc[redo] = dst.dt.tz_convert("UTC").dt.tz_localize(None).to_numpy(
            dtype="datetime64[ns]")
    return utc, gap, ambiguous


def _parse_times(text: pd.Series, lay: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        np.ndarray]:
    """On distinct texts: (UTC ns or NaT, unparsed, spring gap, repeated autumn hour)."""
    naive = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in lay.time_formats:
        todo = naive.isna() & text.notna()
        if not todo.any():
            break
        parsed = pd.to_datetime(text[todo], format=fmt, errors="coerce")
        held = (parsed >= _NS_MIN) & (parsed <= _NS_MAX)  # else it cannot be held: unparsed
        naive[todo] = parsed.where(held).astype("datetime64[ns]")
    unparsed = (text.notna() & naive.isna()).to_numpy()
    zero = np.zeros(len(text), dtype=bool)
    if lay.time_zone == "UTC":
        return naive.to_numpy(dtype="datetime64[ns]"), unparsed, zero, zero
    utc, gap, ambiguous = _localize(naive)
    return utc, unparsed, gap, ambiguous


def _durations(text: pd.Series, kind: str) -> np.ndarray:
    if kind == "seconds":
        num = pd.to_numeric(text, errors="coerce")
        return num.where(num % 1 == 0).to_numpy(dtype=float)
    parts = text.str.extract(_HMS)
    secs = (parts[1].astype(float) * 3600 + parts[2].astype(float) * 60
            + parts[3].astype(float))
    return secs.where(parts[0] != "-", -secs).to_numpy(dtype=float)


def _times(f: dict[str, _Field], lay: Layout) -> tuple[np.ndarray, np.ndarray, np.ndarray,
                                                        np.ndarray, str]:
    """Per row: (UTC ns, unparsed, spring gap, ambiguous) and the field to blame."""
    if "start" in lay.mapping:
        s = f["start"]
        ns_u, unparsed_u, gap_u, amb_u = _parse_times(pd.Series(s.values, dtype="str"), lay)
        nat = np.datetime64("NaT", "ns")
        ns, unparsed, gap, amb = (s.per_row(ns_u, nat), s.per_row(unparsed_u, False),
                                  s.per_row(gap_u, False), s.per_row(amb_u, False))
        fast = s.fast
        if fast is not None and s.column is not None and fast.any():
            naive = s.column.fast_ns[fast].view("M8[ns]")
            if lay.time_zone == "UTC":
                ns[fast] = naive
            else:
                ns[fast], gap[fast], amb[fast] = _localize(pd.Series(naive))
        return ns, unparsed, gap, amb, "start"
    d, t = f["date"], f["time"]
    both = d.present & t.present
    key = d.codes.astype(np.int64) * (len(t.values) + 1) + t.codes
    codes, uniq = pd.factorize(key[both])
    uniq = np.asarray(uniq, dtype=np.int64)
    dv = pd.Series(np.asarray(d.values, dtype=object)[uniq // (len(t.values) + 1)],
                   dtype="str")
    tv = pd.Series(np.asarray(t.values, dtype=object)[uniq % (len(t.values) + 1)],
                   dtype="str")
    ns_u, un_u, gap_u, amb_u = _parse_times(dv.str.cat(tv, sep=" "), lay)
    n = len(both)
    ns = np.full(n, np.datetime64("NaT", "ns"))
    unparsed, gap, amb = (np.zeros(n, dtype=bool) for _ in range(3))
    ns[both], unparsed[both], gap[both], amb[both] = (ns_u[codes], un_u[codes], gap_u[codes],
                                                      amb_u[codes])
    return ns, unparsed, gap, amb, "date"


def _categorical(codes: np.ndarray, values: pd.Index, keep: np.ndarray, *,
                 sort: bool) -> pd.Categorical:
    c = codes[keep]
    if sort:
        used = np.flatnonzero(np.bincount(c[c >= 0], minlength=len(values)))
        vals = np.asarray(values, dtype=object)[used]
        order = np.argsort(vals.astype(str), kind="stable")
        lut = np.full(len(values) + 1, -1, dtype=np.int64)
        lut[used[order]] = np.arange(len(used))
        return pd.Categorical.from_codes(lut[c], categories=pd.Index(vals[order], dtype="str"),
                                         validate=False)
    # categories in order of first appearance in the file (bad rows included), used only
    at = np.flatnonzero(codes >= 0)
    first = np.full(len(values), len(codes), dtype=np.int64)
    np.minimum.at(first, codes[at], at)
    used = np.flatnonzero(np.bincount(c[c >= 0], minlength=len(values)))
    used = used[np.argsort(first[used], kind="stable")]
    lut = np.full(len(values) + 1, -1, dtype=np.int64)
    lut[used] = np.arange(len(used))
    cats = pd.Index(np.asarray(values, dtype=object)[used], dtype=object)
    return pd.Categorical.from_codes(lut[c], categories=cats, validate=False)


def check_records(table: CategoricalTable, lay: Layout, authority: Authority,
                  cells: pd.DataFrame | None, where: str, *, scan_nul: bool = True
                  ) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Return (records, quarantine, rejected) for a table read in a provider's layout.

    Parameters
    ----------
    table : CategoricalTable
        The file as read by :func:`~intelbench.intake.columnar.read_categorical`.
    lay : Layout
        The provider's layout.
    authority : Authority
        The acquisition authority (period and targets).
    cells : pandas.DataFrame, optional
        The cell-site table; unknown cell IDs are quarantined when given.
    where : str
        The file, for messages.
    scan_nul : bool
        Look for NUL bytes in the values (quarantined as damaged rows). A caller that has
        found none in the file's bytes passes False and skips the scan.

    Returns
    -------
    tuple of DataFrame
        The records (:data:`~intelbench.comms.records.RECORD_COLUMNS`), the quarantine
        (``row``, ``column``, ``reason``) and the mapped fields of the rejected rows.

    Raises
    ------
    SchemaError
        If a mapped column is not in the file.
    """
    m = dict(lay.mapping)
    missing = [src for src in m.values() if src not in table.columns]
    if missing:
        raise SchemaError(f"{where}: mapped columns {missing} are not in the file; "
                          f"it has {list(table.columns)}")
    rows = table.rows
    issues = _Issues(rows)
    f: dict[str, _Field] = {}
    for name, src in m.items():  # the checks of read_table, in its order
        fld = _Field.of(table.columns[src], upper=name in ("direction", "type"))
        f[name] = fld
        if scan_nul:
            nul = pd.Series(fld.values, dtype="str").str.contains("\x00", regex=False)
            issues.add(fld.per_row(nul.to_numpy(dtype=bool), False), name, NUL_REASON)
        if name in _REQUIRED:
            issues.add(~fld.present, name, "missing required value")
        if name in ("direction", "type"):
            allowed = tuple(lay.directions if name == "direction" else lay.types)
            ok = np.isin(np.asarray(fld.values, dtype=object), list(allowed))
            issues.add(~fld.per_row(ok, True), name,
                       f"not one of the allowed values {list(allowed)}")
    dmap = [DIRECTIONS.index(lay.directions[v]) if v in lay.directions else -1
            for v in f["direction"].values]
    direction = f["direction"].per_row(np.array(dmap, dtype=np.int64), -1)
    tmap = [EVENT_TYPES.index(lay.types[v]) if v in lay.types else -1 for v in f["type"].values]
    etype = f["type"].per_row(np.array(tmap, dtype=np.int64), -1)
    incoming = direction == 1
    if lay.ab:
        (a, b), ecats = _numbers([f["a_party"], f["b_party"]])
        a_pres, b_pres = f["a_party"].present, f["b_party"].present
        target = np.where(incoming, b, a)
        other = np.where(incoming, a, b)
        t_pres = np.where(incoming, b_pres, a_pres)
        o_pres = np.where(incoming, a_pres, b_pres)
        t_col: str | np.ndarray = np.where(incoming, "b_party", "a_party").astype(object)
        o_col: str | np.ndarray = np.where(incoming, "a_party", "b_party").astype(object)
    else:
        (target, other), ecats = _numbers([f["target"], f["other"]])
        t_pres, o_pres = f["target"].present, f["other"].present
        t_col, o_col = "target", "other"
    issues.add(t_pres & (target < 0), t_col, INVALID_NUMBER)
    issues.add(o_pres & (other < 0), o_col, INVALID_NUMBER)
    if lay.ab:  # an outgoing row's A-party is required by the schema; check incoming B-party
        issues.add(~t_pres & incoming, t_col, "missing required value")
    no_other = ~o_pres & (etype >= 0) & (etype <= 1)
    issues.add(no_other, o_col, "missing other party (required for voice and SMS)")
    if authority.targets:
        covered = np.isin(np.asarray(ecats, dtype=object), list(authority.targets))
        outside_t = (target >= 0) & ~np.append(covered, True)[target]
        issues.add(outside_t, t_col, "target number not covered by the authority")
    ns, unparsed, gap, ambiguous, t_field = _times(f, lay)
    issues.add(unparsed, t_field, f"not a valid date-time in the format {lay.time_formats[0]}")
    issues.add(gap, t_field, "local time does not exist (clocks went forward to BST)")
    lo = np.datetime64(authority.start.tz_convert("UTC").tz_localize(None).as_unit("ns"))
    hi = np.datetime64(authority.end.tz_convert("UTC").tz_localize(None).as_unit("ns"))
    has_t = ~np.isnat(ns)
    issues.add(has_t & ((ns < lo) | (ns >= hi)), t_field, "outside the authorised period")
    dfield = f["duration"]
    dur_u = _durations(pd.Series(dfield.values, dtype="str"), lay.duration)
    dur = dfield.per_row(dur_u, np.nan)
    issues.add(dfield.present & np.isnan(dur), "duration",
               "not a duration in " + ("whole seconds" if lay.duration == "seconds"
                                       else "HH:MM:SS"))
    issues.add(np.nan_to_num(dur, nan=0.0) < 0, "duration", "negative duration")
    if cells is not None and "cell_id" in f:
        c = f["cell_id"]
        known = np.isin(np.asarray(c.values, dtype=object),
                        pd.Index(cells["cell_id"].astype(str)).to_numpy(dtype=object))
        issues.add(~c.per_row(known, True), "cell_id", "unknown cell ID")
    for key, check, reason in (
            ("imei", is_imei, "not a valid IMEI (15 digits with a Luhn check digit)"),
            ("imsi", is_imsi, "not a valid IMSI (6 to 15 digits)")):
        if key in f:
            ok = np.array([bool(check(v)) for v in f[key].values], dtype=np.bool_)
            issues.add(~f[key].per_row(ok, True), key, reason)
    quarantine = issues.frame()
    bad = issues.bad
    good = ~bad
    k = int(good.sum())

    def opt(name: str) -> pd.Categorical:
        if name not in f:
            return pd.Categorical(np.full(k, np.nan, dtype=object))
        return _categorical(f[name].codes, f[name].values, good, sort=True)

    start = pd.DatetimeIndex(ns[good]).tz_localize("UTC")
    records = pd.DataFrame({
        "target": _categorical(target, ecats, good, sort=False),
        "other": _categorical(other, ecats, good, sort=False),
        "direction": pd.Categorical.from_codes(direction[good], categories=pd.Index(DIRECTIONS)),
        "type": pd.Categorical.from_codes(etype[good], categories=pd.Index(EVENT_TYPES)),
        "start": start,
        "start_local": start.tz_convert(_UK),
        "duration_s": dur[good].astype(np.int64),
        "cell_id": opt("cell_id"),
        "imei": opt("imei"),
        "imsi": opt("imsi"),
        "time_ambiguous": ambiguous[good],
        "authority": pd.Categorical.from_codes(np.zeros(k, dtype=np.int8),
                                               categories=pd.Index(
                                                   [authority.reference] if k else [])),
        "source": pd.Categorical.from_codes(np.zeros(k, dtype=np.int8),
                                            categories=pd.Index(
                                                [Path(where).name] if k else [])),
        "row": rows[good],
    })
    rejected = pd.DataFrame({name: fld.text(bad) for name, fld in f.items()},
                            index=pd.Index(rows[bad], name="row"))
    return records, quarantine, rejected
