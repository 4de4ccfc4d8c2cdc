"""Sanitisation: redaction patterns, flags, policies, generalisation and suppression."""

from __future__ import annotations

import geopandas as gpd
import networkx as nx
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from shapely.geometry import Point, box

from intelbench.exceptions import ParameterError, SanitisationError
from intelbench.gate import sanitise as sn
from intelbench.gate.redact import Redactor


def red(text: str, **kw: object) -> str:
    return sn.sanitise_text(text, **kw)[0]  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("text", "token"),
    [
        ("07700 900123", "[PHONE]"),
        ("07700900123", "[PHONE]"),
        ("+44 7700 900123", "[PHONE]"),
        ("+447700900123", "[PHONE]"),
        ("0044 7700 900123", "[PHONE]"),
        ("(0161) 496 0000", "[PHONE]"),
        ("0161-496-0000", "[PHONE]"),
        ("020 7946 0000", "[PHONE]"),
        ("01632 960123", "[PHONE]"),
        ("0800 123 4567", "[PHONE]"),
        ("+44 (0)20 7946 0000", "[PHONE]"),
        ("kyle.b99@example.co.uk", "[EMAIL]"),
        ("AB12 CDE", "[VRM]"),
        ("AB12CDE", "[VRM]"),
        ("ab12 cde", "[VRM]"),
        ("A123 BCD", "[VRM]"),
        ("ABC 123D", "[VRM]"),
        ("NS1 4AB", "[POSTCODE]"),
        ("SW1A 1AA", "[POSTCODE]"),
        ("m1 1ae", "[POSTCODE]"),
        ("12 Harrow Road", "[ADDRESS]"),
        ("14a High Street", "[ADDRESS]"),
        ("DOB 12/03/1990", "DOB [DOB]"),
        ("date of birth: 3rd March 1985", "date of birth: [DOB]"),
        ("born 1990-03-12", "born [DOB]"),
        ("sort code 12-34-56", "sort code [BANK]"),
        ("account number 12345678", "account number [BANK]"),
        ("12-34-56 12345678", "[BANK]"),
        ("GB82 WEST 1234 5698 7654 32", "[BANK]"),
        ("GB82WEST12345698765432", "[BANK]"),
        ("4111 1111 1111 1111", "[CARD]"),
        ("4111-1111-1111-1111", "[CARD]"),
        ("CHIS 4471", "[REF]"),
        ("source ref: 0042", "[REF]"),
    ],
)
def test_each_pattern_is_redacted(text: str, token: str) -> None:
    assert red(f"x {text} y") == f"x {token} y"


@pytest.mark.parametrize(
    "text",
    [
        "Seen on 12/03/2026 at 14:30 near the shop",
        "Grade 1BP, action code A1",
        "2026-03-04 to 2026-03-09",
        "about 30 people, 2 vehicles, 150 metres",
        "IR-2026-000123 refers",
    ],
)
def test_ordinary_text_is_left_alone(text: str) -> None:
    assert red(text) == text


def test_known_names_in_any_case_and_order() -> None:
    nominals = pd.DataFrame({"forenames": ["Kyle James"], "surname": ["Barrow"]})
    kt = sn.KnownTerms.from_frames(nominals)
    for text in ["Kyle Barrow", "KYLE BARROW", "kyle barrow", "Barrow, Kyle", "Kyle-Barrow",
                 "barrow kyle"]:
        assert red(f"seen {text} today", known=kt) == "seen [NAME] today", text
    # a different person with the same surname is not redacted, but is flagged
    clean, found = sn.sanitise_text("seen Dean Barrow today", known=kt)
    assert clean == "seen Dean Barrow today"
    assert {f.value for f in found if f.action == "flagged"} == {"Dean", "Barrow"}


def test_source_register_names_and_refs() -> None:
    src = pd.DataFrame({"source_ref": ["SRC-0042"], "source_name": ["Dee Lane"],
                        "handler": ["DC Ray Holt"]})
    kt = sn.KnownTerms.from_frames(sources=src)
    clean = red("Dee Lane (SRC-0042) met Ray Holt", known=kt)
    assert clean == "[NAME] ([REF]) met [NAME]"


def test_force_patterns_and_bad_patterns() -> None:
    assert red("under Operation Nimrod", patterns=[("OP", r"Operation [A-Z][a-z]+")]) == (
        "under [OP]"
    )
    with pytest.raises(ParameterError, match="force pattern 'bad'"):
        sn.sanitise_text("x", patterns=[("bad", "(")])
    with pytest.raises(ParameterError, match="empty"):
        sn.sanitise_text("x", patterns=[("empty", "a*")])


