"""data.police.uk as it really is (issue 14, section 3): repeats, outcomes, coordinates."""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import numpy as np
import pandas as pd

import intelbench as ib
from intelbench.intake import POLICE_UK_COLUMNS
from intelbench.intake.police_uk import OUTCOME_COLUMNS

from .test_intake import _row, _write


def _series(real_data: Path) -> list[Path]:
    return sorted((real_data / "police_uk_series").glob("*-street.csv"))


def test_same_month_read_twice_is_kept_once(real_data: Path, tmp_path: Path) -> None:
    src = real_data / "police_uk" / "2016-03-cumbria-street.csv"
    for sub in ("download", "archive"):
        (tmp_path / sub).mkdir()
        shutil.copy(src, tmp_path / sub / src.name)
    # before: 6,644 rows with 2,223 repeated Crime IDs, and nothing said
    gdf = ib.read_police_uk(tmp_path)
    intake = gdf.attrs["intake"]
    assert len(gdf) == 3322
    assert intake.counts()["repeated month"] == 3326
    assert intake.counts()["no location"] == 4
    (rep,) = intake.repeated_months
    assert rep["month"] == "2016-03" and rep["force"] == "Cumbria Constabulary"
    assert rep["rows"] == 3326 and rep["file"].endswith("download/2016-03-cumbria-street.csv")
    assert rep["first_read_from"].endswith("archive/2016-03-cumbria-street.csv")
    assert gdf["crime_id"].dropna().is_unique


def test_crime_id_read_again_from_another_file_is_dropped(tmp_path: Path) -> None:
    a = _write(tmp_path / "2025-01-t-street.csv",
               [_row(Month="2025-01", Crime_ID="x1"), _row(Month="2025-01", Crime_ID="x2")])
    b = _write(tmp_path / "2025-02-t-street.csv",
               [_row(Month="2025-02", Crime_ID="x2"), _row(Month="2025-02", Crime_ID="x3")])
    gdf = ib.read_police_uk([a, b])
    assert gdf["crime_id"].tolist() == ["x1", "x2", "x3"]
    intake = gdf.attrs["intake"]
    assert intake.repeated_ids == 1
    excl = intake.excluded
    assert excl[["file", "line", "reason"]].values.tolist() == [[str(b), 2, "repeated Crime ID"]]


def test_devon_and_cornwall_year_keeps_its_legitimate_duplicates(real_data: Path) -> None:
    files = _series(real_data)
    assert len(files) == 12
    gdf = ib.read_police_uk(files)
    intake = gdf.attrs["intake"]
    assert intake.rows_read == 127_428
    assert intake.repeated_months == [] and intake.repeated_ids == 0
    assert set(intake.counts()) == {"no location"}
    assert len(gdf) + intake.counts()["no location"] == 127_428
    # exact duplicate rows within one file (ASB without a Crime ID) all stay
    raw = pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False).assign(_f=f.name)
                     for f in files], ignore_index=True)
    dup = raw.duplicated(keep="first")
    assert (raw.loc[dup, "Crime ID"] == "").all()
    assert int(dup.sum()) == 13_589
    # the one Crime ID that appears twice in a month with different details: both kept
    assert intake.ids_twice_in_a_file == 1
    ids = raw.loc[raw["Crime ID"] != "", "Crime ID"]
    twice = ids[ids.duplicated(keep=False)]
    assert twice.nunique() == 1
    kept = gdf["crime_id"].dropna()
    assert int((kept == twice.iloc[0]).sum()) == int(len(twice))


def _outcomes(path: Path, rows: list[tuple[str, str, str]]) -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(OUTCOME_COLUMNS)
    for cid, month, outcome in rows:
        w.writerow([cid, month, "Test Police", "Test Police", "-1.5", "53.0",
                    "On or near High Street", "E01000001", "Test 001A", outcome])
    path.write_text(buf.getvalue(), encoding="utf-8")
    return path


def test_outcomes_join_the_latest_by_crime_id(tmp_path: Path) -> None:
    _write(tmp_path / "2025-01-t-street.csv",
           [_row(Month="2025-01", Crime_ID="c1"), _row(Month="2025-01", Crime_ID="c2"),
            _row(Month="2025-01", Crime_ID="", Crime_type="Anti-social behaviour")])
    _outcomes(tmp_path / "2025-01-t-outcomes.csv",
              [("c1", "2025-01", "Under investigation"), ("old", "2025-01", "Local resolution")])
    _outcomes(tmp_path / "2025-03-t-outcomes.csv",
              [("c1", "2025-03", "Offender given a caution")])
    gdf = ib.read_police_uk(tmp_path)
    assert gdf["outcome"].tolist()[:2] == ["Offender given a caution", None] or \
        gdf["outcome"].isna().tolist() == [False, True, True]
    assert gdf.loc[0, "outcome"] == "Offender given a caution"
    assert str(gdf.loc[0, "outcome_month"]) == "2025-03"
    assert gdf["outcome"].iloc[1:].isna().all()
    facts = gdf.attrs["intake"].outcomes
    assert facts["crimes_with_outcome"] == 1 and facts["outcome_rows"] == 3
    assert len(facts["outcome_files"]) == 2
    plain = ib.read_police_uk(tmp_path, outcomes=False)
    assert "outcome" not in plain.columns
    # an outcomes file is never read as a street file
    assert len(plain) == 3


def test_outside_great_britain_and_swapped_coordinates_are_reported(tmp_path: Path) -> None:
    f = _write(tmp_path / "c-street.csv", [
        _row(Crime_ID="ok"),
        _row(Crime_ID="swap", Longitude="53.000000", Latitude="-1.500000"),
        _row(Crime_ID="paris", Longitude="2.350000", Latitude="48.850000"),
        _row(Crime_ID="notype", Crime_type=""),
    ])
    gdf = ib.read_police_uk(f)
    assert gdf["crime_id"].tolist() == ["ok"]
    reasons = dict(zip(gdf.attrs["intake"].excluded["Crime ID"],
                       gdf.attrs["intake"].excluded["reason"], strict=True))
    assert reasons == {"swap": "latitude and longitude swapped",
                       "paris": "outside Great Britain", "notype": "missing crime type"}


def test_bng_coordinates_are_kept_and_marked(real_data: Path) -> None:
    gdf = ib.read_police_uk(real_data / "police_uk" / "2016-03-cumbria-street.csv")
    assert gdf.attrs["xy"] == {"x": "x", "y": "y", "crs": "EPSG:27700"}
    assert gdf["x"].dtype == np.float64 and gdf["y"].dtype == np.float64
    np.testing.assert_array_equal(gdf["x"].to_numpy(), gdf.geometry.x.to_numpy())
    assert list(gdf.columns[:12]) == [c.lower().replace(" ", "_") for c in POLICE_UK_COLUMNS]
