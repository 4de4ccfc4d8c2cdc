"""Private parts of the workspace: names, schema migrations and the HTML view."""

from __future__ import annotations

import html
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Connection

import intelbench.store.db as _db
from intelbench.exceptions import AuditIntegrityError, ParameterError
from intelbench.store.db import GENESIS_HASH, audit_meta, state
from intelbench.store.identity import CONFIG_FILES, ROLES

__all__ = [
    "CONFIG_FILES",
    "DB_FILE",
    "MIGRATIONS",
    "ROLES",
    "Migration",
    "check_name",
    "render_html",
]


#: The SQLite file inside a workspace folder.
DB_FILE = "workspace.db"

_NAME_MAX = {"kind": 100, "key": 300}


@dataclass(frozen=True)
class Migration:
    """One schema step: ``apply(conn)`` takes the database from ``version - 1`` to ``version``.

    Attributes
    ----------
    version : int
        The schema version after this step.
    description : str
        What the step does.
    apply : callable
        Runs inside the upgrade transaction with a SQLAlchemy ``Connection``.
    """

    version: int
    description: str
    apply: Callable[[Connection], None]


def _migrate_1(conn: Connection) -> None:
    _db.metadata_v1.create_all(conn, checkfirst=True)
    conn.execute(sa.insert(state).values(id=1, writes=0, audit_seq=0, audit_head=GENESIS_HASH))
    _db.install_audit_guards(conn)


def _migrate_2(conn: Connection) -> None:
    _db.metadata_v2.create_all(conn, checkfirst=True)


def _migrate_3(conn: Connection) -> None:
    _db.metadata_v3.create_all(conn, checkfirst=True)
    conn.execute(
        sa.insert(audit_meta).values(
            id=1, workspace_id=uuid.uuid4().hex, key_id=None, keyed_from=None
        )
    )


def _migrate_4(conn: Connection) -> None:
    _db.metadata_v4.create_all(conn, checkfirst=True)


def _migrate_5(conn: Connection) -> None:
    _db.metadata_v5.create_all(conn, checkfirst=True)


def _migrate_6(conn: Connection) -> None:
    # Records saved before this step have no key yet: the next save of one creates it. Their
    # earlier entries keep their content_hmac under the audit key (docs/howto/governance.rst).
    _db.metadata_v6.create_all(conn, checkfirst=True)


#: Schema steps in order; the last one's version is the version this code writes.
MIGRATIONS: list[Migration] = [
    Migration(1, "documents, audit log and state tables; audit append-only guards", _migrate_1),
    Migration(2, "frames table for Workspace.write_frame", _migrate_2),
    Migration(3, "audit meta: workspace id, audit key id, first keyed entry", _migrate_3),
    Migration(4, "frame data table: large frames as Parquet bytes", _migrate_4),
    Migration(5, "integrity locks, role table and MoPI retention register", _migrate_5),
    Migration(6, "per-record keys for content hashes in the audit log (crypto-shredding)",
              _migrate_6),
]


def check_name(field: str, value: Any) -> str:
    limit = _NAME_MAX[field]
    if not isinstance(value, str) or not value.strip() or len(value) > limit:
        raise ParameterError(
            f"{field} must be a non-empty str of at most {limit} characters; got {value!r}"
        )
    return value


def render_html(ws: Any) -> str:
    """HTML summary of a workspace (used by ``Workspace._repr_html_``)."""
    esc = html.escape
    summary = ws.summary()
    n_audit = len(ws.audit)
    try:
        ws.audit.verify()
        chain = "<span style='color:#1a7f37'>verifies</span>"
    except AuditIntegrityError as exc:
        chain = f"<span style='color:#b42318'>DOES NOT VERIFY: {esc(str(exc))}</span>"
    kinds = (
        "".join(
            f"<tr><td>{esc(str(r.kind))}</td><td>{r.documents}</td><td>{r.revisions}</td></tr>"
            for r in summary.itertuples()
        )
        or "<tr><td colspan='3'>(no documents)</td></tr>"
    )
    return (
        "<div><b>intelbench workspace</b>"
        "<table>"
        f"<tr><th style='text-align:left'>location</th><td>{esc(ws._where())}</td></tr>"
        f"<tr><th style='text-align:left'>analyst</th><td>{esc(ws.analyst)} "
        f"({esc(ws.role)}; role from {esc(ws.whoami().role_source)})</td></tr>"
        f"<tr><th style='text-align:left'>schema version</th>"
        f"<td>{ws.schema_version}</td></tr>"
        f"<tr><th style='text-align:left'>audit log</th><td>{n_audit} entries; chain "
        f"{chain}</td></tr>"
        "</table>"
        "<table><thead><tr><th>kind</th><th>documents</th><th>revisions</th></tr></thead>"
        f"<tbody>{kinds}</tbody></table></div>"
    )
