"""The read_cdr of before the columnar rewrite, kept verbatim as the reference its
replacement must match exactly (records, quarantine, rejected rows)."""

from __future__ import annotations

import hashlib
import html
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.comms.layouts import DIRECTIONS, EVENT_TYPES, LAYOUTS, Layout
from intelbench.comms.numbers import INVALID_NUMBER, is_imei, is_imsi, normalise_number
from intelbench.comms.records import Authority
from intelbench.exceptions import ParameterError
from intelbench.intake import Column, read_table

__all__ = ["read_cdr"]

#: the columns of a records frame, in order
RECORD_COLUMNS = ("target", "other", "direction", "type", "start", "start_local", "duration_s",
                  "cell_id", "imei", "imsi", "time_ambiguous", "authority", "source", "row")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.:\-]{2,63}")
_HMS = re.compile(r"^(-?)(\d{1,3}):([0-5]\d):([0-5]\d)$")
_UK = "Europe/London"


def _utc(value: Any, name: str) -> pd.Timestamp:
    try:
        ts = pd.Timestamp(value)
    except (TypeError, ValueError) as exc:
        raise ParameterError(f"Authority.{name}: not a date-time ({exc})") from None
    if ts is pd.NaT or pd.isna(ts):
        raise ParameterError(f"Authority.{name}: a date-time is required")
    if ts.tzinfo is None:
        ts = ts.tz_localize(_UK, ambiguous=True, nonexistent="shift_forward")
    return ts.tz_convert("UTC")


@dataclass
class CDRImport:
    """The outcome of :func:`read_cdr`.

    Attributes
    ----------
    records : pandas.DataFrame
        The good records, columns :data:`RECORD_COLUMNS`: ``target`` and ``other`` (E.164,
        categorical; ``other`` is missing for data sessions), ``direction`` ("out"/"in"),
        ``type`` ("voice"/"sms"/"data"), ``start`` (UTC), ``start_local`` (UK local),
        ``duration_s``, ``cell_id``, ``imei``, ``imsi``, ``time_ambiguous``, ``authority``,
        ``source`` (file name) and ``row`` (line in the file; the header is line 1).
    quarantine : pandas.DataFrame
        One row per problem: ``row``, ``column`` (the field) and ``reason``.
    rejected : pandas.DataFrame
        The mapped fields of every rejected row, as read (index ``row``).
    authority : Authority
        The authorisation the dataset was acquired under.
    source : str
        The file read.
    layout : str
        The layout's name.
    rows_read : int
        Data rows read.
    sha256 : str
        The SHA-256 of the file, as audited.
    """

    records: pd.DataFrame
    quarantine: pd.DataFrame
    rejected: pd.DataFrame
    authority: Authority
    source: str
    layout: str
    rows_read: int
    sha256: str = field(default="", repr=False)

    def counts(self) -> dict[str, int]:
        """Return the number of quarantined values for each reason.

        Returns
        -------
        dict
            reason -> count, sorted by reason.
        """
        vc = self.quarantine["reason"].value_counts()
        return {str(k): int(vc[k]) for k in sorted(vc.index)}

    def __repr__(self) -> str:
        return (f"CDRImport({Path(self.source).name}, layout {self.layout}, authority "
                f"{self.authority.reference}: {len(self.records)} records, "
                f"{len(self.rejected)} rows quarantined of {self.rows_read})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v}</td></tr>"
                       for k, v in self.counts().items())
        return (f"<div><b>{html.escape(Path(self.source).name)}</b> ({html.escape(self.layout)}"
                f", authority {html.escape(self.authority.reference)}): {len(self.records)} "
                f"records, {len(self.rejected)} of {self.rows_read} rows quarantined"
                f"<table><tr><th>reason</th><th>values</th></tr>{rows}</table></div>")


def _schema(lay: Layout) -> dict[str, Column]:
    m = lay.mapping
    req = {"target", "a_party", "direction", "type", "duration", "start", "date", "time"}
    schema = {f: Column("str", required=f in req) for f in m}
    schema["direction"] = Column("str", upper=True, allowed=tuple(lay.directions))
    schema["type"] = Column("str", upper=True, allowed=tuple(lay.types))
    return schema


