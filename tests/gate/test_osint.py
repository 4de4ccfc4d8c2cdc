"""Audited open-source queries."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

import intelbench as ib
from intelbench.exceptions import ParameterError
from tests.gate._support import make_workspace


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    return make_workspace(tmp_path / "ws")


REQ = dict(query="Northshire Road garage sales", purpose="Corroborate IR-2026-000123",
           justification="Necessary to corroborate a graded report; a single open search",
           tool="Public web search via the non-attributable terminal")


def test_record_writes_audit_and_register(ws: Any) -> None:
    q = ib.osint.record(ws, **REQ)
    assert q.ref.startswith("OSINT-") and q.ref.endswith("000001")
    entries = ws.audit.entries("OSINT_QUERY")
    assert len(entries) == 1
    row = entries.iloc[0]
    assert row["justification"] == REQ["justification"]
    assert row["record_ref"].startswith(f"osint/{q.ref}")
    detail = row["detail"]
    assert detail["tool"] == REQ["tool"] and "garage" not in json.dumps(detail)
    reg = ib.osint.osint_register(ws)
    assert reg["query"].tolist() == [REQ["query"]]
    assert reg["ended_at"].isna().all()
    assert ws.audit.verify() is True


def test_context_manager_notes_start_end_and_outcome(ws: Any) -> None:
    with ib.osint.record(ws, **REQ) as q:
        q.note("two listings found")
    with pytest.raises(RuntimeError), ib.osint.record(ws, **REQ):
        raise RuntimeError("site down")
    reg = ib.osint.osint_register(ws)
    assert reg["outcome"].tolist() == ["completed", "RuntimeError"]
    assert reg["notes"].iloc[0] == ["two listings found"]
    assert (reg["ended_at"] >= reg["started_at"]).all()
    assert len(ws.audit.entries("OSINT_QUERY")) == 2


@pytest.mark.parametrize("missing", ["justification", "query", "purpose", "tool"])
def test_missing_fields_are_refused_and_nothing_recorded(ws: Any, missing: str) -> None:
    with pytest.raises(ParameterError, match=missing):
        ib.osint.record(ws, **{**REQ, missing: "  "})
    assert ib.osint.osint_register(ws).empty
    assert len(ws.audit.entries("OSINT_QUERY")) == 0


def test_empty_register(ws: Any) -> None:
    assert list(ib.osint.osint_register(ws).columns)[:3] == ["ref", "query", "purpose"]
