"""Integrity locks: after an audit integrity failure the workspace refuses writes.

When the audit log cannot be trusted (its key file is missing, unreadable or readable by
others, a checkpoint or anchored head does not match, the log was truncated, edited or
re-chained), :class:`~intelbench.exceptions.AuditIntegrityError` is raised **and** a lock row
is written to ``ib_integrity_locks``. From then on every write that records or changes
intelligence (COLLECT, ALTER, COMBINE, DISCLOSE, ERASE, OSINT_QUERY) is refused with
:class:`~intelbench.exceptions.WorkspaceLockedError`; reads still work (each still logged as
CONSULT) so the problem can be investigated.

A SUPERVISOR lifts the lock with ``ws.audit.acknowledge(reason)``: the acknowledgement is
itself an audit entry (ALTER on ``audit/integrity``, naming the locks and problems) and is
kept on the lock row. ``verify()`` goes on reporting a problem that was acknowledged (it is
still true); it does not lock the workspace again for the *same* problem, only for a new one.

The table is defined here on the store's metadata (``metadata_v3``) so ``create_all`` makes
it; :func:`ensure_tables` creates it in a workspace made before it existed.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import WorkspaceLockedError
from intelbench.store.db import integrity_locks, read_tx, utc_now, write_tx

__all__ = [
    "LOCKED_ACTIONS",
    "IntegrityLock",
    "check_unlocked",
    "ensure_tables",
    "integrity_locks",
    "locks_frame",
    "open_locks",
    "record_lock",
]

#: Audit actions refused while the workspace is locked (CONSULT stays allowed).
LOCKED_ACTIONS: frozenset[str] = frozenset(
    {"COLLECT", "ALTER", "COMBINE", "DISCLOSE", "ERASE", "OSINT_QUERY"}
)



def ensure_tables(engine: Engine, tables: Sequence[sa.Table]) -> None:
    """Create any of ``tables`` the database lacks (workspaces made before they existed).

    Examples
    --------
    >>> import sqlalchemy as sa
    >>> from intelbench.store.integrity import ensure_tables, integrity_locks
    >>> engine = sa.create_engine("sqlite://")
    >>> ensure_tables(engine, [integrity_locks])
    >>> sa.inspect(engine).has_table("ib_integrity_locks")
    True
    """
    with engine.connect() as conn:
        inspector = sa.inspect(conn)
        missing = [t for t in tables if not inspector.has_table(t.name)]
    if not missing:
        return
    with engine.begin() as conn:
        for table in missing:
            table.create(conn, checkfirst=True)


@dataclass(frozen=True)
class IntegrityLock:
    """One integrity failure that locked the workspace.

    Attributes
    ----------
    id : int
        The lock's number.
    detected_at, detected_by : str
        When (UTC ISO 8601) and by whom it was noticed.
    problem : str
        What is wrong and where (the error's message).
    entry_seq : int or None
        The first bad audit entry, when the error names one.
    """

    id: int
    detected_at: str
    detected_by: str
    problem: str
    entry_seq: int | None


def record_lock(engine: Engine, problem: str, entry_seq: int | None, who: str) -> int | None:
    """Lock the workspace for ``problem`` (once: a known problem is not locked again).

    Returns the new lock's id, or None when the same problem was already recorded (open or
    acknowledged).
    """
    ensure_tables(engine, [integrity_locks])
    with write_tx(engine, lock_state=False) as conn:
        known = conn.execute(
            sa.select(integrity_locks.c.id).where(integrity_locks.c.problem == problem)
        ).first()
        if known is not None:
            return None
        result = conn.execute(
            sa.insert(integrity_locks).values(
                detected_at=utc_now().isoformat(timespec="seconds"),
                detected_by=who,
                problem=problem,
                entry_seq=entry_seq,
            )
        )
        key = result.inserted_primary_key
        return int(key[0]) if key else None


def open_locks(conn: Connection) -> list[IntegrityLock]:
    """Return the locks not yet acknowledged, oldest first."""
    rows = conn.execute(
        sa.select(integrity_locks)
        .where(integrity_locks.c.acknowledged_at.is_(None))
        .order_by(integrity_locks.c.id)
    ).all()
    return [
        IntegrityLock(
            int(r.id),
            str(r.detected_at),
            str(r.detected_by),
            str(r.problem),
            None if r.entry_seq is None else int(r.entry_seq),
        )
        for r in rows
    ]


def check_unlocked(conn: Connection, actions: Iterable[str]) -> None:
    """Raise :class:`WorkspaceLockedError` when a lock is open and an action changes records."""
    if not LOCKED_ACTIONS.intersection(actions):
        return
    locks = open_locks(conn)
    if not locks:
        return
    first = locks[0]
    raise WorkspaceLockedError(
        f"the workspace refuses writes: its audit log failed an integrity check "
        f"({len(locks)} open problem(s); first, noticed {first.detected_at} by "
        f"{first.detected_by}: {first.problem}). A SUPERVISOR must investigate and call "
        "ws.audit.acknowledge(reason) (audited); reads still work and are logged"
    )


def locks_frame(engine: Engine) -> pd.DataFrame:
    """Every integrity lock, open or acknowledged, as a DataFrame (oldest first).

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> ws.audit.locks().empty
    True
    """
    ensure_tables(engine, [integrity_locks])
    with read_tx(engine) as conn:
        rows = [dict(r._mapping) for r in conn.execute(
            sa.select(integrity_locks).order_by(integrity_locks.c.id)
        )]
    frame = pd.DataFrame(rows, columns=[c.name for c in integrity_locks.columns])
    frame.attrs["roles"] = {
        "id": "identifier",
        "detected_at": "time",
        "detected_by": "officer",
        "problem": "internal",
        "entry_seq": "identifier",
        "acknowledged_at": "time",
        "acknowledged_by": "officer",
        "ack_reason": "internal",
        "ack_entry": "identifier",
    }
    return frame


def render_locks_html(locks: list[IntegrityLock]) -> str:
    """Return a red banner listing open locks (empty string when there are none)."""
    if not locks:
        return ""
    items = "".join(
        f"<li>#{lk.id} ({html.escape(lk.detected_at)}, {html.escape(lk.detected_by)}): "
        f"{html.escape(lk.problem)}</li>"
        for lk in locks
    )
    return (
        "<div class='ib-integrity-lock' style='color:#b42318'><b>Workspace locked: writes "
        f"refused until a SUPERVISOR acknowledges</b><ul>{items}</ul></div>"
    )

