"""The review queue and the data protection officer's retention report.

- :func:`review_queue` lists the records DUE or OVERDUE for review on a day, most overdue
  first, with what the register knows about each (group, type, offence, subject and their
  age, created, last review and decision, trigger events, legacy flag). It reads only the
  register, never record content, so it is not a consultation.
- :func:`retention_report` gives the DPO the counts by group and state, the overdue reviews
  and the disposals in a period (from the register and the audit log).
"""

from __future__ import annotations

import datetime as dt
import html
from dataclasses import dataclass
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.retention.register import ROLES, register_frame
from intelbench.retention.schedule import GROUPS, STATES, RetentionSchedule, to_date

__all__ = ["RetentionReport", "ReviewQueue", "register_states", "retention_report",
           "review_queue"]


def _today(as_of: Any) -> dt.date:
    return dt.datetime.now(dt.UTC).date() if as_of is None else to_date(as_of, "as_of")


def register_states(ws: Any, *, as_of: Any = None,
                    schedule: RetentionSchedule | None = None) -> pd.DataFrame:
    """Return the register with each record's ``state`` on ``as_of`` and ``days_overdue``."""
    schedule = schedule or RetentionSchedule()
    today = _today(as_of)
    frame = register_frame(ws)
    nxt = [to_date(d) for d in frame["next_review"]]
    frame["state"] = [schedule.state(n, today, decision=d)
                      for n, d in zip(nxt, frame["decision"], strict=True)]
    frame["days_overdue"] = [max((today - n).days, 0) if s != "DISPOSED" else 0
                             for n, s in zip(nxt, frame["state"], strict=True)]
    ages: list[Any] = []
    for dob in frame["subject_dob"]:
        if dob is None or dob == "" or (isinstance(dob, float) and pd.isna(dob)):
            ages.append(pd.NA)
        else:
            born = to_date(dob)
            ages.append(today.year - born.year - ((today.month, today.day)
                                                  < (born.month, born.day)))
    frame["subject_age"] = pd.array(ages, dtype="Int64")
    frame.attrs["roles"] = {**ROLES, "state": "label", "days_overdue": "count",
                            "subject_age": "personal"}
    frame.attrs["as_of"] = today.isoformat()
    return frame


_QUEUE_COLUMNS = ["ref", "state", "days_overdue", "next_review", "mopi_group", "record_type",
                  "offence", "legacy", "subject", "subject_age", "created_on", "last_review",
                  "decision", "decision_reason", "last_trigger", "triggers"]


