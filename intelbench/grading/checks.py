"""Check a whole intelligence log at once: one problem per row and rule.

:func:`validate_grades` is vectorised: each column is factorised, each *distinct* value is
classified once (with the same classifiers :meth:`intelbench.Grade.parse` uses) and the
results are broadcast back with numpy; the rules are boolean masks. Messages are assembled
with element-wise string operations, never a Python loop over rows.
:func:`validate_grades_per_row` is the plain per-row reference with the same semantics; the
tests compare the two.
"""

from __future__ import annotations

import re
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.grading._text import (
    FREE_TEXT,
    MISSING,
    OK,
    SCHEME,
    classify_action,
    classify_assessment,
    classify_handling,
    classify_sanitisation,
    classify_source,
    describe_received,
    swap_hint,
)
from intelbench.grading.policy import RULES, GradingPolicy

__all__ = [
    "AWAITING_STATUSES",
    "GRADED_STATUSES",
    "PROBLEM_COLUMNS",
    "validate_grades",
    "validate_grades_per_row",
]

#: Columns of the problems frame.
PROBLEM_COLUMNS = ["row", "urn", "rule", "field", "message"]
#: Statuses of reports that have been evaluated (their grade must be complete).
GRADED_STATUSES = frozenset({"EVALUATED", "SANITISED", "DISSEMINATED"})
#: Statuses of reports still waiting for evaluation.
AWAITING_STATUSES = frozenset({"DRAFT", "SUBMITTED"})

_PARTS = [  # (column, classifier)
    ("source_eval", classify_source),
    ("intel_assess", classify_assessment),
    ("handling", classify_handling),
    ("action_code", classify_action),
    ("sanitisation_code", classify_sanitisation),
]
_REQUIRED = ("source_eval", "intel_assess", "handling")
_SCHEMES = {"": "3x5x2", "3X5X2": "3x5x2", "5X5X5": "5x5x5", "ADMIRALTY": "ADMIRALTY",
            "NATO": "ADMIRALTY"}
_LEGACY_RE = {"5x5x5": re.compile(r"^[A-E][1-5][1-5]?$"), "ADMIRALTY": re.compile(r"^[A-F][1-6]$")}
_LEGACY_ALLOWED = {"5x5x5": "source A-E, intelligence 1-5, optional handling 1-5 (e.g. B24)",
                   "ADMIRALTY": "source A-F, information 1-6 (e.g. B2)"}
_RULE_ORDER = {rule: i for i, rule in enumerate(RULES)}


# ------------------------------------------------------------------ scalar message helpers
def _norm_code(value: Any) -> str:
    """Normalise one cell of a code column: upper case, stripped, missing -> ""."""
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return str(value).strip().upper()


def _norm_text(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and value != value):
        return ""
    return str(value).strip()


def _norm_legacy(value: Any) -> str:
    return re.sub(r"[\s/\-\[\]]+", "", _norm_code(value))


def _scheme_problem(value: Any) -> str:
    return ("scheme must be one of 3x5x2, 5x5x5 or ADMIRALTY; got "
            f"{describe_received(_norm_text(value))}")


def _legacy_message(scheme: str, raw: str) -> str:
    if raw == "":
        return (f"a report graded in {scheme} needs its legacy_grade, kept verbatim; none was "
                f"given (allowed: {_LEGACY_ALLOWED[scheme]})")
    return (f"legacy {scheme} grade {describe_received(raw)} does not fit its scheme; allowed "
            f"{_LEGACY_ALLOWED[scheme]}")


_CODES_MID = " given while the handling code is "
_CODES_TAIL = ("; conditions, action codes (A1-A3) and sanitisation codes (S1-S2) are valid only "
               "under handling code C")
_RATIONALE_TAIL = " requires a grade rationale; none was given"


def _codes_message(fields: list[str], handling: str) -> str:
    shown = "P" if handling == "P" else "missing"
    return ", ".join(fields) + _CODES_MID + shown + _CODES_TAIL


def _rationale_message(triggers: list[str]) -> str:
    return " and ".join(triggers) + _RATIONALE_TAIL


