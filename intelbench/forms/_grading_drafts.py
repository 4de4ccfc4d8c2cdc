"""Drafts of the grading form: what an analyst typed survives a reload, unaudited.

A draft is the analyst's own working copy of a grade (kind ``"grade_draft"``, keyed by the
report's URN and the analyst, so one analyst's unsaved grade never shows in another's
form). It is written with ``audit=False`` like the plan form's drafts, reading it back
is not a consultation (the store never logs draft kinds), and it is erased once the grade is
saved.
"""

from __future__ import annotations

from typing import Any

__all__ = ["DRAFT_FIELDS", "DRAFT_KIND", "delete_grade_draft", "load_grade_draft",
           "save_grade_draft"]

DRAFT_KIND = "grade_draft"
#: The form fields a draft keeps.
DRAFT_FIELDS = ("source", "assessment", "handling", "conditions", "risk_ref", "action_code",
                "sanitisation_code", "rationale", "reason")


def _key(ws: Any, urn: str) -> str:
    return f"{urn}@{getattr(ws, 'analyst', '')}"


def load_grade_draft(ws: Any, urn: str) -> dict[str, Any] | None:
    """Return this analyst's draft of the grade of report ``urn``, or None."""
    if not hasattr(ws, "exists") or not ws.exists(DRAFT_KIND, _key(ws, urn)):
        return None
    doc: dict[str, Any] = ws.get(DRAFT_KIND, _key(ws, urn))
    return doc


def save_grade_draft(ws: Any, urn: str, values: dict[str, Any]) -> bool:
    """Store the draft when it differs from the one kept; return whether it was written."""
    if not hasattr(ws, "put"):
        return False
    if load_grade_draft(ws, urn) == values:
        return False
    ws.put(DRAFT_KIND, _key(ws, urn), values, action="ALTER",
           justification="grading form draft", audit=False)
    return True


def delete_grade_draft(ws: Any, urn: str) -> bool:
    """Erase the draft of report ``urn`` (after its grade is saved); True if there was one."""
    if not hasattr(ws, "exists") or not ws.exists(DRAFT_KIND, _key(ws, urn)):
        return False
    ws.delete(DRAFT_KIND, _key(ws, urn),
              justification="grading draft superseded by the saved grade")
    return True
