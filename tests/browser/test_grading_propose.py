"""The Voilà grading app in Chromium: an analyst proposes a re-grade, a supervisor accepts it.

Two Voilà servers on one workspace folder, one run as an ANALYST and one as a SUPERVISOR
(identity from ``INTELBENCH_ANALYST``/``INTELBENCH_ROLE``, as the app would get it from a
user's configuration). The analyst opens a submitted grade, changes it, is told why the role
may not re-grade and what it may do instead, and proposes; the supervisor opens the same
report, sees the pending proposal and accepts it. Both steps are in the audit, with who and
which role.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from intelbench.grading.reports import import_reports
from tests._identity import open_as
from tests.browser._servers import VoilaServer, start_voila, stop_group

pytestmark = pytest.mark.browser

LOAD = 180_000
LOG = pd.DataFrame({
    "urn": ["IR-2026-000901", "IR-2026-000902"], "source_eval": ["2", None],
    "intel_assess": ["B", None], "handling": ["P", None],
    "status": ["EVALUATED", "DRAFT"], "classification": ["OFFICIAL"] * 2,
    "sanitised_text": ["SUBJECT 1 seen at [ADDRESS]", "SUBJECT 2 seen at [ADDRESS]"],
})
URN = "IR-2026-000901"


@pytest.fixture
def config(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Key, anchors and workspace shared by the test and both servers."""
    env = {"INTELBENCH_CONFIG_DIR": str(tmp_path / "cfg"),
           "INTELBENCH_ANCHOR_DIR": str(tmp_path / "anchors"),
           "INTELBENCH_WORKSPACE": str(tmp_path / "workspace")}
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    for name in ("INTELBENCH_AUDIT_KEY", "INTELBENCH_ANALYST", "INTELBENCH_ROLE"):
        monkeypatch.delenv(name, raising=False)
    return env


@pytest.fixture
def servers(tmp_path: Path, config: dict[str, str]) -> Iterator[dict[str, VoilaServer]]:
    """A submitted grade in the workspace; an ANALYST's and a SUPERVISOR's Voilà servers."""
    with open_as("i.unit", config["INTELBENCH_WORKSPACE"], role="INTEL_UNIT") as ws:
        import_reports(ws, LOG)
    base = {**os.environ, **config}
    started: dict[str, VoilaServer] = {}
    try:
        for name, analyst, role in (("analyst", "a.analyst", "ANALYST"),
                                    ("supervisor", "s.super", "SUPERVISOR")):
            started[name] = start_voila(tmp_path / name, {**base, "INTELBENCH_ANALYST": analyst,
                                                          "INTELBENCH_ROLE": role})
        yield started
    finally:
        for server in started.values():
            stop_group(server.process)


def _open(page: Any, server: VoilaServer) -> Any:
    page.goto(server.url("grading"), timeout=LOAD)
    picker = page.locator(".ib-report-picker select")
    picker.wait_for(state="visible", timeout=LOAD)
    label = picker.locator("option", has_text=URN).first.inner_text()
    picker.select_option(label=label)
    page.locator(".ib-grading-header", has_text=URN).wait_for(timeout=60_000)
    return picker


def test_analyst_proposes_a_regrade_and_a_supervisor_accepts_it(
    servers: dict[str, VoilaServer], guarded_page: Any, blocked_requests: list[str],
    page_errors: list[str],
) -> None:
    page = guarded_page
    # --- the analyst: a submitted grade, a change, the refusal with its reason, the proposal
    _open(page, servers["analyst"])
    assert "a.analyst" in page.locator(".ib-whoami").first.inner_text()
    assert "ANALYST" in page.locator(".ib-whoami").first.inner_text()
    page.locator(".ib-grading-source").get_by_text("1 – Reliable").click()
    status = page.locator(".ib-grading-status")
    status.get_by_text("a.analyst has role ANALYST").wait_for(timeout=30_000)
    refusal = status.inner_text()
    assert "needs INTEL_UNIT or SUPERVISOR" in refusal
    assert "propose this re-grade for a supervisor" in refusal
    page.locator(".ib-grading-reason input").fill("Source tested on Op Larch (RA-12)")
    propose = page.get_by_role("button", name="Propose re-grade")
    propose.wait_for(state="visible", timeout=30_000)
    propose.click()
    status.get_by_text(f"Proposed [1BP] for {URN} as {URN}.P1").wait_for(timeout=30_000)
    page.locator(".ib-proposal-panel", has_text=f"{URN}.P1").wait_for(timeout=30_000)
    assert page.get_by_role("button", name="Accept re-grade").count() == 0  # not for analysts
    with open_as("i.unit", servers["analyst"].workspace, role="INTEL_UNIT") as ws:
        assert ws.get("report", URN)["source_eval"] == "2"  # nothing re-graded yet

    # --- the supervisor: sees the pending proposal and accepts it with a reason
    _open(page, servers["supervisor"])
    assert "SUPERVISOR" in page.locator(".ib-whoami").first.inner_text()
    panel = page.locator(".ib-proposal-panel")
    panel.get_by_text("proposed by a.analyst").wait_for(timeout=30_000)
    assert "Source tested on Op Larch" in panel.inner_text()
    panel.locator(".ib-proposal-reason input").fill("Test record RA-12 seen")
    page.get_by_role("button", name="Accept re-grade").click()
    panel.get_by_text(f"{URN}.P1 accepted").wait_for(timeout=30_000)
    page.locator(".ib-report-picker option", has_text=f"{URN} · ").filter(
        has_text="[1BP]").wait_for(state="attached", timeout=30_000)

    # --- both steps in the audit, with who and which role; the chain verifies
    with open_as("i.unit", servers["analyst"].workspace, role="INTEL_UNIT") as ws:
        assert ws.get("report", URN)["source_eval"] == "1"
        audit = ws.audit.entries()
        steps = audit[audit["record_ref"].str.startswith(f"regrade_proposal/{URN}.P1")
                      & audit["action"].isin(["COLLECT", "ALTER"])]
        assert [(a, r, act, d["event"]) for a, r, act, d in zip(
            steps["analyst"], steps["role"], steps["action"], steps["detail"], strict=True)] == [
            ("a.analyst", "ANALYST", "COLLECT", "regrade_proposed"),
            ("s.super", "SUPERVISOR", "ALTER", "regrade_accepted")]
        assert ws.audit.verify()
    assert page_errors == []
    assert blocked_requests == [], f"non-local requests attempted: {blocked_requests}"
