"""The records the readers return: the intake report, a column's rules and a table's outcome."""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.intake.table import KINDS

__all__ = ["Column", "IntakeReport", "TableResult"]


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
    parquet : Path, optional
        With ``read_table(..., out=...)``: the Parquet file holding the good rows (``data``
        is then empty, with the columns); None otherwise.
    engine : str
        "pandas" or "duckdb": which reader ran.

    Notes
    -----
    When ``read_table`` reads several files, ``data``, ``quarantine`` and ``rejected`` start
    with a ``file`` column and ``source`` is the path as given.
    """

    data: pd.DataFrame
    quarantine: pd.DataFrame
    rejected: pd.DataFrame
    source: str
    blank_lines: int = 0
    parquet: Path | None = None
    engine: str = "pandas"

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
