"""Reading a call data records file for :func:`~intelbench.comms.records.read_cdr`, fast.

A UTF-8 CSV file is read with ``pyarrow.csv`` on both cores: every column dictionary-encoded
as it is read (one copy of each distinct text, integer codes per row), except the start-time
column, which is nearly unique per row and is read as plain text. Start times written exactly
in the layout's first format with fixed-width fields (``%Y-%m-%d %H:%M:%S`` and the like) and
valid calendar values are parsed here with integer arithmetic on the bytes; every other
start text (padded, short fields, impossible dates, another format, empty) goes through the
same per-distinct-value parsing as before, so quarantine reasons do not change.

Anything else (XLSX, Windows-1252, empty lines, ragged rows, quoted line breaks, blank or
repeated headers, a layout without a one-column start time) is read by
:func:`~intelbench.intake.columnar.read_categorical` exactly as before.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.comms.layouts import Layout
from intelbench.intake._common import read_header, sniff_text
from intelbench.intake.columnar import (
    CategoricalTable,
    TextColumn,
    _from_values,
    file_digest,
    read_categorical,
)

__all__ = ["FixedWidth", "TimeColumn", "parse_fixed", "read_cdr_table"]

_BLOCK = 1 << 24
_DIRECTIVE = re.compile(r"%(.)")
_WIDTH = {"Y": 4, "m": 2, "d": 2, "H": 2, "M": 2, "S": 2}
_NS_DAY = 86_400_000_000_000


@dataclass(frozen=True)
class FixedWidth:
    """Byte positions of each field of a fixed-width strptime format.

    Attributes
    ----------
    width : int
        Length of every matching text.
    fields : dict of str to (int, int)
        Directive letter -> (start, width).
    literals : tuple of (int, int)
        (position, byte) of each literal character.
    """

    width: int
    fields: dict[str, tuple[int, int]]
    literals: tuple[tuple[int, int], ...]

    @classmethod
    def of(cls, fmt: str) -> FixedWidth | None:
        """Return the positions for ``fmt``, or None if it is not a fixed-width date-time.

        Only ``%Y %m %d %H %M %S`` (each once, all six) and printable ASCII literals other
        than spaces at either end are accepted.
        """
        pos = 0
        fields: dict[str, tuple[int, int]] = {}
        literals: list[tuple[int, int]] = []
        i = 0
        while i < len(fmt):
            ch = fmt[i]
            if ch == "%":
                if i + 1 >= len(fmt):
                    return None
                d = fmt[i + 1]
                if d not in _WIDTH or d in fields:
                    return None
                fields[d] = (pos, _WIDTH[d])
                pos += _WIDTH[d]
                i += 2
                continue
            if not (" " <= ch <= "~") or ch.isdigit():
                return None
            literals.append((pos, ord(ch)))
            pos += 1
            i += 1
        if set(fields) != set(_WIDTH) or fmt[:1].isspace() or fmt[-1:].isspace():
            return None
        return cls(pos, fields, tuple(literals))


def parse_fixed(chars: np.ndarray, spec: FixedWidth) -> tuple[np.ndarray, np.ndarray]:
    """Parse rows of bytes (shape ``(n, spec.width)``, uint8) as naive date-times.

    Parameters
    ----------
    chars : numpy.ndarray
        One text per row, each exactly ``spec.width`` bytes.
    spec : FixedWidth
        The format's positions.

    Returns
    -------
    (ns, ok) : tuple of numpy.ndarray
        Nanoseconds since 1970-01-01 (int64) and whether the text is a valid date-time in
        the format with a year between 1678 and 2261 (where ``ok`` is False, ``ns`` is 0).

    Examples
    --------
    >>> from intelbench.comms._read import FixedWidth, parse_fixed
    >>> spec = FixedWidth.of("%Y-%m-%d %H:%M:%S")
    >>> b = np.frombuffer(b"2024-02-29 23:59:592025-02-29 10:00:00", np.uint8).reshape(2, 19)
    >>> ns, ok = parse_fixed(b, spec)
    >>> ok.tolist(), str(ns[0].astype("M8[ns]"))
    ([True, False], '2024-02-29T23:59:59.000000000')
    """
    n = len(chars)
    ok = np.ones(n, dtype=bool)
    for p, byte in spec.literals:
        ok &= chars[:, p] == byte
    order = sorted(spec.fields.items(), key=lambda kv: kv[1][0])
    cols = [p + k for _, (p, w) in order for k in range(w)]
    digits = chars[:, cols] - np.uint8(48)  # a non-digit wraps round to more than 9
    ok &= (digits <= 9).all(axis=1)
    val: dict[str, np.ndarray] = {}
    j = 0
    for name, (_, w) in order:
        v = digits[:, j].astype(np.int32)
        for k in range(1, w):
            v = v * 10 + digits[:, j + k]
        val[name] = v
        j += w
    y, m, d = val["Y"], val["m"], val["d"]
    ok &= (y >= 1678) & (y <= 2261) & (m >= 1) & (m <= 12) & (d >= 1)
    ok &= (val["H"] <= 23) & (val["M"] <= 59) & (val["S"] <= 59)
    ym = np.where(ok, (y - 1970) * 12 + (m - 1), 0).astype(np.int64)
    month0 = ym.astype("M8[M]").astype("M8[D]").view(np.int64)
    month1 = (ym + 1).astype("M8[M]").astype("M8[D]").view(np.int64)
    ok &= d <= month1 - month0
    secs = (val["H"] * 3600 + val["M"] * 60 + val["S"]).astype(np.int64)
    ns = (month0 + d - 1) * _NS_DAY + secs * 1_000_000_000
    return np.where(ok, ns, 0), ok


@dataclass
class TimeColumn(TextColumn):
    """A start-time column: rows parsed on the fixed-width path and text for the rest.

    Attributes
    ----------
    codes : numpy.ndarray
        -2 where the row was parsed here (its time is in ``fast_ns``), -1 where the cell is
        empty, else the code of its stripped text in ``values``.
    values : pandas.Index
        The distinct stripped texts of the rows not parsed here.
    fast_ns : numpy.ndarray
        Naive nanoseconds of the rows with code -2 (0 elsewhere).
    raw : Any
        The column as read (a pyarrow ChunkedArray), for the text of rejected rows.
    pos : numpy.ndarray
        The position in ``raw`` of each row.
    """

    fast_ns: np.ndarray = None  # type: ignore[assignment]
    raw: Any = None
    pos: np.ndarray = None  # type: ignore[assignment]

    def take(self, mask: np.ndarray) -> TimeColumn:
        """Return the rows where ``mask`` is True."""
        return TimeColumn(self.codes[mask], self.values, self.fast_ns[mask], self.raw,
                          self.pos[mask])

    def texts(self, mask: np.ndarray) -> np.ndarray:
        """The stripped text (None if empty) of the rows where ``mask`` is True."""
        sel = self.codes[mask]
        out = np.full(len(sel), None, dtype=object)
        slow = sel >= 0
        out[slow] = np.asarray(self.values, dtype=object)[sel[slow]]
        fast = sel == -2
        if fast.any():
            import pyarrow as pa

            taken = self.raw.take(pa.array(self.pos[mask][fast]))
            out[fast] = np.asarray(taken.to_pylist(), dtype=object)
        return out


def _time_column(col: Any, spec: FixedWidth) -> TimeColumn:
    """Parse a pyarrow string column; rows not fixed-width valid keep their text."""
    import pyarrow as pa

    n = len(col)
    ns = np.zeros(n, dtype=np.int64)
    fast = np.zeros(n, dtype=bool)
    rest: list[Any] = []
    at = 0
    w = spec.width
    for chunk in col.chunks:
        k = len(chunk)
        if k == 0:
            continue
        if chunk.type != pa.string():
            chunk = chunk.cast(pa.string())
        bufs = chunk.buffers()
        offs = np.frombuffer(bufs[1], dtype=np.int32)[chunk.offset:chunk.offset + k + 1]
        data = np.frombuffer(bufs[2], dtype=np.uint8) if bufs[2] is not None else np.zeros(
            0, np.uint8)
        lens = np.diff(offs)
        fixed = lens == w
        if chunk.null_count:
            fixed &= np.asarray(chunk.is_valid().to_numpy(zero_copy_only=False), dtype=bool)
        if fixed.all():
            chars = data[offs[0]:offs[-1]].reshape(k, w)
            c_ns, c_ok = parse_fixed(chars, spec)
        else:
            idx = np.flatnonzero(fixed)
            chars = data[offs[:-1][idx][:, None] + np.arange(w)]
            p_ns, p_ok = parse_fixed(chars, spec)
            c_ns = np.zeros(k, dtype=np.int64)
            c_ok = np.zeros(k, dtype=bool)
            c_ns[idx], c_ok[idx] = p_ns, p_ok
        ns[at:at + k] = c_ns
        fast[at:at + k] = c_ok
        if not c_ok.all():
            rest.append(chunk.filter(pa.array(~c_ok)))
        at += k
    codes = np.full(n, -2, dtype=np.int64)
    if rest:
        slow = pa.chunked_array(rest, type=pa.string())
        text = slow.to_pandas(types_mapper=pd.ArrowDtype).astype("str")
        s_codes, s_uniq = pd.factorize(text, use_na_sentinel=True)
        tc = _from_values(pd.Series(s_uniq, dtype="str"), s_codes)
        codes[~fast] = tc.codes
        values = tc.values
    else:
        values = pd.Index([], dtype="str")
    return TimeColumn(codes, values, ns, col, np.arange(n, dtype=np.int64))


def _sha256(path: Path) -> str:
    with path.open("rb") as fh:
        return hashlib.file_digest(fh, "sha256").hexdigest()


def read_cdr_table(path: Path, lay: Layout, sheet: int | str = 0) -> CategoricalTable:
    """Read a CDR file as categorical text columns, with fixed-width start times parsed.

    Parameters
    ----------
    path : Path
        The file.
    lay : Layout
        The provider's layout (its ``start`` column and first time format).
    sheet : int or str
        The sheet of an XLSX workbook.

    Returns
    -------
    CategoricalTable
        As :func:`~intelbench.intake.columnar.read_categorical` returns, with the start
        column as a :class:`TimeColumn` when ``engine`` is ``"pyarrow+times"``.
    """
    src = lay.mapping.get("start")
    spec = FixedWidth.of(lay.time_formats[0]) if src else None
    if spec is None or not path.is_file() or path.suffix.lower() in {".xlsx", ".xlsm"}:
        return read_categorical(path, sheet)
    if sniff_text(path) != "utf-8-sig":
        return read_categorical(path, sheet)
    header = read_header(path, "utf-8-sig")
    if src not in header or not all(header) or len(set(header)) != len(header):
        return read_categorical(path, sheet)
    cols = _read_arrow(path, header, src, spec)
    if cols is None:
        return read_categorical(path, sheet)
    n = len(cols[src])
    blank_mask = np.ones(n, dtype=bool)
    for c in cols.values():
        blank_mask &= c.codes == -1
    rows = np.arange(2, n + 2, dtype=np.int64)
    blank = int(blank_mask.sum())
    if not blank:
        return CategoricalTable(cols, rows, 0, _sha256(path), "pyarrow+times")
    digest, has_empty = file_digest(path)  # empty lines or rows of empty cells?
    if has_empty:  # read_categorical reads files with empty lines with pandas
        return read_categorical(path, sheet)
    keep = ~blank_mask
    cols = {k: v.take(keep) for k, v in cols.items()}
    return CategoricalTable(cols, rows[keep], blank, digest, "pyarrow+times")


def _read_arrow(path: Path, header: list[str], src: str, spec: FixedWidth
                ) -> dict[str, TextColumn] | None:
    import pyarrow as pa
    import pyarrow.csv as pacsv

    dict_t = pa.dictionary(pa.int32(), pa.string())
    try:
        table = pacsv.read_csv(
            path,
            read_options=pacsv.ReadOptions(block_size=_BLOCK),
            parse_options=pacsv.ParseOptions(newlines_in_values=False,
                                             ignore_empty_lines=False),
            convert_options=pacsv.ConvertOptions(
                column_types={h: (pa.string() if h == src else dict_t) for h in header},
                strings_can_be_null=False, quoted_strings_can_be_null=False))
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError):
        return None
    if table.column_names != header:
        return None
    out: dict[str, TextColumn] = {}
    for name in header:
        col = table.column(name)
        table = table.drop_columns([name])
        if name == src:
            out[name] = _time_column(col, spec)
            continue
        if len(col) == 0:
            out[name] = TextColumn(np.zeros(0, dtype=np.int32), pd.Index([], dtype="str"))
            continue
        col = col.unify_dictionaries() if col.num_chunks > 1 else col
        arr = col.combine_chunks() if col.num_chunks != 1 else col.chunk(0)
        del col
        codes = arr.indices.to_numpy(zero_copy_only=False)
        values = arr.dictionary.to_pandas(types_mapper=pd.ArrowDtype).astype("str")
        out[name] = _from_values(values, codes)
    return out
