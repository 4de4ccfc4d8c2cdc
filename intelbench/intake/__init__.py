"""Careful intake: data.police.uk street CSVs and force extracts, with a quarantine.

Nothing is dropped silently. :func:`read_police_uk` keeps rows without a usable location out
of the GeoDataFrame but holds them, with file, line and reason, in the intake report at
``gdf.attrs["intake"]``. :func:`read_table` checks each mapped column's type and range and
returns the good rows, a quarantine (row, column, reason) and the rejected raw rows. Reasons
never quote the value, so a quarantine can be shared without leaking content.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.intake.police_uk import POLICE_UK_COLUMNS, SNAKE_COLUMNS, read_police_uk_frames
from intelbench.intake.table import KINDS, check_frame, read_raw

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = [
    "BURGLARY_EXTRACT",
    "BURGLARY_EXTRACT_ORDER",
    "POLICE_UK_COLUMNS",
    "SNAKE_COLUMNS",
    "Column",
    "IntakeReport",
    "TableResult",
    "read_police_uk",
    "read_table",
]


@dataclass
class IntakeReport:
    """What happened to every row read by :func:`read_police_uk`.

    Attributes
    ----------
    files : list of str
        The files read, in order.
    rows_read : int
        Data rows read (blank lines not counted).
    rows_kept : int
        Rows in the GeoDataFrame.
    blank_lines : int
        Blank lines skipped (for example trailing blank lines).
    excluded : pandas.DataFrame
        Every row kept out, with ``file``, ``line`` (1-based line in the file; the header is
        line 1), ``reason`` ("no location", "zero coordinates", "bad coordinates",
        "latitude and longitude swapped", "outside Great Britain", "missing crime type",
        "bad month", "repeated month", "repeated Crime ID") and the original 12 columns.
    repeated_months : list of dict
        Each month of a force read again from a later file (``file``, ``month``, ``force``,
        ``rows``, ``first_read_from``); its rows are excluded as "repeated month".
    repeated_ids : int
        Rows dropped because their Crime ID was already read from another file.
    ids_twice_in_a_file : int
        Crime IDs that appear more than once within one file (kept: the rows differ, or
        are anti-social behaviour incidents without an ID).
    outcomes : dict
        The outcomes files read and how many street crimes got an outcome.
    """

    files: list[str]
    rows_read: int
    rows_kept: int
    blank_lines: int = 0
    excluded: pd.DataFrame = field(default_factory=pd.DataFrame)
    repeated_months: list[dict[str, Any]] = field(default_factory=list)
    repeated_ids: int = 0
    ids_twice_in_a_file: int = 0
    outcomes: dict[str, Any] = field(default_factory=dict)

    def counts(self) -> dict[str, int]:
        """Return the number of excluded rows for each reason.

        Returns
        -------
        dict
            reason -> rows, sorted by reason.
        """
        if self.excluded.empty:
            return {}
        vc = self.excluded["reason"].value_counts()
        return {str(k): int(vc[k]) for k in sorted(vc.index)}

    def to_frame(self) -> pd.DataFrame:
        """Return the summary as a table: one row per outcome with its row count.

        Returns
        -------
        pandas.DataFrame
            Columns ``outcome`` and ``rows``; the first row is "kept".
        """
        rows = [("kept", self.rows_kept), *self.counts().items()]
        return pd.DataFrame(rows, columns=["outcome", "rows"])

    def __repr__(self) -> str:
        parts = ", ".join(f"{k}: {v:,}" for k, v in self.counts().items()) or "none"
        return (f"IntakeReport({len(self.files)} file(s), {self.rows_read:,} rows read, "
                f"{self.rows_kept:,} kept; excluded {parts})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(str(o))}</td><td>{int(n):,}</td></tr>"
                       for o, n in self.to_frame().itertuples(index=False))
        return (f"<div><b>Intake report</b>: {len(self.files)} file(s), {self.rows_read:,} "
                f"rows read<table><tr><th>outcome</th><th>rows</th></tr>{rows}</table></div>")


def read_police_uk(
    path: str | Path | Iterable[str | Path],
    *,
    outcomes: bool | str | Path | Iterable[str | Path] = True,
) -> gpd.GeoDataFrame:
    r"""Read data.police.uk street-level crime CSVs into a GeoDataFrame in EPSG:27700.

    Parameters
    ----------
    path : str, Path or iterable of them
        A CSV file, a folder (searched recursively for ``*-street.csv``, or every ``*.csv``
        if there are none), or a list of files and folders.
    outcomes : bool, path or list of paths, default True
        Join the latest outcome of each crime from data.police.uk ``*-outcomes.csv`` files
        by Crime ID: True reads those in the folders given and those named like a street
        file (``2016-03-x-outcomes.csv`` beside ``2016-03-x-street.csv``); a path or list
        names them; False reads none.

    Returns
    -------
    geopandas.GeoDataFrame
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

    from intelbench.intake._common import collect_files
    from intelbench.intake.police_uk import find_outcomes, read_outcomes

    kept, excluded, facts = read_police_uk_frames(path)
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


