"""Lenient reading of hand-written plan files (used by ``from_dict`` only).

The constructors are strict; a plan file written by another tool (or by hand) may spell
things differently: free-text source names and methods, a terms-of-reference dict, a review
frequency like "every 28 days", and authority, necessity and proportionality stated once for
the whole plan. This module maps those onto the model without losing what was written.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from intelbench.exceptions import PlanError
from intelbench.plans.enums import Authority, CollectionMethod, SourceType

__all__ = ["frequency_days", "inherit_plan_level", "lenient_method", "lenient_source", "tor_text"]

_SOURCE_WORDS = [
    ("forensic", SourceType.FORENSIC),
    ("comms", SourceType.COMMUNICATIONS_DATA),
    ("communications", SourceType.COMMUNICATIONS_DATA),
    ("surveillance", SourceType.DIRECTED_SURVEILLANCE),
    ("open source", SourceType.OPEN_SOURCE),
    ("osint", SourceType.OPEN_SOURCE),
    ("prison", SourceType.PRISON_INTELLIGENCE),
    ("partner", SourceType.PARTNER),
    ("community", SourceType.COMMUNITY),
    ("cctv", SourceType.CCTV),
    ("anpr", SourceType.ANPR),
    ("chis", SourceType.CHIS),
]
_WORD_DAYS = {"daily": 1, "weekly": 7, "fortnightly": 14, "monthly": 28, "quarterly": 91}


def lenient_source(kind: Any) -> tuple[SourceType, str]:
    """Map a source name onto SourceType; return the member and the original name if fuzzy."""
    try:
        return SourceType.coerce(kind, "source_type"), ""
    except PlanError:
        pass
    name = str(kind or "").strip()
    low = name.lower()
    for word, member in _SOURCE_WORDS:
        if word in low:
            return member, name
    return SourceType.OTHER, name


def lenient_method(value: Any) -> tuple[CollectionMethod | None, str]:
    """Map a method onto CollectionMethod; free text is matched by keyword and kept as a note."""
    if value is None or value == "":
        return None, ""
    try:
        return CollectionMethod.coerce(value, "method"), ""
    except PlanError:
        pass
    text = str(value)
    low = text.lower()
    for member, word in ((CollectionMethod.TASKED, "task"), (CollectionMethod.ROUTINE, "routine"),
                         (CollectionMethod.VOLUNTEERED, "volunteer")):
        if word in low:
            return member, f"Method: {text}"
    return None, f"Method: {text}"


def tor_text(value: Any) -> str:
    """Terms of reference as text; a dict becomes one 'key: value' line per entry."""
    if value is None:
        return ""
    if isinstance(value, Mapping):
        return "\n".join(f"{k}: {v}" for k, v in value.items() if v not in (None, ""))
    return str(value)


def frequency_days(value: Any) -> Any:
    """Days between reviews from 28, "28", "every 28 days", "4 weeks" or "monthly"."""
    if value is None or isinstance(value, int):
        return 28 if value is None else value
    text = str(value).strip().lower()
    m = re.search(r"(\d+)\s*(day|week|month)?", text)
    if m:
        n = int(m.group(1))
        return n * {"week": 7, "month": 28}.get(m.group(2) or "day", 1)
    for word, days in _WORD_DAYS.items():
        if word in text:
            return days
    return value  # let the constructor reject it, naming the field


def inherit_plan_level(question: Mapping[str, Any], plan: Mapping[str, Any]) -> dict[str, Any]:
    """Fill a question's authority, necessity and proportionality from plan-level statements.

    Only what the question leaves empty is filled; the authority is inherited only by
    questions with a covert candidate source (CHIS, communications data, surveillance).
    """
    q = dict(question)
    for name in ("necessity", "proportionality"):
        if not q.get(name) and isinstance(plan.get(name), str):
            q[name] = plan[name]
    auth = plan.get("authority")
    if isinstance(auth, Mapping) and not q.get("authority") and not q.get("authority_ref"):
        sources = q.get("candidate_sources", q.get("sources", ())) or ()
        kinds = [s.get("source_type", s.get("type", s.get("source"))) if isinstance(s, Mapping)
                 else s for s in sources]
        if any(lenient_source(k)[0].covert for k in kinds):
            try:
                q["authority"] = Authority.coerce(auth.get("type", ""), "authority")
            except PlanError:
                q["authority"] = Authority.OTHER
            q["authority_ref"] = str(auth.get("ref", "") or "")
    return q
