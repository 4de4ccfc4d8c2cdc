"""The workspace audit log: append-only, keyed hash chain, anchored outside the workspace.

Every entry records who (the workspace's analyst and role), when (UTC), the action, the
justification, the record reference, the recipient (for a disclosure) and a small ``detail``
dict of non-sensitive metadata. Each entry's hash is an **HMAC-SHA-256 under the audit key**
(a file outside the workspace, see :mod:`intelbench.store.anchor`) over the canonical JSON of
all of those fields plus the previous entry's hash, so :meth:`AuditLog.verify` detects any
edit, deletion, insertion or reordering, and nobody without the key can recompute the chain
after a change.

Logged actions (DPA 2018 s.62)
------------------------------
COLLECT, ALTER, CONSULT, DISCLOSE, COMBINE and ERASE (plus OSINT_QUERY). The store writes
COLLECT/ALTER with every save, CONSULT with every read that returns document content
(:mod:`intelbench.store.consult`), ERASE with every erasure; callers record DISCLOSE and
COMBINE. CHECKPOINT is written by the store alone, once, where the keyed chain of a
workspace made by an earlier version begins.

What is never recorded
----------------------
The audit log holds **references, keyed hashes and counts, never record content**. For a
saved document the store writes ``record_ref="kind/key@revision"`` and a detail of the
document's kind, key, revision, size and ``content_hmac``: an HMAC under the record's own
key (``content_key = "record"``, :mod:`intelbench.store.record_keys`), so a guessed record
cannot be confirmed against the log without that key, and erasure destroys the key; for an
erasure only the reference, the number of revisions removed and ``record_key_destroyed``.
Callers recording their own entries pass identifiers, keyed hashes
(:meth:`AuditLog.content_hmac`) and counts in ``detail``; strings there are limited to
:data:`MAX_DETAIL_STRING` characters.

Protection
----------
The database refuses ``UPDATE`` and ``DELETE`` on the audit table (triggers), the head is kept
in a state row written in the same transaction, and after every committed write the signed
head is written outside the workspace (the anchor). With the triggers dropped, cutting entries
off and rewriting the stored head fails against the anchor; editing an entry and recomputing
the chain fails without the key. :meth:`AuditLog.checkpoint` appends a signed head to an
append-only checkpoint file (automatically after every DISCLOSE and at least daily).
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Iterator, Mapping
from dataclasses import asdict, dataclass, field
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import AuditIntegrityError, IntelbenchWarning, ParameterError, RoleError
from intelbench.store.audit_report import AuditReport, audit_report, render_log_html
from intelbench.store.chain import (
    HASHED_FIELDS,
    check_rows,
    entry_hash,
    entry_mac,
    entry_text,
    fail,
    mac_text,
)
from intelbench.store.db import (
    GENESIS_HASH,
    after_commit,
    audit_log,
    bulk_insert,
    canonical_json_of_jsonable,
    read_tx,
    state,
    to_jsonable,
    utc_now,
    write_tx,
)
from intelbench.store.identity import AuditSettings, load_settings
from intelbench.store.integrity import (
    check_unlocked,
    ensure_tables,
    integrity_locks,
    locks_frame,
    open_locks,
    record_lock,
    render_locks_html,
)
from intelbench.store.keyring import CHECKPOINT_EVERY, KeyedChain

__all__ = [
    "ACTIONS",
    "CHECKPOINT_EVERY",
    "JUSTIFICATION_REQUIRED",
    "MAX_DETAIL_STRING",
    "AuditEntry",
    "AuditLog",
    "entry_hash",
    "entry_mac",
]

#: The actions an audit entry may record (CHECKPOINT is written by the store only).
ACTIONS: tuple[str, ...] = (
    "COLLECT",
    "ALTER",
    "CONSULT",
    "DISCLOSE",
    "COMBINE",
    "ERASE",
    "OSINT_QUERY",
)

_STORE_ACTIONS: tuple[str, ...] = ("CHECKPOINT",)

#: Actions that must carry a justification (DISCLOSE also needs a recipient).
JUSTIFICATION_REQUIRED: frozenset[str] = frozenset({"CONSULT", "DISCLOSE", "ERASE", "OSINT_QUERY"})

#: Longest string allowed anywhere in an entry's ``detail``.
MAX_DETAIL_STRING = 512

_HASHED_FIELDS = HASHED_FIELDS

#: Columns of an audit row, in the order :meth:`AuditLog._append_many` builds them.
_ROW_COLUMNS = [*HASHED_FIELDS, "hash"]


@dataclass(frozen=True)
class AuditEntry:
    """One audit entry, as stored.

    Attributes
    ----------
    seq : int
        Position in the chain, from 1 with no gaps.
    timestamp : str
        When, as a UTC ISO 8601 string.
    analyst, role : str
        Who: the workspace's configured analyst identity.
    action : str
        One of :data:`ACTIONS`.
    justification : str
        Why (required for CONSULT, DISCLOSE, ERASE and OSINT_QUERY).
    record_ref : str
        The record the action concerns (a reference, never its content).
    recipient : str or None
        Who received a disclosure.
    detail : dict
        Non-sensitive metadata (hashes, counts, ids).
    prev_hash, hash : str
        SHA-256 of the previous entry and of this one.
    """

    seq: int
    timestamp: str
    analyst: str
    role: str
    action: str
    justification: str
    record_ref: str
    recipient: str | None
    detail: dict[str, Any] = field(default_factory=dict)
    prev_hash: str = GENESIS_HASH
    hash: str = ""

    def __getitem__(self, name: str) -> Any:
        """Read a field by name, as for a dict (``entry["seq"]``)."""
        if name not in self.__dataclass_fields__:
            raise KeyError(name)
        return getattr(self, name)

    def to_dict(self) -> dict[str, Any]:
        """Return the entry as a plain dict."""
        return asdict(self)


def _check_detail(detail: Any, path: str = "detail") -> None:
    if isinstance(detail, str):
        if len(detail) > MAX_DETAIL_STRING:
            raise ParameterError(
                f"{path}: audit detail strings are limited to {MAX_DETAIL_STRING} characters "
                f"(references, hashes, counts); got {len(detail)} characters"
            )
    elif isinstance(detail, dict):
        for k, v in detail.items():
            _check_detail(v, f"{path}[{k!r}]")
    elif isinstance(detail, list):
        for i, v in enumerate(detail):
            _check_detail(v, f"{path}[{i}]")


def _validate(
    action: str,
    justification: str,
    record_ref: str,
    recipient: str | None,
    detail: Mapping[str, Any] | None,
    *,
    store: bool = False,
) -> tuple[str, str, str, str | None, dict[str, Any]]:
    allowed = ACTIONS + _STORE_ACTIONS if store else ACTIONS
    if not isinstance(action, str) or action.upper() not in allowed:
        raise ParameterError(f"action must be one of {', '.join(ACTIONS)}; got {action!r}")
    action = action.upper()
    if justification is None:
        justification = ""
    if not isinstance(justification, str):
        raise ParameterError(f"justification must be a str; got {type(justification).__name__}")
    justification = justification.strip()
    if action in JUSTIFICATION_REQUIRED and not justification:
        raise ParameterError(
            f"justification is required for {action} (required for "
            f"{', '.join(sorted(JUSTIFICATION_REQUIRED))}); got an empty justification"
        )
    if not isinstance(record_ref, str) or not record_ref.strip():
        raise ParameterError(f"record_ref must be a non-empty str; got {record_ref!r}")
    if recipient is not None and (not isinstance(recipient, str) or not recipient.strip()):
        raise ParameterError(f"recipient must be a non-empty str or None; got {recipient!r}")
    if action == "DISCLOSE" and recipient is None:
        raise ParameterError("recipient is required for DISCLOSE; got None")
    if detail is None:
        detail = {}
    if not isinstance(detail, Mapping):
        raise ParameterError(f"detail must be a dict or None; got {type(detail).__name__}")
    clean = to_jsonable(dict(detail), "detail")
    _check_detail(clean)
    return action, justification, record_ref.strip(), recipient, clean


def _row_to_entry(row: Any) -> AuditEntry:
    return AuditEntry(
        seq=int(row.seq),
        timestamp=row.timestamp,
        analyst=row.analyst,
        role=row.role,
        action=row.action,
        justification=row.justification,
        record_ref=row.record_ref,
        recipient=row.recipient,
        detail=json.loads(row.detail),
        prev_hash=row.prev_hash,
        hash=row.hash,
    )


class AuditLog(KeyedChain):
    """The append-only, keyed and anchored audit log of a workspace (``ws.audit``).

    Parameters
    ----------
    engine : sqlalchemy.engine.Engine
        The workspace's engine (tables created by :class:`intelbench.store.workspace.Workspace`).
    analyst, role : str
        The identity written into every entry.
    settings : AuditSettings, optional
        Key file and anchor folder (default: :func:`intelbench.store.identity.load_settings`).
    identity : str, optional
        Where the identity came from (OS user, environment, configuration, role table),
        written as ``identity`` in every entry's detail so a DPO sees asserted identities.
    location : str, optional
        Where the workspace is (folder or redacted URL); None for an in-memory database,
        which gets a keyed chain but no anchor.

    Raises
    ------
    AuditIntegrityError
        When the audit key is missing, readable by others or not the key this workspace's
        chain uses.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> entry = ws.audit.record("CONSULT", justification="Op Larch briefing",
    ...                         record_ref="report/IR-2026-000123")
    >>> entry.seq, entry.action
    (1, 'CONSULT')
    >>> ws.audit.verify()
    True
    >>> ws.audit.entries()[["seq", "action", "record_ref"]]
       seq   action             record_ref
    0    1  CONSULT  report/IR-2026-000123
    """

    def __init__(
        self,
        engine: Engine,
        *,
        analyst: str,
        role: str,
        settings: AuditSettings | None = None,
        location: str | None = None,
        identity: str = "",
    ) -> None:
        self.engine = engine
        self.analyst = analyst
        self.role = role
        #: Where the identity came from (:func:`~intelbench.store.identity.identity_note`);
        #: written as ``identity`` in every entry's detail.
        self.identity = identity
        self.settings = settings if settings is not None else load_settings(None)
        self._location = location
        ensure_tables(engine, [integrity_locks])
        try:
            self._bind()
        except AuditIntegrityError as exc:
            self._lock(exc)
            raise
        self._quick_check()

    # ------------------------------------------------------------------ integrity locks

    def _lock(self, exc: AuditIntegrityError) -> int | None:
        """Record an integrity failure: the workspace refuses writes until acknowledged."""
        seq = getattr(exc, "seq", None)
        return record_lock(
            self.engine, str(exc), int(seq) if isinstance(seq, int) else None, self.analyst
        )

    def _quick_check(self) -> None:
        """On opening: the log must reach the furthest anchored head, with its hash.

        Cheap (one row read): it catches a truncated log or a rewritten head at once; the
        full check is :meth:`verify`. A failure locks the workspace rather than refusing to
        open it, so a supervisor can investigate and acknowledge; opening a locked workspace
        warns (:class:`~intelbench.exceptions.IntelbenchWarning`).
        """
        if self.anchor is None or not self.anchor.exists():
            return
        try:
            records = self.anchor.records(self._key)
            if not records:
                return
            top = max(records, key=lambda r: r.seq)
            with read_tx(self.engine) as conn:
                head = int(
                    conn.execute(sa.select(state.c.audit_seq).where(state.c.id == 1)).scalar_one()
                )
                row = conn.execute(
                    sa.select(audit_log.c.hash).where(audit_log.c.seq == top.seq)
                ).first()
            if top.seq > head or (top.seq > 0 and row is None):
                fail(
                    min(head, top.seq) + 1,
                    f"the log ends at entry {head} but the anchor outside the workspace "
                    f"records entry {top.seq}: entries were cut off",
                )
            if top.seq > 0 and row is not None and str(row.hash) != top.hash:
                fail(top.seq, f"entry {top.seq} does not have the hash anchored for it")
        except AuditIntegrityError as exc:
            self._lock(exc)
        with read_tx(self.engine) as conn:
            locks = open_locks(conn)
        if locks:
            warnings.warn(
                f"workspace locked (writes refused until a SUPERVISOR acknowledges with "
                f"ws.audit.acknowledge): {len(locks)} open problem(s), the first: "
                f"{locks[0].problem}",
                IntelbenchWarning,
                stacklevel=4,
            )

    def locked(self) -> bool:
        """Return True while an integrity failure awaits a supervisor's acknowledgement.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> ws.audit.locked()
        False
        """
        with read_tx(self.engine) as conn:
            return bool(open_locks(conn))

    def locks(self) -> pd.DataFrame:
        """Every integrity lock, open or acknowledged (who noticed it, who acknowledged it)."""
        return locks_frame(self.engine)

    def acknowledge(self, reason: str) -> AuditEntry:
        """Acknowledge the open integrity failures (SUPERVISOR only); writes are allowed again.

        The acknowledgement is an audit entry (ALTER on ``audit/integrity`` naming the locks
        and the first bad entries) and is kept on each lock row. ``verify()`` still reports
        the problem; it does not lock again for the same problem.

        Parameters
        ----------
        reason : str
            What was investigated and why writing may resume (required).

        Returns
        -------
        AuditEntry
            The acknowledgement's entry.

        Raises
        ------
        RoleError
            When the analyst is not a SUPERVISOR.
        ParameterError
            When the reason is empty or nothing is locked.
        """
        if not isinstance(reason, str) or not reason.strip():
            raise ParameterError(f"reason must be a non-empty str; got {reason!r}")
        if self.role != "SUPERVISOR":
            raise RoleError(
                f"{self.analyst} has role {self.role}; only a SUPERVISOR may acknowledge an "
                "audit integrity failure and unlock the workspace. Tell a supervisor what "
                "you saw (ws.audit.locks() lists the problems)"
            )
        with write_tx(self.engine) as conn:
            locks = open_locks(conn)
            if not locks:
                raise ParameterError("nothing to acknowledge: the workspace is not locked")
            checked = _validate(
                "ALTER",
                reason,
                "audit/integrity",
                None,
                {
                    "event": "integrity_acknowledged",
                    "locks": [lk.id for lk in locks],
                    "first_bad_entries": [lk.entry_seq for lk in locks],
                },
            )
            entry = self._append_many(conn, [checked], unlocked=True)[0]
            conn.execute(
                sa.update(integrity_locks)
                .where(integrity_locks.c.id.in_([lk.id for lk in locks]))
                .values(
                    acknowledged_at=utc_now().isoformat(timespec="seconds"),
                    acknowledged_by=self.analyst,
                    ack_reason=reason.strip(),
                    ack_entry=entry.seq,
                )
            )
            seq, head = entry.seq, entry.hash
            after_commit(conn, lambda: self._rebase_anchor(seq, head))
        return entry

    def _rebase_anchor(self, seq: int, head: str) -> None:
        """After an acknowledgement: anchor the log as it now is (signed, reason acknowledged)."""
        if self.anchor is None:
            return
        record = self._record_for(seq, head, "acknowledged")
        self.anchor.write_head(record, force=True)
        self.anchor.append_checkpoint(record)

    # ------------------------------------------------------------------ writing

    def record(
        self,
        action: str,
        *,
        justification: str = "",
        record_ref: str,
        recipient: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append one entry in its own transaction and return it.

        Parameters
        ----------
        action : str
            One of :data:`ACTIONS` (COLLECT, ALTER, CONSULT, DISCLOSE, COMBINE, ERASE,
            OSINT_QUERY).
        justification : str
            Why; required (non-empty) for CONSULT, DISCLOSE, ERASE and OSINT_QUERY.
        record_ref : str
            The record concerned, as a reference (``"report/IR-2026-000123"``).
        recipient : str, optional
            Who receives a disclosure; required for DISCLOSE.
        detail : dict, optional
            Non-sensitive metadata only: ids, keyed hashes, counts. Strings are limited to
            :data:`MAX_DETAIL_STRING` characters.

        Returns
        -------
        AuditEntry
            The stored entry, with its ``seq`` and ``hash``.

        Raises
        ------
        ParameterError
            For an unknown action, a missing justification or recipient, or a bad detail.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> e = ws.audit.record("DISCLOSE", justification="Partner tasking",
        ...                     record_ref="profile/P-0042@3", recipient="Northshire Council",
        ...                     detail={"rows": 12})
        >>> e.recipient, e.detail["rows"]
        ('Northshire Council', 12)
        >>> e.detail["identity"]  # where the analyst's name came from (here: open_as)
        'analyst from env INTELBENCH_ANALYST; role from requested'
        """
        checked = _validate(action, justification, record_ref, recipient, detail)
        with write_tx(self.engine) as conn:
            return self._append_checked(conn, *checked)

    def _append(
        self,
        conn: Connection,
        action: str,
        *,
        justification: str = "",
        record_ref: str,
        recipient: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> AuditEntry:
        """Append inside the caller's write transaction (``write_tx``)."""
        checked = _validate(action, justification, record_ref, recipient, detail)
        return self._append_checked(conn, *checked)

    def _append_checked(
        self,
        conn: Connection,
        action: str,
        justification: str,
        record_ref: str,
        recipient: str | None,
        detail: dict[str, Any],
    ) -> AuditEntry:
        return self._append_many(conn, [(action, justification, record_ref, recipient, detail)])[0]

    def _append_many(
        self,
        conn: Connection,
        items: list[tuple[str, str, str, str | None, dict[str, Any]]],
        *,
        unlocked: bool = False,
    ) -> list[AuditEntry]:
        """Chain and insert already-validated entries in the caller's write transaction.

        Every entry is keyed (HMAC under the audit key); the signed head is anchored outside
        the workspace once the transaction commits. While the workspace is locked after an
        integrity failure, entries that change records are refused
        (:class:`~intelbench.exceptions.WorkspaceLockedError`).
        """
        if not items:
            return []
        if not unlocked:
            check_unlocked(conn, {item[0] for item in items})
        head = conn.execute(
            sa.select(state.c.audit_seq, state.c.audit_head).where(state.c.id == 1)
        ).one()
        seq, prev = int(head.audit_seq), str(head.audit_head)
        timestamp = utc_now().isoformat(timespec="microseconds")
        key, analyst, role, note = self._key, self.analyst, self.role, self.identity
        made: list[AuditEntry] = []
        rows: list[tuple[Any, ...]] = []
        disclosed = False
        for action, justification, record_ref, recipient, detail in items:
            seq += 1
            disclosed = disclosed or action == "DISCLOSE"
            if note:
                detail = {**detail, "identity": note}
            fields: dict[str, Any] = {
                "seq": seq,
                "timestamp": timestamp,
                "analyst": analyst,
                "role": role,
                "action": action,
                "justification": justification,
                "record_ref": record_ref,
                "recipient": recipient,
                "detail": detail,
                "prev_hash": prev,
            }
            detail_json = canonical_json_of_jsonable(detail)
            this = mac_text(key, entry_text(fields, detail_json))
            made.append(AuditEntry(**fields, hash=this))
            rows.append(
                (seq, timestamp, analyst, role, action, justification, record_ref, recipient,
                 detail_json, prev, this)
            )
            prev = this
        bulk_insert(conn, audit_log, _ROW_COLUMNS, rows)
        conn.execute(sa.update(state).where(state.c.id == 1).values(audit_seq=seq, audit_head=prev))
        last_seq, last_hash = seq, prev
        reason = "disclosure" if disclosed else "write"
        after_commit(conn, lambda: self._anchor_head(last_seq, last_hash, reason))
        return made

    # ------------------------------------------------------------------ reading

    def head(self) -> tuple[int, str]:
        """Return ``(seq, hash)`` of the last entry (``(0, "000...0")`` when empty).

        The store anchors this outside the workspace after every write; you may also keep
        it yourself and pass it to :meth:`verify` later.
        """
        with read_tx(self.engine) as conn:
            row = conn.execute(
                sa.select(state.c.audit_seq, state.c.audit_head).where(state.c.id == 1)
            ).one()
        return int(row.audit_seq), str(row.audit_head)

    def __bool__(self) -> bool:
        return True

    def __len__(self) -> int:
        with read_tx(self.engine) as conn:
            n = conn.execute(sa.select(sa.func.count()).select_from(audit_log)).scalar_one()
        return int(n)

    def _iter_rows(self, conn: Connection) -> Iterator[Any]:
        result = conn.execution_options(stream_results=True, yield_per=2000).execute(
            sa.select(audit_log).order_by(audit_log.c.seq)
        )
        yield from result

    def verify(self, expected_head: tuple[int, str] | None = None) -> bool:
        """Check the whole chain against its key and anchors; a failure locks the workspace.

        See :meth:`_verify` for what is checked. Any :class:`AuditIntegrityError` is recorded
        as an integrity lock (writes refused until a SUPERVISOR calls :meth:`acknowledge`),
        then raised.
        """
        try:
            return self._verify(expected_head)
        except AuditIntegrityError as exc:
            self._lock(exc)
            raise

    def _verify(self, expected_head: tuple[int, str] | None = None) -> bool:
        """Check the whole chain against its key and anchors; True or raise naming the entry.

        Checks, in one pass: every link, every hash (plain SHA-256 before ``keyed_from``,
        HMAC under the audit key from it on), every signed head kept outside the workspace
        (the log must reach the furthest one, and each anchored entry must still have its
        anchored hash), and the head kept in the database.

        Parameters
        ----------
        expected_head : (int, str), optional
            A ``(seq, hash)`` pair from an earlier :meth:`head`; the entry at that ``seq``
            must still have that hash.

        Returns
        -------
        bool
            True when every entry verifies.

        Raises
        ------
        AuditIntegrityError
            With ``.seq`` the first bad entry: edited, deleted, inserted, moved, re-chained
            without the key, cut off below an anchored head, or added outside the store; also
            when the anchor is missing or altered or the key is wrong.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put("plan", "CP-1", {"title": "Burglary north"}, action="COLLECT")
        >>> ws.audit.verify(expected_head=ws.audit.head())
        True
        """
        with read_tx(self.engine) as conn:
            meta = self._meta(conn)
            if meta.key_id is None or str(meta.workspace_id) != self.workspace_id:
                fail(
                    self.keyed_from,
                    "the workspace's record of its audit key or id was reset inside the "
                    "workspace (the chain may have been rewritten)",
                )
            self._check_key(str(meta.key_id))
            anchors = self._anchors()
            keyed_from = int(meta.keyed_from)
            for rec in anchors:
                if rec.keyed_from != keyed_from:
                    fail(
                        min(rec.keyed_from, keyed_from),
                        f"the workspace says its keyed chain starts at entry {keyed_from} but "
                        f"the signed anchor says entry {rec.keyed_from} (a downgrade attempt)",
                    )
            last, prev = check_rows(
                self._iter_rows(conn),
                key=self._key,
                keyed_from=keyed_from,
                anchors=anchors,
                expected_head=expected_head,
            )
            anchor = conn.execute(
                sa.select(state.c.audit_seq, state.c.audit_head).where(state.c.id == 1)
            ).one()
        head_seq = int(anchor.audit_seq)
        if last > head_seq:
            fail(
                head_seq + 1,
                f"entry {head_seq + 1} is beyond the recorded head "
                f"(entry {head_seq}); it was added outside the store",
            )
        if last < head_seq:
            fail(
                last + 1,
                f"entry {last + 1} is missing (the recorded head is entry "
                f"{head_seq} but the log ends at entry {last})",
            )
        if last and anchor.audit_head != prev:
            fail(last, f"entry {last} does not match the recorded head hash")
        return True

    def entries(self, action: str | None = None, *, record_ref: str | None = None) -> pd.DataFrame:
        """Return the entries as a DataFrame, oldest first.

        Parameters
        ----------
        action : str, optional
            Keep only this action.
        record_ref : str, optional
            Keep only entries for this record reference.

        Returns
        -------
        pandas.DataFrame
            Columns ``seq, timestamp`` (UTC datetimes), ``analyst, role, action,
            justification, record_ref, recipient, detail`` (dicts), ``prev_hash, hash``.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put("plan", "CP-1", {"title": "Burglary north"}, action="COLLECT")
        >>> list(ws.audit.entries(action="COLLECT")["record_ref"])
        ['plan/CP-1@1']
        """
        stmt = sa.select(audit_log).order_by(audit_log.c.seq)
        if action is not None:
            if not isinstance(action, str) or action.upper() not in ACTIONS + _STORE_ACTIONS:
                raise ParameterError(
                    f"action must be one of {', '.join(ACTIONS + _STORE_ACTIONS)} or None; "
                    f"got {action!r}"
                )
            stmt = stmt.where(audit_log.c.action == action.upper())
        if record_ref is not None:
            stmt = stmt.where(audit_log.c.record_ref == record_ref)
        with read_tx(self.engine) as conn:
            rows = [_row_to_entry(r).to_dict() for r in conn.execute(stmt)]
        columns = ["seq", *_HASHED_FIELDS[1:], "hash"]
        frame = pd.DataFrame(rows, columns=columns)
        frame["seq"] = frame["seq"].astype("int64")
        frame["timestamp"] = pd.to_datetime(frame["timestamp"], utc=True, format="ISO8601")
        return frame

    def _status(self) -> str:
        try:
            self.verify()
        except AuditIntegrityError as exc:
            return f"DOES NOT VERIFY: {exc}"
        return "verifies"

    def _repr_html_(self) -> str:
        with read_tx(self.engine) as conn:
            banner = render_locks_html(open_locks(conn))
        return banner + render_log_html(len(self), self._status(), self.entries().tail(10))

    def report(
        self,
        *,
        record: str | None = None,
        analyst: str | None = None,
        recipient: str | None = None,
        since: Any = None,
        until: Any = None,
    ) -> AuditReport:
        """Answer a data-protection officer's question (give one of record, analyst, recipient).

        Who consulted or disclosed a record (``record="report/IR-1"``, bulk reads that listed
        it included), what a person did in a period (``analyst=..., since=..., until=...``),
        what was disclosed to a recipient (``recipient=...``). See
        :func:`intelbench.store.audit_report.audit_report`.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.audit.record("DISCLOSE", justification="tasking", record_ref="report/IR-1@1",
        ...                     recipient="Northshire Council")
        >>> ws.audit.report(recipient="Northshire Council").entries["record_ref"].tolist()
        ['report/IR-1@1']
        """
        return audit_report(
            self.entries(),
            record=record,
            analyst=analyst,
            recipient=recipient,
            since=since,
            until=until,
        )

    def __repr__(self) -> str:
        return f"AuditLog({len(self)} entries, analyst={self.analyst!r}, role={self.role!r})"
