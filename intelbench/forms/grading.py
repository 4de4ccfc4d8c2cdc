"""The grading form: grade one report with 3x5x2, with live validation, in JupyterLab or Voilà.

The logic lives in plain methods that tests call directly: :meth:`GradingForm.to_grade`,
:meth:`GradingForm.validate`, :meth:`GradingForm.save`, :meth:`GradingForm.show_original`.
Widget callbacks are one line each and run through :meth:`GradingForm._guard`, which shows any
error in the status area, because ipywidgets swallows exceptions raised in callbacks.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from pathlib import Path
from typing import Any

import ipywidgets as w

from intelbench.exceptions import GradingError, IntelbenchError
from intelbench.forms._grading_drafts import (
    DRAFT_FIELDS,
    delete_grade_draft,
    load_grade_draft,
    save_grade_draft,
)
from intelbench.forms._proposal_panel import ProposalPanel
from intelbench.grading.grade import Grade, Handling, code_meanings
from intelbench.grading.legacy import LegacyGrade
from intelbench.grading.policy import GradingPolicy, resolve_policy
from intelbench.grading.proposals import propose_regrade
from intelbench.grading.reports import (
    awaiting_evaluation,
    current_grade,
    get_report,
    grade_history,
    import_reports,
    read_reports,
    save_grade,
)

__all__ = ["GradingApp", "GradingForm"]

def _wide() -> w.Layout:
    """Return a fresh full-width layout (layouts are shared objects: never reuse one)."""
    return w.Layout(width="100%")


_LABEL_STYLE = {"description_width": "12em"}


def _radio(name: str, meanings: dict[str, str], description: str) -> w.RadioButtons:
    options = [(f"{code} – {label}", code) for code, label in meanings.items()]
    radio = w.RadioButtons(options=options, value=None, description=description,
                           style=_LABEL_STYLE, layout=w.Layout(width="auto"))
    radio.add_class(f"ib-grading-{name}")
    return radio


def _dropdown(name: str, meanings: dict[str, str], description: str) -> w.Dropdown:
    options = [("none", None)] + [(f"{code} – {label}", code) for code, label in meanings.items()]
    drop = w.Dropdown(options=options, description=description, style=_LABEL_STYLE,
                      layout=_wide())
    drop.index = 0  # shows "none" (value None) rather than an empty box
    drop.add_class(f"ib-grading-{name}")
    return drop


def _choose(drop: w.Dropdown, code: str | None) -> None:
    """Select ``code`` in an optional-code dropdown; None selects the "none" entry."""
    if code is None:
        drop.index = 0
    else:
        drop.value = code


def _text(value: Any) -> str:
    return "" if value is None or (isinstance(value, float) and value != value) else str(value)


class GradingForm(w.VBox):
    """Grade one report of the workspace with 3x5x2.

    Shows the report's sanitised text (the original only on an explicit, justified and
    audited request), three selectors with every code's meaning visible, conditions and
    codes enabled only under C, a rationale when the policy asks for one, a reason when the
    save is a re-grade, and a status area with live validation messages.

    Parameters
    ----------
    ws : Workspace
        The workspace holding the report (kind ``"report"``).
    report_urn : str
        The report to grade.
    policy : GradingPolicy, optional
        The force's grading policy, when the workspace keeps none (default
        ``GradingPolicy()``; see ``ib.grading.resolve_policy``).

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> log = pd.DataFrame({"urn": ["IR-1"], "source_eval": [None], "intel_assess": [None],
    ...                     "handling": [None], "status": ["DRAFT"],
    ...                     "sanitised_text": ["[NAME] seen at [ADDRESS]."]})
    >>> _ = ib.reports.import_reports(ws, log)
    >>> form = ib.forms.GradingForm(ws, report_urn="IR-1")
    >>> form.source.value, form.assessment.value, form.handling.value = "2", "B", "C"
    >>> for problem in form.validate():
    ...     print(problem)
    handling code C requires handling conditions; none were given
    handling code C requires a risk-assessment reference; none was given
    >>> form.conditions.value, form.risk_ref.value = "No arrest", "RA-7"
    >>> form.save()
    2
    >>> str(ib.Grade.from_dict(ws.get("report", "IR-1")))
    '2BC'
    """

    def __init__(self, ws: Any, report_urn: str, policy: GradingPolicy | None = None,
                 **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self.urn = report_urn
        self.policy = resolve_policy(ws, policy)
        self.doc: dict[str, Any] = get_report(ws, report_urn)
        self.original_shown = False
        self.on_saved: list[Callable[[str], Any]] = []  # told the URN after each save
        self._restoring = False
        meanings = code_meanings(self.policy)

        self.header = w.HTML()
        self.text = w.HTML(layout=_wide())
        self.text.add_class("ib-grading-text")
        self.consult_reason = w.Text(placeholder="Why you need the unsanitised original",
                                     description="Justification", style=_LABEL_STYLE,
                                     layout=_wide())
        self.original_toggle = w.ToggleButton(value=False, description="Show original (audited)",
                                              icon="eye", tooltip="Writes a CONSULT audit entry",
                                              layout=w.Layout(width="16em"))
        self.source = _radio("source", meanings["source"], "Source evaluation")
        self.assessment = _radio("assessment", meanings["assessment"], "Intelligence assessment")
        self.handling = _radio("handling", meanings["handling"], "Handling code")
        self.conditions = w.Textarea(description="Handling conditions", style=_LABEL_STYLE,
                                     layout=_wide(), placeholder="Required under C")
        self.risk_ref = w.Text(description="Risk assessment ref", style=_LABEL_STYLE,
                               layout=_wide())
        self.action_code = _dropdown("action", meanings["action_code"], "Action code")
        self.sanitisation_code = _dropdown("sanitisation", meanings["sanitisation_code"],
                                           "Sanitisation code")
        self.rationale = w.Textarea(description="Rationale", style=_LABEL_STYLE, layout=_wide())
        self.reason = w.Text(description="Reason for re-grade", style=_LABEL_STYLE,
                             layout=_wide(), placeholder="Required to change a submitted grade")
        self.save_button = w.Button(description="Save grade", button_style="primary",
                                    icon="save")
        self.propose_button = w.Button(
            description="Propose re-grade", icon="paper-plane",
            tooltip="Send this grade and reason to a supervisor to accept or reject (audited)",
            layout=w.Layout(width="14em"))
        self.propose_button.add_class("ib-grading-propose")
        self.proposed: list[str] = []  # proposal ids made from this form
        self.status = w.HTML(layout=_wide())
        for widget, name in ((self.conditions, "conditions"), (self.risk_ref, "risk"),
                             (self.rationale, "rationale"), (self.reason, "reason"),
                             (self.save_button, "save"), (self.status, "status"),
                             (self.header, "header"), (self.consult_reason, "consult")):
            widget.add_class(f"ib-grading-{name}")
        self.under_c = w.VBox([self.conditions, self.risk_ref, self.action_code,
                               self.sanitisation_code])

        self._load_current()
        self._restore_draft()
        self.proposal_panel = ProposalPanel(ws, self.urn, self.policy)
        self.children = [
            self.header, self.text, w.HBox([self.original_toggle, self.consult_reason]),
            w.HBox([self.source, self.assessment, self.handling]),
            self.under_c, self.rationale, self.reason,
            w.HBox([self.save_button, self.propose_button]), self.status, self.proposal_panel,
        ]
        for widget in (self.source, self.assessment, self.handling, self.conditions,
                       self.risk_ref, self.action_code, self.sanitisation_code, self.rationale,
                       self.reason):
            widget.observe(lambda _change: self._guard(self.refresh), names="value")
        self.original_toggle.observe(lambda change: self._guard(self._toggle, change["new"]),
                                     names="value")
        self.save_button.on_click(lambda _button: self._guard(self.save))
        self.propose_button.on_click(lambda _button: self._guard(self.propose))
        self._render_text()
        self.refresh()

    # ------------------------------------------------------------------------ state
    def _load_current(self) -> None:
        """Fill the selectors from the report's current grade, if it is a valid 3x5x2."""
        grade = current_grade(self.doc)
        if isinstance(grade, Grade):
            self.source.value = grade.source.value
            self.assessment.value = grade.assessment.value
            self.handling.value = grade.handling.value
            self.conditions.value = grade.conditions
            self.risk_ref.value = grade.risk_assessment_ref
            _choose(self.action_code, grade.action_code.value if grade.action_code else None)
            _choose(self.sanitisation_code,
                    grade.sanitisation_code.value if grade.sanitisation_code else None)
            self.rationale.value = grade.rationale
        elif self.doc.get("risk_assessment_ref"):
            self.risk_ref.value = _text(self.doc.get("risk_assessment_ref"))
        self.header.value = self._header_html()

    def _draft_widgets(self) -> dict[str, Any]:
        return {"source": self.source, "assessment": self.assessment,
                "handling": self.handling, "conditions": self.conditions,
                "risk_ref": self.risk_ref, "action_code": self.action_code,
                "sanitisation_code": self.sanitisation_code, "rationale": self.rationale,
                "reason": self.reason}

    def _restore_draft(self) -> None:
        """Put back what was typed before a reload (the draft autosaved in the workspace)."""
        draft = load_grade_draft(self.ws, self.urn)
        if not draft:
            return
        self._restoring = True
        try:
            for name, widget in self._draft_widgets().items():
                if name in draft and draft[name] is not None:
                    widget.value = draft[name]
        finally:
            self._restoring = False
        self.draft_restored = True

    def _autosave(self) -> None:
        if self._restoring:
            return
        values = {name: widget.value for name, widget in self._draft_widgets().items()}
        save_grade_draft(self.ws, self.urn, {k: values[k] for k in DRAFT_FIELDS})

    def _header_html(self) -> str:
        grade = current_grade(self.doc)
        if isinstance(grade, Grade):
            shown = f"<b class='ib-current-grade'>{html.escape(grade.bracketed)}</b>"
        elif isinstance(grade, LegacyGrade):
            parts = grade.describe()
            shown = (f"<b class='ib-current-grade'>{html.escape(grade.verbatim)}</b> "
                     f"(legacy {html.escape(parts['scheme'])}: "
                     + html.escape("; ".join(f"{k} {v}" for k, v in parts.items()
                                             if k != "scheme")) + ")")
        elif grade is None:
            shown = "<i>not graded</i>"
        else:
            shown = (f"<b class='ib-current-grade'>{html.escape(str(grade))}</b> "
                     "<i>(does not fit 3x5x2)</i>")
        fields = [("Report", self.urn), ("Status", self.doc.get("status")),
                  ("Classification", self.doc.get("classification")),
                  ("Collection", self.doc.get("collection_method")),
                  ("Source ref", self.doc.get("source_ref"))]
        cells = " &middot; ".join(f"{k}: <b>{html.escape(_text(v))}</b>" for k, v in fields
                                  if _text(v))
        return f"<div>{cells}</div><div>Current grade: {shown}</div>"

    def _render_text(self) -> None:
        if self.original_shown:
            body = _text(self.doc.get("original_text"))
            note = "<b style='color:#a00'>ORIGINAL (unsanitised) – access audited</b>"
        else:
            body = _text(self.doc.get("sanitised_text"))
            note = "<b>Sanitised text</b>"
            if not body:
                body = "(No sanitised text yet: the report has not been sanitised.)"
        self.text.value = (f"{note}<pre style='white-space:pre-wrap;margin:0.3em 0'>"
                           f"{html.escape(body)}</pre>")

    def is_locked(self) -> bool:
        """Whether changing the grade is a re-grade (submitted with a grade; rule 8)."""
        status = _text(self.doc.get("status")).strip().upper()
        return current_grade(self.doc) is not None and status != "DRAFT"

    # ------------------------------------------------------------------------ logic
    def to_grade(self) -> Grade:
        """Build the grade from the selectors; raises :class:`GradingError` if incomplete."""
        missing = [name for name, widget in (("source evaluation", self.source),
                                             ("intelligence assessment", self.assessment),
                                             ("handling code", self.handling))
                   if widget.value is None]
        if missing:
            raise GradingError(f"choose the {', '.join(missing)}")
        under_c = self.handling.value == Handling.CONDITIONS.value
        return Grade.from_dict({
            "source_eval": self.source.value,
            "intel_assess": self.assessment.value,
            "handling": self.handling.value,
            "handling_conditions": self.conditions.value if under_c else "",
            "action_code": self.action_code.value if under_c else None,
            "sanitisation_code": self.sanitisation_code.value if under_c else None,
            "risk_assessment_ref": self.risk_ref.value,
            "grade_rationale": self.rationale.value,
        })

    def _is_regrade(self, grade: Grade) -> bool:
        old = current_grade(self.doc)
        same = isinstance(old, Grade) and old.to_dict() == grade.to_dict()
        return self.is_locked() and not same

    def validate(self) -> list[str]:
        """Return every problem that would stop :meth:`save` (empty when it would succeed)."""
        try:
            grade = self.to_grade()
        except GradingError as exc:
            return [str(exc)]
        problems = [p.message for p in self.policy.check(grade)]
        if self._is_regrade(grade):
            if not self.reason.value.strip():
                problems.append("this changes a submitted grade: a re-grade needs a reason")
            if not self.policy.may_regrade(getattr(self.ws, "role", None)):
                problems.append(self._role_message())
        return problems

    def _role_message(self) -> str:
        """Why this role may not re-grade, how to get a role that may, and what it may do."""
        allowed = tuple(sorted(self.policy.regrade_roles))
        instead = ("propose this re-grade for a supervisor to accept or reject: give the "
                   "reason and press 'Propose re-grade' (the proposal and the decision are "
                   "both audited; what you typed is kept as a draft meanwhile)")
        whoami = getattr(self.ws, "whoami", None)
        if whoami is None:
            return f"role {getattr(self.ws, 'role', None)} may not re-grade; allowed: " \
                   f"{', '.join(allowed)}"
        from intelbench.store.identity import role_error

        return str(role_error(whoami(), allowed, "re-grade a submitted grade", instead))

    def refresh(self) -> None:
        """Enable the C-only fields under C, label the rationale, show live validation."""
        under_c = self.handling.value == Handling.CONDITIONS.value
        for widget in (self.conditions, self.risk_ref, self.action_code,
                       self.sanitisation_code):
            widget.disabled = not under_c
        self.risk_ref.disabled = False  # a risk assessment may be recorded under P too
        needs = self.policy.needs_rationale(self.source.value, self.assessment.value)
        self.rationale.description = "Rationale (required)" if needs else "Rationale"
        self.reason.layout.display = None if self.is_locked() else "none"
        self.propose_button.layout.display = None if self.may_propose() else "none"
        self._autosave()
        self._show(self.validate())

    def _show(self, problems: list[str], ok: str = "Ready to save") -> None:
        if problems:
            items = "".join(f"<li>{html.escape(p)}</li>" for p in problems)
            self.status.value = (f"<div class='ib-status-error' style='color:#a00'>"
                                 f"<b>Cannot save yet:</b><ul>{items}</ul></div>")
        else:
            self.status.value = (f"<div class='ib-status-ok' style='color:#060'>"
                                 f"{html.escape(ok)}</div>")

    def may_propose(self) -> bool:
        """Whether the form offers a re-grade proposal: a re-grade the role may not make."""
        try:
            grade = self.to_grade()
        except GradingError:
            return False
        return self._is_regrade(grade) and not self.policy.may_regrade(
            getattr(self.ws, "role", None))

    def propose(self) -> str:
        """Propose the selected grade as a re-grade for a supervisor; return the proposal id.

        Raises the core's :class:`GradingError` (no reason, a grade that breaks the policy,
        nothing to change); nothing is written then.
        """
        pid = propose_regrade(self.ws, self.urn, self.to_grade(), reason=self.reason.value,
                              policy=self.policy)
        self.proposed.append(pid)
        delete_grade_draft(self.ws, self.urn)
        self.proposal_panel.refresh()
        self._show([], ok=f"Proposed {self.to_grade().bracketed} for {self.urn} as {pid}; a "
                          "supervisor will accept or reject it (both steps audited).")
        return pid

    def save(self) -> int:
        """Save the grade to the workspace; return the report's new revision.

        Raises the core's :class:`GradingError` (policy, re-grade reason or role); nothing is
        written then.
        """
        grade = self.to_grade()
        rev = save_grade(self.ws, self.urn, grade, policy=self.policy,
                         reason=self.reason.value)
        self.doc = get_report(self.ws, self.urn)
        delete_grade_draft(self.ws, self.urn)
        self.reason.value = ""
        self.header.value = self._header_html()
        self.refresh()
        delete_grade_draft(self.ws, self.urn)  # the refresh above re-drafts the saved values
        self._show([], ok=f"Saved {grade.bracketed} to {self.urn} (revision {rev}).")
        for callback in self.on_saved:
            callback(self.urn)
        return rev

    def history(self) -> Any:
        """Return the report's grade history (:func:`intelbench.grading.reports.grade_history`)."""
        return grade_history(self.ws, self.urn)

    def show_original(self, justification: str) -> None:
        """Show the unsanitised original; writes a CONSULT audit entry with the justification."""
        if not justification or not justification.strip():
            raise GradingError("justification is required to view the original text; got an "
                               "empty justification")
        self.ws.audit.record("CONSULT", justification=justification.strip(),
                             record_ref=f"report/{self.urn}",
                             detail={"field": "original_text", "form": "grading"})
        self.original_shown = True
        self._render_text()

    def show_sanitised(self) -> None:
        """Return to the sanitised text."""
        self.original_shown = False
        self._render_text()

    def _toggle(self, on: bool) -> None:
        if not on:
            self.show_sanitised()
            return
        try:
            self.show_original(self.consult_reason.value)
        except IntelbenchError:
            self.original_toggle.value = False
            raise

    def _guard(self, fn: Callable[..., Any], *args: Any) -> Any:
        """Run ``fn``; show any error in the status area instead of losing it in a callback."""
        try:
            return fn(*args)
        except IntelbenchError as exc:
            self._show([str(exc)])
        except Exception as exc:  # a form must never swallow an error
            self._show([f"unexpected error ({type(exc).__name__}): {exc}"])
        return None


