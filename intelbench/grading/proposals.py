"""Re-grade proposals: what an analyst may do when their role may not re-grade.

Changing a submitted grade is a re-grade (rule 8), which the grading policy allows only to
some roles (``policy.regrade_roles``, by default INTEL_UNIT and SUPERVISOR). Anyone else
**proposes** the re-grade with :func:`propose_regrade`; a SUPERVISOR then accepts it (the
re-grade is made, in the supervisor's name, with the proposal's reason and number in the
grade history) or rejects it, with a reason, by :func:`decide_proposal`.

Each proposal is a workspace document (kind ``"regrade_proposal"``, key ``"<urn>.P<n>"``), so
both steps are audited: the proposal as COLLECT (``detail.event = "regrade_proposed"``) and
the decision as ALTER (``"regrade_accepted"`` or ``"regrade_rejected"``), each naming the
report, the current and the proposed grade. A supervisor may not decide their own proposal,
and a proposal whose report was re-graded since it was made cannot be accepted.
"""

from __future__ import annotations

import html
from typing import Any

import pandas as pd

from intelbench.exceptions import GradingError, ParameterError
from intelbench.grading.grade import Grade
from intelbench.grading.policy import GradingPolicy, resolve_policy
from intelbench.grading.reports import _grade_text, current_grade, get_report, regrade

__all__ = [
    "KIND",
    "ProposalList",
    "decide_proposal",
    "proposals",
    "propose_regrade",
]

#: The workspace kind proposals are kept under.
KIND = "regrade_proposal"

_COLUMNS = [
    "proposal", "urn", "status", "current", "proposed", "reason", "proposed_by",
    "proposed_role", "proposed_at", "decided_by", "decided_at", "decision_reason",
]


def _now() -> str:
    import datetime as dt

    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


def propose_regrade(ws: Any, urn: str, grade: Grade, *, reason: str,
                    policy: GradingPolicy | None = None) -> str:
    """Propose a re-grade of a submitted grade for a supervisor to decide; audited.

    Parameters
    ----------
    ws : Workspace
    urn : str
        The report.
    grade : Grade
        The proposed grade (the workspace's grading policy applies to it).
    reason : str
        Why the grade should change (required).
    policy : GradingPolicy, optional

    Returns
    -------
    str
        The proposal's id (``"<urn>.P<n>"``).

    Raises
    ------
    GradingError
        When the reason is empty, the grade breaks the policy, the report has no submitted
        grade to change (use ``save_grade``) or the grade is the same as the current one.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("a.analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> log = pd.DataFrame({"urn": ["IR-1"], "source_eval": ["2"], "intel_assess": ["B"],
    ...                     "handling": ["P"], "status": ["EVALUATED"]})
    >>> _ = ib.reports.import_reports(ws, log)
    >>> from intelbench.grading.proposals import propose_regrade, decide_proposal, proposals
    >>> pid = propose_regrade(ws, "IR-1", ib.Grade.parse_code("1BP"),
    ...                       reason="Source now tested on three occasions")
    >>> pid
    'IR-1.P1'
    >>> ws = open_as("s.super", ws.path, role="SUPERVISOR")
    >>> decide_proposal(ws, pid, accept=True, reason="Agreed: test record RA-12")
    'ACCEPTED'
    >>> str(ib.Grade.from_dict(ws.get("report", "IR-1")))
    '1BP'
    >>> proposals(ws).frame[["proposal", "status", "proposed_by", "decided_by"]]
      proposal    status proposed_by decided_by
    0  IR-1.P1  ACCEPTED   a.analyst    s.super
    """
    policy = resolve_policy(ws, policy)
    if not isinstance(grade, Grade):
        raise GradingError(f"grade must be an ib.Grade; got {type(grade).__name__}")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise GradingError(f"a re-grade proposal for report {urn} needs a reason; got none")
    policy.enforce(grade)
    doc = get_report(ws, urn)
    old = current_grade(doc)
    status = str(doc.get("status") or "").strip().upper()
    if old is None or status == "DRAFT":
        raise GradingError(f"report {urn} has no submitted grade to change; grade it with "
                           "save_grade instead of proposing a re-grade")
    if isinstance(old, Grade) and old.to_dict() == grade.to_dict():
        raise GradingError(f"report {urn} already has grade {grade}; nothing to propose")
    existing = [k for k in ws.keys(KIND) if k.startswith(f"{urn}.P")]
    pid = f"{urn}.P{len(existing) + 1}"
    record = {
        "proposal": pid, "urn": urn, "status": "PENDING", "current": _grade_text(old),
        "proposed": str(grade), "grade": grade.to_dict(), "reason": reason,
        "proposed_by": ws.analyst, "proposed_role": ws.role, "proposed_at": _now(),
        "decided_by": None, "decided_at": None, "decision_reason": None,
    }
    ws.put(KIND, pid, record, action="COLLECT", justification=reason,
           detail={"event": "regrade_proposed", "urn": urn, "current": record["current"],
                   "proposed": record["proposed"]})
    return pid


