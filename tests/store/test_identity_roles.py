"""The workspace's role table (``ws.roles``): only a SUPERVISOR changes it, each change audited.

Rules (issue 13): roles come from a table in the workspace; the creator (or a SUPERVISOR named
in ``workspace.toml``) starts it; once in use it decides every role and only a SUPERVISOR
changes it; each change is an audit entry naming the new and the previous role.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from intelbench.exceptions import ParameterError, RoleError
from intelbench.store.roles import ROLE_TABLE_SOURCE
from tests._identity import open_as


def _plain(detail: dict) -> dict:
    """An audit entry's detail without ``identity`` (where the analyst's name came from)."""
    return {k: v for k, v in detail.items() if k != "identity"}


@pytest.fixture(autouse=True)
def env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.setenv("INTELBENCH_CONFIG_DIR", str(tmp_path / "cfg"))
    monkeypatch.setenv("INTELBENCH_ANCHOR_DIR", str(tmp_path / "anchors"))
    for name in ("INTELBENCH_AUDIT_KEY", "INTELBENCH_ROLE", "INTELBENCH_ANALYST"):
        monkeypatch.delenv(name, raising=False)
    return tmp_path


def test_creator_starts_the_table_and_becomes_supervisor(tmp_path: Path) -> None:
    ws = open_as("s.super", tmp_path / "ws")
    assert not ws.roles.active() and ws.roles.creator == "s.super"
    ws.roles.grant("a.analyst", "ANALYST", reason="joined the unit")
    assert ws.roles.frame().set_index("analyst")["role"].to_dict() == {
        "a.analyst": "ANALYST",
        "s.super": "SUPERVISOR",
    }
    assert (ws.role, ws.whoami().role_source) == ("SUPERVISOR", ROLE_TABLE_SOURCE)
    changes = ws.audit.entries("ALTER")
    assert changes["record_ref"].tolist() == ["roles/s.super", "roles/a.analyst"]
    assert _plain(changes["detail"].iloc[1]) == {
        "event": "role_granted",
        "analyst": "a.analyst",
        "role": "ANALYST",
        "previous": None,
    }
    assert set(changes["justification"]) == {"joined the unit"}
    assert ws.audit.verify()
    ws.close()


def test_someone_else_may_not_start_the_table(tmp_path: Path) -> None:
    open_as("s.super", tmp_path / "ws").close()
    other = open_as("m.allory", tmp_path / "ws", role="SUPERVISOR")
    with pytest.raises(RoleError, match=r"creator \(s.super\)"):
        other.roles.grant("m.allory", "SUPERVISOR", reason="self-service")
    assert not other.roles.active()
    other.close()


def test_a_supervisor_named_in_workspace_toml_may_start_it(tmp_path: Path) -> None:
    open_as("s.creator", tmp_path / "ws").close()
    (tmp_path / "ws" / "workspace.toml").write_text(
        '[roles]\n"d.sup" = "SUPERVISOR"\n"*" = "ANALYST"\n', encoding="utf-8"
    )
    ws = open_as("d.sup", tmp_path / "ws")
    ws.roles.grant("i.unit", "INTEL_UNIT", reason="unit lead")
    assert ws.roles.frame()["analyst"].tolist() == ["d.sup", "i.unit"]
    ws.close()


def test_once_in_use_the_table_decides_roles(tmp_path: Path) -> None:
    ws = open_as("s.super", tmp_path / "ws")
    ws.roles.grant("a.analyst", "ANALYST", reason="joined")
    ws.close()
    with pytest.raises(RoleError, match="role table gives ANALYST"):
        open_as("a.analyst", tmp_path / "ws", role="SUPERVISOR")
    with pytest.raises(RoleError, match='does not list "n.body"'):
        open_as("n.body", tmp_path / "ws")
    a = open_as("a.analyst", tmp_path / "ws")
    assert a.role == "ANALYST"
    with pytest.raises(RoleError, match="only a SUPERVISOR"):
        a.roles.grant("a.analyst", "SUPERVISOR", reason="promote myself")
    with pytest.raises(RoleError):
        a.roles.revoke("s.super", reason="coup")
    a.close()


def test_only_a_supervisor_changes_it_and_revocation_is_audited(tmp_path: Path) -> None:
    ws = open_as("s.super", tmp_path / "ws")
    ws.roles.grant("a.analyst", "ANALYST", reason="joined")
    ws.roles.grant("*", "RESEARCHER", reason="visitors read only")
    ws.roles.grant("a.analyst", "INTEL_UNIT", reason="moved to the unit")
    assert ws.audit.entries("ALTER")["detail"].iloc[-1]["previous"] == "ANALYST"
    ws.roles.revoke("a.analyst", reason="left the unit")
    last = ws.audit.entries("ALTER").iloc[-1]
    assert (last["record_ref"], last["detail"]["event"]) == ("roles/a.analyst", "role_revoked")
    ws.close()
    assert open_as("a.analyst", tmp_path / "ws").role == "RESEARCHER"


def test_the_last_supervisor_cannot_be_removed(tmp_path: Path) -> None:
    ws = open_as("s.super", tmp_path / "ws")
    ws.roles.grant("a.analyst", "ANALYST", reason="joined")
    with pytest.raises(ParameterError, match="at least one SUPERVISOR"):
        ws.roles.grant("s.super", "ANALYST", reason="step down")
    with pytest.raises(ParameterError, match="role must be one of"):
        ws.roles.grant("a.analyst", "BOSS", reason="x")
    assert ws.roles.frame().set_index("analyst")["role"]["s.super"] == "SUPERVISOR"
    assert "Role table" in ws.roles._repr_html_()
    ws.close()
