"""Each HTML profile opens offline in Chromium: maps and charts render, the marking shows."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from intelbench.demo.profiles import (
    build_problem_profile,
    build_subject_profile,
    disseminate_profile,
)
from tests._identity import open_as

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def pages(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("profile_html")
    ws = open_as("A. Analyst", base / "ws", role="ANALYST")
    out = base / "out"
    out.mkdir()
    shared: dict[str, Any] = {}
    today = dt.date(2026, 11, 24)
    found: dict[str, Any] = {}
    for key, build in (("problem", build_problem_profile), ("subject", build_subject_profile)):
        prof = build(samples, ws, shared=shared, today=today)
        ready = prof.submit_for_review().review("DI Peer Reviewer", role="SUPERVISOR")
        found[key, "gate"] = disseminate_profile(ready, ws, out, "html").path
        review = base / f"{key}_review.html"
        review.write_text(ready.to_html(), encoding="utf-8")
        found[key, "review"] = review
        found[key, "profile"] = ready
    yield found


def _visible_marking(page: Any, text: str) -> None:
    banners = page.locator(".marking, .ib-marking")
    assert banners.count() >= 2
    assert banners.first.is_visible() and text in banners.first.inner_text()
    assert banners.last.is_visible() and text in banners.last.inner_text()


def _images_loaded(page: Any) -> list[int]:
    page.wait_for_load_state("load")
    widths: list[int] = page.eval_on_selector_all(
        "img", "imgs => imgs.map(i => i.complete ? i.naturalWidth : 0)")
    return widths


@pytest.mark.parametrize("key", ["problem", "subject"])
def test_disseminated_html_renders_offline(pages: dict[str, Any], key: str, guarded_page: Any,
                                           blocked_requests: list[str],
                                           page_errors: list[str]) -> None:
    guarded_page.goto(pages[key, "gate"].as_uri())
    widths = _images_loaded(guarded_page)
    assert len(widths) == len(pages[key, "profile"].figures)
    assert all(w > 0 for w in widths), widths
    _visible_marking(guarded_page, "OFFICIAL")
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


@pytest.mark.parametrize("key", ["problem", "subject"])
def test_review_copy_maps_and_charts_render(pages: dict[str, Any], key: str, guarded_page: Any,
                                            blocked_requests: list[str],
                                            page_errors: list[str]) -> None:
    prof = pages[key, "profile"]
    guarded_page.goto(pages[key, "review"].as_uri())
    widths = _images_loaded(guarded_page)
    # every figure has its static picture (print layouts for maps); live ones follow it
    assert len(widths) == len(prof.figures) and all(w > 0 for w in widths), widths
    frames = guarded_page.locator("iframe.ib-embed")
    live = [f for f in prof.figures if f.kind in ("map", "link_chart", "timeline")]
    assert frames.count() == len(live)
    for i, f in enumerate(live):
        frames.nth(i).scroll_into_view_if_needed()
        inner = guarded_page.frame_locator("iframe.ib-embed").nth(i)
        target = inner.locator(".leaflet-container" if f.kind == "map" else "canvas").first
        target.wait_for(state="attached", timeout=30_000)
        box = target.bounding_box()
        assert box is not None and box["width"] > 0 and box["height"] > 0
    _visible_marking(guarded_page, prof.default_marking())
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"
