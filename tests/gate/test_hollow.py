"""No hollow products; roles decide; the sealed register and original wording stay inside."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
from intelbench.gate.roles import infer_role, with_roles
from intelbench.gate.sanitise import KnownTerms
from intelbench.gate.sealed import import_sealed_sources, seal_source
from tests.gate._support import leaks, make_workspace

PARTNER = dm.Recipient("Community Safety Manager", "Northshire CSP", "PARTNER_ISA",
                       isa_ref="ISA-12")
POLICE = dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE")


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    return make_workspace(tmp_path / "ws")


@pytest.fixture
def out(tmp_path: Path) -> Path:
    d = tmp_path / "out"
    d.mkdir()
    return d


def req(ws_: Any, out_: Path, **kw: Any) -> dict[str, Any]:
    base: dict[str, Any] = dict(
        to=PARTNER, purpose="Reduce burglary", ws=ws_, path=out_, fmt="csv",
        basis="Crime and Disorder Act 1998 s.115 under ISA-12; prevent offences",
        necessity="Needed to target prevention; limited to the minimum fields")
    base.update(kw)
    return base


def test_a_count_column_keeps_its_numbers_whatever_it_is_called(ws: Any, out: Path) -> None:
    df = pd.DataFrame({"area_name": ["Northgate", "Eastfield"], "burglaries": [12, 7]})
    dry = dm.disseminate(df, dry_run=True, **req(ws, out))
    assert dry.ok and dry.fields_out == ["area_name", "burglaries"]
    assert dry.fields.set_index("field").loc["burglaries", "role"] == "count"
    rec = dm.disseminate(df, **req(ws, out))
    back = pd.read_csv(rec.path)
    assert back["burglaries"].tolist() == [12, 7]


def test_a_table_with_no_field_left_is_refused_naming_table_and_fields(
        ws: Any, out: Path) -> None:
    people = with_roles(pd.DataFrame({"nominal_id": ["P-1"], "full_name": ["Kyle Barrow"]}),
                        nominal_id="identifier", full_name="personal")
    with pytest.raises(DisseminationRefused,
                       match=r"no field may go to a PARTNER_ISA.*nominal_id: identifier.*"
                             r"full_name: personal"):
        dm.disseminate(people, **req(ws, out, drop=["nominal_id", "full_name"]))
    doc = {"title": "Profile", "tables": [people]}
    with pytest.raises(DisseminationRefused, match=r"table 'tables\.0'"):
        dm.disseminate(doc, **req(ws, out, fmt="html", drop=["nominal_id", "full_name"]))
    assert list(out.iterdir()) == []
    e = ws.audit.entries()
    assert not len(e) or not (e["action"] == "DISCLOSE").any()


def test_an_empty_section_is_refused(ws: Any, out: Path) -> None:
    doc = {"title": "Profile", "summary": "Kyle Barrow",
           "findings": ["Burglary rose in Northgate."]}
    known = KnownTerms(names=("Kyle Barrow",))
    with pytest.raises(DisseminationRefused, match="section 'summary' would be left empty"):
        dm.disseminate(doc, **req(ws, out, fmt="html", known=known))


def test_dropping_needs_drop_and_is_named_in_audit_and_register(ws: Any, out: Path) -> None:
    df = pd.DataFrame({"urn": ["IR-2026-000001"], "source_ref": ["SRC-1"],
                       "offence": ["Burglary"], "crimes": [4]})
    with pytest.raises(DisseminationRefused,
                       match=r"urn \(identifier is not released to PARTNER_ISA\); "
                             r"source_ref \(never leaves \(source\)\); acknowledge with drop="):
        dm.disseminate(df, **req(ws, out))
    with pytest.raises(DisseminationRefused, match="source_ref"):
        dm.disseminate(df, **req(ws, out, drop=["urn"]))
    rec = dm.disseminate(df, **req(ws, out, drop=["urn", "source_ref"]))
    assert rec.doc["fields_dropped"] == ["source_ref", "urn"]
    detail = ws.audit.entries("DISCLOSE")["detail"].iloc[-1]
    assert detail["fields_dropped"] == ["source_ref", "urn"]
    reg = dm.register(ws)
    assert reg["fields_dropped"].iloc[-1] == ["source_ref", "urn"]


def test_dry_run_shows_kept_dropped_generalised_and_why(ws: Any, out: Path) -> None:
    df = pd.DataFrame({"urn": ["IR-1"], "date": ["2026-03-09"], "crimes": [4]})
    dry = dm.disseminate(df, dry_run=True, **req(ws, out))
    f = dry.fields.set_index("field")
    assert f.loc["urn", "action"] == "dropped" and "identifier" in f.loc["urn", "reason"]
    assert f.loc["date", "action"] == "generalised" and "week" in f.loc["date", "reason"]
    assert f.loc["crimes", "action"] == "kept"
    assert "inferred" in f.loc["crimes", "why"]
    text = "\n".join(dry.lines())
    assert "Field urn: dropped" in text and "Field date: generalised" in text
    assert "<h4>Fields</h4>" in dry._repr_html_()


@pytest.mark.parametrize("to", [POLICE, PARTNER], ids=["police", "partner"])
def test_cell_by_cell_only_documented_sanitisation_differs(ws: Any, out: Path, to: Any) -> None:
    rng = np.random.default_rng(3)
    df = pd.DataFrame({
        "area_name": rng.choice(["Northgate", "Eastfield", "Mill Vale"], 30),
        "crimes": rng.integers(0, 40, 30),
        "rate": rng.random(30).round(3),
        "p_value": rng.random(30).round(4),
        "band": rng.choice(["high", "medium", "low"], 30),
        "sanitised_text": [f"burglary rose near the park {i}" for i in range(30)],
    })
    rec = dm.disseminate(df, **req(ws, out, to=to, known=None))
    back = pd.read_csv(rec.path, keep_default_na=False)
    assert back["marking"].str.startswith("OFFICIAL | DIS-").all()  # on every row
    back = back.drop(columns="marking")
    assert list(back.columns) == list(df.columns)  # every column kept
    for c in ("area_name", "band", "sanitised_text"):
        assert back[c].astype(str).tolist() == df[c].astype(str).tolist(), c
    for c in ("crimes", "rate", "p_value"):
        np.testing.assert_allclose(back[c].to_numpy(float), df[c].to_numpy(float))


def test_roles_are_inferred_from_values_not_only_names() -> None:
    assert infer_role("xyz", pd.Series([1, 2, 3]))[0] == "count"
    assert infer_role("xyz", pd.Series([0.1, -2.0]))[0] == "statistic"
    assert infer_role("xyz", pd.Series(["a long sentence of free text written here"]))[0] == (
        "free_text")
    assert infer_role("Original Text")[0] == "original_text"


def test_the_sealed_register_is_applied_without_known_and_read_audited(
        ws: Any, out: Path) -> None:
    seal_source(ws, "SRC-7Q2X", names=["Dee Lane"], aliases=["Dizzy Dee"],
                handlers=["DC 7262"], justification="registration")
    n = import_sealed_sources(ws, pd.DataFrame({"source_ref": ["SRC-8BCA"],
                                                "source_name": ["Craig Threlby"],
                                                "handler": ["DC Ray Holt"]}),
                              justification="import")
    assert n == 1
    df = pd.DataFrame({"sanitised_text": [
        "dee lane met the group; ref SRC-7Q2X", "DIZZY DEE and Craig Threlby were there",
        "handled by DC 7262 and Ray Holt"]})
    before = len(ws.audit.entries("CONSULT"))
    rec = dm.disseminate(df, **req(ws, out, to=POLICE))
    assert leaks(rec.path, ["Dee Lane", "Dizzy Dee", "SRC-7Q2X", "Craig Threlby", "7262",
                            "Ray Holt"]) == []
    consult = ws.audit.entries("CONSULT")
    assert len(consult) == before + 1
    assert consult["record_ref"].iloc[-1].startswith("sealed_source/")
    assert consult["detail"].iloc[-1]["count"] == 2  # the store logs the read: one entry
    assert rec.doc["sealed_sources_applied"] >= 2


def test_original_wording_never_leaves_whatever_the_column_is_called(
        ws: Any, out: Path) -> None:
    original = ("The subject keeps the stolen goods in the blue garage behind the chip shop. "
                "He sells them on Fridays.")
    ws.put("report", "IR-2026-000009", {"original_text": original, "handling": "P"},
           action="COLLECT")
    df = pd.DataFrame({"notes": [
        "Summary: the subject keeps the stolen goods in the blue garage behind the chip shop.",
        "Burglary rose near the park this month and prevention work is planned."]})
    prod = dm.Product(df, title="Notes", cited_reports=("IR-2026-000009",))
    rec = dm.disseminate(prod, **req(ws, out, to=POLICE))
    text = rec.path.read_text()
    assert "blue garage" not in text and "[WITHHELD]" in text
    assert "prevention work is planned" in text