def test_flags_name_like_tokens_and_long_digits() -> None:
    clean, found = sn.sanitise_text("Darren was seen with 123456789 items",
                                    vocabulary=["Northshire"])
    flags = [(f.kind, f.value) for f in found if f.action == "flagged"]
    assert flags == [("NAME_LIKE", "Darren"), ("LONG_DIGITS", "123456789")]
    assert clean == "Darren was seen with 123456789 items"
    _, found = sn.sanitise_text("The Northshire estate", vocabulary=["Northshire"])
    assert [f for f in found if f.action == "flagged"] == []


def test_finding_positions_refer_to_the_input() -> None:
    text = "call 07700 900123 now"
    _, found = sn.sanitise_text(text)
    (f,) = found
    assert text[f.start:f.end] == "07700 900123" == f.value


@settings(max_examples=60, deadline=None)
@given(st.lists(st.text(alphabet=st.sampled_from(list("ab AB12 -@.0")), max_size=40),
                min_size=1, max_size=8))
def test_many_equals_one_by_one(values: list[str]) -> None:
    r = Redactor({"ab ab": "NAME"})
    many, counts, _ = r.process_many(values)
    ones = [r.redact(v)[0] for v in values]
    assert many == ones
    assert sum(counts.values()) == sum(
        len([f for f in r.redact(v)[1] if f.action == "redacted"]) for v in values
    )


# -- policies --------------------------------------------------------------------------------
def test_never_leave_fields_cannot_be_allowed() -> None:
    p = sn.policy_for("POLICE_FORCE").with_fields("source_ref", "chis_id", "original_text",
                                                  "officer_name", "handler")
    for f in ("source_ref", "chis_id", "original_text", "officer_name", "handler",
              "Source_Ref", "unsanitised_text", "internal_ref"):
        assert not p.allows(f), f
    assert p.allows("sanitised_text")


def test_policy_validation_names_the_parameter() -> None:
    with pytest.raises(ParameterError, match="time_resolution"):
        sn.policy_for("PUBLIC").replace(time_resolution="hour")
    with pytest.raises(ParameterError, match="recipient kind"):
        sn.policy_for("ALIENS")


def _reports() -> pd.DataFrame:
    return pd.DataFrame({
        "urn": ["IR-2026-000001", "IR-2026-000002", "IR-2026-000003"],
        "source_ref": ["SRC-0042", "SRC-0007", "SRC-0042"],
        "submitter": ["PC 1234 Amy Rowe", "DC Ray Holt", "PC 1234 Amy Rowe"],
        "original_text": ["Kyle told the source he deals from the garage behind the pub",
                          "Van seen", "Same source says the group meets on Fridays"],
        "sanitised_text": ["Subject deals from a garage; source SRC-0042 reports",
                           "Seen with DC Ray Holt at 07700 900123",
                           "Same source says the group meets on Fridays"],
        "date_of_intelligence": ["2026-03-04", "2026-03-09 13:00", "05/04/2026"],
        "secret_column": ["a", "b", "c"],
        "count": [1, 7, 12],
    })


def test_sanitise_frame_deny_by_default_and_report() -> None:
    df = _reports()
    before = df.copy()
    res = sn.sanitise_frame(df, sn.policy_for("PARTNER_ISA"))
    pd.testing.assert_frame_equal(df, before)  # input not mutated
    out = res.frame
    # roles decide: an unnamed short-text column is a label (released to partners, redacted)
    assert list(out.columns) == ["sanitised_text", "date_of_intelligence", "secret_column",
                                 "count"]
    assert res.dropped == {"urn": "identifier is not released to PARTNER_ISA",
                           "source_ref": "never leaves (source)",
                           "submitter": "never leaves (officer)",
                           "original_text": "never leaves (original_text)"}
    # values of never-leave columns are redacted wherever they appear; original text withheld
    assert out["sanitised_text"].tolist() == [
        "Subject deals from a garage; source [REF] reports",
        "Seen with [NAME] at [PHONE]",
        "[WITHHELD]",
    ]
    assert out["date_of_intelligence"].tolist() == ["2026-W10", "2026-W11", "2026-W14"]
    tab = res.redaction_table()
    assert set(tab["kind"]) == {"REF", "NAME", "PHONE", "WITHHELD"}
    assert list(out.index) == [0, 1, 2]


@pytest.mark.parametrize(("res_", "expected"), [("date", "2026-03-09"), ("week", "2026-W11"),
                                                ("month", "2026-03")])
def test_time_generalisation(res_: str, expected: str) -> None:
    df = pd.DataFrame({"date": pd.to_datetime(["2026-03-09 13:45"])})
    pol = sn.policy_for("POLICE_FORCE").replace(time_resolution=res_)
    assert sn.sanitise_frame(df, pol).frame["date"].tolist() == [expected]


