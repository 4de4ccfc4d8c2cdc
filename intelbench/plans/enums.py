"""Enums of the collection-plan model and the coercion helpers the records share.

Every enum accepts its member, value, name or human label (and a few spellings met in
domain.md B and hand-written plan files), and rejects anything else with a PlanError that
names the field, the allowed values and the value received.
"""

from __future__ import annotations

import datetime as dt
import enum
from typing import Any, TypeVar

from intelbench.exceptions import PlanError

__all__ = [
    "AUTHORITY_FOR_SOURCE",
    "AUTHORITY_LAW",
    "COVERT_SOURCES",
    "Authority",
    "CollectionMethod",
    "PlanStatus",
    "Priority",
    "QuestionStatus",
    "RequirementLevel",
    "SourceType",
]


class _LabelledEnum(enum.Enum):
    """An enum whose members carry a human label and accept loose spellings."""

    @property
    def label(self) -> str:
        """The human label shown in forms and summaries."""
        return _LABELS.get(self, self.value.replace("_", " ").lower())

    @classmethod
    def coerce(cls: type[_E], value: Any, field_name: str) -> _E:
        """Return the member for ``value`` (member, value, name, label or alias)."""
        if isinstance(value, cls):
            return value
        if isinstance(value, str):
            key = value.strip().upper().replace("-", "_").replace(" ", "_")
            for member in cls:
                if key in (member.value, member.name) or key == member.label.upper().replace(
                    " ", "_"
                ):
                    return member
            alias = _ALIASES.get(cls.__name__, {}).get(key)
            if alias is not None:
                return cls(alias)
        allowed = ", ".join(m.value for m in cls)
        shown = repr(value)[:40]
        raise PlanError(f"{field_name} must be one of {allowed}; got {shown}")


_E = TypeVar("_E", bound=_LabelledEnum)


class Priority(_LabelledEnum):
    """Priority of a question (information requirement)."""

    HIGH = "HIGH"
    MEDIUM = "MEDIUM"
    LOW = "LOW"


class SourceType(_LabelledEnum):
    """Candidate sources named by APP (seed list) plus directed surveillance and other."""

    INTERNAL_DATABASE = "INTERNAL_DATABASE"
    EXTERNAL_DATABASE = "EXTERNAL_DATABASE"
    CCTV = "CCTV"
    CHIS = "CHIS"
    ANPR = "ANPR"
    COMMUNITY = "COMMUNITY"
    FORENSIC = "FORENSIC"
    COMMUNICATIONS_DATA = "COMMUNICATIONS_DATA"
    OPEN_SOURCE = "OPEN_SOURCE"
    CLOSED_SOURCE = "CLOSED_SOURCE"
    PARTNER = "PARTNER"
    PRISON_INTELLIGENCE = "PRISON_INTELLIGENCE"
    DIRECTED_SURVEILLANCE = "DIRECTED_SURVEILLANCE"
    OTHER = "OTHER"

    @property
    def covert(self) -> bool:
        """True for sources that need a RIPA/IPA authority (domain B rule 17)."""
        return self in COVERT_SOURCES


#: Sources that need an authority other than NONE and an authority reference (rule 17).
COVERT_SOURCES = frozenset(
    {SourceType.CHIS, SourceType.COMMUNICATIONS_DATA, SourceType.DIRECTED_SURVEILLANCE}
)


class CollectionMethod(_LabelledEnum):
    """How the information is collected (APP: routine, tasked or volunteered)."""

    ROUTINE = "ROUTINE"
    TASKED = "TASKED"
    VOLUNTEERED = "VOLUNTEERED"


class Authority(_LabelledEnum):
    """The statutory authority a question's collection needs."""

    NONE = "NONE"
    RIPA_DIRECTED_SURVEILLANCE = "RIPA_DIRECTED_SURVEILLANCE"
    RIPA_CHIS = "RIPA_CHIS"
    IPA_COMMS_DATA = "IPA_COMMS_DATA"
    OTHER = "OTHER"


#: The authority each covert source needs (domain B rule 17): CHIS under RIPA s.29 (RIP(S)A s.7
#: in Scotland), directed surveillance under RIPA s.28 (RIP(S)A s.6), communications data under
#: the Investigatory Powers Act 2016 Part 3.
AUTHORITY_FOR_SOURCE: dict[SourceType, Authority] = {
    SourceType.CHIS: Authority.RIPA_CHIS,
    SourceType.DIRECTED_SURVEILLANCE: Authority.RIPA_DIRECTED_SURVEILLANCE,
    SourceType.COMMUNICATIONS_DATA: Authority.IPA_COMMS_DATA,
}
#: What each authority is, in the words an analyst knows.
AUTHORITY_LAW: dict[Authority, str] = {
    Authority.RIPA_CHIS: "CHIS authorisation (RIPA 2000 s.29 / RIP(S)A 2000 s.7)",
    Authority.RIPA_DIRECTED_SURVEILLANCE: "directed surveillance authorisation "
                                          "(RIPA 2000 s.28 / RIP(S)A 2000 s.6)",
    Authority.IPA_COMMS_DATA: "communications data authorisation (IPA 2016 Part 3)",
}


