"""`make forms`: the home page lists every app with what it is for, and nothing goes online."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from intelbench.forms._voila_template import app_descriptions
from tests.browser.conftest import VoilaServer

pytestmark = pytest.mark.browser

WIDGETS = Path(__file__).resolve().parents[2] / "widgets"


def test_home_page_lists_every_app_with_its_sentence_offline(
    voila: VoilaServer, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    guarded_page.goto(voila.base + "/", timeout=120_000)
    guarded_page.get_by_role("heading", name="intelbench forms").wait_for(timeout=60_000)
    described = app_descriptions(WIDGETS)
    assert set(described) == {p.stem for p in WIDGETS.glob("*.ipynb")}
    for stem, app in described.items():
        link = guarded_page.get_by_role("link", name=app["title"])
        assert link.get_attribute("href").endswith(f"/voila/render/{stem}.ipynb")
        assert app["summary"] and guarded_page.get_by_text(app["summary"]).is_visible()
    guarded_page.wait_for_load_state("networkidle")
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


@pytest.mark.parametrize("app", sorted(p.stem for p in WIDGETS.glob("*.ipynb")))
def test_every_app_opens_with_no_outside_request(
    voila: VoilaServer, guarded_page: Any, blocked_requests: list[str], app: str
) -> None:
    guarded_page.goto(voila.url(app), timeout=120_000)
    guarded_page.wait_for_selector(".jp-OutputArea-output, .widget-box, .lm-Widget",
                                   timeout=120_000)
    guarded_page.wait_for_load_state("networkidle", timeout=120_000)
    assert blocked_requests == [], f"{app}: non-local requests attempted: {blocked_requests}"
