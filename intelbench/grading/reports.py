"""Intelligence reports: read the log, keep reports in the workspace, save and re-grade grades.

- :func:`read_reports` reads ``intel_reports.csv`` with types. Bad values are *quarantined
  with reasons* (the ``quarantine`` column and ``attrs["intake"]``), never dropped.
- :func:`import_reports` stores reports in a workspace (kind ``"report"``, audited COLLECT);
  every grade it stores complies with the workspace's grading policy (or the default), and
  every new record carries a Government Security Classification (legacy records keep their
  GPMS marking verbatim; :mod:`intelbench.grading.marking`).
- :func:`save_grade` grades a report; once a report has been submitted with a grade, changing
  it is a re-grade (:func:`regrade`): it needs a reason and a permitted role (rule 8). Every
  change is kept in the report's grade history (kind ``"grade_history"``: old, new, who, role,
  when, why) and audited as ALTER.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import GradingError, SchemaError
from intelbench.grading.checks import AWAITING_STATUSES, validate_grades
from intelbench.grading.grade import Grade, GradingScheme
from intelbench.grading.legacy import LegacyGrade
from intelbench.grading.marking import (
    LEGACY_MARKINGS,
    is_legacy_record,
    legacy_record_mask,
    marking_problem,
    normalise_marking,
)
from intelbench.grading.policy import GradingPolicy, resolve_policy
from intelbench.intake import Column, read_table
from intelbench.intake.table import read_header
from intelbench.store.workspace import DocumentNotFoundError

__all__ = [
    "REPORT_COLUMNS",
    "STATUSES",
    "awaiting_evaluation",
    "current_grade",
    "get_report",
    "grade_history",
    "import_reports",
    "read_reports",
    "regrade",
    "report_to_doc",
    "reports_frame",
    "save_grade",
]

#: Columns of the intelligence log, in file order.
REPORT_COLUMNS = [
    "urn", "created_at", "date_of_intelligence", "submitter", "source_ref", "source_type",
    "classification", "collection_method", "scheme", "source_eval", "intel_assess", "handling",
    "handling_conditions", "action_code", "sanitisation_code", "risk_assessment_ref",
    "grade_rationale", "legacy_grade", "status", "original_text", "sanitised_text", "subjects",
]
_REQUIRED = ["urn", "source_eval", "intel_assess", "handling"]
#: Report statuses in workflow order (domain.md B).
STATUSES = ("DRAFT", "SUBMITTED", "EVALUATED", "SANITISED", "DISSEMINATED")
_ENUMS: dict[str, frozenset[str]] = {
    "status": frozenset(STATUSES),
    "collection_method": frozenset({"ROUTINE", "TASKED", "VOLUNTEERED"}),
    # GSC tiers, OFFICIAL-SENSITIVE, and legacy GPMS markings (read-only labels)
    "classification": frozenset({"OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET",
                                 "TOP-SECRET", "PROTECT", "RESTRICTED", "CONFIDENTIAL"}),
}
_DATES = {"created_at": Column("datetime", required=False, formats=("%Y-%m-%d %H:%M",)),
          "date_of_intelligence": Column("date", required=False, formats=("%Y-%m-%d",))}
#: How :func:`read_reports` reads each column it knows; other columns are optional text.
_SCHEMA: dict[str, Column] = {
    "urn": Column("str", required=False),
    **_DATES,
    **{c: Column("str", required=False, upper=True, allowed=tuple(sorted(v)))
       for c, v in _ENUMS.items()},
}
_GRADE_FIELDS = ["source_eval", "intel_assess", "handling", "handling_conditions", "action_code",
                 "sanitisation_code", "risk_assessment_ref", "grade_rationale"]


# ----------------------------------------------------------------------------- reading
def read_reports(path: str | Path, *, policy: GradingPolicy | None = None) -> pd.DataFrame:
    r"""Read an intelligence log (``intel_reports.csv``) with types; quarantine bad values.

    Dates are parsed (``created_at`` as ``YYYY-MM-DD HH:MM``, ``date_of_intelligence`` as
    ``YYYY-MM-DD``; ISO variants accepted), empty cells become missing, and codes are checked:
    status, collection method and classification against their sets, and every grade through
    :func:`intelbench.validate_grades`. A GPMS marking (RESTRICTED, PROTECT, CONFIDENTIAL,
    UNCLASSIFIED) on a record that is not legacy is quarantined under ``classification``
    (:mod:`intelbench.grading.marking`). No row is dropped: each problem is named in the
    ``quarantine`` column (rule names, ``""`` when clean) and summarised in
    ``attrs["intake"]``. A date that cannot be read becomes missing and is quarantined.

    Parameters
    ----------
    path : str or Path
        The CSV file, or a folder holding ``intel_reports.csv``.
    policy : GradingPolicy, optional
        The grading policy for the grade checks (default ``GradingPolicy()``).

    Returns
    -------
    DataFrame
        One row per report, the columns of the file plus ``quarantine``.

    Raises
    ------
    SchemaError
        If the file lacks a required column (urn, source_eval, intel_assess, handling).

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "log.csv"
    >>> _ = p.write_text("urn,created_at,scheme,source_eval,intel_assess,handling,status\n"
    ...                  "IR-1,2026-01-02 09:30,3x5x2,2,B,P,EVALUATED\n"
    ...                  "IR-2,31/02/2026,3x5x2,B,2,P,EVALUATED\n")
    >>> log = ib.read_reports(p)
    >>> log[["urn", "created_at", "quarantine"]]
        urn          created_at        quarantine
    0  IR-1 2026-01-02 09:30:00
    1  IR-2                 NaT  created_at; scheme
    """
    path = Path(path)
    if path.is_dir():
        path = path / "intel_reports.csv"
    columns = read_header(path)
    missing = [c for c in _REQUIRED if c not in columns]
    if missing:
        raise SchemaError(f"{path.name}: missing required column(s) {missing}; expected at "
                          f"least {_REQUIRED}")
    # every row is kept (keep="all"): a bad value becomes missing and is named below
    table = read_table(path, mapping={c: c for c in columns},
                       schema={c: s for c, s in _SCHEMA.items() if c in columns}, keep="all")
    frame = table.data.reset_index(drop=True)
    frame.columns.name = None
    problems: list[pd.DataFrame] = []

    def flag(mask: np.ndarray, rule: str, column: str, message: Any) -> None:
        idx = np.flatnonzero(mask)
        if len(idx):
            problems.append(pd.DataFrame({
                "_pos": idx, "rule": rule, "field": column,
                "message": np.broadcast_to(np.asarray(message, dtype=object),
                                           mask.shape)[idx]}))

    urn = frame["urn"]
    flag(urn.isna().to_numpy(), "urn", "urn", "urn is empty; every report needs its URN")
    flag((urn.duplicated(keep=False) & urn.notna()).to_numpy(), "urn", "urn",
         "urn is not unique in the log")
    quarantine = table.quarantine[table.quarantine["column"] != "urn"]
    if len(quarantine):
        rows = table.data.index.get_indexer(pd.Index(quarantine["row"]))
        rule = np.where(quarantine["column"].isin(list(_DATES)), "date", "value")
        message = quarantine["column"] + ": " + quarantine["reason"]
        problems.append(pd.DataFrame({"_pos": rows, "rule": rule,
                                      "field": quarantine["column"].to_numpy(),
                                      "message": message.to_numpy()}))
    if "classification" in frame:
        marks = frame["classification"].map(normalise_marking)
        gpms = marks.isin(list(LEGACY_MARKINGS)).to_numpy(dtype=bool)
        bad = gpms & ~legacy_record_mask(frame)
        if bad.any():
            flag(bad, "classification", "classification",
                 marks.map(lambda m: marking_problem(m, legacy=False)).to_numpy(dtype=object))
    grade_problems = validate_grades(frame, policy)
    if len(grade_problems):
        pos = frame.index.get_indexer(pd.Index(grade_problems["row"]))
        problems.append(grade_problems.drop(columns=["row", "urn"]).assign(_pos=pos))
    reasons = np.full(len(frame), "", dtype=object)
    by_rule: dict[str, int] = {}
    if problems:
        allp = pd.concat(problems, ignore_index=True)
        allp["_label"] = np.where(allp["rule"].isin(["date", "value", "urn"]), allp["field"],
                                  allp["rule"])
        joined = allp.groupby("_pos", sort=True)["_label"].agg(
            lambda s: "; ".join(dict.fromkeys(s)))
        reasons[joined.index.to_numpy()] = joined.to_numpy()
        by_rule = {str(k): int(v) for k, v in allp["rule"].value_counts().sort_index().items()}
    frame["quarantine"] = reasons
    frame.attrs["intake"] = {
        "path": str(path), "rows": int(len(frame)),
        "quarantined_rows": int((reasons != "").sum()), "problems_by_rule": by_rule,
    }
    return frame


# --------------------------------------------------------------------------- the store
def _jsonable(value: Any) -> Any:
    if value is None or value is pd.NA or value is pd.NaT:
        return None
    if isinstance(value, float) and math.isnan(value):
        return None
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    if isinstance(value, np.generic):
        return value.item()
    return value


def report_to_doc(row: Mapping[str, Any]) -> dict[str, Any]:
    """Return the JSON document stored for one report (missing values as None).

    The derived ``quarantine`` column is not stored.
    """
    return {str(k): _jsonable(v) for k, v in row.items() if k != "quarantine"}


def import_reports(ws: Any, frame: pd.DataFrame, *,
                   justification: str = "Intelligence log intake",
                   policy: GradingPolicy | None = None) -> list[str]:
    """Store each report of ``frame`` in the workspace (kind ``"report"``, audited COLLECT).

    A report already in the workspace is left alone (its grade and history are the
    workspace's), so importing the same log twice changes nothing. Every report to be stored
    must pass the grade checks of :func:`intelbench.validate_grades` under the workspace's
    grading policy (or the default), and a report that is not legacy must carry a Government
    Security Classification (:mod:`intelbench.grading.marking`). If any report fails, nothing
    is stored and the error names each report and rule: import the clean rows
    (``frame[frame["quarantine"] == ""]`` from :func:`read_reports`) and correct the rest.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    frame : DataFrame
        Reports as returned by :func:`read_reports`; not modified.
    justification : str
        Recorded with each COLLECT entry.
    policy : GradingPolicy, optional
        Used only when the workspace keeps no policy (see
        :func:`intelbench.grading.policy.resolve_policy`).

    Returns
    -------
    list of str
        The URNs stored by this call.

    Raises
    ------
    GradingError
        If a report's grade breaks the policy or the scheme, or a new report carries a
        legacy marking; nothing is stored then.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> log = pd.DataFrame({"urn": ["IR-1"], "source_eval": ["2"], "intel_assess": ["B"],
    ...                     "handling": ["C"], "status": ["SUBMITTED"]})
    >>> ib.reports.import_reports(ws, log)
    Traceback (most recent call last):
    ...
    intelbench.exceptions.GradingError: 1 report(s) not imported, nothing was stored: IR-1 ...
    """
    if "urn" not in frame:
        raise SchemaError("frame: missing required column 'urn'")
    rules = resolve_policy(ws, policy)
    existing = set(ws.keys("report"))
    docs: dict[str, dict[str, Any]] = {}
    for rec in frame.to_dict("records"):
        urn = rec.get("urn")
        if isinstance(urn, str) and urn and urn not in existing and urn not in docs:
            docs[urn] = report_to_doc({str(k): v for k, v in rec.items()})
    _check_new_reports(frame, docs, rules)
    if docs:  # one transaction: every report or none, each with its own COLLECT entry
        ws.put_many("report", docs, action="COLLECT", justification=justification)
    stored = list(docs)
    return stored


def _check_new_reports(frame: pd.DataFrame, docs: Mapping[str, Mapping[str, Any]],
                       policy: GradingPolicy) -> None:
    """Raise GradingError naming every report to be stored that breaks a rule."""
    if not docs:
        return
    rows = frame[frame["urn"].isin(list(docs))].drop_duplicates("urn")
    found: dict[str, list[str]] = {}
    grade_problems = validate_grades(rows.reset_index(drop=True), policy)
    for urn, rule, msg in zip(grade_problems["urn"], grade_problems["rule"],
                              grade_problems["message"], strict=True):
        found.setdefault(str(urn), []).append(f"{rule}: {msg}")
    for urn, doc in docs.items():
        problem = marking_problem(doc.get("classification"), legacy=is_legacy_record(doc))
        if problem:
            found.setdefault(urn, []).append(f"classification: {problem}")
    if found:
        shown = [f"{u} ({'; '.join(p)})" for u, p in list(found.items())[:10]]
        more = f"; and {len(found) - 10} more" if len(found) > 10 else ""
        raise GradingError(f"{len(found)} report(s) not imported, nothing was stored: "
                           + "; ".join(shown) + more)


def get_report(ws: Any, urn: str) -> dict[str, Any]:
    """Return the stored report ``urn`` (raises the store's error if it is not there)."""
    return dict(ws.get("report", urn))


def reports_frame(ws: Any, urns: Iterable[str] | None = None) -> pd.DataFrame:
    """Return the workspace's reports as a log frame (the columns of the CSV).

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> log = pd.DataFrame({"urn": ["IR-1"], "source_eval": ["2"], "intel_assess": ["B"],
    ...                     "handling": ["P"], "status": ["SUBMITTED"]})
    >>> ib.reports.import_reports(ws, log)
    ['IR-1']
    >>> ib.reports.reports_frame(ws)[["urn", "status"]]
        urn     status
    0  IR-1  SUBMITTED
    """
    found = ws.get_many("report", None if urns is None else list(urns))
    keys = sorted(found) if urns is None else list(urns)
    missing = [k for k in keys if k not in found]
    if missing:
        raise DocumentNotFoundError(f"no report {missing[0]!r} in the workspace")
    docs = [found[k] for k in keys]
    frame = pd.DataFrame(docs)
    columns = [c for c in REPORT_COLUMNS if c in frame] + [c for c in frame
                                                            if c not in REPORT_COLUMNS]
    return frame[columns] if len(frame) else pd.DataFrame(columns=REPORT_COLUMNS)


def _blank(value: Any) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value)) or (
        isinstance(value, str) and not value.strip())