def _categorical_numbers(values: pd.Series) -> tuple[pd.Categorical, np.ndarray]:
    """E.164 categorical (once per distinct value) and a mask of values that failed."""
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    norm = [normalise_number(u) for u in uniques]
    cats, inv = pd.factorize(pd.Series(norm, dtype=object), use_na_sentinel=True)
    lut = np.append(cats, -1).astype(np.int64)
    new_codes = lut[codes]
    cat = pd.Categorical.from_codes(new_codes, categories=pd.Index(inv, dtype=object))
    failed = (codes >= 0) & (new_codes < 0)
    return cat, failed


def _issue(index: pd.Index, mask: np.ndarray | pd.Series, column: str | np.ndarray,
           reason: str) -> pd.DataFrame | None:
    m = np.asarray(mask, dtype=bool)
    if not m.any():
        return None
    col = column[m] if isinstance(column, np.ndarray) else column
    return pd.DataFrame({"row": index[m], "column": col, "reason": reason})


def _parse_times(text: pd.Series, lay: Layout) -> tuple[pd.Series, np.ndarray, np.ndarray]:
    """Return (UTC times, unparsed mask, spring-gap mask) and flag of the repeated hour."""
    naive = pd.Series(pd.NaT, index=text.index, dtype="datetime64[ns]")
    for fmt in lay.time_formats:
        todo = naive.isna() & text.notna()
        if not todo.any():
            break
        naive[todo] = pd.to_datetime(text[todo], format=fmt, errors="coerce")
    unparsed = (text.notna() & naive.isna()).to_numpy()
    if lay.time_zone == "UTC":
        utc = naive.dt.tz_localize("UTC")
        gap = np.zeros(len(text), dtype=bool)
        return utc, unparsed, gap
    first = naive.dt.tz_localize(_UK, ambiguous="NaT", nonexistent="NaT")
    dst = naive.dt.tz_localize(_UK, ambiguous=np.ones(len(naive), dtype=bool),
                               nonexistent="NaT")
    gap = (naive.notna() & dst.isna()).to_numpy()
    utc = dst.dt.tz_convert("UTC")
    ambiguous = (naive.notna() & first.isna() & dst.notna()).to_numpy()
    utc.attrs["ambiguous"] = ambiguous
    return utc, unparsed, gap


def _durations(text: pd.Series, kind: str) -> pd.Series:
    if kind == "seconds":
        num = pd.to_numeric(text, errors="coerce")
        return num.where(num % 1 == 0)
    parts = text.str.extract(_HMS)
    secs = (parts[1].astype(float) * 3600 + parts[2].astype(float) * 60
            + parts[3].astype(float))
    return secs.where(parts[0] != "-", -secs)


def _valid_unique(values: pd.Series, check: Any) -> np.ndarray:
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    ok = np.array([bool(check(u)) for u in uniques] + [True])
    return ok[codes]


