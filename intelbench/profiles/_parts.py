"""Parts of a profile: terms of reference, figures, recommendations, gaps, cited intelligence."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from typing import Any

import pandas as pd

from intelbench.exceptions import IntelbenchWarning, ProfileError

__all__ = [
    "CLASSIFICATIONS",
    "RECOMMENDATION_HEADINGS",
    "REVIEW_ROLES",
    "FigureItem",
    "ProfileWarning",
    "Status",
    "TableItem",
    "TermsOfReference",
    "aspect_label",
    "cited_intelligence",
    "figure_kind",
    "gap_line",
    "normalise_gaps",
    "normalise_recommendations",
    "peer_review_problems",
    "same_person",
]

#: Product markings a profile may carry, lowest first (GSC; OFFICIAL-SENSITIVE is a marking).
CLASSIFICATIONS: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
#: Recommendation headings, in the order a tasking meeting reads them.
RECOMMENDATION_HEADINGS: tuple[str, ...] = ("prevention", "intelligence", "enforcement",
                                            "reassurance")


#: Roles that may peer review a product by default (senior intelligence staff, domain A4.18;
#: workspace roles). A profile may name others through ``review_roles``.
REVIEW_ROLES: tuple[str, ...] = ("SUPERVISOR", "INTEL_UNIT")


class ProfileWarning(IntelbenchWarning):
    """A profile lacks something the gate will refuse it for (e.g. an intelligence gaps section)."""


class Status(StrEnum):
    """Where a profile is in its life: DRAFT, READY_FOR_REVIEW, PEER_REVIEWED."""

    DRAFT = "DRAFT"
    READY_FOR_REVIEW = "READY_FOR_REVIEW"
    PEER_REVIEWED = "PEER_REVIEWED"


def _text(value: Any) -> str:
    return "" if value is None else str(value).strip()


def same_person(a: Any, b: Any) -> bool:
    """Whether two names or roles are the same, ignoring case and spacing."""
    return " ".join(_text(a).casefold().split()) == " ".join(_text(b).casefold().split()) != ""


@dataclass(frozen=True)
class TermsOfReference:
    """The terms of reference agreed with the requester before the work starts.

    Parameters
    ----------
    requester : str
        Who asked (role or meeting, e.g. "Northshire TT&CG chair").
    question : str
        The question the profile answers.
    scope : str
        Area, period and crime types in scope.
    deadline : str or datetime.date
        When it is due.
    audience : str
        Who will read it.
    agreed : bool
        Whether the requester agreed these terms.
    agreed_by, agreed_on : optional
        Who agreed and when (both required once ``agreed`` is True). ``agreed_by`` must be
        the requester or one of the named ``delegates``.
    delegates : tuple of str
        People or roles the requester named to agree the terms on their behalf.

    Examples
    --------
    >>> tor = ib.profiles.TermsOfReference("TT&CG chair", "Why has burglary risen?",
    ...     "Northshire, 12 months", "2026-03-01", "TT&CG", delegates=("DCI Intelligence",))
    >>> tor.agreed, tor.agree("TT&CG chair", "2026-01-10").agreed
    (False, True)
    >>> tor.agree("DCI Intelligence", "2026-01-10").agreed_by
    'DCI Intelligence'
    >>> tor.agree("A. Analyst", "2026-01-10")
    Traceback (most recent call last):
    ...
    intelbench.exceptions.ProfileError: agreed_by: the terms of reference are agreed by ...
    """

    requester: str
    question: str
    scope: str
    deadline: str | dt.date
    audience: str
    agreed: bool = False
    agreed_by: str | None = None
    agreed_on: str | dt.date | None = None
    delegates: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        if isinstance(self.delegates, str):
            raise ProfileError("delegates: expected a list of names or roles; got one string "
                               f"{self.delegates!r}")
        object.__setattr__(self, "delegates",
                           tuple(str(d).strip() for d in self.delegates if _text(d)))

    def may_agree(self, by: Any) -> bool:
        """Whether ``by`` may agree these terms: the requester or a named delegate."""
        return any(same_person(by, who) for who in (self.requester, *self.delegates))

    def _who_may_agree(self) -> str:
        names = [repr(self.requester)] + [repr(d) for d in self.delegates]
        return ("the requester " + names[0]
                + (" or a named delegate (" + ", ".join(names[1:]) + ")" if names[1:]
                   else " (no delegates named)"))

    def problems(self) -> list[str]:
        """What is missing: one line per empty field, who/when once agreed, and who agreed."""
        out = [f"terms of reference: {name} is empty" for name in
               ("requester", "question", "scope", "deadline", "audience")
               if not _text(getattr(self, name))]
        if self.agreed and not (_text(self.agreed_by) and _text(self.agreed_on)):
            out.append("terms of reference: agreed=True needs agreed_by and agreed_on")
        elif self.agreed and not self.may_agree(self.agreed_by):
            out.append(f"terms of reference: agreed by {self.agreed_by!r}, who is neither "
                       f"{self._who_may_agree()}")
        return out

    def agree(self, by: str, on: str | dt.date | None = None) -> TermsOfReference:
        """Return these terms agreed by ``by`` (the requester or a named delegate) on ``on``.

        ``on`` defaults to today.

        Raises
        ------
        ProfileError
            If ``by`` is empty, or is neither the requester nor a named delegate.
        """
        if not _text(by):
            raise ProfileError("agreed_by: expected the name or role of who agreed; got ''")
        if not self.may_agree(by):
            raise ProfileError(f"agreed_by: the terms of reference are agreed by "
                               f"{self._who_may_agree()}; got {str(by)!r}")
        return replace(self, agreed=True, agreed_by=str(by),
                       agreed_on=on if on is not None else dt.date.today())

    def lines(self) -> list[str]:
        """The terms as labelled lines."""
        agreed = (f"agreed by {self.agreed_by} on {self.agreed_on}" if self.agreed
                  else "NOT AGREED")
        if self.delegates:
            agreed += f" (delegates named by the requester: {', '.join(self.delegates)})"
        return [f"Requester: {self.requester}", f"Question: {self.question}",
                f"Scope: {self.scope}", f"Deadline: {self.deadline}",
                f"Audience: {self.audience}", f"Terms of reference {agreed}."]


def peer_review_problems(record: Mapping[str, Any] | None, roles: Sequence[str],
                         author: str = "") -> list[str]:
    """List what is wrong with the peer review record of a PEER_REVIEWED profile.

    The record needs a reviewer who is not the author, a role among ``roles`` and approval.
    """
    rec = dict(record or {})
    if not rec:
        return ["peer review: status is PEER_REVIEWED but no review is recorded"]
    out = []
    if not _text(rec.get("reviewer")):
        out.append("peer review: no reviewer recorded")
    if _text(rec.get("role")).upper() not in roles:
        out.append(f"peer review: reviewer role {rec.get('role')!r} is not a reviewing role "
                   f"({', '.join(roles)})")
    if author and same_person(rec.get("reviewer"), author):
        out.append("peer review: the peer reviewer must not be the author")
    if rec.get("approved") is not True:
        out.append("peer review: the review did not approve the profile")
    return out


def figure_kind(obj: Any) -> str:
    """Classify a figure: ``matplotlib``, ``link_chart``, ``timeline``, ``map`` or ``geotable``.

    Raises
    ------
    ProfileError
        If the object is none of these (a section never renders blank).
    """
    if hasattr(obj, "savefig") and hasattr(obj, "get_axes"):
        return "matplotlib"
    html_attr = getattr(obj, "html", None)
    if isinstance(html_attr, str):
        nodes, edges = getattr(obj, "nodes", None), getattr(obj, "edges", None)
        if isinstance(nodes, pd.DataFrame) and isinstance(edges, pd.DataFrame):
            return "link_chart"
        if (isinstance(getattr(obj, "events", None), pd.DataFrame)
                and isinstance(getattr(obj, "lines", None), list) and callable(
                    getattr(obj, "figure", None))):
            return "timeline"
        return "map"
    if isinstance(obj, pd.DataFrame) and getattr(obj, "_geometry_column_name", None) in obj:
        return "geotable"
    raise ProfileError(
        "figure: expected a matplotlib Figure, a map (object with .html, e.g. ib.geo.map), a "
        "link chart (ib.network.link_chart), a timeline (ib.timeline) or a GeoDataFrame; got "
        f"{type(obj).__name__}"
    )


@dataclass(frozen=True)
class FigureItem:
    """A figure in a profile: a chart, a map or a link chart, with a title and caption.

    Parameters
    ----------
    title : str
        Short title (shown above the figure).
    obj : object
        A matplotlib Figure, a map with ``.html`` (``ib.geo.map``), a link chart
        (``ib.network.link_chart``), a timeline (``ib.timeline``) or a GeoDataFrame (drawn
        as a static map). Maps, link charts and timelines are live in the HTML profile and
        printed as static pictures; they carry the profile's marking.
    caption : str
        What the figure shows and how to read it.
    static : object, optional
        A matplotlib Figure or GeoDataFrame to print in place of an interactive map (folium
        cannot be rasterised offline); link charts and GeoDataFrames are drawn without one.
    column : str, optional
        For a GeoDataFrame: the column to shade.
    section : str
        The section the figure belongs to (``"analysis"`` by default).
    """

    title: str
    obj: Any
    caption: str = ""
    static: Any = None
    column: str | None = None
    section: str = "analysis"

    def __post_init__(self) -> None:
        figure_kind(self.obj)  # raises for an unsupported object
        if self.static is not None and figure_kind(self.static) not in ("matplotlib",
                                                                         "geotable"):
            raise ProfileError(
                f"figure {self.title!r} static: expected a matplotlib Figure or GeoDataFrame; "
                f"got {type(self.static).__name__}"
            )

    @property
    def kind(self) -> str:
        """``matplotlib``, ``link_chart``, ``timeline``, ``map`` or ``geotable``."""
        return figure_kind(self.obj)


@dataclass(frozen=True)
class TableItem:
    """A table in a profile, with a title and caption."""

    title: str
    frame: pd.DataFrame
    caption: str = ""
    section: str = "analysis"

    def __post_init__(self) -> None:
        if not isinstance(self.frame, pd.DataFrame):
            raise ProfileError(f"table {self.title!r}: expected a pandas DataFrame; got "
                               f"{type(self.frame).__name__}")


def normalise_recommendations(value: Mapping[str, Any] | None) -> dict[str, list[str]]:
    """Return recommendations by heading (prevention, intelligence, enforcement, reassurance).

    Raises
    ------
    ProfileError
        For a heading outside :data:`RECOMMENDATION_HEADINGS`.
    """
    out: dict[str, list[str]] = {h: [] for h in RECOMMENDATION_HEADINGS}
    for key, items in (value or {}).items():
        k = str(key).strip().lower()
        if k not in out:
            raise ProfileError(
                f"recommendations: expected headings {', '.join(RECOMMENDATION_HEADINGS)}; "
                f"got {key!r}"
            )
        if isinstance(items, str):
            items = [items]
        out[k] = [str(x) for x in items if _text(x)]
    return out


_GAP_COLUMNS = ["gap", "priority", "status", "plan_id", "question_id", "reasons"]


def normalise_gaps(value: Any) -> pd.DataFrame | None:
    """Return the intelligence gaps as a frame.

    Columns: gap, priority, status, plan_id, question_id, reasons.

    Accepts the output of ``ib.plans.gaps(ws)`` (its ``.frame``), a DataFrame with a
    ``question`` or ``gap`` column, or a list of strings or dicts. None stays None (no gaps
    section).
    """
    if value is None:
        return None
    frame = getattr(value, "frame", value)
    if isinstance(frame, pd.DataFrame):
        f = frame.copy()
        if "gap" not in f.columns:
            if "question" not in f.columns:
                raise ProfileError("gaps: expected a frame with a 'question' or 'gap' column; "
                                   f"got columns {list(map(str, f.columns))}")
            f = f.rename(columns={"question": "gap"})
    elif isinstance(frame, Sequence) and not isinstance(frame, str):
        rows = [{"gap": x} if isinstance(x, str) else dict(x) for x in frame]
        f = pd.DataFrame(rows, columns=None if rows else ["gap"])
        if len(f) and "gap" not in f.columns:
            raise ProfileError("gaps: each dict needs a 'gap' key")
    else:
        raise ProfileError("gaps: expected ib.plans.gaps(ws) output, a DataFrame or a list of "
                           f"gaps; got {type(value).__name__}")
    for c in _GAP_COLUMNS:
        if c not in f.columns:
            f[c] = None
    return f[_GAP_COLUMNS].reset_index(drop=True)


def _report_docs(urns: Sequence[str], reports: pd.DataFrame | None, ws: Any
                 ) -> dict[str, dict[str, Any]]:
    docs: dict[str, dict[str, Any]] = {}
    if reports is not None:
        sub = reports[reports["urn"].astype(str).isin(set(urns))]
        for row in sub.to_dict("records"):
            docs[str(row["urn"])] = {str(k): v for k, v in row.items()}
    if ws is not None:
        for urn in urns:
            if urn not in docs and ws.exists("report", urn):
                docs[urn] = ws.get("report", urn)
    return docs


def _isblank(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or (
        isinstance(v, str) and not v.strip())


def cited_intelligence(urns: Sequence[str], reports: pd.DataFrame | None = None,
                       ws: Any = None) -> pd.DataFrame:
    """Return the grading and handling of each cited report (urn, grade, classification, handling).

    Parameters
    ----------
    urns : sequence of str
        The URNs the profile cites.
    reports : DataFrame, optional
        The intelligence log (``ib.read_reports``).
    ws : Workspace, optional
        Read ``"report"`` documents for URNs not in ``reports``.

    Returns
    -------
    DataFrame
        Columns urn, grade (``[1BP]`` or the legacy grade verbatim), classification, handling,
        handling_conditions.

    Raises
    ------
    ProfileError
        Naming the URNs that neither ``reports`` nor ``ws`` holds.
    """
    from intelbench.grading.reports import current_grade

    urns = list(dict.fromkeys(str(u) for u in urns))
    docs = _report_docs(urns, reports, ws)
    missing = [u for u in urns if u not in docs]
    if missing:
        raise ProfileError(
            f"cited reports: {len(missing)} URN(s) not found in the reports or workspace: "
            + ", ".join(missing[:10])
        )
    rows = []
    for u in urns:
        d = docs[u]
        g = current_grade(d)
        if g is None:
            grade = "ungraded"
        elif hasattr(g, "bracketed"):
            grade = str(g.bracketed)
        elif not isinstance(g, str):
            grade = f"{g.verbatim} ({g.scheme.value})"
        else:
            grade = f"{g} (not a valid grade)"
        cls = _text(d.get("classification")) or "OFFICIAL"
        hand = _text(d.get("handling")).upper() or "P"
        cond = "" if _isblank(d.get("handling_conditions")) else _text(d["handling_conditions"])
        rows.append({"urn": u, "grade": grade, "classification": _norm_class(cls),
                     "handling": hand, "handling_conditions": cond if hand == "C" else ""})
    return pd.DataFrame(rows, columns=["urn", "grade", "classification", "handling",
                                       "handling_conditions"])


def _norm_class(value: str) -> str:
    text = " ".join(value.upper().replace("_", " ").replace("-", " ").split())
    if text == "OFFICIAL SENSITIVE":
        return "OFFICIAL-SENSITIVE"
    if text in CLASSIFICATIONS:
        return text
    raise ProfileError(f"classification: expected one of {', '.join(CLASSIFICATIONS)}; "
                       f"got {value!r}")


_LABELS = {"criminal_activity": "Criminal activity", "geography": "Lifestyle: geography",
           "communications": "Lifestyle: communications", "finance": "Lifestyle: finance"}


def aspect_label(aspect: str) -> str:
    """Return the heading of a subject-profile aspect (``"finance"`` -> "Lifestyle: finance")."""
    return _LABELS.get(aspect, aspect.replace("_", " ").capitalize())


def is_missing(v: Any) -> bool:
    return v is None or (isinstance(v, float) and v != v) or v is pd.NaT or v is pd.NA


def gap_line(row: Mapping[str, Any]) -> str:
    """One gap as a line: [PRIORITY] gap (plan P, question Q, STATUS; reasons)."""
    def t(v: Any) -> str:
        return "" if is_missing(v) else str(v)

    where = ", ".join(x for x in (f"plan {t(row.get('plan_id'))}" if t(row.get("plan_id"))
                                  else "", f"question {t(row.get('question_id'))}"
                                  if t(row.get("question_id")) else "", t(row.get("status")),
                                  t(row.get("reasons"))) if x)
    pri = f"[{t(row.get('priority'))}] " if t(row.get("priority")) else ""
    return f"{pri}{t(row.get('gap'))}" + (f" ({where})" if where else "")
