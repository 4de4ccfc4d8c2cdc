"""Identity and roles from the documented configuration; role errors that show the way."""

from __future__ import annotations

from pathlib import Path

import pytest

from intelbench.exceptions import ParameterError, RoleError, StoreError
from intelbench.store.identity import ENV_VARS, load_settings
from intelbench.store.workspace import Workspace
from tests._identity import open_as


@pytest.fixture(autouse=True)
def _clean_env(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("INTELBENCH_ANALYST", "INTELBENCH_ROLE", "INTELBENCH_PURPOSE"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("INTELBENCH_CONFIG_DIR", str(tmp_path / "cfg"))


def _folder(tmp_path: Path, toml: str) -> Path:
    folder = tmp_path / "w"
    folder.mkdir(exist_ok=True)
    (folder / "workspace.toml").write_text(toml)
    return folder


def test_whoami_names_the_source_of_each(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import intelbench.store.identity as identity

    monkeypatch.setattr(identity.getpass, "getuser", lambda: "osuser")
    me = Workspace(tmp_path / "a").whoami()
    assert (me.analyst, me.role, me.analyst_source, me.role_source) == (
        "osuser", "ANALYST", "operating-system user", "default"
    )
    (tmp_path / "cfg").mkdir(exist_ok=True)
    (tmp_path / "cfg" / "config.toml").write_text(
        '[identity]\nanalyst = "c.user"\nrole = "RESEARCHER"\n'
    )
    me = Workspace(tmp_path / "a").whoami()
    assert (me.analyst, me.role) == ("c.user", "RESEARCHER")
    assert me.role_source == f"{tmp_path / 'cfg' / 'config.toml'} [identity]"
    monkeypatch.setenv("INTELBENCH_ROLE", "INTEL_UNIT")
    me = Workspace(tmp_path / "a").whoami()
    assert (me.role, me.role_source) == ("INTEL_UNIT", "environment variable INTELBENCH_ROLE")
    assert "c.user" in str(me) and "INTEL_UNIT" in me._repr_html_()
    assert set(ENV_VARS) >= {"INTELBENCH_ANALYST", "INTELBENCH_ROLE", "INTELBENCH_AUDIT_KEY"}


def test_roles_table_decides(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    folder = _folder(
        tmp_path, '[roles]\n"s.super" = "SUPERVISOR"\n"a.analyst" = "ANALYST"\n"*" = "RESEARCHER"\n'
    )
    w = open_as("s.super", folder)
    assert w.role == "SUPERVISOR"
    assert w.whoami().role_source == f"{folder / 'workspace.toml'} [roles]"
    assert open_as("visitor", folder).role == "RESEARCHER"
    monkeypatch.setenv("INTELBENCH_ROLE", "SUPERVISOR")  # self-asserted: refused, with the way
    with pytest.raises(RoleError, match=r"roles come from that table: ask a supervisor to set "
                                        r"\"a.analyst\" = \"SUPERVISOR\""):
        open_as("a.analyst", folder)
    monkeypatch.delenv("INTELBENCH_ROLE")
    w = open_as("a.analyst", folder)
    with pytest.raises(AttributeError, match="read-only"):
        w.role = "SUPERVISOR"  # type: ignore[misc]
    assert w.role == "ANALYST"
    w = open_as("s.super", folder)  # another person: the table gives their role
    assert w.role == "SUPERVISOR" and w.audit.role == "SUPERVISOR"


def test_unlisted_analyst_is_told_who_to_ask(tmp_path: Path) -> None:
    folder = _folder(tmp_path, '[roles]\n"s.super" = "SUPERVISOR"\n')
    with pytest.raises(RoleError, match=r"ask a supervisor to add \"stranger\""):
        open_as("stranger", folder)
    folder = _folder(tmp_path, '[roles]\n"s.super" = "BOSS"\n')
    with pytest.raises(ParameterError, match="role must be one of"):
        open_as("s.super", folder)


def test_require_role_explains_why_what_instead_and_how(tmp_path: Path) -> None:
    folder = _folder(tmp_path, '[roles]\n"a.analyst" = "ANALYST"\n"u.unit" = "INTEL_UNIT"\n')
    w = open_as("a.analyst", folder)
    with pytest.raises(RoleError) as info:
        w.require_role(("INTEL_UNIT", "SUPERVISOR"), "re-grade a submitted grade",
                       instead="propose a re-grade for a supervisor to accept or reject")
    text = str(info.value)
    assert isinstance(info.value, PermissionError)
    assert "a.analyst has role ANALYST" in text and "INTEL_UNIT or SUPERVISOR" in text
    assert "You can propose a re-grade" in text
    table = folder / "workspace.toml"
    assert f'set "a.analyst" = "INTEL_UNIT" in the [roles] table of {table}' in text
    assert open_as("u.unit", folder).require_role(["intel_unit"], "re-grade").role == (
        "INTEL_UNIT"
    )
    with pytest.raises(ParameterError, match="allowed must name roles"):
        w.require_role(["CHIEF"], "x")


def test_bad_audit_settings_name_the_file(tmp_path: Path) -> None:
    folder = _folder(tmp_path, '[audit]\nrequire_purpose = "yes"\n')
    with pytest.raises(StoreError, match=r"workspace.toml \[audit\]: require_purpose"):
        load_settings(folder)
    folder = _folder(tmp_path, "[audit]\nunlogged_kinds = 3\n")
    with pytest.raises(StoreError, match="unlogged_kinds must be a list"):
        load_settings(folder)
    folder = _folder(tmp_path, "[roles]\nx = 1\n[audit]\n")
    with pytest.raises(ParameterError, match="role must be one of"):
        open_as("x", folder)
