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
from intelbench.intake._common import collect_files, read_header, sniff_text
from intelbench.intake.police_uk import (
    GB_BOUNDS,
    POLICE_UK_COLUMNS,
    SNAKE_COLUMNS,
    _header_difference,
    _to_bng,
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


def _check_files(files: list[Path], work: Path) -> tuple[list[Path], int]:
    """Check each header; return the files DuckDB reads and the trailing blank lines.

    A Windows-1252 file, or one with empty lines between its rows, is copied to ``work`` as
    UTF-8 with each empty line written as a row of empty cells: DuckDB then reads it as a
    blank row on the same line number, as the pandas reader does.
    """
    out: list[Path] = []
    trailing = 0
    for i, f in enumerate(files):
        enc = sniff_text(f)
        got = read_header(f, enc)
        if got != POLICE_UK_COLUMNS:
            raise SchemaError(
                f"{f}: the header does not match the 12 data.police.uk street columns "
                f"({', '.join(POLICE_UK_COLUMNS)}): {_header_difference(got)}")
        gaps = False
        with f.open("rb") as fh:
            data_tail = b""
            prev = b""
            while True:
                chunk = fh.read(1 << 23)
                if not chunk:
                    break
                body = (prev + chunk).rstrip(b"\r\n")
                gaps = gaps or b"\n\n" in body or b"\n\r\n" in body
                prev = chunk[-2:]
                data_tail = chunk[-4096:]
        stripped = data_tail.rstrip(b"\r\n")
        trailing += max(data_tail[len(stripped):].count(b"\n") - 1, 0)
        if enc == "cp1252" or gaps:
            text = f.read_text(encoding=enc)
            fixed = re.sub(r"(?m)^(?=\r?$)", "," * (len(POLICE_UK_COLUMNS) - 1),
                           text.rstrip("\r\n"))
            copy = work / f"fixed_{i}.csv"
            copy.write_text(fixed + text[len(text.rstrip("\r\n")):], encoding="utf-8")
            out.append(copy)
        else:
            out.append(f)
    return out, trailing


_REASONS = f"""
CASE
  WHEN blank THEN 'blank line'
  WHEN NOT month_ok THEN 'bad month'
  WHEN rep_month THEN 'repeated month'
  WHEN rep_id THEN 'repeated Crime ID'
  WHEN lon_bad OR lat_bad OR abs(lon) > 180 OR abs(lat) > 90 THEN 'bad coordinates'
  WHEN lon = 0 AND lat = 0 THEN 'zero coordinates'
  WHEN lon IS NULL OR lat IS NULL OR isnan(lon) OR isnan(lat) THEN 'no location'
  WHEN lat BETWEEN {GB_BOUNDS[0]} AND {GB_BOUNDS[2]}
       AND lon BETWEEN {GB_BOUNDS[1]} AND {GB_BOUNDS[3]} THEN 'latitude and longitude swapped'
  WHEN NOT (lon BETWEEN {GB_BOUNDS[0]} AND {GB_BOUNDS[2]}
            AND lat BETWEEN {GB_BOUNDS[1]} AND {GB_BOUNDS[3]}) THEN 'outside Great Britain'
  WHEN "Crime type" IS NULL THEN 'missing crime type'
  ELSE ''
END"""

_ALL = ", ".join(f'"{c}"' for c in POLICE_UK_COLUMNS)
#: excluded rows keep the original columns, coordinates as numbers (as read_police_uk does)
_EXCLUDED = ", ".join({"Longitude": 'lon AS "Longitude"', "Latitude": 'lat AS "Latitude"'}
                      .get(c, f'"{c}"') for c in POLICE_UK_COLUMNS)


def _flag_views(con: Any, raw: Path) -> None:
    """Create views over the raw Parquet giving each row its file, line, flags and reason.

    Only small tables are built (first file of each month and force, row counts per file,
    Crime IDs seen more than once); the rows themselves are scanned from the Parquet.
    """
    con.execute(f"""
        CREATE VIEW r AS
        SELECT p.*, f.file_idx, TRY_CAST("Longitude" AS DOUBLE) AS lon,
               TRY_CAST("Latitude" AS DOUBLE) AS lat,
               ("Longitude" IS NOT NULL AND TRY_CAST("Longitude" AS DOUBLE) IS NULL) AS lon_bad,
               ("Latitude" IS NOT NULL AND TRY_CAST("Latitude" AS DOUBLE) IS NULL) AS lat_bad,
               (TRY_STRPTIME("Month", '%Y-%m') IS NOT NULL) AS month_ok,
               (COALESCE({_ALL}) IS NULL) AS blank
        FROM read_parquet('{raw}') p JOIN files f ON p.filename = f.path""")
    con.execute("""CREATE TABLE fstart AS SELECT file_idx, min(rid) AS first_rid
                   FROM read_parquet(?) p JOIN files f ON p.filename = f.path GROUP BY 1""",
                [str(raw)])
    con.execute("""CREATE TABLE mfirst AS SELECT "Month" AS m, "Falls within" AS fw,
                   min(file_idx) AS first, min(rid) AS first_rid
                   FROM r WHERE NOT blank GROUP BY ALL""")
    con.execute("""
        CREATE VIEW rm AS
        SELECT r.*, COALESCE(NOT r.blank AND r.file_idx <> mf.first, false) AS rep_month,
               mf.first AS month_first
        FROM r LEFT JOIN mfirst mf ON r."Month" IS NOT DISTINCT FROM mf.m
                                   AND r."Falls within" IS NOT DISTINCT FROM mf.fw""")
    con.execute("""
        CREATE TABLE ids AS
        SELECT "Crime ID" AS id, min(file_idx) AS first, max(file_idx) AS last, count(*) AS n
        FROM rm WHERE NOT blank AND NOT rep_month AND "Crime ID" IS NOT NULL
        GROUP BY 1 HAVING min(file_idx) <> max(file_idx) OR count(*) > 1""")
    con.execute(f"""
        CREATE VIEW checked AS
        WITH i AS (
          SELECT rm.*, COALESCE(NOT rm.blank AND NOT rm.rep_month AND rm.file_idx <> d.first,
                                false) AS rep_id,
                 rm.rid - fs.first_rid + 2 AS line
          FROM rm JOIN fstart fs USING (file_idx)
          LEFT JOIN (SELECT id, first FROM ids WHERE first <> last) d ON rm."Crime ID" = d.id)
        SELECT *, {_REASONS} AS reason FROM i""")


def _outcome_lookup(outcomes: pd.DataFrame | None) -> tuple[pd.Index, np.ndarray, np.ndarray]:
    if outcomes is None:
        return pd.Index([], dtype=object), np.zeros(0, dtype=object), np.zeros(0, dtype=object)
    return (pd.Index(outcomes["crime_id"].astype(object)),
            outcomes["outcome"].to_numpy(dtype=object),
            np.asarray(outcomes["outcome_month"].astype(str), dtype=object))


def police_uk_to_parquet(path: str | Path | Iterable[str | Path], out: str | Path, *,
                         batch_rows: int = 1_000_000, memory_limit: str = "2GB",
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
        Rows transformed to British National Grid and written per batch.
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
    The CSVs are copied once into a temporary Parquet file (columnar, compressed); the
    checks that span files (repeated months, repeated Crime IDs) are aggregates over it that
    keep only the groups seen more than once, and the kept rows are streamed from it in file
    order, transformed to British National Grid once per distinct point of each batch and
    written with their file and line. Memory is bounded by DuckDB's limit and the batch.

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
    import pyarrow as pa
    import pyarrow.parquet as pq

    if batch_rows < 1:
        raise ParameterError(f"batch_rows must be at least 1; got {batch_rows!r}")
    files = collect_files(path)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out_dir, prefix="duckdb-"))
    kept_path, excl_path = out_dir / "crimes.parquet", out_dir / "excluded.parquet"
    con = duckdb.connect()
    try:
        read, trailing = _check_files(files, work)
        con.execute("SET enable_progress_bar=false")
        con.execute(f"SET memory_limit='{memory_limit}'")
        con.execute(f"SET temp_directory='{work / 'spill'}'")
        con.execute("SET preserve_insertion_order=true")
        if threads:
            con.execute(f"SET threads={int(threads)}")
        names = [str(f) for f in read]
        con.execute("CREATE TABLE files AS SELECT * FROM (SELECT unnest(?) AS path, "
                    "generate_subscripts(?, 1) - 1 AS file_idx)", [names, names])
        raw = work / "raw.parquet"
        con.execute(f"""
            COPY (SELECT *, row_number() OVER () AS rid FROM read_csv(?, header=true,
                  columns={_cols_sql()}, auto_detect=false, delim=',', quote='"',
                  escape='"', filename=true, strict_mode=true))
            TO '{raw}' (FORMAT parquet)""", [names])
        _flag_views(con, raw)
        facts = _facts(con, files)
        facts["blank_lines"] += trailing
        con.execute(f"""
            COPY (SELECT file_idx, line, reason, {_EXCLUDED} FROM checked
                  WHERE reason NOT IN ('', 'blank line') ORDER BY rid)
            TO '{excl_path}' (FORMAT parquet)""")
        drop = con.execute("SELECT rid FROM checked WHERE reason <> '' ORDER BY rid"
                           ).fetchnumpy()["rid"]
        drop = np.asarray(drop, dtype=np.int64)
        starts = con.execute("SELECT file_idx, first_rid FROM fstart ORDER BY first_rid"
                             ).fetchnumpy()
        s_file = np.asarray(starts["file_idx"], dtype=np.int64)
        s_rid = np.asarray(starts["first_rid"], dtype=np.int64)
        text = ", ".join(f'"{c}" AS {s}' for c, s in zip(POLICE_UK_COLUMNS, SNAKE_COLUMNS)
                         if c not in ("Longitude", "Latitude"))
        reader = con.sql(f"""SELECT {text}, TRY_CAST("Longitude" AS DOUBLE) AS longitude,
                                    TRY_CAST("Latitude" AS DOUBLE) AS latitude, rid
                             FROM read_parquet('{raw}')""").to_arrow_reader(batch_rows)
        o_index, o_value, o_month = _outcome_lookup(outcomes)
        kept = _write_kept(reader, kept_path, drop, s_file, s_rid, files,
                           (o_index, o_value, o_month) if outcomes is not None else None)
    finally:
        con.close()
        shutil.rmtree(work, ignore_errors=True)
    del pa, pq
    from intelbench.intake.report import IntakeReport

    excluded = pd.read_parquet(excl_path)
    excluded.insert(0, "file", [str(files[i]) for i in excluded.pop("file_idx")])
    excluded = excluded[["file", "line", "reason", *POLICE_UK_COLUMNS]]
    report = IntakeReport(files=[str(f) for f in files], rows_read=facts["rows_read"],
                          rows_kept=kept, blank_lines=facts["blank_lines"],
                          excluded=excluded, repeated_months=facts["repeated_months"],
                          repeated_ids=facts["repeated_ids"],
                          ids_twice_in_a_file=facts["ids_twice_in_a_file"])
    return BulkIntake(parquet=kept_path, excluded_parquet=excl_path, report=report)