class GradingApp(w.VBox):
    """Pick a report from the workspace, then grade it (the Voilà app ``widgets/grading``).

    If the workspace holds no reports and ``log_path`` exists, the reports of that log that
    are waiting for evaluation (DRAFT, SUBMITTED) are imported first (audited COLLECT).

    Parameters
    ----------
    ws : Workspace
    log_path : str or Path, optional
        An ``intel_reports.csv`` to import from when the workspace is empty.
    policy : GradingPolicy, optional
    """

    def __init__(self, ws: Any, log_path: str | Path | None = None,
                 policy: GradingPolicy | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self.policy = resolve_policy(ws, policy)
        self.status = w.HTML()
        self.status.add_class("ib-app-status")
        whoami = getattr(ws, "whoami", None)
        self.who = w.HTML(whoami()._repr_html_() if whoami is not None else "")
        self.who.add_class("ib-whoami")
        self.imported: list[str] = []
        if log_path is not None and not ws.keys("report") and Path(log_path).exists():
            log = read_reports(log_path, policy=self.policy)
            clean = log["quarantine"] == ""  # a grade that breaks the policy is not stored
            self.imported = import_reports(ws, log[awaiting_evaluation(log) & clean])
        self.picker = w.Dropdown(description="Report", style={"description_width": "6em"},
                                 layout=w.Layout(width="32em"))
        self.picker.add_class("ib-report-picker")
        self.form_box = w.VBox()
        self.form: GradingForm | None = None
        self.reload_options()
        self.picker.observe(lambda change: self._guard(self.open_report, change["new"]),
                            names="value")
        self.children = [self.who, self.picker, self.status, self.form_box]

    def reload_options(self) -> None:
        """List the workspace's reports: awaiting evaluation first, then the rest."""
        options: list[tuple[str, str | None]] = [("— choose a report —", None)]
        rows = []
        for urn, doc in self.ws.get_many("report").items():
            status = _text(doc.get("status")).upper()
            grade = current_grade(doc)
            shown = (grade.bracketed if isinstance(grade, Grade)
                     else "not graded" if grade is None else str(grade))
            rows.append((status not in ("DRAFT", "SUBMITTED"), urn,
                         f"{urn} · {status or '?'} · {shown}"))
        options += [(label, urn) for _, urn, label in sorted(rows)]
        chosen = self.picker.value
        self._reloading = True
        try:
            self.picker.options = options
            if chosen in {urn for _, urn in options}:
                self.picker.value = chosen
        finally:
            self._reloading = False
        self.status.value = (f"{len(rows)} report(s) in the workspace"
                             + (f"; {len(self.imported)} imported from the log"
                                if self.imported else ""))

    def open_report(self, urn: str | None) -> GradingForm | None:
        """Show the grading form for ``urn`` (or nothing for None)."""
        if getattr(self, "_reloading", False):
            return self.form
        if urn is None:
            self.form, self.form_box.children = None, ()
            return None
        self.form = GradingForm(self.ws, report_urn=urn, policy=self.policy)
        self.form.on_saved.append(lambda _urn: self.reload_options())
        self.form.proposal_panel.on_decided.append(lambda _urn: self.reload_options())
        self.form_box.children = (self.form,)
        return self.form

    def _guard(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # shown, never swallowed
            self.status.value = (f"<span style='color:#a00'>{html.escape(type(exc).__name__)}: "
                                 f"{html.escape(str(exc))}</span>")
        return None
