"""Smoke test: a Voilà page renders its widgets with no request leaving the machine."""

from __future__ import annotations

from typing import Any

import pytest

from tests.browser.conftest import VoilaServer, is_local_url

pytestmark = pytest.mark.browser


def test_is_local_url() -> None:
    assert is_local_url("http://127.0.0.1:8866/voila/render/x.ipynb")
    assert is_local_url("data:image/png;base64,AAAA")
    assert not is_local_url("https://cdn.jsdelivr.net/npm/leaflet.js")
    assert not is_local_url("http://127.0.0.1.example.com/")


def test_voila_index_page_renders_offline(
    voila: VoilaServer,
    guarded_page: Any,
    blocked_requests: list[str],
    page_errors: list[str],
) -> None:
    guarded_page.goto(voila.url("index"), timeout=120_000)
    button = guarded_page.get_by_role("button", name="Check")
    button.wait_for(state="visible", timeout=120_000)
    assert guarded_page.get_by_text("intelbench 0.1.0").is_visible()
    button.click()
    guarded_page.get_by_text("ok: ").wait_for(timeout=30_000)
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


def test_blocking_is_enforced(guarded_page: Any, blocked_requests: list[str]) -> None:
    """The guard works: an outside script is blocked and counted."""
    guarded_page.set_content(
        '<html><body><p id="x">hi</p>'
        '<script src="https://cdn.example.invalid/lib.js"></script></body></html>'
    )
    guarded_page.wait_for_timeout(300)
    assert blocked_requests == ["https://cdn.example.invalid/lib.js"]
