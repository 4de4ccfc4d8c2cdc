"""The audit log: actions, required fields, the hash chain and tamper detection."""

from __future__ import annotations

import shutil
import sqlite3
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelbench.exceptions import AuditIntegrityError, ParameterError
from intelbench.store.audit import ACTIONS, MAX_DETAIL_STRING, AuditEntry, entry_hash, entry_mac
from intelbench.store.workspace import Workspace
from tests._identity import open_as


def _plain(detail: dict) -> dict:
    """An audit entry's detail without ``identity`` (where the analyst's name came from)."""
    return {k: v for k, v in detail.items() if k != "identity"}


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    w = open_as("A. Analyst", tmp_path / "ws", role="INTEL_UNIT")
    yield w
    w.close()


def _fill(ws: Workspace, n: int = 6) -> None:
    for i in range(1, n + 1):
        ws.put("report", f"IR-{i}", {"n": i}, action="COLLECT")


def _raw(ws: Workspace) -> sqlite3.Connection:
    """A raw connection with the append-only triggers dropped, as a tamperer would."""
    assert ws.path is not None
    ws.close()
    conn = sqlite3.connect(ws.path / "workspace.db", isolation_level=None)
    conn.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_update")
    conn.execute("DROP TRIGGER IF EXISTS ib_audit_log_no_delete")
    return conn


def _bad_seq(ws: Workspace) -> int:
    with pytest.raises(AuditIntegrityError) as info:
        ws.audit.verify()
    seq: int = info.value.seq  # type: ignore[attr-defined]
    assert f"seq {seq}" in str(info.value)
    return seq


# --------------------------------------------------------------------------- recording


def test_record_returns_the_stored_entry(ws: Workspace) -> None:
    e = ws.audit.record(
        "consult", justification=" briefing ", record_ref="report/IR-1", detail={"rows": 3}
    )
    assert isinstance(e, AuditEntry)
    assert (e.seq, e.action, e.justification, e.analyst, e.role) == (
        1,
        "CONSULT",
        "briefing",
        "A. Analyst",
        "INTEL_UNIT",
    )
    assert e["record_ref"] == "report/IR-1" and _plain(e.to_dict()["detail"]) == {"rows": 3}
    assert e.prev_hash == "0" * 64 and e.hash == entry_mac(e.to_dict(), ws.audit._key)
    assert e.hash != entry_hash(e.to_dict())  # keyed: not the plain SHA-256
    e2 = ws.audit.record("COMBINE", record_ref="network/ocg-1")
    assert e2.seq == 2 and e2.prev_hash == e.hash and e2.justification == ""
    assert ws.audit.head() == (2, e2.hash)
    assert ws.audit.verify()


def test_entries_frame(ws: Workspace) -> None:
    ws.audit.record("COLLECT", record_ref="report/IR-1")
    ws.audit.record(
        "DISCLOSE", justification="tasking", record_ref="report/IR-1", recipient="Partner agency"
    )
    ws.audit.record("OSINT_QUERY", justification="Op Larch", record_ref="osint/Q-1")
    frame = ws.audit.entries()
    assert list(frame.columns) == [
        "seq",
        "timestamp",
        "analyst",
        "role",
        "action",
        "justification",
        "record_ref",
        "recipient",
        "detail",
        "prev_hash",
        "hash",
    ]
    assert list(frame["seq"]) == [1, 2, 3]
    assert str(frame["timestamp"].dt.tz) == "UTC"
    assert list(ws.audit.entries("disclose")["recipient"]) == ["Partner agency"]
    assert list(ws.audit.entries(record_ref="report/IR-1")["seq"]) == [1, 2]
    assert ws.audit.entries("ERASE").empty
    with pytest.raises(ParameterError, match="action must be one of"):
        ws.audit.entries("READ")
    assert "3 entries" in repr(ws.audit)


@pytest.mark.parametrize("action", ["CONSULT", "DISCLOSE", "ERASE", "OSINT_QUERY"])
def test_justification_required(ws: Workspace, action: str) -> None:
    with pytest.raises(ParameterError, match=f"justification is required for {action}"):
        ws.audit.record(action, justification="   ", record_ref="r", recipient="x")
    assert len(ws.audit) == 0


@pytest.mark.parametrize("action", ["COLLECT", "ALTER", "COMBINE"])
def test_justification_optional(ws: Workspace, action: str) -> None:
    assert ws.audit.record(action, record_ref="r").action == action


