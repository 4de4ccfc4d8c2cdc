"""Consultation logging (DPA 2018 s.62): every read path, justifications, the bookkeeping rule."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path

import pandas as pd
import pytest
import sqlalchemy as sa

import intelbench.store.db as _db
from intelbench.exceptions import DocumentNotFoundError, ParameterError
from intelbench.store.db import canonical_json, record_keys
from intelbench.store.identity import BUILTIN_PURPOSE
from intelbench.store.record_keys import record_hmac
from intelbench.store.workspace import Workspace
from tests._identity import open_as


def _plain(detail: dict) -> dict:
    """An audit entry's detail without ``identity`` (where the analyst's name came from)."""
    return {k: v for k, v in detail.items() if k != "identity"}


@pytest.fixture
def ws(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Workspace]:
    monkeypatch.delenv("INTELBENCH_PURPOSE", raising=False)
    w = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    w.put_many("report", {"IR-1": {"n": 1}, "IR-2": {"n": 2}, "IR-3": {"n": 3}}, action="COLLECT")
    w.put("report", "IR-1", {"n": 10})
    w.write_frame("counts", pd.DataFrame({"area": ["N01"], "crimes": [4]}))
    yield w
    w.close()


def _consults(ws: Workspace) -> pd.DataFrame:
    return ws.audit.entries("CONSULT").reset_index(drop=True)


def test_every_read_path_writes_one_consult_entry(ws: Workspace) -> None:
    assert _consults(ws).empty
    ws.get("report", "IR-1", justification="Op Larch")
    ws.get("report", "IR-1", revision=1, justification="Op Larch")
    ws.get_many("report", justification="Op Larch")
    ws.get_many("report", ["IR-2", "IR-9"], justification="Op Larch")
    ws.history("report", "IR-1", justification="Op Larch")
    ws.read_frame("counts", justification="Op Larch")
    c = _consults(ws)
    assert c["record_ref"].tolist() == [
        "report/IR-1@2",
        "report/IR-1@1",
        "report/*",
        "report/[1 records]",
        "report/IR-1",
        "frame/counts",
    ]
    assert c["justification"].eq("Op Larch").all()
    assert c["analyst"].eq("A. Analyst").all() and c["role"].eq("ANALYST").all()
    assert c["timestamp"].notna().all()
    assert c["detail"][2]["keys"] == ["IR-1", "IR-2", "IR-3"] and c["detail"][2]["count"] == 3
    assert c["detail"][3]["keys"] == ["IR-2"]
    assert c["detail"][4]["revisions"] == [1, 2]
    assert _plain(c["detail"][5]) == {"frame": "counts", "rows": 1, "purpose_source": "stated"}
    assert ws.audit.verify()


def test_no_justification_writes_the_default_purpose_never_nothing(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    ws.get("report", "IR-2")
    monkeypatch.setenv("INTELBENCH_PURPOSE", "Northshire tactical assessment")
    w2 = open_as("B. Analyst", ws.path or "")
    w2.get("report", "IR-2")
    c = _consults(ws)
    assert c["justification"].tolist() == [BUILTIN_PURPOSE, "Northshire tactical assessment"]
    assert c["detail"][0]["purpose_source"] == "default (built-in default)"
    assert "INTELBENCH_PURPOSE" in c["detail"][1]["purpose_source"]


def test_workspace_policy_purpose_and_requirement(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "workspace.toml").write_text(
        '[audit]\ndefault_purpose = "Operation Larch"\nrequire_purpose = true\n'
    )
    w = open_as("A", folder)
    w.put("report", "IR-1", {"n": 1})
    with pytest.raises(ParameterError, match=r"justification is required to read report/IR-1"):
        w.get("report", "IR-1")
    with pytest.raises(ParameterError, match="require_purpose"):
        w.get_many("report")
    with w.consulting("Checking a submission"):
        assert w.get("report", "IR-1") == {"n": 1}
        assert w.get("report", "IR-1", justification="own reason") == {"n": 1}
    c = _consults(w)
    assert c["justification"].tolist() == ["Checking a submission", "own reason"]
    assert c["detail"][0]["purpose_source"] == "consulting()"
    (folder / "workspace.toml").write_text('[audit]\ndefault_purpose = "Operation Larch"\n')
    open_as("A", folder).get("report", "IR-1")
    assert _consults(w)["justification"].iloc[-1] == "Operation Larch"
    with pytest.raises(ParameterError, match="non-empty"):
        with w.consulting(" "):
            pass


def test_bookkeeping_reads_are_not_consultations(ws: Workspace) -> None:
    before = len(ws.audit)
    ws.exists("report", "IR-1")
    ws.keys("report")
    ws.summary()
    ws.frame_names()
    ws.audit.verify()
    ws.audit.entries()
    ws.audit.head()
    ws._repr_html_()
    ws.audit._repr_html_()
    assert len(ws.audit) == before
    ws.put("report", "IR-1", {"n": 11})  # a save reads the latest revision number itself
    ws.delete("report", "IR-3", justification="MoPI review")
    assert _consults(ws).empty


def test_unlogged_kinds_from_the_configuration(tmp_path: Path) -> None:
    folder = tmp_path / "w"
    folder.mkdir()
    (folder / "workspace.toml").write_text('[audit]\nunlogged_kinds = ["form_state"]\n')
    w = open_as("A", folder)
    w.put("form_state", "last", {"key": "CP-1"}, audit=False)
    assert w.get("form_state", "last") == {"key": "CP-1"}
    assert len(w.audit) == 0


def test_nothing_read_nothing_logged_and_no_content_without_its_entry(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    with pytest.raises(DocumentNotFoundError):
        ws.get("report", "IR-9")
    assert ws.get_many("report", ["IR-9"]) == {}
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):  # the entry cannot be written: no content either
        ws.get("report", "IR-1", justification="x")
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", None)
    assert _consults(ws).empty and ws.audit.verify()


def test_collect_keeps_a_keyed_hash_and_erasure_leaves_nothing_to_confirm(
    ws: Workspace,
) -> None:
    doc = {"text": "Jon SMITH seen at 14 Acacia Road", "n": 7}
    ws.put("report", "IR-7", doc, action="COLLECT")
    text = canonical_json(doc)
    plain = hashlib.sha256(text.encode()).hexdigest()
    entry = ws.audit.entries("COLLECT").iloc[-1]
    with ws.engine.connect() as conn:
        secret = conn.execute(
            sa.select(record_keys.c.secret).where(
                record_keys.c.kind == "report", record_keys.c.key == "IR-7"
            )
        ).scalar_one()
    assert entry["detail"]["content_key"] == "record"
    assert entry["detail"]["content_hmac"] == record_hmac(bytes.fromhex(secret), text) != plain
    assert entry["detail"]["content_hmac"] != ws.audit.content_hmac(text)
    ws.delete("report", "IR-7", justification="MoPI review: not necessary")
    assert ws.path is not None
    stored = b"".join(p.read_bytes() for p in ws.path.iterdir() if p.is_file())
    assert plain.encode() not in stored and b"Acacia" not in stored
    # someone holding a guessed record and the workspace, but not the key, cannot confirm it
    guessed = canonical_json(doc)
    log = ws.audit.entries().astype(str).to_csv()
    assert hashlib.sha256(guessed.encode()).hexdigest() not in log


def test_s62_actions_are_all_logged_with_who_and_when(ws: Workspace) -> None:
    ws.get("report", "IR-2", justification="briefing")
    ws.audit.record("DISCLOSE", justification="partner tasking", record_ref="report/IR-2@1",
                    recipient="Northshire Council")
    ws.audit.record("COMBINE", justification="same person", record_ref="nominal/P-1+P-2")
    ws.delete("report", "IR-3", justification="MoPI review")
    e = ws.audit.entries()
    assert {"COLLECT", "ALTER", "CONSULT", "DISCLOSE", "COMBINE", "ERASE"} <= set(e["action"])
    assert e["analyst"].eq("A. Analyst").all() and e["timestamp"].notna().all()
    need_why = e[e["action"].isin(["CONSULT", "DISCLOSE", "ERASE"])]
    assert need_why["justification"].str.len().gt(0).all()
    assert e.loc[e["action"] == "DISCLOSE", "recipient"].tolist() == ["Northshire Council"]


def test_dpo_report_answers_three_questions_on_the_sample_force(
    tmp_path: Path, samples: Path
) -> None:
    from intelbench.grading.reports import import_reports, read_reports

    w = open_as("a.analyst", tmp_path / "force", role="ANALYST")
    log = read_reports(samples / "intel_reports.csv")
    urns = import_reports(w, log[log["quarantine"] == ""])  # grades that break no rule
    first, second = urns[0], urns[1]
    w.get_many("report", urns[:50], justification="weekly tasking review")
    w.get("report", second, justification="briefing Op Larch")
    w = open_as("b.analyst", tmp_path / "force", role="ANALYST")
    w.get("report", first, justification="problem profile")
    w.audit.record("DISCLOSE", justification="partner tasking", record_ref=f"report/{first}@1",
                   recipient="Northshire Council")
    w.audit.record("DISCLOSE", justification="safeguarding", record_ref=f"report/{second}@1",
                   recipient="Children's Services")
    who = w.audit.report(record=f"report/{first}")
    assert who.entries[["analyst", "action", "justification"]].values.tolist() == [
        ["a.analyst", "CONSULT", "weekly tasking review"],  # the bulk read that listed it
        ["b.analyst", "CONSULT", "problem profile"],
        ["b.analyst", "DISCLOSE", "partner tasking"],
    ]
    did = w.audit.report(analyst="a.analyst", since="2000-01-01", until="2100-01-01")
    assert did.entries["action"].tolist() == ["COLLECT"] * len(urns) + ["CONSULT", "CONSULT"]
    left = w.audit.report(recipient="Northshire Council")
    assert left.entries["record_ref"].tolist() == [f"report/{first}@1"]
    assert "Northshire Council" in left._repr_html_() and len(left) == 1
    assert w.audit.report(analyst="a.analyst", since="2100-01-01").entries.empty
    with pytest.raises(ParameterError, match="exactly one"):
        w.audit.report(record=f"report/{first}", analyst="a.analyst")
