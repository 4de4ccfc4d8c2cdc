"""Per-record keys: content hashes in the audit log that erasure makes unrecomputable.

Each record (``kind``, ``key``) gets its own random 256-bit key in ``ib_record_keys`` the
first time it is saved. The ``content_hmac`` of each of its revisions in the audit log
(COLLECT, ALTER, ...) is an HMAC-SHA-256 under that key, not under the workspace's audit key.
Erasing the record (:meth:`~intelbench.store.workspace.Workspace.delete`, and so a MoPI
disposal) deletes the key in the same transaction as the content and says so in the ERASE
entry (``record_key_destroyed``). After that nobody, not even someone holding the audit key
and the exact content, can recompute any content hash the log keeps for that record: this is
crypto-shredding. The chain itself stays keyed with the audit key (it covers the entries, not
the content), so :meth:`~intelbench.store.audit.AuditLog.verify` still works after erasure.

Entries written under a record key carry ``content_key = "record"`` in their detail. Entries
written before schema version 6 have a ``content_hmac`` under the audit key and no
``content_key``; erasure cannot withdraw those (the log is append-only), so for records
collected before the upgrade someone holding the audit key and a guessed record could still
confirm those earlier revisions (see ``docs/howto/governance.rst``).

A record erased and then saved again gets a new key.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from intelbench.store.db import bulk_insert, record_keys, utc_now

__all__ = ["CONTENT_KEY", "destroy_record_key", "record_hmac", "record_secrets"]

#: The ``content_key`` value in an entry's detail when its ``content_hmac`` is under a record key.
CONTENT_KEY = "record"

_CHUNK = 500


def record_hmac(secret: bytes, text: str) -> str:
    """HMAC-SHA-256 of ``text`` under a record's key, as 64 hex digits.

    Examples
    --------
    >>> from intelbench.store.record_keys import record_hmac
    >>> len(record_hmac(b"k" * 32, '{"text":"..."}'))
    64
    """
    return hmac.digest(secret, text.encode("utf-8"), "sha256").hex()


def record_secrets(conn: Connection, kind: str, keys: Iterable[str]) -> dict[str, bytes]:
    """Return the key of each record, creating (and storing) the ones that have none yet.

    Runs inside the caller's write transaction, so a key is stored only with the revision it
    hashes.

    Parameters
    ----------
    conn : Connection
        A connection in a write transaction (:func:`intelbench.store.db.write_tx`).
    kind : str
        The records' kind.
    keys : iterable of str
        The records' keys (repeats are fine).

    Returns
    -------
    dict
        ``{key: 32-byte secret}`` for every key given.
    """
    wanted = sorted(set(keys))
    found: dict[str, bytes] = {}
    for i in range(0, len(wanted), _CHUNK):
        chunk = wanted[i : i + _CHUNK]
        found.update(
            (str(k), bytes.fromhex(s))
            for k, s in conn.execute(
                sa.select(record_keys.c.key, record_keys.c.secret).where(
                    record_keys.c.kind == kind, record_keys.c.key.in_(chunk)
                )
            )
        )
    missing = [k for k in wanted if k not in found]
    if missing:
        when = utc_now().isoformat(timespec="seconds")
        new = {k: secrets.token_bytes(32) for k in missing}
        bulk_insert(
            conn,
            record_keys,
            ["kind", "key", "secret", "created_at"],
            [(kind, k, s.hex(), when) for k, s in new.items()],
        )
        found.update(new)
    return found


def destroy_record_key(conn: Connection, kind: str, key: str) -> bool:
    """Delete a record's key (in the caller's write transaction); True when there was one.

    On SQLite the store runs with ``secure_delete``, so the deleted key is overwritten in the
    database file, and :meth:`~intelbench.store.workspace.Workspace.delete` flushes the
    write-ahead log after committing.
    """
    result = conn.execute(
        sa.delete(record_keys).where(record_keys.c.kind == kind, record_keys.c.key == key)
    )
    return bool(result.rowcount)
