"""The Voilà grading app in Chromium: grade, save, reload and see it; C without conditions."""

from __future__ import annotations

from typing import Any

import pytest

from intelbench.store.workspace import Workspace
from tests._identity import open_as
from tests.browser.conftest import VoilaServer

pytestmark = pytest.mark.browser

LOAD = 180_000  # first load imports the reports awaiting evaluation


def open_app(page: Any, voila: VoilaServer) -> Any:
    page.goto(voila.url("grading"), timeout=LOAD)
    picker = page.locator(".ib-report-picker select")
    picker.wait_for(state="visible", timeout=LOAD)
    return picker


def pick(page: Any, picker: Any, urn: str) -> None:
    label = picker.locator("option", has_text=urn).first.inner_text()
    picker.select_option(label=label)
    page.locator(".ib-grading-header", has_text=urn).wait_for(timeout=60_000)


def workspace(voila: VoilaServer) -> Workspace:
    return open_as("Browser Test", voila.workspace, role="INTEL_UNIT")


def writes(ws: Workspace) -> int:
    """Audit entries other than consultations (opening a report is itself logged)."""
    return int((ws.audit.entries()["action"] != "CONSULT").sum())


def drafts(ws: Workspace) -> list[str]:
    return [k for k in sorted(ws.keys("report")) if ws.get("report", k).get("status") == "DRAFT"]


def test_grade_save_reload_and_see_the_saved_grade(
    voila: VoilaServer, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    page = guarded_page
    picker = open_app(page, voila)
    ws = workspace(voila)
    urn = drafts(ws)[0]
    before = ws.history("report", urn)
    pick(page, picker, urn)
    for group, label in (("source", "1 – Reliable"), ("assessment", "A – Known directly"),
                         ("handling", "P – Lawful sharing permitted")):
        page.locator(f".ib-grading-{group}").get_by_text(label).click()
    status = page.locator(".ib-grading-status")
    status.get_by_text("Ready to save").wait_for(timeout=30_000)
    page.get_by_role("button", name="Save grade").click()
    status.get_by_text(f"Saved [1AP] to {urn}").wait_for(timeout=30_000)
    # the list changes at once, and the app says who is grading with which role
    page.locator(".ib-report-picker option", has_text=f"{urn} · ").filter(
        has_text="[1AP]").wait_for(state="attached", timeout=30_000)
    assert "Browser Test" in page.locator(".ib-whoami").first.inner_text()
    assert "INTEL_UNIT" in page.locator(".ib-whoami").first.inner_text()
    doc = ws.get("report", urn)
    assert (doc["source_eval"], doc["intel_assess"], doc["handling"]) == ("1", "A", "P")
    assert len(ws.history("report", urn)) == len(before) + 1

    page.reload(timeout=LOAD)
    picker = page.locator(".ib-report-picker select")
    picker.wait_for(state="visible", timeout=LOAD)
    pick(page, picker, urn)
    page.locator(".ib-current-grade", has_text="[1AP]").wait_for(timeout=30_000)
    assert page.locator(".ib-grading-source input[type=radio]").nth(0).is_checked()
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"


def test_c_without_conditions_shows_the_message_and_saves_nothing(
    voila: VoilaServer, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    page = guarded_page
    picker = open_app(page, voila)
    ws = workspace(voila)
    urn = drafts(ws)[-1]
    before_doc = ws.get("report", urn)
    before_revisions = len(ws.history("report", urn))
    before_writes = writes(ws)
    pick(page, picker, urn)
    for group, label in (("source", "2 – Untested"), ("assessment", "B – Known indirectly but"),
                         ("handling", "C – Lawful sharing permitted with conditions")):
        page.locator(f".ib-grading-{group}").get_by_text(label).click()
    page.locator(".ib-grading-conditions textarea").fill("")
    page.locator(".ib-grading-risk input").fill("RA-2026-0042")
    status = page.locator(".ib-grading-status")
    message = "handling code C requires handling conditions"
    status.get_by_text(message).wait_for(timeout=30_000)
    page.get_by_role("button", name="Save grade").click()
    page.wait_for_timeout(1500)
    assert message in status.inner_text()
    assert "Saved" not in status.inner_text()
    # nothing was saved: the workspace file still holds the old revision, no new audit entry
    assert len(ws.history("report", urn)) == before_revisions
    assert ws.get("report", urn) == before_doc
    assert writes(ws) == before_writes
    # what was typed survives a reload (the form's draft)
    page.reload(timeout=LOAD)
    picker = page.locator(".ib-report-picker select")
    picker.wait_for(state="visible", timeout=LOAD)
    pick(page, picker, urn)
    page.locator(".ib-grading-risk input").first.wait_for(timeout=30_000)
    from playwright.sync_api import expect

    expect(page.locator(".ib-grading-risk input")).to_have_value("RA-2026-0042", timeout=30_000)
    assert page.locator(".ib-grading-handling input[type=radio]").nth(1).is_checked()
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"