_KEPT_COLUMNS = [*SNAKE_COLUMNS, "file", "line", "x", "y"]


def _write_kept(reader: Any, kept_path: Path, drop: np.ndarray, s_file: np.ndarray,
                s_rid: np.ndarray, files: list[Path],
                outcomes: tuple[pd.Index, np.ndarray, np.ndarray] | None) -> int:
    """Stream the raw rows in file order, keep those not in ``drop``, add file, line, x/y."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    file_names = pa.array([str(f) for f in files])
    writer: Any = None
    kept = 0
    for batch in reader:
        rid = batch.column("rid").to_numpy(zero_copy_only=False).astype(np.int64)
        pos = np.searchsorted(drop, rid)
        hit = pos < len(drop)
        hit[hit] = drop[pos[hit]] == rid[hit]
        keep = ~hit
        if not keep.any():
            continue
        table = pa.Table.from_batches([batch]).filter(pa.array(keep))
        rid = rid[keep]
        k = np.searchsorted(s_rid, rid, side="right") - 1
        lon = table.column("longitude").to_numpy().astype(float)
        lat = table.column("latitude").to_numpy().astype(float)
        x, y = _to_bng(lon, lat)
        table = table.drop_columns(["rid"])
        table = table.select([*SNAKE_COLUMNS[:4], "longitude", "latitude", *SNAKE_COLUMNS[6:]])
        table = table.append_column("file", file_names.take(pa.array(s_file[k])))
        table = table.append_column("line", pa.array(rid - s_rid[k] + 2))
        table = table.append_column("x", pa.array(x)).append_column("y", pa.array(y))
        if outcomes is not None:
            index, value, month = outcomes
            at = index.get_indexer(table.column("crime_id").to_numpy(zero_copy_only=False))
            found = at >= 0
            ov = np.full(len(at), None, dtype=object)
            om = np.full(len(at), None, dtype=object)
            ov[found], om[found] = value[at[found]], month[at[found]]
            table = table.append_column("outcome", pa.array(ov, type=pa.string()))
            table = table.append_column("outcome_month", pa.array(om, type=pa.string()))
        if writer is None:
            writer = pq.ParquetWriter(kept_path, table.schema)
        writer.write_table(table)
        kept += table.num_rows
    if writer is None:
        names = _KEPT_COLUMNS + (["outcome", "outcome_month"] if outcomes is not None else [])
        types = {"longitude": pa.float64(), "latitude": pa.float64(), "line": pa.int64(),
                 "x": pa.float64(), "y": pa.float64()}
        empty = pa.schema([(s, types.get(s, pa.string())) for s in names])
        pq.write_table(empty.empty_table(), kept_path)
    else:
        writer.close()
    return kept


def _facts(con: Any, files: list[Path]) -> dict[str, Any]:
    n, blank, rep_ids = con.execute(
        "SELECT count(*) FILTER (WHERE NOT blank), count(*) FILTER (WHERE blank), "
        "count(*) FILTER (WHERE rep_id) FROM checked").fetchone()
    single = con.execute("SELECT count(*) FROM ids WHERE first = last").fetchone()[0]
    multi = con.execute("""
        SELECT count(*) FROM (SELECT rm."Crime ID" FROM rm JOIN ids d
          ON rm."Crime ID" = d.id AND d.first <> d.last AND rm.file_idx = d.first
          WHERE NOT rm.blank AND NOT rm.rep_month GROUP BY 1 HAVING count(*) > 1)""").fetchone()[0]
    months = con.execute("""
        SELECT file_idx, month_first, "Month", "Falls within", count(*) AS rows
        FROM rm WHERE rep_month GROUP BY ALL ORDER BY min(rid)""").fetchall()
    return {
        "rows_read": int(n), "blank_lines": int(blank), "repeated_ids": int(rep_ids),
        "ids_twice_in_a_file": int(single) + int(multi),
        "repeated_months": [{"file": str(files[f]), "month": str(m), "force": str(fw),
                             "rows": int(k), "first_read_from": str(files[first])}
                            for f, first, m, fw, k in months],
    }


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
        frame = con.execute(f"""
            SELECT month, CAST(floor(x / {s}) AS BIGINT) AS col,
                   CAST(floor(y / {s}) AS BIGINT) AS row, count(*) AS count
            FROM read_parquet(?) {cond}
            GROUP BY ALL ORDER BY month, row, col""", [str(parquet)]).df()
    finally:
        con.close()
    codes, months = pd.factorize(frame["month"].astype(str))  # parse each month once
    frame["month"] = pd.PeriodIndex(list(months), freq="M").take(codes)
    frame.insert(3, "x", (frame["col"] + 0.5) * cell_size)
    frame.insert(4, "y", (frame["row"] + 0.5) * cell_size)
    frame["count"] = frame["count"].astype(np.int64)
    frame.attrs["cell_size"] = float(cell_size)
    return frame
