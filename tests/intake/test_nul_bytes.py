"""NUL bytes: a damaged row is quarantined with its reason, a binary file is refused.

Issue 14 (section 3): rows with NUL bytes are reported in the intake report, not kept as data.
A NUL byte in one row used to refuse the whole file when it fell in the first 64 KB, and to
be kept as data (a Crime ID with a NUL in it) when it fell later.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import SchemaError
from intelbench.intake._common import NUL_REASON

ROOT = Path(__file__).resolve().parents[2]
MONTH = sorted((ROOT / "data_samples" / "crimes").rglob("*-street.csv"))[0]


def _damaged(tmp_path: Path, lines_with_nul: list[int], name: str = "2025-01-x-street.csv"
             ) -> Path:
    lines = MONTH.read_bytes().split(b"\n")
    for i in lines_with_nul:  # i is the 0-based line (0 = header); the NUL goes mid-row
        cut = len(lines[i]) // 2
        lines[i] = lines[i][:cut] + b"\x00" + lines[i][cut:]
    out = tmp_path / name
    out.write_bytes(b"\n".join(lines))
    return out


@pytest.mark.parametrize("engine", ["pandas", "duckdb"])
def test_a_nul_byte_quarantines_its_row_only_early_or_late(tmp_path: Path, engine: str) -> None:
    clean = ib.read_police_uk(MONTH, engine="pandas")
    n_lines = len(MONTH.read_bytes().rstrip(b"\n").split(b"\n"))
    # two rows the clean read keeps: one in the first 64 KB, one near the end
    out = set(clean.attrs["intake"].excluded["line"])  # 1-based file lines
    kept = [i for i in range(1, n_lines) if i + 1 not in out]
    damaged_lines = [kept[2], kept[-2]]
    path = _damaged(tmp_path, damaged_lines)
    got = ib.read_police_uk(path, engine=engine)
    report = got.attrs["intake"]
    nul = report.excluded[report.excluded["reason"] == NUL_REASON]
    # file lines are 1-based: 0-based line i is file line i + 1
    assert sorted(nul["line"].tolist()) == [i + 1 for i in damaged_lines]
    assert report.counts()[NUL_REASON] == 2
    assert report.rows_read == clean.attrs["intake"].rows_read
    # every other row is kept exactly as before, and nothing kept holds a NUL
    assert len(got) == len(clean) - 2
    for col in got.columns:
        if got[col].dtype == object or str(got[col].dtype) in ("str", "string", "category"):
            assert not got[col].astype(str).str.contains("\x00", regex=False).any(), col


def test_both_engines_agree_on_a_damaged_file(tmp_path: Path) -> None:
    path = _damaged(tmp_path, [2, 10, 11])
    a = ib.read_police_uk(path, engine="pandas").attrs["intake"]
    b = ib.read_police_uk(path, engine="duckdb").attrs["intake"]
    assert a.counts() == b.counts()
    key = ["line", "reason"]
    pd.testing.assert_frame_equal(a.excluded[key].reset_index(drop=True),
                                  b.excluded[key].reset_index(drop=True))


def test_binary_files_are_refused_with_the_file_named(tmp_path: Path) -> None:
    header_nul = _damaged(tmp_path, [0], "2025-01-h-street.csv")
    utf16 = tmp_path / "2025-01-u-street.csv"
    utf16.write_bytes(MONTH.read_text(encoding="utf-8").encode("utf-16"))
    for path in (header_nul, utf16):
        with pytest.raises(SchemaError, match="binary data") as err:
            ib.read_police_uk(path)
        assert str(path) in str(err.value)


def test_read_table_quarantines_a_nul_cell_with_its_column(tmp_path: Path) -> None:
    src = ROOT / "data_samples" / "burglary_extract.csv"
    lines = src.read_bytes().split(b"\n")
    cells = lines[5].split(b",")
    cells[0] = cells[0][:3] + b"\x00" + cells[0][3:]
    lines[5] = b",".join(cells)
    path = tmp_path / "extract.csv"
    path.write_bytes(b"\n".join(lines))
    kw = {"schema": ib.intake.BURGLARY_EXTRACT, "order": ib.intake.BURGLARY_EXTRACT_ORDER}
    res = ib.read_table(path, **kw)  # type: ignore[arg-type]
    q = res.quarantine[res.quarantine["reason"] == NUL_REASON]
    assert q["row"].tolist() == [6] and q["column"].tolist() == ["crime_ref"]
    assert 6 not in res.data.index
    every = ib.read_table(path, keep="all", **kw)  # type: ignore[arg-type]
    assert pd.isna(every.data.loc[6, "crime_ref"])  # the damaged value is not kept
    whole = ib.read_table(src, **kw)  # type: ignore[arg-type]
    assert len(res.data) == len(whole.data) - 1


def test_a_call_record_with_a_nul_byte_is_quarantined(tmp_path: Path) -> None:
    from tests._identity import open_as

    folder = ROOT / "data_samples" / "comms"
    auth = pd.read_csv(folder / "authorities.csv").iloc[0]
    lines = (folder / auth["file"]).read_bytes().split(b"\n")
    cells = lines[4].split(b",")
    cells[1] = cells[1][:4] + b"\x00" + cells[1][4:]
    lines[4] = b",".join(cells)
    path = tmp_path / "cdr.csv"
    path.write_bytes(b"\n".join(lines))
    authority = ib.comms.Authority(auth["authority"], auth["start"], auth["end"])
    with open_as("t.nul", tmp_path / "ws", role="INTEL_UNIT") as ws:
        clean = ib.comms.read_cdr(folder / auth["file"], auth["layout"], authority=authority,
                                  workspace=ws)
        got = ib.comms.read_cdr(path, auth["layout"], authority=authority, workspace=ws)
    q = got.quarantine[got.quarantine["reason"] == NUL_REASON]
    assert q["row"].tolist() == [5]
    assert len(got.records) == len(clean.records) - 1
