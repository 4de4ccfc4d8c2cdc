"""The supervisor's side of a re-grade proposal, inside the grading form.

A SUPERVISOR who opens a report with a pending re-grade proposal sees it (current and
proposed grade, who proposed it and why) and accepts or rejects it with a reason
(:func:`intelbench.grading.proposals.decide_proposal`: the re-grade is made on acceptance,
both steps are audited). Other roles see the pending proposals but no buttons.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any

import ipywidgets as w

from intelbench.exceptions import IntelbenchError
from intelbench.grading.policy import GradingPolicy
from intelbench.grading.proposals import decide_proposal, proposals

__all__ = ["ProposalPanel"]


class ProposalPanel(w.VBox):
    """Pending re-grade proposals of one report, with Accept and Reject for a supervisor.

    Parameters
    ----------
    ws : Workspace
    urn : str
        The report.
    policy : GradingPolicy, optional
        Applied to the re-grade when a proposal is accepted.

    Examples
    --------
    >>> import tempfile
    >>> from intelbench.forms._proposal_panel import ProposalPanel
    >>> ws = open_as("s.super", tempfile.mkdtemp(), role="SUPERVISOR")
    >>> ProposalPanel(ws, "IR-1").pending
    []
    """

    def __init__(self, ws: Any, urn: str, policy: GradingPolicy | None = None) -> None:
        super().__init__()
        self.ws, self.urn, self.policy = ws, urn, policy
        self.on_decided: list[Callable[[str], Any]] = []  # told the URN after each decision
        self.summary = w.HTML()
        self.decision_reason = w.Text(description="Decision reason",
                                      style={"description_width": "12em"},
                                      layout=w.Layout(width="46em"))
        self.accept_button = w.Button(description="Accept re-grade", button_style="success",
                                      icon="check")
        self.reject_button = w.Button(description="Reject re-grade", button_style="warning",
                                      icon="times")
        self.status = w.HTML()
        for widget, name in ((self, "panel"), (self.decision_reason, "reason"),
                             (self.accept_button, "accept"), (self.reject_button, "reject"),
                             (self.status, "status")):
            widget.add_class(f"ib-proposal-{name}")
        self.accept_button.on_click(lambda _b: self.decide(accept=True))
        self.reject_button.on_click(lambda _b: self.decide(accept=False))
        self.pending: list[dict[str, Any]] = []
        self.refresh()

    def may_decide(self) -> bool:
        """Whether the analyst may decide the first pending proposal (a supervisor, not its
        proposer)."""
        return (getattr(self.ws, "role", None) == "SUPERVISOR" and bool(self.pending)
                and self.pending[0]["proposed_by"] != getattr(self.ws, "analyst", None))

    def refresh(self) -> None:
        """Reload the pending proposals of the report and show them."""
        frame = proposals(self.ws, urn=self.urn, status="PENDING").frame
        self.pending = [{str(k): v for k, v in r.items()} for r in frame.to_dict("records")]
        esc = html.escape
        rows = "".join(
            f"<li><b>{esc(str(p['proposal']))}</b>: {esc(str(p['current']))} &rarr; "
            f"{esc(str(p['proposed']))}, proposed by {esc(str(p['proposed_by']))} "
            f"({esc(str(p['proposed_role']))}): {esc(str(p['reason']))}</li>"
            for p in self.pending)
        self.summary.value = (f"<div><b>Pending re-grade proposals</b><ul>{rows}</ul></div>"
                              if rows else "")
        buttons = self.may_decide()
        controls: list[w.Widget] = [self.decision_reason,
                                    w.HBox([self.accept_button, self.reject_button])]
        self.children = [self.summary, *(controls if buttons else []), self.status]
        self.layout.display = None if (rows or self.status.value) else "none"

    def decide(self, *, accept: bool) -> str | None:
        """Accept or reject the first pending proposal with the typed reason; audited."""
        if not self.pending:
            return None
        pid = str(self.pending[0]["proposal"])
        try:
            result = decide_proposal(self.ws, pid, accept=accept,
                                     reason=self.decision_reason.value, policy=self.policy)
        except (IntelbenchError, PermissionError) as exc:
            self.status.value = (f"<span class='ib-status-error' style='color:#a00'>"
                                 f"{html.escape(str(exc))}</span>")
            return None
        self.status.value = (f"<span class='ib-status-ok' style='color:#060'>"
                             f"{html.escape(f'{pid} {result.lower()}')}</span>")
        self.decision_reason.value = ""
        self.refresh()
        for callback in self.on_decided:
            callback(self.urn)
        return result
