"""Timeline events from the intelligence log: the key events of a group's subjects.

:func:`report_events` turns each report that mentions one of the given subjects into an event
on that subject's theme line: its date of intelligence, a kind read from the sanitised text
(offending, association, vehicle, family, address, phone), the sanitised text as summary (the
original wording never), its grade, URN and marking. A report naming two or more of the
subjects becomes a connector between their theme lines. :func:`group_timeline` draws them.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

import pandas as pd

from intelbench.charts.timeline import Timeline, timeline
from intelbench.exceptions import SchemaError

__all__ = ["KIND_PATTERNS", "group_timeline", "report_events", "report_marking",
           "subject_timeline"]

#: Kind of a report from its sanitised text, the first that matches (most notable first).
KIND_PATTERNS: tuple[tuple[str, str], ...] = (
    ("offending", r"committing offences|offend|supply|burglar|robbery|assault|weapon"),
    ("association", r"in the company of|meet|met with"),
    ("vehicle", r"seen driving|vehicle|\[VRM\]"),
    ("family", r"related to|partner of|brother|sister"),
    ("address", r"living at|staying at|\[ADDRESS\]"),
    ("phone", r"phone number|\[PHONE\]|handset"),
)
_CLASSES = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
_NEEDED = ("urn", "date_of_intelligence", "subjects")
_ROLES = {"date": "time", "subject": "identifier", "with": "identifier", "kind": "label",
          "summary": "free_text", "grade": "marking", "urn": "identifier",
          "classification": "marking", "handling": "marking", "status": "marking"}


def _kind(text: str) -> str:
    for kind, pattern in KIND_PATTERNS:
        if re.search(pattern, text, flags=re.IGNORECASE):
            return kind
    return "report"


def _blank(v: Any) -> bool:
    return v is None or (not isinstance(v, str) and pd.isna(v)) or str(v).strip() == ""


def _grade(row: Mapping[Any, Any]) -> str:
    from intelbench.grading.reports import current_grade

    g = current_grade(row)
    if g is None:
        return "ungraded"
    if hasattr(g, "bracketed"):
        return str(g.bracketed)
    if isinstance(g, str):
        return f"{g} (not a valid grade)"
    return f"{g.verbatim} ({g.scheme.value})"


def _class(v: Any) -> str:
    text = " ".join(str(v or "").upper().replace("_", " ").replace("-", " ").split())
    text = "OFFICIAL-SENSITIVE" if text == "OFFICIAL SENSITIVE" else text
    return text if text in _CLASSES else "OFFICIAL"


def report_events(reports: pd.DataFrame, subjects: Iterable[str], *,
                  drafts: bool = False, since: Any = None) -> pd.DataFrame:
    """Return one timeline event per report mentioning any of ``subjects``.

    Parameters
    ----------
    reports : DataFrame
        The intelligence log (``ib.read_reports``): ``urn``, ``date_of_intelligence``,
        ``subjects`` (references separated by ``;``), ``sanitised_text`` and the grading and
        handling columns. Not modified.
    subjects : iterable of str
        The subjects (nominal references) whose theme lines to draw, e.g. a group's members.
    drafts : bool
        Include reports still in DRAFT (not yet submitted); left out by default.
    since : date-like, optional
        Leave out reports dated before this (listed in ``attrs["excluded"]``).

    Returns
    -------
    DataFrame
        ``date`` (``YYYY-MM-DD``: dates only, as the log gives them), ``subject`` (the first
        of ``subjects`` the report names), ``with`` (the others it names, ``;``-separated),
        ``kind``, ``summary`` (the sanitised text; never the original wording), ``grade``,
        ``urn``, ``classification``, ``handling``, ``status``; roles in ``attrs["roles"]``.
        ``attrs["excluded"]`` lists the reports left out (quarantined, drafts, no date) with
        a reason (quarantined, draft, no date, before ``since``).

    Raises
    ------
    SchemaError
        A needed column is missing.

    Examples
    --------
    >>> log = pd.DataFrame({"urn": ["IR-1", "IR-2"], "date_of_intelligence": ["2025-03-01",
    ...     "2025-04-02"], "subjects": ["P-1;P-2;P-9", "P-2"], "sanitised_text": [
    ...     "SUBJECT 1 has been seen in the company of SUBJECT 2.", None],
    ...     "source_eval": ["2", "1"], "intel_assess": ["B", "A"], "handling": ["P", "P"]})
    >>> ev = ib.charts.report_events(log, ["P-1", "P-2"])
    >>> ev[["date", "subject", "with", "kind", "grade"]].values.tolist()
    [['2025-03-01', 'P-1', 'P-2', 'association', '[2BP]'],
     ['2025-04-02', 'P-2', '', 'report', '[1AP]']]
    >>> ev["summary"].iloc[1]
    '(not yet sanitised: text withheld)'
    """
    missing = [c for c in _NEEDED if c not in reports.columns]
    if missing:
        raise SchemaError(f"reports: missing column(s) {', '.join(missing)}; expected the "
                          "intelligence log from ib.read_reports (urn, date_of_intelligence, "
                          "subjects, sanitised_text, grading columns)")
    wanted = [str(s) for s in subjects]
    order = {s: i for i, s in enumerate(wanted)}
    rows, excluded = [], []
    first = pd.Timestamp(since) if since is not None else None
    for rec in reports.to_dict("records"):
        named = [s.strip() for s in str(rec.get("subjects") or "").split(";") if s.strip()]
        mine = sorted({s for s in named if s in order}, key=order.__getitem__)
        if not mine:
            continue
        reason = ""
        if not _blank(rec.get("quarantine")):
            reason = f"quarantined: {rec['quarantine']}"
        elif not drafts and str(rec.get("status") or "").upper() == "DRAFT":
            reason = "draft: not yet submitted"
        elif _blank(rec.get("date_of_intelligence")):
            reason = "no date of intelligence"
        elif first is not None and pd.Timestamp(rec["date_of_intelligence"]) < first:
            reason = f"dated before {first.date().isoformat()} (since)"
        if reason:
            excluded.append({"urn": rec["urn"], "reason": reason})
            continue
        date = pd.Timestamp(rec["date_of_intelligence"])
        text = "" if _blank(rec.get("sanitised_text")) else str(rec["sanitised_text"])
        rows.append({
            "date": date.strftime("%Y-%m-%d"), "subject": mine[0], "with": ";".join(mine[1:]),
            "kind": _kind(text), "summary": text or "(not yet sanitised: text withheld)",
            "grade": _grade(rec), "urn": str(rec["urn"]),
            "classification": _class(rec.get("classification")),
            "handling": "C" if str(rec.get("handling") or "").strip().upper() == "C" else "P",
            "status": "" if _blank(rec.get("status")) else str(rec["status"]),
        })
    out = pd.DataFrame(rows, columns=list(_ROLES))
    out = out.sort_values(["date", "urn"], kind="mergesort").reset_index(drop=True)
    out.attrs = {"roles": dict(_ROLES),
                 "excluded": pd.DataFrame(excluded, columns=["urn", "reason"])}
    return out


def report_marking(events: pd.DataFrame) -> str:
    """Return the marking of report events: highest classification, handling C if any.

    Examples
    --------
    >>> ev = pd.DataFrame({"classification": ["OFFICIAL", "OFFICIAL-SENSITIVE"],
    ...                    "handling": ["P", "P"]})
    >>> ib.charts.report_marking(ev)
    'OFFICIAL-SENSITIVE | Handling P'
    """
    cls = max((_class(c) for c in events.get("classification", [])), key=_CLASSES.index,
              default="OFFICIAL")
    hand = "C" if (events.get("handling", pd.Series(dtype=object)) == "C").any() else "P"
    return f"{cls} | Handling {hand}"


def group_timeline(reports: pd.DataFrame, members: Sequence[str], *, group: str = "",
                   title: str | None = None, marking: str | None = None,
                   drafts: bool = False, since: Any = None) -> Timeline:
    """Timeline of a group's key events from the intelligence log, one theme line per member.

    Parameters
    ----------
    reports : DataFrame
        The intelligence log (``ib.read_reports``).
    members : sequence of str
        The group's nominal references, in the order of their theme lines (members the log
        never names get no line).
    group : str
        The group's name, for the title.
    title : str, optional
        Chart title (default "<group>: key events from the intelligence log").
    marking : str, optional
        Banner text; default the highest classification and handling of the reports drawn.
    drafts : bool
        Include DRAFT reports.
    since : date-like, optional
        Only reports dated on or after this (the period of the profile).

    Returns
    -------
    Timeline
        With ``events`` from :func:`report_events`; ``events.attrs["excluded"]`` too.

    Examples
    --------
    >>> log = pd.DataFrame({"urn": ["IR-1"], "date_of_intelligence": ["2025-03-01"],
    ...     "subjects": ["P-1;P-2"], "sanitised_text": ["SUBJECT 1 is related to SUBJECT 2."],
    ...     "classification": ["OFFICIAL-SENSITIVE"], "handling": ["P"]})
    >>> tl = ib.charts.group_timeline(log, ["P-1", "P-2"], group="Test group")
    >>> tl.lines, tl.marking, tl.precision
    (['P-1', 'P-2'], 'OFFICIAL-SENSITIVE | Handling P', 'day')
    """
    ev = report_events(reports, members, drafts=drafts, since=since)
    present = set(ev["subject"]) | {x for w in ev["with"] for x in w.split(";") if x}
    lines = [str(m) for m in members if str(m) in present]
    name = group or "Group"
    when = f" dated from {pd.Timestamp(since).date().isoformat()}" if since is not None else ""
    caption = (f"{len(ev)} reports{when} naming the members, one line per member (by "
               "reference), icons by kind read from the sanitised text; a vertical connector "
               "joins members named in the same report. Dates only: times are not known. "
               f"{len(ev.attrs['excluded'])} report(s) left out (quarantined, drafts or "
               "earlier).")
    tl = timeline(ev, subject="subject", time="date", kind="kind", other="with",
                  details=["summary", "grade", "urn", "classification", "handling", "status"],
                  lines=lines, title=title or f"{name}: key events from the intelligence log",
                  marking=marking or report_marking(ev), caption=caption)
    tl.events.attrs["excluded"] = ev.attrs["excluded"]
    return tl


def subject_timeline(reports: pd.DataFrame, members: Sequence[str], group: str,
                     today: Any = None, *, years: int = 2) -> Timeline:
    """Timeline for a subject profile: the group's 3x5x2-graded reports of the last years.

    Legacy (5x5x5) reports are left out, as a profile cites only 3x5x2-graded intelligence;
    everything drawn should then be cited by the profile (its URNs are ``events["urn"]``).

    Parameters
    ----------
    reports : DataFrame
        The intelligence log (``ib.read_reports``).
    members : sequence of str
        The group's nominal references, in theme-line order.
    group : str
        The group's name.
    today : date-like, optional
        The profile's date (default today).
    years : int
        How many years back from ``today``.

    Returns
    -------
    Timeline

    Examples
    --------
    >>> log = pd.DataFrame({"urn": ["IR-1", "IR-2"], "scheme": ["3x5x2", "5x5x5"],
    ...     "date_of_intelligence": ["2025-03-01", "2025-04-01"], "subjects": ["P-1", "P-1"],
    ...     "sanitised_text": ["SUBJECT 1 is living at [ADDRESS].", "x"]})
    >>> tl = ib.charts.subject_timeline(log, ["P-1"], "G", "2026-01-01")
    >>> tl.events["urn"].tolist()
    ['IR-1']
    """
    import datetime as dt

    end = pd.Timestamp(today if today is not None else dt.date.today())
    since = (end - pd.DateOffset(years=years)).normalize()
    graded = reports
    if "scheme" in reports.columns:
        graded = reports[reports["scheme"].astype(str).str.strip().str.lower() == "3x5x2"]
    return group_timeline(graded, members, group=group, since=since)
