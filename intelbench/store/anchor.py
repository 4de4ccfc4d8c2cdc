"""The audit key and the anchors: what the workspace's audit chain is checked against.

Both live **outside the workspace**, so that someone who can rewrite the workspace database
(drop its triggers, cut entries off, edit one and recompute the chain) cannot make the log
verify again.

The key
-------
A file holding 32 random bytes as 64 hex digits, created on first use with owner-only
permissions (``0600``, in a ``0700`` folder). Its path comes from the configuration
(:mod:`intelbench.store.identity`). Every audit entry's hash is an HMAC-SHA-256 under this
key, and so are the content hashes the log keeps, so neither can be recomputed without it.
A workspace records the key's id (a keyed hash of a fixed label, never the key); opening it
with another key, a missing key or a key file others may read is refused with
:class:`~intelbench.exceptions.AuditIntegrityError`. Everyone writing to a shared workspace
configures the same key file (kept by the intelligence unit).

The anchors
-----------
In the anchor folder, per workspace id:

- ``<id>.head``: the signed head (sequence number, hash, time) of the chain, replaced
  atomically after every committed write;
- ``<id>.checkpoints``: an append-only file of signed heads written by
  ``ws.audit.checkpoint()``, automatically after every DISCLOSE and at least daily;
- ``locations``: an append-only index of which workspace id lives at which location, so a
  workspace whose id or chain settings were reset is noticed.

Every record carries an HMAC under the audit key, so an anchor cannot be forged either.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import json
import os
import secrets
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from intelbench.exceptions import AuditIntegrityError

__all__ = [
    "Anchor",
    "AnchorRecord",
    "key_id",
    "load_key",
    "mac_hex",
]

_KEY_LABEL = b"intelbench audit key id"


def mac_hex(key: bytes, text: str) -> str:
    """HMAC-SHA-256 of the UTF-8 bytes of ``text`` under ``key``, as 64 hex digits.

    Examples
    --------
    >>> from intelbench.store.anchor import mac_hex
    >>> mac_hex(b"k" * 32, "text")[:12]
    '8d3a9f54db4f'
    """
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


def key_id(key: bytes) -> str:
    """Return a short public id of a key (a keyed hash of a label; reveals nothing of the key).

    Examples
    --------
    >>> from intelbench.store.anchor import key_id
    >>> len(key_id(b"k" * 32))
    16
    """
    return hmac.new(key, _KEY_LABEL, hashlib.sha256).hexdigest()[:16]


def _fail(message: str, seq: int = 0) -> AuditIntegrityError:
    err = AuditIntegrityError(message)
    err.seq = seq  # type: ignore[attr-defined]
    return err


def load_key(path: Path, *, create: bool) -> bytes:
    """Read the audit key at ``path``, creating it (``0600``) when allowed and missing.

    Parameters
    ----------
    path : Path
        The key file.
    create : bool
        Create a new key when the file does not exist. False when a workspace already
        depends on a key: a missing key is then an error, not a reason to make a new one.

    Returns
    -------
    bytes
        32 bytes.

    Raises
    ------
    AuditIntegrityError
        When the file is missing (and may not be created), unreadable, readable or writable
        by others than its owner, or not a key.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from intelbench.store.anchor import load_key
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "keys" / "audit.key"
    >>> key = load_key(p, create=True)
    >>> len(key), oct(p.stat().st_mode & 0o777), load_key(p, create=False) == key
    (32, '0o600', True)
    """
    if not path.exists():
        if not create:
            raise _fail(
                f"audit key file {path} is missing; this workspace's audit chain is keyed and "
                "cannot be extended or checked without it. Restore the key file, or set "
                "INTELBENCH_AUDIT_KEY (or key_file under [audit] in your config.toml) to it"
            )
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another process made it meanwhile: read theirs
        else:
            with os.fdopen(fd, "w", encoding="ascii") as fh:
                fh.write(secrets.token_hex(32) + "\n")
                fh.flush()
                os.fsync(fh.fileno())
    try:
        st = path.stat()
        text = path.read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise _fail(f"audit key file {path} cannot be read ({type(exc).__name__})") from exc
    if os.name == "posix" and st.st_mode & 0o077:
        raise _fail(
            f"audit key file {path} may be read or written by others (mode "
            f"{oct(st.st_mode & 0o777)}); it must be owner-only: run chmod 600 {path}"
        )
    try:
        key = bytes.fromhex(text)
    except ValueError:
        key = b""
    if len(key) != 32:
        raise _fail(f"audit key file {path} does not hold a key (expected 64 hex digits)")
    return key


@dataclass(frozen=True)
class AnchorRecord:
    """One signed head of a workspace's audit chain.

    Attributes
    ----------
    workspace : str
        The workspace id.
    seq : int
        The last entry's number (0 for an empty chain).
    hash : str
        The last entry's hash.
    keyed_from : int
        The first entry chained with the key (earlier ones are plain SHA-256).
    key_id : str
        The id of the key that signed the record.
    time : str
        When (UTC, ISO 8601).
    reason : str
        Why it was written ("write", "disclosure", "daily", "checkpoint", "bound").
    mac : str
        HMAC of the other fields under the audit key.
    """

    workspace: str
    seq: int
    hash: str
    keyed_from: int
    key_id: str
    time: str
    reason: str
    mac: str = ""

    def _body(self) -> str:
        data = asdict(self)
        data.pop("mac")
        return json.dumps(data, sort_keys=True, separators=(",", ":"))

    def signed(self, key: bytes) -> AnchorRecord:
        """Return the record with its MAC."""
        return AnchorRecord(**{**asdict(self), "mac": mac_hex(key, self._body())})

    def valid(self, key: bytes) -> bool:
        """Return True when the MAC matches under ``key``."""
        return hmac.compare_digest(self.mac, mac_hex(key, self._body()))

    def line(self) -> str:
        """Return the record as one JSON line."""
        return json.dumps(asdict(self), sort_keys=True, separators=(",", ":"))


def _parse(text: str, where: str) -> AnchorRecord:
    try:
        data = json.loads(text)
        return AnchorRecord(**{k: data[k] for k in AnchorRecord.__dataclass_fields__})
    except (ValueError, KeyError, TypeError) as exc:
        raise _fail(f"{where} is not a valid audit anchor record ({type(exc).__name__})") from exc


@contextlib.contextmanager
def _locked(path: Path) -> Iterator[None]:
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX)
        yield
    finally:
        os.close(fd)


def _append_line(path: Path, line: str) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
    try:
        os.write(fd, (line + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


class Anchor:
    """The anchor files of one workspace (see the module docs).

    Parameters
    ----------
    folder : Path
        The anchor folder (created ``0700`` on first write).
    workspace : str
        The workspace id.
    location : str or None
        Where the workspace is (folder or redacted URL), for the location index; None for a
        workspace that cannot outlive its process (in memory).
    """

    def __init__(self, folder: Path, workspace: str, location: str | None) -> None:
        self.folder = folder
        self.workspace = workspace
        self.location = location
        self.head_file = folder / f"{workspace}.head"
        self.checkpoint_file = folder / f"{workspace}.checkpoints"
        self.index_file = folder / "locations"

    def _ensure(self) -> None:
        self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)

    # ------------------------------------------------------------------ writing

    def write_head(self, record: AnchorRecord, *, force: bool = False) -> None:
        """Replace the head file with ``record`` unless it already holds a later head.

        ``force`` replaces it even then (a supervisor's acknowledgement of an integrity
        failure re-bases the anchor on the log as it now is).

        The file is replaced by a rename (atomic) but not synced to disk: after a power cut
        the head may lag behind the log, which :meth:`AuditLog.verify` accepts (entries past
        the anchored head are still checked by their keyed hashes). Checkpoints are synced.
        """
        self._ensure()
        with _locked(self.folder / f"{self.workspace}.lock"):
            if self.head_file.exists() and not force:
                try:
                    current = _parse(self.head_file.read_text(encoding="utf-8"), "")
                    if current.seq > record.seq:
                        return
                except AuditIntegrityError:
                    pass  # replace an unreadable head with a good one
            tmp = self.head_file.with_suffix(".head.tmp")
            fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            try:
                os.write(fd, (record.line() + "\n").encode("utf-8"))
            finally:
                os.close(fd)
            os.replace(tmp, self.head_file)

    def append_checkpoint(self, record: AnchorRecord) -> None:
        """Append ``record`` to the checkpoint file (and fsync it)."""
        self._ensure()
        _append_line(self.checkpoint_file, record.line())

    def register_location(self, key: bytes) -> None:
        """Add this workspace id and location to the location index (signed)."""
        if self.location is None:
            return
        self._ensure()
        body = json.dumps(
            {"location": self.location, "workspace": self.workspace},
            sort_keys=True,
            separators=(",", ":"),
        )
        line = json.dumps(
            {"location": self.location, "workspace": self.workspace, "mac": mac_hex(key, body)},
            sort_keys=True,
            separators=(",", ":"),
        )
        _append_line(self.index_file, line)

    # ------------------------------------------------------------------ reading

    def known_ids(self) -> list[str]:
        """Workspace ids the index has recorded at this location, oldest first."""
        if self.location is None or not self.index_file.exists():
            return []
        ids: list[str] = []
        for raw in self.index_file.read_text(encoding="utf-8").splitlines():
            try:
                data = json.loads(raw)
            except ValueError:
                continue
            if isinstance(data, dict) and data.get("location") == self.location:
                ids.append(str(data.get("workspace")))
        return ids

    def records(self, key: bytes) -> list[AnchorRecord]:
        """All anchor records of this workspace (head and checkpoints), each MAC-checked.

        Raises
        ------
        AuditIntegrityError
            When a record is unreadable, signed with another key, altered or for another
            workspace.
        """
        out: list[AnchorRecord] = []
        sources: list[tuple[str, str]] = []
        if self.head_file.exists():
            sources.append((str(self.head_file), self.head_file.read_text(encoding="utf-8")))
        if self.checkpoint_file.exists():
            text = self.checkpoint_file.read_text(encoding="utf-8")
            for i, raw in enumerate(text.splitlines(), start=1):
                if raw.strip():
                    sources.append((f"{self.checkpoint_file} line {i}", raw))
        for where, raw in sources:
            rec = _parse(raw.strip(), where)
            if rec.workspace != self.workspace or not rec.valid(key):
                raise _fail(
                    f"audit anchor {where} was altered or signed with another key (its MAC "
                    "does not match); the anchor cannot vouch for the log",
                    rec.seq,
                )
            out.append(rec)
        # A supervisor's acknowledgement re-bases the anchor: earlier checkpoints no longer bind.
        acks = [i for i, rec in enumerate(out) if rec.reason == "acknowledged"]
        if acks:
            base = out[acks[-1]]
            has_head = self.head_file.exists()
            out = [
                rec
                for i, rec in enumerate(out)
                if i >= acks[-1] or (i == 0 and has_head and rec.seq >= base.seq)
            ]
        return out

    def exists(self) -> bool:
        """Return True when any anchor file of this workspace exists."""
        return self.head_file.exists() or self.checkpoint_file.exists()

    def last_checkpoint_time(self) -> dt.datetime | None:
        """When the last checkpoint was written (None if never)."""
        if not self.checkpoint_file.exists():
            return None
        lines = [
            raw for raw in self.checkpoint_file.read_text(encoding="utf-8").splitlines() if raw
        ]
        if not lines:
            return None
        try:
            return dt.datetime.fromisoformat(json.loads(lines[-1])["time"])
        except (ValueError, KeyError, TypeError):
            return None

    def describe(self) -> dict[str, Any]:
        """Where the anchor files are (for display)."""
        return {
            "head": str(self.head_file),
            "checkpoints": str(self.checkpoint_file),
            "workspace_id": self.workspace,
        }
