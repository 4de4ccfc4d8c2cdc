"""Audited open-source (OSINT) use: every lookup is recorded with its justification.

Open sources leave a police footprint and lack closed-source quality standards, so their use is
audited (APP; domain rule 20). :func:`record` writes an ``OSINT_QUERY`` audit entry and a
register entry (workspace kind ``"osint"``); used as a context manager it also notes when the
work started and ended.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import TracebackType
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = ["OsintQuery", "osint_register", "record"]

REGISTER_KIND = "osint"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class OsintQuery:
    """One recorded open-source query.

    Attributes
    ----------
    ref : str
        Register key, e.g. ``OSINT-2026-000001``.
    query, purpose, justification, tool : str
        What was looked up, why, the justification and the tool or site used.
    started_at : str
        When the query was recorded (ISO 8601, UTC).
    ended_at : str or None
        When the ``with`` block ended (None outside a context manager).
    outcome : str or None
        ``"completed"`` or the exception type that ended the block.
    """

    ws: Any = field(repr=False)
    ref: str
    query: str
    purpose: str
    justification: str
    tool: str
    started_at: str
    ended_at: str | None = None
    outcome: str | None = None
    notes: list[str] = field(default_factory=list)

    def doc(self) -> dict[str, Any]:
        """Return the register entry."""
        return {
            "ref": self.ref, "query": self.query, "purpose": self.purpose,
            "justification": self.justification, "tool": self.tool,
            "analyst": getattr(self.ws, "analyst", None), "started_at": self.started_at,
            "ended_at": self.ended_at, "outcome": self.outcome, "notes": list(self.notes),
        }

    def note(self, text: str) -> None:
        """Add a note (e.g. what was found, in general terms) to the register entry."""
        self.notes.append(str(text))

    def __enter__(self) -> OsintQuery:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.ended_at = _now()
        self.outcome = "completed" if exc_type is None else exc_type.__name__
        self.ws.put(REGISTER_KIND, self.ref, self.doc(), action="ALTER",
                    justification="OSINT query ended; end time and outcome noted")


def record(
    ws: Any,
    *,
    query: str,
    purpose: str,
    justification: str,
    tool: str,
) -> OsintQuery:
    """Record an open-source query in the audit log and the OSINT register.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    query : str
        What is looked up (the search terms or address).
    purpose : str
        The purpose of the lookup.
    justification : str
        Why it is necessary and proportionate; a record without one is refused.
    tool : str
        The tool or site used.

    Returns
    -------
    OsintQuery
        Also a context manager: ``with ib.osint.record(ws, ...) as q:`` notes the end time.

    Raises
    ------
    ParameterError
        If the workspace, query, purpose, justification or tool is missing.
    """
    missing = [name for name, value in (("query", query), ("purpose", purpose),
                                        ("justification", justification), ("tool", tool))
               if not str(value or "").strip()]
    if ws is None:
        missing.insert(0, "ws")
    if missing:
        raise ParameterError(
            "osint.record: expected a non-empty " + ", ".join(missing) + "; got none"
        )
    when = datetime.now(UTC)
    prefix = f"OSINT-{when:%Y}-"
    nums = [int(k[len(prefix):]) for k in ws.keys(REGISTER_KIND)
            if k.startswith(prefix) and k[len(prefix):].isdigit()]
    ref = f"{prefix}{max(nums, default=0) + 1:06d}"
    q = OsintQuery(ws, ref, str(query), str(purpose), str(justification), str(tool),
                   when.isoformat(timespec="seconds"))
    # The register entry and its OSINT_QUERY audit entry are written in one transaction.
    ws.put(
        REGISTER_KIND, ref, q.doc(), action="OSINT_QUERY", justification=str(justification),
        detail={"ref": ref, "tool": str(tool)[:400], "purpose": str(purpose)[:400],
                "query_sha256": hashlib.sha256(str(query).encode()).hexdigest()},
    )
    return q


def osint_register(ws: Any) -> pd.DataFrame:
    """List the OSINT register: one row per recorded query (oldest first).

    Parameters
    ----------
    ws : Workspace
        The workspace.

    Returns
    -------
    DataFrame
        ref, query, purpose, justification, tool, analyst, started_at, ended_at, outcome,
        notes.
    """
    cols = ["ref", "query", "purpose", "justification", "tool", "analyst", "started_at",
            "ended_at", "outcome", "notes"]
    docs = [ws.get(REGISTER_KIND, k) for k in sorted(ws.keys(REGISTER_KIND))]
    frame = pd.DataFrame(docs, columns=cols) if docs else pd.DataFrame(columns=cols)
    return frame[cols].reset_index(drop=True)
