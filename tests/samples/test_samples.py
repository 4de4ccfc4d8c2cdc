"""The synthetic sample force: layout, determinism and the planted structure."""

from __future__ import annotations

import hashlib
import json
import re
from pathlib import Path

import networkx as nx
import numpy as np
import pandas as pd
import pytest

from intelbench import samples
from intelbench import samples as sm
from intelbench.exceptions import ParameterError
from intelbench.samples._reports import REPORT_COLUMNS

HEADER = ("Crime ID,Month,Reported by,Falls within,Longitude,Latitude,Location,LSOA code,"
          "LSOA name,Crime type,Last outcome category,Context")
CUMBRIA_TYPES = {
    "Anti-social behaviour", "Violence and sexual offences", "Criminal damage and arson",
    "Other theft", "Shoplifting", "Burglary", "Public order", "Drugs", "Vehicle crime",
    "Other crime", "Bicycle theft", "Theft from the person", "Possession of weapons", "Robbery",
}
PHONE = re.compile(r"\b(07700 900\d{3}|01632 960\d{3})\b")
ANY_PHONE = re.compile(r"\b0\d{3,4} ?\d{6}\b")
REG = re.compile(
    r"\b[A-HK-PR-SVWY][A-HJ-PR-Y](0[2-9]|1\d|2[0-5]|5[1-9]|6\d|7[0-5]) [A-HJ-PR-Y]{3}\b")
POSTCODE = re.compile(r"\bNX\d{1,2} \d[ABD-HJLNP-UW-Z]{2}\b")


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("northshire")
    samples.write_samples(out, seed=7, scale=0.05)
    return out


def _digest(folder: Path) -> dict[str, str]:
    return {
        str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
        for p in sorted(folder.rglob("*")) if p.is_file()
    }


def _street(folder: Path) -> pd.DataFrame:
    files = sorted((folder / "crimes").glob("*/*.csv"))
    return pd.concat([pd.read_csv(f, dtype=str, keep_default_na=False) for f in files],
                     ignore_index=True)


def _good_links(folder: Path) -> pd.DataFrame:
    links = samples.associations(folder)
    bad = {r["line"] - 2 for r in samples.ocg_truth(folder)["bad_links"]["rows"]}
    return links.drop(index=sorted(bad))


def _person_graph(folder: Path) -> nx.Graph:
    links = _good_links(folder)
    pp = links[links["link_type"].isin(["associate", "family", "co_offending"])]
    return nx.from_pandas_edgelist(pp, "source", "target")


# --- layout and determinism -------------------------------------------------------------

def test_same_seed_gives_byte_identical_files(tmp_path: Path) -> None:
    a, b, c = tmp_path / "a", tmp_path / "b", tmp_path / "c"
    samples.write_samples(a, seed=11, scale=0.02)
    samples.write_samples(b, seed=11, scale=0.02)
    samples.write_samples(c, seed=12, scale=0.02)
    da, db, dc = _digest(a), _digest(b), _digest(c)
    assert da == db
    assert da["crime_events.csv"] != dc["crime_events.csv"]
    assert da["areas.gpkg"] != dc["areas.gpkg"]


def test_layout_and_complete_marker_last(tmp_path: Path) -> None:
    written = samples.write_samples(tmp_path, seed=3, scale=0.02)
    assert written[-1] == tmp_path / ".complete"
    names = {p.name for p in written}
    for name in ["areas.gpkg", "burglary_extract.csv", "intel_reports.csv", "nominals.csv",
                 "entities.csv", "associations.csv", "ocg_truth.json", "sources.csv",
                 "collection_plan.json", "crime_events.csv", "truth.json"]:
        assert name in names and (tmp_path / name).stat().st_size > 0
    months = sorted(p.name for p in (tmp_path / "crimes").iterdir())
    assert months == [f"2025-{m:02d}" for m in range(1, 13)]
    for m in months:
        assert (tmp_path / "crimes" / m / f"{m}-northshire-street.csv").exists()


def test_bad_scale_and_missing_folder_raise(tmp_path: Path) -> None:
    with pytest.raises(ParameterError, match="scale"):
        samples.write_samples(tmp_path, scale=0)
    with pytest.raises(ParameterError, match="path"):
        samples.areas(tmp_path / "nowhere")


# --- geography --------------------------------------------------------------------------

