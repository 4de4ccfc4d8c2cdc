"""Column roles: what a field *is*, which decides whether it may leave for a recipient.

A product carries a role for each column, set by the function that made it
(:func:`with_roles` stores them in ``frame.attrs["roles"]``; a :class:`~intelbench.gate.Product`
may carry ``roles=`` too). Where no role is declared the gate infers one from the field's name
and values, and says so in the dry run. A recipient's policy releases roles, not names:
aggregates, statistics and labels go to partners; personal data and identifiers do not; source
identities, officer details, internal references and original report wording never leave.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = [
    "NEVER_LEAVE_ROLES",
    "ROLES",
    "declared_roles",
    "infer_role",
    "role_of",
    "with_roles",
]

#: Every role and what it means.
ROLES: dict[str, str] = {
    "identifier": "a reference to a record (URN, nominal or entity id)",
    "personal": "personal data about a person (name, date of birth, address, description)",
    "free_text": "sanitised free text written by an analyst",
    "original_text": "original report wording (never leaves)",
    "source": "a source's identity or handling details (never leaves)",
    "officer": "an officer's or staff member's identity (never leaves)",
    "internal": "an internal reference, rationale or tasking note (never leaves)",
    "location": "a place (area, grid cell, coordinates, street)",
    "geometry": "the geometry of a feature",
    "time": "a date or time",
    "count": "an aggregate count",
    "statistic": "a statistic computed from the data (rate, score, p-value)",
    "label": "a band, category or label",
    "marking": "grading, handling or classification of the intelligence",
}
#: Roles that never leave, whatever the recipient.
NEVER_LEAVE_ROLES: frozenset[str] = frozenset({"original_text", "source", "officer", "internal"})

_NAMES: dict[str, frozenset[str]] = {
    "original_text": frozenset({"original_text", "unsanitised_text", "raw_text", "original",
                                "original_text_ref", "verbatim"}),
    "source": frozenset({"source_ref", "source_id", "source_name", "source_identity",
                         "source_handler", "chis", "chis_id", "chis_ref", "chis_number",
                         "handler", "handler_id", "handler_name", "controller",
                         "candidate_sources"}),
    "officer": frozenset({"officer", "officer_id", "officer_name", "collar_number",
                          "warrant_number", "submitter", "submitted_by", "analyst", "author",
                          "reviewer", "authoriser", "tasked_to", "owner"}),
    "internal": frozenset({"risk_assessment_ref", "internal_ref", "internal_reference",
                           "grade_rationale", "sealed", "budget_code", "cost_code"}),
    "marking": frozenset({"classification", "handling", "handling_conditions", "action_code",
                          "sanitisation_code", "source_eval", "intel_assess", "grade", "grades",
                          "legacy_grade", "scheme", "status", "nfd", "not_for_dissemination"}),
    "identifier": frozenset({"urn", "id", "nominal_id", "entity_id", "crime_ref", "crime_id",
                             "report_urn", "subjects", "source", "target", "node", "node_id",
                             "ocg_id", "group_id", "case_ref", "address_id", "__id__"}),
    "personal": frozenset({"name", "forenames", "forename", "first_name", "surname",
                           "last_name", "full_name", "dob", "date_of_birth", "gender", "sex",
                           "ethnicity", "address", "postcode", "phone", "email", "vrm",
                           "nickname", "alias", "aliases", "person", "nominal", "member",
                           "members", "age"}),
    "location": frozenset({"easting", "northing", "x", "y", "longitude", "latitude", "lat",
                           "lon", "lng", "lsoa_code", "lsoa_name", "area_code", "area_name",
                           "sector", "ward", "beat", "location", "street", "cell_id", "place",
                           "area", "group_area", "premises"}),
    "time": frozenset({"date", "created_at", "date_of_intelligence", "from_datetime",
                       "to_datetime", "datetime", "occurred_at", "first_seen", "last_seen",
                       "reported_at", "month", "week", "day", "hour", "weekday", "year",
                       "period", "time"}),
    "free_text": frozenset({"sanitised_text", "summary", "text", "description", "notes",
                            "comment", "comments", "caption", "body", "narrative", "finding",
                            "findings", "recommendation"}),
    "count": frozenset({"count", "n", "crimes", "total", "frequency", "number", "incidents",
                        "residents", "households", "members_count"}),
    "statistic": frozenset({"rate", "rate_per_1000", "gi_star", "z", "z_score", "p_value",
                            "q_value", "density", "pai", "pei", "rri", "harm_score", "degree",
                            "betweenness", "brokerage", "weight", "strength", "score",
                            "centrality", "knox_ratio", "ratio", "observed", "expected"}),
    "label": frozenset({"crime_type", "offence", "category", "hotspot", "band", "role",
                        "label", "group", "community", "title", "value", "entity_type",
                        "link_type", "source_type", "target_type", "cut_point", "type",
                        "collection_method", "space_band", "time_band", "rank"}),
}
_NEVER_RX = re.compile(
    r"(^|_)(chis|handler|officer|collar|warrant|unsanitised|unsanitized|original|sealed|"
    r"internal|informant)(_|$)|^source_(ref|id|name|identity|handler)"
)
_SUFFIX_ROLES = (
    (re.compile(r"(_count|_n|_total)$"), "count"),
    (re.compile(r"(_rate|_score|_ratio|_p|_pvalue|_z)$"), "statistic"),
    (re.compile(r"(_at|_date|_datetime|_time)$"), "time"),
    (re.compile(r"(_id|_urn|_ref)$"), "identifier"),
    (re.compile(r"(_text|_notes|_summary)$"), "free_text"),
    (re.compile(r"(_band|_type|_label|_category)$"), "label"),
)


def _key(name: object) -> str:
    return str(name).strip().lower().replace(" ", "_").replace("-", "_")


def infer_role(name: object, values: pd.Series | None = None) -> tuple[str, str]:
    """Infer a field's role from its name and values; return (role, why).

    Examples
    --------
    >>> from intelbench.gate.roles import infer_role
    >>> infer_role("burglaries", pd.Series([3, 5]))
    ('count', 'inferred: whole numbers >= 0')
    >>> infer_role("Source_Ref")[0], infer_role("p_value")[0]
    ('source', 'statistic')
    """
    key = _key(name)
    for role in ("original_text", "source", "officer", "internal"):
        if key in _NAMES[role]:
            return role, f"inferred from the name ({ROLES[role]})"
    if _NEVER_RX.search(key):
        role = "original_text" if re.search(r"original|unsanitis|unsanitiz", key) else (
            "officer" if re.search(r"officer|collar|warrant", key) else (
                "internal" if re.search(r"internal|sealed", key) else "source"))
        return role, f"inferred from the name ({ROLES[role]})"
    if values is not None and (pd.api.types.is_datetime64_any_dtype(values)
                               or isinstance(values.dtype, pd.PeriodDtype)):
        return "time", "inferred: date-time values"
    for role in ("marking", "identifier", "personal", "location", "time", "free_text",
                 "count", "statistic", "label"):
        if key in _NAMES[role]:
            return role, "inferred from the name"
    for rx, role in _SUFFIX_ROLES:
        if rx.search(key):
            return role, "inferred from the name"
    if values is None:
        return "label", "inferred: no values to look at"
    if pd.api.types.is_bool_dtype(values):
        return "label", "inferred: true/false values"
    if pd.api.types.is_numeric_dtype(values):
        v = pd.to_numeric(values, errors="coerce").dropna()
        if len(v) and (v >= 0).all() and (v == v.round()).all():
            return "count", "inferred: whole numbers >= 0"
        return "statistic", "inferred: numbers"
    text = values.dropna().astype(str)
    if len(text) and text.str.len().mean() > 30:
        return "free_text", "inferred: long text"
    return "label", "inferred: short text"


def declared_roles(obj: Any) -> dict[str, str]:
    """Return the roles a frame declares in ``attrs["roles"]`` (field -> role)."""
    roles = getattr(obj, "attrs", {}).get("roles") if hasattr(obj, "attrs") else None
    if not roles:
        return {}
    return {str(k): str(v) for k, v in dict(roles).items()}


def role_of(name: object, values: pd.Series | None, declared: Mapping[str, str]) -> tuple[
        str, str]:
    """Return the role of a field (declared if it has one, else inferred) and why.

    A declared role cannot make a never-leave field (by name) leave: the name wins.
    """
    inferred = infer_role(name, values)
    if inferred[0] in NEVER_LEAVE_ROLES:
        return inferred
    role = declared.get(str(name))
    if role is not None:
        return role, "declared by the product"
    return inferred


def with_roles(frame: pd.DataFrame, roles: Mapping[str, str] | None = None,
               **more: str) -> pd.DataFrame:
    """Return a copy of ``frame`` that declares the role of its columns.

    Parameters
    ----------
    frame : DataFrame
        The table (not changed).
    roles : mapping of str to str, optional
        Column -> role (one of :data:`ROLES`).
    **more
        More column=role pairs.

    Examples
    --------
    >>> from intelbench.gate.roles import with_roles, declared_roles
    >>> t = with_roles(pd.DataFrame({"area": ["N1"], "burglaries": [4]}), burglaries="count")
    >>> declared_roles(t)
    {'burglaries': 'count'}
    """
    given = {**dict(roles or {}), **more}
    bad = {k: v for k, v in given.items() if v not in ROLES}
    if bad:
        raise ParameterError(f"roles: expected roles from {', '.join(ROLES)}; got {bad}")
    missing = [k for k in given if k not in map(str, frame.columns)]
    if missing:
        raise ParameterError(f"roles: no column {', '.join(missing)} in the table; columns are "
                             f"{', '.join(map(str, frame.columns))}")
    out = frame.copy()
    out.attrs = {**frame.attrs, "roles": {**declared_roles(frame), **given}}
    return out
