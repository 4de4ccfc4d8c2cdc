"""Years of data.police.uk street files through DuckDB into Parquet, out of core.

:func:`police_uk_to_parquet` reads many monthly street CSVs with DuckDB (columnar, spilling
to disk under a memory limit), applies the checks of :func:`~intelbench.intake.read_police_uk`
in SQL with the same reasons and precedence (bad month, repeated month, repeated Crime ID,
bad, zero, missing or swapped coordinates, outside Great Britain, missing crime type, blank
lines), computes British National Grid x/y in batches with pyproj, and writes the kept rows
to one Parquet file and the excluded rows to another. Memory stays bounded by DuckDB's limit
and the batch size, not by the number of rows.

:func:`space_time_counts` bins the Parquet by month and a square grid in SQL and returns the
counts frame of a space-time cube (step x cell), ready to be turned into hotspot or emerging
hot spot inputs without loading the events.
"""

from __future__ import annotations

import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.intake._common import (
    NUL_REASON,
    collect_files,
    has_nul,
    read_header,
    sniff_text,
)
from intelbench.intake.police_uk import (
    GB_BOUNDS,
    POLICE_UK_COLUMNS,
    SNAKE_COLUMNS,
    _BngPoints,
    _header_difference,
)

__all__ = ["BulkIntake", "police_uk_to_parquet", "space_time_counts"]


@dataclass
class BulkIntake:
    """The outcome of :func:`police_uk_to_parquet`.

    Attributes
    ----------
    parquet : Path
        The kept rows: the columns of ``read_police_uk`` (``month`` as ``YYYY-MM`` text)
        plus ``file``, ``line``, ``x`` and ``y`` (EPSG:27700 metres).
    excluded_parquet : Path
        Every row kept out, with ``file``, ``line``, ``reason`` and the 12 original columns.
    report : IntakeReport
        As ``read_police_uk``'s ``attrs["intake"]`` (``excluded`` read from the Parquet).
    """

    parquet: Path
    excluded_parquet: Path
    report: Any

    def __repr__(self) -> str:
        return (f"BulkIntake({self.parquet.name}: {self.report.rows_kept:,} kept of "
                f"{self.report.rows_read:,} rows from {len(self.report.files)} file(s))")


def _cols_sql() -> str:
    return "{" + ", ".join(f"'{c}': 'VARCHAR'" for c in POLICE_UK_COLUMNS) + "}"


_GAP = re.compile(rb"\n\r?\n")


