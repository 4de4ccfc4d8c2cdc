"""Refuse a SQLite workspace on a network file system (NFS, SMB/CIFS and the like).

SQLite in WAL mode needs shared memory and POSIX locks that network file systems do not give
reliably: two analysts writing to one ``workspace.db`` on a share can corrupt it. A team shares
a PostgreSQL workspace instead. The file system under a folder is found from the mount table
(``/proc/mounts``: the longest mount point containing the folder) and, where the mount table
says nothing, from the ``statfs`` magic number of the folder.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys
from pathlib import Path

from intelbench.exceptions import StoreError

__all__ = ["NETWORK_FS_TYPES", "filesystem_type", "refuse_network_share"]

#: Mount types that are network (or cluster) file systems.
NETWORK_FS_TYPES = frozenset(
    {"nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "9p", "ceph",
     "glusterfs", "fuse.sshfs", "fuse.glusterfs", "fuse.cephfs", "davfs", "fuse.davfs2",
     "lustre", "gpfs", "beegfs", "ocfs2"}
)

#: statfs f_type magic numbers of network file systems (linux/magic.h).
_MAGIC = {0x6969: "nfs", 0x517B: "smbfs", 0xFF534D42: "cifs", 0xFE534D42: "smb2",
          0x6B414653: "afs", 0x00C36400: "ceph", 0x01021997: "9p"}

#: The mount table read (a module attribute so tests can give a fake one).
MOUNTS = Path("/proc/mounts")


def _unescape(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")


def _from_mount_table(folder: Path) -> str | None:
    try:
        lines = MOUNTS.read_text(encoding="utf-8", errors="replace").splitlines()
    except OSError:
        return None
    best, best_type = -1, None
    text = str(folder)
    for line in lines:
        parts = line.split()
        if len(parts) < 3:
            continue
        point = _unescape(parts[1])
        inside = text == point or text.startswith(point.rstrip("/") + "/") or point == "/"
        if inside and len(point) >= best:
            best, best_type = len(point), parts[2]
    return best_type


class _StatFs(ctypes.Structure):
    _fields_ = [("f_type", ctypes.c_long), ("rest", ctypes.c_byte * 112)]


def _from_statfs(folder: Path) -> str | None:
    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c"), use_errno=True)
        buf = _StatFs()
        if libc.statfs(os.fsencode(folder), ctypes.byref(buf)) != 0:
            return None
    except (OSError, AttributeError):
        return None
    return _MAGIC.get(buf.f_type & 0xFFFFFFFF)


def filesystem_type(folder: str | os.PathLike[str]) -> str | None:
    """Return the file system type under ``folder`` ("ext4", "nfs4", "cifs", ...) or None.

    Examples
    --------
    >>> import tempfile
    >>> isinstance(filesystem_type(tempfile.gettempdir()), str | None)
    True
    """
    path = Path(folder).resolve()
    kind = _from_mount_table(path)
    if kind is None or kind not in NETWORK_FS_TYPES:
        kind = _from_statfs(path) or kind
    return kind


def refuse_network_share(folder: str | os.PathLike[str]) -> None:
    """Raise StoreError when ``folder`` is on a network file system (SQLite is unsafe there).

    Raises
    ------
    StoreError
        Naming the folder and its file system type, and pointing to a PostgreSQL workspace.
    """
    kind = filesystem_type(folder)
    if kind in NETWORK_FS_TYPES or (kind or "").startswith(("nfs", "smb", "cifs")):
        raise StoreError(
            f"path_or_url: {folder} is on a network file system ({kind}); a SQLite workspace "
            "there can be corrupted when two people write to it (WAL needs local locks and "
            "shared memory). A team shares a PostgreSQL workspace instead: "
            "ib.Workspace('postgresql+psycopg://user@host/dbname') (pip install "
            "'intelbench[postgres]'); keep a one-person SQLite workspace on a local disk."
        )