def test_areas_sectors_boundary(small: Path) -> None:
    areas, sectors, boundary = samples.areas(small), samples.sectors(small), samples.boundary(small)
    for frame in (areas, sectors, boundary):
        assert frame.crs.to_epsg() == 27700
    assert 150 <= len(areas) <= 300
    assert list(areas.columns) == ["area_code", "area_name", "sector", "residents", "households",
                                   "geometry"]
    assert areas["area_code"].str.fullmatch(r"E0190\d{4}").all()
    assert areas["area_code"].is_unique
    assert 1300 < areas["residents"].mean() < 1800
    assert (areas["households"] < areas["residents"]).all()
    assert 3 <= len(sectors) <= 5 and set(sectors["sector"]) == set(areas["sector"])
    assert areas.is_valid.all()
    b = boundary.geometry.iloc[0]
    assert abs(areas.area.sum() - b.area) / b.area < 1e-6
    assert not areas.overlaps(areas.union_all()).any()
    minx, miny, maxx, maxy = b.bounds
    assert 25_000 < maxx - minx < 40_000 and 20_000 < maxy - miny < 35_000


# --- street CSVs ------------------------------------------------------------------------

def test_street_csv_format(small: Path) -> None:
    for f in sorted((small / "crimes").glob("*/*.csv")):
        raw = f.read_bytes()
        assert raw.startswith(HEADER.encode() + b"\r\n")
        assert raw.count(b"\n") == raw.count(b"\r\n")
    df = _street(small)
    assert set(df["Reported by"]) == {"Northshire Police"} == set(df["Falls within"])
    assert set(df["Crime type"]) <= CUMBRIA_TYPES
    assert (df["Context"] == "").all()
    asb = df["Crime type"] == "Anti-social behaviour"
    assert (df.loc[asb, "Crime ID"] == "").all()
    assert (df.loc[asb, "Last outcome category"] == "").all()
    assert df.loc[~asb, "Crime ID"].str.fullmatch(r"[0-9a-f]{64}").all()
    assert df.loc[~asb, "Crime ID"].is_unique
    assert (df.loc[~asb, "Last outcome category"] != "").all()
    noloc = df["Location"] == "No Location"
    assert noloc.sum() >= 3
    assert (df.loc[noloc, ["Longitude", "Latitude", "LSOA code", "LSOA name"]] == "").all().all()
    zero = df["Longitude"] == "0.000000"
    assert zero.sum() >= 2 and (df.loc[zero, "Latitude"] == "0.000000").all()
    located = ~noloc & ~zero
    assert df.loc[located, "Longitude"].str.fullmatch(r"-?\d+\.\d{6}").all()
    assert df.loc[located, "Location"].str.startswith("On or near ").all()
    codes = set(samples.areas(small)["area_code"])
    assert set(df.loc[located, "LSOA code"]) <= codes
    truth = samples.truth(small)["crimes"]
    assert truth["no_location_rows"] == noloc.sum() and truth["zero_coordinate_rows"] == zero.sum()
    assert truth["asb_rows"] == asb.sum() and truth["rows"] == len(df)


def test_lonlat_match_lsoa_polygon(small: Path) -> None:
    """Published points are snapped map points that fall inside the LSOA they name."""
    import geopandas as gpd

    df = _street(small)
    df = df[(df["Longitude"] != "") & (df["Longitude"] != "0.000000")]
    pts = gpd.GeoDataFrame(
        df[["LSOA code"]], crs="EPSG:4326",
        geometry=gpd.points_from_xy(df["Longitude"].astype(float), df["Latitude"].astype(float)),
    ).to_crs(27700)
    joined = gpd.sjoin(pts, samples.areas(small)[["area_code", "geometry"]], predicate="within")
    assert (joined["LSOA code"] == joined["area_code"]).mean() > 0.99
    assert df.groupby(["Longitude", "Latitude"])["Location"].nunique().max() == 1




# --- real structure ---------------------------------------------------------------------

def _events(folder: Path) -> pd.DataFrame:
    return samples.crime_events(folder)


@pytest.mark.parametrize("which", ["small", "samples"])
def test_nte_violence_on_weekend_nights(which: str, request: pytest.FixtureRequest) -> None:
    small: Path = request.getfixturevalue(which)
    ev = _events(small)
    centre = samples.truth(small)["crimes"]["hotspots"][0]
    viol = ev[ev["crime_type"] == "Violence and sexual offences"].copy()
    d = np.hypot(viol["easting"] - centre["easting"], viol["northing"] - centre["northing"])
    t = viol["datetime"]
    shifted = t - pd.Timedelta(hours=5)  # nights run 21:00-04:00: shift so a night is one day
    weekend_night = shifted.dt.day_of_week.isin([4, 5]) & ((t.dt.hour >= 21) | (t.dt.hour < 4))
    near = d < 400
    assert weekend_night[near].mean() > 0.4
    assert weekend_night[near].mean() > 4 * weekend_night[~near].mean()


