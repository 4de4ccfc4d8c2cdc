"""The workspace's role table: who holds which role, changed only by a SUPERVISOR, audited.

``ws.roles`` is the authority on roles once it holds a row. Until then the workspace runs on
the configured roles (:mod:`intelbench.store.identity`: ``workspace.toml`` ``[roles]``, or
the role argument, environment variable or user configuration).

Rules
-----
- **Only a SUPERVISOR changes the table** (:meth:`RoleTable.grant`, :meth:`RoleTable.revoke`),
  and every change is an audit entry (ALTER on ``roles/<analyst>``, with the new and the
  previous role and the reason as justification).
- **Bootstrap.** While the table is empty, the first grant may be made by the workspace's
  creator (the first analyst to open it with this version, recorded in ``ib_roles_meta``) or
  by someone the workspace's ``workspace.toml`` ``[roles]`` table makes SUPERVISOR. That
  person is entered as SUPERVISOR first (audited), then the grant is made.
- **Once the table holds rows** the role of whoever opens the workspace is the table's (their
  own row, else the ``"*"`` row); an analyst the table does not list is refused, and a role
  argument, environment variable or configured role that disagrees with it is refused
  (:class:`~intelbench.exceptions.RoleError`, saying how to get the role).

An open workspace keeps the role it resolved when opened; a change made by a supervisor in
another session applies when the workspace is opened again.
"""

from __future__ import annotations

import dataclasses
import html
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from intelbench.exceptions import ParameterError, RoleError
from intelbench.store.audit import _validate
from intelbench.store.db import read_tx, roles_meta, roles_table, utc_now, write_tx
from intelbench.store.identity import ROLES, Identity, identity_note
from intelbench.store.integrity import ensure_tables

__all__ = ["ROLE_TABLE_SOURCE", "RoleTable", "role_rows", "roles_meta", "roles_table"]

#: ``Identity.role_source`` for a role read from the workspace's role table.
ROLE_TABLE_SOURCE = "the workspace role table (ws.roles)"




def role_rows(engine: Engine) -> dict[str, str]:
    """Return ``{analyst: role}`` from the role table (empty while it is not in use)."""
    with read_tx(engine) as conn:
        return {
            str(r.analyst): str(r.role)
            for r in conn.execute(sa.select(roles_table.c.analyst, roles_table.c.role))
        }


def _creator(engine: Engine, analyst: str) -> str:
    with read_tx(engine) as conn:
        row = conn.execute(sa.select(roles_meta.c.creator).where(roles_meta.c.id == 1)).first()
    if row is not None:
        return str(row.creator)
    try:
        with write_tx(engine, lock_state=False) as conn:
            conn.execute(
                sa.insert(roles_meta).values(
                    id=1, creator=analyst, created_at=utc_now().isoformat(timespec="seconds")
                )
            )
    except sa.exc.IntegrityError:  # another process recorded the creator meanwhile
        pass
    with read_tx(engine) as conn:
        return str(conn.execute(sa.select(roles_meta.c.creator)).scalar_one())


def _apply(me: Identity, rows: dict[str, str], *, strict: bool = True) -> Identity:
    if not rows:
        return me
    granted = rows.get(me.analyst, rows.get("*"))
    if granted is None:
        raise RoleError(
            f"{me.analyst} has no role in this workspace: its role table (ws.roles) does not "
            f'list "{me.analyst}" and has no "*" row; ask a supervisor to run '
            f'ws.roles.grant("{me.analyst}", "ANALYST", reason=...)'
        )
    explicit = strict and me.role_source not in ("default", ROLE_TABLE_SOURCE)
    explicit = explicit and not me.role_source.endswith("[roles]")
    if explicit and me.role != granted:
        raise RoleError(
            f"{me.analyst} asked for role {me.role} ({me.role_source}) but the workspace's "
            f"role table gives {granted}; roles come from that table: ask a supervisor to run "
            f'ws.roles.grant("{me.analyst}", "{me.role}", reason=...), or drop the '
            f"{me.role_source}"
        )
    return dataclasses.replace(me, role=granted, role_source=ROLE_TABLE_SOURCE)