_CONDITIONS_MSG = "handling code C requires handling conditions; none were given"
_RISK_MSG = "handling code C requires a risk-assessment reference; none was given"


# ---------------------------------------------------------------------- the reference
def validate_grades_per_row(log: pd.DataFrame, policy: GradingPolicy | None = None
                            ) -> pd.DataFrame:
    """Check the log row by row (the slow reference for :func:`validate_grades`).

    Same parameters, result and semantics as :func:`validate_grades`.
    """
    policy = policy or GradingPolicy()
    _require_columns(log)
    rows: list[tuple[Any, Any, str, str, str]] = []
    urns = log["urn"] if "urn" in log else pd.Series([None] * len(log), index=log.index)
    for (label, row), urn in zip(log.iterrows(), urns, strict=True):
        for rule, fld, msg in _check_row(row, policy):
            rows.append((label, urn, rule, fld, msg))
    return _finish(pd.DataFrame(rows, columns=PROBLEM_COLUMNS), log)


def _check_row(row: Any, policy: GradingPolicy) -> list[tuple[str, str, str]]:
    out: list[tuple[str, str, str]] = []
    scheme_token = _norm_code(row.get("scheme"))
    scheme = _SCHEMES.get(scheme_token.replace(" ", ""))
    if scheme is None:
        return [("scheme", "scheme", _scheme_problem(row.get("scheme")))]
    if scheme != "3x5x2":
        legacy_raw = _norm_text(row.get("legacy_grade"))
        if not _LEGACY_RE[scheme].match(_norm_legacy(row.get("legacy_grade"))):
            out.append(("legacy", "legacy_grade", _legacy_message(scheme, legacy_raw)))
        return out
    tokens = {col: _norm_code(row.get(col)) for col, _ in _PARTS}
    results = {col: fn(tokens[col]) for col, fn in _PARTS}
    for rule, status in (("scheme", SCHEME), ("free_text", FREE_TEXT)):
        cols = [c for c, _ in _PARTS if results[c][0] == status]
        if cols:
            msgs = [results[c][1] for c in cols]
            hint = swap_hint(tokens["source_eval"], tokens["intel_assess"], tokens["handling"])
            if rule == "scheme" and hint:
                msgs.append(hint)
            out.append((rule, ", ".join(cols), "; ".join(msgs)))
    status_token = _norm_code(row.get("status"))
    present = any(results[c][0] != MISSING for c in _REQUIRED)
    graded = status_token in GRADED_STATUSES or (status_token not in AWAITING_STATUSES
                                                 and present)
    missing = [c for c in _REQUIRED if results[c][0] == MISSING]
    if graded and missing:
        out.append(("item_grade", ", ".join(missing),
                    "; ".join(results[c][1] for c in missing)))
    h = tokens["handling"]
    conditions = _norm_text(row.get("handling_conditions"))
    if h == "C" and policy.conditions_required_for_c and not conditions:
        out.append(("conditions", "handling_conditions", _CONDITIONS_MSG))
    if h in ("P", ""):
        given = [c for c, v in (("handling_conditions", conditions),
                                ("action_code", tokens["action_code"]),
                                ("sanitisation_code", tokens["sanitisation_code"])) if v]
        if given:
            out.append(("codes_need_c", ", ".join(given), _codes_message(given, h)))
    if (h == "C" and policy.risk_assessment_required_for_c
            and not _norm_text(row.get("risk_assessment_ref"))):
        out.append(("risk_assessment", "risk_assessment_ref", _RISK_MSG))
    triggers = []
    if tokens["source_eval"] in {s.value for s in policy.rationale_sources}:
        triggers.append(f"source evaluation {tokens['source_eval']}")
    if tokens["intel_assess"] in {a.value for a in policy.rationale_assessments}:
        triggers.append(f"intelligence assessment {tokens['intel_assess']}")
    if triggers and not _norm_text(row.get("grade_rationale")):
        out.append(("rationale", "grade_rationale", _rationale_message(triggers)))
    return out


# ------------------------------------------------------------------ the vectorised path
_STATUS_CODES = {OK: 0, MISSING: 1, FREE_TEXT: 2, SCHEME: 3}


