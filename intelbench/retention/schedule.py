"""MoPI groups and the review schedule: which group a record is in, and when it is reviewed.

Sources (``shared/domain.md`` item 32): the 2005 Code of Practice on the Management of Police
Information (MoPI) was replaced in July 2023 by the Police information and records
management Code of Practice (COP23); records are reviewed for necessity, adequacy and currency
(NRAC) and every retain decision is recorded (RRDOLD); the normal minimum is 6 years (HANS);
forces schedule by "MoPI Groups 1-4" (RRS). The group definitions and periods below are
**[K] background knowledge, not re-checked against the current APP**, so every number is a
field of :class:`RetentionSchedule` that a force can change:

========  =========================================================  ==============================
Group     What (default offence and record-type tables below)         Default schedule
========  =========================================================  ==============================
1         certain public protection matters: MAPPA, serious           retain until the subject is
          specified offences, potentially dangerous people            100; review every 10 years
2         other sexual, violent or serious offences                   review every 10 years; keep
                                                                      while a risk
3         other offences                                              review after 6 years, then
                                                                      disposal possible
4         undetected crime                                            review after 6 years
========  =========================================================  ==============================

Rules
-----
- **Group from type and offence** (:meth:`RetentionSchedule.group`): a record type listed in
  ``type_groups`` decides (MAPPA and PDP records are Group 1); otherwise the offence's group
  from ``offence_groups``; an undetected crime whose offence is in Group 1 or 2 keeps that
  group ("longer if serious"), otherwise it is Group 4. An offence the table does not know is
  an error naming it: nothing is given a group by default.
- **Next review** = the latest of creation, last review and last trigger event, plus the
  group's review period (a trigger event, new information about the subject, resets it).
- **Group 1 disposal** is refused while the subject is under ``retain_until_age`` (100), or
  when the subject's date of birth is unknown.
- **Legacy records** are those created before 2 April 2014 (when the Government Security
  Classifications replaced GPMS) or graded on the 5x5x5 or Admiralty scheme
  (:func:`intelbench.grading.marking.is_legacy_record`). They are reviewed on the same
  schedule; the queue flags them because their marking and grade are kept verbatim and the
  reviewer must judge them against today's rules.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from intelbench.exceptions import RetentionError

__all__ = [
    "GROUPS",
    "OFFENCE_GROUPS",
    "STATES",
    "TYPE_GROUPS",
    "RetentionSchedule",
    "add_years",
    "to_date",
]

#: MoPI groups and what each covers.
GROUPS: dict[int, str] = {
    1: "certain public protection matters (MAPPA, serious specified offences, PDPs)",
    2: "other sexual, violent or serious offences",
    3: "other offences",
    4: "undetected crime",
}

#: Review states of a record on a given day.
STATES: tuple[str, ...] = ("OVERDUE", "DUE", "SCHEDULED", "RETAINED", "DISPOSED")

#: Default record types that decide the group whatever the offence.
TYPE_GROUPS: dict[str, int] = {"MAPPA": 1, "PDP": 1, "UNDETECTED CRIME": 4}

#: Default offence table (lower case). A force replaces or extends it.
OFFENCE_GROUPS: dict[str, int] = {
    **dict.fromkeys(
        ["murder", "manslaughter", "rape", "sexual assault of a child", "kidnapping",
         "terrorism", "child sexual exploitation", "firearms possession with intent"], 1),
    **dict.fromkeys(
        ["robbery", "wounding", "assault", "sexual assault", "domestic abuse",
         "drug supply", "possession of a weapon", "arson", "modern slavery",
         "stalking", "harassment"], 2),
    **dict.fromkeys(
        ["burglary", "theft", "vehicle crime", "shoplifting", "criminal damage",
         "drug possession", "fraud", "public order", "anti-social behaviour",
         "handling stolen goods"], 3),
}


def to_date(value: Any, what: str = "date") -> dt.date:
    """Read a date (``date``, ``datetime``, ISO text or pandas Timestamp).

    Examples
    --------
    >>> from intelbench.retention.schedule import to_date
    >>> to_date("2014-04-02 09:30")
    datetime.date(2014, 4, 2)
    """
    if isinstance(value, dt.datetime):
        return value.date()
    if isinstance(value, dt.date):
        return value
    to_py = getattr(value, "to_pydatetime", None)
    if callable(to_py):
        return to_py().date()
    if isinstance(value, str) and value.strip():
        try:
            return dt.date.fromisoformat(value.strip()[:10])
        except ValueError:
            pass
    raise RetentionError(f"{what}: expected a date (YYYY-MM-DD); got {value!r}")


def add_years(day: dt.date, years: int) -> dt.date:
    """Add whole years; 29 February becomes 28 February in a common year.

    Examples
    --------
    >>> import datetime
    >>> from intelbench.retention.schedule import add_years
    >>> add_years(datetime.date(2016, 2, 29), 6)
    datetime.date(2022, 2, 28)
    """
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


@dataclass(frozen=True)
class RetentionSchedule:
    """The force's MoPI period table (configurable; see the module docs for the defaults).

    Attributes
    ----------
    review_years : dict
        Review period in years by group.
    retain_until_age : dict
        Group -> the subject's age before which the record may not be disposed of.
    offence_groups, type_groups : dict
        Offence (lower case) and record type (upper case) -> group.
    notice_days : int
        A review falling within this many days is DUE; a review date already passed is
        OVERDUE.

    Examples
    --------
    >>> from intelbench.retention import RetentionSchedule
    >>> s = RetentionSchedule()
    >>> s.group("intelligence", "Burglary"), s.group("MAPPA", "theft"), s.group(
    ...     "undetected crime", "rape"), s.group("undetected crime", "theft")
    (3, 1, 1, 4)
    >>> s.next_review(3, "2018-05-01", last_trigger="2022-01-10")
    datetime.date(2028, 1, 10)
    """

    review_years: Mapping[int, int] = field(default_factory=lambda: {1: 10, 2: 10, 3: 6, 4: 6})
    retain_until_age: Mapping[int, int] = field(default_factory=lambda: {1: 100})
    offence_groups: Mapping[str, int] = field(default_factory=lambda: dict(OFFENCE_GROUPS))
    type_groups: Mapping[str, int] = field(default_factory=lambda: dict(TYPE_GROUPS))
    notice_days: int = 30

    def __post_init__(self) -> None:
        if sorted(self.review_years) != [1, 2, 3, 4]:
            raise RetentionError(
                f"review_years must give a period for groups 1-4; got {dict(self.review_years)}")
        for group, years in self.review_years.items():
            if not isinstance(years, int) or years < 1:
                raise RetentionError(
                    f"review_years[{group}]: expected a whole number of years >= 1; "
                    f"got {years!r}")
        for table in (self.offence_groups, self.type_groups, self.retain_until_age):
            bad = {k: v for k, v in table.items() if table is not self.retain_until_age
                   and v not in GROUPS}
            if bad:
                raise RetentionError(f"groups must be 1-4; got {bad}")
        object.__setattr__(self, "offence_groups",
                           {str(k).strip().lower(): int(v) for k, v in self.offence_groups.items()})
        object.__setattr__(self, "type_groups",
                           {str(k).strip().upper(): int(v) for k, v in self.type_groups.items()})

    def group(self, record_type: str, offence: str) -> int:
        """Return the MoPI group of a record from its type and offence (module rules)."""
        kind = str(record_type or "").strip().upper()
        crime = str(offence or "").strip().lower()
        by_offence = self.offence_groups.get(crime)
        if kind == "UNDETECTED CRIME" and by_offence in (1, 2):
            return int(by_offence)
        if kind in self.type_groups:
            return int(self.type_groups[kind])
        if by_offence is None:
            raise RetentionError(
                f"offence: {offence!r} is not in the schedule's offence table; add it to "
                f"offence_groups (known: {', '.join(sorted(self.offence_groups))})")
        return int(by_offence)

    def next_review(self, group: int, created: Any, *, last_review: Any = None,
                    last_trigger: Any = None) -> dt.date:
        """Return the next review date: latest of creation, review, trigger + the period."""
        start = max(to_date(d) for d in (created, last_review, last_trigger)
                    if d not in (None, ""))
        return add_years(start, int(self.review_years[group]))

    def state(self, next_review: dt.date, as_of: dt.date, *, decision: str | None) -> str:
        """Return OVERDUE, DUE, RETAINED (a retain decision, not yet due) or SCHEDULED."""
        if decision == "DISPOSE":
            return "DISPOSED"
        if next_review < as_of:
            return "OVERDUE"
        if next_review <= as_of + dt.timedelta(days=self.notice_days):
            return "DUE"
        return "RETAINED" if decision == "RETAIN" else "SCHEDULED"

    def disposal_problem(self, group: int, subject_dob: Any, as_of: dt.date) -> str | None:
        """Why the record may not be disposed of yet (None when it may)."""
        age = self.retain_until_age.get(group)
        if age is None:
            return None
        if subject_dob in (None, ""):
            return (f"Group {group} records are kept until the subject is {age}; the subject's "
                    "date of birth is unknown, so the record is kept")
        until = add_years(to_date(subject_dob, "subject_dob"), age)
        if as_of < until:
            return (f"Group {group} records are kept until the subject is {age} "
                    f"(on {until.isoformat()})")
        return None
