"""Who is working, in which role, and the audit settings: one documented configuration.

Where each setting comes from
-----------------------------
Two TOML files and a few environment variables. The **user configuration** belongs to the
analyst (``$INTELBENCH_CONFIG_DIR/config.toml``, by default ``~/.config/intelbench/config.toml``
or ``$XDG_CONFIG_HOME/intelbench/config.toml``)::

    [identity]
    analyst = "a.analyst"            # default: the operating-system user
    role = "ANALYST"                 # used only when the workspace has no [roles] table

    [audit]
    key_file = "/secure/intelbench/audit.key"     # default: audit.key beside config.toml
    anchor_dir = "/secure/intelbench/anchors"     # default: ~/.local/state/intelbench/anchors
    default_purpose = "Tasked analysis for the Northshire intelligence unit"
    require_purpose = false          # true: every read must state its own justification

The **workspace configuration** (``workspace.toml`` or ``workspace.json`` in the workspace
folder) is shared by everyone using the workspace. Its ``[roles]`` table, kept by a
supervisor, is the authority on roles: when it exists, the role argument, environment variable
and user configuration are ignored unless they agree with it::

    [roles]
    "a.analyst" = "ANALYST"
    "i.unit" = "INTEL_UNIT"
    "s.super" = "SUPERVISOR"
    "*" = "ANALYST"                  # anyone not listed (omit to refuse them)

    [audit]
    default_purpose = "Operation Larch"
    require_purpose = true

Environment variables (each overrides the user configuration):

- ``INTELBENCH_ANALYST``, ``INTELBENCH_ROLE``: who and which role (the role only without a
  ``[roles]`` table);
- ``INTELBENCH_CONFIG_DIR``: the folder holding ``config.toml`` (and, by default, the key);
- ``INTELBENCH_AUDIT_KEY``: the audit key file;
- ``INTELBENCH_ANCHOR_DIR``: where the signed heads of audit chains are kept;
- ``INTELBENCH_PURPOSE``: the default purpose written on consultations with none given.

The key file and the anchor folder are never read from the workspace's own configuration:
whoever can write the workspace must not be able to choose them.
"""

from __future__ import annotations

import getpass
import html
import json
import os
import tomllib
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from intelbench.exceptions import ParameterError, RoleError, StoreError

__all__ = [
    "BUILTIN_PURPOSE",
    "CONFIG_FILES",
    "ENV_VARS",
    "ROLES",
    "AuditSettings",
    "Identity",
    "identity_note",
    "load_settings",
    "resolve_identity",
    "role_error",
    "user_config_dir",
]

#: Roles an analyst identity may have.
ROLES: tuple[str, ...] = ("ANALYST", "INTEL_UNIT", "SUPERVISOR", "RESEARCHER")

#: Identity files looked for in a workspace folder, in order.
CONFIG_FILES: tuple[str, ...] = ("workspace.toml", "workspace.json")

#: The purpose written on a consultation when none is given and none is configured.
BUILTIN_PURPOSE = "no purpose stated (default purpose; none configured)"

#: The environment variables the store reads, and what each one sets.
ENV_VARS: dict[str, str] = {
    "INTELBENCH_ANALYST": "who is working (default: the operating-system user)",
    "INTELBENCH_ROLE": "the role, when the workspace has no [roles] table",
    "INTELBENCH_CONFIG_DIR": "folder of the user configuration config.toml",
    "INTELBENCH_AUDIT_KEY": "the audit key file (owner-only permissions)",
    "INTELBENCH_ANCHOR_DIR": "folder of the signed audit heads and checkpoints",
    "INTELBENCH_PURPOSE": "default justification written on consultations",
}


def user_config_dir() -> Path:
    """Return the folder of the user configuration (``config.toml`` and the default key).

    Examples
    --------
    >>> import pathlib
    >>> from intelbench.store.identity import user_config_dir
    >>> isinstance(user_config_dir(), pathlib.Path)
    True
    """
    env = os.environ.get("INTELBENCH_CONFIG_DIR")
    if env:
        return Path(env).expanduser()
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base).expanduser() / "intelbench"


def _state_dir() -> Path:
    base = os.environ.get("XDG_STATE_HOME") or str(Path.home() / ".local" / "state")
    return Path(base).expanduser() / "intelbench"


