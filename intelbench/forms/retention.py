"""The MoPI review form: pick a record from the review queue, see what is known, decide.

A thin front end over :mod:`intelbench.retention`: the queue is
:func:`~intelbench.retention.review_queue`, the decision :func:`~intelbench.retention.decide`
(RETAIN with a reason and next review date, or DISPOSE), new information
:func:`~intelbench.retention.trigger`. Plain methods (:meth:`ReviewForm.select`,
:meth:`ReviewForm.decide`, :meth:`ReviewForm.record_trigger`) carry the logic so tests call them
without a browser; widget callbacks are one line each and show errors in the status area.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w
import pandas as pd

from intelbench.exceptions import IntelbenchError
from intelbench.retention.register import REVIEW_ROLES, decide, trigger
from intelbench.retention.review import review_queue
from intelbench.retention.schedule import GROUPS, RetentionSchedule, add_years, to_date

__all__ = ["ReviewForm"]

_STYLE = {"description_width": "10em"}


class ReviewForm(w.VBox):
    """Review the records due or overdue under MoPI and record decisions (audited).

    Parameters
    ----------
    ws : Workspace
        The workspace (deciding needs INTEL_UNIT or SUPERVISOR; the form says so otherwise).
    as_of : date-like, optional
        The day of the review (default today).
    schedule : RetentionSchedule, optional

    Examples
    --------
    >>> import tempfile
    >>> from intelbench.retention import register
    >>> from intelbench.forms.retention import ReviewForm
    >>> ws = open_as("i.unit", tempfile.mkdtemp(), role="INTEL_UNIT")
    >>> _ = ws.put("report", "IR-1", {"text": "..."}, action="COLLECT")
    >>> _ = register(ws, pd.DataFrame({"key": ["IR-1"], "offence": ["theft"],
    ...                                "created_at": ["2015-01-01"]}))
    >>> form = ReviewForm(ws, as_of="2026-11-30")
    >>> form.picker.options[1]
    ('report/IR-1 · OVERDUE · Group 3 · theft', 'report/IR-1')
    >>> form.select("report/IR-1"); form.decision.value = "RETAIN"
    >>> form.reason.value = "Subject re-offending: necessary"
    >>> form.decide()
    'RETAIN'
    >>> len(form.queue)
    0
    """

    def __init__(self, ws: Any, *, as_of: Any = None,
                 schedule: RetentionSchedule | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.ws = ws
        self.schedule = schedule or RetentionSchedule()
        self.as_of = (dt.datetime.now(dt.UTC).date() if as_of is None
                      else to_date(as_of, "as_of"))
        whoami = getattr(ws, "whoami", None)
        self.who = w.HTML(whoami()._repr_html_() if whoami is not None else "")
        self.picker = w.Dropdown(description="Record", style=_STYLE,
                                 layout=w.Layout(width="44em"))
        self.known = w.HTML()
        self.decision = w.RadioButtons(options=["RETAIN", "DISPOSE"], value=None,
                                       description="Decision", style=_STYLE)
        self.reason = w.Textarea(description="Reason (NRAC)", style=_STYLE,
                                 placeholder="Necessity, relevance, adequacy, currency",
                                 layout=w.Layout(width="44em"))
        self.next_review = w.DatePicker(description="Next review", style=_STYLE)
        self.decide_button = w.Button(description="Record decision", button_style="primary",
                                      icon="check")
        self.trigger_what = w.Text(description="New information", style=_STYLE,
                                   placeholder="Reference of the new report (no content)",
                                   layout=w.Layout(width="44em"))
        self.trigger_button = w.Button(description="Record trigger event", icon="refresh")
        self.status = w.HTML()
        for widget, name in ((self.picker, "picker"), (self.known, "known"),
                             (self.status, "status"), (self.decide_button, "decide"),
                             (self.trigger_button, "trigger")):
            widget.add_class(f"ib-review-{name}")
        self.queue = review_queue(ws, as_of=self.as_of, schedule=self.schedule)
        self.ref: str | None = None
        self.reload()
        self.picker.observe(lambda change: self._guard(self.select, change["new"]),
                            names="value")
        self.decide_button.on_click(lambda _b: self._guard(self.decide))
        self.trigger_button.on_click(lambda _b: self._guard(self.record_trigger))
        self.children = [self.who, self.picker, self.known, self.decision, self.reason,
                         self.next_review, self.decide_button,
                         w.HBox([self.trigger_what, self.trigger_button]), self.status]
        if getattr(ws, "role", None) not in REVIEW_ROLES:
            self.decide_button.disabled = True
            self._show(f"Your role {getattr(ws, 'role', None)} may read the queue but not "
                       f"decide: deciding a MoPI review needs {' or '.join(REVIEW_ROLES)}. "
                       "You can record new information (a trigger event) for a reviewer.",
                       error=True)

    def reload(self) -> None:
        """Refresh the queue (after a decision) and the picker."""
        self.queue = review_queue(self.ws, as_of=self.as_of, schedule=self.schedule)
        options: list[tuple[str, str | None]] = [("— choose a record —", None)]
        options += [(f"{r.ref} · {r.state} · Group {r.mopi_group} · {r.offence}", str(r.ref))
                    for r in self.queue.frame.itertuples()]
        self.picker.options = options
        self.ref = None
        self.known.value = (f"<b>{len(self.queue)}</b> record(s) due or overdue on "
                            f"{self.as_of.isoformat()}")

    def select(self, ref: str | None) -> None:
        """Show what is known about ``ref`` and propose the next review date."""
        self.ref = ref
        if ref is None:
            return
        rows = self.queue.frame[self.queue.frame["ref"] == ref]
        if rows.empty:
            raise IntelbenchError(f"{ref} is not in the review queue on {self.as_of}")
        r = rows.iloc[0]
        group = int(r["mopi_group"])
        facts = [("Group", f"{group}: {GROUPS[group]}"), ("State", r["state"]),
                 ("Review was due", r["next_review"]), ("Days overdue", r["days_overdue"]),
                 ("Record type", r["record_type"]), ("Offence", r["offence"]),
                 ("Subject", r["subject"]), ("Subject's age", r["subject_age"]),
                 ("Created", r["created_on"]), ("Legacy record", "yes" if r["legacy"] else "no"),
                 ("Last review", r["last_review"]), ("Last decision", r["decision"]),
                 ("Trigger events", f"{r['triggers']} (last {r['last_trigger']})")]
        problem = self.schedule.disposal_problem(group, _dob_hint(self.ws, ref), self.as_of)
        cells = "".join(f"<tr><th style='text-align:left'>{html.escape(k)}</th>"
                        f"<td>{html.escape('' if pd.isna(v) else str(v))}</td></tr>"
                        for k, v in facts)
        note = (f"<div style='color:#a00'>Disposal not allowed: {html.escape(problem)}</div>"
                if problem else "")
        self.known.value = f"<table>{cells}</table>{note}"
        years = int(self.schedule.review_years[group])
        self.next_review.value = add_years(self.as_of, years)

    def decide(self) -> str:
        """Record the chosen decision for the selected record; return it."""
        if self.ref is None:
            raise IntelbenchError("choose a record from the queue first")
        if self.decision.value is None:
            raise IntelbenchError("choose RETAIN or DISPOSE")
        ref = self.ref
        nxt = self.next_review.value if self.decision.value == "RETAIN" else None
        done = decide(self.ws, ref, self.decision.value, reason=self.reason.value,
                      next_review=nxt, as_of=self.as_of, schedule=self.schedule)
        self.reason.value = ""
        self.decision.value = None
        self.reload()
        self._show(f"Recorded {done} for {ref} (audited).")
        return done

    def record_trigger(self) -> dt.date:
        """Record new information about the selected record's subject; the review resets."""
        if self.ref is None:
            raise IntelbenchError("choose a record from the queue first")
        ref = self.ref
        nxt = trigger(self.ws, ref, on=self.as_of, what=self.trigger_what.value,
                      schedule=self.schedule)
        self.trigger_what.value = ""
        self.reload()
        self._show(f"Trigger event recorded for {ref}; next review {nxt.isoformat()}.")
        return nxt

    def _show(self, text: str, *, error: bool = False) -> None:
        colour = "#a00" if error else "#060"
        self.status.value = f"<div style='color:{colour}'>{html.escape(text)}</div>"

    def _guard(self, fn: Callable[..., Any], *args: Any) -> Any:
        try:
            return fn(*args)
        except Exception as exc:  # shown, never swallowed
            self._show(f"{type(exc).__name__}: {exc}", error=True)
        return None


def _dob_hint(ws: Any, ref: str) -> str | None:
    from intelbench.retention.register import register_frame

    rows = register_frame(ws, [ref])
    value = rows["subject_dob"].iloc[0] if len(rows) else None
    return None if value is None or pd.isna(value) else str(value)
