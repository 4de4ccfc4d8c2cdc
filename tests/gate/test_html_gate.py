"""Interactive HTML products through the gate: parsed, assets recognised, payload sanitised."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import geopandas as gpd
import pandas as pd
import pytest

import intelbench as ib
from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
from intelbench.gate.assets import asset_files, asset_hashes, digest, is_asset
from intelbench.gate.html_check import inspect_html
from intelbench.network.build import build_network
from intelbench.network.charts import link_chart
from tests.gate._support import make_workspace

DATA = Path(__file__).resolve().parents[2] / "data_samples"


@pytest.fixture(scope="module")
def sample_map() -> Any:
    areas = gpd.read_file(DATA / "areas.gpkg", layer="areas")
    boundary = gpd.read_file(DATA / "areas.gpkg", layer="boundary")
    crimes = ib.read_police_uk(DATA / "crimes" / "2025-09")
    burglary = crimes[crimes["crime_type"].astype(str).str.startswith("Burglary")]
    burglary = burglary[burglary.geometry.notna() & ~burglary.geometry.is_empty].head(300)
    return ib.geo.map(points=burglary, areas=areas, boundary=boundary, value="residents",
                      popup=["crime_type"], tooltip="crime_type", title="Burglary, September")


@pytest.fixture(scope="module")
def sample_chart() -> Any:
    graph = build_network(pd.read_csv(DATA / "associations.csv", dtype=str),
                          pd.read_csv(DATA / "entities.csv", dtype=str))
    truth = json.loads((DATA / "ocg_truth.json").read_text())
    group = truth["groups"][0]
    members = [m for m in group["members"] if m in graph]
    return link_chart(graph, focus=members, radius=1, seed=1, title="Group members")


@pytest.fixture
def request_for(tmp_path: Path) -> Iterator[Any]:
    ws = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir()

    def make(kind: str = "POLICE_FORCE") -> dict[str, Any]:
        return dict(
            to=dm.Recipient("DS Analyst", "Southshire Police", kind, isa_ref="ISA-7"),
            purpose="Interactive product test", basis="Prevent offences under ISA-7",
            necessity="Necessary and proportionate for the interactive product test",
            path=out, fmt="html", ws=ws,
        )

    yield make


def _send(product: Any, req: dict[str, Any]) -> Any:
    """As an analyst does: read the dry run's flagged values in context, release them."""
    dry = dm.disseminate(product, dry_run=True, **req)
    assert isinstance(dry, dm.DryRun)
    assert all("HTML holds" not in p for ps in dry.problems.values() for p in ps), dry.problems
    shown = dry.flagged
    rel = dry.release(*shown["id"]) if len(shown) else None
    return dm.disseminate(product, release=rel, **req)


@pytest.mark.parametrize("kind", ["POLICE_FORCE", "PARTNER_ISA"])
def test_sample_map_and_link_chart_pass_the_gate(
    sample_map: Any, sample_chart: Any, request_for: Any, kind: str
) -> None:
    for product in (sample_map, sample_chart):
        rec = _send(product, request_for(kind))
        assert isinstance(rec, dm.DisseminationRecord)
        doc = rec.path.read_text(encoding="utf-8")
        report = inspect_html(doc)
        assert report.problems == []
        assert report.assets >= 1 and report.bootstraps + report.data_blocks >= 1
        # the marking top and bottom, and a CSP that lets only the recognised scripts run
        assert doc.count('class="marking top"') == 1 and doc.count('class="marking bottom"') == 1
        assert doc.index('class="marking top"') < doc.index('class="marking bottom"')
        assert "Content-Security-Policy" in doc and "'sha256-" in doc
        assert "unsafe-inline'; img-src" in doc and "script-src 'unsafe-inline'" not in doc


def test_link_chart_payload_is_sanitised_as_data(sample_chart: Any, request_for: Any) -> None:
    phones = [lab for lab in sample_chart.nodes["label"] if str(lab).startswith("07")]
    assert phones, "the sample group has phones"
    dry = dm.disseminate(sample_chart, dry_run=True, **request_for("PARTNER_ISA"))
    red = dry.redactions.set_index("kind")["count"]
    assert red.get("PHONE", 0) >= len(phones)
    rec = _send(sample_chart, request_for("PARTNER_ISA"))
    text = rec.path.read_text(encoding="utf-8")
    for p in phones:
        assert p not in text and p.replace(" ", "") not in text
    # the chart's data still parses and keeps its shape (one label per node)
    data = inspect_html(text)
    assert data.data_blocks == 1
    labels = [x for x in data.leaves if "[PHONE]" in x]
    assert len(labels) >= len(phones)


