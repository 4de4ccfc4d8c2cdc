"""The dissemination gate: refusals, handling codes, classification, formats, audit, register."""

from __future__ import annotations

import hashlib
import io
import json
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
from shapely.geometry import Point

import intelbench as ib
from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
from intelbench.gate.sanitise import KnownTerms
from tests.gate._support import extracted_text, leaks, make_workspace, png_text, squash

PARTNER = dm.Recipient("Community Safety Manager", "Northshire CSP", "PARTNER_ISA",
                       isa_ref="ISA-12", email="csm@example.org")
POLICE = dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE")
PUBLIC = dm.Recipient("Residents", "Public website", "PUBLIC")
NECESSITY = "Needed to target prevention; limited to the minimum fields, sanitised"
KNOWN = KnownTerms(names=("Kyle Barrow", "Amy Rowe"), refs=("SRC-0042",))


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def reports() -> pd.DataFrame:
    return pd.DataFrame({
        "urn": ["IR-2026-000001", "IR-2026-000002"],
        "source_ref": ["SRC-0042", "SRC-0007"],
        "original_text": ["Kyle Barrow told the source he deals from 12 Harrow Road",
                          "Amy Rowe drives AB12 CDE every Friday night"],
        "sanitised_text": ["Subject rang 07700 900123 near NS1 4AB",
                           "A vehicle AB12 CDE is used by the group"],
        "date_of_intelligence": ["2026-03-04", "2026-03-09"],
        "classification": ["OFFICIAL", "OFFICIAL"],
        "handling": ["P", "P"],
        "source_eval": ["1", "2"],
        "intel_assess": ["B", "C"],
    })


def request(ws_: Any, out_: Path, **kw: Any) -> dict[str, Any]:
    base = dict(to=PARTNER, purpose="Reduce burglary in the north sector",
                basis="Crime and Disorder Act 1998 s.115 under ISA-12", necessity=NECESSITY,
                path=out_, fmt="csv", ws=ws_, known=KNOWN,
                drop=("urn", "source_ref", "original_text"))
    base.update(kw)
    return base


def listing(d: Path) -> list[str]:
    return sorted(p.name for p in d.iterdir())


def n_disclosures(ws: Any) -> int:
    e = ws.audit.entries()
    return 0 if not len(e) else int((e["action"] == "DISCLOSE").sum())


# -- refusals ------------------------------------------------------------------------------
def test_every_missing_request_item_is_named_and_nothing_written(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused) as err:
        dm.disseminate(reports(), to=dm.Recipient("", "", ""), path=out, fmt="csv")
    msg = str(err.value)
    for item in ("recipient name", "recipient organisation", "recipient kind", "purpose",
                 "legal basis", "necessity and proportionality", "workspace"):
        assert item in msg, item
    assert "nothing was written" in msg
    assert listing(out) == []


@pytest.mark.parametrize(
    ("change", "named"),
    [
        ({"to": None}, "recipient (to="),
        ({"purpose": ""}, "purpose"),
        ({"basis": None}, "legal basis"),
        ({"necessity": "because"}, "necessity and proportionality"),
        ({"ws": None}, "workspace"),
        ({"path": None}, "path"),
        ({"to": dm.Recipient("X", "Y", "PARTNER_ISA")}, "ISA reference or statutory gateway"),
        ({"to": dm.Recipient("X", "Y", "ALIENS")}, "recipient kind"),
        ({"to": POLICE, "basis": "because we can"}, "expected a policing purpose"),
    ],
)
def test_each_missing_item_alone_is_refused(ws: Any, out: Path, change: dict[str, Any],
                                            named: str) -> None:
    with pytest.raises(DisseminationRefused, match="request") as err:
        dm.disseminate(reports(), **request(ws, out, **change))
    assert named in str(err.value)
    assert listing(out) == []
    assert n_disclosures(ws) == 0