@dataclass(frozen=True)
class ReviewQueue:
    """Records due or overdue for review (:func:`review_queue`).

    Attributes
    ----------
    as_of : datetime.date
        The day of the queue.
    frame : pandas.DataFrame
        One row per record, most overdue first.
    """

    as_of: dt.date
    frame: pd.DataFrame

    def __len__(self) -> int:
        return len(self.frame)

    def _repr_html_(self) -> str:
        esc = html.escape
        shown = ["ref", "state", "days_overdue", "mopi_group", "record_type", "offence",
                 "legacy", "subject_age", "last_review", "decision"]
        head = "".join(f"<th>{esc(c.replace('_', ' '))}</th>" for c in shown)
        body = "".join(
            "<tr>" + "".join(f"<td>{esc('' if pd.isna(r[c]) else str(r[c]))}</td>"
                             for c in shown) + "</tr>"
            for _, r in self.frame.head(50).iterrows())
        more = " (first 50 shown)" if len(self) > 50 else ""
        return (f"<div class='ib-review-queue'><b>MoPI review queue</b> on "
                f"{self.as_of.isoformat()}: {len(self)} record(s) due or overdue{more}"
                f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def review_queue(ws: Any, *, as_of: Any = None, schedule: RetentionSchedule | None = None,
                 group: int | None = None) -> ReviewQueue:
    """Return the records DUE or OVERDUE for review on ``as_of`` (default today).

    Examples
    --------
    >>> import tempfile
    >>> from intelbench.retention import register, review_queue
    >>> ws = open_as("i.unit", tempfile.mkdtemp(), role="INTEL_UNIT")
    >>> _ = register(ws, pd.DataFrame({"key": ["IR-1", "IR-2"], "offence": ["theft"] * 2,
    ...                                "created_at": ["2012-01-01", "2020-12-15"]}))
    >>> review_queue(ws, as_of="2026-11-30").frame[["ref", "state", "legacy"]]
               ref    state  legacy
    0  report/IR-1  OVERDUE    True
    1  report/IR-2      DUE   False
    """
    today = _today(as_of)
    frame = register_states(ws, as_of=today, schedule=schedule)
    keep = frame["state"].isin(["DUE", "OVERDUE"])
    if group is not None:
        if group not in GROUPS:
            raise ParameterError(f"group must be 1-4 or None; got {group!r}")
        keep &= frame["mopi_group"] == group
    out = frame.loc[keep, _QUEUE_COLUMNS].sort_values(
        ["days_overdue", "next_review", "ref"], ascending=[False, True, True])
    out = out.reset_index(drop=True)
    out.attrs["roles"] = {c: frame.attrs["roles"][c] for c in _QUEUE_COLUMNS}
    return ReviewQueue(today, out)


@dataclass(frozen=True)
class RetentionReport:
    """The DPO's retention report (:func:`retention_report`).

    Attributes
    ----------
    as_of : datetime.date
    counts : pandas.DataFrame
        Records by MoPI group (rows 1-4) and state (columns), with totals.
    overdue : pandas.DataFrame
        The overdue reviews, most overdue first.
    disposals : pandas.DataFrame
        Disposals decided in the period: reference, group, day, who, reason.
    period : tuple of (date or None, date or None)
    """

    as_of: dt.date
    counts: pd.DataFrame
    overdue: pd.DataFrame
    disposals: pd.DataFrame
    period: tuple[dt.date | None, dt.date | None]

    def _repr_html_(self) -> str:
        esc = html.escape
        head = "".join(f"<th>{esc(str(c))}</th>" for c in self.counts.columns)
        body = "".join(
            f"<tr><th>{esc(str(i))}</th>" + "".join(f"<td>{v}</td>" for v in row) + "</tr>"
            for i, row in zip(self.counts.index, self.counts.values, strict=True))
        disp = "".join(
            f"<tr><td>{esc(str(r.ref))}</td><td>{r.mopi_group}</td><td>{esc(str(r.disposed_on))}"
            f"</td><td>{esc(str(r.decided_by))}</td></tr>" for r in self.disposals.itertuples())
        since, until = (d.isoformat() if d else "..." for d in self.period)
        return (
            f"<div class='ib-retention-report'><b>Retention report</b> on "
            f"{self.as_of.isoformat()}<table><thead><tr><th>group</th>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table><p>Overdue reviews: <b>{len(self.overdue)}</b>"
            + (f" (most overdue: {esc(str(self.overdue['ref'].iloc[0]))}, "
               f"{int(self.overdue['days_overdue'].iloc[0])} days)" if len(self.overdue) else "")
            + f"</p><p>Disposals from {since} to {until}: <b>{len(self.disposals)}</b></p>"
            + (f"<table><thead><tr><th>record</th><th>group</th><th>on</th><th>by</th></tr>"
               f"</thead><tbody>{disp}</tbody></table>" if len(self.disposals) else "")
            + "</div>")


def retention_report(ws: Any, *, as_of: Any = None, since: Any = None, until: Any = None,
                     schedule: RetentionSchedule | None = None) -> RetentionReport:
    """Report counts by group and state, the overdue reviews and the disposals in a period.

    Parameters
    ----------
    as_of : date-like, optional
        The day the states are computed for (default today).
    since, until : date-like, optional
        The period of the disposals (``until`` inclusive).

    Examples
    --------
    >>> import tempfile
    >>> from intelbench.retention import register, retention_report
    >>> ws = open_as("i.unit", tempfile.mkdtemp(), role="INTEL_UNIT")
    >>> _ = register(ws, pd.DataFrame({"key": ["IR-1", "IR-2"], "offence": ["theft", "rape"],
    ...                                "created_at": ["2012-01-01", "2020-12-15"]}))
    >>> retention_report(ws, as_of="2026-11-30").counts.loc[[1, 3], ["OVERDUE", "total"]]
           OVERDUE  total
    group
    1            0      1
    3            1      1
    """
    today = _today(as_of)
    frame = register_states(ws, as_of=today, schedule=schedule)
    counts = pd.crosstab(frame["mopi_group"], frame["state"]).reindex(
        index=list(GROUPS), columns=list(STATES), fill_value=0)
    counts.index.name, counts.columns.name = "group", None
    counts["total"] = counts.sum(axis=1)
    counts = counts.astype("int64")
    counts.attrs["roles"] = {**{s: "count" for s in STATES}, "total": "count"}
    overdue = frame[frame["state"] == "OVERDUE"].sort_values(
        ["days_overdue", "ref"], ascending=[False, True])[_QUEUE_COLUMNS].reset_index(drop=True)
    lo = None if since is None else to_date(since, "since")
    hi = None if until is None else to_date(until, "until")
    disposed = frame[frame["state"] == "DISPOSED"].copy()
    day = [to_date(d) for d in disposed["disposed_on"]]
    keep = [(lo is None or d >= lo) and (hi is None or d <= hi) for d in day]
    disposals = disposed.loc[keep, ["ref", "mopi_group", "disposed_on", "decided_by",
                                    "decision_reason"]].reset_index(drop=True)
    return RetentionReport(today, counts, overdue, disposals, (lo, hi))
