"""The fixed codes of the grading schemes: 3x5x2 parts, action and sanitisation codes, schemes.

The codes are fixed (domain.md A1, B); their *labels* are defaults a force may change through
:class:`intelbench.GradingPolicy`. :mod:`intelbench.grading.grade` builds grades from these.
"""

from __future__ import annotations

from enum import StrEnum
from typing import TYPE_CHECKING, Any

from intelbench.exceptions import GradingError
from intelbench.grading._text import (
    classify_assessment,
    classify_handling,
    classify_source,
    describe_received,
)

if TYPE_CHECKING:  # pragma: no cover
    from intelbench.grading.policy import GradingPolicy

__all__ = [
    "CODE_FIELDS",
    "ActionCode",
    "GradingScheme",
    "Handling",
    "IntelligenceAssessment",
    "SanitisationCode",
    "SourceEvaluation",
    "code_meanings",
    "optional_code",
]


class _Coded(StrEnum):
    """A fixed code with a default label; forces change labels through the policy."""

    @property
    def code(self) -> str:
        """The code as written on the form (``"2"``, ``"B"``, ``"C"``)."""
        return str(self.value)

    @property
    def label(self) -> str:
        """The default meaning of the code (domain.md A1); see ``GradingPolicy.labels``."""
        return _DEFAULT_LABELS[type(self).__name__][self.value]

    @classmethod
    def coerce(cls, value: Any, field_name: str) -> Any:
        """Return the member for ``value`` (member, code or int), or raise :class:`GradingError`."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().upper() if value is not None else ""
        for member in cls:
            if member.value == text:
                return member
        allowed = ", ".join(f"{m.value} ({m.label})" for m in cls)
        hint = ""
        classifier = _CLASSIFIERS.get(cls.__name__)
        if classifier is not None and isinstance(value, (str, int)):
            hint = classifier(text)[1]  # names a swapped scheme or "C = confidential"
        raise GradingError(
            f"{field_name} must be one of {allowed}; got {describe_received(value)}"
            + (f" ({hint})" if hint else "")
        )


class SourceEvaluation(_Coded):
    """3x5x2 source evaluation: how far the *source* can be relied on."""

    RELIABLE = "1"
    UNTESTED = "2"
    NOT_RELIABLE = "3"


class IntelligenceAssessment(_Coded):
    """3x5x2 intelligence assessment: how the *information* is known."""

    KNOWN_DIRECTLY = "A"
    CORROBORATED = "B"
    KNOWN_INDIRECTLY = "C"
    NOT_KNOWN = "D"
    SUSPECTED_FALSE = "E"


class Handling(_Coded):
    """3x5x2 handling code. ``C`` means *conditions*, never "Confidential"."""

    PERMITTED = "P"
    CONDITIONS = "C"


class ActionCode(_Coded):
    """Action codes, valid under handling ``C`` only (NCA-style practice, domain.md A1.8)."""

    A1 = "A1"
    A2 = "A2"
    A3 = "A3"


class SanitisationCode(_Coded):
    """Sanitisation codes, valid under handling ``C`` only (domain.md A1.8)."""

    S1 = "S1"
    S2 = "S2"


class GradingScheme(StrEnum):
    """The grading scheme a report declares."""

    THREE_FIVE_TWO = "3x5x2"
    FIVE_FIVE_FIVE = "5x5x5"
    ADMIRALTY = "ADMIRALTY"

    @classmethod
    def coerce(cls, value: Any) -> GradingScheme:
        """Return the scheme for ``value`` ("3x5x2", "5x5x5", "admiralty", "NATO")."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().upper().replace(" ", "") if value is not None else ""
        aliases = {"3X5X2": cls.THREE_FIVE_TWO, "5X5X5": cls.FIVE_FIVE_FIVE,
                   "ADMIRALTY": cls.ADMIRALTY, "NATO": cls.ADMIRALTY}
        if text in aliases:
            return aliases[text]
        raise GradingError(
            "scheme must be one of 3x5x2, 5x5x5, ADMIRALTY; got " + describe_received(value)
        )


_CLASSIFIERS = {"SourceEvaluation": classify_source,
                "IntelligenceAssessment": classify_assessment, "Handling": classify_handling}

_DEFAULT_LABELS: dict[str, dict[str, str]] = {
    "SourceEvaluation": {"1": "Reliable", "2": "Untested", "3": "Not reliable"},
    "IntelligenceAssessment": {
        "A": "Known directly to the source",
        "B": "Known indirectly but corroborated",
        "C": "Known indirectly",
        "D": "Not known",
        "E": "Suspected to be false",
    },
    "Handling": {
        "P": "Lawful sharing permitted",
        "C": "Lawful sharing permitted with conditions",
    },
    "ActionCode": {
        "A1": "Combine or corroborate only; originator's permission before any action",
        "A2": "Covert action only; not evidence or grounds for arrest",
        "A3": "Overt action as the owner specifies",
    },
    "SanitisationCode": {
        "S1": "Unsupervised sanitisation allowed",
        "S2": "Originator consulted before sanitisation",
    },
}

#: The code enums by the field names used in forms, policies and the intelligence log.
CODE_FIELDS: dict[str, type[_Coded]] = {
    "source": SourceEvaluation,
    "assessment": IntelligenceAssessment,
    "handling": Handling,
    "action_code": ActionCode,
    "sanitisation_code": SanitisationCode,
}


def code_meanings(policy: GradingPolicy | None = None) -> dict[str, dict[str, str]]:
    """Return the meaning of every code, by field, with the policy's labels if one is given.

    Parameters
    ----------
    policy : GradingPolicy, optional
        A force's policy; its labels replace the defaults.

    Returns
    -------
    dict
        ``{"source": {"1": "Reliable", ...}, "assessment": {...}, "handling": {...},
        "action_code": {...}, "sanitisation_code": {...}}``.

    Examples
    --------
    >>> ib.grading.code_meanings()["source"]
    {'1': 'Reliable', '2': 'Untested', '3': 'Not reliable'}
    """
    meanings = {name: {m.code: m.label for m in enum} for name, enum in CODE_FIELDS.items()}
    if policy is not None:
        for name, labels in policy.labels.items():
            meanings[name].update(labels)
    return meanings


def optional_code(enum: type[_Coded], value: Any, field_name: str) -> Any:
    """Return the member of ``enum`` for ``value``, or None when it is empty."""
    if value is None or (isinstance(value, str) and not value.strip()):
        return None
    return enum.coerce(value, field_name)