@pytest.mark.parametrize(
    ("kwargs", "match"),
    [
        ({"action": "READ", "record_ref": "r"}, "action must be one of COLLECT, ALTER.*got 'READ'"),
        ({"action": "DISCLOSE", "justification": "j", "record_ref": "r"}, "recipient is required"),
        ({"action": "COLLECT", "record_ref": ""}, "record_ref must be a non-empty"),
        ({"action": "COLLECT", "record_ref": "r", "detail": [1]}, "detail must be a dict"),
        (
            {
                "action": "COLLECT",
                "record_ref": "r",
                "detail": {"t": "x" * (MAX_DETAIL_STRING + 1)},
            },
            "limited to 512 characters",
        ),
        (
            {"action": "COLLECT", "record_ref": "r", "detail": {"a": [{"b": "x" * 600}]}},
            "a'\\]\\[0",
        ),
        ({"action": "COLLECT", "record_ref": "r", "recipient": " "}, "recipient must be"),
    ],
)
def test_record_rejects(ws: Workspace, kwargs: dict[str, Any], match: str) -> None:
    with pytest.raises(ParameterError, match=match):
        ws.audit.record(**kwargs)
    assert len(ws.audit) == 0


def test_actions_are_the_domain_list() -> None:
    assert set(ACTIONS) == {
        "COLLECT",
        "ALTER",
        "CONSULT",
        "DISCLOSE",
        "COMBINE",
        "ERASE",
        "OSINT_QUERY",
    }


def test_empty_log_verifies(ws: Workspace) -> None:
    assert ws.audit.verify() and len(ws.audit) == 0 and ws.audit.head() == (0, "0" * 64)


# --------------------------------------------------------------------------- tampering


@pytest.mark.parametrize(
    "column",
    [
        "timestamp",
        "analyst",
        "role",
        "action",
        "justification",
        "record_ref",
        "recipient",
        "detail",
    ],
)
def test_edit_of_any_field_is_detected(ws: Workspace, column: str) -> None:
    _fill(ws)
    value = '{"n":1}' if column == "detail" else "tampered"
    with _raw(ws) as raw:
        raw.execute(f"UPDATE ib_audit_log SET {column} = ? WHERE seq = 4", (value,))
    assert _bad_seq(ws) == 4


def _edited_entry(ws: Workspace, seq: int) -> dict[str, Any]:
    entry: dict[str, Any] = ws.audit.entries().iloc[seq - 1].to_dict()
    entry["analyst"] = "Someone Else"
    entry["timestamp"] = entry["timestamp"].isoformat(timespec="microseconds")
    return entry


def test_edit_with_recomputed_plain_hash_is_caught_as_rechained(ws: Workspace) -> None:
    _fill(ws)
    new_hash = entry_hash(_edited_entry(ws, 3))
    with _raw(ws) as raw:
        raw.execute(
            "UPDATE ib_audit_log SET analyst = ?, hash = ? WHERE seq = 3",
            ("Someone Else", new_hash),
        )
    with pytest.raises(AuditIntegrityError, match="re-chained"):
        ws.audit.verify()
    assert _bad_seq(ws) == 3


def test_edit_with_the_key_and_recomputed_hash_breaks_the_next_link(ws: Workspace) -> None:
    _fill(ws)
    new_hash = entry_mac(_edited_entry(ws, 3), ws.audit._key)  # an insider holding the key
    with _raw(ws) as raw:
        raw.execute(
            "UPDATE ib_audit_log SET analyst = ?, hash = ? WHERE seq = 3",
            ("Someone Else", new_hash),
        )
    assert _bad_seq(ws) == 4


def test_deletion_in_the_middle_is_detected(ws: Workspace) -> None:
    _fill(ws)
    with _raw(ws) as raw:
        raw.execute("DELETE FROM ib_audit_log WHERE seq = 3")
    with pytest.raises(AuditIntegrityError, match="entry 3 is missing"):
        ws.audit.verify()
    assert _bad_seq(ws) == 3


def test_deletion_of_the_last_entry_is_detected(ws: Workspace) -> None:
    _fill(ws)
    with _raw(ws) as raw:
        raw.execute("DELETE FROM ib_audit_log WHERE seq = 6")
    assert _bad_seq(ws) == 6