def current_grade(doc: Mapping[str, Any]) -> Grade | LegacyGrade | str | None:
    """Return the grade a stored report carries now.

    A valid 3x5x2 grade gives a :class:`Grade`; a legacy report its :class:`LegacyGrade`;
    grade fields that do not form a valid grade their raw compact text (e.g. ``"B2P"``);
    no grade at all gives None.
    """
    scheme = str(doc.get("scheme") or "3x5x2").strip().upper()
    if scheme in ("5X5X5", "ADMIRALTY", "NATO"):
        if _blank(doc.get("legacy_grade")):
            return None
        try:
            return LegacyGrade(GradingScheme.coerce(scheme), str(doc["legacy_grade"]))
        except GradingError:
            return str(doc["legacy_grade"])
    parts = [doc.get(c) for c in ("source_eval", "intel_assess", "handling")]
    if all(_blank(p) for p in parts):
        return None
    try:
        return Grade.from_dict(doc)
    except GradingError:
        return "".join("" if _blank(p) else str(p).strip() for p in parts)


def _grade_text(grade: Grade | LegacyGrade | str | None) -> str | None:
    if grade is None:
        return None
    if isinstance(grade, LegacyGrade):
        return f"{grade.verbatim} ({grade.scheme.value})"
    return str(grade)


