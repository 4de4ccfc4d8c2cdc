"""The grading form without a browser: logic called directly, callbacks checked via .click()."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import GradingError
from intelbench.forms.grading import GradingApp, GradingForm
from intelbench.grading.reports import grade_history, import_reports
from intelbench.store.workspace import Workspace
from tests._identity import open_as

LOG = pd.DataFrame({
    "urn": ["IR-1", "IR-2", "IR-3", "IR-4"],
    "scheme": ["3x5x2", "3x5x2", "5x5x5", "3x5x2"],
    "source_eval": [None, "2", None, "1"],
    "intel_assess": [None, "B", None, "A"],
    "handling": [None, "P", None, "P"],
    "legacy_grade": [None, None, "B24", None],
    "status": ["DRAFT", "SUBMITTED", "EVALUATED", "EVALUATED"],
    "classification": ["OFFICIAL"] * 4,
    "sanitised_text": ["[NAME] was seen at [ADDRESS].", None, "Sanitised 3", "Sanitised 4"],
    "original_text": ["Fred Bloggs was seen at 1 High St.", "Orig 2", "Orig 3", "Orig 4"],
})


def make_ws(tmp_path: Path, role: str = "ANALYST") -> Workspace:
    ws = open_as("A. Analyst", tmp_path / "ws", role=role)
    if not ws.keys("report"):
        import_reports(ws, LOG)
    return ws


def test_shows_sanitised_text_by_default_and_never_the_original(tmp_path: Path) -> None:
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1")
    assert "[NAME] was seen at [ADDRESS]." in form.text.value
    assert "Fred" not in form.text.value
    assert "not graded" in form.header.value


def test_original_only_with_justification_and_a_consult_entry(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-1")
    opened = len(ws.audit.entries("CONSULT"))  # opening the report is itself a consultation
    form.original_toggle.value = True  # no justification: refused, shown, toggle reset
    assert form.original_toggle.value is False
    assert "justification is required" in form.status.value
    assert "Fred" not in form.text.value
    assert len(ws.audit.entries("CONSULT")) == opened
    with pytest.raises(GradingError, match="justification"):
        form.show_original("  ")
    form.consult_reason.value = "Checking the sanitisation before dissemination"
    form.original_toggle.value = True
    assert "Fred Bloggs" in form.text.value
    consult = ws.audit.entries("CONSULT").iloc[opened:]
    assert len(consult) == 1
    assert consult.iloc[0]["justification"] == "Checking the sanitisation before dissemination"
    assert consult.iloc[0]["record_ref"] == "report/IR-1"
    form.original_toggle.value = False
    assert "Fred" not in form.text.value


def test_selectors_show_every_meaning(tmp_path: Path) -> None:
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1")
    labels = [label for label, _ in form.source.options]
    assert labels == ["1 – Reliable", "2 – Untested", "3 – Not reliable"]
    assert [v for _, v in form.assessment.options] == list("ABCDE")
    assert "E – Suspected to be false" in [label for label, _ in form.assessment.options]
    assert [label for label, _ in form.handling.options] == [
        "P – Lawful sharing permitted", "C – Lawful sharing permitted with conditions"]
    assert form.action_code.options[1][0].startswith("A1 – Combine or corroborate only")
    assert form.action_code.label == "none" and form.action_code.value is None


def test_policy_labels_reach_the_form(tmp_path: Path) -> None:
    policy = ib.GradingPolicy(labels={"source": {"3": "Unreliable"}})
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1", policy=policy)
    assert form.source.options[2][0] == "3 – Unreliable"


def test_c_only_fields_enabled_only_under_c(tmp_path: Path) -> None:
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1")
    assert form.conditions.disabled and form.action_code.disabled
    form.handling.value = "C"
    assert not form.conditions.disabled and not form.action_code.disabled
    assert not form.sanitisation_code.disabled
    form.handling.value = "P"
    assert form.conditions.disabled and form.sanitisation_code.disabled


def test_live_validation_and_rationale_required_when_policy_asks(tmp_path: Path) -> None:
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1")
    assert "choose the source evaluation" in form.status.value
    form.source.value, form.assessment.value, form.handling.value = "3", "A", "P"
    assert form.rationale.description == "Rationale (required)"
    assert form.validate() == [
        "source evaluation 3 requires a grade rationale; none was given"]
    assert "requires a grade rationale" in form.status.value
    form.rationale.value = "Source has a grudge"
    assert form.validate() == [] and "Ready to save" in form.status.value
    form.source.value = "1"
    assert form.rationale.description == "Rationale"


def test_to_grade_ignores_c_fields_under_p(tmp_path: Path) -> None:
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1")
    form.handling.value = "C"
    form.conditions.value, form.action_code.value = "No arrest", "A2"
    form.source.value, form.assessment.value, form.handling.value = "1", "B", "P"
    grade = form.to_grade()
    assert str(grade) == "1BP" and grade.conditions == "" and grade.action_code is None


def test_c_without_conditions_shows_message_and_saves_nothing(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-1")
    form.source.value, form.assessment.value, form.handling.value = "2", "B", "C"
    form.risk_ref.value = "RA-1"
    assert "handling code C requires handling conditions" in form.status.value
    before = len(ws.audit)
    with pytest.raises(GradingError, match="requires handling conditions"):
        form.save()
    form.save_button.click()  # the callback shows the core's error and writes nothing
    assert "requires handling conditions" in form.status.value
    assert len(ws.audit) == before
    assert ws.get("report", "IR-1")["handling"] is None


def test_save_writes_to_the_workspace(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-1")
    form.source.value, form.assessment.value, form.handling.value = "2", "B", "C"
    form.conditions.value, form.risk_ref.value = "No arrest", "RA-9"
    form.sanitisation_code.value = "S2"
    form.save_button.click()
    assert "Saved [2BC] to IR-1" in form.status.value
    doc = ws.get("report", "IR-1")
    assert (doc["handling"], doc["handling_conditions"], doc["sanitisation_code"]) == (
        "C", "No arrest", "S2")
    assert "[2BC]" in form.header.value
    again = GradingForm(ws, report_urn="IR-1")  # a fresh form shows the saved grade
    assert (again.source.value, again.assessment.value, again.handling.value) == ("2", "B", "C")
    assert again.conditions.value == "No arrest"


def test_regrade_asks_for_reason_and_role(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-2")
    assert form.is_locked() and form.reason.layout.display is None
    assert form.validate() == []  # unchanged grade: confirming it is allowed
    form.assessment.value = "A"
    problems = form.validate()
    assert "this changes a submitted grade: a re-grade needs a reason" in problems
    role = next(p for p in problems if "has role ANALYST" in p)
    assert "to re-grade a submitted grade needs INTEL_UNIT or SUPERVISOR" in role
    assert "You can propose this re-grade for a supervisor" in role and "To get " in role
    form.save_button.click()
    assert "needs a reason" in form.status.value
    assert ws.get("report", "IR-2")["intel_assess"] == "B"
    unit = open_as("I. Unit", tmp_path / "ws", role="INTEL_UNIT")
    form = GradingForm(unit, report_urn="IR-2")
    form.assessment.value = "A"
    form.reason.value = "Corroborated by ANPR"
    assert form.save() == 2
    hist = grade_history(unit, "IR-2")
    assert hist[["event", "old", "new", "reason"]].values.tolist() == [
        ["regrade", "2BP", "2AP", "Corroborated by ANPR"]]
    assert form.reason.value == ""


def test_draft_form_hides_reason_and_legacy_header(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-1")
    assert form.reason.layout.display == "none"
    # hiding the reason hides nothing else (layouts are never shared between widgets)
    for widget in (form.status, form.text, form.conditions, form.rationale, form.header):
        assert widget.layout.display != "none" and widget.layout is not form.reason.layout
    legacy = GradingForm(ws, report_urn="IR-3")
    assert "B24" in legacy.header.value and "legacy 5x5x5" in legacy.header.value
    assert legacy.source.value is None  # never converted silently


def test_unexpected_errors_are_shown_not_swallowed(tmp_path: Path) -> None:
    form = GradingForm(make_ws(tmp_path), report_urn="IR-1")

    def boom() -> None:
        raise RuntimeError("disk full")

    form._guard(boom)
    assert "unexpected error (RuntimeError): disk full" in form.status.value


def test_app_imports_awaiting_reports_and_opens_the_form(tmp_path: Path) -> None:
    csv = tmp_path / "intel_reports.csv"
    LOG.to_csv(csv, index=False)
    ws = open_as("A. Analyst", tmp_path / "app", role="ANALYST")
    app = GradingApp(ws, log_path=csv)
    assert sorted(app.imported) == ["IR-1", "IR-2"]  # DRAFT and SUBMITTED only
    assert [v for _, v in app.picker.options] == [None, "IR-1", "IR-2"]
    assert "2 report(s) in the workspace" in app.status.value
    app.picker.value = "IR-1"
    assert isinstance(app.form, GradingForm) and app.form.urn == "IR-1"
    assert app.form_box.children == (app.form,)
    app.picker.value = None
    assert app.form is None
    assert GradingApp(ws, log_path=csv).imported == []  # not imported twice


def test_app_shows_who_you_are_and_your_role(tmp_path: Path) -> None:
    app = GradingApp(make_ws(tmp_path))
    assert "A. Analyst" in app.who.value and "ANALYST" in app.who.value
    assert app.children[0] is app.who


def test_typed_values_survive_a_reload_for_that_analyst_only(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-1")
    form.source.value, form.assessment.value, form.handling.value = "3", "E", "C"
    form.conditions.value = "No executive action"
    before = len(ws.audit)
    again = GradingForm(ws, report_urn="IR-1")  # a reload: a new form on the same workspace
    assert (again.source.value, again.assessment.value, again.handling.value) == ("3", "E", "C")
    assert again.conditions.value == "No executive action"
    assert len(ws.audit) - before <= 1  # the report's CONSULT only: drafts are not audited
    other = GradingForm(open_as("B. Other", tmp_path / "ws", role="ANALYST"),
                        report_urn="IR-1")
    assert other.source.value is None  # another analyst's draft is not shown


def test_after_a_save_the_list_and_the_grade_change_at_once(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    app = GradingApp(ws)
    app.picker.value = "IR-1"
    form = app.form
    assert form is not None
    form.source.value, form.assessment.value, form.handling.value = "2", "B", "P"
    form.save_button.click()
    assert "2BP" in form.header.value.replace("[", "").replace("]", "")
    label = dict((v, k) for k, v in app.picker.options)["IR-1"]
    assert "2BP" in label.replace("[", "").replace("]", "")
    assert app.picker.value == "IR-1" and app.form is form  # the form stays open
    assert GradingForm(ws, report_urn="IR-1").conditions.value == ""  # the draft is gone


def test_forms_namespace_is_lazy() -> None:
    assert ib.forms.GradingForm is GradingForm
    with pytest.raises(AttributeError):
        ib.forms.NoSuchForm  # noqa: B018


def test_an_analyst_who_may_not_regrade_is_offered_a_proposal(tmp_path: Path) -> None:
    ws = make_ws(tmp_path)
    form = GradingForm(ws, report_urn="IR-2")
    assert form.propose_button.layout.display == "none"  # unchanged grade: nothing to propose
    form.assessment.value = "A"
    assert form.may_propose() and form.propose_button.layout.display is None
    form.propose_button.click()  # no reason yet: refused, shown, nothing stored
    assert "needs a reason" in form.status.value and ws.keys("regrade_proposal") == []
    form.reason.value = "Corroborated by ANPR"
    form.propose_button.click()
    assert form.proposed == ["IR-2.P1"] and "Proposed [2AP] for IR-2 as IR-2.P1" in (
        form.status.value)
    assert ws.get("report", "IR-2")["intel_assess"] == "B"  # the grade is not changed yet
    entry = ws.audit.entries("COLLECT").iloc[-1]
    assert (entry["record_ref"], entry["detail"]["event"]) == (
        "regrade_proposal/IR-2.P1@1", "regrade_proposed")
    unit = open_as("I. Unit", tmp_path / "ws", role="INTEL_UNIT")
    other = GradingForm(unit, report_urn="IR-2")
    other.assessment.value = "A"
    assert not other.may_propose()  # a role that may re-grade just saves