class _Column:
    """One column, factorised: each distinct value is normalised and judged only once."""

    def __init__(self, frame: pd.DataFrame, column: str, norm: Any) -> None:
        if column in frame:
            codes, uniques = pd.factorize(frame[column], use_na_sentinel=True)
            raw = np.asarray(uniques, dtype=object)
        else:
            codes, raw = np.full(len(frame), -1, dtype=np.intp), np.array([], dtype=object)
        self.codes = codes
        self.distinct = np.empty(len(raw) + 1, dtype=object)
        self.distinct[:-1] = [norm(u) for u in raw]
        self.distinct[-1] = ""  # code -1: missing

    def _apply(self, fn: Any, dtype: Any = object) -> np.ndarray:
        values = np.empty(len(self.distinct), dtype=dtype)
        values[:] = [fn(v) for v in self.distinct]
        return values

    def map(self, fn: Any, idx: np.ndarray | None = None) -> np.ndarray:
        """``fn`` of each row's value (of rows ``idx`` only, if given), as an object array."""
        codes = self.codes if idx is None else self.codes[idx]
        return self._apply(fn)[codes]

    def mask(self, fn: Any) -> np.ndarray:
        """Boolean ``fn`` of each row's value."""
        return self._apply(fn, bool)[self.codes]

    def classify(self, fn: Any) -> np.ndarray:
        """Status code (see ``_STATUS_CODES``) of each row under classifier ``fn``."""
        return self._apply(lambda v: _STATUS_CODES[fn(v)[0]], np.int8)[self.codes]

    def messages(self, fn: Any, idx: np.ndarray) -> np.ndarray:
        """Classifier message of rows ``idx``."""
        return self.map(lambda v: fn(v)[1], idx)


def _blank(frame: pd.DataFrame, column: str) -> np.ndarray:
    """Whether each cell of a free-text column is missing or only whitespace."""
    if column not in frame:
        return np.ones(len(frame), dtype=bool)
    s = frame[column]
    na = s.isna().to_numpy(dtype=bool)
    if not (pd.api.types.is_string_dtype(s) or s.dtype == object):
        return na
    lengths = s.str.len().to_numpy(dtype=float, na_value=1.0)
    space = s.str.isspace().to_numpy(dtype=bool, na_value=False)
    return na | (lengths == 0) | space


def _join(parts: list[tuple[np.ndarray, Any]], sep: str) -> np.ndarray:
    """Join, per row, the values of the parts whose mask is set (``sep`` between them)."""
    n = len(parts[0][0])
    out = np.full(n, "", dtype=object)
    have = np.zeros(n, dtype=bool)
    for mask, value in parts:
        if not mask.any():
            continue
        value = np.broadcast_to(np.asarray(value, dtype=object), (n,))
        out = np.where(mask & have, out + sep + value, np.where(mask, value, out))
        have |= mask
    return out


