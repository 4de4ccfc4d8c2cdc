"""Reading call data records: authority, audit, quarantine reasons, BST, XLSX."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from tests._identity import open_as

NC_HEAD = "MSISDN,Other Party,Direction,Event,Start Time (UTC),Duration (s),Cell ID,IMEI,IMSI\n"
VA_HEAD = ("Call Type,A Number,B Number,Date,Time,Duration,Start Cell,Handset IMEI,"
           "Subscriber IMSI\n")
CELLS = pd.DataFrame({"cell_id": ["C1", "C2"], "easting": [400000.0, 400100.0],
                      "northing": [500000.0, 500000.0], "azimuth": [0.0, 120.0],
                      "beam_width": [120.0, 120.0]})


@pytest.fixture
def ws(tmp_path: Path) -> ib.Workspace:
    return open_as("A. Analyst", tmp_path / "ws", role="ANALYST")


def _auth(**kw: object) -> ib.comms.Authority:
    args = {"reference": "OCDA/2025/000001", "start": "2025-03-01", "end": "2025-12-01"}
    args.update(kw)
    return ib.comms.Authority(**args)  # type: ignore[arg-type]


def test_import_without_authority_is_refused_and_not_audited(tmp_path: Path,
                                                             ws: ib.Workspace) -> None:
    f = tmp_path / "c.csv"
    f.write_text(NC_HEAD + "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,,\n")
    with pytest.raises(ib.ParameterError, match="refused.*Investigatory Powers Act 2016"):
        ib.comms.read_cdr(f, "northcell", authority=None, workspace=ws)
    with pytest.raises(ib.ParameterError, match="reference"):
        _auth(reference="")
    with pytest.raises(ib.ParameterError, match="workspace"):
        ib.comms.read_cdr(f, "northcell", authority=_auth(), workspace=None)
    assert len(ws.audit.entries("COLLECT")) == 0


def test_import_is_audited_as_collect(tmp_path: Path, ws: ib.Workspace) -> None:
    f = tmp_path / "c.csv"
    f.write_text(NC_HEAD + "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,,\n"
                 "447700900001,07700900002,MO,VOICE,2025-09-01 11:00:00,-5,C1,,\n")
    imp = ib.comms.read_cdr(f, "northcell", authority=_auth(), workspace=ws)
    e = ws.audit.entries("COLLECT")
    assert len(e) == 1
    assert e["record_ref"].iloc[0] == "comms/OCDA/2025/000001"
    detail = e["detail"].iloc[0]
    assert detail["sha256"] == imp.sha256 and len(imp.sha256) == 64
    assert (detail["rows_read"], detail["records"], detail["rows_quarantined"]) == (2, 1, 1)
    assert ws.audit.verify()


def test_every_bad_row_is_quarantined_with_its_reason(tmp_path: Path, ws: ib.Workspace
                                                      ) -> None:
    rows = [
        "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,490154203237518,"
        "234150000000001",
        "447700900001,0770090,MO,VOICE,2025-09-01 10:00:00,5,C1,,",          # 3 bad number
        "447700900001,07700900002,MO,VOICE,2025-12-01 00:00:00,5,C1,,",      # 4 after the end
        "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,-1,C1,,",     # 5 negative
        "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C9,,",      # 6 unknown cell
        "447700900001,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,490154203237519,",  # 7
        "447700900001,07700900002,XX,VOICE,2025-09-01 10:00:00,5,C1,,",      # 8 direction
        "447700900001,07700900002,MO,VOICE,01/09/2025 10:00,5,C1,,",         # 9 format
        "447700900009,07700900002,MO,VOICE,2025-09-01 10:00:00,5,C1,,",      # 10 not covered
        "447700900001,,MO,SMS,2025-09-01 10:00:00,0,C1,,",                   # 11 no other
        "447700900001,,MT,DATA,2025-09-01 10:00:00,120,C2,,",                # 12 fine: data
    ]
    f = tmp_path / "c.csv"
    f.write_text(NC_HEAD + "\n".join(rows) + "\n")
    imp = ib.comms.read_cdr(f, "northcell", authority=_auth(targets=["07700 900001"]),
                            workspace=ws, cells=CELLS)
    got = {(int(r.row), r.column, r.reason) for r in imp.quarantine.itertuples()}
    assert got == {
        (3, "other", "not a valid UK or international number (E.164)"),
        (4, "start", "outside the authorised period"),
        (5, "duration", "negative duration"),
        (6, "cell_id", "unknown cell ID"),
        (7, "imei", "not a valid IMEI (15 digits with a Luhn check digit)"),
        (8, "direction", "not one of the allowed values ['MO', 'MT']"),
        (9, "start", "not a valid date-time in the format %Y-%m-%d %H:%M:%S"),
        (10, "target", "target number not covered by the authority"),
        (11, "other", "missing other party (required for voice and SMS)"),
    }
    assert imp.records["row"].tolist() == [2, 12]
    assert sorted(imp.rejected.index) == list(range(3, 12))
    assert len(imp.records) + len(imp.rejected) == imp.rows_read  # nothing dropped silently
    assert imp.records["type"].tolist() == ["voice", "data"]
    assert pd.isna(imp.records["other"].iloc[1])
    # reasons never quote the value
    assert not imp.quarantine["reason"].str.contains("0770090|C9").any()


def test_uk_local_times_and_bst(tmp_path: Path, ws: ib.Workspace) -> None:
    """Vantage writes UK local time: BST in summer, GMT in winter, the change hours."""
    rows = [
        "Outgoing Call,07700900001,07700900002,01/09/2025,10:00:00,00:01:05,C1,,",  # BST
        "Incoming SMS,07700900002,07700900001,01/11/2025,10:00:00,00:00:00,C1,,",   # GMT
        "Outgoing Call,07700900001,07700900002,26/10/2025,01:30:00,00:00:10,C1,,",  # repeated
        "Outgoing Call,07700900001,07700900002,30/03/2025,01:30:00,00:00:10,C1,,",  # gap
    ]
    f = tmp_path / "v.csv"
    f.write_text(VA_HEAD + "\n".join(rows) + "\n")
    imp = ib.comms.read_cdr(f, "vantage", authority=_auth(), workspace=ws)
    r = imp.records
    assert r["start"].astype(str).tolist() == ["2025-09-01 09:00:00+00:00",
                                               "2025-11-01 10:00:00+00:00",
                                               "2025-10-26 00:30:00+00:00"]
    assert r["start_local"].dt.hour.tolist() == [10, 10, 1]
    assert r["time_ambiguous"].tolist() == [False, False, True]
    assert r["target"].astype(str).tolist() == ["+447700900001"] * 3
    assert r["other"].astype(str).tolist() == ["+447700900002"] * 3
    assert r["direction"].tolist() == ["out", "in", "out"]
    assert r["duration_s"].tolist() == [65, 0, 10]
    assert imp.quarantine["reason"].tolist() == [
        "local time does not exist (clocks went forward to BST)"]


def test_xlsx_reads_like_csv(tmp_path: Path, ws: ib.Workspace) -> None:
    rows = ["Outgoing Call,07700900001,07700900002,01/09/2025,10:00:00,00:01:05,C1,,",
            "Incoming Call,0161 496 0001,07700900001,02/09/2025,23:59:59,00:10:00,C2,,"]
    f = tmp_path / "v.csv"
    f.write_text(VA_HEAD + "\n".join(rows) + "\n")
    x = tmp_path / "v.xlsx"
    pd.read_csv(f, dtype=str).to_excel(x, index=False)
    a = ib.comms.read_cdr(f, "vantage", authority=_auth(), workspace=ws).records
    b = ib.comms.read_cdr(x, "vantage", authority=_auth(), workspace=ws).records
    cols = ["target", "other", "direction", "type", "start", "duration_s", "cell_id"]
    pd.testing.assert_frame_equal(a[cols].astype(str), b[cols].astype(str))
    assert b["other"].astype(str).tolist() == ["+447700900002", "+441614960001"]


def test_missing_column_names_file_and_columns(tmp_path: Path, ws: ib.Workspace) -> None:
    f = tmp_path / "c.csv"
    f.write_text("MSISDN,Other\n447700900001,07700900002\n")
    with pytest.raises(ib.SchemaError, match="c.csv.*not in the file"):
        ib.comms.read_cdr(f, "northcell", authority=_auth(), workspace=ws)


def test_combine_keeps_authority_per_record(tmp_path: Path, ws: ib.Workspace) -> None:
    f1, f2 = tmp_path / "a.csv", tmp_path / "b.csv"
    f1.write_text(NC_HEAD + "447700900001,07700900002,MO,VOICE,2025-09-02 10:00:00,5,C1,,\n")
    f2.write_text(NC_HEAD + "447700900002,07700900001,MT,VOICE,2025-09-01 10:00:00,5,C1,,\n")
    i1 = ib.comms.read_cdr(f1, "northcell", authority=_auth(reference="REF-1"), workspace=ws)
    i2 = ib.comms.read_cdr(f2, "northcell", authority=_auth(reference="REF-2"), workspace=ws)
    rec = ib.comms.combine([i1, i2])
    assert rec["authority"].astype(str).tolist() == ["REF-2", "REF-1"]
    assert rec["source"].astype(str).tolist() == ["b.csv", "a.csv"]
    assert list(rec.columns) == list(ib.comms.RECORD_COLUMNS)