@pytest.mark.parametrize("which", ["small", "samples"])
def test_seasonal_change(which: str, request: pytest.FixtureRequest) -> None:
    small: Path = request.getfixturevalue(which)
    ev = _events(small)
    by_month = ev.groupby([ev["datetime"].dt.month, "crime_type"]).size().unstack()
    asb = by_month["Anti-social behaviour"]
    assert asb.loc[[6, 7, 8]].sum() > 1.3 * asb.loc[[12, 1, 2]].sum()
    burg = by_month["Burglary"]
    assert burg.loc[[11, 12, 1]].sum() > 1.2 * burg.loc[[5, 6, 7]].sum()


def test_hotspots_persist(small: Path) -> None:
    ev = _events(small)
    first = ev[ev["datetime"].dt.month <= 6].groupby("area_code").size()
    second = ev[ev["datetime"].dt.month > 6].groupby("area_code").size()
    both = pd.concat([first, second], axis=1).fillna(0)
    assert both.corr(method="spearman").iloc[0, 1] > 0.5
    top = first.nlargest(10).index
    assert second.reindex(top).fillna(0).sum() > 5 * second.median() * 10 / 2


def test_burglary_near_repeats_and_series(small: Path) -> None:
    ev = _events(small)
    b = ev[ev["crime_type"] == "Burglary"]
    xy = b[["easting", "northing"]].to_numpy(float)
    days = (b["datetime"] - pd.Timestamp("2025-01-01")).dt.total_seconds().to_numpy() / 86400
    close = np.hypot(xy[:, None, 0] - xy[None, :, 0], xy[:, None, 1] - xy[None, :, 1]) <= 200

    def pairs(t: np.ndarray) -> int:
        return int((close & (np.abs(t[:, None] - t[None, :]) <= 14)).sum() - len(t))

    rng = np.random.default_rng(0)
    observed = pairs(days)
    permuted = np.mean([pairs(rng.permutation(days)) for _ in range(20)])
    assert observed > 1.5 * permuted
    series = samples.truth(small)["crimes"]["burglary_series"]
    s = ev.set_index("event_id").loc[series["event_ids"]].sort_values("datetime")
    assert len(s) >= 8
    steps = np.hypot(np.diff(s["easting"]), np.diff(s["northing"]))
    assert steps.max() < 400
    assert s["datetime"].dt.month.min() >= 9


def test_burglary_extract_bad_rows(small: Path) -> None:
    ext = samples.burglary_extract(small)
    assert list(ext.columns) == ["crime_ref", "crime_id", "offence", "from_datetime",
                                 "to_datetime", "easting", "northing", "area_code", "premises"]
    bad = samples.truth(small)["burglary_extract"]["bad_rows"]
    reasons = {r["reason"] for r in bad}
    assert reasons == {"end before start", "unparseable date", "missing coordinates",
                       "out of range"}
    bad_idx = {r["line"] - 2 for r in bad}
    good = ext.drop(index=sorted(bad_idx))
    start = pd.to_datetime(good["from_datetime"], format="%d/%m/%Y %H:%M")
    end = pd.to_datetime(good["to_datetime"], format="%d/%m/%Y %H:%M")
    assert (end >= start).all()
    assert (end > start).mean() > 0.5  # most times are uncertain
    assert good["easting"].astype(int).between(400_000, 500_000).all()
    for r in bad:
        row = ext.iloc[r["line"] - 2]
        assert row["crime_ref"] == r["crime_ref"]
        if r["reason"] == "end before start":
            assert (pd.to_datetime(row["to_datetime"], format="%d/%m/%Y %H:%M")
                    < pd.to_datetime(row["from_datetime"], format="%d/%m/%Y %H:%M"))
        if r["reason"] == "missing coordinates":
            assert pd.isna(row["easting"])


# --- intelligence -----------------------------------------------------------------------

