"""The sample force's interactive profiles, through the gate, open in Chromium.

The problem profile goes to the police tasking meeting and to the community safety partnership
(an ISA), the subject profile to the police, each as ``profile.interactive()`` through
``ib.disseminate`` the way the demo sends it. In Chromium every live page (map, link chart,
timeline) draws inside the profile, shows the dissemination banner at its top and bottom, and
nothing fails or asks for anything outside the file.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

import intelbench as ib
from intelbench.demo.profiles import (
    build_problem_profile,
    build_subject_profile,
    disseminate_profile,
    partner_request,
)
from tests._identity import open_as

pytestmark = pytest.mark.browser

_TARGET = {"ib-map": ".leaflet-container", "ib-link-chart": "canvas", "ib-timeline": "canvas"}


@pytest.fixture(scope="module")
def sent(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("profile_live")
    ws = open_as("A. Analyst", base / "ws", role="ANALYST")
    shared: dict[str, Any] = {}
    today = dt.date(2026, 11, 24)
    found: dict[str, Any] = {"ws": ws}
    for key, build in (("problem", build_problem_profile), ("subject", build_subject_profile)):
        prof = build(samples, ws, shared=shared, today=today)
        ready = prof.submit_for_review().review("DI Peer Reviewer", role="SUPERVISOR")
        found[key] = ready
        found[key, "police"] = disseminate_profile(ready.interactive(), ws, base / "police",
                                                   "html", show=lambda line: None)
        if key == "problem":
            found[key, "partner"] = disseminate_profile(
                ready.interactive(), ws, base / "partner", "html", show=lambda line: None,
                **partner_request())
    yield found


@pytest.mark.parametrize(("key", "who"), [("problem", "police"), ("problem", "partner"),
                                          ("subject", "police")])
def test_interactive_profile_draws_every_live_page_marked(
        sent: dict[str, Any], key: str, who: str, guarded_page: Any,
        blocked_requests: list[str], page_errors: list[str]) -> None:
    rec = sent[key, who]
    prof = sent[key]
    live = [f for f in prof.figures if f.kind in ("map", "link_chart", "timeline")]
    assert rec.doc["product_kind"] == "document"
    banner = f"{rec.doc['classification']} | {rec.ref} | Handling {rec.doc['handling']}"
    guarded_page.goto(rec.path.as_uri())
    guarded_page.wait_for_load_state("load")
    widths = guarded_page.eval_on_selector_all(
        "body > main img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    assert len(widths) == len(prof.figures) and all(w > 0 for w in widths)
    frames = guarded_page.locator("iframe.ib-live")
    assert frames.count() == len(live)
    for i, f in enumerate(live):
        frames.nth(i).scroll_into_view_if_needed()
        inner = guarded_page.frame_locator("iframe.ib-live").nth(i)
        css = _TARGET["ib-" + f.kind.replace("_", "-")]
        target = inner.locator(css).first
        target.wait_for(state="attached", timeout=30_000)
        box = target.bounding_box()
        assert box is not None and box["width"] > 100 and box["height"] > 100, f.title
        marks = inner.locator(".marking")
        assert marks.count() == 2
        assert banner in marks.first.inner_text() and banner in marks.last.inner_text()
        own = inner.locator(".ib-marking").all_inner_texts()  # the page's own banners
        assert all("not for dissemination" not in t for t in own)
    top = guarded_page.locator("body > .marking")
    assert top.count() == 2 and banner in top.first.inner_text()
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


def test_register_records_the_interactive_disclosures(sent: dict[str, Any]) -> None:
    reg = ib.gate.register(sent["ws"])
    assert list(reg["product_kind"]) == ["document"] * 3
    assert sorted(reg["recipient_kind"]) == ["PARTNER_ISA", "POLICE_FORCE", "POLICE_FORCE"]
