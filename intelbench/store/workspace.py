"""The workspace: a versioned JSON document store with an audit log, on SQLAlchemy Core.

A workspace is one folder holding ``workspace.db`` (SQLite), or a database URL (for example
``postgresql+psycopg://...``). It keeps collection plans, intelligence reports and their
grades, dissemination records and the audit log (:mod:`intelbench.store.audit`).

- Every :meth:`Workspace.put` writes a new revision; history is kept. The revision and its
  audit entry are written in **one transaction**: both or neither.
- On SQLite the database runs in WAL mode with ``synchronous=FULL`` and ``secure_delete``,
  and every write transaction starts with ``BEGIN IMMEDIATE``, so writers from several
  processes take turns and a writer killed mid-save leaves the previous state intact.
- :meth:`Workspace.put_many` saves a batch in one transaction (bulk loads);
  :meth:`Workspace.write_frame` / :meth:`Workspace.read_frame` keep whole tables (dtypes and
  index kept), replaced atomically.
- :meth:`Workspace.delete` erases every revision of a record (content overwritten on disk) and
  audits it as ERASE without keeping any content.
- The schema carries a version and is upgraded by :data:`MIGRATIONS` when opened; a database
  newer than this code is refused.

- Every read that returns content (:meth:`Workspace.get`, ``get_many``, ``history``,
  ``read_frame``) is audited as CONSULT with who, when and why (:mod:`intelbench.store.consult`).

Who the analyst is comes from the documented configuration in :mod:`intelbench.store.identity`
(``INTELBENCH_ANALYST``, the user's ``config.toml`` ``[identity]`` table, the workspace's
``workspace.toml``, and by default the operating-system user), never from an argument; the
role is requested with ``role=`` (or ``INTELBENCH_ROLE``, the configuration) and decided by the
role table once one is in use. :meth:`Workspace.whoami` shows both and where each came from,
and every audit entry records it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Mapping
from pathlib import Path
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection

import intelbench.store.db as _db
from intelbench.exceptions import DocumentNotFoundError, ParameterError, StoreError
from intelbench.store._paths import (
    CONFIG_FILES,
    DB_FILE,
    MIGRATIONS,
    ROLES,
    Migration,
    render_html,
)
from intelbench.store._paths import check_name as _check_name
from intelbench.store.audit import AuditLog, _validate
from intelbench.store.consult import ConsultStore
from intelbench.store.db import (
    documents,
    read_tx,
    utc_now,
    write_tx,
)
from intelbench.store.documents import (
    flush_wal,
    live_keys_stmt,
    save_documents,
    summary_frame,
    upgrade,
)
from intelbench.store.frames import FrameStore
from intelbench.store.identity import (
    Identity,
    identity_note,
    load_settings,
    resolve_identity,
    role_error,
)
from intelbench.store.netfs import refuse_network_share
from intelbench.store.record_keys import destroy_record_key
from intelbench.store.roles import RoleTable

#: Test hook (not public API): when set, maps a workspace folder to the database URL used for
#: it instead of ``workspace.db`` inside it, the folder still holding the configuration. The
#: test suite uses it to run every folder-based test on PostgreSQL as well.
_DATABASE_FOR_FOLDER: Callable[[Path], str] | None = None

__all__ = [
    "CONFIG_FILES",
    "DB_FILE",
    "MIGRATIONS",
    "ROLES",
    "DocumentNotFoundError",
    "Migration",
    "Workspace",
]


class Workspace(ConsultStore, FrameStore):
    """A workspace: documents with revisions, an audit log, a schema version.

    Parameters
    ----------
    path_or_url : str or Path
        A folder (created if missing; the database is ``workspace.db`` inside it) or a
        SQLAlchemy URL such as ``sqlite:///file.db`` or ``postgresql+psycopg://...``.
    role : str, optional
        A requested role, one of :data:`ROLES`; with a role table (``ws.roles`` or a
        ``[roles]`` table in ``workspace.toml``) it must agree with the table.

    Who is working is never an argument: it is the operating-system user, or a configured
    identity (``INTELBENCH_ANALYST``, or ``analyst`` under ``[identity]`` in the user's
    ``config.toml``; see :mod:`intelbench.store.identity`). Every audit entry records where
    the identity came from (``identity`` in its detail). The examples open workspaces with
    ``open_as``, the test suite's helper (``tests/_identity.py``), which sets
    ``INTELBENCH_ANALYST`` while the workspace is opened.

    Attributes
    ----------
    path : Path or None
        The folder, or None for a URL.
    url : str
        The database URL.
    engine : sqlalchemy.engine.Engine
        The engine (SQLAlchemy Core).
    analyst, role : str
        The identity written into revisions and audit entries (read-only).
    schema_version : int
        The schema version of the database.
    audit : AuditLog
        The workspace's audit log.

    Raises
    ------
    StoreError
        When the folder cannot be used or the database is newer than this code.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> ws.put("plan", "CP-1", {"title": "Burglary north", "questions": 3}, action="COLLECT")
    1
    >>> ws.put("plan", "CP-1", {"title": "Burglary north", "questions": 4})
    2
    >>> ws.get("plan", "CP-1")["questions"], ws.get("plan", "CP-1", revision=1)["questions"]
    (4, 3)
    >>> ws.keys("plan"), ws.schema_version, ws.audit.entries()["action"].tolist()
    (['CP-1'], 6, ['COLLECT', 'ALTER', 'CONSULT', 'CONSULT'])
    """

    def __init__(
        self,
        path_or_url: str | os.PathLike[str],
        role: str | None = None,
    ) -> None:
        text = os.fspath(path_or_url)
        if "://" in text:
            self.path: Path | None = None
            self.url = text
            if text.startswith("sqlite"):
                database = sa.make_url(text).database
                if database and database != ":memory:" and not database.startswith("file:"):
                    refuse_network_share(Path(database).expanduser().resolve().parent)
        else:
            folder = Path(text).expanduser()
            if folder.exists() and not folder.is_dir():
                raise StoreError(f"path_or_url: {folder} exists and is not a folder")
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise StoreError(f"path_or_url: cannot create the folder {folder} ({exc})") from exc
            self.path = folder.resolve()
            hook = _DATABASE_FOR_FOLDER
            if hook is None:
                refuse_network_share(self.path)
            self.url = f"sqlite:///{self.path / DB_FILE}" if hook is None else hook(self.path)
        self.settings = load_settings(self.path)
        self._identity = resolve_identity(self.path, None, role)
        self._purposes: list[str] = []
        self.engine = _db.make_engine(self.url)
        try:
            self.schema_version = upgrade(self.engine, MIGRATIONS, self._where())
        except sa.exc.DatabaseError as exc:
            self.engine.dispose()
            raise StoreError(
                f"path_or_url: {self._where()} is not a usable workspace database "
                f"({type(exc.orig).__name__})"
            ) from exc
        except BaseException:
            self.engine.dispose()
            raise
        try:
            self.audit = AuditLog(
                self.engine,
                analyst=self.analyst,
                role=self.role,
                settings=self.settings,
                location=self._location(),
                identity=identity_note(self._identity),
            )
            self.roles = RoleTable(self)  # the workspace's role table decides roles once used
        except BaseException:
            self.engine.dispose()
            raise

    # ------------------------------------------------------------------ identity

    @property
    def analyst(self) -> str:
        """Who is working (read-only): the operating-system user or a configured identity."""
        return self._identity.analyst

    @analyst.setter
    def analyst(self, value: str) -> None:
        raise AttributeError(
            "Workspace.analyst is read-only: who is working is the operating-system user or a "
            "configured identity (INTELBENCH_ANALYST, or analyst under [identity] in the user's "
            "config.toml), never an argument; open the workspace under that identity"
        )

    @property
    def role(self) -> str:
        """The analyst's role, one of :data:`ROLES` (read-only)."""
        return self._identity.role

    @role.setter
    def role(self, value: str) -> None:
        raise AttributeError(
            "Workspace.role is read-only: request a role when opening the workspace "
            "(Workspace(path, role=...)); with a role table, a SUPERVISOR changes it "
            "(ws.roles.grant)"
        )

    def whoami(self) -> Identity:
        """Return who is working, their role and where each came from (for forms to show).

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> me = ws.whoami()
        >>> me.analyst, me.role, me.role_source
        ('A. Analyst', 'ANALYST', 'argument')
        """
        return self._identity

    def require_role(
        self, allowed: tuple[str, ...] | list[str], action: str, *, instead: str | None = None
    ) -> Identity:
        """Check that the analyst's role is one of ``allowed``; else explain the way forward.

        Parameters
        ----------
        allowed : sequence of str
            Roles that may do it.
        action : str
            What is being done, as a verb phrase ("re-grade a submitted grade").
        instead : str, optional
            What the analyst may do instead ("propose a re-grade for a supervisor").

        Returns
        -------
        Identity
            The analyst's identity, when allowed.

        Raises
        ------
        RoleError
            (a PermissionError) saying the role and where it came from, the roles needed,
            what to do instead and how to get the role.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> ws.require_role(("INTEL_UNIT", "SUPERVISOR"), "re-grade a submitted grade")
        Traceback (most recent call last):
        ...
        intelbench.exceptions.RoleError: A. Analyst has role ANALYST (from argument), ...
        """
        wanted = tuple(str(r).strip().upper() for r in allowed)
        unknown = [r for r in wanted if r not in ROLES]
        if not wanted or unknown:
            raise ParameterError(
                f"allowed must name roles from {', '.join(ROLES)}; got {allowed!r}"
            )
        if self.role in wanted:
            return self._identity
        raise role_error(self._identity, wanted, action, instead)

    def _location(self) -> str | None:
        if self.path is not None:
            return str(self.path)
        url = sa.make_url(self.url)
        if url.get_backend_name() == "sqlite" and url.database in (None, "", ":memory:"):
            return None
        return _db._redact(self.url)

    # ------------------------------------------------------------------ schema

    def _where(self) -> str:
        return str(self.path) if self.path is not None else _db._redact(self.url)

    # ------------------------------------------------------------------ documents

    def put(
        self,
        kind: str,
        key: str,
        doc: Mapping[str, Any],
        *,
        action: str = "ALTER",
        justification: str = "",
        audit: bool = True,
        recipient: str | None = None,
        detail: Mapping[str, Any] | None = None,
    ) -> int:
        """Save a new revision of a document and audit it, in one transaction.

        Parameters
        ----------
        kind : str
            The document kind ("plan", "report", "grade_history", "dissemination", ...).
        key : str
            The document's id within its kind.
        doc : dict
            JSON-like content. Dates and datetimes become ISO strings, Decimal a string,
            Enum its value, sets sorted lists; NaN is refused. Keys are stored sorted.
        action : str
            The audit action (COLLECT for a new record, ALTER for a change, COMBINE, ...);
            ERASE is refused here (use :meth:`delete`).
        justification : str
            Required for CONSULT, DISCLOSE and OSINT_QUERY.
        audit : bool
            Write an audit entry (default). Only for working drafts should this be False.
        recipient : str, optional
            For DISCLOSE.
        detail : dict, optional
            Extra non-sensitive audit metadata, merged into the entry's detail.

        Returns
        -------
        int
            The new revision number (1 for a new key).

        Raises
        ------
        ParameterError
            For a bad kind, key, doc or action.
        StoreError
            When the document cannot be serialised.

        Examples
        --------
        >>> import tempfile, datetime
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> ws.put("report", "IR-2026-000123", {"created": datetime.date(2026, 3, 1)},
        ...        action="COLLECT")
        1
        >>> ws.get("report", "IR-2026-000123")
        {'created': '2026-03-01'}
        """
        return save_documents(
            self, kind, [(key, doc)], action, justification, audit, recipient, detail
        )[0]

    def put_many(
        self,
        kind: str,
        docs: Mapping[str, Mapping[str, Any]] | Iterable[tuple[str, Mapping[str, Any]]],
        *,
        action: str = "ALTER",
        justification: str = "",
        audit: bool = True,
        detail: Mapping[str, Any] | None = None,
    ) -> dict[str, int]:
        """Save many documents of one kind in one transaction, each audited as by :meth:`put`.

        Much faster than a loop of :meth:`put` for bulk loads (one commit, one disk sync),
        and all or nothing: if one document cannot be saved, none is.

        Parameters
        ----------
        kind : str
            The document kind.
        docs : dict or iterable of (key, doc)
            The documents by key. A key given twice gets two revisions, in order.
        action, justification, audit, detail
            As for :meth:`put`, applied to every document.

        Returns
        -------
        dict
            The new (last) revision number of each key.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> ws.put_many("report", {"IR-1": {"n": 1}, "IR-2": {"n": 2}}, action="COLLECT")
        {'IR-1': 1, 'IR-2': 1}
        >>> len(ws.audit), ws.audit.verify()
        (2, True)
        """
        items = list(docs.items()) if isinstance(docs, Mapping) else list(docs)
        revs = save_documents(self, kind, items, action, justification, audit, None, detail)
        return {key: rev for (key, _), rev in zip(items, revs, strict=True)}

    def _latest(self, conn: Connection, kind: str, key: str) -> Any:
        return conn.execute(
            sa.select(documents)
            .where(documents.c.kind == kind, documents.c.key == key)
            .order_by(documents.c.revision.desc())
            .limit(1)
        ).first()

    def keys(self, kind: str) -> list[str]:
        """Return the keys of the documents of one kind that exist (sorted).

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put("plan", "B", {}); _ = ws.put("plan", "A", {})
        >>> ws.keys("plan"), ws.keys("report")
        (['A', 'B'], [])
        """
        _check_name("kind", kind)
        stmt = live_keys_stmt().where(documents.c.kind == kind).order_by(documents.c.key)
        with read_tx(self.engine) as conn:
            return [str(r.key) for r in conn.execute(stmt)]

    def exists(self, kind: str, key: str) -> bool:
        """Return True when the document exists (and was not erased).

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> ws.exists("plan", "CP-1")
        False
        """
        _check_name("kind", kind)
        _check_name("key", key)
        with read_tx(self.engine) as conn:
            row = self._latest(conn, kind, key)
        return row is not None and row.doc is not None

    def delete(self, kind: str, key: str, *, justification: str) -> int:
        """Erase every revision of a document and audit it as ERASE.

        The content is removed (and, on SQLite, overwritten on disk and flushed out of the
        write-ahead log), and so is the record's own key (:mod:`intelbench.store.record_keys`),
        under which the audit log keeps the content hashes of its revisions: after erasure
        nobody can recompute them, not even with the audit key. The ERASE entry keeps only
        the reference, the number of revisions erased and ``record_key_destroyed``. The
        revision numbering of the key continues if it is saved again.

        Parameters
        ----------
        kind, key : str
            Which document.
        justification : str
            Why it is erased (required).

        Returns
        -------
        int
            The number of revisions erased.

        Raises
        ------
        DocumentNotFoundError
            When there is nothing to erase.
        ParameterError
            When the justification is empty.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="SUPERVISOR")
        >>> _ = ws.put("osint", "Q-1", {"query": "..."}, action="OSINT_QUERY",
        ...            justification="Op Larch")
        >>> ws.delete("osint", "Q-1", justification="MoPI review: no longer necessary")
        1
        >>> ws.exists("osint", "Q-1"), ws.audit.entries("ERASE")["detail"][0]["revisions_erased"]
        (False, 1)
        >>> ws.audit.entries("ERASE")["detail"][0]["record_key_destroyed"]
        True
        """
        _check_name("kind", kind)
        _check_name("key", key)
        _validate("ERASE", justification, f"{kind}/{key}", None, None)
        with write_tx(self.engine) as conn:
            latest = self._latest(conn, kind, key)
            if latest is None or latest.doc is None:
                raise DocumentNotFoundError(f"no {kind} {key!r} in the workspace to erase")
            where = (documents.c.kind == kind, documents.c.key == key)
            n = conn.execute(
                sa.select(sa.func.count())
                .select_from(documents)
                .where(*where, documents.c.doc.is_not(None))
            ).scalar_one()
            conn.execute(sa.delete(documents).where(*where))
            shredded = destroy_record_key(conn, kind, key)
            conn.execute(
                sa.insert(documents).values(
                    kind=kind,
                    key=key,
                    revision=int(latest.revision) + 1,
                    saved_at=utc_now().isoformat(timespec="microseconds"),
                    analyst=self.analyst,
                    role=self.role,
                    action="ERASE",
                    doc=None,
                    sha256=None,
                )
            )
            self.audit._append(
                conn,
                "ERASE",
                justification=justification,
                record_ref=f"{kind}/{key}",
                detail={
                    "kind": kind,
                    "key": key,
                    "revisions_erased": int(n),
                    "record_key_destroyed": shredded,
                },
            )
        flush_wal(self.engine)
        return int(n)

    # ------------------------------------------------------------------ summaries

    def summary(self) -> pd.DataFrame:
        """Return the number of documents and kept revisions by kind.

        Returns
        -------
        pandas.DataFrame
            Columns ``kind``, ``documents``, ``revisions``, sorted by kind.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put("plan", "CP-1", {}); _ = ws.put("plan", "CP-1", {"v": 2})
        >>> ws.summary()
           kind  documents  revisions
        0  plan          1          2
        """
        return summary_frame(self.engine)

    def close(self) -> None:
        """Release the database connections (the workspace can be reopened at any time)."""
        self.engine.dispose()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def __repr__(self) -> str:
        return (
            f"Workspace({self._where()!r}, role={self.role!r}, "
            f"schema_version={self.schema_version})"
        )

    def _repr_html_(self) -> str:
        return render_html(self)
