"""Reading call data records: authority, column mapping, normalisation, quarantine, audit.

Every dataset carries the reference of the authorisation under which it was acquired
(Investigatory Powers Act 2016 Part 3, granted by OCDA under s.60A); :func:`read_cdr`
refuses a file without one, audits each import as a COLLECT entry in the workspace, and
quarantines bad rows with file line, column and reason (never the value):

- a number that is not a valid UK or international number (normalised to E.164);
- a start time outside the authorised period, or in the spring BST gap;
- a negative duration;
- a cell ID not in the cell-site table;
- an IMEI that fails its Luhn check or an IMSI that is not 6-15 digits;
- a target number the authority does not cover.

Start times are held in UTC (``start``); ``start_local`` is the same instant in UK local time
(``Europe/London``). Times written in local time in the repeated autumn hour are kept, read as
BST, and flagged in ``time_ambiguous``.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.comms._checks import check_records
from intelbench.comms._kind import mark
from intelbench.comms._read import read_cdr_table
from intelbench.comms.layouts import LAYOUTS, Layout
from intelbench.comms.numbers import INVALID_NUMBER, normalise_number
from intelbench.exceptions import ParameterError
from intelbench.intake._common import has_nul

__all__ = ["RECORD_COLUMNS", "Authority", "CDRImport", "combine", "read_cdr"]

#: the columns of a records frame, in order
RECORD_COLUMNS = ("target", "other", "direction", "type", "start", "start_local", "duration_s",
                  "cell_id", "imei", "imsi", "time_ambiguous", "authority", "source", "row")
_REF = re.compile(r"[A-Za-z0-9][A-Za-z0-9/_.:\-]{2,63}")
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


@dataclass(frozen=True)
class Authority:
    """The authorisation under which a communications dataset was acquired (IPA 2016 Part 3).

    Parameters
    ----------
    reference : str
        The authorisation reference (OCDA or designated-person reference), 3-64 characters
        of letters, digits and ``/_.:-``.
    start, end : str or Timestamp
        The authorised period; records must start in ``[start, end)``. A time without a zone
        is UK local time.
    targets : sequence of str
        The numbers the authorisation covers (any format; kept in E.164). Empty: not checked.

    Raises
    ------
    ParameterError
        For a missing or malformed reference, a bad period or a target that is not a number.

    Examples
    --------
    >>> a = ib.comms.Authority("OCDA/2025/001234", "2025-09-01", "2025-12-01",
    ...                        targets=["07700 900123"])
    >>> a.start, a.targets
    (Timestamp('2025-08-31 23:00:00+0000', tz='UTC'), ('+447700900123',))
    """

    reference: str
    start: Any
    end: Any
    targets: Sequence[str] = ()

    def __post_init__(self) -> None:
        ref = self.reference.strip() if isinstance(self.reference, str) else ""
        if not _REF.fullmatch(ref):
            raise ParameterError(
                "Authority.reference: an acquisition authority reference (Investigatory "
                "Powers Act 2016 Part 3) of 3-64 letters, digits or /_.:- is required; got "
                f"{self.reference!r}")
        start, end = _utc(self.start, "start"), _utc(self.end, "end")
        if end <= start:
            raise ParameterError("Authority: end must be after start")
        targets = []
        for t in self.targets:
            e164 = normalise_number(t)
            if e164 is None:
                raise ParameterError(f"Authority.targets: {t!r} is {INVALID_NUMBER}")
            targets.append(e164)
        object.__setattr__(self, "reference", ref)
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)
        object.__setattr__(self, "targets", tuple(targets))


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
                f"{self.authority.reference}: {len(self.records):,} records, "
                f"{len(self.rejected):,} rows quarantined of {self.rows_read:,})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:,}</td></tr>"
                       for k, v in self.counts().items())
        return (f"<div><b>{html.escape(Path(self.source).name)}</b> ({html.escape(self.layout)}"
                f", authority {html.escape(self.authority.reference)}): {len(self.records):,} "
                f"records, {len(self.rejected):,} of {self.rows_read:,} rows quarantined"
                f"<table><tr><th>reason</th><th>values</th></tr>{rows}</table></div>")


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
    table = read_cdr_table(p, lay, sheet)
    # a CSV's bytes are scanned for NUL once (fast); its values only if the bytes hold one
    scan = p.suffix.lower() in {".xlsx", ".xlsm"} or has_nul(p)
    records, quarantine, rejected = check_records(table, lay, authority, cells, str(p),
                                                  scan_nul=scan)
    n = len(table)
    workspace.audit.record(
        "COLLECT", record_ref=f"comms/{authority.reference}",
        justification="Communications data acquired under the Investigatory Powers Act 2016 "
                      "Part 3",
        detail={"file": p.name[:200], "sha256": table.sha256, "layout": lay.name,
                "authority": authority.reference, "rows_read": n,
                "records": len(records), "rows_quarantined": len(rejected),
                "period_start": authority.start.isoformat(),
                "period_end": authority.end.isoformat()})
    return CDRImport(records=mark(records), quarantine=mark(quarantine), rejected=mark(rejected),
                     authority=authority, source=str(p), layout=lay.name, rows_read=n,
                     sha256=table.sha256)


def combine(imports: Sequence[CDRImport | pd.DataFrame]) -> pd.DataFrame:
    """Stack the records of several imports into one frame, keeping categoricals.

    Parameters
    ----------
    imports : sequence of CDRImport or DataFrame
        Imports (or records frames) to stack.

    Returns
    -------
    pandas.DataFrame
        The records, with :data:`RECORD_COLUMNS`, sorted by ``start`` (stable), with a fresh
        RangeIndex. Each row keeps its ``authority``, ``source`` and ``row``.

    Raises
    ------
    ParameterError
        If nothing is given.
    """
    from pandas.api.types import union_categoricals

    frames = [i.records if isinstance(i, CDRImport) else i for i in imports]
    if not frames:
        raise ParameterError("imports: at least one import is required")
    cols: dict[str, Any] = {}
    for c in RECORD_COLUMNS:
        parts = [f[c] for f in frames]
        if isinstance(parts[0].dtype, pd.CategoricalDtype) and c not in ("direction", "type"):
            cols[c] = union_categoricals([pd.Categorical(x) for x in parts], ignore_order=True)
        else:
            cols[c] = pd.concat(parts, ignore_index=True)
    out = pd.DataFrame({c: (v if isinstance(v, pd.Series) else pd.Series(v))
                        for c, v in cols.items()})
    return mark(out.sort_values("start", kind="mergesort").reset_index(drop=True))
