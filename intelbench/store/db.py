"""Database plumbing shared by :mod:`intelbench.store.workspace` and :mod:`~intelbench.store.audit`.

- canonical JSON (sorted keys, compact, deterministic handling of dates, Decimal, Enum, ...);
- the version-1 tables (SQLAlchemy Core, portable types only);
- engine creation with the SQLite settings the store relies on (WAL, ``synchronous=FULL``,
  ``secure_delete``, a busy timeout, and transactions begun by SQLAlchemy itself so that a
  write transaction can be ``BEGIN IMMEDIATE``);
- :func:`write_tx`, the one way to write: it serialises writers on every backend by updating
  the single ``ib_state`` row first.

Test hook (not public API): ``intelbench.store.db._BEFORE_COMMIT`` may be set to a callable that
is run inside every write transaction just before it commits. The kill test uses it to stop
a writer process between its last write and its commit.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
import decimal
import enum
import hashlib
import json
import uuid
from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from pathlib import PurePath
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import StoreError

__all__ = [
    "GENESIS_HASH",
    "after_commit",
    "audit_log",
    "bulk_insert",
    "canonical_json",
    "canonical_json_of_jsonable",
    "documents",
    "frame_data",
    "frames",
    "make_engine",
    "metadata_v1",
    "metadata_v2",
    "metadata_v3",
    "metadata_v4",
    "metadata_v5",
    "metadata_v6",
    "integrity_locks",
    "retention_table",
    "roles_meta",
    "roles_table",
    "audit_meta",
    "read_tx",
    "record_keys",
    "schema_version",
    "sha256_hex",
    "state",
    "to_jsonable",
    "utc_now",
    "write_tx",
]

#: prev_hash of the first audit entry.
GENESIS_HASH = "0" * 64

#: Test hook: called inside each write transaction just before COMMIT (None in normal use).
_BEFORE_COMMIT: Callable[[], None] | None = None


# --------------------------------------------------------------------------- canonical JSON


def to_jsonable(obj: Any, _path: str = "doc") -> Any:
    """Return ``obj`` made of JSON types only, converting values deterministically."""
    if obj is None or isinstance(obj, bool | str):
        return obj
    if isinstance(obj, enum.Enum):
        return to_jsonable(obj.value, _path)
    if isinstance(obj, int):
        return int(obj)
    if isinstance(obj, float):
        return float(obj)
    if isinstance(obj, dt.datetime):
        return obj.isoformat()
    if isinstance(obj, dt.date | dt.time):
        return obj.isoformat()
    if isinstance(obj, dt.timedelta):
        return obj.total_seconds()
    if isinstance(obj, decimal.Decimal):
        return str(obj)
    if isinstance(obj, uuid.UUID | PurePath):
        return str(obj)
    if isinstance(obj, Mapping):
        out: dict[str, Any] = {}
        for k, v in obj.items():
            if isinstance(k, enum.Enum):
                k = k.value
            if not isinstance(k, str | int | float | bool) and k is not None:
                raise StoreError(
                    f"{_path}: mapping keys must be str, int, float, bool or None; "
                    f"got a key of type {type(k).__name__}"
                )
            key = k if isinstance(k, str) else json.dumps(k)
            if key in out:
                raise StoreError(f"{_path}: two keys both serialise to {key!r}")
            out[key] = to_jsonable(v, f"{_path}[{key!r}]")
        return out
    if isinstance(obj, list | tuple):
        return [to_jsonable(v, f"{_path}[{i}]") for i, v in enumerate(obj)]
    if isinstance(obj, set | frozenset):
        items = [to_jsonable(v, f"{_path}[]") for v in obj]
        return sorted(items, key=lambda v: json.dumps(v, sort_keys=True))
    if dataclasses.is_dataclass(obj) and not isinstance(obj, type):
        return to_jsonable(dataclasses.asdict(obj), _path)
    # numpy / pandas scalars and timestamps, without importing either here
    item = getattr(obj, "item", None)
    if callable(item) and type(obj).__module__.startswith("numpy"):
        return to_jsonable(item(), _path)
    isoformat = getattr(obj, "isoformat", None)
    if callable(isoformat):
        return str(isoformat())
    raise StoreError(
        f"{_path}: values must be JSON types, dates, datetimes, Decimal, Enum, UUID, paths, "
        f"sets or dataclasses; got a value of type {type(obj).__name__}"
    )


_SCALARS = frozenset({str, int, float, bool, type(None)})
_STR = frozenset({str})


def _only_str_keys(obj: Any) -> bool:
    """Tell whether every dict inside ``obj`` (through dicts, lists, tuples) has str keys only.

    Then ``json.dumps(obj, sort_keys=True)`` orders and writes keys exactly as
    :func:`to_jsonable` would; int, Enum or mixed keys take the slower, converting path.
    The type checks run over sets of types (C speed); only non-scalar values are visited.
    """
    stack = [obj]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            if not _STR.issuperset(map(type, item)):
                return False
            values: Any = item.values()
        elif isinstance(item, list | tuple):
            values = item
        else:
            continue  # a value for the default= hook (dates, sets, ...), converted there
        if not _SCALARS.issuperset(map(type, values)):
            stack.extend(v for v in values if type(v) not in _SCALARS)
    return True


def _json_default(obj: Any) -> Any:
    return to_jsonable(obj)


_DUMPS = {"sort_keys": True, "separators": (",", ":"), "ensure_ascii": False, "allow_nan": False}
_ENCODE = json.JSONEncoder(default=_json_default, **_DUMPS).encode  # type: ignore[arg-type]


def canonical_json(obj: Any) -> str:
    """Serialise ``obj`` deterministically: converted values, sorted keys, compact separators.

    NaN and infinities are refused: they are not JSON and have no canonical form. The text is
    ``json.dumps`` of :func:`to_jsonable` of ``obj`` with sorted keys and compact separators;
    when every mapping key is a str the values are serialised directly (types JSON lacks go
    through a ``default=`` hook), which gives the same bytes several times faster.

    Examples
    --------
    >>> import datetime
    >>> canonical_json({"b": [1, 2.5, None], "a": datetime.date(2026, 1, 2), "é": {3}})
    '{"a":"2026-01-02","b":[1,2.5,null],"é":[3]}'
    >>> canonical_json({1: "x", 10: "y", 2: "z"})  # keys as strings, sorted as strings
    '{"1":"x","10":"y","2":"z"}'
    """
    try:
        if isinstance(obj, dict | list | tuple) and _only_str_keys(obj):
            try:
                return _ENCODE(obj)
            except StoreError:
                pass  # an unsupported value: the converting path below names where it is
        return json.dumps(to_jsonable(obj), **_DUMPS)  # type: ignore[arg-type]
    except ValueError:
        raise StoreError(
            "doc: NaN and infinite floats cannot be stored; use None for a missing number"
        ) from None


def canonical_json_of_jsonable(obj: dict[str, Any]) -> str:
    """:func:`canonical_json` of a dict already made of JSON types with str keys (fast path).

    For values the store built itself (audit details that went through :func:`to_jsonable`):
    skips the key check. A NaN still gets the error :func:`canonical_json` gives.
    """
    try:
        return _ENCODE(obj)
    except (ValueError, TypeError, StoreError):
        return canonical_json(obj)


def sha256_hex(text: str) -> str:
    """SHA-256 of the UTF-8 bytes of ``text``, as 64 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utc_now() -> dt.datetime:
    """Return the current time in UTC (timezone-aware, microseconds)."""
    return dt.datetime.now(dt.UTC)