def test_partner_with_statutory_gateway_and_police_with_policing_purpose(
    ws: Any, out: Path
) -> None:
    gw = dm.Recipient("Officer", "Council", "PARTNER_ISA", statutory_gateway="CDA 1998 s.115")
    assert dm.disseminate(reports(), **request(ws, out, to=gw)).ref == "DIS-2026-000001"
    rec = dm.disseminate(reports(), **request(ws, out, to=POLICE,
                                                basis="Policing purpose: prevent offences"))
    assert rec.path.exists()


def _c_product(**kw: Any) -> dm.Product:
    df = reports().assign(handling=["P", "C"],
                          handling_conditions=[None, "Not to be shared beyond the CSP board"])
    return dm.Product(df, title="Graded intelligence", **kw)


def test_handling_c_needs_conditions_and_acknowledgement(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused, match="acknowledged"):
        dm.disseminate(_c_product(), **request(ws, out))
    assert listing(out) == []
    bare = reports().assign(handling=["C", "C"])
    with pytest.raises(DisseminationRefused, match="conditions are missing"):
        dm.disseminate(bare, **request(ws, out, acknowledge_conditions=True))
    rec = dm.disseminate(_c_product(), **request(ws, out, acknowledge_conditions=True))
    text = rec.path.read_text()
    assert "Not to be shared beyond the CSP board" in text.splitlines()[2]
    assert "Handling code C" in text
    assert dm.register(ws)["conditions"].iloc[0] == "Not to be shared beyond the CSP board"


def test_handling_c_never_goes_to_the_public(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused, match="PUBLIC"):
        dm.disseminate(_c_product(), **request(ws, out, to=PUBLIC, acknowledge_conditions=True,
                                               basis="Prevent offences"))


def test_action_and_sanitisation_codes(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused, match="valid only under handling C"):
        dm.disseminate(dm.Product(reports(), action_codes=("A1",)), **request(ws, out))
    with pytest.raises(DisseminationRefused, match="originator consultation"):
        dm.disseminate(_c_product(sanitisation_codes=("S2",)),
                       **request(ws, out, acknowledge_conditions=True))
    rec = dm.disseminate(
        _c_product(action_codes=("A1", "A2"), sanitisation_codes=("S2",)),
        **request(ws, out, acknowledge_conditions=True,
                  originator_consultation="Originator agreed by phone, log entry 17"),
    )
    text = rec.path.read_text()
    assert "A1: for combination or corroboration only" in text
    assert "A2: covert action only" in text
    assert "log entry 17" not in text  # the consultation is in the register, not the file
    assert dm.register(ws)["originator_consultation"].iloc[0].endswith("log entry 17")
    with pytest.raises(DisseminationRefused, match="expected A1, A2, A3, S1 or S2; got Z9"):
        dm.disseminate(_c_product(action_codes=("Z9",)),
                       **request(ws, out, acknowledge_conditions=True, path=out / "z.csv"))


def test_not_for_dissemination_blocks(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused, match="not for dissemination"):
        dm.disseminate(dm.Product(reports(), not_for_dissemination=True,
                                  nfd_justification="exceptional"), **request(ws, out))
    flagged = reports().assign(not_for_dissemination=[False, True])
    with pytest.raises(DisseminationRefused, match="not for dissemination"):
        dm.disseminate(flagged, **request(ws, out))
    assert listing(out) == []


