"""Exported HTML products: script payloads in the data never run; the marking is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
from tests.gate._support import make_workspace

pytestmark = pytest.mark.browser

PAYLOADS = [
    "<script>window.__pwned=1</script>",
    '<img src=x onerror="window.__pwned=2">',
    '"><svg onload="window.__pwned=3">',
    "<iframe srcdoc=\"<script>parent.__pwned=4</script>\"></iframe>",
    "javascript:window.__pwned=5",
]


def _export(tmp_path: Path, product: Any, fmt: str = "html") -> Path:
    ws = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir(parents=True)
    req = dict(
        to=dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE"),
        purpose="Browser test", basis="Prevent offences",
        necessity="Necessary and proportionate for the browser test",
        path=out, fmt=fmt, ws=ws,
    )
    # as an analyst does: read the dry run's flagged values, then release them
    dry = dm.disseminate(product, dry_run=True, **req)
    flagged = list(dry.flagged["id"]) if len(dry.flagged) else []
    rec = dm.disseminate(product, release=dry.release(*flagged) if flagged else None, **req)
    assert isinstance(rec, dm.DisseminationRecord)
    return rec.path


def test_script_payloads_in_a_table_do_not_execute(
    tmp_path: Path, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    df = pd.DataFrame({"offence": PAYLOADS, "sanitised_text": PAYLOADS[::-1]})
    path = _export(tmp_path, df)
    guarded_page.goto(path.as_uri())
    guarded_page.wait_for_load_state("load")
    assert guarded_page.evaluate("() => window.__pwned === undefined")
    assert guarded_page.evaluate("() => document.querySelectorAll('script, img, svg, "
                                 "iframe').length") == 0
    # the payloads are shown as text, exactly
    cells = guarded_page.locator("td").all_inner_texts()
    for p in PAYLOADS:
        assert p in cells
    banners = guarded_page.locator(".marking").all_inner_texts()
    assert len(banners) == 2 and all(b.startswith("OFFICIAL | DIS-") for b in banners)
    assert page_errors == []
    assert blocked_requests == []


def test_marking_is_on_every_printed_page(tmp_path: Path, guarded_page: Any) -> None:
    df = pd.DataFrame({"offence": [f"Burglary {i}" for i in range(400)]})
    path = _export(tmp_path, df)
    guarded_page.goto(path.as_uri())
    guarded_page.emulate_media(media="print")
    pos = guarded_page.evaluate(
        "() => [...document.querySelectorAll('.marking')].map(e => getComputedStyle(e).position)"
    )
    assert pos == ["fixed", "fixed"]  # fixed elements repeat on every printed page
    pdf = guarded_page.pdf()
    assert pdf.count(b"/Type /Page") - pdf.count(b"/Type /Pages") > 1


def test_interactive_map_and_chart_through_the_gate_work_and_show_the_marking(
    tmp_path: Path, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    import geopandas as gpd
    import networkx as nx

    import intelbench as ib
    from intelbench.network.charts import link_chart

    data = Path(__file__).resolve().parents[2] / "data_samples"
    areas = gpd.read_file(data / "areas.gpkg", layer="areas").head(40)
    page = ib.geo.map(areas=areas, value="residents", title="Residents")
    path = _export(tmp_path / "map", page)
    guarded_page.goto(path.as_uri())
    guarded_page.wait_for_load_state("load")
    # Leaflet (a recognised asset) ran under the CSP and drew every area
    assert guarded_page.evaluate("() => typeof L") == "object"
    assert guarded_page.locator(".leaflet-container").count() == 1
    assert guarded_page.locator(".marking.top").inner_text().startswith("OFFICIAL | DIS-")
    assert guarded_page.locator(".marking.bottom").is_visible()
    G = nx.Graph([("P-1", "P-2")])
    chart = link_chart(G, seed=1, title="Two people")
    path = _export(tmp_path / "chart", chart)
    guarded_page.goto(path.as_uri())
    guarded_page.wait_for_load_state("load")
    assert guarded_page.evaluate("() => typeof intelbenchChart") == "object"
    assert guarded_page.locator(".marking.top").count() == 1
    assert guarded_page.locator(".marking.bottom").count() == 1
    assert page_errors == [] and blocked_requests == []


def test_injected_script_or_handler_is_refused(tmp_path: Path) -> None:
    page = ("<!DOCTYPE html><html><head><title>Map</title></head><body>"
            "<div id='map'>map</div>{}</body></html>")
    for bad in ("<script>document.getElementById('map').dataset.ok='1'</script>",
                "<img src=x onerror=\"window.__pwned=1\">"):
        with pytest.raises(DisseminationRefused, match="sanitisation"):
            _export(tmp_path / str(len(bad)), dm.Product(page.format(bad), title="Map"))
