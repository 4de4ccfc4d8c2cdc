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
    """Check each header; re-encode Windows-1252 files; return files and trailing blanks."""
    out: list[Path] = []
    trailing = 0
    for i, f in enumerate(files):
        enc = sniff_text(f)
        got = read_header(f, enc)
        if got != POLICE_UK_COLUMNS:
            raise SchemaError(
                f"{f}: the header does not match the 12 data.police.uk street columns "
                f"({', '.join(POLICE_UK_COLUMNS)}): {_header_difference(got)}")
        with f.open("rb") as fh:
            data_tail = b""
            prev = b""
            while True:
                chunk = fh.read(1 << 23)
                if not chunk:
                    break
                probe = prev + chunk
                body = probe.rstrip(b"\r\n")
                if b"\n\n" in body or b"\n\r\n" in body:
                    raise SchemaError(
                        f"{f}: the file has empty lines between its rows; read it with "
                        "ib.read_police_uk, which counts them line by line")
                prev = chunk[-2:]
                data_tail = chunk[-4096:]
        stripped = data_tail.rstrip(b"\r\n")
        trailing += max(data_tail[len(stripped):].count(b"\n") - 1, 0)
        if enc == "cp1252":
            copy = work / f"reencoded_{i}.csv"
            copy.write_text(f.read_text(encoding="cp1252"), encoding="utf-8")
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