def test_classification_is_the_highest_input_and_secret_never_leaves(ws: Any, out: Path) -> None:
    df = reports().assign(classification=["OFFICIAL", "official sensitive"])
    rec = dm.disseminate(df, **request(ws, out))
    assert pd.read_csv(rec.path)["marking"].str.startswith("OFFICIAL-SENSITIVE | ").all()
    for marking in ("SECRET", "TOP SECRET"):
        with pytest.raises(DisseminationRefused, match="SECRET and above"):
            dm.disseminate(reports().assign(classification=["OFFICIAL", marking]),
                           **request(ws, out))
    with pytest.raises(DisseminationRefused, match="legacy GPMS"):
        dm.disseminate(reports().assign(classification=["RESTRICTED", "OFFICIAL"]),
                       **request(ws, out))
    sensitive = dm.Product(pd.DataFrame({"area_code": ["A"], "count": [9]}),
                           classification="OFFICIAL-SENSITIVE")
    with pytest.raises(DisseminationRefused, match="above the OFFICIAL a PUBLIC"):
        dm.disseminate(sensitive, **request(ws, out, to=PUBLIC, basis="prevent offences"))
    assert n_disclosures(ws) == 1


def test_cited_reports_in_the_workspace_raise_the_marking(ws: Any, out: Path) -> None:
    ws.put("report", "IR-2026-000009", {"classification": "OFFICIAL-SENSITIVE", "handling": "C",
                                         "handling_conditions": "Board only",
                                         "status": "SANITISED",
                                         "sanitised_text": "A group is active."},
           justification="test")
    table = pd.DataFrame({"area_code": ["A"], "count": [9]})
    with pytest.raises(DisseminationRefused, match="acknowledged"):
        dm.disseminate(dm.Product(table, cited_reports=("IR-2026-000009",)), **request(ws, out))
    rec = dm.disseminate(dm.Product(table, cited_reports=("IR-2026-000009",)),
                         **request(ws, out, acknowledge_conditions=True))
    assert rec.doc["classification"] == "OFFICIAL-SENSITIVE"
    assert rec.doc["conditions"] == "Board only"


def test_flagged_values_are_withheld_unless_released_after_a_dry_run(
        ws: Any, out: Path) -> None:
    df = pd.DataFrame({"sanitised_text": ["Seen with Darren and XJ7 at the shop",
                                          "Darren again"]})
    rec = dm.disseminate(df, **request(ws, out))
    text = rec.path.read_text()
    assert "Darren" not in text and "XJ7" not in text and "[FLAGGED]" in text
    assert rec.doc["flagged_withheld"] == 2 and rec.doc["flagged_released"] == 0
    rec_all = dm.disseminate(df, **request(ws, out, confirm_flagged=True))
    assert "Darren" not in rec_all.path.read_text()
    assert rec_all.doc["confirm_flagged_true_released_nothing"] is True
    dry = dm.disseminate(df, dry_run=True, **request(ws, out))
    assert set(dry.flagged["value"]) == {"Darren", "XJ7"}
    row = dry.flagged.set_index("value").loc["Darren"]
    assert row["rows"] == 2 and "<<Darren>>" in row["context"]
    with pytest.raises(ib.ParameterError, match="not shown"):
        dry.release("Someone else")
    rel = dry.release(row["id"])
    rec2 = dm.disseminate(df, release=rel, **request(ws, out))
    text2 = rec2.path.read_text()
    assert "Darren" in text2 and "XJ7" not in text2
    detail = ws.audit.entries("DISCLOSE")["detail"].iloc[-1]
    assert detail["flagged_released"] == 1 and detail["flagged_withheld"] == 1
    assert detail["released_ids"] == [row["id"]]
    by_kind = dry.release(kinds=["CODE"])
    rec3 = dm.disseminate(df, release=by_kind, **request(ws, out))
    assert "XJ7" in rec3.path.read_text() and "Darren" not in rec3.path.read_text()
    other = dm.disseminate(df.head(1), dry_run=True, **request(ws, out))
    with pytest.raises(DisseminationRefused, match="another product"):
        dm.disseminate(df, release=other.release("Darren"), **request(ws, out))


