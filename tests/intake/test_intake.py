"""Intake: data.police.uk street CSVs and checked force extracts."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import intelbench as ib
from intelbench.exceptions import SchemaError
from intelbench.intake import BURGLARY_EXTRACT, BURGLARY_EXTRACT_ORDER, POLICE_UK_COLUMNS, Column

CUMBRIA_TYPES = {
    "Anti-social behaviour": 1099, "Violence and sexual offences": 740,
    "Criminal damage and arson": 435, "Other theft": 243, "Shoplifting": 217, "Burglary": 186,
    "Public order": 134, "Drugs": 98, "Vehicle crime": 74, "Other crime": 38,
    "Bicycle theft": 24, "Theft from the person": 15, "Possession of weapons": 12, "Robbery": 11,
}


def _row(**kw: str) -> list[str]:
    base = {"Crime ID": "a" * 64, "Month": "2025-03", "Reported by": "Test Police",
            "Falls within": "Test Police", "Longitude": "-1.500000", "Latitude": "53.000000",
            "Location": "On or near High Street", "LSOA code": "E01000001",
            "LSOA name": "Test 001A", "Crime type": "Burglary",
            "Last outcome category": "Under investigation", "Context": ""}
    base.update({k.replace("_", " "): v for k, v in kw.items()})
    return [base[c] for c in POLICE_UK_COLUMNS]


def _write(path: Path, rows: list[list[str]], *, header: list[str] | None = None,
           bom: bool = False, newline: str = "\r\n", trailing: str = "") -> Path:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator=newline)
    w.writerow(header if header is not None else POLICE_UK_COLUMNS)
    w.writerows(rows)
    data = buf.getvalue() + trailing
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


# --- the real Cumbria file --------------------------------------------------------------

def test_real_cumbria_file(real_data: Path) -> None:
    f = real_data / "police_uk" / "2016-03-cumbria-street.csv"
    before = hashlib.sha256(f.read_bytes()).hexdigest()
    gdf = ib.read_police_uk(f)
    assert hashlib.sha256(f.read_bytes()).hexdigest() == before
    intake = gdf.attrs["intake"]
    assert intake.rows_read == 3326 and intake.rows_kept == 3322 == len(gdf)
    assert intake.counts() == {"no location": 4}
    assert intake.excluded["line"].tolist() == [3324, 3325, 3326, 3327]
    assert intake.excluded["Crime type"].value_counts().to_dict() == {"Drugs": 3,
                                                                       "Vehicle crime": 1}
    assert list(gdf.columns) == [*ib.intake.SNAKE_COLUMNS, "x", "y", "geometry"]
    assert gdf.crs.to_epsg() == 27700
    assert str(gdf["month"].dtype) == "period[M]" and set(gdf["month"].astype(str)) == {
        "2016-03"}
    types = gdf["crime_type"].value_counts().to_dict()
    types["Drugs"] += 3
    types["Vehicle crime"] += 1
    assert types == CUMBRIA_TYPES
    asb = gdf["crime_type"] == "Anti-social behaviour"
    assert gdf.loc[asb, "crime_id"].isna().all() and gdf.loc[~asb, "crime_id"].notna().all()
    assert gdf.loc[asb, "last_outcome_category"].isna().all()
    # README counts 307 distinct LSOA values including the blank of the No Location rows
    assert gdf["lsoa_code"].nunique() == 306
    assert len(gdf[["longitude", "latitude"]].drop_duplicates()) == 1736
    assert gdf["context"].isna().all()
    assert gdf.geometry.x.min() > 294_000 and gdf.geometry.x.max() < 389_800
    assert gdf.longitude.min() == pytest.approx(-3.603837)
    assert gdf.latitude.max() == pytest.approx(55.122627)


def test_real_cumbria_points_fall_in_their_lsoa(real_data: Path) -> None:
    gdf = ib.read_police_uk(real_data / "police_uk" / "2016-03-cumbria-street.csv")
    lsoa = gpd.read_file(real_data / "boundaries" / "cumbriaLSOA.shp").to_crs(27700)
    assert set(gdf["lsoa_code"]) <= set(lsoa["code"])
    named = gpd.GeoSeries(lsoa.set_index("code").geometry.reindex(
        gdf["lsoa_code"].astype(str)).to_numpy(), crs=27700)
    dist = gdf.geometry.distance(named, align=False)
    # snapped map points sit in or on the edge of the LSOA they name (streets form edges)
    assert (dist == 0).mean() > 0.85 and dist.max() < 250


def test_transform_matches_geopandas_reference(real_data: Path) -> None:
    f = real_data / "police_uk" / "2016-03-cumbria-street.csv"
    gdf = ib.read_police_uk(f)
    raw = pd.read_csv(f).dropna(subset=["Longitude"])
    ref = gpd.GeoSeries(gpd.points_from_xy(raw["Longitude"], raw["Latitude"]),
                        crs=4326).to_crs(27700)
    assert np.allclose(gdf.geometry.x.to_numpy(), ref.x.to_numpy(), atol=1e-6)
    assert np.allclose(gdf.geometry.y.to_numpy(), ref.y.to_numpy(), atol=1e-6)


# --- the sample force -------------------------------------------------------------------

def test_sample_force_intake(samples: Path) -> None:
    gdf = ib.read_police_uk(samples / "crimes")
    truth = ib.samples.truth(samples)["crimes"]
    intake = gdf.attrs["intake"]
    assert len(intake.files) == 12
    assert intake.rows_read == truth["rows"]
    assert intake.counts() == {"no location": truth["no_location_rows"],
                               "zero coordinates": truth["zero_coordinate_rows"]}
    assert intake.rows_kept + len(intake.excluded) == intake.rows_read
    assert gdf["month"].astype(str).nunique() == 12
    areas = ib.samples.areas(samples)
    joined = gpd.sjoin(gdf[["lsoa_code", "geometry"]], areas, predicate="within")
    assert len(joined) == len(gdf)
    # map points lie inside their area; rounding to 6 decimals may move one over an edge
    assert (joined["lsoa_code"].astype(str) == joined["area_code"]).mean() > 0.999


def test_list_and_folder_inputs(tmp_path: Path) -> None:
    a = _write(tmp_path / "2025-01" / "2025-01-t-street.csv",
               [_row(Month="2025-01", Crime_ID="b" * 64)]) \
        if (tmp_path / "2025-01").mkdir() is None else None
    b = _write(tmp_path / "2025-02-t-street.csv", [_row(Month="2025-02"), _row(Month="2025-02")])
    assert a is not None
    assert len(ib.read_police_uk([a, b])) == 3
    assert len(ib.read_police_uk(tmp_path)) == 3
    files = ib.read_police_uk([tmp_path / "2025-01", b]).attrs["intake"].files
    assert files == [str(a), str(b)]
    (tmp_path / "empty").mkdir()
    with pytest.raises(SchemaError, match="holds no CSV"):
        ib.read_police_uk(tmp_path / "empty")
    with pytest.raises(SchemaError, match="neither a file nor a folder"):
        ib.read_police_uk(tmp_path / "missing.csv")


# --- schema and quirks ------------------------------------------------------------------

@pytest.mark.parametrize(
    ("header", "expect"),
    [
        (POLICE_UK_COLUMNS[:-1], r"missing \['Context'\]"),
        ([*POLICE_UK_COLUMNS[:-1], "context"], r"missing \['Context'\]; unexpected \['context'\]"),
        ([POLICE_UK_COLUMNS[1], POLICE_UK_COLUMNS[0], *POLICE_UK_COLUMNS[2:]], "different order"),
        ([*POLICE_UK_COLUMNS, "Extra"], r"unexpected \['Extra'\]"),
        ([c.lower().replace(" ", "_") for c in POLICE_UK_COLUMNS], "missing"),
    ],
)
def test_header_must_match_exactly(tmp_path: Path, header: list[str], expect: str) -> None:
    f = _write(tmp_path / "bad-street.csv", [], header=header)
    with pytest.raises(SchemaError, match=expect) as err:
        ib.read_police_uk(f)
    assert "bad-street.csv" in str(err.value)


def test_bom_lf_trailing_blank_lines_and_quoted_commas(tmp_path: Path) -> None:
    rows = [_row(Location="On or near Smith's Yard, Back Lane"),
            _row(**{"Crime ID": "", "Crime type": "Anti-social behaviour",
                    "Last outcome category": "", "Location": 'On or near "The Crown"'})]
    f = _write(tmp_path / "x-street.csv", rows, bom=True, newline="\n", trailing="\n\n\n")
    gdf = ib.read_police_uk(f)
    assert len(gdf) == 2
    assert gdf["location"].astype(str).tolist() == ["On or near Smith's Yard, Back Lane",
                                                    'On or near "The Crown"']
    assert gdf["crime_id"].isna().tolist() == [False, True]
    intake = gdf.attrs["intake"]
    assert intake.blank_lines == 3 and intake.counts() == {}


def test_windows_1252_file_is_read(tmp_path: Path) -> None:
    f = tmp_path / "w-street.csv"
    _write(f, [_row(Location="On or near Caf\u00e9 Row")])
    f.write_bytes(f.read_bytes().decode("utf-8").encode("cp1252"))
    assert ib.read_police_uk(f)["location"].astype(str).iloc[0] == "On or near Caf\u00e9 Row"


def test_late_non_utf8_bytes(tmp_path: Path) -> None:
    rows = [_row() for _ in range(800)] + [_row(Location="On or near Caf\u00e9 Row")]
    f = _write(tmp_path / "late-street.csv", rows)
    f.write_bytes(f.read_bytes().decode("utf-8").encode("cp1252"))
    assert f.stat().st_size > 65536
    gdf = ib.read_police_uk(f)
    assert gdf["location"].astype(str).iloc[-1] == "On or near Caf\u00e9 Row"
    f.write_bytes(b"\xef\xbb\xbf" + f.read_bytes())
    with pytest.raises(SchemaError, match="late-street.csv: not valid utf-8-sig text"):
        ib.read_police_uk(f)


def test_zero_bad_and_missing_locations_are_kept_out(tmp_path: Path) -> None:
    rows = [_row(), _row(Longitude="0.000000", Latitude="0.000000", LSOA_code=""),
            _row(Longitude="", Latitude="", Location="No Location", LSOA_code="", LSOA_name=""),
            _row(Longitude="abc"), _row(Latitude="123.0"), _row(Month="March")]
    gdf = ib.read_police_uk(_write(tmp_path / "q-street.csv", rows))
    intake = gdf.attrs["intake"]
    assert len(gdf) == 1
    assert intake.counts() == {"bad coordinates": 2, "bad month": 1, "no location": 1,
                               "zero coordinates": 1}
    assert intake.excluded.set_index("line")["reason"].to_dict() == {
        3: "zero coordinates", 4: "no location", 5: "bad coordinates", 6: "bad coordinates",
        7: "bad month"}
    assert "zero coordinates" in intake._repr_html_()
    assert "kept" in intake.to_frame()["outcome"].tolist()


def test_bad_value_in_one_file_of_many(tmp_path: Path) -> None:
    a = _write(tmp_path / "a-street.csv", [_row(), _row(Longitude="-1.400000")])
    b = _write(tmp_path / "b-street.csv", [_row(Longitude="n/a", Month="2025-04", Crime_ID="c"),
                                            _row(Month="2025-04", Crime_ID="d")])
    gdf = ib.read_police_uk([a, b])
    assert len(gdf) == 3
    excl = gdf.attrs["intake"].excluded
    assert excl[["file", "line", "reason"]].values.tolist() == [[str(b), 2, "bad coordinates"]]


@pytest.mark.parametrize(
    ("content", "expect"),
    [
        (bytes(range(256)) * 4, "binary"),
        (b"<!DOCTYPE html><html><body>Service unavailable</body></html>", "HTML"),
        (b"", "empty"),
        (b"%PDF-1.7 ...", "PDF"),
    ],
)
def test_not_a_csv_gets_a_clear_error(tmp_path: Path, content: bytes, expect: str) -> None:
    f = tmp_path / "2025-01-x-street.csv"
    f.write_bytes(content)
    with pytest.raises(SchemaError, match=expect) as err:
        ib.read_police_uk(f)
    assert str(f) in str(err.value)
    with pytest.raises(SchemaError, match=expect):
        ib.read_table(f)


def test_zip_and_ragged_rows(tmp_path: Path) -> None:
    z = tmp_path / "archive-street.csv"
    with zipfile.ZipFile(z, "w") as zf:
        zf.writestr("a.csv", "x")
    with pytest.raises(SchemaError, match="ZIP"):
        ib.read_police_uk(z)
    f = tmp_path / "r-street.csv"
    _write(f, [_row(), [*_row(), "extra"]])
    with pytest.raises(SchemaError, match=r"r-street.csv: cannot be read.*Expected 12 fields"):
        ib.read_police_uk(f)


_TEXT = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs", "Cc")),
                max_size=20)


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    spec=st.lists(st.tuples(st.sampled_from(["ok", "none", "zero"]), _TEXT,
                            st.booleans()), min_size=1, max_size=30),
    bom=st.booleans(), crlf=st.booleans(), blank=st.integers(0, 3),
)
def test_property_rows_are_kept_or_reported(tmp_path: Path, spec: list[tuple[str, str, bool]],
                                            bom: bool, crlf: bool, blank: int) -> None:
    rows = []
    for i, (kind, street, asb) in enumerate(spec):
        kw = {"Location": f"On or near {street.strip()}x", "Crime ID": "" if asb else f"{i:064x}"}
        if kind == "none":
            kw.update(Longitude="", Latitude="", Location="No Location")
        elif kind == "zero":
            kw.update(Longitude="0.000000", Latitude="0.000000")
        else:
            kw.update(Longitude=f"{-1.5 + i / 1000:.6f}")
        rows.append(_row(**kw))
    f = _write(tmp_path / "p-street.csv", rows, bom=bom, newline="\r\n" if crlf else "\n",
               trailing=("\r\n" if crlf else "\n") * blank)
    gdf = ib.read_police_uk(f)
    intake = gdf.attrs["intake"]
    kinds = [s[0] for s in spec]
    assert len(gdf) == kinds.count("ok")
    assert intake.rows_read == len(spec)
    assert intake.counts().get("no location", 0) == kinds.count("none")
    assert intake.counts().get("zero coordinates", 0) == kinds.count("zero")
    ok_rows = [r for r, k in zip(rows, kinds, strict=True) if k == "ok"]
    assert gdf["location"].astype(str).tolist() == [r[6] for r in ok_rows]
    assert gdf["crime_id"].fillna("").tolist() == [r[0] for r in ok_rows]
    assert sorted(intake.excluded["line"].tolist() + []) == [
        i + 2 for i, k in enumerate(kinds) if k != "ok"]


# --- read_table -------------------------------------------------------------------------

def test_sample_extract_quarantine_matches_truth(samples: Path) -> None:
    res = ib.read_table(samples / "burglary_extract.csv", schema=BURGLARY_EXTRACT,
                        order=BURGLARY_EXTRACT_ORDER)
    truth = ib.samples.truth(samples)["burglary_extract"]
    assert len(res.data) + len(res.rejected) == truth["rows"]
    assert set(res.rejected.index) == {r["line"] for r in truth["bad_rows"]}
    assert res.data.index.intersection(res.rejected.index).empty
    by_line = res.quarantine.groupby("row")["reason"].apply(" | ".join).to_dict()
    words = {"end before start": "is before", "unparseable date": "not a valid date-time",
             "missing coordinates": "missing required value",
             "out of range": "the m"}  # below the minimum / above the maximum
    for r in truth["bad_rows"]:
        assert words[r["reason"]] in by_line[r["line"]]
    raw = ib.samples.burglary_extract(samples)
    values = {str(v) for v in raw.loc[[r["line"] - 2 for r in truth["bad_rows"]]]
              .to_numpy().ravel()}
    for reason in res.quarantine["reason"]:
        assert not any(v in reason for v in values if len(v) > 3 and v != "nan")
    assert str(res.data["from_datetime"].dtype).startswith("datetime64")
    assert (res.data["to_datetime"] >= res.data["from_datetime"]).all()
    assert res.data["easting"].dtype == "Int64"
    assert "good rows" in res._repr_html_() and "good rows" in repr(res)


def test_read_table_xlsx_gives_the_same_result(tmp_path: Path) -> None:
    df = pd.DataFrame({"Ref": ["A1", "A2", "A3"],
                       "Reported": ["01/02/2025 10:00", "yesterday", "03/02/2025 09:30"],
                       "Metres": ["12", "x", "7.5"]})
    csv_path, xlsx_path = tmp_path / "e.csv", tmp_path / "e.xlsx"
    df.to_csv(csv_path, index=False)
    df.to_excel(xlsx_path, index=False)
    kw = {"mapping": {"ref": "Ref", "reported": "Reported", "metres": "Metres"},
          "schema": {"reported": Column("datetime"), "metres": Column("int")}}
    a, b = ib.read_table(csv_path, **kw), ib.read_table(xlsx_path, **kw)
    pd.testing.assert_frame_equal(a.data, b.data)
    pd.testing.assert_frame_equal(a.quarantine, b.quarantine)
    assert a.quarantine.to_dict("records") == [
        {"row": 3, "column": "metres", "reason": "not a whole number"},
        {"row": 3, "column": "reported",
         "reason": "not a valid date-time in the format %d/%m/%Y %H:%M"},
        {"row": 4, "column": "metres", "reason": "not a whole number"},
    ]
    assert a.data["reported"].iloc[0] == pd.Timestamp("2025-02-01 10:00")


def test_read_table_day_first_and_allowed_values(tmp_path: Path) -> None:
    f = tmp_path / "d.csv"
    f.write_text("when,kind\n03/04/2025,A\n13/04/2025,B\n04/13/2025,Z\n,A\n")
    res = ib.read_table(f, schema={"when": Column("date", required=False),
                                   "kind": Column("category", allowed=("A", "B"))})
    assert res.data["when"].dt.month.tolist()[:2] == [4, 4]  # 3 April, not 4 March
    assert res.quarantine["row"].tolist() == [4, 4]
    assert set(res.quarantine["reason"]) == {
        "not a valid date in the format %d/%m/%Y", "not one of the allowed values ['A', 'B']"}
    assert pd.isna(res.data.loc[5, "when"])


def test_read_table_missing_column_and_bad_kind(tmp_path: Path) -> None:
    f = tmp_path / "m.csv"
    f.write_text("a,b\n1,2\n")
    with pytest.raises(SchemaError, match=r"mapped columns \['c'\] are not in the file"):
        ib.read_table(f, mapping={"x": "c"})
    with pytest.raises(SchemaError, match="kind must be one of"):
        Column("number")
    with pytest.raises(SchemaError, match="not a file"):
        ib.read_table(tmp_path / "none.csv")


@settings(max_examples=40, deadline=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.one_of(st.integers(-50, 150).map(str), st.just(""), _TEXT),
                min_size=1, max_size=40))
def test_property_read_table_never_loses_rows(tmp_path: Path, values: list[str]) -> None:
    f = tmp_path / "v.csv"
    pd.DataFrame({"id": [f"R{i}" for i in range(len(values))], "v": values}).to_csv(
        f, index=False)
    res = ib.read_table(f, schema={"id": Column("str"), "v": Column("int", min=0, max=100)})
    raw = pd.read_csv(f, dtype=str, keep_default_na=False, skip_blank_lines=False)
    assert len(res.data) + len(res.rejected) == len(raw)
    good = res.data["v"].dropna()
    assert ((good >= 0) & (good <= 100)).all()
    assert set(res.quarantine["row"]) == set(res.rejected.index)


# --- demo -------------------------------------------------------------------------------


def test_read_table_treats_infinite_and_huge_numbers_as_bad_values(tmp_path) -> None:
    """Regression (found by hypothesis): 'INF' in a whole-number column crashed the reader."""
    from intelbench.intake import Column, read_table

    path = tmp_path / "t.csv"
    path.write_text("n,x\n1,1.5\nINF,inf\n1e30,2\nnan,3\n")
    result = read_table(path, schema={"n": Column("int"), "x": Column("float")})
    assert list(result.data.index) == [2]
    reasons = result.quarantine.groupby("row")["reason"].apply(list).to_dict()
    assert set(reasons) == {3, 4, 5}
    assert all(r.startswith("not a") for rs in reasons.values() for r in rs)


def test_read_table_keep_all_keeps_every_row_with_bad_values_missing(tmp_path) -> None:
    from intelbench.intake import Column, read_table

    path = tmp_path / "t.csv"
    path.write_text("ref,n,code\nA,1,ok\nB,x,OK\nC,3,bad\n")
    schema = {"ref": Column("str"), "n": Column("int"),
              "code": Column("str", upper=True, allowed=("OK",))}
    good = read_table(path, schema=schema)
    every = read_table(path, schema=schema, keep="all")
    assert list(good.data.index) == [2]
    assert list(every.data.index) == [2, 3, 4]
    assert every.data["n"].isna().tolist() == [False, True, False]
    # a number that cannot be read is missing; text that breaks a rule is kept as read
    assert every.data["code"].tolist() == ["OK", "OK", "BAD"]
    assert good.quarantine.equals(every.quarantine)
    assert list(every.rejected.index) == [3, 4]
    with pytest.raises(SchemaError, match="keep must be"):
        read_table(path, schema=schema, keep="some")


def test_read_reports_keeps_every_row_and_names_the_bad_values(tmp_path) -> None:
    path = tmp_path / "log.csv"
    path.write_text("urn,created_at,source_eval,intel_assess,handling,status,extra\n"
                    "IR-1,2026-01-02 09:30,2,B,P,evaluated,x\n"
                    "IR-2,31/02/2026,2,B,P,LOST,y\n")
    log = ib.read_reports(path)
    assert list(log["urn"]) == ["IR-1", "IR-2"] and list(log["extra"]) == ["x", "y"]
    assert log["status"].tolist() == ["EVALUATED", "LOST"]
    assert pd.isna(log["created_at"][1])
    assert log["quarantine"].tolist() == ["", "created_at; status"]
    assert log.attrs["intake"]["problems_by_rule"] == {"date": 1, "value": 1}
