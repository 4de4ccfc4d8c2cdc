"""The audit log's key and anchors: binding a workspace's chain to its key, signed heads.

:class:`KeyedChain` is the part of :class:`intelbench.store.audit.AuditLog` that deals with
what lives outside the workspace (see :mod:`intelbench.store.anchor`): loading the key,
binding a workspace to it the first time (a workspace made by an earlier version gets a
CHECKPOINT entry where its keyed chain begins), anchoring the head after every commit,
checkpoints, and reading the anchors back for :meth:`~intelbench.store.audit.AuditLog.verify`.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import AuditIntegrityError, StoreError
from intelbench.store.anchor import Anchor, AnchorRecord, key_id, load_key, mac_hex
from intelbench.store.chain import fail
from intelbench.store.db import (
    GENESIS_HASH,
    after_commit,
    audit_meta,
    read_tx,
    state,
    utc_now,
    write_tx,
)
from intelbench.store.identity import AuditSettings

__all__ = ["CHECKPOINT_EVERY", "KeyedChain"]

#: Longest time between two checkpoints while the workspace is written to.
CHECKPOINT_EVERY = dt.timedelta(days=1)


class KeyedChain:
    """Key, binding and anchors of an audit log (mixed into ``AuditLog``)."""

    engine: Engine
    settings: AuditSettings
    _location: str | None
    workspace_id: str
    anchor: Anchor | None
    key_id: str
    keyed_from: int
    _key: bytes
    _last_checkpoint: dt.datetime | None

    def _append_many(self, conn: Connection, items: list[Any]) -> list[Any]:
        raise NotImplementedError

    def head(self) -> tuple[int, str]:  # noqa: D102 - defined by AuditLog
        raise NotImplementedError

    def _meta(self, conn: Connection) -> Any:
        if not sa.inspect(conn).has_table(audit_meta.name):
            raise StoreError("the workspace has no audit meta table; open it with Workspace")
        row = conn.execute(sa.select(audit_meta).where(audit_meta.c.id == 1)).first()
        if row is None:
            raise AuditIntegrityError(
                "the workspace's audit meta row is missing (it was deleted outside the store)"
            )
        return row

    def _bind(self) -> None:
        """Load the audit key and, the first time, bind the workspace's chain to it."""
        with read_tx(self.engine) as conn:
            meta = self._meta(conn)
        self.workspace_id = str(meta.workspace_id)
        self.anchor = (
            Anchor(self.settings.anchor_dir, self.workspace_id, self._location)
            if self._location is not None
            else None
        )
        self._last_checkpoint = (
            self.anchor.last_checkpoint_time() if self.anchor is not None else None
        )
        self._key = load_key(self.settings.key_file, create=meta.key_id is None)
        self.key_id = key_id(self._key)
        if meta.key_id is not None:
            self._check_key(str(meta.key_id))
            self.keyed_from = int(meta.keyed_from)
        else:
            self._first_binding()

    def _check_key(self, stored: str) -> None:
        if stored != self.key_id:
            raise AuditIntegrityError(
                f"audit key mismatch: this workspace's audit chain uses key id {stored}, but "
                f"the configured key file {self.settings.key_file} has id {self.key_id}. "
                "Configure the workspace's key (INTELBENCH_AUDIT_KEY, or key_file under "
                "[audit] in your config.toml); ask the intelligence unit for it"
            )

    def _first_binding(self) -> None:
        if self.anchor is not None and self.workspace_id in self.anchor.known_ids():
            with read_tx(self.engine) as conn:
                meta = self._meta(conn)
            if meta.key_id is not None:  # another process bound it since we looked
                self._check_key(str(meta.key_id))
                self.keyed_from = int(meta.keyed_from)
                return
            raise AuditIntegrityError(
                f"workspace {self.workspace_id} at {self._location} was bound to an audit key "
                f"before (see {self.anchor.index_file}), but its record of the key was reset "
                "inside the workspace: the audit chain may have been rewritten"
            )
        with write_tx(self.engine) as conn:
            meta = self._meta(conn)  # another process may have bound it meanwhile
            if meta.key_id is not None:
                self._check_key(str(meta.key_id))
                self.keyed_from = int(meta.keyed_from)
                return
            head = conn.execute(sa.select(state.c.audit_seq).where(state.c.id == 1)).one()
            self.keyed_from = int(head.audit_seq) + 1
            conn.execute(
                sa.update(audit_meta)
                .where(audit_meta.c.id == 1)
                .values(key_id=self.key_id, keyed_from=self.keyed_from)
            )
            if self.keyed_from > 1:
                self._append_many(
                    conn,
                    [
                        (
                            "CHECKPOINT",
                            "audit chain keyed from here on",
                            "audit/keyed-chain",
                            None,
                            {"plain_entries": self.keyed_from - 1, "key_id": self.key_id},
                        )
                    ],
                )
            else:
                after_commit(conn, lambda: self._anchor_head(0, GENESIS_HASH, "bound"))
        if self.anchor is not None:
            self.anchor.register_location(self._key)

    def _record_for(self, seq: int, head: str, reason: str) -> AnchorRecord:
        return AnchorRecord(
            workspace=self.workspace_id,
            seq=seq,
            hash=head,
            keyed_from=self.keyed_from,
            key_id=self.key_id,
            time=utc_now().isoformat(timespec="seconds"),
            reason=reason,
        ).signed(self._key)

    def _anchor_head(self, seq: int, head: str, reason: str) -> None:
        if self.anchor is None:
            return
        try:
            record = self._record_for(seq, head, reason)
            self.anchor.write_head(record)
            now = utc_now()
            due = self._last_checkpoint is None or now - self._last_checkpoint >= CHECKPOINT_EVERY
            if reason in ("disclosure", "bound") or due:
                self.anchor.append_checkpoint(
                    record if reason != "write" else self._record_for(seq, head, "daily")
                )
                self._last_checkpoint = now
        except OSError as exc:
            raise AuditIntegrityError(
                f"audit entry {seq} was committed but its head could not be anchored in "
                f"{self.settings.anchor_dir} ({type(exc).__name__}: {exc}); fix the anchor "
                "folder (INTELBENCH_ANCHOR_DIR) and call ws.audit.checkpoint()"
            ) from exc

    def content_hmac(self, text: str) -> str:
        """Keyed hash of some content (for ``detail``): cannot be recomputed without the key.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> len(ws.audit.content_hmac("some record")) == 64
        True
        """
        return mac_hex(self._key, text)

    def checkpoint(self) -> AnchorRecord:
        """Append the signed head (sequence number, hash, time) to the checkpoint file.

        Written automatically after every DISCLOSE and at least daily; call it to pin the
        log at a moment of your choosing (before handing a workspace over, say). Keep the
        returned record (it is also what a dissemination register entry can quote).

        Returns
        -------
        AnchorRecord
            The signed head.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put("plan", "CP-1", {"title": "Burglary north"}, action="COLLECT")
        >>> cp = ws.audit.checkpoint()
        >>> cp.seq, cp.valid(ws.audit._key)
        (1, True)
        """
        seq, head = self.head()
        record = self._record_for(seq, head, "checkpoint")
        if self.anchor is not None:
            self.anchor.write_head(record)
            self.anchor.append_checkpoint(record)
            self._last_checkpoint = utc_now()
        return record

    def _anchors(self) -> list[AnchorRecord]:
        if self.anchor is None:
            return []
        known = self.anchor.known_ids()
        if known and known[-1] != self.workspace_id and self.workspace_id not in known:
            fail(
                self.keyed_from,
                f"the workspace at {self._location} now calls itself {self.workspace_id}, but "
                f"the anchor index {self.anchor.index_file} records {known[-1]} there",
            )
        if self.anchor.checkpoint_file.exists() and not self.anchor.head_file.exists():
            fail(
                self.keyed_from,
                f"the anchored head {self.anchor.head_file} is missing (its checkpoints are "
                "there): it was deleted, which would hide entries cut off since the last "
                "checkpoint",
            )
        records = self.anchor.records(self._key)
        if not records:
            fail(
                self.keyed_from,
                f"no anchor of this workspace's audit head in {self.settings.anchor_dir} "
                f"(expected {self.anchor.head_file}); it was deleted, or the anchor folder is "
                "not the one configured when the log was written (INTELBENCH_ANCHOR_DIR)",
            )
        return records