def test_points_never_go_to_the_public_in_a_map(sample_map: Any, request_for: Any) -> None:
    dry = dm.disseminate(sample_map, dry_run=True, **request_for("PUBLIC"))
    assert any("individual points" in p for p in dry.problems.get("sanitisation", []))


def _inject(doc: str, where: str, what: str) -> str:
    i = doc.index(where) + len(where)
    return doc[:i] + what + doc[i:]


HOSTILE = {
    "script": ("<body>", "<script>window.__pwned=1</script>", "neither a workbench asset"),
    "onerror": ("<body>", '<img src="x" onerror="window.__pwned=2">', "event-handler"),
    "javascript": ("<body>", '<a href="javascript:alert(3)">x</a>', "javascript: URL"),
    "remote image": ("<body>", '<img src="https://example.org/p.png">', "outside the file"),
    "remote script": ("<head>", '<script src="https://example.org/x.js"></script>',
                      "outside the file"),
    "css import": ("<head>", "<style>@import url(https://example.org/a.css);</style>",
                   "@import"),
    "svg onload": ("<body>", '<svg onload="alert(4)"></svg>', "event-handler"),
    "iframe": ("<body>", "<iframe srcdoc=\"<script>alert(5)</script>\"></iframe>",
               "in an iframe"),
    "meta refresh": ("<head>", '<meta http-equiv="refresh" content="0;url=https://e.org">',
                     "outside the file"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_injected_active_content_is_refused(
    name: str, sample_map: Any, sample_chart: Any, request_for: Any
) -> None:
    where, what, why = HOSTILE[name]
    for product in (sample_map, sample_chart):
        page = _inject(product.html, where, what)
        with pytest.raises(DisseminationRefused, match="sanitisation") as err:
            dm.disseminate(dm.Product(page, title="Map"), **request_for())
        assert why in str(err.value)
        assert not list(request_for()["path"].iterdir())


def test_a_changed_asset_or_a_bootstrap_that_runs_code_is_refused(sample_map: Any) -> None:
    doc = sample_map.html
    leaflet_end = doc.index("</script>")
    changed = doc[:leaflet_end] + ";window.__pwned=6" + doc[leaflet_end:]
    assert any("neither a workbench asset" in p for p in inspect_html(changed).problems)
    for code in ("alert(1);", "var x = window.open;", 'L["constructor"]("x");',
                 "L.map.onclick = null;", "IB.points(x, function () {});"):
        bad = _inject(doc, "<body>", f"<script>{code}</script>")
        assert inspect_html(bad).problems, code


def test_hostile_layer_names_in_the_bootstrap_are_refused() -> None:
    areas = gpd.read_file(DATA / "areas.gpkg", layer="areas").head(20)
    for payload in ("<img src=x onerror=alert(1)>", "<a href='javascript:alert(2)'>x</a>"):
        page = ib.geo.map(areas=areas, title="Areas").html
        # what a map would hold had a layer name reached Leaflet unescaped
        hostile = page.replace('"Areas"', json.dumps(payload).replace("/", "\\/"), 1)
        assert hostile != page, "the map holds its layer name as a literal to replace"
        problems = inspect_html(hostile).problems
        assert any("in a script string" in p for p in problems), problems


def test_every_asset_file_is_on_the_allow_list() -> None:
    files = asset_files()
    assert any(p.name == "linkchart.js" for p in files)
    for p in files:
        body = p.read_text(encoding="utf-8")
        assert is_asset(body) and is_asset(f"\n{body}\n")
        assert not is_asset(body + ";")
    assert digest("alert(1)") not in asset_hashes()


def test_a_new_asset_file_is_recognised_without_edits(tmp_path: Path, monkeypatch: Any) -> None:
    from intelbench.gate import assets

    folder = tmp_path / "intelbench" / "timeline" / "_timeline_assets"
    folder.mkdir(parents=True)
    (folder / "timeline.js").write_text("window.IBT = {draw: function () {}};\n")
    monkeypatch.setattr(assets, "_PACKAGE", tmp_path / "intelbench")
    assets.asset_hashes.cache_clear()
    try:
        assert is_asset("window.IBT = {draw: function () {}};")
        page = "<html><body><script>window.IBT = {draw: function () {}};</script></body></html>"
        assert inspect_html(page).problems == []
    finally:
        assets.asset_hashes.cache_clear()