def decide_proposal(ws: Any, proposal: str, *, accept: bool, reason: str,
                    policy: GradingPolicy | None = None) -> str:
    """Accept (the re-grade is made) or reject a proposal; SUPERVISOR only; audited.

    Returns
    -------
    str
        ``"ACCEPTED"`` or ``"REJECTED"``.

    Raises
    ------
    RoleError
        When the analyst is not a SUPERVISOR.
    GradingError
        When the proposal was decided already, is the supervisor's own, or its report was
        re-graded since it was proposed (accepting it would overwrite that); or the reason
        is empty.
    """
    if not isinstance(accept, bool):
        raise ParameterError(f"accept must be True or False; got {accept!r}")
    reason = (reason or "").strip() if isinstance(reason, str) else ""
    if not reason:
        raise GradingError(f"a decision on proposal {proposal} needs a reason; got none")
    ws.require_role(("SUPERVISOR",), "decide a re-grade proposal")
    record = dict(ws.get(KIND, proposal, justification=f"deciding re-grade proposal {proposal}"))
    if record["status"] != "PENDING":
        raise GradingError(f"proposal {proposal} was {record['status'].lower()} already by "
                           f"{record['decided_by']} at {record['decided_at']}")
    if record["proposed_by"] == ws.analyst:
        raise GradingError(f"{ws.analyst} proposed {proposal} and may not decide it; another "
                           "supervisor must")
    urn = record["urn"]
    if accept:
        now_grade = _grade_text(current_grade(get_report(ws, urn)))
        if now_grade != record["current"]:
            raise GradingError(f"report {urn} was re-graded since proposal {proposal} was made "
                               f"({record['current']} then, {now_grade} now); reject it and "
                               "propose again if still needed")
        regrade(ws, urn, Grade.from_dict(record["grade"]), policy=policy,
                reason=f"proposal {proposal} by {record['proposed_by']}: {record['reason']}; "
                       f"accepted: {reason}")
    status = "ACCEPTED" if accept else "REJECTED"
    record.update({"status": status, "decided_by": ws.analyst, "decided_at": _now(),
                   "decision_reason": reason})
    ws.put(KIND, proposal, record, action="ALTER", justification=reason,
           detail={"event": f"regrade_{status.lower()}", "urn": urn,
                   "current": record["current"], "proposed": record["proposed"]})
    return status


class ProposalList:
    """Re-grade proposals as a table with an HTML view (:func:`proposals`)."""

    def __init__(self, frame: pd.DataFrame) -> None:
        self.frame = frame

    def __len__(self) -> int:
        return len(self.frame)

    def _repr_html_(self) -> str:
        esc = html.escape
        shown = ["proposal", "status", "current", "proposed", "reason", "proposed_by",
                 "decided_by", "decision_reason"]
        head = "".join(f"<th>{esc(c.replace('_', ' '))}</th>" for c in shown)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc('' if r[c] is None else str(r[c]))}</td>"
                             for c in shown) + "</tr>"
            for _, r in self.frame.iterrows())
        return (f"<div class='ib-proposals'><b>Re-grade proposals</b>: {len(self)}"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def proposals(ws: Any, *, urn: str | None = None, status: str | None = None) -> ProposalList:
    """List re-grade proposals (optionally of one report, or in one status); one CONSULT."""
    found = ws.get_many(KIND, justification="re-grade proposals review")
    rows = [{c: doc.get(c) for c in _COLUMNS} for doc in found.values()]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    if urn is not None:
        frame = frame[frame["urn"] == urn]
    if status is not None:
        frame = frame[frame["status"] == status.strip().upper()]
    frame = frame.reset_index(drop=True)
    frame.attrs["roles"] = {
        "proposal": "identifier", "urn": "identifier", "status": "label", "current": "marking",
        "proposed": "marking", "reason": "internal", "proposed_by": "officer",
        "proposed_role": "label", "proposed_at": "time", "decided_by": "officer",
        "decided_at": "time", "decision_reason": "internal",
    }
    return ProposalList(frame)
