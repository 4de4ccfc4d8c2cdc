"""The collection plan form: header, questions, sources, rules, save, load, review, history.

The form holds a :class:`~intelbench.plans.CollectionPlan` snapshot as its single source of
truth. Widget changes rebuild the snapshot through the core API, the rules are re-checked
and shown in a visible status area, and the snapshot is autosaved as a draft in the
workspace, so nothing typed is lost when the kernel restarts. Every action is a plain method
(``save``, ``load``, ``review``, ``add_question``...) that catches core errors and shows them;
button callbacks are one line that call those methods.
"""

from __future__ import annotations

import datetime as dt
import html
from typing import Any

import ipywidgets as w

from intelbench.exceptions import IntelbenchError
from intelbench.forms._plan_view import history_html, status_html
from intelbench.forms._plan_widgets import (
    _TEXT_STYLE,
    _button,
    _drop,
    _labels,
    _opts,
    _text,
    highlight,
)
from intelbench.plans import (
    NEW_PLAN_DRAFT,
    Authority,
    CandidateSource,
    CollectionMethod,
    CollectionPlan,
    PlanStatus,
    Priority,
    Problem,
    QuestionStatus,
    RequirementLevel,
    SourceType,
    SuggestedStatus,
    delete_draft,
    list_plans,
    load_draft,
    load_plan,
    next_plan_id,
    plan_history,
    record_review,
    save_draft,
    save_plan,
)
from intelbench.plans import confirm_status as _confirm_status
from intelbench.plans import link_report as _link_report

__all__ = ["CollectionPlanForm"]

_LAST_KEY = "__last__"
_DRAFT_KIND = "plan_draft"

