"""Legacy 5x5x5 and Admiralty grades: kept verbatim, shown with their scheme (rule 24).

Legacy grades are parsed for display only and never converted silently.
:meth:`LegacyGrade.to_3x5x2_approximate` offers an explicit estimate through a documented,
lossy crosswalk (no authority publishes one, domain.md D); the result is flagged approximate
and never replaces the original.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from intelbench.exceptions import GradingError
from intelbench.grading._text import (
    ADMIRALTY_INFORMATION,
    ADMIRALTY_SOURCE,
    FIVE_HANDLING,
    FIVE_INTELLIGENCE,
    FIVE_SOURCE,
    describe_received,
)
from intelbench.grading.codes import (
    GradingScheme,
    Handling,
    IntelligenceAssessment,
    SourceEvaluation,
)

__all__ = ["ApproximateGrade", "LegacyGrade"]


_LEGACY_PATTERNS = {
    GradingScheme.FIVE_FIVE_FIVE: re.compile(r"^([A-E])([1-5])([1-5])?$"),
    GradingScheme.ADMIRALTY: re.compile(r"^([A-F])([1-6])$"),
}
_LEGACY_ALLOWED = {
    GradingScheme.FIVE_FIVE_FIVE: "source A-E, intelligence 1-5, optional handling 1-5 "
    "(e.g. B24)",
    GradingScheme.ADMIRALTY: "source A-F, information 1-6 (e.g. B2)",
}

# The documented, lossy crosswalk (domain.md D: no authority publishes one). Where a legacy
# code has no 3x5x2 equivalent it is mapped to the *less* favourable neighbour, so that the
# estimate never overstates value (domain.md A1.6), and a note says so.
_CROSSWALK: dict[GradingScheme, dict[str, dict[str, tuple[str, str]]]] = {
    GradingScheme.FIVE_FIVE_FIVE: {
        "source": {
            "A": ("1", ""),
            "B": ("2", "5x5x5 B 'Mostly reliable' has no 3x5x2 equivalent; shown as the less "
                  "favourable 2, not 1 (only 'Always reliable' is shown as 1)"),
            "C": ("3", "5x5x5 C 'Sometimes reliable' has no 3x5x2 equivalent; shown as 3"),
            "D": ("3", ""),
            "E": ("2", ""),
        },
        "information": {
            "1": ("A", "5x5x5 1 'Known to be true without reservation' shown as A"),
            "2": ("A", ""),
            "3": ("B", ""),
            "4": ("D", ""),
            "5": ("E", ""),
        },
        "handling": {
            "1": ("P", ""),
            "2": ("C", "5x5x5 handling 2 restricts the recipients; shown as C"),
            "3": ("C", "5x5x5 handling 3 restricts the recipients; shown as C"),
            "4": ("C", ""),
            "5": ("C", ""),
        },
    },
    GradingScheme.ADMIRALTY: {
        "source": {
            "A": ("1", ""),
            "B": ("2", "Admiralty B 'Usually reliable' has no 3x5x2 equivalent; shown as the "
                  "less favourable 2, not 1 (only 'Completely reliable' is shown as 1)"),
            "C": ("3", "Admiralty C 'Fairly reliable' has no 3x5x2 equivalent; shown as 3"),
            "D": ("3", ""),
            "E": ("3", ""),
            "F": ("2", ""),
        },
        "information": {
            "1": ("B", "Admiralty does not record how the source knows; 1 'Confirmed' shown as B"),
            "2": ("C", "Admiralty 2 'Probably true' shown as C"),
            "3": ("C", "Admiralty 3 'Possibly true' shown as C"),
            "4": ("D", "Admiralty 4 'Doubtful' shown as D"),
            "5": ("E", ""),
            "6": ("D", ""),
        },
        "handling": {},
    },
}


@dataclass(frozen=True)
class ApproximateGrade:
    """An explicit, lossy 3x5x2 estimate of a legacy grade; it never replaces the original.

    Attributes
    ----------
    source : SourceEvaluation
    assessment : IntelligenceAssessment
    handling : Handling or None
        None when the legacy scheme has no handling code (Admiralty) or none was given.
    original : LegacyGrade
        The legacy grade, verbatim.
    notes : tuple of str
        What the mapping lost.
    approximate : bool
        Always True.
    """

    source: SourceEvaluation
    assessment: IntelligenceAssessment
    handling: Handling | None
    original: LegacyGrade
    notes: tuple[str, ...] = ()
    approximate: bool = True

    def __str__(self) -> str:
        handling = self.handling.value if self.handling else "?"
        return (f"~{self.source.value}{self.assessment.value}{handling} (approximate, from "
                f"{self.original.scheme.value} {self.original.verbatim})")


@dataclass(frozen=True)
class LegacyGrade:
    """A 5x5x5 or Admiralty grade, stored verbatim and shown with its scheme (rule 24).

    It is parsed for display only and is never converted silently; use
    :meth:`to_3x5x2_approximate` for an explicit, flagged estimate.

    Attributes
    ----------
    scheme : GradingScheme
        ``5x5x5`` or ``ADMIRALTY``.
    verbatim : str
        The grade exactly as recorded.

    Examples
    --------
    >>> lg = ib.LegacyGrade("5x5x5", "B24")
    >>> lg.verbatim, lg.describe()["source"]
    ('B24', 'B - Mostly reliable')
    >>> str(lg.to_3x5x2_approximate())
    '~2AC (approximate, from 5x5x5 B24)'
    """

    scheme: GradingScheme
    verbatim: str

    def __post_init__(self) -> None:
        scheme = GradingScheme.coerce(self.scheme)
        if scheme is GradingScheme.THREE_FIVE_TWO:
            raise GradingError("LegacyGrade scheme must be 5x5x5 or ADMIRALTY; got 3x5x2 "
                               "(use ib.Grade for 3x5x2)")
        object.__setattr__(self, "scheme", scheme)
        if not isinstance(self.verbatim, str):
            raise GradingError(f"legacy grade must be text; got {type(self.verbatim).__name__}")
        self._parts()  # fits its scheme, or raises

    def _parts(self) -> tuple[str, str, str | None]:
        compact = re.sub(r"[\s/\-\[\]]+", "", self.verbatim).upper()
        match = _LEGACY_PATTERNS[self.scheme].match(compact)
        if match is None:
            raise GradingError(
                f"legacy {self.scheme.value} grade {describe_received(self.verbatim)} does not "
                f"fit its scheme; allowed: {_LEGACY_ALLOWED[self.scheme]}"
            )
        groups = match.groups()
        return groups[0], groups[1], groups[2] if len(groups) > 2 else None

    @property
    def source(self) -> str:
        """The legacy source code (a letter)."""
        return self._parts()[0]

    @property
    def information(self) -> str:
        """The legacy intelligence/information code (a digit)."""
        return self._parts()[1]

    @property
    def handling(self) -> str | None:
        """The 5x5x5 handling code (a digit), or None."""
        return self._parts()[2]

    def describe(self) -> dict[str, str]:
        """Return ``{part: "code - meaning"}`` with the legacy scheme's own labels."""
        src, info, handling = self._parts()
        if self.scheme is GradingScheme.FIVE_FIVE_FIVE:
            out = {"scheme": "5x5x5", "source": f"{src} - {FIVE_SOURCE[src]}",
                   "information": f"{info} - {FIVE_INTELLIGENCE[info]}"}
            if handling:
                out["handling"] = f"{handling} - {FIVE_HANDLING[handling]}"
            return out
        return {"scheme": "Admiralty", "source": f"{src} - {ADMIRALTY_SOURCE[src]}",
                "information": f"{info} - {ADMIRALTY_INFORMATION[info]}"}

    def __str__(self) -> str:
        return f"{self.verbatim} ({self.scheme.value})"

    def to_3x5x2_approximate(self) -> ApproximateGrade:
        """Return a flagged, lossy 3x5x2 estimate (documented crosswalk; not official).

        No authority publishes a crosswalk (domain.md D). Codes with no 3x5x2 equivalent
        map to the less favourable neighbour so the estimate never overstates value, and
        ``notes`` lists what was lost. The legacy grade itself is unchanged.
        """
        src, info, handling = self._parts()
        table = _CROSSWALK[self.scheme]
        s, s_note = table["source"][src]
        a, a_note = table["information"][info]
        h: str | None = None
        h_note = ""
        if handling is not None:
            h, h_note = table["handling"][handling]
        elif self.scheme is GradingScheme.ADMIRALTY:
            h_note = "Admiralty grades carry no handling code; set one when re-grading"
        notes = tuple(n for n in (s_note, a_note, h_note) if n)
        return ApproximateGrade(
            source=SourceEvaluation(s),
            assessment=IntelligenceAssessment(a),
            handling=Handling(h) if h else None,
            original=self,
            notes=notes,
        )
