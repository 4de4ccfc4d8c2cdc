"""Text rules shared by ``Grade.parse`` and ``validate_grades``: one classifier per grade part.

Every part of a written grade is classified into a status and, when it is wrong, a message
that names the part, what is allowed and (briefly) what was received. ``Grade.parse`` uses the
classifiers on the parts of one string; ``validate_grades`` applies them once per *distinct*
value of a column and maps the results back, so both give the same messages.
"""

from __future__ import annotations

import re
from typing import Any

__all__ = [
    "ADMIRALTY_INFORMATION",
    "ADMIRALTY_SOURCE",
    "FIVE_HANDLING",
    "FIVE_INTELLIGENCE",
    "FIVE_SOURCE",
    "MISSING",
    "OK",
    "FREE_TEXT",
    "SCHEME",
    "classify_action",
    "classify_assessment",
    "classify_handling",
    "classify_sanitisation",
    "classify_source",
    "describe_received",
    "grade_text_problems",
    "scheme_message",
    "swap_hint",
]

OK, MISSING, FREE_TEXT, SCHEME = "ok", "missing", "free_text", "scheme"

FIVE_SOURCE = {"A": "Always reliable", "B": "Mostly reliable", "C": "Sometimes reliable",
               "D": "Unreliable", "E": "Untested"}
FIVE_INTELLIGENCE = {
    "1": "Known to be true without reservation",
    "2": "Known personally to the source but not to the person reporting",
    "3": "Not known personally to the source but corroborated",
    "4": "Cannot be judged",
    "5": "Suspected to be false or malicious",
}
FIVE_HANDLING = {
    "1": "UK police and prosecuting agencies",
    "2": "UK non-prosecuting parties",
    "3": "Non-EEA law enforcement",
    "4": "Originating agency only",
    "5": "No further dissemination: refer to the originator",
}
ADMIRALTY_SOURCE = {"A": "Completely reliable", "B": "Usually reliable", "C": "Fairly reliable",
                    "D": "Not usually reliable", "E": "Unreliable", "F": "Cannot be judged"}
ADMIRALTY_INFORMATION = {"1": "Confirmed", "2": "Probably true", "3": "Possibly true",
                         "4": "Doubtful", "5": "Improbable", "6": "Cannot be judged"}

_SOURCE_ALLOWED = "1 (Reliable), 2 (Untested) or 3 (Not reliable)"
_ASSESS_ALLOWED = ("A (Known directly to the source), B (Known indirectly but corroborated), "
                   "C (Known indirectly), D (Not known) or E (Suspected to be false)")
_HANDLING_ALLOWED = ("P (lawful sharing permitted) or C (lawful sharing permitted with "
                     "conditions)")
_CLASSIFICATION_WORDS = {
    "CONFIDENTIAL", "CONF", "OFFICIAL", "OFFICIAL-SENSITIVE", "OFFICIALSENSITIVE", "OS",
    "SENSITIVE", "SECRET", "TOPSECRET", "TOP SECRET", "TOP-SECRET", "RESTRICTED", "PROTECT",
    "UNCLASSIFIED",
}
_SHORT = 12  # received values longer than this are described, never quoted


def describe_received(value: Any) -> str:
    """Describe a received value for an error message without quoting long (free) text."""
    if value is None or (isinstance(value, float) and value != value):
        return "nothing (empty)"
    if not isinstance(value, str):
        value = str(value)
    if not value.strip():
        return "nothing (empty)"
    if len(value) > _SHORT:
        return f"free text of {len(value)} characters"
    return repr(value)


def _free_text(part: str, token: str, allowed: str) -> tuple[str, str]:
    kind = "a percentage" if "%" in token else "free text"
    return FREE_TEXT, (f"{part} is {kind} ({describe_received(token)}); no percentage or "
                       f"free-text grades: use one code, {allowed}")


def classify_source(token: str) -> tuple[str, str]:
    """Classify a normalised (upper-case, stripped) source-evaluation token."""
    if token == "":
        return MISSING, f"source evaluation is missing; allowed {_SOURCE_ALLOWED}"
    if token in ("1", "2", "3"):
        return OK, ""
    if "%" in token or len(token) > 1:
        return _free_text("source evaluation", token, _SOURCE_ALLOWED)
    if token in "ABCDEF":
        return SCHEME, (f"source evaluation {token!r} is a letter; 3x5x2 sources are digits, "
                        f"{_SOURCE_ALLOWED} (a letter source is 5x5x5 or Admiralty)")
    if token.isdigit():
        return SCHEME, (f"source evaluation {token!r} is outside 3x5x2; allowed "
                        f"{_SOURCE_ALLOWED}")
    return SCHEME, f"source evaluation {token!r} is not allowed; allowed {_SOURCE_ALLOWED}"