def test_reordering_is_detected(ws: Workspace) -> None:
    _fill(ws)
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_log SET seq = -1 WHERE seq = 2")
        raw.execute("UPDATE ib_audit_log SET seq = 2 WHERE seq = 3")
        raw.execute("UPDATE ib_audit_log SET seq = 3 WHERE seq = -1")
    assert _bad_seq(ws) == 2


def test_insertion_in_the_middle_is_detected(ws: Workspace) -> None:
    _fill(ws)
    with _raw(ws) as raw:
        for seq in range(6, 2, -1):
            raw.execute("UPDATE ib_audit_log SET seq = ? WHERE seq = ?", (seq + 1, seq))
        prev = raw.execute("SELECT hash FROM ib_audit_log WHERE seq = 2").fetchone()[0]
        fields = dict(
            seq=3,
            timestamp="2026-01-01T00:00:00+00:00",
            analyst="X",
            role="ANALYST",
            action="CONSULT",
            justification="j",
            record_ref="report/IR-9",
            recipient=None,
            detail={},
            prev_hash=prev,
        )
        raw.execute(
            "INSERT INTO ib_audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                3,
                fields["timestamp"],
                "X",
                "ANALYST",
                "CONSULT",
                "j",
                "report/IR-9",
                None,
                "{}",
                prev,
                entry_hash(fields),
            ),
        )
    # without the key the forged entry cannot carry a keyed hash: it is caught itself
    assert _bad_seq(ws) == 3


def test_append_outside_the_store_is_detected(ws: Workspace) -> None:
    _fill(ws, 3)
    with _raw(ws) as raw:
        seq, prev = raw.execute("SELECT seq, hash FROM ib_audit_log ORDER BY seq DESC").fetchone()
        fields = dict(
            seq=seq + 1,
            timestamp="2026-01-01T00:00:00+00:00",
            analyst="X",
            role="ANALYST",
            action="COLLECT",
            justification="",
            record_ref="r",
            recipient=None,
            detail={},
            prev_hash=prev,
        )
        raw.execute(
            "INSERT INTO ib_audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                seq + 1,
                fields["timestamp"],
                "X",
                "ANALYST",
                "COLLECT",
                "",
                "r",
                None,
                "{}",
                prev,
                entry_mac(fields, ws.audit._key),  # even with the key
            ),
        )
    with pytest.raises(AuditIntegrityError, match="beyond the recorded head"):
        ws.audit.verify()
    assert _bad_seq(ws) == 4


def test_full_rewrite_with_the_key_is_caught_by_the_anchor_and_a_kept_head(
    ws: Workspace,
) -> None:
    _fill(ws, 4)
    kept = ws.audit.head()
    with _raw(ws) as raw:
        rows = raw.execute("SELECT * FROM ib_audit_log ORDER BY seq").fetchall()
        raw.execute("DELETE FROM ib_audit_log")
        prev = "0" * 64
        for row in rows:
            fields = dict(
                zip(
                    [
                        "seq",
                        "timestamp",
                        "analyst",
                        "role",
                        "action",
                        "justification",
                        "record_ref",
                        "recipient",
                        "detail",
                        "prev_hash",
                    ],
                    row[:10],
                    strict=True,
                )
            )
            fields["detail"] = {}
            fields["analyst"] = "Rewriter"
            fields["prev_hash"] = prev
            prev = entry_mac(fields, ws.audit._key)  # an insider holding the key
            raw.execute(
                "INSERT INTO ib_audit_log VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (*[fields[k] for k in list(fields)[:8]], "{}", fields["prev_hash"], prev),
            )
        raw.execute("UPDATE ib_state SET audit_head = ?", (prev,))
    # internally consistent and keyed, but not the head anchored outside the workspace ...
    with pytest.raises(AuditIntegrityError, match="anchored head") as info:
        ws.audit.verify()
    assert info.value.seq == 4  # type: ignore[attr-defined]
    with pytest.raises(AuditIntegrityError) as info:  # ... nor the head the caller kept
        ws.audit.verify(expected_head=kept)
    assert info.value.seq == 4  # type: ignore[attr-defined]


def test_bad_detail_json_is_reported(ws: Workspace) -> None:
    _fill(ws, 2)
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_log SET detail = '{not json' WHERE seq = 2")
    with pytest.raises(AuditIntegrityError, match="cannot be read"):
        ws.audit.verify()


def test_html_shows_failure(ws: Workspace) -> None:
    _fill(ws, 2)
    with _raw(ws) as raw:
        raw.execute("UPDATE ib_audit_log SET analyst = 'x' WHERE seq = 1")
    assert "DOES NOT VERIFY" in ws.audit._repr_html_()
    assert "DOES NOT VERIFY" in ws._repr_html_()