@pytest.mark.parametrize("which", ["small", "samples"])
def test_reports_grades_and_text(which: str, request: pytest.FixtureRequest) -> None:
    small: Path = request.getfixturevalue(which)
    rep = samples.intel_reports(small)
    assert list(rep.columns) == REPORT_COLUMNS
    assert rep["urn"].str.fullmatch(r"IR-20\d\d-\d{6}").all() and rep["urn"].is_unique
    defects = {d["urn"]: d["defect"] for d in samples.truth(small)["intel_reports"]["defects"]}
    modern = rep[(rep["scheme"] == "3x5x2") & ~rep["urn"].isin(defects)]
    assert modern["source_eval"].isin(["1", "2", "3"]).all()
    assert modern["intel_assess"].isin(list("ABCDE")).all()
    assert modern["handling"].isin(["P", "C"]).all()
    c = modern[modern["handling"] == "C"]
    assert len(c) > 0 and (c["handling_conditions"] != "").all()
    assert (c["risk_assessment_ref"] != "").all()
    p = modern[modern["handling"] == "P"]
    assert (p[["handling_conditions", "action_code", "sanitisation_code"]] == "").all().all()
    needs = modern[(modern["source_eval"] == "3") | (modern["intel_assess"] == "E")]
    assert (needs["grade_rationale"] != "").all()
    legacy = rep[rep["scheme"] == "5x5x5"]
    assert len(legacy) >= 5 and legacy["legacy_grade"].str.fullmatch(r"[A-E][1-5][1-5]").all()
    assert set(rep["classification"]) == {"OFFICIAL", "OFFICIAL-SENSITIVE"}
    kinds = set(defects.values())
    assert {"handling C without conditions", "source 3 without rationale",
            "assessment E without rationale"} <= kinds
    for urn, kind in defects.items():
        row = rep.set_index("urn").loc[urn]
        if kind == "handling C without conditions":
            assert row["handling"] == "C" and row["handling_conditions"] == ""
        if kind == "source 3 without rationale":
            assert row["source_eval"] == "3" and row["grade_rationale"] == ""
    awaiting = rep["status"].isin(["DRAFT", "SUBMITTED"])
    assert (rep.loc[awaiting, "sanitised_text"] == "").all()
    assert (rep.loc[~awaiting, "sanitised_text"] != "").all()
    assert rep["source_ref"].str.fullmatch(r"SRC-[0-9A-F]{4}").all()
    assert set(rep["source_ref"]) <= set(samples.sources(small)["source_ref"])


def test_report_text_uses_only_invented_identifiers(small: Path) -> None:
    rep = samples.intel_reports(small)
    text = " ".join(rep["original_text"])
    phones = ANY_PHONE.findall(text)
    assert phones and all(PHONE.fullmatch(p) for p in ANY_PHONE.findall(text))
    assert POSTCODE.search(text) and REG.search(text)
    ents = samples.entities(small)
    for label in ents.loc[ents["entity_type"] == "vehicle", "label"]:
        assert REG.fullmatch(label), label
    for label in ents.loc[ents["entity_type"] == "phone", "label"]:
        assert PHONE.fullmatch(label), label
    assert samples.nominals(small)["postcode"].str.fullmatch(POSTCODE.pattern[2:-2]).all()
    done = rep[rep["sanitised_text"] != ""]
    san = " ".join(done["sanitised_text"])
    assert not ANY_PHONE.search(san) and not POSTCODE.search(san) and not REG.search(san)
    noms = samples.nominals(small)
    surnames = set(noms["surname"].str.upper())
    assert not any(w in surnames for w in re.findall(r"[A-Z]{3,}", san))
    names = set(samples.sources(small)["source_name"])
    assert not any(n in san for n in names)


@pytest.mark.parametrize("which", ["small", "samples"])
def test_planted_ocg_structure(which: str, request: pytest.FixtureRequest) -> None:
    small: Path = request.getfixturevalue(which)
    truth = samples.ocg_truth(small)
    G = _person_graph(small)
    assert len(truth["groups"]) in (2, 3)
    for g in truth["groups"]:
        H = G.subgraph(g["members"])
        assert nx.is_connected(H)
        deg = dict(H.degree())
        assert max(deg, key=deg.get) == g["leader"]
        assert all(deg[g["leader"]] > v for k, v in deg.items() if k != g["leader"])
        assert g["cut_point"] in set(nx.articulation_points(H))
        rest = H.copy()
        rest.remove_node(g["cut_point"])
        cut_off = nx.node_connected_component(rest, g["cut_off"][0])
        assert cut_off == set(g["cut_off"])
        assert g["cut_point"] in set(nx.articulation_points(G))
    broker = truth["broker"]["person"]
    a, b = (next(g for g in truth["groups"] if g["name"] == n) for n in truth["broker"]["between"])
    joint = G.subgraph(a["members"] + b["members"])
    bc = nx.betweenness_centrality(joint)
    assert max(bc, key=bc.get) == broker
    without = joint.copy()
    without.remove_node(broker)
    assert not nx.has_path(without, a["leader"], b["leader"])