def _read_config(path: Path) -> dict[str, Any]:
    try:
        if path.suffix == ".toml":
            data: Any = tomllib.loads(path.read_text(encoding="utf-8"))
        else:
            data = json.loads(path.read_text(encoding="utf-8"))
    except (ValueError, OSError) as exc:
        raise StoreError(
            f"{path}: cannot read the workspace config ({type(exc).__name__}: {exc})"
        ) from exc
    if not isinstance(data, dict):
        raise StoreError(f"{path}: the workspace config must be a table; got {type(data).__name__}")
    return data


def _workspace_config(folder: Path | None) -> tuple[dict[str, Any], Path | None]:
    if folder is None:
        return {}, None
    for name in CONFIG_FILES:
        path = folder / name
        if path.is_file():
            return _read_config(path), path
    return {}, None


def _user_config() -> tuple[dict[str, Any], Path]:
    path = user_config_dir() / "config.toml"
    if path.is_file():
        data = _read_config(path)
        return data, path
    return {}, path


def _table(cfg: dict[str, Any], name: str, where: Path | None) -> dict[str, Any]:
    value = cfg.get(name, {})
    if not isinstance(value, dict):
        raise StoreError(f"{where}: [{name}] must be a table; got {type(value).__name__}")
    return value


#: The forms' own working copies (written unaudited as drafts): reading them back is not a
#: consultation of intelligence, so it is never logged. Configured kinds are added to these.
DRAFT_KINDS = frozenset({"plan_draft", "grade_draft"})


@dataclass(frozen=True)
class AuditSettings:
    """Where the audit key and anchors are, and the consultation policy.

    Attributes
    ----------
    key_file : Path
        The audit key (32 random bytes as hex, owner-only permissions).
    anchor_dir : Path
        Where the signed heads and checkpoints of audit chains are written.
    default_purpose : str
        Written as the justification of a consultation that gives none.
    purpose_source : str
        Where ``default_purpose`` came from.
    require_purpose : bool
        When True a read without its own justification is refused.
    unlogged_kinds : frozenset of str
        Document kinds whose reads are not consultations (form state, for instance).
    """

    key_file: Path
    anchor_dir: Path
    default_purpose: str = BUILTIN_PURPOSE
    purpose_source: str = "built-in default"
    require_purpose: bool = False
    unlogged_kinds: frozenset[str] = field(default_factory=lambda: DRAFT_KINDS)


def load_settings(folder: Path | None = None) -> AuditSettings:
    """Read the audit settings for a workspace folder (or for a URL workspace with None).

    Examples
    --------
    >>> import os
    >>> from intelbench.store.identity import load_settings
    >>> os.environ["INTELBENCH_PURPOSE"] = "Op Larch"
    >>> load_settings().default_purpose, load_settings().purpose_source
    ('Op Larch', 'environment variable INTELBENCH_PURPOSE')
    >>> del os.environ["INTELBENCH_PURPOSE"]
    """
    user, user_path = _user_config()
    ws_cfg, ws_path = _workspace_config(folder)
    if isinstance(ws_cfg.get("workspace"), dict):
        ws_cfg = {**ws_cfg, **ws_cfg["workspace"]}
    ua = _table(user, "audit", user_path)
    wa = _table(ws_cfg, "audit", ws_path)
    key = os.environ.get("INTELBENCH_AUDIT_KEY") or ua.get("key_file")
    key_file = Path(str(key)).expanduser() if key else user_config_dir() / "audit.key"
    anchor = os.environ.get("INTELBENCH_ANCHOR_DIR") or ua.get("anchor_dir")
    anchor_dir = Path(str(anchor)).expanduser() if anchor else _state_dir() / "anchors"
    purpose, source = BUILTIN_PURPOSE, "built-in default"
    for value, where in (
        (os.environ.get("INTELBENCH_PURPOSE"), "environment variable INTELBENCH_PURPOSE"),
        (ua.get("default_purpose"), f"{user_path} [audit]"),
        (wa.get("default_purpose"), f"{ws_path} [audit]"),
    ):
        if value:
            if not isinstance(value, str) or not value.strip():
                raise StoreError(f"{where}: default_purpose must be a non-empty string")
            purpose, source = value.strip(), where
            break
    required = False
    for table, place in ((ua, user_path), (wa, ws_path)):
        value = table.get("require_purpose", False)
        if not isinstance(value, bool):
            raise StoreError(f"{place} [audit]: require_purpose must be true or false")
        required = required or value
    kinds: set[str] = set(DRAFT_KINDS)
    for table, place in ((ua, user_path), (wa, ws_path)):
        value = table.get("unlogged_kinds", [])
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise StoreError(f"{place} [audit]: unlogged_kinds must be a list of strings")
        kinds.update(value)
    return AuditSettings(key_file, anchor_dir, purpose, source, required, frozenset(kinds))


