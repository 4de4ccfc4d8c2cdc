"""Reading documents: every read that returns content is a consultation, logged as CONSULT.

The Data Protection Act 2018 s.62 asks for a log of every consultation with who, when and
why. So :meth:`ConsultStore.get`, :meth:`~ConsultStore.get_many` and
:meth:`~ConsultStore.history` (and ``read_frame``) read the content and append the CONSULT
entry **in one write transaction**: no content leaves the store without its entry.

Which justification is written
------------------------------
In order: the ``justification=`` argument; the purpose of the innermost
``with ws.consulting("..."):`` block; the default purpose from the configuration
(``INTELBENCH_PURPOSE``, ``default_purpose`` under ``[audit]`` in the user or workspace
configuration, or a built-in "no purpose stated" text). The entry's detail says which
(``purpose_source``), so a reviewer can tell a stated purpose from a default one. With
``require_purpose = true`` in the configuration a read without a stated purpose is refused.

What is not a consultation (the bookkeeping rule)
-------------------------------------------------
Only the public methods that hand document content to a caller log. The store's own reads
(the latest revision number before a save, the row before an erasure, live keys and counts
for :meth:`keys`, :meth:`exists` and :meth:`summary`, the audit log read by ``verify`` and the
HTML views) go through private helpers, return no content to anyone and are not logged.
Kinds listed in ``unlogged_kinds`` under ``[audit]`` (form state, say) are not logged either.
A bulk read is **one** entry listing the keys it returned, not one entry per document.
"""

from __future__ import annotations

import contextlib
import json
from collections.abc import Iterator
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import DocumentNotFoundError, ParameterError
from intelbench.store._paths import check_name
from intelbench.store.db import documents, read_tx, write_tx
from intelbench.store.documents import latest_documents
from intelbench.store.identity import AuditSettings

__all__ = ["ConsultStore"]


