"""Exported HTML products: script payloads in the data never run; the marking is shown."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from intelbench import gate as dm
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
    out.mkdir()
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


def test_injected_map_html_keeps_working_and_shows_the_marking(
    tmp_path: Path, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    page = ("<!DOCTYPE html><html><head><title>Map</title></head><body>"
            "<div id='map'>map</div><script>document.getElementById('map').dataset.ok='1'"
            "</script></body></html>")
    path = _export(tmp_path, dm.Product(page, title="Hotspot map"))
    guarded_page.goto(path.as_uri())
    assert guarded_page.evaluate("() => document.getElementById('map').dataset.ok") == "1"
    assert guarded_page.locator(".marking.top").inner_text().startswith("OFFICIAL | DIS-")
    assert guarded_page.locator(".marking.bottom").is_visible()
    assert page_errors == [] and blocked_requests == []
