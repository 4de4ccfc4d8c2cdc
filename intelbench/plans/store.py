"""Collection plans in the workspace: revisions, history, reviews, drafts and diffs.

Every :func:`save_plan` is a new revision of the workspace document ``("plan", plan.id)``; the
store keeps every revision, so a plan's history is the document's history. Saving enforces
the rules (:meth:`CollectionPlan.check`). Form drafts live under kind ``"plan_draft"`` and are
never checked: a half-typed plan must survive a kernel restart.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pandas as pd

from intelbench.exceptions import PlanError
from intelbench.plans.diff import PLAN_KIND, plan_revisions
from intelbench.plans.model import CollectionPlan, Review

__all__ = [
    "NEW_PLAN_DRAFT",
    "delete_draft",
    "list_plans",
    "load_draft",
    "load_plan",
    "next_plan_id",
    "plan_history",
    "record_review",
    "save_draft",
    "save_plan",
]

DRAFT_KIND = "plan_draft"
#: Draft key used for a plan that has never been saved.
NEW_PLAN_DRAFT = "__new__"


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
    hist = plan_revisions(ws, plan_id)
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
