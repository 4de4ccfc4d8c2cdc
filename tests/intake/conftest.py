"""Fixtures of the intake tests: the shared real data, found from a git worktree too."""

from __future__ import annotations

from pathlib import Path

import pytest

from .test_intake import _row, _write


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data beside the project (../shared/real)."""
    here = Path(__file__).resolve()
    for up in here.parents:
        if (up / "shared" / "real").is_dir():
            return up / "shared" / "real"
    raise AssertionError(f"expected the shared real data beside {here.parents[2]}")


@pytest.fixture
def messy_police_uk(tmp_path: Path) -> Path:
    """A folder of four malformed street files, one of each problem the readers check.

    Bad, zero, swapped and out-of-range coordinates, bad months, a missing crime type, a
    Crime ID twice in a file and again in a later file, a month repeated by a later file,
    a blank row, an empty line, trailing blank lines, a BOM, LF and CRLF line ends and a
    Windows-1252 file.
    """
    src = tmp_path / "in"
    src.mkdir()
    _write(src / "2025-01-t-street.csv", [
        _row(Crime_ID="a1", Month="2025-01"),
        _row(Crime_ID="", Month="2025-01", Crime_type="Anti-social behaviour"),
        _row(Crime_ID="a3", Month="2025-01", Longitude="", Latitude=""),
        _row(Crime_ID="a4", Month="2025-01", Longitude="0", Latitude="0"),
        _row(Crime_ID="a5", Month="2025-01", Longitude="53.0", Latitude="-1.5"),
        _row(Crime_ID="a6", Month="2025-01", Longitude="2.35", Latitude="48.85"),
        _row(Crime_ID="a7", Month="2025-01", Longitude="x", Latitude="53"),
        _row(Crime_ID="a7b", Month="2025-01", Longitude="-1.5", Latitude="95"),
        _row(Crime_ID="a8", Month="2025/01"),
        _row(Crime_ID="a8b", Month="2025-13"),
        _row(Crime_ID="a9", Month="2025-01", Crime_type=""),
        _row(Crime_ID="a1", Month="2025-01", Location="Elsewhere"),
        ["", "", "", "", "", "", "", "", "", "", "", ""],
    ], bom=True, trailing="\r\n\r\n")  # BOM, CRLF, trailing blank lines
    _write(src / "2025-02-t-street.csv", [
        _row(Crime_ID="a1", Month="2025-02"),
        _row(Crime_ID="b2", Month="2025-02", Longitude="-2.25", Latitude="53.48"),
        _row(Crime_ID="b3", Month="2025-01"),  # a month already read from another file
    ], newline="\n")
    gap = _write(src / "2025-03-t-street.csv", [
        _row(Crime_ID="c1", Month="2025-03", Location="Café Street"),
        _row(Crime_ID="c2", Month="2025-03")], newline="\r\n")
    gap.write_bytes(gap.read_bytes().replace(b"\r\nc2", b"\r\n\r\nc2"))  # an empty line
    cp = _write(src / "2025-04-t-street.csv", [_row(Crime_ID="d1", Month="2025-04",
                                                    Location="On or near Café")])
    cp.write_bytes(cp.read_bytes().decode("utf-8").encode("cp1252"))  # Windows-1252
    return src
