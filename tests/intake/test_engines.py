"""Both engines of the public readers give the same rows, quarantine, reasons and report.

``read_police_uk`` and ``read_table`` read through pandas (in memory) or DuckDB (Parquet,
out of core); these tests read the same inputs both ways, including malformed ones, and
compare value for value.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.intake.bulk import BulkIntake

from .test_intake import _row, _write

ROOT = Path(__file__).resolve().parents[2]
SAMPLES = ROOT / "data_samples"


def _same_police(path: object, **kw: object) -> ib.intake.IntakeReport:
    a = ib.read_police_uk(path, engine="pandas", **kw)  # type: ignore[arg-type]
    b = ib.read_police_uk(path, engine="duckdb", **kw)  # type: ignore[arg-type]
    assert list(a.columns) == list(b.columns)
    assert dict(a.dtypes.astype(str)) == dict(b.dtypes.astype(str))
    assert len(a) == len(b)
    for col in a.columns:
        if col == "geometry":
            assert a.geometry.geom_equals(b.geometry).all()
        elif col in ("x", "y", "longitude", "latitude"):
            np.testing.assert_allclose(a[col].to_numpy(), b[col].to_numpy(), rtol=0, atol=1e-6)
        else:
            av = a[col].astype(object).where(a[col].notna(), None).tolist()
            bv = b[col].astype(object).where(b[col].notna(), None).tolist()
            assert av == bv, col
    ra, rb = a.attrs["intake"], b.attrs["intake"]
    ea = ra.excluded.astype(object).where(ra.excluded.notna(), None)
    eb = rb.excluded.astype(object).where(rb.excluded.notna(), None)
    assert ea.astype({"line": np.int64}).values.tolist() == eb.astype(
        {"line": np.int64}).values.tolist()
    assert list(ea.columns) == list(eb.columns)
    for attr in ("files", "rows_read", "rows_kept", "blank_lines", "repeated_months",
                 "repeated_ids", "ids_twice_in_a_file", "outcomes"):
        assert getattr(ra, attr) == getattr(rb, attr), attr
    assert a.attrs["xy"] == b.attrs["xy"] and a.crs == b.crs
    return ra


def test_sample_force_both_engines() -> None:
    report = _same_police(SAMPLES / "crimes")
    assert report.rows_kept > 10_000


def test_real_files_both_engines(real_data: Path) -> None:
    _same_police(real_data / "police_uk")
    report = _same_police(real_data / "police_uk_series")
    assert len(report.files) == 12
    # a glob names the same files
    glob = str(real_data / "police_uk_series" / "2016-0[1-3]-*-street.csv")
    report = _same_police(glob)
    assert [Path(f).name[:7] for f in report.files] == ["2016-01", "2016-02", "2016-03"]


def test_malformed_files_both_engines(messy_police_uk: Path) -> None:
    report = _same_police(messy_police_uk)
    assert set(report.counts()) == {
        "bad coordinates", "bad month", "latitude and longitude swapped", "missing crime type",
        "no location", "outside Great Britain", "repeated Crime ID", "repeated month",
        "zero coordinates"}
    assert report.blank_lines == 4  # a blank row, an empty line, two trailing


def test_bad_header_refused_by_both_engines(tmp_path: Path) -> None:
    bad = _write(tmp_path / "x-street.csv", [_row()], header=["Crime ID", "Month"])
    messages = []
    for engine in ("pandas", "duckdb"):
        with pytest.raises(ib.SchemaError, match="header does not match") as err:
            ib.read_police_uk(bad, engine=engine)
        messages.append(str(err.value))
    assert messages[0] == messages[1]
    with pytest.raises(ib.SchemaError, match="matches no file"):
        ib.read_police_uk(str(tmp_path / "nothing-*.csv"))
    with pytest.raises(ib.ParameterError, match="engine must be one of"):
        ib.read_police_uk(bad, engine="spark")
    with pytest.raises(ib.ParameterError, match="out="):
        ib.read_police_uk(bad, engine="pandas", out=tmp_path / "o")


def test_out_writes_parquet_and_returns_the_report(tmp_path: Path) -> None:
    res = ib.read_police_uk(SAMPLES / "crimes", out=tmp_path / "pq")
    assert isinstance(res, BulkIntake)
    gdf = ib.read_police_uk(SAMPLES / "crimes", engine="pandas")
    kept = pd.read_parquet(res.parquet)
    assert len(kept) == len(gdf) == res.report.rows_kept
    assert kept["crime_id"].tolist() == gdf["crime_id"].tolist()
    assert res.report.counts() == gdf.attrs["intake"].counts()
    excluded = pd.read_parquet(res.excluded_parquet)
    assert len(excluded) == len(gdf.attrs["intake"].excluded)


def test_auto_engine_switches_above_the_threshold(tmp_path: Path,
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    import intelbench.intake.engines as engines

    f = _write(tmp_path / "2025-01-t-street.csv", [_row(Crime_ID="a1")])
    assert engines.choose_engine("auto", [f], None) == "pandas"
    monkeypatch.setattr(engines, "DUCKDB_ABOVE_BYTES", 10)
    assert engines.choose_engine("auto", [f], None) == "duckdb"


# --- read_table ---------------------------------------------------------------------------

def _same_table(path: object, **kw: object) -> ib.intake.TableResult:
    a = ib.read_table(path, engine="pandas", **kw)  # type: ignore[arg-type]
    b = ib.read_table(path, engine="duckdb", **kw)  # type: ignore[arg-type]
    assert (a.engine, b.engine) == ("pandas", "duckdb")
    pd.testing.assert_frame_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.quarantine, b.quarantine)
    pd.testing.assert_frame_equal(a.rejected.astype(object), b.rejected.astype(object))
    assert a.blank_lines == b.blank_lines
    return a


def test_read_table_engines_on_the_sample_extract() -> None:
    res = _same_table(SAMPLES / "burglary_extract.csv", schema=ib.intake.BURGLARY_EXTRACT,
                      order=ib.intake.BURGLARY_EXTRACT_ORDER)
    assert len(res.quarantine) > 0 and len(res.data) > 1000
    _same_table(SAMPLES / "burglary_extract.csv", schema=ib.intake.BURGLARY_EXTRACT,
                order=ib.intake.BURGLARY_EXTRACT_ORDER, keep="all")


def _extract_files(tmp_path: Path) -> Path:
    folder = tmp_path / "extracts"
    folder.mkdir()
    lines = (SAMPLES / "burglary_extract.csv").read_text(encoding="utf-8").splitlines()
    head, body = lines[0], lines[1:]
    third = len(body) // 3
    (folder / "a.csv").write_bytes(b"\xef\xbb\xbf" + ("\r\n".join([head, *body[:third]])
                                                      + "\r\n").encode())  # BOM and CRLF
    mid = body[third:2 * third]
    mid[5] = ",".join(mid[5].split(",")[:4])  # a short row (missing cells)
    mid[7] = ",,,,,,,,"  # a blank row
    (folder / "b.csv").write_text("\n".join([head, *mid[:10], "", *mid[10:]]) + "\n")
    (folder / "c.csv").write_bytes(("\n".join([head, *body[2 * third:], "NS-999999-25,,"
                                               "Burglary - residential,01/01/2025 09:15,"
                                               "01/01/2025 11:05,1,2,E01900144,Café"])
                                    + "\n").encode("cp1252"))
    return folder


def test_read_table_engines_on_many_malformed_files(tmp_path: Path) -> None:
    folder = _extract_files(tmp_path)
    kw = {"schema": ib.intake.BURGLARY_EXTRACT, "order": ib.intake.BURGLARY_EXTRACT_ORDER}
    res = _same_table(folder, **kw)
    assert list(res.quarantine.columns) == ["file", "row", "column", "reason"]
    assert res.quarantine["file"].nunique() >= 2 and res.blank_lines == 2
    whole = ib.read_table(SAMPLES / "burglary_extract.csv", **kw)  # type: ignore[arg-type]
    # one row made blank, one row added
    assert len(res.data) + len(res.rejected) == len(whole.data) + len(whole.rejected)
    _same_table(str(folder / "*.csv"), **kw)  # a glob
    out = ib.read_table(folder, out=tmp_path / "good.parquet", **kw)  # type: ignore[arg-type]
    assert out.engine == "duckdb" and out.parquet is not None and out.data.empty
    back = pd.read_parquet(out.parquet)
    assert back["crime_ref"].tolist() == res.data["crime_ref"].tolist()
    assert back["row"].tolist() == res.data.index.tolist()
    assert back["file"].tolist() == res.data["file"].tolist()
    pd.testing.assert_frame_equal(out.quarantine, res.quarantine)


def test_read_table_missing_column_refused_by_both_engines(tmp_path: Path) -> None:
    f = tmp_path / "x.csv"
    f.write_text("a,b\n1,2\n")
    for engine in ("pandas", "duckdb"):
        with pytest.raises(ib.SchemaError, match=r"mapped columns \['zz'\]"):
            ib.read_table(f, mapping={"z": "zz"}, engine=engine)