def grade_history(ws: Any, urn: str) -> pd.DataFrame:
    """Return the grade history of a report: when, who, role, event, old, new, reason.

    Empty (with those columns) if the report was never graded in the workspace.
    """
    columns = ["when", "who", "role", "event", "old", "new", "reason"]
    if not ws.exists("grade_history", urn):
        return pd.DataFrame(columns=columns)
    events = ws.get("grade_history", urn).get("events", [])
    return pd.DataFrame(events, columns=columns, dtype=object)


def save_grade(ws: Any, urn: str, grade: Grade, *, policy: GradingPolicy | None = None,
               reason: str = "") -> int:
    """Grade a stored report; a change to a submitted grade is a re-grade (rule 8).

    The grade must satisfy the workspace's grading policy (or ``policy`` when the workspace
    keeps none, or the default; see :func:`intelbench.grading.policy.resolve_policy`). A
    report that is not legacy must carry a Government Security Classification; a legacy
    report's GPMS marking is kept verbatim. A report that is still a DRAFT, or has no grade, is
    graded freely. Once a report has been submitted with a grade, saving a *different* grade
    is a re-grade: it needs ``reason`` and a role in ``policy.regrade_roles`` (``ws.role``).
    Saving the grade a report already has confirms it. The report moves to EVALUATED; the
    change is added to its grade history and audited as ALTER (grades only, no text).

    Parameters
    ----------
    ws : Workspace
    urn : str
        The report's URN (it must be in the workspace; see :func:`import_reports`).
    grade : Grade
        The new grade.
    policy : GradingPolicy, optional
        Used only when the workspace keeps no policy; default ``GradingPolicy()``.
    reason : str
        Why the grade changes; required for a re-grade.

    Returns
    -------
    int
        The report's new revision.

    Raises
    ------
    GradingError
        If the grade breaks the policy, or a re-grade lacks a reason or a permitted role.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="INTEL_UNIT")
    >>> log = pd.DataFrame({"urn": ["IR-1"], "source_eval": [None], "intel_assess": [None],
    ...                     "handling": [None], "status": ["DRAFT"]})
    >>> _ = ib.reports.import_reports(ws, log)
    >>> ib.reports.save_grade(ws, "IR-1", ib.Grade.from_text("2BP"))
    2
    >>> ib.reports.regrade(ws, "IR-1", ib.Grade.from_text("1BP"), reason="Source now tested")
    3
    >>> ib.reports.grade_history(ws, "IR-1")[["event", "old", "new", "reason"]]
         event   old  new             reason
    0    grade  None  2BP
    1  regrade   2BP  1BP  Source now tested
    """
    return _write_grade(ws, urn, grade, policy=policy, reason=reason, explicit_regrade=False)