def read_cdr(
    path: str | Path,
    layout: str | Layout,
    *,
    authority: Authority | None,
    workspace: Any,
    cells: pd.DataFrame | None = None,
    sheet: int | str = 0,
) -> CDRImport:
    r"""Read one provider's call data records (CSV or XLSX) under an authority, with audit.

    Parameters
    ----------
    path : str or Path
        The file as the provider sent it.
    layout : str or Layout
        A name in :data:`~intelbench.comms.layouts.LAYOUTS` or a :class:`Layout`.
    authority : Authority
        The acquisition authority; an import without one is refused.
    workspace : intelbench.Workspace
        The import is recorded there as a COLLECT entry (file hash, counts, authority).
    cells : pandas.DataFrame, optional
        A cell-site table (from :func:`~intelbench.comms.cells.read_cells`); when given,
        records on a cell ID not in it are quarantined.
    sheet : int or str
        The sheet of an XLSX workbook.

    Returns
    -------
    CDRImport
        ``.records``, ``.quarantine`` (row, column, reason) and ``.rejected``.

    Raises
    ------
    ParameterError
        If ``authority`` or ``workspace`` is missing, or the layout is unknown.
    SchemaError
        If the file is not a table or lacks a mapped column.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = ("MSISDN,Other Party,Direction,Event,Start Time (UTC),Duration (s),Cell ID,"
    ...         "IMEI,IMSI\n"
    ...         "447700900001,07700 900002,MO,VOICE,2025-10-26 00:30:00,65,C1,"
    ...         "490154203237518,234150000000001\n"
    ...         "447700900001,12345,MT,SMS,2025-10-26 01:30:00,0,C1,,\n"
    ...         "447700900001,07700 900002,MO,VOICE,2025-12-02 09:00:00,-4,C1,,\n")
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> f = tmp / "cdr.csv"
    >>> _ = f.write_text(text)
    >>> ws = open_as("A. Analyst", tmp / "ws", role="ANALYST")
    >>> auth = ib.comms.Authority("OCDA/2025/0001", "2025-09-01", "2025-12-01")
    >>> imp = ib.comms.read_cdr(f, "northcell", authority=auth, workspace=ws)
    >>> r = imp.records.iloc[0]
    >>> print(r.target, r.other, r.direction, r.start, r.start_local, sep=" | ")
    +447700900001 | +447700900002 | out | 2025-10-26 00:30:00+00:00 | 2025-10-26 01:30:00+01:00
    >>> for q in imp.quarantine.itertuples():
    ...     print(q.row, q.column, q.reason)
    3 other not a valid UK or international number (E.164)
    4 duration negative duration
    4 start outside the authorised period
    >>> ws.audit.entries("COLLECT")["record_ref"].tolist()
    ['comms/OCDA/2025/0001']
    >>> ib.comms.read_cdr(f, "northcell", authority=None, workspace=ws)  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    intelbench.exceptions.ParameterError: cdr.csv: refused: communications data must carry ...
    """
    p = Path(path)
    if not isinstance(authority, Authority):
        raise ParameterError(
            f"{p.name}: refused: communications data must carry its acquisition authority "
            "(Investigatory Powers Act 2016 Part 3); pass authority=Authority(reference, "
            "start, end)")
    if workspace is None or not hasattr(workspace, "audit"):
        raise ParameterError(f"{p.name}: workspace: an intelbench.Workspace is required; "
                             "each import is audited as COLLECT")
    if isinstance(layout, str):
        if layout not in LAYOUTS:
            raise ParameterError(f"layout: expected one of {sorted(LAYOUTS)} or a Layout; "
                                 f"got {layout!r}")
        lay = LAYOUTS[layout]
    else:
        lay = layout
    res = read_table(p, mapping=dict(lay.mapping), schema=_schema(lay), keep="all",
                     sheet=sheet)
    d = res.data
    idx = d.index
    n = len(d)
    issues: list[pd.DataFrame | None] = [res.quarantine]
    direction = d["direction"].map(dict(lay.directions))
    etype = d["type"].map(dict(lay.types))
    incoming = (direction == "in").to_numpy()
    if lay.ab:
        a, b = d["a_party"], d["b_party"]
        target_raw = a.where(~incoming, b)
        other_raw = b.where(~incoming, a)
        t_col = np.where(incoming, "b_party", "a_party")
        o_col = np.where(incoming, "a_party", "b_party")
    else:
        target_raw, other_raw = d["target"], d["other"]
        t_col = np.full(n, "target", dtype=object)
        o_col = np.full(n, "other", dtype=object)
    target, t_bad = _categorical_numbers(target_raw)
    other, o_bad = _categorical_numbers(other_raw)
    issues.append(_issue(idx, t_bad, t_col, INVALID_NUMBER))
    issues.append(_issue(idx, o_bad, o_col, INVALID_NUMBER))
    if lay.ab:  # an outgoing row's A-party is required by the schema; check incoming B-party
        issues.append(_issue(idx, target_raw.isna().to_numpy() & incoming, t_col,
                             "missing required value"))
    no_other = (other_raw.isna() & etype.isin(["voice", "sms"])).to_numpy()
    issues.append(_issue(idx, no_other, o_col, "missing other party (required for voice and "
                                               "SMS)"))
    if authority.targets:
        codes = np.asarray(target.codes)
        covered = np.isin(np.asarray(target.categories, dtype=object), list(authority.targets))
        outside = (codes >= 0) & ~np.append(covered, True)[codes]
        issues.append(_issue(idx, outside, t_col, "target number not covered by the authority"))
    if "start" in lay.mapping:
        text, t_field, fmt_note = d["start"], "start", lay.time_formats[0]
    else:
        text = d["date"].str.cat(d["time"], sep=" ")
        t_field, fmt_note = "date", lay.time_formats[0]
    start, unparsed, gap = _parse_times(text, lay)
    ambiguous = start.attrs.pop("ambiguous", np.zeros(n, dtype=bool))
    issues.append(_issue(idx, unparsed, t_field,
                         f"not a valid date-time in the format {fmt_note}"))
    issues.append(_issue(idx, gap, t_field,
                         "local time does not exist (clocks went forward to BST)"))
    outside = (start.notna() & ((start < authority.start) | (start >= authority.end))).to_numpy()
    issues.append(_issue(idx, outside, "start" if t_field == "start" else t_field,
                         "outside the authorised period"))
    dur = _durations(d["duration"], lay.duration)
    issues.append(_issue(idx, (d["duration"].notna() & dur.isna()).to_numpy(), "duration",
                         "not a duration in " + ("whole seconds" if lay.duration == "seconds"
                                                 else "HH:MM:SS")))
    issues.append(_issue(idx, (dur < 0).fillna(False).to_numpy(), "duration",
                         "negative duration"))
    cell = d["cell_id"] if "cell_id" in d else pd.Series(np.nan, index=idx, dtype=object)
    if cells is not None:
        known = cell.isin(pd.Index(cells["cell_id"].astype(str)))
        issues.append(_issue(idx, (cell.notna() & ~known).to_numpy(), "cell_id",
                             "unknown cell ID"))
    for fld, check, reason in (
            ("imei", is_imei, "not a valid IMEI (15 digits with a Luhn check digit)"),
            ("imsi", is_imsi, "not a valid IMSI (6 to 15 digits)")):
        if fld in d:
            issues.append(_issue(idx, ~_valid_unique(d[fld], check), fld, reason))
    found = [q for q in issues if q is not None and len(q)]
    quarantine = (pd.concat(found, ignore_index=True) if found else res.quarantine.iloc[:0])
    quarantine = quarantine.astype({"row": np.int64, "column": object, "reason": object})
    quarantine = quarantine.sort_values(["row", "column"], kind="mergesort")
    quarantine = quarantine.drop_duplicates().reset_index(drop=True)
    bad = idx.isin(quarantine["row"].unique())
    good = ~bad

    def opt(name: str) -> pd.Series:
        s = d[name] if name in d else pd.Series(np.nan, index=idx, dtype=object)
        return s[good].astype("category").reset_index(drop=True)

    start_g = start[good].reset_index(drop=True)
    records = pd.DataFrame({
        "target": target[good],
        "other": other[good],
        "direction": pd.Categorical(direction[good], categories=list(DIRECTIONS)),
        "type": pd.Categorical(etype[good], categories=list(EVENT_TYPES)),
        "start": start_g,
        "start_local": start_g.dt.tz_convert(_UK),
        "duration_s": dur[good].astype(np.int64).reset_index(drop=True),
        "cell_id": opt("cell_id"),
        "imei": opt("imei"),
        "imsi": opt("imsi"),
        "time_ambiguous": ambiguous[good],
        "authority": pd.Categorical([authority.reference] * int(good.sum())),
        "source": pd.Categorical([p.name] * int(good.sum())),
        "row": np.asarray(idx[good], dtype=np.int64),
    })
    records["target"] = records["target"].cat.remove_unused_categories()
    records["other"] = records["other"].cat.remove_unused_categories()
    digest = hashlib.sha256(p.read_bytes()).hexdigest()
    workspace.audit.record(
        "COLLECT", record_ref=f"comms/{authority.reference}",
        justification="Communications data acquired under the Investigatory Powers Act 2016 "
                      "Part 3",
        detail={"file": p.name[:200], "sha256": digest, "layout": lay.name,
                "authority": authority.reference, "rows_read": n,
                "records": len(records), "rows_quarantined": int(bad.sum()),
                "period_start": authority.start.isoformat(),
                "period_end": authority.end.isoformat()})
    return CDRImport(records=records, quarantine=quarantine, rejected=d.loc[bad],
                     authority=authority, source=str(p), layout=lay.name, rows_read=n,
                     sha256=digest)