class RoleTable:
    """The role table of a workspace (``ws.roles``); see the module docs for the rules.

    Parameters
    ----------
    ws : Workspace
        The workspace; opening it applies the table to ``ws``'s identity.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("s.super", tempfile.mkdtemp(), role="ANALYST")
    >>> ws.roles.creator
    's.super'
    >>> ws.roles.grant("a.analyst", "ANALYST", reason="joined the unit")
    >>> ws.roles.frame()[["analyst", "role", "granted_by"]]
         analyst        role granted_by
    0  a.analyst     ANALYST    s.super
    1    s.super  SUPERVISOR    s.super
    >>> ws.role
    'SUPERVISOR'
    """

    def __init__(self, ws: Any) -> None:
        self.ws = ws
        ensure_tables(ws.engine, [roles_table, roles_meta])
        self.creator = _creator(ws.engine, ws.analyst)
        self._refresh()

    def _refresh(self, *, strict: bool = True) -> None:
        me = _apply(self.ws._identity, role_rows(self.ws.engine), strict=strict)
        self.ws._identity = me
        self.ws.audit.analyst, self.ws.audit.role = me.analyst, me.role
        self.ws.audit.identity = identity_note(me)

    def active(self) -> bool:
        """Return True once the table holds a row (it then decides every role)."""
        return bool(role_rows(self.ws.engine))

    def frame(self) -> pd.DataFrame:
        """Return the table: ``analyst, role, granted_by, granted_at, reason``, by analyst."""
        with read_tx(self.ws.engine) as conn:
            rows = [
                dict(r._mapping)
                for r in conn.execute(sa.select(roles_table).order_by(roles_table.c.analyst))
            ]
        frame = pd.DataFrame(rows, columns=[c.name for c in roles_table.columns])
        frame.attrs["roles"] = {
            "analyst": "officer",
            "role": "label",
            "granted_by": "officer",
            "granted_at": "time",
            "reason": "internal",
        }
        return frame

    def _may_change(self) -> bool:
        me: Identity = self.ws.whoami()
        if self.active():
            return me.role == "SUPERVISOR" and me.role_source == ROLE_TABLE_SOURCE
        configured = me.roles_file is not None and me.role == "SUPERVISOR"
        return me.analyst == self.creator or configured

    def _write(self, changes: list[tuple[str, str | None]], reason: str) -> None:
        me: Identity = self.ws.whoami()
        now = utc_now().isoformat(timespec="seconds")
        with write_tx(self.ws.engine) as conn:
            current = {
                str(r.analyst): str(r.role)
                for r in conn.execute(sa.select(roles_table.c.analyst, roles_table.c.role))
            }
            items = []
            for analyst, role in changes:
                previous = current.get(analyst)
                conn.execute(sa.delete(roles_table).where(roles_table.c.analyst == analyst))
                if role is not None:
                    conn.execute(
                        sa.insert(roles_table).values(
                            analyst=analyst, role=role, granted_by=me.analyst, granted_at=now,
                            reason=reason,
                        )
                    )
                    current[analyst] = role
                else:
                    current.pop(analyst, None)
                event = "role_granted" if role is not None else "role_revoked"
                items.append(
                    _validate(
                        "ALTER",
                        reason,
                        f"roles/{analyst}",
                        None,
                        {"event": event, "analyst": analyst, "role": role, "previous": previous},
                    )
                )
            if current and "SUPERVISOR" not in current.values():
                raise ParameterError(
                    "the role table must keep at least one SUPERVISOR; this change would "
                    "leave none"
                )
            self.ws.audit._append_many(conn, items)

    def grant(self, analyst: str, role: str, *, reason: str) -> None:
        """Give ``analyst`` a role (SUPERVISOR only; audited). ``"*"`` sets everyone else's.

        Raises
        ------
        RoleError
            When the analyst is not a SUPERVISOR (or, before the table is in use, neither the
            workspace's creator nor a configured SUPERVISOR).
        ParameterError
            For an unknown role, an empty analyst or reason.
        """
        if not isinstance(analyst, str) or not analyst.strip():
            raise ParameterError(f"analyst must be a non-empty str; got {analyst!r}")
        if not isinstance(role, str) or role.strip().upper() not in ROLES:
            raise ParameterError(f"role must be one of {', '.join(ROLES)}; got {role!r}")
        if not isinstance(reason, str) or not reason.strip():
            raise ParameterError(f"reason must be a non-empty str; got {reason!r}")
        if not self._may_change():
            self._refuse("change roles")
        me: Identity = self.ws.whoami()
        changes: list[tuple[str, str | None]] = []
        if not self.active() and analyst.strip() != me.analyst:
            changes.append((me.analyst, "SUPERVISOR"))  # bootstrap: the first supervisor
        changes.append((analyst.strip(), role.strip().upper()))
        self._write(changes, reason.strip())
        self._refresh(strict=False)

    def revoke(self, analyst: str, *, reason: str) -> None:
        """Remove ``analyst``'s row (SUPERVISOR only; audited); the ``"*"`` row then applies."""
        if not isinstance(reason, str) or not reason.strip():
            raise ParameterError(f"reason must be a non-empty str; got {reason!r}")
        if not self.active() or not self._may_change():
            self._refuse("change roles")
        if analyst not in role_rows(self.ws.engine):
            raise ParameterError(f"analyst {analyst!r} has no row in the role table")
        self._write([(analyst, None)], reason.strip())
        self._refresh(strict=False)

    def _refuse(self, what: str) -> None:
        me: Identity = self.ws.whoami()
        if self.active():
            raise RoleError(
                f"{me.analyst} has role {me.role} (from {me.role_source}); only a SUPERVISOR "
                f"in the workspace's role table may {what}. Ask a supervisor"
            )
        raise RoleError(
            f"{me.analyst} may not {what}: the role table is not in use yet and only the "
            f"workspace's creator ({self.creator}) or a SUPERVISOR named in workspace.toml "
            "[roles] may start it"
        )

    def _repr_html_(self) -> str:
        from intelbench._display import date_text

        esc = html.escape
        frame = self.frame()
        if frame.empty:
            return (
                "<div><b>Role table</b>: not in use (roles come from the configuration); "
                f"creator {esc(self.creator)}</div>"
            )
        rows = "".join(
            f"<tr><td>{esc(str(r.analyst))}</td><td>{esc(str(r.role))}</td>"
            f"<td>{esc(str(r.granted_by))}</td>"
            f"<td>{esc(date_text(r.granted_at, 'second'))}</td></tr>"
            for r in frame.itertuples()
        )
        return (
            "<div><b>Role table</b><table><thead><tr><th>analyst</th><th>role</th>"
            f"<th>granted by</th><th>when</th></tr></thead><tbody>{rows}</tbody></table></div>"
        )

    def __repr__(self) -> str:
        return f"RoleTable({role_rows(self.ws.engine)!r}, creator={self.creator!r})"