def test_grid_snapping_of_coordinates_and_points() -> None:
    df = pd.DataFrame({"easting": [431_010.0, 431_260.0], "northing": [500_240.0, 500_260.0]})
    out = sn.sanitise_frame(df, sn.policy_for("PARTNER_ISA")).frame
    assert out["easting"].tolist() == [431_125.0, 431_375.0]
    assert out["northing"].tolist() == [500_125.0, 500_375.0]
    gdf = gpd.GeoDataFrame({"count": [5]}, geometry=[Point(431_010, 500_240)], crs=27700)
    g = sn.sanitise_frame(gdf, sn.policy_for("PUBLIC")).frame
    assert (g.geometry.x.iloc[0], g.geometry.y.iloc[0]) == (431_250.0, 500_250.0)
    # in WGS84 the point is snapped in British National Grid and converted back
    g2 = sn.sanitise_frame(gdf.to_crs(4326), sn.policy_for("PUBLIC")).frame.to_crs(27700)
    assert np.allclose([g2.geometry.x.iloc[0], g2.geometry.y.iloc[0]], [431_250, 500_250],
                       atol=0.01)


def test_area_generalisation_needs_areas_and_uses_them() -> None:
    areas = gpd.GeoDataFrame({"area_code": ["A1", "A2"]},
                             geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=27700)
    pts = gpd.GeoDataFrame({"count": [6, 8]}, geometry=[Point(50, 50), Point(150, 20)], crs=27700)
    pol = sn.policy_for("PUBLIC").replace(place_resolution="area")
    with pytest.raises(SanitisationError, match="areas"):
        sn.sanitise_frame(pts, pol)
    out = sn.sanitise_frame(pts, pol, areas=areas).frame
    assert out.geometry.iloc[0].equals(areas.geometry.iloc[0])
    assert out.geometry.iloc[1].equals(areas.geometry.iloc[1])


def test_street_generalisation_drops_house_numbers() -> None:
    df = pd.DataFrame({"location": ["12 Harrow Road", "Flat 2, 5 Mill Lane", "On or near Park"]})
    pol = sn.policy_for("POLICE_FORCE").replace(place_resolution="street")
    out = sn.sanitise_frame(df, pol).frame
    assert out["location"].tolist() == ["Harrow Road", "Mill Lane", "On or near Park"]


def test_small_count_suppression_with_secondary() -> None:
    df = pd.DataFrame({"area_code": ["A", "B", "C", "D"], "count": [3, 9, 12, 0]})
    res = sn.sanitise_frame(df, sn.policy_for("PUBLIC"))
    assert res.frame["count"].tolist() == ["[c]", "[c]", 12, 0]
    assert (res.suppressed, res.secondary_suppressed) == (1, 1)
    assert "suppressed" in res.notes[0]
    two = pd.DataFrame({"area_code": ["A", "B", "C"], "count": [3, 4, 12]})
    res2 = sn.sanitise_frame(two, sn.policy_for("PUBLIC").replace(suppress_below=10))
    assert res2.frame["count"].tolist() == ["[c]", "[c]", 12]
    assert res2.secondary_suppressed == 0
    # police recipients see exact counts
    assert sn.sanitise_frame(df, sn.policy_for("POLICE_FORCE")).frame["count"].tolist() == [
        3, 9, 12, 0]


def test_sanitise_graph() -> None:
    G = nx.Graph()
    G.add_node("Kyle Barrow", entity_type="person", source_ref="SRC-1")
    G.add_node("Amy Rowe", entity_type="person")
    G.add_edge("Kyle Barrow", "Amy Rowe", link_type="associate", first_seen="2026-01-05",
               report_urn="IR-2026-000001")
    kt = sn.KnownTerms(names=("Kyle Barrow", "Amy Rowe"))
    res = sn.sanitise_graph(G, sn.policy_for("PARTNER_ISA"), known=kt)
    H = res.content
    assert sorted(H.nodes) == ["[NAME]-1", "[NAME]-2"]
    assert all(set(d) == {"entity_type"} for _, d in H.nodes(data=True))
    (_, _, d), = H.edges(data=True)
    assert d == {"link_type": "associate", "first_seen": "2026-W02"}
    assert res.dropped["node.source_ref"] == "never leaves (source)"
    assert list(G.nodes) == ["Kyle Barrow", "Amy Rowe"]  # input untouched


def test_throughput_is_vectorised() -> None:
    """10,000 texts redact in well under the per-row budget (guard against regressions)."""
    import time

    rng = np.random.default_rng(1)
    words = np.array("the subject was seen near shop with car at night on".split())
    texts = [" ".join(rng.choice(words, 25)) + f" 07700 9{i:05d}" for i in range(10_000)]
    r = Redactor({"kyle barrow": "NAME"})
    t0 = time.perf_counter()
    out, counts, _ = r.process_many(texts)
    assert counts["PHONE"] == 10_000 and all(o.endswith("[PHONE]") for o in out)
    assert time.perf_counter() - t0 < 10
