"""Provider layouts of call data records: column mappings and vocabularies.

Providers name and format their columns differently. A :class:`Layout` says which column of
a file holds each field, how directions and event types are written, how times are written
and in which time zone, and how durations are written. :data:`LAYOUTS` holds the layouts the
sample force uses: ``"northcell"`` (target and other party, UTC, seconds) and ``"vantage"``
(A and B party, date and time in UK local time, ``HH:MM:SS`` durations, one "Call Type"
column for both direction and type).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from intelbench.exceptions import SchemaError

__all__ = ["DIRECTIONS", "EVENT_TYPES", "FIELDS", "LAYOUTS", "NORTHCELL", "VANTAGE", "Layout"]

#: the normalised directions: out (the target called or sent), in (the target received)
DIRECTIONS = ("out", "in")
#: the normalised event types
EVENT_TYPES = ("voice", "sms", "data")
#: the fields a mapping may name
FIELDS = ("target", "other", "a_party", "b_party", "direction", "type", "start", "date",
          "time", "duration", "cell_id", "imei", "imsi")
_ZONES = ("UTC", "Europe/London")


@dataclass(frozen=True)
class Layout:
    """How one provider writes call data records.

    Attributes
    ----------
    name : str
        A short name for the audit log.
    mapping : mapping of str to str
        Field -> column header. Either ``target`` and ``other`` (the target number and the
        other party) or ``a_party`` and ``b_party`` (caller and called; the target is the
        A-party of an outgoing record and the B-party of an incoming one). Either ``start``
        (date and time in one column) or ``date`` and ``time``. Also ``direction``,
        ``type``, ``duration`` and optionally ``cell_id``, ``imei``, ``imsi``. Direction and
        type may name the same column.
    directions : mapping of str to str
        Value as written (compared upper-case) -> "out" or "in".
    types : mapping of str to str
        Value as written (compared upper-case) -> "voice", "sms" or "data".
    time_zone : {"UTC", "Europe/London"}
        The zone of the written times. UK local time changes at the BST boundaries; a time
        in the autumn repeated hour is kept and flagged, a time in the spring gap is
        quarantined.
    time_formats : tuple of str
        strptime formats of ``start`` (or of ``date`` + " " + ``time``), tried in order.
    duration : {"seconds", "hms"}
        Whole seconds, or ``HH:MM:SS``.

    Examples
    --------
    >>> ib.comms.LAYOUTS["vantage"].time_zone
    'Europe/London'
    >>> sorted(ib.comms.NORTHCELL.mapping)[:3]
    ['cell_id', 'direction', 'duration']
    """

    name: str
    mapping: Mapping[str, str]
    directions: Mapping[str, str]
    types: Mapping[str, str]
    time_zone: str = "UTC"
    time_formats: tuple[str, ...] = ("%Y-%m-%d %H:%M:%S",)
    duration: str = "seconds"

    def __post_init__(self) -> None:
        m = dict(self.mapping)
        unknown = sorted(set(m) - set(FIELDS))
        if unknown:
            raise SchemaError(f"Layout {self.name!r}: unknown fields {unknown}; "
                              f"expected some of {list(FIELDS)}")
        parties = {"target", "other"} <= set(m) or {"a_party", "b_party"} <= set(m)
        when = "start" in m or {"date", "time"} <= set(m)
        if not (parties and when and {"direction", "type", "duration"} <= set(m)):
            raise SchemaError(f"Layout {self.name!r}: the mapping needs target/other or "
                              "a_party/b_party, start or date/time, direction, type and "
                              f"duration; got {sorted(m)}")
        bad_d = sorted({v for v in self.directions.values()} - set(DIRECTIONS))
        bad_t = sorted({v for v in self.types.values()} - set(EVENT_TYPES))
        if bad_d or bad_t:
            raise SchemaError(f"Layout {self.name!r}: directions must map to {DIRECTIONS} "
                              f"and types to {EVENT_TYPES}; got {bad_d + bad_t}")
        if self.time_zone not in _ZONES:
            raise SchemaError(f"Layout {self.name!r}: time_zone must be one of {_ZONES}")
        if self.duration not in ("seconds", "hms"):
            raise SchemaError(f"Layout {self.name!r}: duration must be 'seconds' or 'hms'")

    @property
    def ab(self) -> bool:
        """Whether the file gives A- and B-party rather than target and other party."""
        return "a_party" in self.mapping


#: Northcell (sample provider): one row per event, target and other party, UTC, seconds
NORTHCELL = Layout(
    name="northcell",
    mapping={"target": "MSISDN", "other": "Other Party", "direction": "Direction",
             "type": "Event", "start": "Start Time (UTC)", "duration": "Duration (s)",
             "cell_id": "Cell ID", "imei": "IMEI", "imsi": "IMSI"},
    directions={"MO": "out", "MT": "in"},
    types={"VOICE": "voice", "SMS": "sms", "DATA": "data"},
    time_zone="UTC",
    time_formats=("%Y-%m-%d %H:%M:%S",),
    duration="seconds",
)

#: Vantage (sample provider): A and B party, UK local date and time, HH:MM:SS durations
VANTAGE = Layout(
    name="vantage",
    mapping={"a_party": "A Number", "b_party": "B Number", "direction": "Call Type",
             "type": "Call Type", "date": "Date", "time": "Time", "duration": "Duration",
             "cell_id": "Start Cell", "imei": "Handset IMEI", "imsi": "Subscriber IMSI"},
    directions={"OUTGOING CALL": "out", "INCOMING CALL": "in", "OUTGOING SMS": "out",
                "INCOMING SMS": "in", "DATA SESSION": "out"},
    types={"OUTGOING CALL": "voice", "INCOMING CALL": "voice", "OUTGOING SMS": "sms",
           "INCOMING SMS": "sms", "DATA SESSION": "data"},
    time_zone="Europe/London",
    time_formats=("%d/%m/%Y %H:%M:%S",),
    duration="hms",
)

#: the ready layouts, by name
LAYOUTS: dict[str, Layout] = {"northcell": NORTHCELL, "vantage": VANTAGE}
