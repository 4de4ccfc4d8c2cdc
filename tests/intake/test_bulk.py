"""DuckDB/Parquet intake gives what read_police_uk gives; the SQL space-time cube counts."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.intake.bulk import police_uk_to_parquet, space_time_counts

from .test_intake import _row, _write

ROOT = Path(__file__).resolve().parents[2]


def _compare(folder: Path, out: Path, batch_rows: int) -> ib.intake.IntakeReport:
    gdf = ib.read_police_uk(folder, outcomes=False)
    want = gdf.attrs["intake"]
    res = police_uk_to_parquet(folder, out, batch_rows=batch_rows)
    got = res.report
    kept = pd.read_parquet(res.parquet)
    assert len(kept) == len(gdf) == got.rows_kept
    for c in ("crime_id", "reported_by", "falls_within", "location", "lsoa_code",
              "crime_type"):
        assert kept[c].astype(object).where(kept[c].notna(), None).tolist() == \
            gdf[c].astype(object).where(gdf[c].notna(), None).tolist(), c
    assert kept["month"].tolist() == gdf["month"].astype(str).tolist()
    np.testing.assert_array_equal(kept[["longitude", "latitude"]].to_numpy(),
                                  gdf[["longitude", "latitude"]].to_numpy())
    np.testing.assert_allclose(kept[["x", "y"]].to_numpy(), gdf[["x", "y"]].to_numpy(),
                               rtol=0, atol=1e-6)
    a = want.excluded[["file", "line", "reason"]].astype({"line": np.int64})
    b = got.excluded[["file", "line", "reason"]].astype({"line": np.int64})
    pd.testing.assert_frame_equal(a.reset_index(drop=True), b.reset_index(drop=True))
    assert (got.rows_read, got.blank_lines, got.repeated_ids, got.ids_twice_in_a_file) == (
        want.rows_read, want.blank_lines, want.repeated_ids, want.ids_twice_in_a_file)
    assert got.repeated_months == want.repeated_months
    assert got.files == want.files
    return got


def test_messy_files_match_the_pandas_reader(tmp_path: Path, messy_police_uk: Path) -> None:
    src = messy_police_uk
    (src / "copy").mkdir()
    shutil.copy(src / "2025-02-t-street.csv", src / "copy" / "2025-02-t-street.csv")
    got = _compare(src, tmp_path / "out", batch_rows=3)
    assert set(got.counts()) == {"bad coordinates", "bad month", "latitude and longitude "
                                 "swapped", "missing crime type", "no location",
                                 "outside Great Britain", "repeated Crime ID",
                                 "repeated month", "zero coordinates"}


def test_sample_force_and_real_files_match_the_pandas_reader(tmp_path: Path,
                                                               real_data: Path) -> None:
    folder = ROOT / "data_samples" / "crimes"
    if not folder.is_dir():
        folder = real_data / "police_uk"
    _compare(folder, tmp_path / "sample", batch_rows=20_000)
    _compare(real_data / "police_uk", tmp_path / "real", batch_rows=1_000_000)


def test_bad_header_refused_and_empty_lines_numbered(tmp_path: Path) -> None:
    bad = _write(tmp_path / "x-street.csv", [_row()], header=["Crime ID", "Month"])
    with pytest.raises(ib.SchemaError, match="header does not match"):
        police_uk_to_parquet(bad, tmp_path / "o1")
    src = tmp_path / "gap"
    src.mkdir()
    gap = _write(src / "g-street.csv", [_row(Crime_ID="g1"), _row(Crime_ID="g2", Longitude=""),
                                        _row(Crime_ID="g3", Latitude="")], newline="\n")
    gap.write_text(gap.read_text().replace("\ng2", "\n\n\ng2"))  # two empty lines
    got = _compare(src, tmp_path / "o2", batch_rows=2)
    assert got.blank_lines == 2
    assert got.excluded["line"].tolist() == [5, 6]  # numbered as in the file


def test_space_time_counts_match_a_bincount(tmp_path: Path) -> None:
    rng = np.random.default_rng(3)
    n = 5000
    frame = pd.DataFrame({
        "month": rng.choice(["2024-01", "2024-02", "2024-03"], n),
        "x": rng.uniform(400_000, 401_000, n), "y": rng.uniform(300_000, 300_700, n),
        "crime_type": rng.choice(["Burglary", "Drugs"], n)})
    f = tmp_path / "c.parquet"
    frame.to_parquet(f)
    got = space_time_counts(f, cell_size=100)
    key = (frame["month"] + "/" + (frame["x"] // 100).astype(int).astype(str) + "/"
           + (frame["y"] // 100).astype(int).astype(str)).value_counts()
    mine = (got["month"].astype(str) + "/" + got["col"].astype(str) + "/"
            + got["row"].astype(str))
    assert dict(zip(mine, got["count"])) == key.to_dict()
    assert int(got["count"].sum()) == n
    assert ((got["x"] - 50) % 100 == 0).all()
    burg = space_time_counts(f, cell_size=100, where="crime_type = 'Burglary'")
    assert int(burg["count"].sum()) == int((frame["crime_type"] == "Burglary").sum())
    with pytest.raises(ib.ParameterError):
        space_time_counts(f, cell_size=0)


def test_space_time_counts_months_are_periods_and_a_missing_month_is_named(
        tmp_path: Path) -> None:
    f = tmp_path / "m.parquet"
    pd.DataFrame({"month": ["1969-12", "2024-02", "2024-02"], "x": [1.0, 2.0, 350.0],
                  "y": [1.0, 2.0, 3.0]}).to_parquet(f)
    got = space_time_counts(f, cell_size=100)
    assert str(got["month"].dtype) == "period[M]"
    assert got["month"].astype(str).tolist() == ["1969-12", "2024-02", "2024-02"]
    assert got[["col", "count"]].values.tolist() == [[0, 1], [0, 1], [3, 1]]
    pd.DataFrame({"month": ["2024-01", None], "x": [1.0, 2.0], "y": [1.0, 2.0]}).to_parquet(f)
    with pytest.raises(ib.SchemaError, match="no month"):
        space_time_counts(f, cell_size=100)