def test_output_problems(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused, match="fmt: expected one of csv, xlsx, html, docx"):
        dm.disseminate(reports(), **request(ws, out, fmt="png"))
    (out / "plain").write_text("x")
    with pytest.raises(DisseminationRefused, match="is a file without a known extension"):
        dm.disseminate(reports(), **request(ws, out, path=out / "plain"))
    with pytest.raises(DisseminationRefused, match="is a file, not a folder"):
        dm.disseminate(reports(), **request(ws, out, path=out / "plain" / "x.csv"))
    (out / "taken.csv").write_text("x")
    with pytest.raises(DisseminationRefused, match="never overwrites"):
        dm.disseminate(reports(), **request(ws, out, path=out / "taken.csv", fmt=None))
    assert listing(out) == ["plain", "taken.csv"]


def test_a_failure_while_writing_leaves_nothing(ws: Any, out: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    def boom(*a: Any, **k: Any) -> None:
        Path(a[3]).write_text("half a file")
        raise OSError("disk full")

    import importlib

    monkeypatch.setattr(importlib.import_module("intelbench.gate.disseminate"), "write", boom)
    with pytest.raises(OSError, match="disk full"):
        dm.disseminate(reports(), **request(ws, out))
    assert listing(out) == []
    assert n_disclosures(ws) == 0
    assert ws.keys("dissemination") == []


# -- what is written -----------------------------------------------------------------------
SECRETS = ["Kyle Barrow", "Amy Rowe", "SRC-0042", "SRC-0007", "07700900123", "NS14AB",
           "AB12CDE", "12 Harrow Road", "IR-2026-000001", "csm@example.org"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "html", "docx"])
def test_table_formats_carry_marking_and_leak_nothing(ws: Any, out: Path, fmt: str) -> None:
    rec = dm.disseminate(reports(), **request(ws, out, fmt=fmt))
    assert rec.path.suffix == f".{fmt}" and rec.path.name.startswith("DIS-2026-000001")
    text = extracted_text(rec.path)
    for needle in ("OFFICIAL", "DIS-2026-000001", "Handling code P"):
        assert needle in text
    assert leaks(rec.path, SECRETS) == []
    assert "[PHONE]" in text and "[VRM]" in text
    assert rec.sha256 == hashlib.sha256(rec.path.read_bytes()).hexdigest()
    # no temp files left; a CSV has its marking note beside it
    assert sorted(p.name for p in out.iterdir()) == sorted(
        [rec.path.name] + ([rec.doc["sidecar"]] if fmt == "csv" else []))


def test_xlsx_every_sheet_has_header_footer_and_cover(ws: Any, out: Path) -> None:
    G = nx.Graph([("P-1", "P-2", {"link_type": "associate"})])
    rec = dm.disseminate(G, **request(ws, out, fmt="xlsx", to=POLICE, basis="prevent offences"))
    from openpyxl import load_workbook

    wb = load_workbook(rec.path)
    assert wb.sheetnames == ["Nodes", "Links"]
    for sheet in wb.worksheets:
        assert sheet["A1"].value == "OFFICIAL"
        assert "DIS-2026-000001" in sheet["A2"].value
        assert "DIS-2026-000001" in sheet.oddHeader.center.text
        assert "OFFICIAL" in sheet.oddFooter.center.text


def test_xlsx_and_csv_neutralise_formulas(ws: Any, out: Path) -> None:
    df = pd.DataFrame({"sanitised_text": ["=hyperlink(\"x\",\"y\")", "+1+2", "plain"]})
    rec = dm.disseminate(df, **request(ws, out, fmt="xlsx"))
    from openpyxl import load_workbook

    ws_ = load_workbook(rec.path).worksheets[0]
    values = [c.value for c in ws_["A"] if c.value is not None]
    assert "'=hyperlink(\"x\",\"y\")" in values and "'+1+2" in values
    assert all(c.data_type != "f" for c in ws_["A"])


