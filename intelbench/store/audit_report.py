"""Audit views for a data-protection officer: ``ws.audit.report(...)``.

Three questions, each answered from the audit log alone:

- **who consulted or disclosed this record** (``record="report/IR-1"``): CONSULT and DISCLOSE
  entries for the record, bulk reads that listed it included;
- **what did this person look at in this period** (``analyst=..., since=..., until=...``);
- **what left to this recipient** (``recipient=...``): the DISCLOSE entries.

The answer is an :class:`AuditReport` with the matching entries as a DataFrame and an HTML
view; it holds references and justifications, never record content.
"""

from __future__ import annotations

import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = ["AuditReport", "audit_report", "render_log_html"]

_COLUMNS = [
    "seq",
    "timestamp",
    "analyst",
    "role",
    "action",
    "record_ref",
    "recipient",
    "justification",
]


#: Column roles of :meth:`AuditReport.to_frame` (see :mod:`intelbench.gate.roles`).
_ROLES = {
    "seq": "identifier",
    "timestamp": "time",
    "analyst": "officer",
    "role": "label",
    "action": "label",
    "record_ref": "identifier",
    "recipient": "label",
    "justification": "free_text",
}


@dataclass(frozen=True)
class AuditReport:
    """The answer to one data-protection question.

    Attributes
    ----------
    question : str
        The question, in words.
    entries : pandas.DataFrame
        The matching audit entries (seq, timestamp, analyst, role, action, record_ref,
        recipient, justification, detail), oldest first.
    """

    question: str
    entries: pd.DataFrame

    def __len__(self) -> int:
        return len(self.entries)

    def to_frame(self) -> pd.DataFrame:
        """Return the answer as a table that declares its column roles, for the gate.

        Export it only through the dissemination gate, which checks, sanitises, writes and
        audits the disclosure: ``ib.disseminate(report.to_frame(), to=..., purpose=...,
        basis=..., necessity=..., path=..., ws=ws, drop=["analyst"])``. ``analyst`` is an
        officer's identity, which the gate never lets leave: it must be dropped (by name) and
        the DPO reads it in the workbench view. The ``detail`` column (keyed hashes, counts)
        is left out.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.audit.record("DISCLOSE", justification="tasking", record_ref="report/IR-1@1",
        ...                     recipient="Northshire Council")
        >>> frame = ws.audit.report(recipient="Northshire Council").to_frame()
        >>> frame.attrs["roles"]["analyst"], frame.attrs["title"]
        ('officer', 'What was disclosed to Northshire Council')
        """
        frame = self.entries[_COLUMNS].copy()
        frame["timestamp"] = frame["timestamp"].dt.strftime("%Y-%m-%d %H:%M:%S")
        frame.attrs["roles"] = dict(_ROLES)
        frame.attrs["title"] = self.question
        return frame

    def _repr_html_(self) -> str:
        from intelbench._display import date_text

        esc = html.escape

        def cell(c: str, v: Any) -> str:
            if c == "timestamp":
                return date_text(v, "second")
            return str(v if v is not None else "")

        head = "".join(f"<th>{esc(c)}</th>" for c in _COLUMNS)
        rows = "".join(
            "<tr>"
            + "".join(f"<td>{esc(cell(c, r[c]))}</td>" for c in _COLUMNS)
            + "</tr>"
            for _, r in self.entries.iterrows()
        )
        return (
            f"<div class='ib-audit-report'><b>{esc(self.question)}</b>: {len(self)} entries"
            f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table></div>"
        )


def _mentions(ref: str, detail: dict[str, Any], record: str) -> bool:
    if ref == record or ref.startswith(record + "@"):
        return True
    kind, _, key = record.partition("/")
    if detail.get("kind") == kind:
        keys = detail.get("keys")
        if isinstance(keys, list) and key in keys:
            return True
    return False


def audit_report(
    entries: pd.DataFrame,
    *,
    record: str | None = None,
    analyst: str | None = None,
    recipient: str | None = None,
    since: Any = None,
    until: Any = None,
) -> AuditReport:
    """Answer one question from the entries of an audit log (see the module docs).

    Parameters
    ----------
    entries : pandas.DataFrame
        ``AuditLog.entries()``.
    record : str, optional
        ``"kind/key"``: who consulted or disclosed it.
    analyst : str, optional
        What this person did (with ``since``/``until``).
    recipient : str, optional
        What was disclosed to this recipient.
    since, until : date-like, optional
        The period (UTC; ``until`` exclusive).

    Returns
    -------
    AuditReport

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> _ = ws.put_many("report", {"IR-1": {"n": 1}, "IR-2": {"n": 2}}, action="COLLECT")
    >>> _ = ws.get_many("report", justification="weekly review")
    >>> _ = ws.audit.record("DISCLOSE", justification="tasking", record_ref="report/IR-1@1",
    ...                     recipient="Northshire Council")
    >>> r = ws.audit.report(record="report/IR-1")
    >>> r.entries[["action", "analyst", "justification"]]
         action     analyst  justification
    0   CONSULT  A. Analyst  weekly review
    1  DISCLOSE  A. Analyst        tasking
    """
    if sum(x is not None for x in (record, analyst, recipient)) != 1:
        raise ParameterError("give exactly one of record, analyst or recipient")
    frame = entries
    if since is not None:
        frame = frame[frame["timestamp"] >= pd.Timestamp(since, tz="UTC")]
    if until is not None:
        frame = frame[frame["timestamp"] < pd.Timestamp(until, tz="UTC")]
    period = (
        "" if since is None and until is None else f" from {since or '...'} to {until or '...'}"
    )
    if record is not None:
        if not isinstance(record, str) or "/" not in record:
            raise ParameterError(f"record must be 'kind/key'; got {record!r}")
        mentions = pd.Series(
            [
                _mentions(str(r), d, record)
                for r, d in zip(frame["record_ref"], frame["detail"], strict=True)
            ],
            index=frame.index,
            dtype=bool,
        )
        keep = frame["action"].isin(["CONSULT", "DISCLOSE"]) & mentions
        question = f"Who consulted or disclosed {record}{period}"
    elif analyst is not None:
        keep = frame["analyst"] == analyst
        question = f"What {analyst} did{period}"
    else:
        keep = (frame["action"] == "DISCLOSE") & (frame["recipient"] == recipient)
        question = f"What was disclosed to {recipient}{period}"
    return AuditReport(question, frame[keep].reset_index(drop=True))


def render_log_html(n: int, status: str, tail: pd.DataFrame) -> str:
    """HTML of an audit log: size, whether the chain verifies, the last entries."""
    from intelbench._display import count, date_text

    esc = html.escape
    colour = "#1a7f37" if status == "verifies" else "#b42318"
    rows = "".join(
        "<tr>"
        + "".join(
            f"<td>{esc(str(v))}</td>"
            for v in (
                r.seq,
                date_text(r.timestamp, "second"),
                r.analyst,
                r.role,
                r.action,
                r.record_ref,
                r.recipient or "",
                r.justification,
            )
        )
        + "</tr>"
        for r in tail.itertuples()
    )
    head = "".join(
        f"<th>{h}</th>"
        for h in (
            "seq",
            "when (UTC)",
            "analyst",
            "role",
            "action",
            "record",
            "recipient",
            "justification",
        )
    )
    return (
        f"<div><b>Audit log</b>: {count(n)} entries; chain "
        f"<span style='color:{colour}'>{esc(status)}</span>"
        + (f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>" if n else "")
        + "</div>"
    )
