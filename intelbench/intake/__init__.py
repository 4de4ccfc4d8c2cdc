"""Careful intake: data.police.uk street CSVs and force extracts, with a quarantine.

Nothing is dropped silently. :func:`read_police_uk` keeps rows without a usable location out
of the GeoDataFrame but holds them, with file, line and reason, in the intake report at
``gdf.attrs["intake"]``. :func:`read_table` checks each mapped column's type and range and
returns the good rows, a quarantine (row, column, reason) and the rejected raw rows. Reasons
never quote the value, so a quarantine can be shared without leaking content.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal, overload

from intelbench.exceptions import SchemaError
from intelbench.intake._common import collect_files
from intelbench.intake.engines import DUCKDB_ABOVE_BYTES, choose_engine
from intelbench.intake.police_uk import POLICE_UK_COLUMNS, SNAKE_COLUMNS, read_police_uk_frames
from intelbench.intake.report import Column, IntakeReport, TableResult
from intelbench.intake.table import check_frame, read_raw

if TYPE_CHECKING:
    import geopandas as gpd

    from intelbench.intake.bulk import BulkIntake

Paths = str | Path | Iterable[str | Path]

__all__ = [
    "BURGLARY_EXTRACT",
    "BURGLARY_EXTRACT_ORDER",
    "DUCKDB_ABOVE_BYTES",
    "POLICE_UK_COLUMNS",
    "SNAKE_COLUMNS",
    "Column",
    "IntakeReport",
    "TableResult",
    "read_police_uk",
    "read_table",
]


@overload
def read_police_uk(path: Paths, *, outcomes: bool | Paths = ..., engine: str = ...,
                   out: None = ...) -> gpd.GeoDataFrame: ...


@overload
def read_police_uk(path: Paths, *, outcomes: bool | Paths = ..., engine: str = ...,
                   out: str | Path) -> BulkIntake: ...


def read_police_uk(
    path: Paths,
    *,
    outcomes: bool | Paths = True,
    engine: Literal["auto", "pandas", "duckdb"] | str = "auto",
    out: str | Path | None = None,
) -> gpd.GeoDataFrame | BulkIntake:
    r"""Read data.police.uk street-level crime CSVs into a GeoDataFrame in EPSG:27700.

    Parameters
    ----------
    path : str, Path or iterable of them
        A CSV file, a folder (searched recursively for ``*-street.csv``, or every ``*.csv``
        if there are none), a glob pattern (``"archive/*/2016-*-street.csv"``), or a list of
        them.
    outcomes : bool, path or list of paths, default True
        Join the latest outcome of each crime from data.police.uk ``*-outcomes.csv`` files
        by Crime ID: True reads those in the folders given and those named like a street
        file (``2016-03-x-outcomes.csv`` beside ``2016-03-x-street.csv``); a path or list
        names them; False reads none.
    engine : {"auto", "pandas", "duckdb"}
        ``"pandas"`` reads in memory; ``"duckdb"`` reads through DuckDB and Parquet, out of
        core (:func:`intelbench.intake.bulk.police_uk_to_parquet`), with the same checks,
        reasons and report. ``"auto"`` uses DuckDB when ``out`` is given or the files add up
        to more than :data:`DUCKDB_ABOVE_BYTES`.
    out : str or Path, optional
        A folder: the kept rows are written to ``out/crimes.parquet`` and the excluded ones
        to ``out/excluded.parquet`` through DuckDB, and a
        :class:`~intelbench.intake.bulk.BulkIntake` (paths and intake report) is returned
        instead of a GeoDataFrame, so ten years of data never have to fit in memory.

    Returns
    -------
    geopandas.GeoDataFrame or BulkIntake
        Columns crime_id, month (``period[M]``), reported_by, falls_within, longitude,
        latitude, location, lsoa_code, lsoa_name, crime_type, last_outcome_category,
        context, ``x`` and ``y`` (British National Grid metres, as float; named in
        ``attrs["xy"]``) and geometry (points in EPSG:27700); with outcomes files also
        ``outcome`` and ``outcome_month`` (the latest outcome by Crime ID). Text columns
        other than crime_id are categorical. The same month of a force read twice, and a
        Crime ID read again from another file, are kept once (the first file read wins).
        Rows without coordinates, at 0,0, outside Great Britain (or with latitude and
        longitude swapped), with unusable coordinates, month or crime type are not in the
        frame; ``.attrs["intake"]`` is an :class:`IntakeReport` holding
        them with file, line and reason. The input files are not changed.

    Raises
    ------
    SchemaError
        If a file's header is not exactly the 12 data.police.uk columns (the message names
        the file and shows the difference), if a file is not CSV text (binary, HTML, ZIP,
        PDF, empty) or cannot be parsed, or if ``path`` names nothing readable.

    Notes
    -----
    UTF-8 with or without a byte-order mark, CRLF or LF line endings, blank lines and quoted
    commas are all read. Coordinates are transformed once per distinct snapped point.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> head = ",".join(ib.intake.POLICE_UK_COLUMNS)
    >>> rows = [",2025-01,Force,Force,-1.5,53.0,On or near High Street,E01000001,A 001A,"
    ...         "Anti-social behaviour,,",
    ...         "ab12,2025-01,Force,Force,,,No Location,,,Drugs,Under investigation,"]
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp) / "2025-01-x-street.csv"
    ...     _ = f.write_text("\r\n".join([head, *rows]) + "\r\n")
    ...     gdf = ib.read_police_uk(f)
    >>> len(gdf), gdf.crs.to_epsg(), str(gdf["month"].iloc[0])
    (1, 27700, '2025-01')
    >>> gdf.attrs["intake"].counts()
    {'no location': 1}
    """
    import geopandas as gpd

    from intelbench.intake.police_uk import find_outcomes, read_outcomes

    files = collect_files(path)
    if choose_engine(engine, files, out) == "duckdb":
        from intelbench.intake.engines import police_uk_duckdb

        return police_uk_duckdb(path, files, outcomes=outcomes, out=out)
    kept, excluded, facts = read_police_uk_frames(files)
    x, y = kept.pop("_x").to_numpy(), kept.pop("_y").to_numpy()
    kept["x"], kept["y"] = x, y
    out_facts: dict[str, Any] = {}
    if outcomes is not False:
        files = (find_outcomes(path, facts["street_files"]) if outcomes is True
                 else collect_files(outcomes, "*-outcomes.csv"))
        if files:
            latest, out_facts = read_outcomes(files)
            joined = kept[["crime_id"]].merge(latest, on="crime_id", how="left")
            kept["outcome"] = joined["outcome"].to_numpy()
            kept["outcome_month"] = joined["outcome_month"].array
            out_facts["crimes_with_outcome"] = int(kept["outcome"].notna().sum())
    gdf = gpd.GeoDataFrame(kept, geometry=gpd.points_from_xy(x, y), crs="EPSG:27700")
    gdf.attrs["xy"] = {"x": "x", "y": "y", "crs": "EPSG:27700"}
    gdf.attrs["intake"] = IntakeReport(
        files=facts["files"], rows_read=facts["rows_read"], rows_kept=len(gdf),
        blank_lines=facts["blank_lines"], excluded=excluded,
        repeated_months=facts["repeated_months"], repeated_ids=facts["repeated_ids"],
        ids_twice_in_a_file=facts["ids_twice_in_a_file"], outcomes=out_facts,
    )
    return gdf


def read_table(
    path: Paths,
    mapping: Mapping[str, str] | None = None,
    schema: Mapping[str, Column | Mapping[str, Any]] | None = None,
    *,
    order: Sequence[tuple[str, str]] = (),
    sheet: int | str = 0,
    keep: str = "good",
    engine: Literal["auto", "pandas", "duckdb"] | str = "auto",
    out: str | Path | None = None,
) -> TableResult:
    r"""Read a force extract (CSV or XLSX) through a column mapping and check every value.

    Parameters
    ----------
    path : str, Path or iterable of them
        A CSV file (UTF-8 with or without BOM, or Windows-1252) or an XLSX workbook; or
        several: a folder (every ``*.csv`` in it, recursively), a glob pattern or a list.
    mapping : mapping of str to str, optional
        Target column name -> column header in the file. Default: the schema's names, or
        every column of the file if there is no schema.
    schema : mapping of str to Column, optional
        Target column name -> :class:`Column` (or a dict of its fields). Columns without a
        schema are optional text.
    order : sequence of (str, str)
        Pairs (earlier, later) of target columns; a row whose later value is before its
        earlier value is quarantined (for example ``("from_datetime", "to_datetime")``).
    sheet : int or str
        The sheet of an XLSX workbook.
    keep : {"good", "all"}
        ``"good"`` keeps only rows without a problem in ``.data``; ``"all"`` keeps every row,
        for logs where no row may leave the table: a value that cannot be typed (a number,
        a date) is missing, text that breaks a rule is kept as read. The quarantine and
        ``.rejected`` are the same either way.
    engine : {"auto", "pandas", "duckdb"}
        ``"duckdb"`` streams each UTF-8 CSV through DuckDB in batches and checks every batch
        with the same code as the pandas reader (files DuckDB would number differently,
        XLSX, Windows-1252 or with empty lines, are read by pandas). ``"auto"`` uses DuckDB
        when ``out`` is given or the files add up to more than :data:`DUCKDB_ABOVE_BYTES`.
    out : str or Path, optional
        A Parquet file for the good rows (with their ``row``, and ``file`` for several
        files), written batch by batch; ``.data`` is then empty and ``.parquet`` names it.

    Returns
    -------
    TableResult
        ``.data`` (good rows, or every row with ``keep="all"``), ``.quarantine`` (row,
        column, reason) and ``.rejected`` (raw rows). With ``keep="good"`` every data row of
        the file is in exactly one of data and rejected.

    Raises
    ------
    SchemaError
        If the file is not a table (binary, HTML, ...), cannot be parsed, or lacks a mapped
        column (the message lists the columns it has).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> text = "ref,start,metres\nA1,01/02/2025 10:00,12\nA2,31/02/2025 10:00,-5\n"
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     f = pathlib.Path(tmp) / "extract.csv"
    ...     _ = f.write_text(text)
    ...     res = ib.read_table(f, mapping={"ref": "ref", "start": "start", "m": "metres"},
    ...                         schema={"start": ib.intake.Column("datetime"),
    ...                                 "m": ib.intake.Column("int", min=0)})
    >>> res.data
        ref               start   m
    row
    2    A1 2025-02-01 10:00:00  12
    >>> for q in res.quarantine.itertuples():
    ...     print(q.row, q.column, q.reason)
    3 m below the minimum 0
    3 start not a valid date-time in the format %d/%m/%Y %H:%M
    """
    if keep not in ("good", "all"):
        raise SchemaError(f"keep must be 'good' or 'all'; got {keep!r}")
    single = isinstance(path, str | Path) and Path(path).is_file()
    if (isinstance(path, str | Path) and not Path(path).exists()
            and not any(ch in str(path) for ch in "*?[")):
        raise SchemaError(f"path: {path} is not a file")
    files = [Path(path)] if single else collect_files(path, "*.csv")  # type: ignore[arg-type]
    chosen = choose_engine(engine, files, out)
    if chosen == "duckdb" or len(files) > 1:
        from intelbench.intake.engines import read_table_files

        return read_table_files(files, str(path) if single or isinstance(path, str | Path)
                                else ";".join(map(str, files)), mapping, dict(schema or {}),
                                order, sheet, keep == "all", chosen, out)
    p = files[0]
    raw, _, blank = read_raw(p, sheet)
    schema = dict(schema or {})
    if mapping is None:
        mapping = {c: c for c in schema} if schema else {c: c for c in raw.columns}
    data, quarantine, rejected = check_frame(raw, mapping, schema, order, str(p),
                                             keep_all=keep == "all")
    return TableResult(data=data, quarantine=quarantine, rejected=rejected, source=str(p),
                       blank_lines=blank)


#: the schema of the sample force's burglary extract (``burglary_extract.csv``)
BURGLARY_EXTRACT: dict[str, Column] = {
    "crime_ref": Column("str", pattern=r"[A-Z]{2}-\d{6}-\d{2}"),
    "crime_id": Column("str", required=False, pattern=r"[0-9a-f]{64}"),
    "offence": Column("category", allowed=("Burglary - residential",
                                           "Burglary - business and community")),
    "from_datetime": Column("datetime"),
    "to_datetime": Column("datetime"),
    "easting": Column("int", min=0, max=700_000),
    "northing": Column("int", min=0, max=1_300_000),
    "area_code": Column("str", pattern=r"[EW]0[0-9]{7}"),
    "premises": Column("category", required=False),
}
#: the ordering rule of the burglary extract
BURGLARY_EXTRACT_ORDER: tuple[tuple[str, str], ...] = (("from_datetime", "to_datetime"),)
