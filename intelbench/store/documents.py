"""Workhorses of :class:`~intelbench.store.workspace.Workspace`: schema upgrade and documents.

Saving documents with their audit entries, live keys, summaries and WAL flushing.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import ParameterError, StoreError
from intelbench.store._paths import Migration, check_name
from intelbench.store.audit import _validate
from intelbench.store.db import (
    bulk_insert,
    canonical_json,
    documents,
    read_tx,
    schema_version,
    sha256_hex,
    utc_now,
    write_tx,
)
from intelbench.store.record_keys import CONTENT_KEY, record_hmac, record_secrets

__all__ = [
    "current_version",
    "flush_wal",
    "live_keys_stmt",
    "save_documents",
    "summary_frame",
    "upgrade",
]


_DOC_COLUMNS = ["kind", "key", "revision", "saved_at", "analyst", "role", "action", "doc", "sha256"]


def current_version(conn: Connection) -> int:
    """Return the schema version recorded in the database (0 for an empty one)."""
    if not sa.inspect(conn).has_table(schema_version.name):
        return 0
    value = conn.execute(sa.select(sa.func.max(schema_version.c.version))).scalar()
    return int(value or 0)


def upgrade(engine: Engine, migrations: list[Migration], where: str) -> int:
    """Bring the schema up to the last migration; refuse a newer database."""
    steps = sorted(migrations, key=lambda m: m.version)
    known = steps[-1].version if steps else 0

    def refuse_newer(current: int) -> None:
        if current > known:
            raise StoreError(
                f"schema_version: the workspace at {where} has schema version {current}, "
                f"newer than this intelbench supports ({known}); upgrade intelbench"
            )

    with read_tx(engine) as conn:
        current = current_version(conn)
    refuse_newer(current)
    if current == known:
        return current
    with write_tx(engine, lock_state=False) as conn:
        schema_version.create(conn, checkfirst=True)
        current = current_version(conn)  # another process may have upgraded it meanwhile
        refuse_newer(current)
        for step in steps:
            if step.version <= current:
                continue
            step.apply(conn)
            conn.execute(
                sa.insert(schema_version).values(
                    version=step.version,
                    description=step.description,
                    applied_at=utc_now().isoformat(timespec="seconds"),
                )
            )
            current = step.version
    return current


def save_documents(
    ws: Any,
    kind: str,
    items: list[tuple[str, Mapping[str, Any]]],
    action: str,
    justification: str,
    audit: bool,
    recipient: str | None,
    detail: Mapping[str, Any] | None,
) -> list[int]:
    """Save a batch of documents and their audit entries in one transaction; return revisions."""
    check_name("kind", kind)
    if isinstance(action, str) and action.upper() == "ERASE":
        raise ParameterError("action must not be ERASE for put; use Workspace.delete")
    action, justification, _, recipient, extra = _validate(
        action, justification, kind, recipient, detail
    )
    prepared: list[tuple[str, str, str]] = []
    for item in items:
        if not isinstance(item, tuple) or len(item) != 2:
            raise ParameterError(f"docs must hold (key, doc) pairs; got {type(item).__name__}")
        key, doc = item
        check_name("key", key)
        if not isinstance(doc, Mapping):
            raise ParameterError(f"doc must be a dict; got {type(doc).__name__} for key {key!r}")
        text = canonical_json(doc)
        prepared.append((key, text, sha256_hex(text)))
    if not prepared:
        return []
    saved_at = utc_now().isoformat(timespec="microseconds")
    with write_tx(ws.engine) as conn:
        last: dict[str, int] = {}
        unique = sorted({key for key, _, _ in prepared})
        for i in range(0, len(unique), 500):
            chunk = unique[i : i + 500]
            last.update(
                (str(k), int(r))
                for k, r in conn.execute(
                    sa.select(documents.c.key, sa.func.max(documents.c.revision))
                    .where(documents.c.kind == kind, documents.c.key.in_(chunk))
                    .group_by(documents.c.key)
                )
            )
        secret = record_secrets(conn, kind, unique)
        rows: list[tuple[Any, ...]] = []
        revisions: list[int] = []
        entries: list[tuple[str, str, str, str | None, dict[str, Any]]] = []
        analyst, role = ws.analyst, ws.role
        for key, text, digest in prepared:
            rev = last[key] = last.get(key, 0) + 1
            revisions.append(rev)
            rows.append((kind, key, rev, saved_at, analyst, role, action, text, digest))
            if audit:
                entries.append(
                    (
                        action,
                        justification,
                        f"{kind}/{key}@{rev}",
                        recipient,
                        {
                            **extra,
                            "kind": kind,
                            "key": key,
                            "revision": rev,
                            "content_hmac": record_hmac(secret[key], text),
                            "content_key": CONTENT_KEY,
                            "bytes": len(text.encode("utf-8")),
                        },
                    )
                )
        bulk_insert(conn, documents, _DOC_COLUMNS, rows)
        if audit:
            ws.audit._append_many(conn, entries)
    return revisions


def live_keys_stmt() -> sa.Select[Any]:
    """SELECT kind, key of every document whose latest revision is not an erasure."""
    inner = documents.alias("newer")
    newest = (
        sa.select(sa.func.max(inner.c.revision))
        .where(inner.c.kind == documents.c.kind, inner.c.key == documents.c.key)
        .scalar_subquery()
    )
    return sa.select(documents.c.kind, documents.c.key).where(
        documents.c.revision == newest, documents.c.doc.is_not(None)
    )


def flush_wal(engine: Engine) -> None:
    """Copy the WAL into the database and truncate it, so erased pages leave the WAL."""
    if engine.dialect.name != "sqlite":
        return
    with engine.connect() as conn:
        raw = conn.connection.dbapi_connection
        if raw is not None:
            raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")


def summary_frame(engine: Engine) -> pd.DataFrame:
    """Documents and kept revisions by kind."""
    live = live_keys_stmt().subquery()
    with read_tx(engine) as conn:
        docs: dict[str, int] = dict(
            conn.execute(sa.select(live.c.kind, sa.func.count()).group_by(live.c.kind)).all()
        )
        revs: dict[str, int] = dict(
            conn.execute(
                sa.select(documents.c.kind, sa.func.count())
                .where(documents.c.doc.is_not(None))
                .group_by(documents.c.kind)
            ).all()
        )
    kinds = sorted(set(docs) | set(revs))
    return pd.DataFrame(
        {
            "kind": kinds,
            "documents": [int(docs.get(k, 0)) for k in kinds],
            "revisions": [int(revs.get(k, 0)) for k in kinds],
        }
    )


def latest_documents(
    conn: Connection, kind: str, keys: list[str] | None = None
) -> dict[str, dict[str, Any]]:
    """Return ``{key: doc}`` for the latest live revision of every (or the named) document."""
    inner = documents.alias("newer")
    newest = (
        sa.select(sa.func.max(inner.c.revision))
        .where(inner.c.kind == documents.c.kind, inner.c.key == documents.c.key)
        .scalar_subquery()
    )
    stmt = (
        sa.select(documents.c.key, documents.c.doc)
        .where(documents.c.kind == kind, documents.c.revision == newest)
        .order_by(documents.c.key)
    )
    found: dict[str, dict[str, Any]] = {}
    wanted = None if keys is None else list(dict.fromkeys(keys))
    chunks = [None] if wanted is None else [wanted[i : i + 500] for i in range(0, len(wanted), 500)]
    for chunk in chunks:
        query = stmt if chunk is None else stmt.where(documents.c.key.in_(chunk))
        for key, doc in conn.execute(query):
            if doc is not None:
                found[key] = json.loads(doc)
    return found
