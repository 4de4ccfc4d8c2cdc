"""The store: workspaces on SQLite or PostgreSQL, versioned documents, frames and the audit log.

The bottom floor of the package: every other part keeps what it makes here.

- :mod:`intelbench.store.workspace`: :class:`Workspace`, documents with revisions, roles.
- :mod:`intelbench.store.documents`: the revision table and migrations.
- :mod:`intelbench.store.frames`: whole tables kept with their dtypes and index.
- :mod:`intelbench.store.audit`: the append-only audit log, keyed and anchored
  (:mod:`~intelbench.store.chain`, :mod:`~intelbench.store.keyring`,
  :mod:`~intelbench.store.anchor`).
- :mod:`intelbench.store.consult`: reads, each logged as a consultation.
- :mod:`intelbench.store.identity`: who, which role, the audit settings (one configuration).
- :mod:`intelbench.store.db`: the SQLAlchemy schema and engine set-up.
"""

from __future__ import annotations

from intelbench.exceptions import DocumentNotFoundError
from intelbench.store.audit import AuditEntry, AuditLog
from intelbench.store.identity import Identity
from intelbench.store.workspace import (
    CONFIG_FILES,
    DB_FILE,
    MIGRATIONS,
    ROLES,
    Migration,
    Workspace,
)

__all__ = [
    "CONFIG_FILES",
    "DB_FILE",
    "MIGRATIONS",
    "ROLES",
    "AuditEntry",
    "AuditLog",
    "DocumentNotFoundError",
    "Identity",
    "Migration",
    "Workspace",
]
