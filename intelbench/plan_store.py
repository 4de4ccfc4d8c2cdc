"""Collection plans in the workspace: revisions, history, reviews, drafts and diffs.

Every :func:`save_plan` is a new revision of the workspace document ``("plan", plan.id)``; the
store keeps every revision, so a plan's history is the document's history. Saving enforces
the rules (:meth:`CollectionPlan.check`). Form drafts live under kind ``"plan_draft"`` and are
never checked: a half-typed plan must survive a kernel restart.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

import pandas as pd

from intelbench.exceptions import PlanError
from intelbench.plan_model import CollectionPlan, Review

__all__ = [
    "DIFF_COLUMNS",
    "NEW_PLAN_DRAFT",
    "delete_draft",
    "diff_plans",
    "list_plans",
    "load_draft",
    "load_plan",
    "next_plan_id",
    "plan_diff",
    "plan_history",
    "record_review",
    "save_draft",
    "save_plan",
]

PLAN_KIND = "plan"
DRAFT_KIND = "plan_draft"
#: Draft key used for a plan that has never been saved.
NEW_PLAN_DRAFT = "__new__"
#: Columns of the frame returned by :func:`diff_plans`.
DIFF_COLUMNS = ["question_id", "field", "change", "before", "after"]


def save_plan(ws: Any, plan: CollectionPlan, *, justification: str = "") -> int:
    """Check ``plan`` against the rules and save it as a new revision.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    plan : CollectionPlan
        The plan; nothing is written if it breaks a rule.
    justification : str
        Why it was changed (kept in the audit log).

    Returns
    -------
    int
        The new revision number.

    Raises
    ------
    PlanError
        If the plan breaks a rule (nothing is saved).
    """
    plan.check()
    return int(
        ws.put(
            PLAN_KIND,
            plan.id,
            plan.to_dict(),
            action="ALTER",
            justification=justification or "collection plan saved",
        )
    )


def load_plan(ws: Any, plan_id: str, revision: int | None = None) -> CollectionPlan:
    """Load a saved plan (the latest revision, or ``revision``).

    Raises
    ------
    PlanError
        If no plan (or no such revision) is saved under ``plan_id``.
    """
    if not ws.exists(PLAN_KIND, plan_id):
        known = ", ".join(list_plans(ws)[:20]) or "none"
        raise PlanError(f"plan_id must name a saved plan (saved: {known}); got {plan_id!r}")
    try:
        doc = ws.get(PLAN_KIND, plan_id, revision=revision)
    except KeyError:
        raise PlanError(
            f"revision must be a saved revision of plan {plan_id!r}; got {revision!r}"
        ) from None
    if revision is None:
        revision = int(plan_history(ws, plan_id)["revision"].max())
    return CollectionPlan.from_dict(doc).replace_revision(revision)


def list_plans(ws: Any) -> list[str]:
    """Ids of every saved plan, sorted."""
    return sorted(ws.keys(PLAN_KIND))


def next_plan_id(ws: Any, year: int | None = None) -> str:
    """Return the next free id of the form ``CP-<year>-<nnn>``."""
    year = year or dt.date.today().year
    used = set(list_plans(ws))
    n = 1
    while f"CP-{year}-{n:03d}" in used:
        n += 1
    return f"CP-{year}-{n:03d}"


def plan_history(ws: Any, plan_id: str) -> pd.DataFrame:
    """One row per saved revision of a plan.

    Returns
    -------
    pandas.DataFrame
        Columns ``revision``, ``saved_at``, ``analyst``, ``status``, ``questions`` (count),
        ``reviews`` (count) and ``last_review`` (date or empty), oldest first.
    """
    hist = _history(ws, plan_id)
    rows = []
    for rec in hist.to_dict("records"):
        doc = rec["doc"]
        reviews = doc.get("reviews", []) or []
        rows.append(
            {
                "revision": int(rec["revision"]),
                "saved_at": rec["saved_at"],
                "analyst": rec.get("analyst", ""),
                "status": doc.get("status", ""),
                "questions": len(doc.get("questions", []) or []),
                "reviews": len(reviews),
                "last_review": max((r.get("date", "") for r in reviews), default=""),
            }
        )
    cols = ["revision", "saved_at", "analyst", "status", "questions", "reviews", "last_review"]
    return pd.DataFrame(rows, columns=cols).sort_values("revision", ignore_index=True)


def record_review(
    ws: Any,
    plan_id: str,
    reviewer: str,
    outcome: str,
    notes: str = "",
    *,
    on: dt.date | None = None,
    justification: str = "",
) -> CollectionPlan:
    """Record a review of a saved plan as a new revision and return the reviewed plan.

    Raises
    ------
    PlanError
        If ``reviewer`` or ``outcome`` is empty, or the plan does not exist.
    """
    for name, value in (("reviewer", reviewer), ("outcome", outcome)):
        if not str(value or "").strip():
            raise PlanError(f"{name} is required to record a review; got an empty value")
    plan = load_plan(ws, plan_id)
    review = Review(on or dt.date.today(), reviewer, outcome, notes)
    reviewed = plan.add_review(review)
    rev = save_plan(ws, reviewed, justification=justification or "collection plan reviewed")
    return reviewed.replace_revision(rev)


# ---------------------------------------------------------------------- drafts
def save_draft(ws: Any, plan: CollectionPlan, key: str | None = None) -> int | None:
    """Store the form's working copy of ``plan`` (no rules are checked).

    ``key`` defaults to the plan id, or :data:`NEW_PLAN_DRAFT` for an unsaved plan. A draft
    identical to the stored one is not written again; then None is returned. Drafts are not
    written to the audit log: they are working copies, the audited record is the saved plan.
    """
    key = key or _draft_key(ws, plan)
    doc = plan.to_dict()
    if ws.exists(DRAFT_KIND, key) and ws.get(DRAFT_KIND, key) == doc:
        return None
    return int(ws.put(DRAFT_KIND, key, doc, action="ALTER", justification="draft", audit=False))


def _draft_key(ws: Any, plan: CollectionPlan) -> str:
    if plan.id and ws.exists(PLAN_KIND, plan.id):
        return plan.id
    return NEW_PLAN_DRAFT


def load_draft(ws: Any, key: str = NEW_PLAN_DRAFT) -> CollectionPlan | None:
    """Return the latest draft under ``key`` (a plan id or :data:`NEW_PLAN_DRAFT`), or None."""
    if not ws.exists(DRAFT_KIND, key):
        return None
    return CollectionPlan.from_dict(ws.get(DRAFT_KIND, key))


def delete_draft(ws: Any, key: str = NEW_PLAN_DRAFT) -> bool:
    """Remove the draft under ``key``; True if there was one."""
    if not ws.exists(DRAFT_KIND, key):
        return False
    ws.delete(DRAFT_KIND, key, justification="draft superseded by a saved revision")
    return True


# ---------------------------------------------------------------------- diff
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
    if isinstance(since, CollectionPlan):
        return diff_plans(since, plan)
    if ws is None:
        raise PlanError(
            "ws is required to diff against a revision, a date or 'last_review'; got None"
        )
    hist = _history(ws, plan.id)
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
    old = CollectionPlan.from_dict(base) if base is not None else None
    return diff_plans(old, plan)


def _history(ws: Any, plan_id: str) -> pd.DataFrame:
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
