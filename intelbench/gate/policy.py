"""Sanitisation policies, never-leave fields, known terms and single-text redaction.

Deny by default: a field leaves only if the recipient's policy allows it, and fields that hold
source identities, original text, officer details or internal references never leave, whatever
the policy says. Free text that may leave is redacted (known names, phones, e-mails, vehicle
registrations, postcodes, addresses, dates of birth, bank details, force patterns) and anything
the check cannot vouch for is flagged for a person to confirm.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from enum import StrEnum
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.gate.redact import Finding, Redactor
from intelbench.gate.roles import NEVER_LEAVE_ROLES, ROLES

__all__ = [
    "NEVER_LEAVE",
    "Finding",
    "KnownTerms",
    "RecipientKind",
    "SanitisationPolicy",
    "is_never_leave",
    "make_redactor",
    "policy_for",
    "sanitise_text",
]


class RecipientKind(StrEnum):
    """Who a product goes to; each kind has its own default policy."""

    POLICE_FORCE = "POLICE_FORCE"
    LAW_ENFORCEMENT = "LAW_ENFORCEMENT"
    PARTNER_ISA = "PARTNER_ISA"
    PUBLIC = "PUBLIC"

    @classmethod
    def parse(cls, value: object) -> RecipientKind:
        """Return the kind named by ``value`` (case-insensitive), or raise ParameterError."""
        if isinstance(value, RecipientKind):
            return value
        text = str(value or "").strip().upper().replace(" ", "_").replace("-", "_")
        try:
            return cls(text)
        except ValueError:
            allowed = ", ".join(k.value for k in cls)
            raise ParameterError(
                f"recipient kind: expected one of {allowed}; got {value!r}"
            ) from None


#: Field names (lower case) that never leave, whatever the policy says.
NEVER_LEAVE: frozenset[str] = frozenset(
    {
        "source_ref", "source_id", "source_name", "source_identity", "source_handler",
        "chis", "chis_id", "chis_ref", "chis_number", "handler", "handler_id", "handler_name",
        "controller", "original_text", "original_text_ref", "unsanitised_text",
        "raw_text", "officer", "officer_id", "officer_name", "collar_number", "warrant_number",
        "submitter", "submitted_by", "analyst", "author", "reviewer", "authoriser",
        "risk_assessment_ref", "internal_ref", "internal_reference", "grade_rationale",
        "tasked_to", "candidate_sources", "sealed",
    }
)
_NEVER_RX = re.compile(
    r"(^|_)(chis|handler|officer|collar|warrant|unsanitised|unsanitized|original|sealed|"
    r"internal|informant)(_|$)|^source_(ref|id|name|identity|handler)"
)


def is_never_leave(name: object) -> bool:
    """Whether a field of this name may never leave (source, original text, officer, internal).

    Examples
    --------
    >>> ib.sanitise.is_never_leave("Source_Ref"), ib.sanitise.is_never_leave("area_code")
    (True, False)
    """
    key = str(name).strip().lower().replace(" ", "_").replace("-", "_")
    return key in NEVER_LEAVE or bool(_NEVER_RX.search(key))


_AGGREGATE = {
    "area_code", "area_name", "sector", "lsoa_code", "lsoa_name", "ward", "beat", "month",
    "week", "date", "day", "hour", "weekday", "year", "period", "crime_type", "offence",
    "category", "premises", "count", "n", "crimes", "total", "rate", "rate_per_1000",
    "residents", "households", "gi_star", "z", "z_score", "p_value", "q_value", "hotspot",
    "cell_id", "geometry", "easting", "northing", "longitude", "latitude", "x", "y",
    "density", "pai", "rri", "title", "value", "label", "group", "community", "harm_score",
}
_GRADED = {
    "date_of_intelligence", "classification", "handling", "handling_conditions",
    "action_code", "sanitisation_code", "source_eval", "intel_assess", "grade", "scheme",
    "sanitised_text", "summary", "text", "status", "entity_type", "link_type", "first_seen",
    "last_seen",
}
_POLICE = {
    "urn", "crime_ref", "created_at", "subjects", "nominal_id", "entity_id", "entity_type",
    "source", "target", "source_type", "target_type", "link_type", "first_seen",
    "last_seen", "report_urn", "degree", "betweenness", "brokerage", "cut_point", "role",
    "from_datetime", "to_datetime", "location", "id", "weight", "strength",
}
_TEXT_FIELDS = {"sanitised_text", "summary", "text", "description", "notes", "comment",
                "label", "title", "location", "premises", "handling_conditions"}
_TIME_FIELDS = {"date", "created_at", "date_of_intelligence", "from_datetime", "to_datetime",
                "datetime", "occurred_at", "first_seen", "last_seen", "reported_at"}
_COUNT_FIELDS = {"count", "n", "crimes", "total", "frequency", "number", "incidents"}


@dataclass(frozen=True)
class SanitisationPolicy:
    """What may leave for one kind of recipient, and how it is generalised.

    Attributes
    ----------
    kind : RecipientKind
        The recipient kind the policy is for.
    allowed_fields : frozenset of str
        Lower-case field names that may leave; every other field is removed. Fields in
        :data:`NEVER_LEAVE` are removed even if listed here.
    text_fields : frozenset of str
        Allowed fields always treated as free text. Every other allowed text column is
        redacted too; these are the ones also checked for name-like tokens.
    time_resolution : {None, "date", "week", "month"}
        Times are generalised to this resolution (None keeps them).
    place_resolution : {None, "street", "area", "grid"}
        Places are generalised: ``"grid"`` snaps points to the centre of ``grid_size`` cells,
        ``"area"`` replaces points by the area containing them (needs ``areas``), ``"street"``
        drops house numbers and snaps points to 50 m cells.
    grid_size : float
        Cell size in metres for ``"grid"`` (EPSG:27700).
    suppress_below : int or None
        Counts from 1 to ``suppress_below - 1`` are suppressed (public tables).
    suppressed_marker : str
        What a suppressed count becomes.
    patterns : tuple of (label, regex)
        Force-added patterns redacted as ``[label]``.
    max_classification : str
        Highest marking the recipient may receive.
    allow_conditional : bool
        Whether handling code C material may go to this recipient at all.
    allowed_roles : frozenset of str
        Column roles (see :mod:`intelbench.gate.roles`) released to this recipient; a field
        leaves if its role is released or its name is in ``allowed_fields``, and never if it
        is a never-leave field or role.
    allow_communications_data : bool
        Whether communications data (frames marked ``intelbench_kind="communications_data"``)
        may go to a recipient outside policing; it then leaves as counts by day with numbers
        replaced by labels. Police and law-enforcement recipients receive it under their own
        policy.
    """

    kind: RecipientKind
    allowed_fields: frozenset[str]
    text_fields: frozenset[str] = frozenset(_TEXT_FIELDS)
    time_resolution: str | None = None
    place_resolution: str | None = None
    grid_size: float = 250.0
    suppress_below: int | None = None
    suppressed_marker: str = "[c]"
    patterns: tuple[tuple[str, str], ...] = ()
    max_classification: str = "OFFICIAL-SENSITIVE"
    allow_conditional: bool = True
    time_fields: frozenset[str] = frozenset(_TIME_FIELDS)
    count_fields: frozenset[str] = frozenset(_COUNT_FIELDS)
    allowed_roles: frozenset[str] = frozenset()
    allow_communications_data: bool = False

    def __post_init__(self) -> None:
        if self.time_resolution not in (None, "date", "week", "month"):
            raise ParameterError(
                "time_resolution: expected one of None, 'date', 'week', 'month'; "
                f"got {self.time_resolution!r}"
            )
        if self.place_resolution not in (None, "street", "area", "grid"):
            raise ParameterError(
                "place_resolution: expected one of None, 'street', 'area', 'grid'; "
                f"got {self.place_resolution!r}"
            )
        if not self.grid_size > 0:
            raise ParameterError(f"grid_size: expected a positive number; got {self.grid_size!r}")
        if self.suppress_below is not None and self.suppress_below < 2:
            raise ParameterError(
                f"suppress_below: expected None or an integer >= 2; got {self.suppress_below!r}"
            )
        object.__setattr__(
            self, "allowed_fields", frozenset(f.lower() for f in self.allowed_fields)
        )

    def allows(self, name: object) -> bool:
        """Whether a field of this name may leave under this policy."""
        key = str(name).strip().lower()
        return key in self.allowed_fields and not is_never_leave(key)

    def releases(self, role: str) -> bool:
        """Whether fields of this role may leave under this policy."""
        return role in self.allowed_roles and role not in NEVER_LEAVE_ROLES

    def replace(self, **changes: Any) -> SanitisationPolicy:
        """Return a copy with some attributes changed.

        Examples
        --------
        >>> p = ib.sanitise.policy_for("PUBLIC").replace(suppress_below=10)
        >>> p.suppress_below
        10
        """
        return dataclasses.replace(self, **changes)

    def with_fields(self, *names: str) -> SanitisationPolicy:
        """Return a copy that also allows ``names`` (never-leave fields stay denied)."""
        return self.replace(allowed_fields=self.allowed_fields | {n.lower() for n in names})

    def with_patterns(self, *patterns: tuple[str, str]) -> SanitisationPolicy:
        """Return a copy with force patterns ``(label, regex)`` added."""
        return self.replace(patterns=self.patterns + tuple(patterns))


_PARTNER_ROLES = frozenset({"free_text", "location", "geometry", "time", "count", "statistic",
                            "label", "marking"})
_PUBLIC_ROLES = frozenset({"location", "geometry", "time", "count", "statistic", "label"})
_URN_PATTERN = ("REF", r"(?<![A-Za-z0-9])IR-\d{4}-\d+")


def policy_for(kind: RecipientKind | str) -> SanitisationPolicy:
    """Return the default policy for a recipient kind.

    Parameters
    ----------
    kind : RecipientKind or str
        POLICE_FORCE, LAW_ENFORCEMENT, PARTNER_ISA or PUBLIC.

    Returns
    -------
    SanitisationPolicy
        Police forces and law enforcement agencies get graded intelligence with sanitised
        text and exact times; partners get aggregates and sanitised graded text with times
        to the week, places to a 250 m grid and report numbers redacted; the public get
        aggregates only, months, areas or a 500 m grid, and counts under 5 suppressed.

    Examples
    --------
    >>> p = ib.sanitise.policy_for("PARTNER_ISA")
    >>> p.allows("sanitised_text"), p.allows("source_ref"), p.allows("urn")
    (True, False, False)
    """
    k = RecipientKind.parse(kind)
    if k in (RecipientKind.POLICE_FORCE, RecipientKind.LAW_ENFORCEMENT):
        return SanitisationPolicy(k, frozenset(_AGGREGATE | _GRADED | _POLICE),
                                  allowed_roles=frozenset(ROLES) - NEVER_LEAVE_ROLES)
    if k is RecipientKind.PARTNER_ISA:
        return SanitisationPolicy(
            k,
            frozenset(_AGGREGATE | _GRADED),
            allowed_roles=_PARTNER_ROLES,
            time_resolution="week",
            place_resolution="grid",
            grid_size=250.0,
            patterns=(_URN_PATTERN,),
        )
    return SanitisationPolicy(
        k,
        frozenset(_AGGREGATE - {"easting", "northing", "longitude", "latitude", "x", "y"}),
        allowed_roles=_PUBLIC_ROLES,
        time_resolution="month",
        place_resolution="grid",
        grid_size=500.0,
        suppress_below=5,
        patterns=(_URN_PATTERN,),
        max_classification="OFFICIAL",
        allow_conditional=False,
    )


@dataclass(frozen=True)
class KnownTerms:
    """Names and references the workspace knows, redacted wherever they appear.

    Attributes
    ----------
    names : tuple of str
        Person names (nominals, source names, handlers); each is matched ignoring case and
        separators, as "Forename Surname", "Surname Forename" and "Surname, Forename".
    refs : tuple of str
        Opaque references that must not leave (source references, CHIS numbers).
    vocabulary : tuple of str
        Words that are safe when capitalised (area names, street names, local terms).
    """

    names: tuple[str, ...] = ()
    refs: tuple[str, ...] = ()
    vocabulary: tuple[str, ...] = ()
    _pairs: tuple[tuple[str, str], ...] = field(default=(), repr=False)

    @classmethod
    def from_frames(
        cls,
        nominals: pd.DataFrame | None = None,
        sources: pd.DataFrame | None = None,
        vocabulary: Iterable[str] = (),
    ) -> KnownTerms:
        """Build from a nominals table (forenames, surname) and a sealed source register.

        Examples
        --------
        >>> nom = pd.DataFrame({"forenames": ["Kyle"], "surname": ["Barrow"]})
        >>> src = pd.DataFrame({"source_ref": ["SRC-0042"], "source_name": ["Dee Lane"],
        ...                     "handler": ["DC Ray Holt"]})
        >>> kt = ib.sanitise.KnownTerms.from_frames(nom, src)
        >>> sorted(kt.names), kt.refs
        (['Dee Lane', 'Kyle Barrow', 'Ray Holt'], ('SRC-0042',))
        """
        names: list[str] = []
        pairs: list[tuple[str, str]] = []
        if nominals is not None and len(nominals):
            cols = {c.lower(): c for c in nominals.columns}
            fore = cols.get("forenames") or cols.get("forename") or cols.get("first_name")
            sur = cols.get("surname") or cols.get("last_name")
            if fore is not None and sur is not None:
                f = nominals[fore].fillna("").astype(str).str.strip()
                s = nominals[sur].fillna("").astype(str).str.strip()
                for a, b in zip(f.tolist(), s.tolist()):
                    first = a.split()[0] if a.split() else ""
                    if first and b:
                        pairs.append((first, b))
                        names.append(f"{first} {b}")
                        if a != first:
                            names.append(f"{a} {b}")
            elif cols.get("name") is not None:
                names.extend(nominals[cols["name"]].dropna().astype(str).tolist())
        refs: list[str] = []
        if sources is not None and len(sources):
            cols = {c.lower(): c for c in sources.columns}
            for c in ("source_name", "name", "handler", "handler_name", "controller"):
                if c in cols:
                    for v in sources[cols[c]].dropna().astype(str):
                        parts = [p for p in v.split() if p.rstrip(".").upper() not in _RANKS]
                        if any(ch.isdigit() for ch in v):  # a collar or staff number
                            refs.append(v.strip())
                        elif len(parts) >= 2:
                            pairs.append((parts[0], parts[-1]))
                            names.append(" ".join(parts))
            for c in ("source_ref", "chis_id", "chis_ref", "ref"):
                if c in cols:
                    refs.extend(sources[cols[c]].dropna().astype(str).tolist())
        return cls(
            names=tuple(dict.fromkeys(names)),
            refs=tuple(dict.fromkeys(refs)),
            vocabulary=tuple(vocabulary),
            _pairs=tuple(dict.fromkeys(pairs)),
        )

    @classmethod
    def from_files(
        cls,
        nominals: str | Path | None = None,
        sources: str | Path | None = None,
        vocabulary: Iterable[str] = (),
    ) -> KnownTerms:
        """Build from ``nominals.csv`` and ``sources.csv`` (the sample force's layout)."""
        nom = pd.read_csv(nominals, dtype=str) if nominals is not None else None
        src = pd.read_csv(sources, dtype=str) if sources is not None else None
        return cls.from_frames(nom, src, vocabulary)

    def merged(self, other: KnownTerms | None) -> KnownTerms:
        """Return the union of two sets of known terms."""
        if other is None:
            return self
        return KnownTerms(
            tuple(dict.fromkeys(self.names + other.names)),
            tuple(dict.fromkeys(self.refs + other.refs)),
            tuple(dict.fromkeys(self.vocabulary + other.vocabulary)),
            tuple(dict.fromkeys(self._pairs + other._pairs)),
        )

    def terms(self) -> dict[str, str]:
        """Map every matchable variant to its kind (NAME or REF)."""
        out: dict[str, str] = {}
        for n in self.names:
            out[n] = "NAME"
            parts = n.split()
            if len(parts) >= 2:  # "Surname Forename" and "Surname, Forename"
                out[f"{parts[-1]} {parts[0]}"] = "NAME"
        for first, last in self._pairs:
            out[f"{first} {last}"] = "NAME"
            out[f"{last} {first}"] = "NAME"
        for r in self.refs:
            out[r] = "REF"
        return out


_RANKS = {"DC", "DS", "DI", "DCI", "PC", "PS", "SGT", "INSP", "MR", "MRS", "MS", "MISS", "DR"}


def make_redactor(
    known: KnownTerms | None = None,
    patterns: Sequence[tuple[str, str]] = (),
    extra_terms: Mapping[str, str] | None = None,
) -> Redactor:
    """Build the compiled redactor for known terms, force patterns and sealed values."""
    kt = known or KnownTerms()
    terms = kt.terms()
    terms.update(extra_terms or {})
    return Redactor(terms, patterns, kt.vocabulary)


def sanitise_text(
    text: str,
    *,
    known_names: Iterable[str] = (),
    known: KnownTerms | None = None,
    patterns: Sequence[tuple[str, str]] = (),
    vocabulary: Iterable[str] = (),
) -> tuple[str, list[Finding]]:
    """Redact one free text and flag what cannot be vouched for.

    Parameters
    ----------
    text : str
        The text to check.
    known_names : iterable of str
        Person names to redact (in addition to ``known``).
    known : KnownTerms, optional
        Names and references the workspace knows.
    patterns : sequence of (label, regex)
        Force-added patterns.
    vocabulary : iterable of str
        Words that are safe when capitalised.

    Returns
    -------
    clean : str
        The text with every finding replaced by a token such as ``[PHONE]``.
    findings : list of Finding
        What was redacted (``action="redacted"``) and what a person must confirm
        (``action="flagged"``: name-like words not in the dictionary, long digit strings).

    Examples
    --------
    >>> clean, found = ib.sanitise.sanitise_text(
    ...     "Kyle Barrow rang 07700 900123 from AB12 CDE near NS1 4AB", known_names=["Kyle Barrow"])
    >>> clean
    '[NAME] rang [PHONE] from [VRM] near [POSTCODE]'
    >>> sorted({f.kind for f in found if f.action == "redacted"})
    ['NAME', 'PHONE', 'POSTCODE', 'VRM']
    >>> [f.value for f in ib.sanitise.sanitise_text("Seen with Darren at the shop")[1]]
    ['Darren']
    """
    kt = KnownTerms(names=tuple(known_names), vocabulary=tuple(vocabulary)).merged(known)
    return make_redactor(kt, patterns).redact(str(text))