class CollectionPlanForm:
    """Edit, check, save, load and review a collection plan in a notebook or Voilà page.

    Parameters
    ----------
    ws : Workspace
        Where plans, revisions and drafts are kept.
    plan_id : str, optional
        Open this saved plan (or its unsaved draft). Without it the form reopens what was
        being edited last (its draft, or the saved plan), or starts a new plan.

    Attributes
    ----------
    plan : CollectionPlan
        The snapshot being edited.
    widget : ipywidgets.VBox
        The whole form (the object also displays itself).
    status : ipywidgets.HTML
        The visible status area: the last action's result, rule breaches and overdue items.
    history : ipywidgets.HTML
        The saved revisions of the plan.
    """

    def __init__(self, ws: Any, plan_id: str | None = None) -> None:
        self.ws = ws
        self._loading = False
        self._saved_id: str | None = None
        self._saved: CollectionPlan | None = None
        self._qid: str | None = None
        self._message = ("", "info")
        self._suggestion: SuggestedStatus | None = None
        self._build()
        self.plan = CollectionPlan(id="")
        self._open(plan_id)

    # ================================================================= layout
    def _build(self) -> None:
        self.w_id = _text("Plan id", "ib-plan-id")
        self.w_title = _text("Title", "ib-plan-title")
        self.w_owner = _text("Owner", "ib-plan-owner")
        self.w_operation = _text("Operation ref", "ib-plan-operation")
        self.w_control = _text("Control strategy priority", "ib-plan-control")
        self.w_level = _drop("Requirement level", "ib-plan-level", _opts(RequirementLevel, True))
        self.w_requirement = _text("Requirement", "ib-plan-requirement", area=True)
        self.w_tor = _text("Terms of reference", "ib-plan-tor", area=True)
        self.w_created = w.DatePicker(description="Created", style=_TEXT_STYLE)
        self.w_created.add_class("ib-plan-created")
        self.w_freq = w.BoundedIntText(
            description="Review every (days)", min=0, max=3650, value=28, style=_TEXT_STYLE
        )
        self.w_freq.add_class("ib-plan-frequency")
        self.w_plan_status = _drop("Plan status", "ib-plan-status", _opts(PlanStatus))
        self.w_next_review = w.HTML()
        self.w_next_review.add_class("ib-plan-next-review")
        header = [
            self.w_id, self.w_title, self.w_owner, self.w_operation, self.w_control,
            self.w_level, self.w_requirement, self.w_tor, self.w_created, self.w_freq,
            self.w_plan_status, self.w_next_review,
        ]
        for widget in header[:-1]:
            widget.observe(self._on_header, names="value")

        self.w_questions = w.Select(options=[], rows=6, layout=w.Layout(width="95%"),
                                    description="Questions")
        self.w_questions.add_class("ib-question-list")
        self.w_questions.observe(self._on_select, names="value")
        self.b_add = _button("Add question", "ib-add-question")
        self.b_up = _button("Move up", "ib-move-up")
        self.b_down = _button("Move down", "ib-move-down")
        self.b_remove = _button("Remove question", "ib-remove-question", "warning")
        self.b_add.on_click(lambda _: self.add_question())
        self.b_up.on_click(lambda _: self.move_question(-1))
        self.b_down.on_click(lambda _: self.move_question(1))
        self.b_remove.on_click(lambda _: self.remove_question())

        self.q_text = _text("Question", "ib-q-text", area=True)
        self.q_priority = _drop("Priority", "ib-q-priority", _opts(Priority, True))
        self.q_gap = _text("Gap it closes", "ib-q-gap", area=True)
        self.q_method = _drop("Collection method", "ib-q-method", _opts(CollectionMethod, True))
        self.q_tasked = _text("Tasked to", "ib-q-tasked")
        self.q_deadline = w.DatePicker(description="Deadline", style=_TEXT_STYLE)
        self.q_deadline.add_class("ib-q-deadline")
        self.q_authority = _drop("Authority", "ib-q-authority", _opts(Authority))
        self.q_authority_ref = _text("Authority ref", "ib-q-authority-ref")
        self.q_necessity = _text("Necessity", "ib-q-necessity", area=True)
        self.q_proportionality = _text("Proportionality", "ib-q-proportionality", area=True)
        self.q_status = _drop("Status", "ib-q-status", _opts(QuestionStatus))
        self.q_closure = _text("Closure reason", "ib-q-closure")
        self.q_answered = _text("Answered by (URNs)", "ib-q-answered")
        self.q_sources: dict[SourceType, tuple[w.Checkbox, w.Text]] = {}
        rows = []
        for src in SourceType:
            box = w.Checkbox(description=src.label, indent=False, layout=w.Layout(width="220px"))
            box.add_class(f"ib-src-{src.value}")
            diff = w.Text(placeholder="access difficulties", continuous_update=False,
                          layout=w.Layout(width="60%"))
            diff.add_class(f"ib-srcdiff-{src.value}")
            self.q_sources[src] = (box, diff)
            rows.append(w.HBox([box, diff]))
        q_fields = [
            self.q_text, self.q_priority, self.q_gap, self.q_method, self.q_tasked,
            self.q_deadline, self.q_authority, self.q_authority_ref, self.q_necessity,
            self.q_proportionality, self.q_status, self.q_closure, self.q_answered,
        ]
        for widget in q_fields:
            widget.observe(self._on_question, names="value")
        for box, diff in self.q_sources.values():
            box.observe(self._on_question, names="value")
            diff.observe(self._on_question, names="value")
        self.q_sources_box = w.VBox(
            [w.HTML("<b>Candidate sources and access difficulties</b>"), *rows])
        self.q_sources_box.add_class("ib-q-sources")
        self.q_editor = w.VBox([*q_fields[:6], self.q_sources_box, *q_fields[6:]])
        self.q_editor.add_class("ib-question-editor")

        self.status = w.HTML()
        self.status.add_class("ib-status")
        # the same status again beside the Save button, where the analyst is looking
        self.status_save = w.HTML()
        self.status_save.add_class("ib-status-save")
        self.w_justification = _text("Justification", "ib-justification")
        self.b_save = _button("Save", "ib-save", "primary")
        self.b_save.on_click(lambda _: self.save())
        self.b_new = _button("New plan", "ib-new-plan")
        self.b_new.on_click(lambda _: self.new_plan())
        self.b_discard = _button("Discard draft", "ib-discard-draft")
        self.b_discard.on_click(lambda _: self.discard_draft())
        self.w_load = _drop("Saved plans", "ib-load-select", [])
        self.b_load = _button("Load", "ib-load")
        self.b_load.on_click(lambda _: self.load(self.w_load.value))
        self.w_reviewer = _text("Reviewer", "ib-reviewer")
        self.w_outcome = w.Combobox(
            description="Outcome", options=["continue", "amend", "escalate", "close"],
            continuous_update=False, style=_TEXT_STYLE,
        )
        self.w_outcome.add_class("ib-review-outcome")
        self.w_notes = _text("Review notes", "ib-review-notes", area=True)
        self.b_review = _button("Record review", "ib-review")
        self.b_review.on_click(
            lambda _: self.review(self.w_reviewer.value, self.w_outcome.value, self.w_notes.value)
        )
        self.history = w.HTML()
        self.history.add_class("ib-history")
        self.w_link_urn = _text("Report URN", "ib-link-urn")
        self.w_link_grade = _text("Grade (e.g. 2B)", "ib-link-grade")
        self.b_link = _button("Link report", "ib-link")
        self.b_link.on_click(
            lambda _: self.link_report(self.w_link_urn.value, self.w_link_grade.value)
        )
        self.b_confirm = _button("Confirm status", "ib-confirm-status")
        self.b_confirm.on_click(lambda _: self.confirm_status())

        self.widget = w.VBox(
            [
                w.HTML("<h3>Intelligence collection plan</h3>"),
                self.status,
                *header,
                w.HTML("<h4>Questions (information requirements)</h4>"),
                self.w_questions,
                w.HBox([self.b_add, self.b_up, self.b_down, self.b_remove]),
                self.q_editor,
                w.HBox([self.w_link_urn, self.w_link_grade]),
                w.HBox([self.b_link, self.b_confirm]),
                w.HTML("<h4>Save, load and review</h4>"),
                self.w_justification,
                w.HBox([self.b_save, self.b_new, self.b_discard]),
                self.status_save,
                w.HBox([self.w_load, self.b_load]),
                self.w_reviewer, self.w_outcome, self.w_notes, self.b_review,
                w.HTML("<h4>Revision history</h4>"),
                self.history,
            ]
        )
        self.widget.add_class("ib-plan-form")
        # rule field -> the widget that holds it (for labels in messages and highlighting)
        self._plan_fields: dict[str, Any] = {
            "id": self.w_id, "title": self.w_title, "owner": self.w_owner,
            "operation_ref": self.w_operation, "control_strategy": self.w_control,
            "requirement_level": self.w_level, "requirement": self.w_requirement,
            "terms_of_reference": self.w_tor, "created": self.w_created,
            "review_frequency_days": self.w_freq, "status": self.w_plan_status,
            "next_review": self.w_freq,
        }
        self._question_fields: dict[str, Any] = {
            "text": self.q_text, "priority": self.q_priority, "gap": self.q_gap,
            "method": self.q_method, "tasked_to": self.q_tasked, "deadline": self.q_deadline,
            "authority": self.q_authority, "authority_ref": self.q_authority_ref,
            "necessity": self.q_necessity, "proportionality": self.q_proportionality,
            "status": self.q_status, "closure_reason": self.q_closure,
            "answered_by": self.q_answered, "candidate_sources": self.q_sources_box,
        }

    def _repr_mimebundle_(self, **kwargs: Any) -> Any:
        return self.widget._repr_mimebundle_(**kwargs)

    # ================================================================= opening
    def _open(self, plan_id: str | None) -> None:
        try:
            asked = plan_id
            if plan_id is None:
                plan_id = self._last_key()
            if plan_id and plan_id != NEW_PLAN_DRAFT and plan_id in list_plans(self.ws):
                self.load(plan_id)
                return
            if asked is not None:
                self.new_plan()
                self._note(f"No saved plan {asked!r}: started a new plan instead.", "error")
                return
            draft = load_draft(self.ws, NEW_PLAN_DRAFT)
            if draft is not None:
                self._show(draft)
                self._note("Restored your unsaved draft of a new plan.")
            else:
                self.new_plan()
        except IntelbenchError as exc:
            self._show(CollectionPlan(id=""))
            self._note(f"Could not open the plan: {exc}", "error")

    def _last_key(self) -> str | None:
        if self.ws.exists(_DRAFT_KIND, _LAST_KEY):
            key = self.ws.get(_DRAFT_KIND, _LAST_KEY).get("key")
            return str(key) if key else None
        return None

    def _remember(self, key: str) -> None:
        if self._last_key() != key:
            self.ws.put(_DRAFT_KIND, _LAST_KEY, {"key": key}, justification="form", audit=False)

    # ================================================================= actions
    def new_plan(self) -> None:
        """Start a new, empty plan with the next free id."""
        self._saved_id, self._saved = None, None
        plan = CollectionPlan(id=next_plan_id(self.ws), created=dt.date.today())
        self._show(plan)
        self._remember(NEW_PLAN_DRAFT)
        self._note("New plan: fill in the header and add questions.")

    def load(self, plan_id: str | None, revision: int | None = None) -> bool:
        """Open a saved plan; an unsaved draft of it, if any, is restored on top."""
        if not plan_id:
            return self._note("Choose a saved plan to load.", "error")
        try:
            saved = load_plan(self.ws, plan_id, revision=revision)
            draft = load_draft(self.ws, plan_id) if revision is None else None
        except IntelbenchError as exc:
            return self._note(f"Could not load: {exc}", "error")
        self._saved_id, self._saved = plan_id, saved
        if draft is not None and draft != saved:
            self._show(draft)
            self._note(f"Loaded {plan_id} with your unsaved changes restored from the draft.")
        else:
            self._show(saved)
            self._note(f"Loaded {plan_id} (revision {saved.revision}).")
        self._remember(plan_id)
        return True

    def save(self, justification: str | None = None) -> int | None:
        """Save the plan as a new revision if it breaks no rule; return the revision or None."""
        just = self.w_justification.value if justification is None else justification
        if self.plan.id != self._saved_id and self.plan.id in list_plans(self.ws):
            self._note(f"Not saved: plan id {self.plan.id!r} belongs to another plan.", "error")
            return None
        try:
            rev = save_plan(self.ws, self.plan, justification=just or "saved from the plan form")
        except IntelbenchError as exc:
            breaches = [b for b in getattr(exc, "problems", []) if b.severity == "error"]
            why = (f"{len(breaches)} rule breach(es) to fix, listed below and outlined in red."
                   if breaches else str(exc))
            self._note(f"Not saved: {why}", "error")
            return None
        old_key = self._draft_key()
        self._saved_id, self._saved = self.plan.id, self.plan.replace_revision(rev)
        self.plan = self._saved
        self._clear_drafts(old_key)
        self._remember(self.plan.id)
        self._note(f"Saved {self.plan.id} as revision {rev}.", "ok")
        return rev

    def review(self, reviewer: str, outcome: str, notes: str = "") -> bool:
        """Record a review of the saved plan (a new revision)."""
        if self._saved_id is None:
            return self._note("Save the plan before recording a review.", "error")
        if self.plan != self._saved:
            return self._note("Save or discard your changes before recording a review.", "error")
        try:
            reviewed = record_review(self.ws, self._saved_id, reviewer, outcome, notes)
        except IntelbenchError as exc:
            return self._note(f"Review not recorded. {exc}", "error")
        self._saved = reviewed
        self._show(reviewed)
        self._loading = True
        self.w_reviewer.value = self.w_notes.value = ""
        self.w_outcome.value = ""
        self._loading = False
        return self._note(
            f"Review recorded as revision {reviewed.revision}; next review due "
            f"{reviewed.next_review}.",
            "ok",
        )

    def discard_draft(self) -> None:
        """Throw away unsaved changes: reload the saved plan, or start a new one."""
        self._clear_drafts(self._draft_key())
        if self._saved_id:
            self.load(self._saved_id)
        else:
            self.new_plan()

    def link_report(self, urn: str, grade: Any = None) -> bool:
        """Link report ``urn`` to the selected question and show the suggested status.

        Without ``grade`` the report's grade is read from the workspace ``"report"`` document
        when there is one. The status does not change until :meth:`confirm_status`.
        """
        if not self._qid:
            return self._note("Select a question to link the report to.", "error")
        try:
            if not grade and urn and self.ws.exists("report", urn.strip()):
                grade = self.ws.get("report", urn.strip())
            plan, suggestion = _link_report(self.plan, self._qid, urn, grade=grade or None)
        except IntelbenchError as exc:
            return self._note(f"Report not linked. {exc}", "error")
        self._change(plan, select=self._qid)
        self._suggestion = suggestion if suggestion.changes else None
        verb = "suggests" if suggestion.changes else "keeps"
        return self._note(
            f"Linked {suggestion.urn} to {suggestion.question_id}; the grade {verb} status "
            f"{suggestion.suggested.value}."
        )

    def confirm_status(self) -> bool:
        """Apply the status suggested by the last :meth:`link_report`."""
        if self._suggestion is None:
            return self._note("There is no suggested status to confirm.", "error")
        try:
            plan = _confirm_status(self.plan, self._suggestion)
        except IntelbenchError as exc:
            self._suggestion = None
            return self._note(f"Status not changed. {exc}", "error")
        s, self._suggestion = self._suggestion, None
        self._change(plan, select=s.question_id)
        return self._note(f"Question {s.question_id} is now {s.suggested.value} (not yet saved).")

    def add_question(self) -> str:
        """Append an empty question, select it and return its id."""
        qid = self.plan.next_question_id()
        self._change(self.plan.add_question(id=qid), select=qid)
        return qid

    def remove_question(self, question_id: str | None = None) -> None:
        """Remove the selected question (or ``question_id``)."""
        qid = question_id or self._qid
        if not qid:
            self._note("Select a question to remove.", "error")
            return
        ids = [q.id for q in self.plan.questions]
        plan = self.plan.remove_question(qid)
        rest = [i for i in ids if i != qid]
        nxt = rest[min(ids.index(qid), len(rest) - 1)] if rest else None
        self._change(plan, select=nxt)

    def move_question(self, delta: int, question_id: str | None = None) -> None:
        """Move the selected question (or ``question_id``) ``delta`` places up (-) or down (+)."""
        qid = question_id or self._qid
        if not qid:
            self._note("Select a question to move.", "error")
            return
        pos = [q.id for q in self.plan.questions].index(qid)
        self._change(self.plan.move_question(qid, pos + delta), select=qid)

    def select_question(self, question_id: str | None) -> None:
        """Show ``question_id`` in the question editor."""
        self.w_questions.value = question_id

    def set_source(self, source: SourceType | str, checked: bool, difficulties: str = "") -> None:
        """Tick (or untick) a candidate source of the selected question."""
        box, diff = self.q_sources[SourceType.coerce(source, "source_type")]
        box.value = checked
        diff.value = difficulties

    def problems(self) -> list[Problem]:
        """Return the current rule breaches (errors) and overdue items (warnings)."""
        return self.plan.validate()

    # ================================================================= sync
    def _draft_key(self) -> str:
        return self._saved_id or NEW_PLAN_DRAFT

    def _clear_drafts(self, *keys: str) -> None:
        for key in {*keys, self.plan.id}:
            if key:
                delete_draft(self.ws, key)

    def _on_header(self, change: Any) -> None:
        if not self._loading:
            self._apply(self._header_changes)

    def _on_question(self, change: Any) -> None:
        if not self._loading and self._qid is not None:
            self._apply(self._question_changes)

    def _on_select(self, change: Any) -> None:
        if not self._loading:
            self._qid = change["new"]
            self._show_question()

    def _header_changes(self) -> CollectionPlan:
        return self.plan.replace(
            id=self.w_id.value.strip(),
            title=self.w_title.value,
            owner=self.w_owner.value,
            operation_ref=self.w_operation.value,
            control_strategy=self.w_control.value,
            requirement_level=self.w_level.value,
            requirement=self.w_requirement.value,
            terms_of_reference=self.w_tor.value,
            created=self.w_created.value,
            review_frequency_days=int(self.w_freq.value),
            status=self.w_plan_status.value,
        )

    def _question_changes(self) -> CollectionPlan:
        assert self._qid is not None
        sources = self._sources(self.plan.question(self._qid).candidate_sources)
        return self.plan.update_question(
            self._qid,
            text=self.q_text.value,
            priority=self.q_priority.value,
            gap=self.q_gap.value,
            method=self.q_method.value,
            tasked_to=self.q_tasked.value,
            deadline=self.q_deadline.value,
            authority=self.q_authority.value,
            authority_ref=self.q_authority_ref.value,
            necessity=self.q_necessity.value,
            proportionality=self.q_proportionality.value,
            status=self.q_status.value,
            closure_reason=self.q_closure.value,
            answered_by=self.q_answered.value,
            candidate_sources=sources,
        )

    def _sources(self, current: tuple[CandidateSource, ...]) -> list[CandidateSource]:
        """Rebuild the sources from the checkboxes, keeping order and each source's detail."""
        out: list[CandidateSource] = []
        seen: set[SourceType] = set()
        for c in current:
            box, diff = self.q_sources[c.source_type]
            if box.value:
                text = c.access_difficulties if c.source_type in seen else diff.value
                out.append(CandidateSource(c.source_type, text, c.detail))
                seen.add(c.source_type)
        for src, (box, diff) in self.q_sources.items():
            if box.value and src not in seen:
                out.append(CandidateSource(src, diff.value))
        return out

    def _apply(self, build: Any) -> None:
        try:
            plan = build()
        except IntelbenchError as exc:
            self._note(f"Change not applied. {exc}", "error")
            return
        self._change(plan, select=self._qid)

    def _change(self, plan: CollectionPlan, select: str | None) -> None:
        self.plan = plan
        self._qid = select
        self._show_list()
        self._show_question()
        self._message = ("Unsaved changes: the draft is kept in the workspace.", "info")
        self._autosave()
        self._note("")

    def _autosave(self) -> None:
        try:
            save_draft(self.ws, self.plan, key=self._draft_key())
            self._remember(self._draft_key())
        except Exception as exc:  # the store's own errors must show, never vanish
            self._note(f"Draft not saved: {type(exc).__name__}: {exc}", "error")

    # ================================================================= display
    def _show(self, plan: CollectionPlan) -> None:
        self.plan = plan
        self._loading = True
        try:
            self.w_id.value = plan.id
            self.w_title.value = plan.title
            self.w_owner.value = plan.owner
            self.w_operation.value = plan.operation_ref
            self.w_control.value = plan.control_strategy
            self.w_level.value = plan.requirement_level
            self.w_requirement.value = plan.requirement
            self.w_tor.value = plan.terms_of_reference
            self.w_created.value = plan.created
            self.w_freq.value = max(0, min(plan.review_frequency_days, 3650))
            self.w_plan_status.value = plan.status
        finally:
            self._loading = False
        self._qid = plan.questions[0].id if plan.questions else None
        self._show_list()
        self._show_question()
        self._show_history()

    def _show_list(self) -> None:
        self._loading = True
        try:
            self.w_questions.options = [
                (f"{i}. {q.id} [{q.priority.value if q.priority else '-'}] {q.status.value}: "
                 f"{q.text[:60]}", q.id)
                for i, q in enumerate(self.plan.questions, start=1)
            ]
            self.w_questions.value = self._qid
        finally:
            self._loading = False

    def _show_question(self) -> None:
        q = self.plan.question(self._qid) if self._qid else None
        self.q_editor.layout.display = None if q else "none"
        if q is None:
            return
        self._loading = True
        try:
            self.q_text.value = q.text
            self.q_priority.value = q.priority
            self.q_gap.value = q.gap
            self.q_method.value = q.method
            self.q_tasked.value = q.tasked_to
            self.q_deadline.value = q.deadline
            self.q_authority.value = q.authority
            self.q_authority_ref.value = q.authority_ref
            self.q_necessity.value = q.necessity
            self.q_proportionality.value = q.proportionality
            self.q_status.value = q.status
            self.q_closure.value = q.closure_reason
            self.q_answered.value = ", ".join(q.answered_by)
            chosen = {c.source_type: c.access_difficulties for c in q.candidate_sources}
            for src, (box, diff) in self.q_sources.items():
                box.value = src in chosen
                diff.value = chosen.get(src, "")
        finally:
            self._loading = False
        self._show_header_extras()

    def _show_header_extras(self) -> None:
        nxt = self.plan.next_review
        self.w_next_review.value = (
            f"<span>Next review due: <b>{html.escape(str(nxt) if nxt else 'not set')}</b></span>"
        )

    def _show_history(self) -> None:
        saved = [(pid, pid) for pid in list_plans(self.ws)]
        if list(self.w_load.options) != saved:
            self.w_load.options = saved
        self._show_header_extras()
        if not self._saved_id:
            self.history.value = history_html(None)
            return
        self.history.value = history_html(plan_history(self.ws, self._saved_id))

    def _note(self, message: str, kind: str = "info") -> bool:
        if message:
            self._message = (message, kind)
        self._show_history()
        problems = self.problems()
        labels = {**{f"plan.{k}": v for k, v in _labels(self._plan_fields).items()},
                  **_labels(self._question_fields),
                  "candidate_sources": "Candidate sources", "plan.next_review": "Next review"}
        self.status.value = status_html(
            self.plan, self._qid, self._message, problems, self._suggestion, labels
        )
        self.status_save.value = self.status.value
        highlight(self._plan_fields, self._question_fields, problems, self._qid)
        return self._message[1] != "error"