# --------------------------------------------------------------------------- tables (v1)

metadata_v1 = sa.MetaData()

schema_version = sa.Table(
    "ib_schema_version",
    metadata_v1,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("description", sa.String(200), nullable=False),
    sa.Column("applied_at", sa.String(40), nullable=False),
)

#: One row (id=1). Every write transaction updates it first, which serialises writers on any
#: backend, and it anchors the head of the audit chain (so truncation is detectable).
state = sa.Table(
    "ib_state",
    metadata_v1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("writes", sa.BigInteger, nullable=False),
    sa.Column("audit_seq", sa.BigInteger, nullable=False),
    sa.Column("audit_head", sa.String(64), nullable=False),
)

documents = sa.Table(
    "ib_documents",
    metadata_v1,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("key", sa.String(300), nullable=False),
    sa.Column("revision", sa.Integer, nullable=False),
    sa.Column("saved_at", sa.String(40), nullable=False),
    sa.Column("analyst", sa.String(200), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    # NULL doc marks an erasure (tombstone): the key's content is gone, its numbering goes on.
    sa.Column("doc", sa.Text, nullable=True),
    sa.Column("sha256", sa.String(64), nullable=True),
    sa.UniqueConstraint("kind", "key", "revision", name="uq_ib_documents_revision"),
)
sa.Index("ix_ib_documents_kind_key", documents.c.kind, documents.c.key)

audit_log = sa.Table(
    "ib_audit_log",
    metadata_v1,
    sa.Column("seq", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("timestamp", sa.String(40), nullable=False),
    sa.Column("analyst", sa.String(200), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("action", sa.String(20), nullable=False),
    sa.Column("justification", sa.Text, nullable=False),
    sa.Column("record_ref", sa.String(500), nullable=False),
    sa.Column("recipient", sa.String(300), nullable=True),
    sa.Column("detail", sa.Text, nullable=False),
    sa.Column("prev_hash", sa.String(64), nullable=False),
    sa.Column("hash", sa.String(64), nullable=False),
)

#: Tables added by schema version 2.
metadata_v2 = sa.MetaData()

#: Whole tables stored by ``Workspace.write_frame`` (one row per name, replaced atomically).
frames = sa.Table(
    "ib_frames",
    metadata_v2,
    sa.Column("name", sa.String(300), primary_key=True),
    sa.Column("saved_at", sa.String(40), nullable=False),
    sa.Column("analyst", sa.String(200), nullable=False),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("rows", sa.BigInteger, nullable=False),
    sa.Column("columns", sa.Integer, nullable=False),
    sa.Column("sha256", sa.String(64), nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
)

#: Tables added by schema version 3.
metadata_v3 = sa.MetaData()

#: One row (id=1): the workspace's id (names its anchor files outside the workspace), the id
#: of the audit key its chain uses and the first entry chained with that key.
audit_meta = sa.Table(
    "ib_audit_meta",
    metadata_v3,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("workspace_id", sa.String(32), nullable=False),
    sa.Column("key_id", sa.String(16), nullable=True),
    sa.Column("keyed_from", sa.BigInteger, nullable=True),
)

#: Tables added by schema version 4.
metadata_v4 = sa.MetaData()

#: The Parquet bytes of a frame stored as Parquet (``ib_frames.payload`` then holds a small
#: JSON header with the dtypes, and ``ib_frames.sha256`` is the SHA-256 of these bytes).
frame_data = sa.Table(
    "ib_frame_data",
    metadata_v4,
    sa.Column("name", sa.String(300), primary_key=True),
    sa.Column("data", sa.LargeBinary, nullable=False),
)

#: Tables added by schema version 5: integrity locks, the role table, MoPI retention.
metadata_v5 = sa.MetaData()

#: One row per integrity failure noticed; open while ``acknowledged_at`` is NULL.
integrity_locks = sa.Table(
    "ib_integrity_locks",
    metadata_v5,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=True),
    sa.Column("detected_at", sa.String(40), nullable=False),
    sa.Column("detected_by", sa.String(200), nullable=False),
    sa.Column("problem", sa.Text, nullable=False),
    sa.Column("entry_seq", sa.BigInteger, nullable=True),
    sa.Column("acknowledged_at", sa.String(40), nullable=True),
    sa.Column("acknowledged_by", sa.String(200), nullable=True),
    sa.Column("ack_reason", sa.Text, nullable=True),
    sa.Column("ack_entry", sa.BigInteger, nullable=True),
)

#: Current role of each analyst ("*" for anyone not listed).
roles_table = sa.Table(
    "ib_roles",
    metadata_v5,
    sa.Column("analyst", sa.String(200), primary_key=True),
    sa.Column("role", sa.String(40), nullable=False),
    sa.Column("granted_by", sa.String(200), nullable=False),
    sa.Column("granted_at", sa.String(40), nullable=False),
    sa.Column("reason", sa.Text, nullable=False),
)

#: One row (id=1): who created the workspace (may bootstrap the role table).
roles_meta = sa.Table(
    "ib_roles_meta",
    metadata_v5,
    sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("creator", sa.String(200), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

#: One row per record under review.
retention_table = sa.Table(
    "ib_retention",
    metadata_v5,
    sa.Column("ref", sa.String(402), primary_key=True),  # kind/key
    sa.Column("kind", sa.String(100), nullable=False),
    sa.Column("key", sa.String(300), nullable=False),
    sa.Column("mopi_group", sa.Integer, nullable=False),
    sa.Column("record_type", sa.String(100), nullable=False),
    sa.Column("offence", sa.String(200), nullable=True),
    sa.Column("subject", sa.String(200), nullable=True),
    sa.Column("subject_dob", sa.String(10), nullable=True),
    sa.Column("created_on", sa.String(10), nullable=False),
    sa.Column("legacy", sa.Boolean, nullable=False),
    sa.Column("last_trigger", sa.String(10), nullable=True),
    sa.Column("triggers", sa.Integer, nullable=False),
    sa.Column("last_review", sa.String(10), nullable=True),
    sa.Column("reviews", sa.Integer, nullable=False),
    sa.Column("next_review", sa.String(10), nullable=False),
    sa.Column("decision", sa.String(10), nullable=True),
    sa.Column("decision_reason", sa.Text, nullable=True),
    sa.Column("decided_by", sa.String(200), nullable=True),
    sa.Column("disposed_on", sa.String(10), nullable=True),
)

#: Tables added by schema version 6: per-record keys (crypto-shredding).
metadata_v6 = sa.MetaData()

#: One random key per record (kind, key). The ``content_hmac`` in the audit entries of the
#: record's revisions is an HMAC under this key; erasure deletes the row, after which no
#: content hash in the log can be recomputed by anyone (see :mod:`intelbench.store.record_keys`).
record_keys = sa.Table(
    "ib_record_keys",
    metadata_v6,
    sa.Column("kind", sa.String(100), primary_key=True),
    sa.Column("key", sa.String(300), primary_key=True),
    sa.Column("secret", sa.String(64), nullable=False),
    sa.Column("created_at", sa.String(40), nullable=False),
)

_SQLITE_GUARDS = [
    "CREATE TRIGGER IF NOT EXISTS ib_audit_log_no_update BEFORE UPDATE ON ib_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'ib_audit_log is append-only'); END",
    "CREATE TRIGGER IF NOT EXISTS ib_audit_log_no_delete BEFORE DELETE ON ib_audit_log "
    "BEGIN SELECT RAISE(ABORT, 'ib_audit_log is append-only'); END",
]

_POSTGRES_GUARDS = [
    "CREATE OR REPLACE FUNCTION ib_audit_log_append_only() RETURNS trigger AS $$ "
    "BEGIN RAISE EXCEPTION 'ib_audit_log is append-only'; END; $$ LANGUAGE plpgsql",
    "DROP TRIGGER IF EXISTS ib_audit_log_append_only ON ib_audit_log",
    "CREATE TRIGGER ib_audit_log_append_only BEFORE UPDATE OR DELETE ON ib_audit_log "
    "FOR EACH ROW EXECUTE FUNCTION ib_audit_log_append_only()",
]


def install_audit_guards(conn: Connection) -> None:
    """Create the triggers that refuse UPDATE and DELETE on the audit table."""
    name = conn.dialect.name
    statements = (
        _SQLITE_GUARDS if name == "sqlite" else _POSTGRES_GUARDS if name == "postgresql" else []
    )
    for stmt in statements:
        conn.exec_driver_sql(stmt)


# --------------------------------------------------------------------------- engine


def make_engine(url: str) -> Engine:
    """Create the engine for ``url``; SQLite gets WAL, ``synchronous=FULL`` and real BEGINs."""
    try:
        engine = sa.create_engine(url, **_engine_kwargs(url))
    except (ImportError, sa.exc.ArgumentError) as exc:
        raise StoreError(
            f"url: cannot open a database engine for {_redact(url)!r} ({type(exc).__name__}: {exc})"
        ) from exc
    if engine.dialect.name == "sqlite":
        _configure_sqlite(engine)
    return engine


def _engine_kwargs(url: str) -> dict[str, Any]:
    if url.startswith("sqlite"):
        return {"connect_args": {"timeout": 60.0}}
    return {"pool_pre_ping": True}


def _redact(url: str) -> str:
    try:
        return sa.make_url(url).render_as_string(hide_password=True)
    except Exception:
        return "<unparseable url>"


def _ensure_wal(cur: Any, wait: float = 60.0) -> None:
    """Switch the database to WAL once; retry while another process holds the lock.

    Changing the journal mode takes an exclusive lock and SQLite does not always call the busy
    handler for it (two processes opening a new workspace at once), so retry here, bounded.
    """
    import sqlite3
    import time

    deadline = time.monotonic() + wait
    delay = 0.02
    while True:
        try:
            mode = cur.execute("PRAGMA journal_mode").fetchone()[0]
            if str(mode).lower() != "wal":
                cur.execute("PRAGMA journal_mode = WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc):
                raise
            if time.monotonic() > deadline:
                raise
            time.sleep(delay)
            delay = min(delay * 2, 0.5)


def _configure_sqlite(engine: Engine) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_conn: Any, _record: Any) -> None:
        # Let SQLAlchemy (below) emit BEGIN itself instead of pysqlite's implicit handling.
        dbapi_conn.isolation_level = None
        cur = dbapi_conn.cursor()
        try:
            cur.execute("PRAGMA busy_timeout = 60000")
            _ensure_wal(cur)
            cur.execute("PRAGMA synchronous = FULL")
            cur.execute("PRAGMA secure_delete = ON")
            cur.execute("PRAGMA foreign_keys = ON")
        finally:
            cur.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        if conn.get_execution_options().get("ib_write"):
            conn.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            conn.exec_driver_sql("BEGIN")


@contextmanager
def read_tx(engine: Engine) -> Iterator[Connection]:
    """Open a read transaction (a consistent snapshot on SQLite in WAL mode)."""
    with engine.connect() as conn, conn.begin():
        yield conn


@contextmanager
def write_tx(engine: Engine, *, lock_state: bool = True) -> Iterator[Connection]:
    """One write transaction: ``BEGIN IMMEDIATE`` on SQLite; writers serialised everywhere.

    Everything done on the yielded connection commits together or not at all. With
    ``lock_state`` the ``ib_state`` row is updated first, which takes the write lock on any
    backend (a row lock on PostgreSQL) before anything is read. Callables appended to
    :func:`after_commit` run once the transaction has committed (the audit anchor uses it);
    they are dropped if it rolls back.
    """
    with engine.connect() as conn:
        conn.execution_options(ib_write=True)
        conn.info["ib_after_commit"] = []
        try:
            with conn.begin():
                if lock_state:
                    conn.execute(
                        sa.update(state).where(state.c.id == 1).values(writes=state.c.writes + 1)
                    )
                yield conn
                hook = _BEFORE_COMMIT
                if hook is not None:
                    hook()
            callbacks = list(conn.info.get("ib_after_commit", []))
        finally:
            conn.info.pop("ib_after_commit", None)
    for callback in callbacks:
        callback()


def bulk_insert(
    conn: Connection, table: sa.Table, columns: list[str], rows: list[tuple[Any, ...]]
) -> None:
    """Insert many rows given as tuples in ``columns`` order, through the driver's executemany.

    The same rows as ``conn.execute(sa.insert(table), [dicts])`` without SQLAlchemy's
    per-row parameter processing (the store's columns are plain strings and integers). Drivers
    with a positional parameter style other than ``qmark`` or ``format`` get the Core insert.
    """
    if not rows:
        return
    style = conn.dialect.paramstyle
    if style not in ("qmark", "format", "pyformat"):
        conn.execute(sa.insert(table), [dict(zip(columns, r, strict=True)) for r in rows])
        return
    mark = "?" if style == "qmark" else "%s"
    quote = conn.dialect.identifier_preparer.quote
    sql = (
        f"INSERT INTO {quote(table.name)} ({', '.join(quote(c) for c in columns)}) "
        f"VALUES ({', '.join([mark] * len(columns))})"
    )
    conn.exec_driver_sql(sql, rows)


def after_commit(conn: Connection, callback: Callable[[], None]) -> None:
    """Run ``callback`` after the write transaction of ``conn`` commits (not if it rolls back)."""
    pending = conn.info.get("ib_after_commit")
    if pending is None:
        raise StoreError("after_commit: not inside a write transaction (write_tx)")
    pending.append(callback)