def _has_gaps(f: Path, chunk: int = 1 << 24) -> bool:
    """Tell whether ``f`` has an empty line before its last non-empty line.

    The file is read in chunks; a run of line ends at the end of a chunk is carried into
    the next one, so an empty line across a chunk boundary is found and the empty lines at
    the very end of the file are not counted.
    """
    carry = b""
    with f.open("rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                return False
            data = carry + block if carry else block
            cut = len(data.rstrip(b"\r\n"))
            if _GAP.search(data, 0, cut):
                return True
            carry = data[max(cut - 1, 0):] if cut else data


def _trailing_blank_lines(f: Path) -> int:
    """Empty lines after the last line of ``f`` (the last line's own ending not counted)."""
    with f.open("rb") as fh:
        fh.seek(0, 2)
        fh.seek(max(fh.tell() - 4096, 0))
        tail = fh.read()
    stripped = tail.rstrip(b"\r\n")
    return max(tail[len(stripped):].count(b"\n") - 1, 0)


def _check_files(files: list[Path], work: Path) -> tuple[list[Path], int, bool]:
    """Check each header; return the files DuckDB reads, trailing blank lines and NUL bytes.

    The third value tells whether any file holds a NUL byte (its rows are then checked).

    A Windows-1252 file, or one with empty lines between its rows, is copied to ``work`` as
    UTF-8 with each empty line written as a row of empty cells: DuckDB then reads it as a
    blank row on the same line number, as the pandas reader does.
    """
    out: list[Path] = []
    trailing = 0
    nul = False
    for i, f in enumerate(files):
        enc = sniff_text(f)
        nul = nul or has_nul(f)
        got = read_header(f, enc)
        if got != POLICE_UK_COLUMNS:
            raise SchemaError(
                f"{f}: the header does not match the 12 data.police.uk street columns "
                f"({', '.join(POLICE_UK_COLUMNS)}): {_header_difference(got)}")
        trailing += _trailing_blank_lines(f)
        if enc == "cp1252" or _has_gaps(f):
            text = f.read_text(encoding=enc)
            fixed = re.sub(r"(?m)^(?=\r?$)", "," * (len(POLICE_UK_COLUMNS) - 1),
                           text.rstrip("\r\n"))
            copy = work / f"fixed_{i}.csv"
            copy.write_text(fixed + text[len(text.rstrip("\r\n")):], encoding="utf-8")
            out.append(copy)
        else:
            out.append(f)
    return out, trailing, nul


#: reason codes the SQL gives each row; "repeated month" and "repeated Crime ID" (3 and 4)
#: are decided while the rows stream in file order (see _Repeats)
REASONS = ("", "blank line", "bad month", "repeated month", "repeated Crime ID",
           "bad coordinates", "zero coordinates", "no location",
           "latitude and longitude swapped", "outside Great Britain", "missing crime type",
           NUL_REASON)
_BLANK, _BAD_MONTH, _REP_MONTH, _REP_ID, _NUL = 1, 2, 3, 4, 11

_ALL = ", ".join(f'"{c}"' for c in POLICE_UK_COLUMNS)
#: a row with a NUL byte in any cell (only asked when a file holds one)
_NUL_SQL = "  WHEN " + " OR ".join(f'contains("{c}", chr(0))' for c in POLICE_UK_COLUMNS) + \
    " THEN 11\n"
_CODE = f"""
CASE
  WHEN COALESCE({_ALL}) IS NULL THEN 1
{{nul}}  WHEN TRY_STRPTIME("Month", '%Y-%m') IS NULL THEN 2
  WHEN ("Longitude" IS NOT NULL AND lon IS NULL) OR ("Latitude" IS NOT NULL AND lat IS NULL)
       OR abs(lon) > 180 OR abs(lat) > 90 THEN 5
  WHEN lon = 0 AND lat = 0 THEN 6
  WHEN lon IS NULL OR lat IS NULL OR isnan(lon) OR isnan(lat) THEN 7
  WHEN lat BETWEEN {GB_BOUNDS[0]} AND {GB_BOUNDS[2]}
       AND lon BETWEEN {GB_BOUNDS[1]} AND {GB_BOUNDS[3]} THEN 8
  WHEN NOT (lon BETWEEN {GB_BOUNDS[0]} AND {GB_BOUNDS[2]}
            AND lat BETWEEN {GB_BOUNDS[1]} AND {GB_BOUNDS[3]}) THEN 9
  WHEN "Crime type" IS NULL THEN 10
  ELSE 0
END::UTINYINT"""
#: the streamed columns: the 12 (coordinates as numbers) under their snake_case names
_STREAM = ", ".join(
    {"Longitude": "lon AS longitude", "Latitude": "lat AS latitude"}.get(c, f'"{c}" AS {s}')
    for c, s in zip(POLICE_UK_COLUMNS, SNAKE_COLUMNS))
_KEPT_COLUMNS = [*SNAKE_COLUMNS, "file", "line", "x", "y"]
#: Parquet options of the kept rows: no dictionary for the (unique) Crime IDs, and min/max
#: statistics only where a reader filters (writing them for long text costs time)
_DICTIONARY = [c for c in _KEPT_COLUMNS
               if c not in ("crime_id", "longitude", "latitude", "line", "x", "y")]
_STATS = ["month", "falls_within", "crime_type", "longitude", "latitude", "line", "x", "y"]


class _Repeats:
    """Repeated months and repeated Crime IDs, decided while the rows stream in file order.

    A month of a force belongs to the first file that holds it (``min(file)``); rows of it
    in a later file are "repeated month". Among the other rows, a Crime ID belongs to the
    first file that holds it; rows of it in a later file are "repeated Crime ID". Because
    the rows arrive in file order, the first file seen is the first file. Only the Crime IDs
    whose hash occurs more than once (``candidates``, from one aggregate over the files)
    are tracked by value, so memory stays small unless IDs really repeat.
    """

    def __init__(self, candidates: Any) -> None:
        self.candidates = candidates
        self.month_first: dict[tuple[Any, Any], int] = {}
        self.month_rows: dict[tuple[int, int, Any, Any], int] = {}
        self.id_first: dict[str, list[int]] = {}  # id -> [first file, rows in it]
        self.repeated_ids = 0

    def months(self, month: Any, force: Any, fi: np.ndarray, live: np.ndarray) -> np.ndarray:
        """Flag the rows of a month and force first read from an earlier file."""
        import pyarrow.compute as pc

        md, fd = pc.dictionary_encode(month), pc.dictionary_encode(force)
        mi = np.asarray(md.indices.fill_null(-1), dtype=np.int64)
        fj = np.asarray(fd.indices.fill_null(-1), dtype=np.int64)
        mv, fv = md.dictionary.to_pylist() + [None], fd.dictionary.to_pylist() + [None]
        nf = len(fv)
        key = np.where(mi < 0, len(mv) - 1, mi) * nf + np.where(fj < 0, nf - 1, fj)
        rows = np.flatnonzero(live)
        first_row = np.full(len(mv) * nf, -1, dtype=np.int64)
        first_row[key[rows][::-1]] = rows[::-1]
        first_file = np.zeros(len(first_row), dtype=np.int64)
        for k in np.flatnonzero(first_row >= 0).tolist():
            first_file[k] = self.month_first.setdefault((mv[k // nf], fv[k % nf]),
                                                        int(fi[first_row[k]]))
        rep = live & (fi != first_file[key])
        if rep.any():
            at = np.flatnonzero(rep)
            combo = fi[at] * len(first_row) + key[at]
            uniq, first, n = np.unique(combo, return_index=True, return_counts=True)
            for j in np.argsort(first, kind="stable").tolist():
                f, k = divmod(int(uniq[j]), len(first_row))
                group = (int(f), int(first_file[k]), mv[k // nf], fv[k % nf])
                self.month_rows[group] = self.month_rows.get(group, 0) + int(n[j])
        return rep

    def ids(self, crime_id: Any, hashes: Any, fi: np.ndarray, live: np.ndarray) -> np.ndarray:
        """Flag the rows whose Crime ID was first read from an earlier file."""
        import pyarrow.compute as pc

        rep = np.zeros(len(fi), dtype=bool)
        if hashes is None:
            return rep
        cand = np.asarray(pc.is_in(hashes, value_set=self.candidates).fill_null(False))
        cand &= live & np.asarray(crime_id.is_valid())
        at = np.flatnonzero(cand)
        if len(at) == 0:
            return rep
        for i, cid, f in zip(at.tolist(), crime_id.take(at).to_pylist(), fi[at].tolist()):
            seen = self.id_first.get(cid)
            if seen is None:
                self.id_first[cid] = [f, 1]
            elif seen[0] == f:
                seen[1] += 1
            else:
                rep[i] = True
        self.repeated_ids += int(rep.sum())
        return rep

    def facts(self, files: list[Path]) -> dict[str, Any]:
        return {
            "repeated_ids": self.repeated_ids,
            "ids_twice_in_a_file": sum(1 for _, n in self.id_first.values() if n > 1),
            "repeated_months": [{"file": str(files[f]), "month": str(m), "force": str(fw),
                                 "rows": k, "first_read_from": str(files[first])}
                                for (f, first, m, fw), k in self.month_rows.items()],
        }


class _Lines:
    """File and line of each streamed row (the rows arrive in file order)."""

    def __init__(self) -> None:
        self.offset = 0  # rows streamed so far
        self.file = -1  # the file being read and the stream offset of its first row
        self.start = 0

    def __call__(self, fi: np.ndarray) -> np.ndarray:
        n = len(fi)
        if n == 0:
            return np.zeros(0, dtype=np.int64)
        seg = np.flatnonzero(np.r_[True, fi[1:] != fi[:-1]])
        starts = np.empty(len(seg), dtype=np.int64)
        for j, s in enumerate(seg.tolist()):
            f = int(fi[s])
            if f != self.file:
                if f < self.file:
                    raise RuntimeError("DuckDB returned the rows out of file order")
                self.file, self.start = f, self.offset + s
            starts[j] = self.start
        pos = self.offset + np.arange(n, dtype=np.int64)
        self.offset += n
        return pos - np.repeat(starts, np.diff(np.r_[seg, n])) + 2


def police_uk_to_parquet(path: str | Path | Iterable[str | Path], out: str | Path, *,
                         batch_rows: int = 500_000, memory_limit: str = "2GB",
                         threads: int | None = None,
                         outcomes: pd.DataFrame | None = None) -> BulkIntake:
    r"""Read data.police.uk street CSVs through DuckDB into Parquet, with the usual checks.

    Parameters
    ----------
    path : str, Path or iterable of them
        Files, folders or glob patterns, as for :func:`~intelbench.intake.read_police_uk`.
    out : str or Path
        A folder; ``crimes.parquet`` and ``excluded.parquet`` are written there (and a
        temporary work folder, removed at the end).
    batch_rows : int
        Rows checked, transformed to British National Grid and written per batch.
    memory_limit : str
        DuckDB's memory limit; past it DuckDB spills to the work folder.
    threads : int, optional
        DuckDB threads (default: DuckDB's choice).
    outcomes : pandas.DataFrame, optional
        The latest outcome per Crime ID (``crime_id``, ``outcome``, ``outcome_month``), as
        :func:`~intelbench.intake.police_uk.read_outcomes` returns; joined to the kept rows
        as ``outcome`` and ``outcome_month`` (``YYYY-MM`` text).

    Returns
    -------
    BulkIntake
        The Parquet paths and the intake report.

    Raises
    ------
    SchemaError
        For a header that is not the 12 data.police.uk columns or a file that is not CSV
        text.

    Notes
    -----
    The files are read twice by DuckDB, nothing is copied in between. The first read
    hashes the Crime IDs and keeps the hashes seen more than once (usually none). The second
    streams the rows in file order with the per-row checks done in SQL (blank line, bad
    month, coordinates, crime type); the checks that span files are decided on the way,
    since in file order the first file to hold a month of a force, or a Crime ID, is the
    one seen first. Each batch of kept rows gets its British National Grid x/y (pyproj,
    once per distinct point) and is written to Parquet while DuckDB parses the next.
    Memory is bounded by DuckDB's limit and the batch.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> head = ",".join(ib.intake.POLICE_UK_COLUMNS)
    >>> rows = ["a1,2025-01,F,F,-1.5,53.0,On or near X,E01000001,A 001A,Burglary,,",
    ...         "a2,2025-01,F,F,,,No Location,,,Drugs,,"]
    >>> tmp = pathlib.Path(tempfile.mkdtemp())
    >>> _ = (tmp / "2025-01-f-street.csv").write_text("\n".join([head, *rows]) + "\n")
    >>> from intelbench.intake.bulk import police_uk_to_parquet
    >>> res = police_uk_to_parquet(tmp, tmp / "out")
    >>> res.report.counts(), res.report.rows_kept
    ({'no location': 1}, 1)
    >>> pd.read_parquet(res.parquet)[["crime_id", "month", "line"]].values.tolist()
    [['a1', '2025-01', 2]]
    """
    import shutil

    import duckdb

    if batch_rows < 1:
        raise ParameterError(f"batch_rows must be at least 1; got {batch_rows!r}")
    files = collect_files(path)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out_dir, prefix="duckdb-"))
    kept_path, excl_path = out_dir / "crimes.parquet", out_dir / "excluded.parquet"
    con = duckdb.connect()
    try:
        read, trailing, nul = _check_files(files, work)
        con.execute("SET enable_progress_bar=false")
        con.execute(f"SET memory_limit='{memory_limit}'")
        con.execute(f"SET temp_directory='{work / 'spill'}'")
        con.execute("SET preserve_insertion_order=true")
        if threads:
            con.execute(f"SET threads={int(threads)}")
        csv = (f"read_csv($files, header=true, columns={_cols_sql()}, auto_detect=false, "
               """delim=',', quote='"', escape='"', strict_mode=true)""")
        names = {"files": [str(f) for f in read]}
        cand = con.sql(f"""SELECT h FROM (SELECT hash("Crime ID") AS h FROM {csv}
                           WHERE "Crime ID" IS NOT NULL) GROUP BY h HAVING count(*) > 1""",
                       params=names).to_arrow_table().column("h").combine_chunks()
        hashes = ', hash("Crime ID") AS h' if len(cand) else ""
        reader = con.sql(f"""
            SELECT fi, {_STREAM}, {_CODE.format(nul=_NUL_SQL if nul else "")} AS code{hashes}
            FROM (SELECT *, file_index AS fi, TRY_CAST("Longitude" AS DOUBLE) AS lon,
                         TRY_CAST("Latitude" AS DOUBLE) AS lat FROM {csv})""",
                         params=names).to_arrow_reader(batch_rows)
        facts = _stream(reader, kept_path, excl_path, files, _Repeats(cand), outcomes)
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)
    from intelbench.intake.report import IntakeReport

    excluded = pd.read_parquet(excl_path)
    excluded.insert(0, "file", [str(files[i]) for i in excluded.pop("file_idx")])
    excluded = excluded[["file", "line", "reason", *POLICE_UK_COLUMNS]]
    report = IntakeReport(files=[str(f) for f in files], rows_read=facts["rows_read"],
                          rows_kept=facts["rows_kept"],
                          blank_lines=facts["blank_lines"] + trailing, excluded=excluded,
                          repeated_months=facts["repeated_months"],
                          repeated_ids=facts["repeated_ids"],
                          ids_twice_in_a_file=facts["ids_twice_in_a_file"])
    return BulkIntake(parquet=kept_path, excluded_parquet=excl_path, report=report)


def _outcome_lookup(outcomes: pd.DataFrame) -> tuple[Any, Any, Any]:
    import pyarrow as pa

    month = np.asarray(outcomes["outcome_month"].astype(str), dtype=object)
    return (pa.array(outcomes["crime_id"].astype(object), type=pa.string()),
            pa.array(outcomes["outcome"].to_numpy(dtype=object), type=pa.string()),
            pa.array(month, type=pa.string()))


def _stream(reader: Any, kept_path: Path, excl_path: Path, files: list[Path],
            repeats: _Repeats, outcomes: pd.DataFrame | None) -> dict[str, Any]:
    """Check the streamed rows, write the kept ones with x/y and the excluded ones."""
    from concurrent.futures import Future, ThreadPoolExecutor

    import pyarrow as pa
    import pyarrow.parquet as pq

    file_names = pa.array([str(f) for f in files], type=pa.string())
    reasons = pa.array(REASONS, type=pa.string())
    lookup = _outcome_lookup(outcomes) if outcomes is not None else None
    lines = _Lines()
    to_bng = _BngPoints()
    writer: Any = None
    pending: Future[None] | None = None
    excluded: list[Any] = []
    counts = {"rows_read": 0, "rows_kept": 0, "blank_lines": 0}
    with ThreadPoolExecutor(max_workers=1) as pool:
        for batch in reader:
            fi = batch.column("fi").to_numpy().astype(np.int64)
            code = batch.column("code").to_numpy().astype(np.uint8)
            line = lines(fi)
            live = code != _BLANK
            counts["rows_read"] += int(live.sum())
            counts["blank_lines"] += int(len(code) - live.sum())
            rep_month = repeats.months(batch.column("month"), batch.column("falls_within"),
                                       fi, live)
            rep_id = repeats.ids(batch.column("crime_id"),
                                 batch.column("h") if "h" in batch.schema.names else None,
                                 fi, live & ~rep_month)
            nul = code == _NUL  # a NUL byte outranks every reason but a blank line
            open_ = live & (code != _BAD_MONTH) & ~nul
            code[open_ & rep_id] = _REP_ID
            code[open_ & rep_month] = _REP_MONTH
            out = np.flatnonzero((code != 0) & live)
            if len(out):
                part = batch.select(SNAKE_COLUMNS).take(pa.array(out))
                excluded.append(pa.table(
                    [pa.array(fi[out]), pa.array(line[out]),
                     reasons.take(pa.array(code[out])), *part.columns],
                    names=["file_idx", "line", "reason", *POLICE_UK_COLUMNS]))
            keep = np.flatnonzero(code == 0)
            if len(keep) == 0:
                continue
            table = _rows(pa.Table.from_batches([batch.select(SNAKE_COLUMNS)]), keep)
            lon = table.column("longitude").to_numpy()
            lat = table.column("latitude").to_numpy()
            x, y = to_bng(lon, lat)
            table = (table.append_column("file", pa.DictionaryArray.from_arrays(
                         pa.array(fi[keep].astype(np.int32)), file_names))
                     .append_column("line", pa.array(line[keep]))
                     .append_column("x", pa.array(x)).append_column("y", pa.array(y)))
            if lookup is not None:
                table = _join_outcomes(table, lookup)
            if writer is None:
                writer = pq.ParquetWriter(kept_path, table.schema, store_schema=False,
                                          use_dictionary=_DICTIONARY, write_statistics=_STATS)
            if pending is not None:
                pending.result()
            pending = pool.submit(writer.write_table, table)
            counts["rows_kept"] += len(keep)
        if pending is not None:
            pending.result()
    if writer is None:
        names = _KEPT_COLUMNS + (["outcome", "outcome_month"] if lookup is not None else [])
        types = {"longitude": pa.float64(), "latitude": pa.float64(), "line": pa.int64(),
                 "x": pa.float64(), "y": pa.float64()}
        empty = pa.schema([(s, types.get(s, pa.string())) for s in names])
        pq.write_table(empty.empty_table(), kept_path)
    else:
        writer.close()
    schema = pa.schema([("file_idx", pa.int64()), ("line", pa.int64()),
                        ("reason", pa.string())] + [
        (c, pa.float64() if c in ("Longitude", "Latitude") else pa.string())
        for c in POLICE_UK_COLUMNS])
    pq.write_table(pa.concat_tables(excluded) if excluded else schema.empty_table(),
                   excl_path)
    return {**counts, **repeats.facts(files)}


def _rows(table: Any, keep: np.ndarray) -> Any:
    """Return the rows ``keep`` (sorted) of ``table``, as zero-copy slices if a few runs."""
    import pyarrow as pa

    if len(keep) == table.num_rows:
        return table
    breaks = np.flatnonzero(np.diff(keep) != 1) + 1
    if len(breaks) > 64:
        return table.take(pa.array(keep))
    starts = np.r_[0, breaks]
    ends = np.r_[breaks, len(keep)]
    return pa.concat_tables([table.slice(int(keep[a]), int(b - a))
                             for a, b in zip(starts, ends, strict=True)])


def _join_outcomes(table: Any, lookup: tuple[Any, Any, Any]) -> Any:
    """Add ``outcome`` and ``outcome_month`` by Crime ID (null where none)."""
    import pyarrow.compute as pc

    ids, value, month = lookup
    at = pc.index_in(table.column("crime_id"), value_set=ids)
    return (table.append_column("outcome", value.take(at))
            .append_column("outcome_month", month.take(at)))


def space_time_counts(parquet: str | Path, *, cell_size: float = 100.0,
                      where: str | None = None, threads: int | None = None) -> pd.DataFrame:
    """Count events by month and square grid cell in SQL on the Parquet (a space-time cube).

    Parameters
    ----------
    parquet : str or Path
        Kept rows from :func:`police_uk_to_parquet` (``month``, ``x``, ``y``).
    cell_size : float
        Cell side in metres; cells are aligned on multiples of it in EPSG:27700.
    where : str, optional
        An SQL condition on the Parquet's columns (for example
        ``"crime_type = 'Burglary'"``); the caller's own text, not user input.
    threads : int, optional
        DuckDB threads.

    Returns
    -------
    pandas.DataFrame
        ``month`` (``period[M]``), ``col``, ``row`` (cell indices: ``floor(x / cell_size)``,
        ``floor(y / cell_size)``), ``x``, ``y`` (the cell centre) and ``count``; only cells
        with events, sorted by month, row, col. ``attrs["cell_size"]`` holds the size.

    Raises
    ------
    ParameterError
        For a non-positive cell size.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "c.parquet"
    >>> pd.DataFrame({"month": ["2025-01", "2025-01", "2025-02"], "x": [10.0, 60.0, 150.0],
    ...               "y": [10.0, 90.0, 10.0]}).to_parquet(f)
    >>> from intelbench.intake.bulk import space_time_counts
    >>> space_time_counts(f, cell_size=100)[["month", "col", "row", "count"]].astype(
    ...     {"month": str}).values.tolist()
    [['2025-01', 0, 0, 2], ['2025-02', 1, 0, 1]]
    """
    import duckdb

    if not cell_size > 0:
        raise ParameterError(f"cell_size must be positive metres; got {cell_size!r}")
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar=false")
        if threads:
            con.execute(f"SET threads={int(threads)}")
        cond = f"WHERE x IS NOT NULL AND ({where})" if where else "WHERE x IS NOT NULL"
        s = float(cell_size)
        got = con.sql(f"""
            SELECT (year(m) - 1970) * 12 + month(m) - 1 AS ordinal, col, row, count
            FROM (SELECT strptime(CAST(month AS VARCHAR), '%Y-%m') AS m, col, row, count
                  FROM (SELECT month, CAST(floor(x / {s}) AS BIGINT) AS col,
                               CAST(floor(y / {s}) AS BIGINT) AS row, count(*) AS count
                        FROM read_parquet($p) {cond} GROUP BY ALL))
            ORDER BY ordinal, row, col""", params={"p": str(parquet)}).fetchnumpy()
    finally:
        con.close()
    ordinal = got["ordinal"]
    if np.ma.is_masked(ordinal):
        raise SchemaError(f"{parquet}: {int(np.ma.count_masked(ordinal))} cell(s) of events "
                          "have no month; expected YYYY-MM text in the month column")
    ordinal = np.asarray(ordinal, dtype=np.int64)
    col = np.asarray(got["col"], dtype=np.int64)
    row = np.asarray(got["row"], dtype=np.int64)
    frame = pd.DataFrame({
        "month": pd.arrays.PeriodArray(ordinal, dtype=pd.PeriodDtype("M")), "col": col, "row": row,
        "x": (col + 0.5) * cell_size, "y": (row + 0.5) * cell_size,
        "count": np.asarray(got["count"], dtype=np.int64)})
    frame.attrs["cell_size"] = float(cell_size)
    return frame
