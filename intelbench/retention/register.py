"""The retention register: each record's MoPI group, review dates, triggers and decisions.

One row per record (``ib_retention``, on the store's metadata so ``create_all`` makes it;
portable SQL only). Every change is audited in the same transaction:

- :func:`register` enters records (group from type and offence, first review date): one
  ALTER entry per call on ``retention/[n records]`` listing the references;
- :func:`trigger` records new information about the subject: the review date is reset
  (ALTER on ``retention/<kind>/<key>``, ``event = "retention_trigger"``);
- :func:`decide` records a review decision. RETAIN needs a reason and sets the next review
  date (at most one group period ahead). DISPOSE needs a reason, is refused for a Group 1
  record whose subject is under 100, and **erases** the record's content through the store
  (``Workspace.delete``: every revision removed, overwritten on disk, an ERASE entry with no
  content), with the report's grade history and re-grade proposals; the register row keeps
  only the reference, group, dates and the decision, and its subject, date of birth and
  offence are cleared. What remains is the audit of the decision.

Deciding needs a reviewing role (INTEL_UNIT or SUPERVISOR); a locked workspace
(:mod:`intelbench.store.integrity`) refuses every decision.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

import pandas as pd
import sqlalchemy as sa

from intelbench.exceptions import ParameterError, RetentionError
from intelbench.grading.marking import is_legacy_record
from intelbench.retention.schedule import RetentionSchedule, add_years, to_date
from intelbench.store.audit import _validate
from intelbench.store.db import read_tx, retention_table, write_tx
from intelbench.store.integrity import ensure_tables

__all__ = [
    "REVIEW_ROLES",
    "decide",
    "register",
    "register_frame",
    "retention_table",
    "trigger",
]

#: Roles that may decide a review.
REVIEW_ROLES: tuple[str, ...] = ("INTEL_UNIT", "SUPERVISOR")


_COLUMNS = [c.name for c in retention_table.columns]

#: Column roles of :func:`register_frame`.
ROLES = {
    "ref": "identifier", "kind": "label", "key": "identifier", "mopi_group": "label",
    "record_type": "label", "offence": "label", "subject": "identifier",
    "subject_dob": "personal", "created_on": "time", "legacy": "label",
    "last_trigger": "time", "triggers": "count", "last_review": "time", "reviews": "count",
    "next_review": "time", "decision": "label", "decision_reason": "internal",
    "decided_by": "officer", "disposed_on": "time",
}


def _ready(ws: Any) -> None:
    ensure_tables(ws.engine, [retention_table])


def _today(as_of: Any) -> dt.date:
    return dt.datetime.now(dt.UTC).date() if as_of is None else to_date(as_of, "as_of")


def register(ws: Any, records: pd.DataFrame, *, schedule: RetentionSchedule | None = None
             ) -> int:
    """Enter records in the retention register (or update their group and dates); audited.

    Parameters
    ----------
    ws : Workspace
    records : pandas.DataFrame
        One row per record: ``key`` (required), ``kind`` (default ``"report"``),
        ``record_type``, ``offence``, ``created_at`` (required), ``subject``,
        ``subject_dob`` and ``scheme`` (optional; a 5x5x5 or Admiralty scheme makes the
        record legacy).
    schedule : RetentionSchedule, optional

    Returns
    -------
    int
        The number of records entered or updated.

    Raises
    ------
    RetentionError
        Naming the row and column of a missing key, a bad date or an unknown offence;
        nothing is stored then.

    Examples
    --------
    >>> import tempfile
    >>> from intelbench.retention import register, review_queue
    >>> ws = open_as("i.unit", tempfile.mkdtemp(), role="INTEL_UNIT")
    >>> frame = pd.DataFrame({"key": ["IR-1", "IR-2"], "record_type": ["intelligence"] * 2,
    ...                       "offence": ["burglary", "rape"],
    ...                       "created_at": ["2016-03-01", "2024-01-05"]})
    >>> register(ws, frame)
    2
    >>> review_queue(ws, as_of="2026-11-30").frame[["ref", "mopi_group", "state"]]
              ref  mopi_group    state
    0  report/IR-1           3  OVERDUE
    """
    schedule = schedule or RetentionSchedule()
    if not isinstance(records, pd.DataFrame):
        raise ParameterError(f"records must be a DataFrame; got {type(records).__name__}")
    for column in ("key", "created_at"):
        if column not in records:
            raise RetentionError(f"records: column {column!r} is required; got columns "
                                 f"{list(records.columns)}")
    _ready(ws)
    rows: list[dict[str, Any]] = []
    for i, row in enumerate(records.to_dict("records")):
        where = f"records row {i} (key {row.get('key')!r})"
        key = str(row.get("key") or "").strip()
        if not key:
            raise RetentionError(f"records row {i}: column 'key' is empty")
        kind = str(row.get("kind") or "report").strip()
        rtype = str(row.get("record_type") or "intelligence").strip()
        try:
            group = schedule.group(rtype, str(row.get("offence") or ""))
            created = to_date(row.get("created_at"), "created_at")
            dob = row.get("subject_dob")
            dob_text = to_date(dob, "subject_dob").isoformat() if dob not in (None, "") and \
                not (isinstance(dob, float) and pd.isna(dob)) else None
        except RetentionError as exc:
            raise RetentionError(f"{where}: {exc}") from None
        legacy = is_legacy_record({"created_at": created.isoformat(),
                                   "scheme": row.get("scheme")})
        subject = row.get("subject")
        rows.append({
            "ref": f"{kind}/{key}", "kind": kind, "key": key, "mopi_group": group,
            "record_type": rtype, "offence": str(row.get("offence") or "") or None,
            "subject": None if subject in (None, "") or (isinstance(subject, float)
                                                         and pd.isna(subject)) else str(subject),
            "subject_dob": dob_text, "created_on": created.isoformat(), "legacy": legacy,
            "last_trigger": None, "triggers": 0, "last_review": None, "reviews": 0,
            "next_review": schedule.next_review(group, created).isoformat(),
            "decision": None, "decision_reason": None, "decided_by": None, "disposed_on": None,
        })
    if not rows:
        return 0
    refs = [r["ref"] for r in rows]
    with write_tx(ws.engine) as conn:
        for i in range(0, len(refs), 500):
            conn.execute(sa.delete(retention_table).where(
                retention_table.c.ref.in_(refs[i:i + 500])))
        conn.execute(sa.insert(retention_table), rows)
        ws.audit._append_many(conn, [_validate(
            "ALTER", "MoPI retention register", f"retention/[{len(rows)} records]", None,
            {"event": "retention_registered", "count": len(rows),
             "groups": {str(g): sum(r["mopi_group"] == g for r in rows) for g in (1, 2, 3, 4)}},
        )])
    return len(rows)


def _row(conn: Any, ref: str) -> Any:
    row = conn.execute(sa.select(retention_table).where(retention_table.c.ref == ref)).first()
    if row is None:
        raise RetentionError(f"{ref} is not in the retention register; register it first")
    return row


def _ref(record: str) -> str:
    if not isinstance(record, str) or "/" not in record:
        raise ParameterError(f"record must be 'kind/key' (e.g. 'report/IR-1'); got {record!r}")
    return record.strip()


def trigger(ws: Any, record: str, *, on: Any, what: str,
            schedule: RetentionSchedule | None = None) -> dt.date:
    """Record a trigger event (new information about the subject); the review date resets.

    Parameters
    ----------
    record : str
        ``"kind/key"``.
    on : date-like
        When the new information came in.
    what : str
        What it was, as a reference (``"IR-2026-000311 links subject to supply"``): written
        as the audit justification, so no record content.

    Returns
    -------
    datetime.date
        The new review date.
    """
    schedule = schedule or RetentionSchedule()
    ref = _ref(record)
    day = to_date(on, "on")
    if not isinstance(what, str) or not what.strip():
        raise ParameterError(f"what must be a non-empty str; got {what!r}")
    _ready(ws)
    with write_tx(ws.engine) as conn:
        row = _row(conn, ref)
        if row.decision == "DISPOSE":
            raise RetentionError(f"{ref} was disposed of on {row.disposed_on}; nothing to reset")
        last = max(d for d in (day.isoformat(), row.last_trigger) if d)
        nxt = schedule.next_review(int(row.mopi_group), row.created_on,
                                   last_review=row.last_review, last_trigger=last)
        conn.execute(sa.update(retention_table).where(retention_table.c.ref == ref).values(
            last_trigger=last, triggers=int(row.triggers) + 1, next_review=nxt.isoformat()))
        ws.audit._append_many(conn, [_validate(
            "ALTER", what, f"retention/{ref}", None,
            {"event": "retention_trigger", "on": day.isoformat(),
             "previous_review": row.next_review, "next_review": nxt.isoformat()})])
    return nxt


def decide(ws: Any, record: str, decision: str, *, reason: str, next_review: Any = None,
           as_of: Any = None, schedule: RetentionSchedule | None = None) -> str:
    """Record a review decision (RETAIN or DISPOSE) with its reason; audited.

    Parameters
    ----------
    record : str
        ``"kind/key"``.
    decision : str
        ``"RETAIN"`` or ``"DISPOSE"``.
    reason : str
        The NRAC rationale (necessity, relevance, adequacy, currency); required.
    next_review : date-like, optional
        For RETAIN: the next review date, after ``as_of`` and at most one group period
        ahead (default: one period ahead).
    as_of : date-like, optional
        The day of the review (default today).

    Returns
    -------
    str
        The decision.

    Raises
    ------
    RoleError
        Without a reviewing role.
    RetentionError
        For an empty reason, a review date out of range, a record already disposed of, or a
        Group 1 record whose subject is under 100 (or whose age is unknown).

    Examples
    --------
    >>> import tempfile
    >>> from intelbench.retention import register, decide
    >>> ws = open_as("i.unit", tempfile.mkdtemp(), role="INTEL_UNIT")
    >>> _ = ws.put("report", "IR-1", {"text": "..."}, action="COLLECT")
    >>> _ = register(ws, pd.DataFrame({"key": ["IR-1"], "offence": ["theft"],
    ...                                "created_at": ["2015-01-01"]}))
    >>> decide(ws, "report/IR-1", "DISPOSE", reason="No longer necessary: no further "
    ...        "intelligence since 2015", as_of="2026-11-30")
    'DISPOSE'
    >>> ws.exists("report", "IR-1"), ws.audit.entries("ERASE")["record_ref"].tolist()
    (False, ['report/IR-1'])
    """
    schedule = schedule or RetentionSchedule()
    ref = _ref(record)
    choice = str(decision or "").strip().upper()
    if choice not in ("RETAIN", "DISPOSE"):
        raise ParameterError(f"decision must be RETAIN or DISPOSE; got {decision!r}")
    if not isinstance(reason, str) or not reason.strip():
        raise RetentionError(f"a {choice} decision on {ref} needs a reason (NRAC); got none")
    reason = reason.strip()
    ws.require_role(REVIEW_ROLES, "decide a MoPI review",
                    instead="add what you know to the record, or record a trigger event")
    today = _today(as_of)
    _ready(ws)
    with read_tx(ws.engine) as conn:
        row = _row(conn, ref)
    if row.decision == "DISPOSE":
        raise RetentionError(f"{ref} was disposed of on {row.disposed_on}")
    group = int(row.mopi_group)
    if choice == "RETAIN":
        limit = add_years(today, int(schedule.review_years[group]))
        nxt = limit if next_review is None else to_date(next_review, "next_review")
        if not today < nxt <= limit:
            raise RetentionError(
                f"next_review for {ref} must be after {today.isoformat()} and no later than "
                f"{limit.isoformat()} (Group {group} is reviewed every "
                f"{schedule.review_years[group]} years); got {nxt.isoformat()}")
        with write_tx(ws.engine) as conn:
            conn.execute(sa.update(retention_table).where(retention_table.c.ref == ref).values(
                last_review=today.isoformat(), reviews=int(row.reviews) + 1,
                next_review=nxt.isoformat(), decision="RETAIN", decision_reason=reason,
                decided_by=ws.analyst))
            ws.audit._append_many(conn, [_validate(
                "ALTER", reason, f"retention/{ref}", None,
                {"event": "retention_retained", "group": group, "reviewed_on":
                 today.isoformat(), "next_review": nxt.isoformat()})])
        return choice
    problem = schedule.disposal_problem(group, row.subject_dob, today)
    if problem:
        raise RetentionError(f"{ref} may not be disposed of: {problem}")
    _dispose_content(ws, str(row.kind), str(row.key), reason)
    with write_tx(ws.engine) as conn:
        conn.execute(sa.update(retention_table).where(retention_table.c.ref == ref).values(
            last_review=today.isoformat(), reviews=int(row.reviews) + 1,
            decision="DISPOSE", decision_reason=reason, decided_by=ws.analyst,
            disposed_on=today.isoformat(), subject=None, subject_dob=None, offence=None))
        ws.audit._append_many(conn, [_validate(
            "ALTER", reason, f"retention/{ref}", None,
            {"event": "retention_disposed", "group": group, "reviewed_on": today.isoformat()})])
    return choice


def _dispose_content(ws: Any, kind: str, key: str, reason: str) -> None:
    """Erase the record and what hangs off it (grade history, re-grade proposals)."""
    why = f"MoPI review: disposal ({reason})"[:2000]
    related: list[tuple[str, str]] = [(kind, key)]
    if kind == "report":
        related.append(("grade_history", key))
        related += [("regrade_proposal", k) for k in ws.keys("regrade_proposal")
                    if k.startswith(f"{key}.P")]
    for k, name in related:
        if ws.exists(k, name):
            ws.delete(k, name, justification=why)


def register_frame(ws: Any, refs: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the register (every row, or the named references), by reference."""
    _ready(ws)
    stmt = sa.select(retention_table).order_by(retention_table.c.ref)
    wanted = None if refs is None else list(refs)
    with read_tx(ws.engine) as conn:
        if wanted is None:
            rows = [dict(r._mapping) for r in conn.execute(stmt)]
        else:
            rows = []
            for i in range(0, len(wanted), 500):
                rows += [dict(r._mapping) for r in conn.execute(
                    stmt.where(retention_table.c.ref.in_(wanted[i:i + 500])))]
    frame = pd.DataFrame(rows, columns=_COLUMNS)
    frame["legacy"] = frame["legacy"].astype(bool)
    frame.attrs["roles"] = dict(ROLES)
    return frame