@dataclass(frozen=True)
class Column:
    """What one column of a force extract must hold (used by :func:`read_table`).

    Attributes
    ----------
    kind : str
        One of "str", "int", "float", "datetime", "date", "category".
    required : bool
        An empty cell is a quarantine reason when True.
    min, max : float, optional
        Inclusive range for "int" and "float".
    allowed : tuple of str, optional
        The only values allowed ("str" and "category").
    formats : tuple of str, optional
        strptime formats for "datetime"/"date", tried in order; UK day-first by default
        (``%d/%m/%Y %H:%M``, ``%d/%m/%Y %H:%M:%S``, ``%d/%m/%Y``); ISO is accepted as well.
    pattern : str, optional
        A regular expression the whole value must match ("str" and "category").
    upper : bool
        Upper-case the text before it is checked and kept (codes typed in any case).
    """

    kind: str = "str"
    required: bool = True
    min: float | None = None
    max: float | None = None
    allowed: tuple[str, ...] | None = None
    formats: tuple[str, ...] | None = None
    pattern: str | None = None
    upper: bool = False

    def __post_init__(self) -> None:
        if self.kind not in KINDS:
            raise SchemaError(f"Column.kind must be one of {KINDS}; got {self.kind!r}")


@dataclass
class TableResult:
    """The outcome of :func:`read_table`.

    Attributes
    ----------
    data : pandas.DataFrame
        The good rows, typed, with target column names; the index is the row number in the
        file (``row``), so each row can be traced back.
    quarantine : pandas.DataFrame
        One row per bad value: ``row`` (1-based line; the header is line 1), ``column``
        (target name) and ``reason``. Reasons never quote the value.
    rejected : pandas.DataFrame
        The raw text of every row with at least one problem (index ``row``).
    source : str
        The file read.
    blank_lines : int
        Blank lines skipped.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    rejected: pd.DataFrame
    source: str
    blank_lines: int = 0

    def counts(self) -> dict[str, int]:
        """Return the number of quarantined values for each reason.

        Returns
        -------
        dict
            reason -> values, sorted by reason.
        """
        vc = self.quarantine["reason"].value_counts()
        return {str(k): int(vc[k]) for k in sorted(vc.index)}

    def __repr__(self) -> str:
        return (f"TableResult({len(self.data):,} good rows, {len(self.rejected):,} rejected "
                f"rows, {len(self.quarantine):,} quarantined values from "
                f"{Path(self.source).name})")

    def _repr_html_(self) -> str:
        rows = "".join(f"<tr><td>{html.escape(k)}</td><td>{v:,}</td></tr>"
                       for k, v in self.counts().items())
        return (f"<div><b>{html.escape(Path(self.source).name)}</b>: {len(self.data):,} good "
                f"rows, {len(self.rejected):,} rejected<table><tr><th>reason</th>"
                f"<th>values</th></tr>{rows}</table></div>")


def read_table(
    path: str | Path,
    mapping: Mapping[str, str] | None = None,
    schema: Mapping[str, Column | Mapping[str, Any]] | None = None,
    *,
    order: Sequence[tuple[str, str]] = (),
    sheet: int | str = 0,
    keep: str = "good",
) -> TableResult:
    r"""Read a force extract (CSV or XLSX) through a column mapping and check every value.

    Parameters
    ----------
    path : str or Path
        A CSV file (UTF-8 with or without BOM, or Windows-1252) or an XLSX workbook.
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
    p = Path(path)
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