class ConsultStore:
    """Logged reads for :class:`intelbench.store.workspace.Workspace` (a mixin)."""

    engine: Engine
    audit: Any
    settings: AuditSettings
    _purposes: list[str]

    # ------------------------------------------------------------------ purpose

    @contextlib.contextmanager
    def consulting(self, justification: str) -> Iterator[None]:
        """Give the purpose of every read inside the block (written on its CONSULT entry).

        Parameters
        ----------
        justification : str
            Why these records are read (non-empty).

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put("report", "IR-1", {"n": 1}, action="COLLECT")
        >>> with ws.consulting("Op Larch briefing"):
        ...     _ = ws.get("report", "IR-1")
        >>> ws.audit.entries("CONSULT")["justification"].tolist()
        ['Op Larch briefing']
        """
        if not isinstance(justification, str) or not justification.strip():
            raise ParameterError(f"justification must be a non-empty str; got {justification!r}")
        self._purposes.append(justification.strip())
        try:
            yield
        finally:
            self._purposes.pop()

    def _purpose(self, justification: str | None, ref: str) -> tuple[str, str]:
        if justification is not None:
            if not isinstance(justification, str):
                raise ParameterError(
                    f"justification must be a str or None; got {type(justification).__name__}"
                )
            if justification.strip():
                return justification.strip(), "stated"
        if self._purposes:
            return self._purposes[-1], "consulting()"
        if self.settings.require_purpose:
            raise ParameterError(
                f"justification is required to read {ref}: the configuration sets "
                "require_purpose = true; pass justification=... or read inside "
                'ws.consulting("...")'
            )
        return self.settings.default_purpose, f"default ({self.settings.purpose_source})"

    @contextlib.contextmanager
    def _reading(self, kind: str) -> Iterator[tuple[Connection, bool]]:
        logged = kind not in self.settings.unlogged_kinds
        tx = write_tx if logged else read_tx
        with tx(self.engine) as conn:
            yield conn, logged

    def _log(
        self, conn: Connection, ref: str, purpose: tuple[str, str], detail: dict[str, Any]
    ) -> None:
        self.audit._append(
            conn,
            "CONSULT",
            justification=purpose[0],
            record_ref=ref,
            detail={**detail, "purpose_source": purpose[1]},
        )

    # ------------------------------------------------------------------ reads

    def get(
        self,
        kind: str,
        key: str,
        revision: int | None = None,
        *,
        justification: str | None = None,
    ) -> dict[str, Any]:
        """Return a document (the latest revision, or the one asked for); logged as CONSULT.

        Parameters
        ----------
        kind, key : str
            Which document.
        revision : int, optional
            A revision number from :meth:`put` or :meth:`history`.
        justification : str, optional
            Why it is read; see the module docs for what is written without one.

        Returns
        -------
        dict
            A fresh copy of the stored JSON.

        Raises
        ------
        DocumentNotFoundError
            (a StoreError and a KeyError) when there is no such document or revision.
        ParameterError
            When the policy requires a justification and none is given.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> ws.get("plan", "nope")
        Traceback (most recent call last):
        ...
        intelbench.exceptions.DocumentNotFoundError: no plan 'nope' in the workspace
        >>> _ = ws.put("report", "IR-1", {"n": 1}, action="COLLECT")
        >>> ws.get("report", "IR-1", justification="Op Larch briefing")
        {'n': 1}
        >>> ws.audit.entries("CONSULT")[["record_ref", "justification"]]
              record_ref      justification
        0  report/IR-1@1  Op Larch briefing
        """
        check_name("kind", kind)
        check_name("key", key)
        if revision is not None and (isinstance(revision, bool) or not isinstance(revision, int)):
            raise ParameterError(f"revision must be an int or None; got {revision!r}")
        purpose = self._purpose(justification, f"{kind}/{key}")
        with self._reading(kind) as (conn, logged):
            where = [documents.c.kind == kind, documents.c.key == key]
            if revision is not None:
                where.append(documents.c.revision == revision)
            row = conn.execute(
                sa.select(documents.c.revision, documents.c.doc)
                .where(*where)
                .order_by(documents.c.revision.desc())
                .limit(1)
            ).first()
            if row is None or row.doc is None:
                what = f"no {kind} {key!r}" + (
                    f" revision {revision}" if revision is not None else ""
                )
                raise DocumentNotFoundError(f"{what} in the workspace")
            rev = int(row.revision)
            if logged:
                self._log(
                    conn,
                    f"{kind}/{key}@{rev}",
                    purpose,
                    {"kind": kind, "key": key, "revision": rev},
                )
            text = str(row.doc)
        result: dict[str, Any] = json.loads(text)
        return result

    def get_many(
        self, kind: str, keys: list[str] | None = None, *, justification: str | None = None
    ) -> dict[str, dict[str, Any]]:
        """Return the latest revision of many documents in one read; one CONSULT entry.

        Parameters
        ----------
        kind : str
            Which kind of document.
        keys : list of str, optional
            The keys wanted (missing or erased ones are left out); all live documents if None.
        justification : str, optional
            Why they are read (see :meth:`get`).

        Returns
        -------
        dict
            ``{key: doc}`` in key order. The CONSULT entry lists the keys returned (none is
            written when nothing is returned).

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> _ = ws.put_many("report", {"IR-1": {"n": 1}, "IR-2": {"n": 2}}, action="COLLECT")
        >>> ws.get_many("report")
        {'IR-1': {'n': 1}, 'IR-2': {'n': 2}}
        >>> ws.get_many("report", ["IR-2", "IR-9"], justification="Op Larch")
        {'IR-2': {'n': 2}}
        >>> ws.audit.entries("CONSULT")["detail"].iloc[-1]["keys"]
        ['IR-2']
        """
        check_name("kind", kind)
        purpose = self._purpose(justification, f"{kind}/*")
        with self._reading(kind) as (conn, logged):
            found = latest_documents(conn, kind, keys)
            if logged and found:
                ref = f"{kind}/*" if keys is None else f"{kind}/[{len(found)} records]"
                self._log(
                    conn, ref, purpose, {"kind": kind, "keys": list(found), "count": len(found)}
                )
        return found

    def history(self, kind: str, key: str, *, justification: str | None = None) -> pd.DataFrame:
        """Return every kept revision of a document, oldest first; logged as CONSULT.

        Returns
        -------
        pandas.DataFrame
            Columns ``revision``, ``saved_at`` (UTC datetimes), ``analyst``, ``role``,
            ``action``, ``sha256`` and ``doc`` (dicts).

        Raises
        ------
        DocumentNotFoundError
            When the document does not exist (or was erased).

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> for n in (1, 2):
        ...     _ = ws.put("plan", "CP-1", {"n": n})
        >>> ws.history("plan", "CP-1")[["revision", "analyst", "doc"]]
           revision    analyst       doc
        0         1  A. Analyst  {'n': 1}
        1         2  A. Analyst  {'n': 2}
        """
        check_name("kind", kind)
        check_name("key", key)
        purpose = self._purpose(justification, f"{kind}/{key}")
        with self._reading(kind) as (conn, logged):
            rows = conn.execute(
                sa.select(documents)
                .where(
                    documents.c.kind == kind,
                    documents.c.key == key,
                    documents.c.doc.is_not(None),
                )
                .order_by(documents.c.revision)
            ).all()
            if not rows:
                raise DocumentNotFoundError(f"no {kind} {key!r} in the workspace")
            if logged:
                revs = [int(r.revision) for r in rows]
                self._log(
                    conn,
                    f"{kind}/{key}",
                    purpose,
                    {"kind": kind, "key": key, "revisions": revs},
                )
        return pd.DataFrame(
            {
                "revision": [int(r.revision) for r in rows],
                "saved_at": pd.to_datetime([r.saved_at for r in rows], utc=True, format="ISO8601"),
                "analyst": [r.analyst for r in rows],
                "role": [r.role for r in rows],
                "action": [r.action for r in rows],
                "sha256": [r.sha256 for r in rows],
                "doc": [json.loads(r.doc) for r in rows],
            }
        )