@dataclass(frozen=True)
class Identity:
    """Who is working and in which role, with where each came from (``ws.whoami()``).

    Attributes
    ----------
    analyst, role : str
        The identity written into every revision and audit entry.
    analyst_source, role_source : str
        Where each came from (an argument, an environment variable, a file and table, the
        operating system).
    roles_file : Path or None
        The workspace file whose ``[roles]`` table decides roles, when there is one.
    user_config : Path
        The user configuration file (it may not exist).

    Examples
    --------
    >>> from intelbench.store.identity import Identity
    >>> me = Identity("a.analyst", "ANALYST", "operating-system user", "default")
    >>> str(me)
    'a.analyst (ANALYST; role from default)'
    """

    analyst: str
    role: str
    analyst_source: str
    role_source: str
    roles_file: Path | None = None
    user_config: Path | None = None

    def __str__(self) -> str:
        return f"{self.analyst} ({self.role}; role from {self.role_source})"

    def how_to_get(self, role: str) -> str:
        """Say how this analyst gets ``role`` (who changes what, where)."""
        if self.roles_file is not None:
            return (
                f'ask a supervisor to set "{self.analyst}" = "{role}" in the [roles] table '
                f"of {self.roles_file}"
            )
        return (
            f"ask a supervisor to give you {role} in the workspace's [roles] table "
            f"(workspace.toml), or, where your force lets analysts set their own role, set "
            f'role = "{role}" under [identity] in {self.user_config} or INTELBENCH_ROLE'
        )

    def _repr_html_(self) -> str:
        esc = html.escape
        return (
            f"<div class='ib-whoami'><b>{esc(self.analyst)}</b> "
            f"<span style='padding:0 4px;border:1px solid #888;border-radius:3px'>"
            f"{esc(self.role)}</span> <small>role from {esc(self.role_source)}</small></div>"
        )


def _check_role(value: Any, where: str) -> str:
    if not isinstance(value, str) or value.strip().upper() not in ROLES:
        raise ParameterError(f"role must be one of {', '.join(ROLES)}; got {value!r} ({where})")
    return value.strip().upper()


