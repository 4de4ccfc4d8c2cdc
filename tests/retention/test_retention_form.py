"""The MoPI review form without a browser: plain methods and button clicks."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from intelbench.forms.retention import ReviewForm
from intelbench.retention import register, register_frame
from intelbench.store.workspace import Workspace
from tests._identity import open_as

AS_OF = "2026-11-30"


def _ws(tmp_path: Path, role: str = "INTEL_UNIT") -> Workspace:
    ws = open_as("i.unit", tmp_path / "ws", role=role)
    if not ws.keys("report"):
        for key in ("IR-1", "IR-2", "IR-3"):
            ws.put("report", key, {"text": "..."}, action="COLLECT")
        register(ws, pd.DataFrame({
            "key": ["IR-1", "IR-2", "IR-3"], "record_type": ["intelligence", "MAPPA", "x"],
            "offence": ["theft", "theft", "burglary"],
            "created_at": ["2015-01-01", "2014-06-01", "2025-01-01"],
            "subject_dob": ["1990-01-01", "1950-01-01", ""]}))
    return ws


def test_queue_shows_due_and_overdue_with_what_is_known(tmp_path: Path) -> None:
    form = ReviewForm(_ws(tmp_path), as_of=AS_OF)
    assert [v for _, v in form.picker.options] == [None, "report/IR-1", "report/IR-2"]
    form.picker.value = "report/IR-2"
    assert "certain public protection" in form.known.value
    assert "Disposal not allowed" in form.known.value and "2050-01-01" in form.known.value
    assert form.next_review.value == pd.Timestamp("2036-11-30").date()


def test_decisions_through_the_buttons_are_audited_and_errors_shown(tmp_path: Path) -> None:
    ws = _ws(tmp_path)
    form = ReviewForm(ws, as_of=AS_OF)
    form.decide_button.click()
    assert "choose a record" in form.status.value
    form.picker.value = "report/IR-2"
    form.decision.value = "DISPOSE"
    form.reason.value = "No longer necessary"
    form.decide_button.click()  # Group 1, subject under 100: refused and shown
    assert "kept until the subject is 100" in form.status.value
    assert ws.exists("report", "IR-2")
    form.picker.value = "report/IR-1"
    form.decision.value = "DISPOSE"
    form.reason.value = "No longer necessary"
    form.decide_button.click()
    assert "Recorded DISPOSE for report/IR-1" in form.status.value
    assert not ws.exists("report", "IR-1")
    assert [v for _, v in form.picker.options] == [None, "report/IR-2"]
    form.picker.value = "report/IR-2"
    form.trigger_what.value = "IR-2026-000900 new sighting"
    form.trigger_button.click()
    assert "next review 2036-11-30" in form.status.value
    assert register_frame(ws).set_index("ref").loc["report/IR-2", "triggers"] == 1


def test_an_analyst_sees_why_they_may_not_decide(tmp_path: Path) -> None:
    _ws(tmp_path).close()
    form = ReviewForm(_ws(tmp_path, role="ANALYST"), as_of=AS_OF)
    assert form.decide_button.disabled
    assert "needs INTEL_UNIT or SUPERVISOR" in form.status.value
    assert "record new information" in form.status.value
