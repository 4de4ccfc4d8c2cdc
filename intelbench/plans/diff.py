"""Field-level differences between two snapshots of a collection plan, or since a revision.

The plan's own class is taken from the plan handed in, so this module needs the model only
for its type hints (``CollectionPlan.diff`` calls :func:`plan_diff`).
"""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.exceptions import PlanError

if TYPE_CHECKING:
    from intelbench.plans.model import CollectionPlan

__all__ = ["DIFF_COLUMNS", "PLAN_KIND", "diff_plans", "plan_diff", "plan_revisions"]

#: Workspace document kind of a saved plan.
PLAN_KIND = "plan"
#: Columns of the frame returned by :func:`diff_plans`.
DIFF_COLUMNS = ["question_id", "field", "change", "before", "after"]


def _show(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, list):
        if value and isinstance(value[0], dict) and "source_type" in value[0]:
            return "; ".join(_source_text(s) for s in value)
        return "; ".join(_show(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, sort_keys=True, ensure_ascii=False)
    return str(value)


def _source_text(s: dict[str, Any]) -> str:
    diff = s.get("access_difficulties") or ""
    return f"{s['source_type']} ({diff})" if diff else str(s["source_type"])


def _flat_header(d: dict[str, Any]) -> dict[str, Any]:
    req = d.get("requirement") or {}
    out = {k: v for k, v in d.items() if k not in ("requirement", "questions", "reviews")}
    out["control_strategy"] = req.get("control_strategy", "")
    out["requirement_level"] = req.get("level")
    out["requirement"] = req.get("statement", "")
    return out


def diff_plans(old: CollectionPlan | None, new: CollectionPlan) -> pd.DataFrame:
    """Field-level differences from ``old`` to ``new``.

    Parameters
    ----------
    old : CollectionPlan or None
        The earlier snapshot; None means "nothing" (everything in ``new`` is added).
    new : CollectionPlan
        The later snapshot.

    Returns
    -------
    pandas.DataFrame
        Columns ``question_id`` (empty for the header), ``field``, ``change`` (added, removed,
        changed), ``before`` and ``after`` (display strings). A question added or removed is
        one row with field ``question``; a changed question gives one row per changed field;
        new reviews give one row each (field ``reviews``); a new question order gives one row
        with field ``question_order``.

    Examples
    --------
    >>> a = ib.plans.CollectionPlan("CP-1", "Burglary", created="2026-01-01")
    >>> b = a.replace(title="Burglary north").add_question(text="Who?")
    >>> ib.plans.diff_plans(a, b)[["question_id", "field", "change"]]
      question_id     field change
    0                 title  changed
    1          Q1  question    added
    """
    rows: list[dict[str, Any]] = []
    nd = new.to_dict()
    od = old.to_dict() if old is not None else None
    nh = _flat_header(nd)
    oh = _flat_header(od) if od is not None else {}
    for key, after in nh.items():
        before = oh.get(key)
        if od is None:
            if after not in (None, "", []):
                rows.append(_row(None, key, "added", None, after))
        elif before != after:
            rows.append(_row(None, key, "changed", before, after))
    old_reviews = od["reviews"] if od is not None else []
    for r in nd["reviews"]:
        if r not in old_reviews:
            rows.append(_row(None, "reviews", "added", None, _review_text(r)))
    for r in old_reviews:
        if r not in nd["reviews"]:
            rows.append(_row(None, "reviews", "removed", _review_text(r), None))
    oq = {q["id"]: q for q in (od["questions"] if od is not None else [])}
    nq = {q["id"]: q for q in nd["questions"]}
    for qid, q in oq.items():
        if qid not in nq:
            rows.append(_row(qid, "question", "removed", q["text"], None))
    for qid, q in nq.items():
        if qid not in oq:
            rows.append(_row(qid, "question", "added", None, q["text"]))
            continue
        for key, after in q.items():
            before = oq[qid].get(key)
            if before != after:
                rows.append(_row(qid, key, "changed", before, after))
    common_old = [i for i in oq if i in nq]
    common_new = [i for i in nq if i in oq]
    if common_old != common_new:
        rows.append(_row(None, "question_order", "changed", common_old, common_new))
    return pd.DataFrame(rows, columns=DIFF_COLUMNS)


def _review_text(r: dict[str, Any]) -> str:
    return f"{r['date']} {r['reviewer']}: {r['outcome']}"


def _row(qid: str | None, field: str, change: str, before: Any, after: Any) -> dict[str, Any]:
    return {
        "question_id": qid or "",
        "field": field,
        "change": change,
        "before": _show(before),
        "after": _show(after),
    }


def plan_diff(plan: CollectionPlan, since: Any, ws: Any = None) -> pd.DataFrame:
    """Return the changes to ``plan`` since an earlier state (columns as :func:`diff_plans`).

    Parameters
    ----------
    plan : CollectionPlan
        The current snapshot.
    since : int, datetime.date, str or CollectionPlan
        A revision number; a date (changes saved on or after that day, against the last
        revision saved before it, or against nothing if none was); ``"last_review"`` (against
        the first revision that held the plan's latest review, or its first revision if it
        was never reviewed); or another plan snapshot.
    ws : Workspace, optional
        Needed unless ``since`` is a plan.
    """
    if isinstance(since, type(plan)):
        return diff_plans(since, plan)
    if ws is None:
        raise PlanError(
            "ws is required to diff against a revision, a date or 'last_review'; got None"
        )
    hist = plan_revisions(ws, plan.id)
    records = sorted(hist.to_dict("records"), key=lambda r: int(r["revision"]))
    base: dict[str, Any] | None
    if isinstance(since, bool):
        raise PlanError(f"since must be a revision, a date or 'last_review'; got {since!r}")
    if isinstance(since, int):
        match = [r for r in records if int(r["revision"]) == since]
        if not match:
            revs = ", ".join(str(r["revision"]) for r in records)
            raise PlanError(f"since must be a saved revision ({revs}); got {since}")
        base = match[0]["doc"]
    elif isinstance(since, (dt.date, pd.Timestamp)) and not isinstance(since, str):
        day = pd.Timestamp(since).date()
        before = [r for r in records if _saved_day(r["saved_at"]) < day]
        base = before[-1]["doc"] if before else None
    elif since == "last_review":
        last = plan.last_review
        base = records[0]["doc"]
        if last is not None:
            target = last.to_dict()
            for r in records:
                if target in (r["doc"].get("reviews") or []):
                    base = r["doc"]
                    break
    else:
        raise PlanError(
            f"since must be a revision number, a date, 'last_review' or a plan; got {since!r}"[:120]
        )
    old = type(plan).from_dict(base) if base is not None else None
    return diff_plans(old, plan)


def plan_revisions(ws: Any, plan_id: str) -> pd.DataFrame:
    """Return the saved revisions of a plan (the workspace history), or raise PlanError."""
    try:
        hist = ws.history(PLAN_KIND, plan_id)
    except KeyError:
        hist = None
    if hist is None or hist.empty:
        raise PlanError(f"plan_id must name a saved plan; got {plan_id!r}")
    return hist


def _saved_day(value: Any) -> dt.date:
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC")
    return ts.date()