def classify_assessment(token: str) -> tuple[str, str]:
    """Classify a normalised intelligence-assessment token."""
    if token == "":
        return MISSING, f"intelligence assessment is missing; allowed {_ASSESS_ALLOWED}"
    if token in ("A", "B", "C", "D", "E"):
        return OK, ""
    if "%" in token or len(token) > 1:
        return _free_text("intelligence assessment", token, _ASSESS_ALLOWED)
    if token.isdigit():
        return SCHEME, (f"intelligence assessment {token!r} is a digit; 3x5x2 assessments are "
                        f"letters, {_ASSESS_ALLOWED} (a digit assessment is 5x5x5 or "
                        "Admiralty)")
    if token == "F":
        return SCHEME, ("intelligence assessment 'F' is outside 3x5x2 (Admiralty uses F for "
                        f"a source that cannot be judged); allowed {_ASSESS_ALLOWED}")
    return SCHEME, (f"intelligence assessment {token!r} is not allowed; allowed "
                    f"{_ASSESS_ALLOWED}")


def classify_handling(token: str) -> tuple[str, str]:
    """Classify a normalised handling-code token (catches the "C = confidential" misreading)."""
    if token == "":
        return MISSING, f"handling code is missing; allowed {_HANDLING_ALLOWED}"
    if token in ("P", "C"):
        return OK, ""
    if token in _CLASSIFICATION_WORDS or token.startswith("CONFID"):
        return SCHEME, (f"handling code {describe_received(token)} is a security "
                        f"classification, not a handling code; allowed {_HANDLING_ALLOWED}. "
                        "C means 'with conditions', not 'Confidential'")
    if token in FIVE_HANDLING:
        return SCHEME, (f"handling code {token!r} is a 5x5x5 handling code; 3x5x2 allows "
                        f"{_HANDLING_ALLOWED}")
    if "%" in token or len(token) > 2:
        return _free_text("handling code", token, _HANDLING_ALLOWED)
    return SCHEME, f"handling code {token!r} is not allowed; allowed {_HANDLING_ALLOWED}"


def _classify_optional(token: str, allowed: tuple[str, ...], part: str,
                       meaning: str) -> tuple[str, str]:
    if token == "" or token in allowed:
        return OK, ""
    return SCHEME, (f"{part} {describe_received(token)} is not allowed; allowed "
                    f"{', '.join(allowed)} ({meaning}) or none")


def classify_action(token: str) -> tuple[str, str]:
    """Classify an optional action-code token (A1-A3 or empty)."""
    return _classify_optional(token, ("A1", "A2", "A3"), "action code", "under C only")


def classify_sanitisation(token: str) -> tuple[str, str]:
    """Classify an optional sanitisation-code token (S1-S2 or empty)."""
    return _classify_optional(token, ("S1", "S2"), "sanitisation code", "under C only")


def swap_hint(source: str, assessment: str, handling: str) -> str:
    """Name the scheme mix-up a whole grade shows, or return ``""``."""
    letter_source = len(source) == 1 and source in "ABCDEF"
    digit_assess = len(assessment) == 1 and assessment.isdigit()
    if not (letter_source and digit_assess):
        return ""
    hint = ("this looks like a 5x5x5 or Admiralty grade (letter for the source, digit for the "
            "information): 3x5x2 writes the source digit first, e.g. 2BC. Keep a legacy grade "
            "verbatim as a LegacyGrade; it is never converted silently")
    if handling == "C" or handling.startswith("CONF"):
        hint += (". It also matches a known mix-up (source A-C, intelligence 1-5, "
                 "C = 'Confidential'): in 3x5x2 C means 'with conditions'")
    return hint


def scheme_message(parts: list[str], hint: str) -> str:
    """Join the part messages of one grade and the mix-up hint."""
    return "; ".join([*parts, hint] if hint else parts)


_SEPARATORS = re.compile(r"[\s/\-]+")
_ALLOWED_CHARS = re.compile(r"^[0-9A-Za-z/\-\s]*$")
_POSITIONAL = re.compile(r"^[0-9A-F][0-9A-Z]")


def grade_text_problems(text: Any) -> tuple[tuple[str, str, str] | None, list[str]]:
    """Split a written grade into (source, assessment, handling) tokens and list its problems.

    Returns ``(parts, [])`` when the grade fits 3x5x2, otherwise ``(None, problems)``.
    """
    if not isinstance(text, str):
        return None, [f"a grade must be text like '2BC'; got {type(text).__name__}"]
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        t = t[1:-1].strip()
    if not t:
        return None, ["the grade is empty; write source, assessment and handling, e.g. 2BC"]
    if "%" in t:
        return None, ["a percentage is not a grade; no percentage or free-text grades: write "
                      "source 1-3, assessment A-E and handling P/C, e.g. 2BC"]
    if not _ALLOWED_CHARS.match(t):
        return None, ["the grade holds characters other than codes and the separators "
                      "'/', '-' or spaces (brackets only around the whole grade)"]
    upper = t.upper()
    tokens = [tok for tok in _SEPARATORS.split(upper) if tok]
    if len(tokens) == 3:
        source, assessment, handling = tokens
    else:
        compact = "".join(tokens)
        if len(compact) > 3 and not _POSITIONAL.match(compact):
            return None, ["free text is not a grade; no free-text grades: write source 1-3, "
                          "assessment A-E and handling P/C, e.g. 2BC"]
        source, assessment, handling = compact[:1], compact[1:2], compact[2:]
    results = [classify_source(source), classify_assessment(assessment),
               classify_handling(handling)]
    problems = [msg for status, msg in results if status != OK]
    if not problems:
        return (source, assessment, handling), []
    return None, [scheme_message(problems, swap_hint(source, assessment, handling))]