@pytest.mark.parametrize("which", ["small", "samples"])
def test_planted_structure_holds_in_the_multimode_graph(
    which: str, request: pytest.FixtureRequest
) -> None:
    small: Path = request.getfixturevalue(which)
    truth = samples.ocg_truth(small)
    links = _good_links(small)
    G = nx.from_pandas_edgelist(links, "source", "target")
    assert {"phone", "vehicle", "address"} <= set(links["target_type"])
    cut_points = set(nx.articulation_points(G))
    for g in truth["groups"]:
        deg = dict(G.degree(g["members"]))
        assert max(deg, key=deg.get) == g["leader"]
        assert g["cut_point"] in cut_points
    broker = truth["broker"]["person"]
    assert broker in cut_points
    comp = G.subgraph(nx.node_connected_component(G, broker))
    bc = nx.betweenness_centrality(comp)
    assert max(bc, key=bc.get) == broker
    assert all(m in comp for g in truth["groups"][:2] for m in g["members"])


@pytest.mark.parametrize("which", ["small", "samples"])
def test_bad_links_and_duplicates_documented(which: str, request: pytest.FixtureRequest) -> None:
    small: Path = request.getfixturevalue(which)
    truth = samples.ocg_truth(small)
    links = samples.associations(small)
    assert list(links.columns) == ["source", "target", "source_type", "target_type",
                                   "link_type", "first_seen", "last_seen", "count",
                                   "report_urn", "grade"]
    known = set(samples.entities(small)["entity_id"])
    self_link = links["source"] == links["target"]
    backwards = pd.to_datetime(links["last_seen"]) < pd.to_datetime(links["first_seen"])
    unknown = ~links["source"].isin(known) | ~links["target"].isin(known)
    assert truth["bad_links"]["counts"] == {
        "last_seen before first_seen": int(backwards.sum()),
        "self-link": int(self_link.sum()),
        "unknown node": int(unknown.sum()),
    }
    flagged = {r["line"] for r in truth["bad_links"]["rows"]}
    assert flagged == set((links.index[self_link | backwards | unknown] + 2).tolist())
    good = _good_links(small)
    assert {"associate", "family", "co_offending", "uses_phone", "uses_vehicle",
            "resides_at"} <= set(good["link_type"])
    assert set(good["report_urn"]) <= set(samples.intel_reports(small)["urn"])
    noms = samples.nominals(small).set_index("nominal_id")
    assert len(truth["duplicates"]) >= 3
    for x, y in truth["duplicates"]:
        assert noms.at[x, "dob"] == noms.at[y, "dob"]
        assert (noms.at[x, "forenames"], noms.at[x, "surname"]) != (
            noms.at[y, "forenames"], noms.at[y, "surname"])
    ents = samples.entities(small)
    assert set(ents["entity_type"]) == {"person", "phone", "vehicle", "address",
                                        "organisation", "event"}


def test_collection_plan_fields(small: Path) -> None:
    plan = samples.collection_plan(small)
    for key in ["title", "owner", "requirement", "terms_of_reference", "review_frequency",
                "questions", "authority", "necessity", "proportionality", "status"]:
        assert plan[key], key
    for q in plan["questions"]:
        for key in ["text", "priority", "gap", "candidate_sources", "method", "tasked_to",
                    "deadline", "status", "answered_by"]:
            assert key in q
        assert all("access_difficulty" in s for s in q["candidate_sources"])
    json.dumps(plan)


def test_loaders_on_the_full_force(samples: Path) -> None:
    truth = sm.truth(samples)["crimes"]
    assert 55_000 <= truth["rows"] <= 65_000
    dropped = truth["no_location_rows"] + truth["zero_coordinate_rows"]
    assert len(sm.crimes(samples)) == truth["rows"] - dropped
    assert 2_500 <= len(sm.intel_reports(samples)) <= 3_500
    assert 1_000 <= len(sm.nominals(samples)) <= 2_000
    ev = sm.crime_events(samples)
    assert str(ev["datetime"].dtype).startswith("datetime64") and len(ev) == truth["rows"]