def test_docx_every_section_has_marking(ws: Any, out: Path) -> None:
    rec = dm.disseminate(reports(), **request(ws, out, fmt="docx"))
    import docx

    doc = docx.Document(str(rec.path))
    for section in doc.sections:
        assert "OFFICIAL | DIS-2026-000001" in section.header.paragraphs[0].text
        assert "DIS-2026-000001" in section.footer.paragraphs[0].text
    assert doc.paragraphs[1].text == "OFFICIAL"


def test_geo_formats(ws: Any, out: Path) -> None:
    gdf = gpd.GeoDataFrame({"area_code": ["A", "B"], "count": [7, 9],
                            "source_ref": ["SRC-0042", "SRC-0007"]},
                           geometry=[Point(431_010, 500_240), Point(431_700, 500_900)], crs=27700)
    rec = dm.disseminate(gdf, **request(ws, out, fmt="geojson"))
    data = json.loads(rec.path.read_text())
    assert data["marking"] == "OFFICIAL" and data["dissemination_ref"] == rec.ref
    assert set(data["features"][0]["properties"]) == {"area_code", "count"}
    rec2 = dm.disseminate(gdf, **request(ws, out, fmt="gpkg"))
    back = gpd.read_file(rec2.path)
    assert set(back["dissemination_ref"]) == {rec2.ref}
    assert back.crs.to_epsg() == 27700
    assert back.geometry.x.tolist() == [431_125.0, 431_625.0]  # partner: 250 m grid
    con = sqlite3.connect(rec2.path)
    (desc,) = con.execute("select description from gpkg_contents").fetchone()
    con.close()
    assert "OFFICIAL" in desc and rec2.ref in desc
    assert leaks(rec.path, ["SRC-0042"]) == leaks(rec2.path, ["SRC-0042"]) == []