def resolve_identity(folder: Path | None, analyst: str | None, role: str | None) -> Identity:
    """Work out who is working and their role (see the module docs for the order).

    Parameters
    ----------
    folder : Path or None
        The workspace folder (None for a URL workspace).
    analyst : str or None
        An explicit name, for this module's own checks only: the public API
        (:class:`~intelbench.store.workspace.Workspace`) never passes one, so the analyst is
        the operating-system user or a configured identity.
    role : str or None
        A requested role. With a ``[roles]`` table it must agree with it.

    Returns
    -------
    Identity

    Raises
    ------
    ParameterError
        For an empty analyst or an unknown role.
    RoleError
        When the workspace's ``[roles]`` table gives this analyst no role, or another role
        than the one asked for.

    Examples
    --------
    >>> from intelbench.store.identity import resolve_identity
    >>> resolve_identity(None, "A. Analyst", "intel_unit").role
    'INTEL_UNIT'
    """
    ws_cfg, ws_path = _workspace_config(folder)
    roles_table = _table(ws_cfg, "roles", ws_path) if "roles" in ws_cfg else None
    if isinstance(ws_cfg.get("workspace"), dict):
        ws_cfg = {**ws_cfg, **ws_cfg["workspace"]}
    user, user_path = _user_config()
    ident = _table(user, "identity", user_path)
    a_src = "argument"
    if not analyst:
        for value, where in (
            (os.environ.get("INTELBENCH_ANALYST"), "environment variable INTELBENCH_ANALYST"),
            (ident.get("analyst"), f"{user_path} [identity]"),
            (ws_cfg.get("analyst"), f"{ws_path}"),
        ):
            if value:
                analyst, a_src = value, where
                break
    if not analyst:
        try:
            analyst, a_src = getpass.getuser(), "operating-system user"
        except (KeyError, OSError):
            analyst, a_src = "unknown", "operating-system user (unknown)"
    if not isinstance(analyst, str) or not analyst.strip():
        raise ParameterError(f"analyst must be a non-empty str; got {analyst!r}")
    analyst = analyst.strip()
    asked: str | None = None
    r_src = "argument"
    if role:
        asked = _check_role(role, "argument")
    else:
        for value, where in (
            (os.environ.get("INTELBENCH_ROLE"), "environment variable INTELBENCH_ROLE"),
            (ident.get("role"), f"{user_path} [identity]"),
            (ws_cfg.get("role") if roles_table is None else None, f"{ws_path}"),
        ):
            if value:
                asked, r_src = _check_role(value, where), where
                break
    if roles_table is None:
        return Identity(
            analyst, asked or "ANALYST", a_src, r_src if asked else "default", None, user_path
        )
    listed = roles_table.get(analyst, roles_table.get("*"))
    where = f"{ws_path} [roles]"
    if listed is None:
        raise RoleError(
            f"{analyst} has no role in this workspace: {ws_path} has a [roles] table without "
            f'"{analyst}" (and no "*" entry); ask a supervisor to add "{analyst}" = '
            f'"ANALYST" (or the role you need) to it'
        )
    granted = _check_role(listed, where)
    if asked is not None and asked != granted:
        raise RoleError(
            f"{analyst} asked for role {asked} ({r_src}) but the workspace's role table "
            f"{where} gives {granted}; roles come from that table: ask a supervisor to set "
            f'"{analyst}" = "{asked}" there, or drop the {r_src}'
        )
    return Identity(analyst, granted, a_src, where, ws_path, user_path)


def identity_note(me: Identity) -> str:
    """Say in a few words where an identity came from, for every audit entry's detail.

    The analyst is the operating-system user, or a configured identity: the environment
    variable ``INTELBENCH_ANALYST``, the user configuration's ``[identity]`` table or the
    workspace configuration. A DPO reading the log sees which entries were made under an
    asserted (configured) name rather than the operating-system login.

    Examples
    --------
    >>> from intelbench.store.identity import Identity, identity_note
    >>> identity_note(Identity("root", "ANALYST", "operating-system user", "default"))
    'analyst from os user; role from default'
    >>> identity_note(Identity("a.analyst", "SUPERVISOR",
    ...               "environment variable INTELBENCH_ANALYST", "argument"))
    'analyst from env INTELBENCH_ANALYST; role from requested'
    """

    def short(source: str) -> str:
        if source.startswith("operating-system user"):
            return "os user"
        if source.startswith("environment variable "):
            return "env " + source.removeprefix("environment variable ")
        if source.endswith("[identity]"):
            return "user config"
        if source.endswith("[roles]") or source.startswith("the workspace role table"):
            return "role table"
        if source == "argument":
            return "requested"
        if source == "default":
            return "default"
        return "workspace config"

    return f"analyst from {short(me.analyst_source)}; role from {short(me.role_source)}"


def role_error(
    me: Identity, allowed: tuple[str, ...] | list[str], action: str, instead: str | None = None
) -> RoleError:
    """Build the error for a role that may not do something: why, how to get it, what instead.

    Examples
    --------
    >>> from intelbench.store.identity import Identity, role_error
    >>> me = Identity("a.analyst", "ANALYST", "operating-system user", "default")
    >>> print(role_error(me, ("INTEL_UNIT", "SUPERVISOR"), "re-grade a submitted grade",
    ...                  instead="propose a re-grade for a supervisor to accept"))
    a.analyst has role ANALYST (from default), and to re-grade a submitted grade needs
    INTEL_UNIT or SUPERVISOR. You can propose a re-grade for a supervisor to accept. To get
    INTEL_UNIT: ask a supervisor ...
    """
    need = " or ".join(allowed)
    text = f"{me.analyst} has role {me.role} (from {me.role_source}), and to {action} needs {need}."
    if instead:
        text += f" You can {instead}."
    text += f" To get {allowed[0]}: {me.how_to_get(allowed[0])}."
    return RoleError(text)
