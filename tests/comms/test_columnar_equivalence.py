"""The columnar read_cdr gives exactly what the row-by-row reader before it gave.

``tests/comms/_reference_cdr.py`` keeps that earlier reader verbatim. Both read the same
messy files (every quarantine reason, whitespace, case, blank rows and lines, both layouts,
CSV and XLSX, each reader engine) and the sample force's records; records, quarantine and
rejected rows must agree value for value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from tests._identity import open_as
from tests.comms import _reference_cdr as reference
from tests.comms.conftest import CommsSample

NC_HEAD = "MSISDN,Other Party,Direction,Event,Start Time (UTC),Duration (s),Cell ID,IMEI,IMSI"
NC_ROWS = [
    "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,490154203237518,"
    "234150000000001",
    "447700900001,0770090,MO,VOICE,2025-09-01 10:00:00,5,C1,,",
    "447700900001,07700900002,MO,VOICE,2025-12-01 00:00:00,5,C1,,",
    "447700900001, 07700 900003 ,mo , voice,2025-09-01 10:00:00,-1,C1,,",
    "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C9,,",
    "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,490154203237519,23415x",
    "447700900001,07700900002,XX,VOICE,2025-09-01 10:00:00,5,C1,,",
    "447700900001,07700900002,MO,FAX,01/09/2025 10:00,5.5,C1,,",
    "447700900009,+33 1 23 45 67 89,MT,SMS,2025-09-01 10:00:00,0,C2,,",
    "447700900001,,MO,SMS,2025-09-01 10:00:00,0,C1,,",
    "447700900001,,MT,DATA,2025-09-01 10:00:00,120,C2,,",
    ",,,,,,,,",
    ",Withheld,MT,VOICE,2025-10-26 01:30:00,abc,C2,,",
    "447700900002,447700900001,MT,VOICE,2025-09-02 11:00:00,7,,490154203237518,",
    "07700 900001,07700900004,MO,SMS,2025-11-30 23:59:59,0,C2,,234150000000001",
]
VA_HEAD = ("Call Type,A Number,B Number,Date,Time,Duration,Start Cell,Handset IMEI,"
           "Subscriber IMSI")
VA_ROWS = [
    "Outgoing Call,07700900001,07700900002,01/09/2025,10:00:00,00:01:05,C1,,",
    "Incoming SMS,07700900002,07700900001,01/11/2025,10:00:00,00:00:00,C1,,",
    "Outgoing Call,07700900001,07700900002,26/10/2025,01:30:00,00:00:10,C1,,",
    "Outgoing Call,07700900001,07700900002,30/03/2025,01:30:00,00:00:10,C1,,",
    "incoming call,,07700900001,02/09/2025,10:00:00,-00:00:10,C9,,",
    "Incoming Call,07700900003,,02/09/2025,25:00:00,1:00,C2,,",
    "Data Session,07700900001,,02/09/2025,,00:10:00,C2,,",
    "Outgoing SMS,07700900001,0044 161 496 0001,31/09/2025,10:00:00,00:00:00,C2,,",
    "Outgoing SMS,07700900001,0044 161 496 0001,01/09/2025,10:00:00,00:00:00,C2,bad,",
    ",,,,,,,,",
]
CELLS = pd.DataFrame({"cell_id": ["C1", "C2"], "easting": [400000.0, 400100.0],
                      "northing": [500000.0, 500000.0], "azimuth": [0.0, 120.0],
                      "beam_width": [120.0, 120.0]})


def _as_text(df: pd.DataFrame) -> pd.DataFrame:
    out = df.copy()
    for c in out.columns:
        if isinstance(out[c].dtype, pd.CategoricalDtype):
            out[c] = np.asarray(out[c].astype(object))
    return out


def _same(new: ib.comms.CDRImport, old: reference.CDRImport) -> None:
    pd.testing.assert_frame_equal(_as_text(new.records), _as_text(old.records),
                                  check_dtype=False)
    assert new.records["target"].astype(str).tolist() == old.records["target"].astype(
        str).tolist()
    assert list(new.records["target"].cat.categories) == list(
        old.records["target"].cat.categories)
    for c in ("cell_id", "imei", "imsi"):
        assert list(new.records[c].cat.categories) == list(old.records[c].cat.categories)
    pd.testing.assert_frame_equal(new.quarantine, old.quarantine, check_dtype=False)
    pd.testing.assert_frame_equal(_as_text(new.rejected), _as_text(old.rejected),
                                  check_dtype=False, check_index_type=False)
    assert (new.rows_read, new.sha256) == (old.rows_read, old.sha256)


@pytest.mark.parametrize("variant", ["pyarrow", "blank line (pandas)", "crlf and bom",
                                     "xlsx"])
@pytest.mark.parametrize("layout", ["northcell", "vantage"])
def test_columnar_reader_matches_the_reference(tmp_path: Path, layout: str,
                                               variant: str) -> None:
    head, rows = (NC_HEAD, NC_ROWS) if layout == "northcell" else (VA_HEAD, VA_ROWS)
    if variant == "blank line (pandas)":
        rows = [*rows[:3], "", *rows[3:]]
    f = tmp_path / "c.csv"
    nl = "\r\n" if variant == "crlf and bom" else "\n"
    f.write_text(("\ufeff" if variant == "crlf and bom" else "") + nl.join([head, *rows]) + nl,
                 encoding="utf-8")
    if variant == "xlsx":
        frame = pd.read_csv(f, dtype=str, keep_default_na=False)
        f = tmp_path / "c.xlsx"
        frame.to_excel(f, index=False)
    engine = ib.intake.columnar.read_categorical(f).engine
    assert engine == ("pyarrow" if variant in ("pyarrow", "crlf and bom") else "pandas")
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    for targets in ((), ("07700 900001",)):
        auth = ib.comms.Authority("OCDA/2025/000001", "2025-03-01", "2025-12-01",
                                  targets=targets)
        new = ib.comms.read_cdr(f, layout, authority=auth, workspace=ws, cells=CELLS)
        old = reference.read_cdr(f, layout, authority=auth, workspace=ws, cells=CELLS)
        assert len(new.quarantine) > 5
        _same(new, old)


def test_sample_force_reads_as_before(comms_sample: CommsSample, tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    auth = pd.read_csv(comms_sample.folder / "authorities.csv", dtype=str)
    for imp, r in zip(comms_sample.imports, auth.itertuples()):
        a = ib.comms.Authority(r.authority, r.start, r.end, targets=[r.target])
        old = reference.read_cdr(comms_sample.folder / r.file, r.layout, authority=a,
                                 workspace=ws, cells=comms_sample.cells)
        _same(imp, old)


# Start texts for the fixed-width time path: valid, impossible, padded, short, other formats.
EDGE_TIMES = [
    "2025-09-01 10:00:00", "2025-02-29 10:00:00", "2025-09-31 10:00:00",
    "2025-09-01 24:00:00", "2025-09-01 10:60:00", "2025-09-01 10:00:60",
    " 2025-09-01 10:00:00 ", "2025-9-01 10:00:00", "2025/09/01 10:00:00",
    "2025-09-01T10:00:00", "", "abcd-ef-gh ij:kl:mn", "2025-10-26 01:30:00",
    "2025-03-30 01:30:00", "1678-01-01 00:00:00", "2261-12-31 23:59:59",
    "2024-02-29 12:00:00", "2025-09-01 10:00:0\u0663", "2025-11-30 23:59:59",
    "2025-12-01 00:00:00", "2025-10-26 00:59:59", "2025-10-26 02:00:00",
]
LOCAL = ib.comms.Layout(name="localcell", mapping=ib.comms.NORTHCELL.mapping,
                        directions=ib.comms.NORTHCELL.directions,
                        types=ib.comms.NORTHCELL.types, time_zone="Europe/London")


def _edge_file(path: Path, n: int, seed: int, blank_row: bool) -> None:
    rng = np.random.default_rng(seed)
    good = pd.Timestamp("2025-03-01") + pd.to_timedelta(rng.integers(0, 270 * 86400, n), "s")
    times = np.array(good.strftime("%Y-%m-%d %H:%M:%S"), dtype=object)
    edge = rng.random(n) < 0.2
    times[edge] = rng.choice(np.array(EDGE_TIMES, dtype=object), int(edge.sum()))
    other = rng.choice(["07700900002", "07700 900003", "0770090", "+33 1 23 45 67 89", ""], n)
    lines = [NC_HEAD] + [
        f"447700900001,{o},{rng.choice(['MO', 'MT'])},{rng.choice(['VOICE', 'SMS', 'DATA'])},"
        f"{t},{rng.integers(-2, 300)},{rng.choice(['C1', 'C2', 'C9'])},490154203237518,"
        "234150000000001" for o, t in zip(other, times)]
    if blank_row:
        lines.insert(n // 2, ",,,,,,,,")
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")


@pytest.mark.parametrize("blank_row", [False, True])
@pytest.mark.parametrize("layout", ["northcell", "localcell"])
def test_fixed_width_times_match_the_reference(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               layout: str, blank_row: bool) -> None:
    """The fast start-time path, across many pyarrow blocks, in UTC and UK local time."""
    from intelbench.comms import _read

    monkeypatch.setattr(_read, "_BLOCK", 1 << 14)  # ~150 rows a block: many chunks
    f = tmp_path / "c.csv"
    _edge_file(f, 3000, seed=7 if blank_row else 3, blank_row=blank_row)
    lay = LOCAL if layout == "localcell" else ib.comms.NORTHCELL
    table = _read.read_cdr_table(f, lay)
    assert table.engine == "pyarrow+times"
    col = table.columns["Start Time (UTC)"]
    assert isinstance(col, _read.TimeColumn)
    assert (col.codes == -2).mean() > 0.7 and (col.codes >= 0).any()
    assert table.blank_lines == int(blank_row)
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    auth = ib.comms.Authority("OCDA/2025/000001", "2025-03-01", "2025-12-01")
    new = ib.comms.read_cdr(f, lay, authority=auth, workspace=ws, cells=CELLS)
    old = reference.read_cdr(f, lay, authority=auth, workspace=ws, cells=CELLS)
    assert len(new.rejected) > 100 and len(new.records) > 1000
    reasons = set(new.quarantine["reason"])
    assert "outside the authorised period" in reasons
    assert any(r.startswith("not a valid date-time") for r in reasons)
    if layout == "localcell":
        assert "local time does not exist (clocks went forward to BST)" in reasons
        assert new.records["time_ambiguous"].any()
    _same(new, old)


def test_fixed_width_parser_agrees_with_pandas() -> None:
    """Every text the byte parser accepts, pandas parses to the same instant."""
    from intelbench.comms._read import FixedWidth, parse_fixed

    rng = np.random.default_rng(11)
    n = 20_000
    base = pd.Timestamp("1990-01-01") + pd.to_timedelta(rng.integers(0, 60 * 365 * 86400, n),
                                                         "s")
    chars = np.frombuffer("".join(base.strftime("%Y-%m-%d %H:%M:%S")).encode(),
                          np.uint8).reshape(n, 19).copy()
    hit = rng.random(n) < 0.5  # mutate half: one byte to a digit or a punctuation mark
    chars[hit, rng.integers(0, 19, int(hit.sum()))] = rng.choice(
        np.frombuffer(b"0123456789-: /x", np.uint8), int(hit.sum()))
    texts = pd.Series([bytes(r).decode() for r in chars])
    ns, ok = parse_fixed(chars, FixedWidth.of("%Y-%m-%d %H:%M:%S"))
    ref = pd.to_datetime(texts, format="%Y-%m-%d %H:%M:%S", errors="coerce")
    assert ok.sum() > n * 0.6 and (~ok).sum() > n * 0.1
    assert (ns[ok] == ref[ok].dt.as_unit("ns").astype("int64").to_numpy()).all()
    assert ok[~hit].all()  # every unmutated text takes the fast path
    # what it leaves (padded fields, second 60, years past 2261) goes to pandas, row by value
    assert FixedWidth.of("%d/%m/%Y %H:%M") is None and FixedWidth.of("%Y-%m-%d") is None


def test_years_beyond_the_timestamp_range_are_quarantined(tmp_path: Path) -> None:
    """Year 0000 or 9999 used to stop the import with OutOfBoundsDatetime; now quarantined."""
    f = tmp_path / "c.csv"
    rows = [r.replace("2025-09-01 10:00:00", t) for r, t in zip(
        NC_ROWS[:3], ["0000-01-01 00:00:00", "9999-12-31 23:59:59", "2025-09-01 10:00:00"])]
    f.write_text("\n".join([NC_HEAD, *rows]) + "\n", encoding="utf-8")
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    auth = ib.comms.Authority("OCDA/2025/000001", "2025-03-01", "2025-12-01")
    imp = ib.comms.read_cdr(f, "northcell", authority=auth, workspace=ws)
    bad = imp.quarantine[imp.quarantine["column"] == "start"]
    assert bad["row"].tolist() == [2, 3, 4]
    assert bad["reason"].tolist()[:2] == ["not a valid date-time in the format "
                                          "%Y-%m-%d %H:%M:%S"] * 2
    assert bad["reason"].tolist()[2] == "outside the authorised period"