def validate_grades(log: pd.DataFrame, policy: GradingPolicy | None = None) -> pd.DataFrame:
    """Check every grade in an intelligence log; return one problem per row and rule.

    Rules (domain.md B): ``scheme`` (1; letter sources, digit assessments, "Confidential"
    handling, out-of-range and unknown codes, unknown schemes), ``free_text`` (2),
    ``item_grade`` (3: an evaluated report carries source, assessment and handling),
    ``conditions`` (4), ``codes_need_c`` (5), ``risk_assessment`` (6), ``rationale`` (7) and
    ``legacy`` (24: 5x5x5/Admiralty rows carry a verbatim legacy grade that fits the scheme).
    Rules 4, 6 and 7 follow ``policy``. Reports awaiting evaluation (DRAFT, SUBMITTED) need
    no complete grade, but what they do carry must fit the scheme. A row whose scheme is
    unknown gets only the ``scheme`` problem; legacy rows get only ``legacy`` checks.

    Parameters
    ----------
    log : DataFrame
        Columns ``source_eval``, ``intel_assess`` and ``handling`` are required;
        ``urn``, ``scheme``, ``status``, ``handling_conditions``, ``action_code``,
        ``sanitisation_code``, ``risk_assessment_ref``, ``grade_rationale`` and
        ``legacy_grade`` are used when present. Not modified.
    policy : GradingPolicy, optional
        Defaults to ``GradingPolicy()``.

    Returns
    -------
    DataFrame
        Columns ``row`` (the log's index label), ``urn``, ``rule``, ``field`` (the fields at
        fault, comma-separated) and ``message``; ordered by row, then rule.

    Raises
    ------
    SchemaError
        If a required column is missing.

    See Also
    --------
    validate_grades_per_row : the per-row reference with the same result.

    Examples
    --------
    >>> log = pd.DataFrame({"urn": ["IR-1", "IR-2"], "source_eval": ["B", "3"],
    ...                     "intel_assess": ["2", "A"], "handling": ["P", "C"]})
    >>> ib.validate_grades(log)[["urn", "rule", "field"]]
        urn             rule                      field
    0  IR-1           scheme  source_eval, intel_assess
    1  IR-2       conditions        handling_conditions
    2  IR-2  risk_assessment        risk_assessment_ref
    3  IR-2        rationale            grade_rationale
    """
    policy = policy or GradingPolicy()
    _require_columns(log)
    n = len(log)
    cols = {col: _Column(log, col, _norm_code) for col, _ in _PARTS}
    status_of = {col: cols[col].classify(fn) for col, fn in _PARTS}
    scheme = _Column(log, "scheme", lambda v: _norm_code(v).replace(" ", "")).map(
        lambda v: _SCHEMES.get(v, "?"))
    is352 = scheme == "3x5x2"
    frames: list[pd.DataFrame] = []

    def emit(rule: str, mask: np.ndarray, fields: Any, messages: Any) -> None:
        """Record a problem per row in ``mask``; fields/messages: a scalar or one per row."""
        idx = np.flatnonzero(mask)
        if len(idx) == 0:
            return
        if isinstance(fields, np.ndarray) and len(fields) == n:
            fields = fields[idx]
        if isinstance(messages, np.ndarray) and len(messages) == n:
            messages = messages[idx]
        frames.append(pd.DataFrame({"_pos": idx, "_order": _RULE_ORDER[rule], "rule": rule,
                                    "field": fields, "message": messages}))

    # an unknown scheme: nothing else can be judged
    if (scheme == "?").any():
        emit("scheme", scheme == "?", "scheme",
             _Column(log, "scheme", lambda v: v).map(_scheme_problem))

    # legacy rows: a verbatim legacy grade that fits the declared scheme
    legacy = _Column(log, "legacy_grade", lambda v: v)
    for name in ("5x5x5", "ADMIRALTY"):
        rows = scheme == name
        if rows.any():
            fits = legacy.mask(lambda v, nm=name: bool(_LEGACY_RE[nm].match(_norm_legacy(v))))
            bad = rows & ~fits
            emit("legacy", bad, "legacy_grade",
                 legacy.map(lambda v, nm=name: _legacy_message(nm, _norm_text(v)),
                            np.flatnonzero(bad)))

    # rules 1 and 2 over all five code fields, with the mix-up hint for swapped schemes
    src, ass, hnd = cols["source_eval"], cols["intel_assess"], cols["handling"]
    swapped = src.mask(lambda v: len(v) == 1 and v in "ABCDEF") & ass.mask(
        lambda v: len(v) == 1 and v.isdigit())
    for rule, status in (("scheme", SCHEME), ("free_text", FREE_TEXT)):
        code = _STATUS_CODES[status]
        flags = {col: is352 & (status_of[col] == code) for col, _ in _PARTS}
        rows = np.logical_or.reduce(list(flags.values()))
        if not rows.any():
            continue
        idx = np.flatnonzero(rows)
        parts = [(flags[c][idx], cols[c].messages(fn, idx)) for c, fn in _PARTS]
        if rule == "scheme" and swapped[idx].any():
            parts.append((swapped[idx], hnd.map(lambda h: swap_hint("B", "2", h), idx)))
        emit(rule, rows, _join([(flags[c][idx], c) for c, _ in _PARTS], ", "),
             _join(parts, "; "))

    # rule 3: an evaluated report carries its full grade
    status_col = _Column(log, "status", _norm_code)
    missing = {c: status_of[c] == _STATUS_CODES[MISSING] for c in _REQUIRED}
    present = ~np.logical_and.reduce(list(missing.values()))
    graded = is352 & (status_col.mask(lambda v: v in GRADED_STATUSES)
                      | (~status_col.mask(lambda v: v in AWAITING_STATUSES) & present))
    rows = graded & np.logical_or.reduce(list(missing.values()))
    if rows.any():
        idx = np.flatnonzero(rows)
        emit("item_grade", rows, _join([(missing[c][idx], c) for c in _REQUIRED], ", "),
             _join([(missing[c][idx], cols[c].messages(fn, idx))
                    for c, fn in _PARTS if c in _REQUIRED], "; "))

    # rules 4-7
    no_conditions = _blank(log, "handling_conditions")
    under_c = is352 & hnd.mask(lambda v: v == "C")
    if policy.conditions_required_for_c:
        emit("conditions", under_c & no_conditions, "handling_conditions", _CONDITIONS_MSG)
    given = [(~no_conditions, "handling_conditions"),
             (cols["action_code"].mask(bool), "action_code"),
             (cols["sanitisation_code"].mask(bool), "sanitisation_code")]
    h_is_p = hnd.mask(lambda v: v == "P")
    rows = is352 & (h_is_p | hnd.mask(lambda v: v == "")) & np.logical_or.reduce(
        [m for m, _ in given])
    if rows.any():
        idx = np.flatnonzero(rows)
        fields = _join([(m[idx], name) for m, name in given], ", ")
        shown = np.where(h_is_p[idx], "P", "missing").astype(object)
        emit("codes_need_c", rows, fields, fields + _CODES_MID + shown + _CODES_TAIL)
    if policy.risk_assessment_required_for_c:
        emit("risk_assessment", under_c & _blank(log, "risk_assessment_ref"),
             "risk_assessment_ref", _RISK_MSG)
    sources = {s.value for s in policy.rationale_sources}
    assessments = {a.value for a in policy.rationale_assessments}
    src_trigger = src.mask(lambda v: v in sources)
    ass_trigger = ass.mask(lambda v: v in assessments)
    rows = is352 & (src_trigger | ass_trigger) & _blank(log, "grade_rationale")
    if rows.any():
        idx = np.flatnonzero(rows)
        triggers = _join([(src_trigger[idx], src.map(lambda v: f"source evaluation {v}", idx)),
                          (ass_trigger[idx],
                           ass.map(lambda v: f"intelligence assessment {v}", idx))], " and ")
        emit("rationale", rows, "grade_rationale", triggers + _RATIONALE_TAIL)

    if not frames:
        return _finish(pd.DataFrame(columns=PROBLEM_COLUMNS), log)
    problems = pd.concat(frames, ignore_index=True).sort_values(["_pos", "_order"],
                                                                 kind="stable")
    pos = problems["_pos"].to_numpy()
    urn = log["urn"].to_numpy()[pos] if "urn" in log else np.full(len(pos), None)
    out = pd.DataFrame({"row": log.index.to_numpy()[pos], "urn": urn,
                        "rule": problems["rule"].to_numpy(),
                        "field": problems["field"].to_numpy(),
                        "message": problems["message"].to_numpy()})
    return _finish(out, log)


def _require_columns(log: pd.DataFrame) -> None:
    if not isinstance(log, pd.DataFrame):
        raise SchemaError(f"log must be a pandas DataFrame; got {type(log).__name__}")
    missing = [c for c in _REQUIRED if c not in log.columns]
    if missing:
        raise SchemaError(f"intelligence log: missing required column(s) {missing}; expected "
                          f"{list(_REQUIRED)} (got {list(map(str, log.columns))[:20]})")


def _finish(problems: pd.DataFrame, log: pd.DataFrame) -> pd.DataFrame:
    problems = problems.reset_index(drop=True)
    for col in ("rule", "field", "message"):
        problems[col] = problems[col].astype(object)
    problems.attrs["rows_checked"] = len(log)
    return problems