def police_uk_to_parquet(path: str | Path | Iterable[str | Path], out: str | Path, *,
                         batch_rows: int = 1_000_000, memory_limit: str = "2GB",
                         threads: int | None = None) -> BulkIntake:
    r"""Read data.police.uk street CSVs through DuckDB into Parquet, with the usual checks.

    Parameters
    ----------
    path : str, Path or iterable of them
        Files or folders, as for :func:`~intelbench.intake.read_police_uk`.
    out : str or Path
        A folder; ``crimes.parquet`` and ``excluded.parquet`` are written there (and a
        temporary DuckDB database, removed at the end).
    batch_rows : int
        Rows transformed to British National Grid and written per batch.
    memory_limit : str
        DuckDB's memory limit; past it DuckDB spills to the folder.
    threads : int, optional
        DuckDB threads (default: DuckDB's choice).

    Returns
    -------
    BulkIntake
        The Parquet paths and the intake report.

    Raises
    ------
    SchemaError
        For a header that is not the 12 data.police.uk columns, a file that is not CSV text,
        or empty lines between rows (read such a file with ``read_police_uk``).

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
    import duckdb
    import pyarrow as pa
    import pyarrow.parquet as pq

    if batch_rows < 1:
        raise ParameterError(f"batch_rows must be at least 1; got {batch_rows!r}")
    files = collect_files(path)
    out_dir = Path(out)
    out_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(dir=out_dir, prefix="duckdb-"))
    read, trailing = _check_files(files, work)
    con = duckdb.connect(str(work / "intake.duckdb"))
    try:
        con.execute("SET enable_progress_bar=false")
        con.execute(f"SET memory_limit='{memory_limit}'")
        con.execute(f"SET temp_directory='{work / 'spill'}'")
        con.execute("SET preserve_insertion_order=true")
        if threads:
            con.execute(f"SET threads={int(threads)}")
        names = [str(f) for f in read]
        con.execute("CREATE TABLE files AS SELECT * FROM (SELECT unnest(?) AS path, "
                    "generate_subscripts(?, 1) - 1 AS file_idx)", [names, names])
        con.execute(f"""
            CREATE TABLE raw AS
            SELECT r.*, f.file_idx,
                   row_number() OVER (PARTITION BY f.file_idx ORDER BY r.rid) + 1 AS line
            FROM (SELECT *, row_number() OVER () AS rid FROM read_csv(?, header=true,
                  columns={_cols_sql()}, auto_detect=false, delim=',', quote='"',
                  escape='"', filename=true, strict_mode=true)) r
            JOIN files f ON r.filename = f.path
        """, [names])
        con.execute(f"""
            CREATE TABLE checked AS
            WITH base AS (
              SELECT *, TRY_CAST("Longitude" AS DOUBLE) AS lon,
                     TRY_CAST("Latitude" AS DOUBLE) AS lat,
                     ("Longitude" IS NOT NULL AND TRY_CAST("Longitude" AS DOUBLE) IS NULL)
                       AS lon_bad,
                     ("Latitude" IS NOT NULL AND TRY_CAST("Latitude" AS DOUBLE) IS NULL)
                       AS lat_bad,
                     (TRY_STRPTIME("Month", '%Y-%m') IS NOT NULL) AS month_ok,
                     (COALESCE("Crime ID", "Month", "Reported by", "Falls within",
                               "Longitude", "Latitude", "Location", "LSOA code", "LSOA name",
                               "Crime type", "Last outcome category", "Context") IS NULL)
                       AS blank
              FROM raw),
            m AS (
              SELECT *, (NOT blank AND file_idx <> min(file_idx) FILTER (WHERE NOT blank)
                         OVER (PARTITION BY "Month", "Falls within")) AS rep_month
              FROM base),
            i AS (
              SELECT *, COALESCE(file_idx <> min(file_idx) FILTER (
                          WHERE NOT blank AND NOT rep_month AND "Crime ID" IS NOT NULL)
                        OVER (PARTITION BY "Crime ID"), false)
                        AND NOT blank AND NOT rep_month AND "Crime ID" IS NOT NULL AS rep_id
              FROM m)
            SELECT *, {_REASONS} AS reason FROM i
        """)
        facts = _facts(con, files)
        facts["blank_lines"] += trailing
        kept_path, excl_path = out_dir / "crimes.parquet", out_dir / "excluded.parquet"
        con.execute(f"""
            COPY (SELECT f.file_idx AS file_idx, c.line, c.reason,
                         {', '.join(f'c."{col}"' for col in POLICE_UK_COLUMNS)}
                  FROM checked c JOIN files f USING (file_idx)
                  WHERE c.reason NOT IN ('', 'blank line') ORDER BY c.rid)
            TO '{excl_path}' (FORMAT parquet)""")
        cols = ", ".join(f'"{c}" AS {s}' for c, s in zip(POLICE_UK_COLUMNS, SNAKE_COLUMNS)
                         if c not in ("Longitude", "Latitude"))
        reader = con.sql(f"""SELECT {cols}, lon AS longitude, lat AS latitude, file_idx,
                                    line FROM checked WHERE reason = '' ORDER BY rid"""
                         ).to_arrow_reader(batch_rows)
        writer: Any = None
        kept = 0
        file_names = pa.array([str(f) for f in files])
        for batch in reader:
            lon = batch.column("longitude").to_numpy(zero_copy_only=False)
            lat = batch.column("latitude").to_numpy(zero_copy_only=False)
            x, y = _to_bng(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
            fidx = batch.column("file_idx").to_numpy(zero_copy_only=False)
            table = pa.Table.from_batches([batch]).drop_columns(["file_idx"])
            table = table.append_column("file", file_names.take(pa.array(fidx)))
            table = table.append_column("x", pa.array(x)).append_column("y", pa.array(y))
            if writer is None:
                writer = pq.ParquetWriter(kept_path, table.schema)
            writer.write_table(table)
            kept += table.num_rows
        if writer is None:
            empty = pa.schema([(s, pa.string()) for s in SNAKE_COLUMNS])
            pq.write_table(empty.empty_table(), kept_path)
        else:
            writer.close()
    finally:
        con.close()
        import shutil

        shutil.rmtree(work, ignore_errors=True)
    from intelbench.intake import IntakeReport

    excluded = pd.read_parquet(excl_path)
    excluded.insert(0, "file", [str(files[i]) for i in excluded.pop("file_idx")])
    excluded = excluded[["file", "line", "reason", *POLICE_UK_COLUMNS]]
    report = IntakeReport(files=[str(f) for f in files], rows_read=facts["rows_read"],
                          rows_kept=kept, blank_lines=facts["blank_lines"],
                          excluded=excluded, repeated_months=facts["repeated_months"],
                          repeated_ids=facts["repeated_ids"],
                          ids_twice_in_a_file=facts["ids_twice_in_a_file"])
    return BulkIntake(parquet=kept_path, excluded_parquet=excl_path, report=report)


def _facts(con: Any, files: list[Path]) -> dict[str, Any]:
    n, blank = con.execute("SELECT count(*) FILTER (WHERE NOT blank), "
                           "count(*) FILTER (WHERE blank) FROM checked").fetchone()
    rep_ids = con.execute("SELECT count(*) FROM checked WHERE rep_id").fetchone()[0]
    twice = con.execute("""
        SELECT count(*) FROM (SELECT "Crime ID" FROM checked
          WHERE NOT blank AND NOT rep_month AND NOT rep_id AND "Crime ID" IS NOT NULL
          GROUP BY "Crime ID" HAVING count(*) > 1)""").fetchone()[0]
    months = con.execute("""
        SELECT file_idx, first, "Month", "Falls within", count(*) AS rows
        FROM (SELECT *, min(file_idx) FILTER (WHERE NOT blank)
                 OVER (PARTITION BY "Month", "Falls within") AS first FROM checked)
        WHERE rep_month GROUP BY ALL ORDER BY min(rid)""").fetchall()
    return {
        "rows_read": int(n), "blank_lines": int(blank), "repeated_ids": int(rep_ids),
        "ids_twice_in_a_file": int(twice),
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
