"""Sanitisation for the dissemination gate: policies, allow-lists, redaction, generalisation.

Deny by default: a field leaves only if the recipient's policy allows it, and fields holding
source identities, original text, officer details or internal references never leave, whatever
the policy says. Free text that may leave is redacted (names the workspace knows, phones,
e-mails, vehicle registrations, postcodes, addresses, dates of birth, bank details and patterns
a force adds); anything the check cannot vouch for is flagged for a person to confirm. Times
and places are generalised and, for the public, small counts suppressed.

The pieces live in private modules (``_policy``, ``_redact``, ``_sanitise_frame``); this
module is the public face.
"""

from __future__ import annotations

from intelbench.gate.policy import (
    NEVER_LEAVE,
    KnownTerms,
    RecipientKind,
    SanitisationPolicy,
    is_never_leave,
    policy_for,
    sanitise_text,
)
from intelbench.gate.redact import Finding
from intelbench.gate.sanitise_frame import SanitisationResult, sanitise_frame, sanitise_graph

__all__ = [
    "NEVER_LEAVE",
    "Finding",
    "KnownTerms",
    "RecipientKind",
    "SanitisationPolicy",
    "SanitisationResult",
    "is_never_leave",
    "policy_for",
    "sanitise_frame",
    "sanitise_graph",
    "sanitise_text",
]
