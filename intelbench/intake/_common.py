"""Shared helpers of the readers: file discovery and sniffing (not CSV -> SchemaError)."""

from __future__ import annotations

import codecs
import csv
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import SchemaError

__all__ = ["NUL_REASON", "NotNumberError", "collect_files", "has_nul", "read_csv_text",
           "read_header", "sniff_text"]

_BOM = b"\xef\xbb\xbf"


def collect_files(path: str | Path | Iterable[str | Path], pattern: str = "*-street.csv"
                  ) -> list[Path]:
    """Files named by ``path``: a file, a folder (searched recursively), a glob pattern
    (``*``, ``?``, ``[``; ``**`` crosses folders) or a list of them."""
    import glob

    items = [path] if isinstance(path, str | Path) else list(path)
    if not items:
        raise SchemaError("path: expected a file, a folder or a list of them; got an empty list")
    files: list[Path] = []
    for item in items:
        p = Path(item)
        if not p.exists() and any(ch in str(item) for ch in "*?["):
            found = sorted(Path(f) for f in glob.glob(str(item), recursive=True)
                           if Path(f).is_file())
            if not found:
                raise SchemaError(f"path: the pattern {item} matches no file")
            files.extend(found)
        elif p.is_dir():
            found = sorted(f for f in p.rglob(pattern) if f.is_file())
            if not found:
                found = sorted(f for f in p.rglob("*.csv") if f.is_file())
            if not found:
                raise SchemaError(f"path: the folder {p} holds no CSV files ({pattern} or *.csv)")
            files.extend(found)
        elif p.is_file():
            files.append(p)
        else:
            raise SchemaError(f"path: {p} is neither a file nor a folder")
    return files


def sniff_text(path: Path) -> str:
    """Return the encoding to read ``path`` with, or raise SchemaError if it is not CSV text."""
    with path.open("rb") as fh:
        head = fh.read(65536)
    if not head.strip():
        raise SchemaError(f"{path}: the file is empty; expected a CSV header line")
    if head.startswith(b"PK\x03\x04"):
        raise SchemaError(f"{path}: this is a ZIP archive (an XLSX workbook or a zipped "
                          "download), not a CSV text file; unzip it or use read_table for XLSX")
    if head.startswith(b"%PDF"):
        raise SchemaError(f"{path}: this is a PDF document, not a CSV text file")
    first_line = head.split(b"\n", 1)[0]
    if b"\x00" in first_line or head.count(b"\x00") > len(head) // 100:
        # a NUL in the header, or more than 1% NUL bytes (UTF-16, a database file, an
        # image): not CSV text. A few NUL bytes in rows are a damaged row, quarantined.
        raise SchemaError(f"{path}: the file holds binary data (NUL bytes), not CSV text")
    body = head[len(_BOM):] if head.startswith(_BOM) else head
    if body.lstrip()[:1] == b"<":
        raise SchemaError(f"{path}: the file looks like HTML or XML (it starts with '<'), "
                          "not CSV text; was an error page saved instead of the data?")
    dec = codecs.getincrementaldecoder("utf-8")()
    try:
        dec.decode(head, final=False)
    except UnicodeDecodeError:
        return "cp1252"
    return "utf-8-sig"


def read_header(path: Path, encoding: str) -> list[str]:
    """The first line of ``path`` split as CSV (BOM and line ending removed)."""
    with path.open("r", encoding=encoding, newline="") as fh:
        line = fh.readline()
    row = next(csv.reader([line.rstrip("\r\n")]), [])
    return row


class NotNumberError(SchemaError):
    """A column read as numbers holds text (the caller may re-read it as text)."""


def read_csv_text(path: Path, encoding: str, what: str, **kw: Any) -> pd.DataFrame:
    """``pandas.read_csv`` with parse errors turned into SchemaError naming the file.

    A file that looked like UTF-8 in its first 64 KiB but is not valid UTF-8 further on is
    read again as Windows-1252 (unless it has a UTF-8 byte-order mark, which makes the
    mixture an error).
    """
    try:
        return pd.read_csv(path, encoding=encoding, engine="c", on_bad_lines="error", **kw)
    except UnicodeDecodeError as exc:
        with path.open("rb") as fh:
            bom = fh.read(3) == _BOM
        if encoding == "utf-8-sig" and not bom:
            return read_csv_text(path, "cp1252", what, **kw)
        raise SchemaError(f"{path}: not valid {encoding} text at byte {exc.start}; "
                          f"cannot be read as {what}") from None
    except (pd.errors.ParserError, ValueError) as exc:
        msg = str(exc).strip().splitlines()[-1] if str(exc).strip() else type(exc).__name__
        if "could not convert string to float" in msg or "Unable to parse" in msg:
            raise NotNumberError(f"{path}: a numeric column holds text") from None
        raise SchemaError(f"{path}: cannot be read as {what}: {msg}") from None


#: the reason given to a row that holds a NUL byte in any of its cells
NUL_REASON = "NUL byte in a cell"


def has_nul(path: Path, chunk: int = 1 << 24) -> bool:
    """Tell whether the file holds a NUL byte anywhere (read in chunks).

    A text file with a NUL byte in a row is damaged there: the readers quarantine those rows
    (``NUL_REASON``) and keep the others.
    """
    with path.open("rb") as fh:
        while True:
            block = fh.read(chunk)
            if not block:
                return False
            if b"\x00" in block:
                return True