def test_png_chart_has_marking_drawn_and_in_metadata(ws: Any, out: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    ax.bar(["North", "South"], [12, 9])
    ax.set_title("Burglary by sector")
    rec = dm.disseminate(dm.Product(fig, title="Burglary chart"),
                         **request(ws, out, fmt="png"))
    meta = png_text(rec.path.read_bytes())
    assert "OFFICIAL | DIS-2026-000001" in meta
    plain = io.BytesIO()
    fig.savefig(plain, format="png", dpi=110)
    assert rec.path.read_bytes() != plain.getvalue()
    assert len(fig.texts) == 0  # the caller's figure is not changed
    bad, ax2 = plt.subplots()
    ax2.set_title("Calls from 07700 900123")
    with pytest.raises(DisseminationRefused, match="PHONE"):
        dm.disseminate(bad, **request(ws, out, fmt="png"))
    plt.close("all")


def test_html_product_escapes_everything(ws: Any, out: Path) -> None:
    df = pd.DataFrame({"sanitised_text": ["<script>window.__pwned=1</script>",
                                          '<img src=x onerror="window.__pwned=2">']})
    rec = dm.disseminate(df, **request(ws, out, fmt="html"))
    text = rec.path.read_text()
    assert "<script>" not in text and "<img src=x" not in text
    assert "&lt;script&gt;window.__pwned=1&lt;/script&gt;" in text
    assert text.count('class="marking') == 2
    assert "@media print" in text


def test_standalone_html_banner_injected_and_external_urls_refused(ws: Any, out: Path) -> None:
    page = "<html><head><title>Map</title></head><body><div id='map'>North sector</div>" \
           "</body></html>"
    rec = dm.disseminate(dm.Product(page, title="Hotspot map"), **request(ws, out, fmt="html"))
    text = rec.path.read_text()
    assert text.index('class="marking top"') < text.index("id='map'") < text.index(
        'class="marking bottom"')
    for url in ('<script src="https://unpkg.com/leaflet.js"></script>',
                '<link href="//cdn.example.com/x.css" rel="stylesheet">',
                "<style>.a{background:url(https://tiles.example.com/1.png)}</style>"):
        with pytest.raises(DisseminationRefused, match="outside the file"):
            dm.disseminate(page.replace("</head>", url + "</head>"),
                           **request(ws, out, fmt="html"))
    # an inline script that is not a workbench asset is refused, whatever it does
    with pytest.raises(DisseminationRefused, match="neither a workbench asset"):
        dm.disseminate(page.replace("</body>", "<script>var x = 1;</script></body>"),
                       **request(ws, out, fmt="html"))
    with pytest.raises(DisseminationRefused, match="NAME"):
        dm.disseminate(page.replace("North sector", "Kyle Barrow lives here"),
                       **request(ws, out, fmt="html"))
    assert len(listing(out)) == 1


def test_document_products_deny_unknown_and_never_leave_keys(ws: Any, out: Path) -> None:
    class Plan:
        def to_dict(self) -> dict[str, Any]:
            return {"title": "Burglary collection plan", "owner": "DI Ray Holt",
                    "questions": [{"question": "Who fences for Kyle Barrow?", "priority": "HIGH",
                                   "tasked_to": "DC Amy Rowe", "candidate_sources": "SRC-0042"}],
                    "necessity": "Series of 40 dwelling burglaries", "budget_code": "X-1"}

    with pytest.raises(DisseminationRefused, match=r"questions\.0\.tasked_to \(never leaves"):
        dm.disseminate(Plan(), **request(ws, out, fmt="html", to=POLICE,
                                         basis="bring offenders to justice"))
    gone = ("owner", "tasked_to", "candidate_sources", "budget_code")
    rec = dm.disseminate(Plan(), **request(ws, out, fmt="html", to=POLICE, drop=gone,
                                            basis="bring offenders to justice"))
    assert rec.doc["fields_dropped"] == ["budget_code", "owner", "questions.0.candidate_sources",
                                         "questions.0.tasked_to"]
    text = rec.path.read_text()
    assert "Who fences for [NAME]?" in text and "HIGH" in text
    assert leaks(rec.path, ["Ray Holt", "Amy Rowe", "SRC-0042", "X-1"]) == []
    dry = dm.disseminate(Plan(), dry_run=True, **request(ws, out, fmt="docx", to=POLICE,
                                                          basis="prevent offences"))
    assert dry.dropped["questions.0.tasked_to"] == "never leaves (officer)"
    assert dry.dropped["owner"] == "never leaves (officer)"


def test_product_protocol_to_product(ws: Any, out: Path) -> None:
    class LinkChart:
        def to_product(self) -> dm.Product:
            return dm.Product("<html><body><svg></svg></body></html>", title="Link chart",
                              classification="OFFICIAL-SENSITIVE")

    rec = dm.disseminate(LinkChart(), **request(ws, out, fmt="html"))
    assert rec.doc["classification"] == "OFFICIAL-SENSITIVE"
    with pytest.raises(ValueError, match="product kind"):
        dm.disseminate(object(), **request(ws, out))


# -- audit, register, dry run -------------------------------------------------------------
def test_audit_entry_and_register(ws: Any, out: Path, tmp_path: Path) -> None:
    rec = dm.disseminate(reports(), **request(ws, out))
    entries = ws.audit.entries("DISCLOSE")
    assert len(entries) == 1
    row = entries.iloc[0]
    assert row["recipient"] == "Community Safety Manager (Northshire CSP)"
    assert row["justification"] == "Reduce burglary in the north sector"
    assert row["record_ref"].startswith(f"dissemination/{rec.ref}")
    detail = row["detail"]
    assert detail["file_sha256"] == rec.sha256 and detail["ref"] == rec.ref
    assert detail["product_id"] == rec.doc["product_id"]
    assert detail["basis"].startswith("Crime and Disorder Act")
    everything = squash(entries.to_json(date_format="iso"))
    for secret in SECRETS[:-1] + ["Subject rang"]:
        assert squash(secret) not in everything
    assert ws.audit.verify() is True
    rec2 = dm.disseminate(reports(), **request(ws, out, fmt="xlsx"))
    reg = dm.register(ws)
    assert reg["ref"].tolist() == [rec.ref, rec2.ref] == ["DIS-2026-000001", "DIS-2026-000002"]
    assert reg["sha256"].tolist() == [rec.sha256, rec2.sha256]
    assert reg["recipient_kind"].tolist() == ["PARTNER_ISA"] * 2
    path = dm.export_register(ws, tmp_path / "register.csv")
    assert pd.read_csv(path)["ref"].tolist() == reg["ref"].tolist()
    path2 = dm.export_register(ws, tmp_path / "register.xlsx")
    assert pd.read_excel(path2)["file"].tolist() == [rec.path.name, rec2.path.name]


def test_dry_run_writes_nothing_and_shows_changes(ws: Any, out: Path) -> None:
    before = len(ws.audit.entries())
    dry = dm.disseminate(reports(), dry_run=True, **request(ws, out))
    assert isinstance(dry, dm.DryRun) and dry.ok
    assert listing(out) == [] and len(ws.audit.entries()) == before
    assert dry.dropped["source_ref"] == "never leaves (source)"
    assert dry.dropped["urn"] == "identifier is not released to PARTNER_ISA"
    assert dry.fields_out == ["sanitised_text", "date_of_intelligence", "classification",
                              "handling", "source_eval", "intel_assess"]
    counts = dict(zip(dry.redactions["kind"], dry.redactions["count"]))
    assert counts == {"PHONE": 1, "POSTCODE": 1, "VRM": 1}
    assert any("week" in g for g in dry.generalised)
    assert dry.target == out / "DIS-2026-000001_intelligence-product.csv"
    html_ = dry._repr_html_()
    assert "never leaves" in html_ and "<script" not in html_
    bad = dm.disseminate(reports(), dry_run=True, **request(ws, out, purpose=None))
    assert not bad.ok and "purpose" in bad.problems["request"]


def test_top_level_names() -> None:
    assert ib.disseminate is dm.disseminate and ib.Recipient is dm.Recipient
    assert ib.sanitise.policy_for("PUBLIC").suppress_below == 5
    assert callable(ib.osint.record)


def test_demo_step(tmp_path: Path, ws: Any) -> None:
    from intelbench.demo.cli import DemoContext

    data = tmp_path / "data"
    data.mkdir()
    rep = reports().assign(handling_conditions="", action_code="", sanitisation_code="")
    rep.to_csv(data / "intel_reports.csv", index=False)
    pd.DataFrame({"nominal_id": ["P-1"], "forenames": ["Kyle"], "surname": ["Barrow"]}).to_csv(
        data / "nominals.csv", index=False)
    pd.DataFrame({"source_ref": ["SRC-0042"], "source_name": ["Dee Lane"],
                  "handler": ["DC Ray Holt"]}).to_csv(data / "sources.csv", index=False)
    ctx = DemoContext(data=data, out=tmp_path / "demo", shared={"ws": ws})
    ctx.out.mkdir()
    from intelbench.demo.gate import demo_step

    lines = demo_step(ctx)
    assert any(line.startswith("Dry run:") for line in lines)
    assert any("DIS-2026-000001" in line for line in lines)
    assert lines[-1] == "Audit chain verifies"
    (f,) = (ctx.out / "disseminated").iterdir()
    assert leaks(f, ["Kyle Barrow", "SRC-0042", "07700900123"]) == []
    assert (ctx.out / "dissemination_register.csv").exists()
    with zipfile.ZipFile(f) as z:
        assert any("DIS-2026-000001" in z.read(n).decode("utf-8", "ignore") for n in z.namelist())


def test_offline_map_with_inlined_leaflet_passes_and_its_data_is_checked(
    ws: Any, out: Path
) -> None:
    import xstatic.pkg.leaflet as xleaf

    lib = Path(xleaf.BASE_DIR)
    head = (f"<style>{(lib / 'leaflet.css').read_text()}</style>"
            f"<script>{(lib / 'leaflet.js').read_text()}</script>")

    def page(popup: str, extra: dict[str, str] | None = None) -> str:
        data = json.dumps({"type": "FeatureCollection", **(extra or {}), "features": [{
            "type": "Feature", "properties": {"popup": popup},
            "geometry": {"type": "Point", "coordinates": [-1.2345678901, 54.0123456789]}}]})
        return (f"<!DOCTYPE html><html><head>{head}</head><body><div id='m'></div>"
                f"<script type='application/json' id='d'>{data}</script></body></html>")

    rec = dm.disseminate(dm.Product(page("12 burglaries"), title="Map"),
                         **request(ws, out, fmt="html"))
    assert rec.path.read_text().count('class="marking') == 2
    tiles = {"tiles": "https://tile.openstreetmap.org/{z}/{x}/{y}.png"}
    with pytest.raises(DisseminationRefused, match="external address"):
        dm.disseminate(page("12 burglaries", tiles), **request(ws, out, fmt="html"))
    # identifiers in the data payload are redacted, as in a table
    dry = dm.disseminate(page("Kyle Barrow 07700 900123"), dry_run=True,
                         **request(ws, out, fmt="html"))
    assert sorted(dry.redactions["kind"]) == ["NAME", "PHONE"]
    rec = dm.disseminate(page("Kyle Barrow 07700 900123"), **request(ws, out, fmt="html"))
    text = rec.path.read_text()
    assert "Kyle Barrow" not in text and "07700 900123" not in text and "[PHONE]" in text
    assert len(listing(out)) == 2


def test_legacy_5x5x5_handling_codes(ws: Any, out: Path) -> None:
    df = reports().assign(handling=[None, None], legacy_grade=["A12", "B35"])
    with pytest.raises(DisseminationRefused, match="legacy 5x5x5 handling code 5"):
        dm.disseminate(df, **request(ws, out, to=POLICE, basis="prevent offences"))
    df2 = reports().assign(handling=[None, None], legacy_grade=["A11", "B21"])
    with pytest.raises(DisseminationRefused, match="handling code 1 does not permit"):
        dm.disseminate(df2, **request(ws, out))
    rec = dm.disseminate(df2, **request(ws, out, to=POLICE, basis="prevent offences"))
    assert rec.path.exists()


def test_known_terms_from_the_sample_force(samples: Path) -> None:
    """The sample reports' original text comes out as clean as the sample's own sanitised text."""
    from intelbench.gate.sanitise import policy_for, sanitise_frame

    kt = KnownTerms.from_files(samples / "nominals.csv", samples / "sources.csv")
    reps = pd.read_csv(samples / "intel_reports.csv", dtype=str).head(400)
    text = pd.DataFrame({"sanitised_text": reps["original_text"]})
    clean = sanitise_frame(text, policy_for("POLICE_FORCE"), known=kt).frame["sanitised_text"]
    nominals = pd.read_csv(samples / "nominals.csv", dtype=str)
    full = [squash(f"{f} {s}") for f, s in zip(nominals["forenames"], nominals["surname"])]
    first = [squash(f"{f.split()[0]} {s}") for f, s in zip(nominals["forenames"],
                                                          nominals["surname"])]
    blob = squash(" ".join(clean))
    assert not [n for n in set(full + first) if n in blob]
    for after in clean:
        assert not re.search(r"07700|\b[A-Z]{2}\d{2} [A-Z]{3}\b|\d{2}/\d{2}/\d{4}", after)
        assert "[NAME]" in after


def test_title_is_checked(ws: Any, out: Path) -> None:
    with pytest.raises(DisseminationRefused, match="title"):
        dm.disseminate(dm.Product(reports(), title="Kyle Barrow's associates"),
                       **request(ws, out))
    assert listing(out) == []
