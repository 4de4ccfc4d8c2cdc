"""Property tests: sensitive values planted anywhere never leave, in any format.

Each example plants random names the workspace knows, phone numbers, e-mails, vehicle
registrations, postcodes, source references and original text in a random field or in free
text, sends the product to a random kind of recipient in a random format, and checks the raw
bytes and the extracted text (XLSX/DOCX XML, GeoPackage tables, PNG text chunks) of whatever was
written, ignoring case and separators. The audit chain must still verify.
"""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from shapely.geometry import Point

from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
from intelbench.gate.sanitise import KnownTerms
from tests.gate._support import leaks, make_workspace

SYL = ["zor", "vak", "quil", "bren", "thax", "mor", "dru", "kel", "yss", "fen", "gorth", "wix"]
D = st.integers(0, 9).map(str)


def _word(n_min: int = 2, n_max: int = 3) -> st.SearchStrategy[str]:
    return st.lists(st.sampled_from(SYL), min_size=n_min, max_size=n_max).map(
        lambda s: "".join(s).capitalize())


names = st.tuples(_word(), _word()).map(" ".join)
digits = lambda n: st.lists(D, min_size=n, max_size=n).map("".join)  # noqa: E731
phones = st.one_of(
    st.tuples(digits(3), digits(6)).map(lambda t: f"077{t[0][:2]} {t[1]}"),
    st.tuples(digits(3), digits(6)).map(lambda t: f"+44 77{t[0][:2]} {t[1]}"),
    st.tuples(digits(3), digits(3), digits(4)).map(lambda t: f"(01{t[0][:2]}) {t[1]} {t[2]}"),
    st.tuples(digits(4), digits(6)).map(lambda t: f"07{t[0][:3]}-{t[1]}"),
)
letters = st.sampled_from("ABCDEFGHJKLMNPRSTUVWXYZ")
up = lambda n: st.lists(letters, min_size=n, max_size=n).map("".join)  # noqa: E731
emails = st.tuples(_word(2, 3), _word(2, 2)).map(lambda t: f"{t[0].lower()}@{t[1].lower()}.com")
vrms = st.one_of(
    st.tuples(up(2), digits(2), up(3), st.sampled_from(["", " "])).map(
        lambda t: f"{t[0]}{t[1]}{t[3]}{t[2]}"),
    st.tuples(up(1), digits(3), up(3)).map(lambda t: f"{t[0]}{t[1]} {t[2]}"),
    st.tuples(up(3), digits(3), up(1)).map(lambda t: f"{t[0]} {t[1]}{t[2]}"),
)
postcodes = st.tuples(up(2), digits(1), digits(1), up(2)).map(
    lambda t: f"{t[0]}{t[1]} {t[2]}{t[3]}")
source_refs = digits(5).map(lambda d: f"SRC-{d}")
originals = st.lists(_word(3, 3), min_size=4, max_size=6).map(" ".join)

FIELDS = ["sanitised_text", "area_code", "offence", "internal_notes", "urn"]
KINDS = {
    "POLICE_FORCE": dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE"),
    "PARTNER_ISA": dm.Recipient("Manager", "Northshire CSP", "PARTNER_ISA", isa_ref="ISA-12"),
    "PUBLIC": dm.Recipient("Residents", "Force website", "PUBLIC"),
}
BASIS = {"POLICE_FORCE": "Prevent offences", "PARTNER_ISA": "CDA 1998 s.115 under ISA-12",
         "PUBLIC": "Prevent offences and reassure the public"}


@st.composite
def planted(draw: Any) -> dict[str, Any]:
    secrets = {
        "name": draw(names), "phone": draw(phones), "email": draw(emails), "vrm": draw(vrms),
        "postcode": draw(postcodes), "source_ref": draw(source_refs),
        "original": draw(originals),
    }
    n = draw(st.integers(2, 5))
    rows = []
    for i in range(n):
        rows.append({
            "urn": f"IR-2026-{i:06d}", "source_ref": secrets["source_ref"],
            "original_text": secrets["original"] if i == 0 else f"Other original {i} text here",
            "sanitised_text": "Group seen near the estate at night",
            "area_code": f"NS{i:03d}", "offence": "Burglary", "internal_notes": "none",
            "date_of_intelligence": f"2026-03-{i + 1:02d}", "count": draw(st.integers(0, 30)),
            "handling": "P", "classification": "OFFICIAL",
        })
    for kind in draw(st.lists(st.sampled_from(sorted(secrets)), min_size=1, max_size=7,
                              unique=True)):
        row = draw(st.integers(0, n - 1))
        fld = draw(st.sampled_from(FIELDS))
        value = secrets[kind]
        if kind == "original":
            row, fld = 0, draw(st.sampled_from(["sanitised_text", "area_code", "offence"]))
        rows[row][fld] = draw(st.sampled_from([
            value, f"seen {value} today", f"{rows[row][fld]} / {value}",
        ]))
    return {"secrets": secrets, "frame": pd.DataFrame(rows)}