class QuestionStatus(_LabelledEnum):
    """Where a question stands."""

    OPEN = "OPEN"
    TASKED = "TASKED"
    PARTIAL = "PARTIAL"
    ANSWERED = "ANSWERED"
    CLOSED_UNANSWERABLE = "CLOSED_UNANSWERABLE"

    @property
    def is_open(self) -> bool:
        """True while the question still needs collection (open, tasked or partly answered)."""
        return self in (QuestionStatus.OPEN, QuestionStatus.TASKED, QuestionStatus.PARTIAL)


class PlanStatus(_LabelledEnum):
    """Life cycle of a plan."""

    DRAFT = "DRAFT"
    ACTIVE = "ACTIVE"
    UNDER_REVIEW = "UNDER_REVIEW"
    CLOSED = "CLOSED"


class RequirementLevel(_LabelledEnum):
    """Which layer of the intelligence requirement the plan serves (below the control strategy)."""

    STRATEGIC = "STRATEGIC"
    TACTICAL = "TACTICAL"


_LABELS: dict[Any, str] = {
    SourceType.CCTV: "CCTV",
    SourceType.CHIS: "CHIS",
    SourceType.ANPR: "ANPR",
    SourceType.COMMUNITY: "community intelligence",
    SourceType.FORENSIC: "forensic intelligence",
    SourceType.PRISON_INTELLIGENCE: "prison intelligence",
    Authority.NONE: "none needed",
    Authority.RIPA_DIRECTED_SURVEILLANCE: "RIPA directed surveillance",
    Authority.RIPA_CHIS: "RIPA CHIS",
    Authority.IPA_COMMS_DATA: "IPA communications data",
    QuestionStatus.PARTIAL: "partly answered",
    QuestionStatus.CLOSED_UNANSWERABLE: "closed: unanswerable",
}

# Other spellings met in domain.md B and in hand-written plan files.
_ALIASES: dict[str, dict[str, str]] = {
    "SourceType": {
        "OPEN": "OPEN_SOURCE",
        "OPEN_SOURCES": "OPEN_SOURCE",
        "OSINT": "OPEN_SOURCE",
        "CLOSED": "CLOSED_SOURCE",
        "CLOSED_POLICE": "CLOSED_SOURCE",
        "CLOSED_SOURCES": "CLOSED_SOURCE",
        "PARTNER_ISA": "PARTNER",
        "PARTNERS": "PARTNER",
        "COMMS_DATA": "COMMUNICATIONS_DATA",
        "COMMS": "COMMUNICATIONS_DATA",
        "PRISON": "PRISON_INTELLIGENCE",
        "SURVEILLANCE": "DIRECTED_SURVEILLANCE",
        "INTERNAL_DATABASES": "INTERNAL_DATABASE",
        "EXTERNAL_DATABASES": "EXTERNAL_DATABASE",
        "COMMUNITY_INTELLIGENCE": "COMMUNITY",
        "FORENSIC_INTELLIGENCE": "FORENSIC",
        "FORENSICS": "FORENSIC",
    },
    "QuestionStatus": {"PARTLY_ANSWERED": "PARTIAL", "UNANSWERABLE": "CLOSED_UNANSWERABLE"},
    "PlanStatus": {"OPEN": "ACTIVE", "REVIEW": "UNDER_REVIEW"},
    "Authority": {
        "CHIS": "RIPA_CHIS",
        "DIRECTED_SURVEILLANCE": "RIPA_DIRECTED_SURVEILLANCE",
        "COMMS_DATA": "IPA_COMMS_DATA",
        "IPA": "IPA_COMMS_DATA",
    },
    "RequirementLevel": {"SIR": "STRATEGIC", "TIR": "TACTICAL"},
}


def _coerce_date(value: Any, field_name: str) -> dt.date | None:
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str):
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise PlanError(f"{field_name} must be a date (YYYY-MM-DD) or empty; got {repr(value)[:40]}")


def _coerce_text(value: Any, field_name: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise PlanError(f"{field_name} must be text; got {type(value).__name__}")
    return value


def _opt_enum(cls: type[_E], value: Any, field_name: str) -> _E | None:
    if value is None or value == "":
        return None
    return cls.coerce(value, field_name)


def _iso(value: dt.date | None) -> str | None:
    return None if value is None else value.isoformat()
