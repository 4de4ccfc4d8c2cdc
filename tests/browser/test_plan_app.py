"""The collection plan Voilà app, driven in Debian Chromium with every outside request blocked."""

from __future__ import annotations

from typing import Any

import pytest
from playwright.sync_api import expect

from tests._identity import open_as
from tests.browser.conftest import VoilaServer

pytestmark = pytest.mark.browser

T = 60_000  # ms: the kernel round trip on a busy two-core machine


def _type(page: Any, cls: str, value: str, tag: str = "input") -> None:
    box = page.locator(f".{cls} {tag}").first
    box.fill(value)
    box.press("Tab")  # text widgets sync on change (blur), not on every key


def _choose(page: Any, cls: str, label: str) -> None:
    page.locator(f".{cls} select").select_option(label=label)


def _status(page: Any) -> Any:
    return page.locator(".ib-status")


def _add_question(page: Any, n: int, text: str) -> None:
    page.locator(".ib-add-question").click()
    # the status area is the last thing the kernel updates: once it names the new question,
    # the emptied editor has arrived and typing cannot race with it
    expect(_status(page)).to_contain_text(f"editing question {n} of {n} (Q{n})", timeout=T)
    expect(page.locator(".ib-question-list select option")).to_have_count(n, timeout=T)
    _type(page, "ib-q-text", text, "textarea")
    _choose(page, "ib-q-priority", "high")
    _type(page, "ib-q-gap", "No known storage location", "textarea")
    _type(page, "ib-q-tasked", "DC Patel")
    _type(page, "ib-q-deadline", "2030-06-30")
    _type(page, "ib-q-necessity", "Needed to locate the property", "textarea")
    _type(page, "ib-q-proportionality", "Overt sources first", "textarea")
    page.locator(".ib-src-ANPR input[type=checkbox]").check()
    _type(page, "ib-srcdiff-ANPR", "thin camera coverage")
    expect(page.locator(".ib-question-list select option").nth(n - 1)).to_contain_text(
        text[:20], timeout=T
    )


def _open(page: Any, voila: VoilaServer) -> None:
    page.goto(voila.url("collection_plan"), timeout=120_000)
    page.locator(".ib-plan-title input").wait_for(state="visible", timeout=120_000)
    expect(_status(page)).to_contain_text("Plan, Title: required", timeout=T)


def test_create_save_reload_review_and_refuse_chis_without_authority(
    voila: VoilaServer,
    guarded_page: Any,
    blocked_requests: list[str],
    page_errors: list[str],
) -> None:
    import intelbench as ib

    page = guarded_page
    _open(page, voila)
    plan_id = page.locator(".ib-plan-id input").input_value()
    assert plan_id.startswith("CP-")

    # create a plan with two questions
    _type(page, "ib-plan-title", "Burglary dwelling, north sector")
    _type(page, "ib-plan-owner", "DS Lee")
    _type(page, "ib-plan-control", "Acquisitive crime")
    _choose(page, "ib-plan-level", "tactical")
    _type(page, "ib-plan-requirement", "Identify the handlers of stolen goods", "textarea")
    _type(page, "ib-plan-tor", "Problem profile ToR 2026-01", "textarea")
    _add_question(page, 1, "Which addresses store the stolen goods?")
    _add_question(page, 2, "Which vehicles move the goods?")
    expect(_status(page)).to_contain_text("No rule breaches", timeout=T)

    # save: revision 1
    page.locator(".ib-save").click()
    expect(_status(page)).to_contain_text(f"Saved {plan_id} as revision 1", timeout=T)

    # reload the page (a new kernel): the saved plan comes back
    page.reload(timeout=120_000)
    page.locator(".ib-plan-title input").wait_for(state="visible", timeout=120_000)
    expect(page.locator(".ib-plan-title input")).to_have_value(
        "Burglary dwelling, north sector", timeout=T
    )
    expect(page.locator(".ib-question-list select option")).to_have_count(2, timeout=T)

    # add a review: revision 2, shown in the history
    _type(page, "ib-reviewer", "DI Shaw")
    _type(page, "ib-review-outcome", "continue")
    page.locator(".ib-review").click()
    expect(_status(page)).to_contain_text("Review recorded as revision 2", timeout=T)
    history = page.locator(".ib-history table tr")
    expect(history).to_have_count(3, timeout=T)  # header + two revisions
    expect(page.locator(".ib-history")).to_contain_text("Browser Test")

    # a CHIS source with no authority: the message shows and nothing is saved
    _add_question(page, 3, "Who is the fence?")
    page.locator(".ib-src-CHIS input[type=checkbox]").check()
    _type(page, "ib-srcdiff-CHIS", "no source recruited")
    expect(_status(page)).to_contain_text("Question 3 (Q3), Authority: source CHIS", timeout=T)
    # a directed-surveillance authority does not cover a CHIS
    _choose(page, "ib-q-authority", "RIPA directed surveillance")
    _type(page, "ib-q-authority-ref", "AUTH-2026-0301")
    page.locator(".ib-save").click()
    near_save = page.locator(".ib-status-save")
    expect(near_save).to_contain_text("Not saved", timeout=T)  # beside the button pressed
    expect(near_save).to_contain_text("needs a CHIS authorisation", timeout=T)
    expect(page.locator(".ib-q-authority.ib-invalid")).to_be_visible(timeout=T)
    expect(history).to_have_count(3, timeout=T)

    ws = open_as("Browser Test", voila.workspace, role="ANALYST")
    revisions = ib.plans.plan_history(ws, plan_id)
    assert list(revisions["revision"]) == [1, 2]
    assert [q.id for q in ib.plans.load_plan(ws, plan_id).questions] == ["Q1", "Q2"]

    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"