def _check(product: Any, kind: str, fmt: str, secrets: dict[str, str]) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        ws = make_workspace(root / "ws")
        out = root / "out"
        out.mkdir()
        known = KnownTerms(names=(secrets["name"],))
        try:
            rec = dm.disseminate(
                product, to=KINDS[kind], purpose="Property test", basis=BASIS[kind],
                necessity="Necessary and proportionate for the property test", path=out,
                fmt=fmt, ws=ws, known=known, confirm_flagged=True,
            )
        except DisseminationRefused:
            assert list(out.iterdir()) == []
        else:
            files = list(out.iterdir())
            assert files == [rec.path]
            found = leaks(rec.path, list(secrets.values()))
            assert found == [], f"{fmt} for {kind} leaked {found}"
        assert ws.audit.verify() is True


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted(), st.sampled_from(sorted(KINDS)), st.sampled_from(["csv", "xlsx", "html",
                                                                     "docx"]))
def test_planted_values_never_leave_in_tables(case: dict[str, Any], kind: str, fmt: str) -> None:
    _check(case["frame"], kind, fmt, case["secrets"])


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted(), st.sampled_from(sorted(KINDS)), st.sampled_from(["geojson", "gpkg", "xlsx"]))
def test_planted_values_never_leave_in_geo_formats(case: dict[str, Any], kind: str,
                                                   fmt: str) -> None:
    df = case["frame"]
    gdf = gpd.GeoDataFrame(df, geometry=[Point(431_000 + 97 * i, 500_000 + 53 * i)
                                         for i in range(len(df))], crs=27700)
    _check(gdf, kind, fmt, case["secrets"])


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(planted(), st.sampled_from(sorted(KINDS)), st.sampled_from(["png", "html"]))
def test_planted_values_never_leave_in_rendered_products(case: dict[str, Any], kind: str,
                                                         fmt: str) -> None:
    s = case["secrets"]
    text = f"Calls from {s['phone']} by {s['name']} at {s['postcode']}"
    if fmt == "png":
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt

        fig, ax = plt.subplots()
        ax.set_title(text)
        product: Any = dm.Product(fig, title="Chart")
    else:
        product = f"<html><body><p>{text}</p></body></html>"
    try:
        _check(product, kind, fmt, s)
    finally:
        if fmt == "png":
            plt.close("all")


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "docx"])
def test_a_fixed_case_leaks_nothing_for_each_format(fmt: str) -> None:
    secrets = {"name": "Zorvak Quilbren", "phone": "07712 345678", "email": "zv@quil.com",
               "vrm": "ZX12 ABC", "postcode": "ZZ9 9ZZ", "source_ref": "SRC-99123",
               "original": "Thaxmor druel kelyss fenwix"}
    df = pd.DataFrame({"sanitised_text": [" ".join(secrets.values())],
                       "source_ref": ["SRC-99123"], "original_text": [secrets["original"]]})
    _check(df, "PARTNER_ISA", fmt, secrets)


def test_original_wording_in_a_counted_category_never_reaches_the_public() -> None:
    """Found by the geo property test: counting points for the public lost the row link."""
    secrets = {"name": "Zorzor Zorzor", "original": "Zorzorzor Zorzorzor Zorzorzor Zorzorzor",
               "source_ref": "SRC-00000"}
    rows = []
    for i in range(2):
        rows.append({
            "urn": f"IR-2026-{i:06d}", "source_ref": secrets["source_ref"],
            "original_text": secrets["original"] if i == 0 else f"Other original {i} text",
            "sanitised_text": "Group seen near the estate at night",
            "area_code": secrets["name"] if i == 0 else f"NS{i:03d}",
            "offence": f"seen {secrets['original']} today" if i == 0 else "Burglary",
            "internal_notes": "none", "date_of_intelligence": f"2026-03-{i + 1:02d}",
            "count": 0, "handling": "P", "classification": "OFFICIAL"})
    df = pd.DataFrame(rows)
    gdf = gpd.GeoDataFrame(df, geometry=[Point(431_000 + 97 * i, 500_000 + 53 * i)
                                         for i in range(len(df))], crs=27700)
    _check(gdf, "PUBLIC", "xlsx", secrets)