def regrade(ws: Any, urn: str, new_grade: Grade, *, reason: str,
            policy: GradingPolicy | None = None) -> int:
    """Re-grade a report: needs a reason and a role allowed by the policy.

    See :func:`save_grade` for the history and audit kept. Raises :class:`GradingError` if
    the report has no grade yet (use :func:`save_grade`), the reason is empty or ``ws.role``
    may not re-grade.
    """
    return _write_grade(ws, urn, new_grade, policy=policy, reason=reason,
                        explicit_regrade=True)


def _write_grade(ws: Any, urn: str, grade: Grade, *, policy: GradingPolicy | None,
                 reason: str, explicit_regrade: bool) -> int:
    policy = resolve_policy(ws, policy)
    if not isinstance(grade, Grade):
        raise GradingError(f"grade must be an ib.Grade; got {type(grade).__name__}")
    reason = (reason or "").strip()
    policy.enforce(grade)
    doc = get_report(ws, urn)
    problem = marking_problem(doc.get("classification"), legacy=is_legacy_record(doc))
    if problem:
        raise GradingError(f"report {urn} cannot be graded: {problem}")
    old = current_grade(doc)
    status = str(doc.get("status") or "").strip().upper()
    same = isinstance(old, Grade) and old.to_dict() == grade.to_dict()
    locked = old is not None and status != "DRAFT"
    if explicit_regrade and old is None:
        raise GradingError(f"report {urn} has no grade to re-grade; use save_grade for its "
                           "first grade")
    is_regrade = explicit_regrade or (locked and not same)
    if is_regrade:
        if not reason:
            raise GradingError(
                f"re-grading report {urn} (current grade {_grade_text(old)}) needs a reason; "
                "got an empty reason")
        if not policy.may_regrade(getattr(ws, "role", None)):
            raise GradingError(
                f"role {getattr(ws, 'role', None)!r} may not re-grade report {urn}; allowed "
                f"roles: {', '.join(sorted(policy.regrade_roles))}")
    event = "regrade" if is_regrade else ("confirm" if same else "grade")
    new_doc = dict(doc)
    if isinstance(old, LegacyGrade):  # the legacy grade stays, verbatim, beside the new one
        new_doc["legacy_scheme"] = old.scheme.value
    new_doc.update({k: (v if v not in ("", None) else None)
                    for k, v in grade.to_dict().items()})
    new_doc["scheme"] = "3x5x2"
    if status in ("", "DRAFT", "SUBMITTED") or status not in STATUSES:
        new_doc["status"] = "EVALUATED"
    when = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    entry = {"when": when, "who": getattr(ws, "analyst", None), "role": getattr(ws, "role", None),
             "event": event, "old": _grade_text(old), "new": str(grade), "reason": reason}
    history = (ws.get("grade_history", urn) if ws.exists("grade_history", urn)
               else {"urn": urn, "events": []})
    history = {"urn": urn, "events": [*history.get("events", []), entry]}
    justification = reason or f"grade {event}"
    detail = {"event": event, "old": entry["old"], "new": entry["new"]}
    rev = int(ws.put("report", urn, new_doc, action="ALTER", justification=justification,
                     detail=detail))
    ws.put("grade_history", urn, history, action="ALTER", justification=justification,
           detail=detail)
    return rev


def awaiting_evaluation(frame: pd.DataFrame) -> pd.Series:
    """Boolean mask of reports still waiting for evaluation (status DRAFT or SUBMITTED)."""
    if "status" not in frame:
        return pd.Series(False, index=frame.index)
    return frame["status"].astype("string").str.strip().str.upper().isin(
        list(AWAITING_STATUSES)).fillna(False).astype(bool)

