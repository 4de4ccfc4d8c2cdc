"""Read a CSV or XLSX table into categorical text columns, fast and with little memory.

:func:`read_categorical` reads every cell as text, strips it and keeps each column as a
:class:`pandas.Categorical` (one copy of each distinct value, integer codes per row; an empty
cell is missing). Checks that depend only on the value (a number's format, a code list, a
check digit) then run once per distinct value instead of once per row, which is what makes
ten million call data records readable in seconds.

A UTF-8 CSV file is read with ``pyarrow.csv`` (multi-threaded, dictionary-encoded as it
reads). Anything pyarrow cannot read exactly as :func:`~intelbench.intake.read_table` would
(XLSX, Windows-1252 text, empty lines, ragged rows, quoted line breaks, blank or repeated
header names) is read by the same pandas reader as ``read_table``, so row numbers, blank
lines and error messages are the same whichever reader ran.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import pandas as pd

from intelbench.intake._common import read_header, sniff_text

__all__ = ["CategoricalTable", "TextColumn", "file_digest", "read_categorical"]

_CHUNK = 1 << 23


@dataclass
class TextColumn:
    """One column: ``codes`` per row (-1 for an empty cell) into distinct ``values``.

    Attributes
    ----------
    codes : numpy.ndarray
        Integer code of each row's value; -1 where the cell is empty.
    values : pandas.Index
        The distinct stripped texts (``str``), unique, none empty.
    """

    codes: np.ndarray
    values: pd.Index

    def __len__(self) -> int:
        return len(self.codes)

    def take(self, mask: np.ndarray) -> TextColumn:
        """Return the rows where ``mask`` is True."""
        return TextColumn(self.codes[mask], self.values)

    def to_categorical(self) -> pd.Categorical:
        """Return the column as a :class:`pandas.Categorical`."""
        return pd.Categorical.from_codes(self.codes, categories=self.values, validate=False)


@dataclass
class CategoricalTable:
    """Text columns of a table as categoricals.

    Attributes
    ----------
    columns : dict of str to TextColumn
        Header -> the stripped text of each row (an empty cell is missing).
    rows : numpy.ndarray
        The line of each row in the file (the header is line 1), int64.
    blank_lines : int
        Rows with every cell empty, left out.
    sha256 : str
        The SHA-256 of the file.
    engine : str
        "pyarrow" or "pandas": which reader ran.
    """

    columns: dict[str, TextColumn]
    rows: np.ndarray
    blank_lines: int
    sha256: str
    engine: str

    def __len__(self) -> int:
        return len(self.rows)


def file_digest(path: Path) -> tuple[str, bool]:
    """Return (SHA-256, whether the file has an empty line), reading it in chunks."""
    h = hashlib.sha256()
    empty = False
    tail = b""
    with path.open("rb") as fh:
        first = True
        while True:
            chunk = fh.read(_CHUNK)
            if not chunk:
                break
            h.update(chunk)
            if first and chunk[:1] in (b"\n", b"\r"):
                empty = True
            first = False
            if not empty:
                probe = tail + chunk
                empty = b"\n\n" in probe or b"\n\r\n" in probe or b"\r\r" in probe
            tail = chunk[-2:]
    return h.hexdigest(), empty


def _from_values(values: pd.Series, codes: np.ndarray) -> TextColumn:
    """Strip the distinct values, merge those equal after stripping; "" is missing."""
    stripped = pd.Series(values, dtype="str").str.strip()
    new, uniq = pd.factorize(stripped, use_na_sentinel=True)
    uniq_s = pd.Index(uniq, dtype="str")
    empty = np.flatnonzero(uniq_s == "")
    lut = np.asarray(new, dtype=np.int64)
    if len(empty):
        e = int(empty[0])
        lut = np.where(lut == e, -1, np.where(lut > e, lut - 1, lut))
        uniq_s = uniq_s.delete(e)
    lut = np.append(lut, -1)  # code -1 (missing) stays missing
    out = lut[codes].astype(np.int32 if len(uniq_s) < 2**31 - 1 else np.int64)
    return TextColumn(out, uniq_s)


def _read_arrow(path: Path, header: list[str]) -> dict[str, TextColumn] | None:
    try:
        import pyarrow as pa
        import pyarrow.csv as pacsv
    except ImportError:  # pragma: no cover - pyarrow is a pandas dependency here
        return None
    dict_t = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=1 << 24),
            parse_options=pacsv.ParseOptions(newlines_in_values=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h: dict_t for h in header}, strings_can_be_null=False,
                quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.column_names != header:
        return None
    table = table.unify_dictionaries()
    out: dict[str, TextColumn] = {}
    for name in header:
        col = table.column(name)
        table = table.drop_columns([name])
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        del col
        if len(arr) == 0:
            out[name] = TextColumn(np.zeros(0, dtype=np.int32), pd.Index([], dtype="str"))
            continue
        codes = arr.indices.to_numpy(zero_copy_only=False)
        values = arr.dictionary.to_pandas(types_mapper=pd.ArrowDtype).astype("str")
        out[name] = _from_values(values, codes)
    return out


def _read_pandas(path: Path, sheet: int | str) -> tuple[dict[str, TextColumn],
                                                         np.ndarray, int]:
    from intelbench.intake.table import read_raw

    raw, _, blank = read_raw(path, sheet)
    cols: dict[str, TextColumn] = {}
    for name in raw.columns:
        s = raw[name].astype(str)
        codes, uniq = pd.factorize(s, use_na_sentinel=True)
        cols[name] = _from_values(pd.Series(uniq, dtype="str"), codes)
    return cols, np.asarray(raw.index, dtype=np.int64), blank


def read_categorical(path: str | Path, sheet: int | str = 0) -> CategoricalTable:
    r"""Read a CSV or XLSX table as stripped text, one categorical per column.

    Parameters
    ----------
    path : str or Path
        A CSV file (UTF-8 with or without BOM, or Windows-1252) or an XLSX workbook.
    sheet : int or str
        The sheet of an XLSX workbook.

    Returns
    -------
    CategoricalTable
        The columns by header, the file line of each row, blank lines left out, the file's
        SHA-256 and the reader used. Rows whose every cell is empty are left out and counted
        in ``blank_lines``, as :func:`~intelbench.intake.read_table` does.

    Raises
    ------
    SchemaError
        If the file is not a table (binary, HTML, ZIP, empty) or cannot be parsed.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "t.csv"
    >>> _ = f.write_text("a,b\n x ,1\n,\ny, 1 \n")
    >>> from intelbench.intake.columnar import read_categorical
    >>> t = read_categorical(f)
    >>> t.columns["a"].to_categorical().tolist(), t.columns["b"].values.tolist(), t.rows.tolist()
    (['x', 'y'], ['1'], [2, 4])
    >>> t.blank_lines, t.engine
    (1, 'pyarrow')
    """
    from intelbench.exceptions import SchemaError

    p = Path(path)
    if not p.is_file():
        raise SchemaError(f"path: {p} is not a file")
    digest, has_empty = file_digest(p)
    cols: dict[str, TextColumn] | None = None
    if p.suffix.lower() not in {".xlsx", ".xlsm"} and not has_empty:
        enc = sniff_text(p)
        if enc == "utf-8-sig":
            header = read_header(p, enc)
            if header and all(header) and len(set(header)) == len(header):
                cols = _read_arrow(p, header)
    if cols is None:
        cols, rows, blank = _read_pandas(p, sheet)
        return CategoricalTable(cols, rows, blank, digest, "pandas")
    n = len(next(iter(cols.values()))) if cols else 0
    blank_mask = np.ones(n, dtype=bool)
    for c in cols.values():
        blank_mask &= c.codes < 0
    rows = np.arange(2, n + 2, dtype=np.int64)
    blank = int(blank_mask.sum())
    if blank:
        keep = ~blank_mask
        cols = {k: v.take(keep) for k, v in cols.items()}
        rows = rows[keep]
    return CategoricalTable(cols, rows, blank, digest, "pyarrow")
