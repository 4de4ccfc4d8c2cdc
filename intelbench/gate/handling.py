"""Handling codes in every written form: 3x5x2 grades and handling, legacy 5x5x5 grades.

A 3x5x2 grade is written source digit first (``2BC``, ``2 B C``, ``2/B/C``, ``2-B-C``); its last
letter is the handling code (P or C). A handling value may be written ``C``, ``c``,
``Handling C`` or ``H: C``. A legacy 5x5x5 grade is written letter first (``B25``, ``B2 5``,
``B/2/5``, ``B-2-5``); its third character is the legacy handling code (1-5).

Examples
--------
>>> from intelbench.gate.handling import grade_handling, handling_code, legacy_code
>>> [legacy_code(g) for g in ("B25", "B2 5", "B/2/5", "B-2-5", "b.2.4", "2BC")]
['5', '5', '5', '5', '4', None]
>>> grade_handling("2 B C"), grade_handling("3/E/P"), handling_code("Handling: c")
('C', 'P', 'C')
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

__all__ = ["GRADE_KEYS", "grade_handling", "handling_code", "handling_values", "legacy_code"]

_SEP = r"[\s/\-.,:]*"
_LEGACY = re.compile(rf"^\s*(?:5x5x5{_SEP})?([A-E]){_SEP}([1-5]){_SEP}([1-5])\s*$", re.I)
_3X5X2 = re.compile(rf"^\s*(?:3x5x2{_SEP})?([1-3]){_SEP}([A-E]){_SEP}([PC])\s*$", re.I)
_HANDLING = re.compile(r"^\s*(?:(?:handling|h)(?:\s*code)?\s*[:=\-]?\s*)?([PC])\s*$", re.I)
#: Fields (columns or report keys) that hold a grade or a handling code.
GRADE_KEYS = ("handling", "grade", "grading", "legacy_grade", "evaluation")


def legacy_code(value: object) -> str | None:
    """Return the legacy 5x5x5 handling code (``"1"``-``"5"``) of a grade, or None."""
    m = _LEGACY.match(str(value)) if value is not None else None
    return m.group(3) if m else None


def grade_handling(value: object) -> str | None:
    """Return the handling code (``"P"`` or ``"C"``) of a 3x5x2 grade, or None."""
    m = _3X5X2.match(str(value)) if value is not None else None
    return m.group(3).upper() if m else None


def handling_code(value: object) -> str | None:
    """Return the handling code of a handling value or a 3x5x2 grade, or None."""
    if value is None:
        return None
    m = _HANDLING.match(str(value))
    return m.group(1).upper() if m else grade_handling(value)


def _missing(v: Any) -> bool:
    try:
        return v is None or bool(v != v) or str(v).strip() == ""
    except (TypeError, ValueError):
        return False


def handling_values(items: Iterable[tuple[str, Any]]) -> tuple[set[str], set[str], set[str]]:
    """Sort (field, value) pairs into 3x5x2 handling codes, legacy codes and unreadable values.

    Parameters
    ----------
    items : iterable of (str, object)
        Field name (``handling``, ``grade``, ``legacy_grade``, ...) and value.

    Returns
    -------
    (set of str, set of str, set of str)
        Handling codes (P, C), legacy 5x5x5 handling codes (1-5), and the handling values
        that could not be read (reported by the gate).
    """
    codes: set[str] = set()
    legacy: set[str] = set()
    bad: set[str] = set()
    for key, v in items:
        if _missing(v):
            continue
        text = str(v).strip()
        lc = legacy_code(text)
        if lc is not None:
            legacy.add(lc)
            continue
        hc = handling_code(text)
        if hc is not None:
            codes.add(hc)
        elif key.lower() == "handling":
            bad.add(text.upper())
    return codes, legacy, bad