# --------------------------------------------------------------------------- properties

_op = st.one_of(
    st.tuples(
        st.just("put"),
        st.sampled_from(["plan", "report", "grade_history"]),
        st.sampled_from(["a", "b", "c"]),
        st.dictionaries(st.text(max_size=5), st.integers() | st.text(max_size=10), max_size=3),
    ),
    st.tuples(
        st.just("record"),
        st.sampled_from(ACTIONS),
        st.text("abcXYZ/-@0123456789", min_size=1, max_size=20),
        st.none(),
    ),
    st.tuples(
        st.just("delete"),
        st.sampled_from(["plan", "report"]),
        st.sampled_from(["a", "b", "c"]),
        st.none(),
    ),
)

_TAMPER = ["edit", "delete", "swap", "append"]


@settings(max_examples=20, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(ops=st.lists(_op, min_size=1, max_size=8), data=st.data())
def test_property_chain_verifies_and_any_single_tampering_is_detected(
    ops: list[tuple[Any, ...]], data: st.DataObject
) -> None:
    folder = Path(tempfile.mkdtemp())
    try:
        ws = open_as("Prop", folder, role="ANALYST")
        ws.put("plan", "seed", {"n": 0}, action="COLLECT")
        for op in ops:
            if op[0] == "put":
                ws.put(op[1], op[2], op[3])
            elif op[0] == "record":
                ws.audit.record(
                    op[1],
                    justification="because",
                    record_ref=op[2],
                    recipient="R" if op[1] == "DISCLOSE" else None,
                )
            elif ws.exists(op[1], op[2]):
                ws.delete(op[1], op[2], justification="review")
        assert ws.audit.verify()
        n = len(ws.audit)
        assert n >= 1
        kind = data.draw(st.sampled_from(_TAMPER if n >= 2 else ["edit", "delete", "append"]))
        seq = data.draw(st.integers(1, n - 1 if kind == "swap" else n))
        with _raw(ws) as raw:
            if kind == "edit":
                column = data.draw(
                    st.sampled_from(
                        ["timestamp", "analyst", "action", "justification", "record_ref", "detail"]
                    )
                )
                old = raw.execute(
                    f"SELECT {column} FROM ib_audit_log WHERE seq = ?", (seq,)
                ).fetchone()[0]
                new = '{"x":1}' if column == "detail" else old + " "
                raw.execute(f"UPDATE ib_audit_log SET {column} = ? WHERE seq = ?", (new, seq))
                expected = seq
            elif kind == "delete":
                raw.execute("DELETE FROM ib_audit_log WHERE seq = ?", (seq,))
                expected = seq
            elif kind == "swap":
                raw.execute("UPDATE ib_audit_log SET seq = -1 WHERE seq = ?", (seq,))
                raw.execute("UPDATE ib_audit_log SET seq = ? WHERE seq = ?", (seq, seq + 1))
                raw.execute("UPDATE ib_audit_log SET seq = ? WHERE seq = -1", (seq + 1,))
                expected = seq
            else:
                raw.execute(
                    "INSERT INTO ib_audit_log SELECT seq + 1, timestamp, analyst, role, action, "
                    "justification, record_ref, recipient, detail, hash, hash "
                    "FROM ib_audit_log WHERE seq = ?",
                    (n,),
                )
                expected = n + 1
        assert _bad_seq(ws) == expected
        ws.close()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def test_rich_detail_hashes_the_same_when_written_and_verified(ws: Workspace) -> None:
    import datetime as dt
    import decimal

    detail = {
        "ratio": 0.1,
        "names": ["Ærø", "€"],
        "nested": {"b": 1, "a": [1.5, None, True]},
        1: "int key",
        "when": dt.date(2026, 1, 2),
        "amount": decimal.Decimal("1.10"),
    }
    e = ws.audit.record("COMBINE", record_ref="network/ocg-1", detail=detail)
    assert e.detail["1"] == "int key" and e.detail["when"] == "2026-01-02"
    assert e.hash == entry_mac(e.to_dict(), ws.audit._key)
    assert ws.audit.verify()
    stored = ws.audit.entries().iloc[0].to_dict()
    stored["timestamp"] = e.timestamp
    assert entry_mac(stored, ws.audit._key) == e.hash
