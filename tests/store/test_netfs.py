"""A SQLite workspace on a network share is refused, pointing to PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest

import intelbench.store.netfs as netfs
from intelbench.exceptions import StoreError
from tests._identity import open_as

pytestmark = pytest.mark.sqlite_only  # the refusal is of SQLite files on a share


def _fake_mounts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, share: Path, kind: str) -> None:
    table = tmp_path / "mounts"
    point = str(share).replace(" ", "\\040")
    table.write_text(
        "overlay / overlay rw,relatime 0 0\n"
        "proc /proc proc rw,nosuid 0 0\n"
        f"server:/export {point} {kind} rw,relatime,vers=4.2 0 0\n",
        encoding="utf-8",
    )
    monkeypatch.setattr(netfs, "MOUNTS", table)
    monkeypatch.setattr(netfs, "_from_statfs", lambda folder: None)


@pytest.mark.parametrize("kind", ["nfs", "nfs4", "cifs", "smb3"])
def test_workspace_on_a_network_share_is_refused(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, kind: str
) -> None:
    share = tmp_path / "unit share"
    share.mkdir()
    _fake_mounts(tmp_path, monkeypatch, share, kind)
    with pytest.raises(StoreError, match=rf"network file system \({kind}\).*postgresql\+psycopg"):
        open_as("A", share / "team ws", role="ANALYST")
    assert not (share / "team ws" / "workspace.db").exists()
    with pytest.raises(StoreError, match="PostgreSQL workspace"):
        open_as("A", f"sqlite:///{share}/ws.db", role="ANALYST")


def test_local_folder_beside_the_share_is_accepted(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    share = tmp_path / "share"
    share.mkdir()
    _fake_mounts(tmp_path, monkeypatch, share, "nfs4")
    assert netfs.filesystem_type(tmp_path / "share-local") == "overlay"  # not a prefix match
    w = open_as("A", tmp_path / "share-local", role="ANALYST")
    assert w.schema_version >= 4
    w.close()


def test_statfs_magic_is_used_when_the_table_says_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(netfs, "MOUNTS", tmp_path / "missing")
    monkeypatch.setattr(netfs, "_from_statfs", lambda folder: "cifs")
    with pytest.raises(StoreError, match=r"\(cifs\)"):
        netfs.refuse_network_share(tmp_path)


def test_real_mount_table_of_this_machine_is_read() -> None:
    assert netfs.filesystem_type("/proc/self") == "proc"
