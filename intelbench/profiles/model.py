"""Problem and subject profiles: content, product rules, status and the gate's product.

A profile holds its terms of reference, summary and key findings, the description of the
problem (or, for a subject, criminal activity, lifestyle, associations, strengths and
weaknesses, and risks), figures and tables, intelligence gaps, recommendations, the grading
and handling of the intelligence it cites, and a reproducibility manifest. It leaves DRAFT
only with terms of reference agreed by their requester or a named delegate, and reaches the
dissemination gate only after peer review by a reviewer in a reviewing role (domain rule B22)
and with an intelligence gaps section. A subject profile also needs its target ranking and
resource options (domain A4.20).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any, ClassVar

import pandas as pd

from intelbench.exceptions import DisseminationRefused, ProfileError
from intelbench.profiles._parts import (
    CLASSIFICATIONS,
    RECOMMENDATION_HEADINGS,
    REVIEW_ROLES,
    FigureItem,
    ProfileWarning,
    Status,
    TableItem,
    TermsOfReference,
    aspect_label,
    cited_intelligence,
    gap_line,
    is_missing,
    normalise_gaps,
    normalise_recommendations,
    peer_review_problems,
    same_person,
)
from intelbench.profiles.manifest import Manifest

__all__ = [
    "PROBLEM_ASPECTS",
    "SUBJECT_ASPECTS",
    "InteractiveProfile",
    "ProblemProfile",
    "Profile",
    "SubjectProfile",
]

#: Problem description aspects (domain A4 item 20, proposed problem-profile sections).
PROBLEM_ASPECTS: tuple[str, ...] = ("what", "where", "when", "who", "victims", "offenders",
                                    "locations")
#: Subject profile aspects (domain A4 item 20).
SUBJECT_ASPECTS: tuple[str, ...] = ("criminal_activity", "geography", "communications",
                                    "finance", "associations", "strengths", "weaknesses",
                                    "risks")
@dataclass(kw_only=True)
class Profile:
    """The base of problem and subject profiles (use a subclass).

    Use :class:`ProblemProfile` or :class:`SubjectProfile`.

    Parameters
    ----------
    title : str
        The product title (no personal data: it names the file).
    tor : TermsOfReference
        The terms of reference.
    summary : str
        The summary for the reader in a hurry.
    key_findings : list of str
        The key findings.
    figures : list of FigureItem
        Maps, charts and link charts.
    tables : list of TableItem
        Tables.
    gaps : GapReport, DataFrame, list or None
        Intelligence gaps (``ib.plans.gaps(ws)`` output, a frame or a list). None means the
        profile has no gaps section: it warns on validation and the gate refuses it.
    recommendations : mapping
        Lists under prevention, intelligence, enforcement and reassurance.
    cited : list of str
        URNs of the intelligence reports cited.
    reports : DataFrame, optional
        The intelligence log the URNs are looked up in (``ib.read_reports``).
    ws : Workspace, optional
        Looks up cited URNs not in ``reports``; records the profile with :meth:`save`.
    classification : str
        The analyst's own marking; the product takes the highest of this and the cited reports.
    author : str
        The analyst (kept off the product: author fields never leave the gate).
    manifest : Manifest
        Data files, parameters, version and seed.
    status : Status
        DRAFT, READY_FOR_REVIEW or PEER_REVIEWED.
    peer_review : dict, optional
        The peer review record (set by :meth:`review`).
    review_roles : tuple of str
        Roles that may peer review (default :data:`REVIEW_ROLES`: SUPERVISOR, INTEL_UNIT).
    profile_id : str, optional
        Stable identifier (derived from the title and terms of reference when empty).
    """

    product_type: ClassVar[str] = "PROFILE"
    aspects: ClassVar[tuple[str, ...]] = ()

    title: str
    tor: TermsOfReference
    summary: str = ""
    key_findings: list[str] = field(default_factory=list)
    figures: list[FigureItem] = field(default_factory=list)
    tables: list[TableItem] = field(default_factory=list)
    gaps: Any = None
    recommendations: dict[str, list[str]] = field(default_factory=dict)
    cited: Sequence[str] = ()
    reports: pd.DataFrame | None = field(default=None, repr=False)
    ws: Any = field(default=None, repr=False)
    classification: str = "OFFICIAL"
    author: str = ""
    manifest: Manifest = field(default_factory=Manifest, repr=False)
    status: Status = Status.DRAFT
    peer_review: dict[str, Any] | None = None
    review_roles: tuple[str, ...] = REVIEW_ROLES
    profile_id: str = ""

    def __post_init__(self) -> None:
        if not isinstance(self.tor, TermsOfReference):
            raise ProfileError(f"tor: expected a TermsOfReference; got {type(self.tor).__name__}")
        if isinstance(self.review_roles, str):
            raise ProfileError("review_roles: expected a list of roles; got one string")
        self.review_roles = tuple(str(r).strip().upper() for r in self.review_roles
                                  if str(r).strip())
        if not self.review_roles:
            raise ProfileError("review_roles: expected at least one reviewing role; got none")
        self.status = Status(self.status)
        self.key_findings = [str(x) for x in self.key_findings]
        self.recommendations = normalise_recommendations(self.recommendations)
        self.gaps = normalise_gaps(self.gaps)
        self.cited = tuple(dict.fromkeys(str(u) for u in self.cited))
        for i, f in enumerate(self.figures):
            if not isinstance(f, FigureItem):
                raise ProfileError(f"figures[{i}]: expected a FigureItem; got "
                                   f"{type(f).__name__}")
        for i, t in enumerate(self.tables):
            if not isinstance(t, TableItem):
                raise ProfileError(f"tables[{i}]: expected a TableItem; got {type(t).__name__}")
        if self.classification not in CLASSIFICATIONS:
            raise ProfileError(f"classification: expected one of {', '.join(CLASSIFICATIONS)}; "
                               f"got {self.classification!r}")
        if not self.profile_id:
            key = json.dumps([self.product_type, self.title, self.tor.question,
                              self.tor.requester], default=str)
            self.profile_id = "PRF-" + hashlib.sha256(key.encode()).hexdigest()[:10].upper()

    # -- content the subclasses describe -------------------------------------------------
    def description(self) -> dict[str, str]:
        """Return the aspects of the description, in order (aspect -> text)."""
        raise NotImplementedError

    # -- grading, classification and handling --------------------------------------------
    def cited_intelligence(self) -> pd.DataFrame:
        """Grading and handling of every cited report (urn, grade, classification, handling)."""
        return cited_intelligence(self.cited, self.reports, self.ws)

    def marking(self) -> tuple[str, str, str]:
        """Return the product's classification, handling code and conditions.

        Classification is the highest of the analyst's marking and every cited report's;
        handling is C (with the cited conditions) if any cited report is C (rule B13).
        """
        cited = self.cited_intelligence()
        order = [self.classification, *cited["classification"]]
        top = max(order, key=CLASSIFICATIONS.index)
        is_c = bool((cited["handling"] == "C").any())
        conds = "; ".join(dict.fromkeys(
            c for c in cited.loc[cited["handling"] == "C", "handling_conditions"] if c))
        return top, "C" if is_c else "P", conds

    @property
    def product_classification(self) -> str:
        """The classification the product carries (see :meth:`marking`)."""
        return self.marking()[0]

    @property
    def handling(self) -> str:
        """P, or C if any cited report is C."""
        return self.marking()[1]

    # -- rules ----------------------------------------------------------------------------
    def validate(self) -> list[str]:
        """List what stops this profile from being disseminated (empty when it may go).

        Warns :class:`ProfileWarning` when there is no intelligence gaps section (the gate
        refuses such a profile).
        """
        out = list(self.tor.problems())
        if self.status is not Status.DRAFT and not self.tor.agreed:
            out.append("terms of reference: not agreed, so the profile cannot leave DRAFT")
        if not self.summary.strip():
            out.append("summary is empty")
        if not self.key_findings:
            out.append("key findings: none given")
        empty = [a for a, text in self.description().items() if not str(text or "").strip()]
        if empty:
            out.append("description: empty aspect(s) " + ", ".join(empty))
        if not any(self.recommendations.values()):
            out.append("recommendations: none under " + ", ".join(RECOMMENDATION_HEADINGS))
        if self.gaps is None:
            out.append("intelligence gaps: no gaps section (give gaps=ib.plans.gaps(ws) or a "
                       "list; say so explicitly if there are none)")
            warnings.warn(f"profile {self.profile_id}: no intelligence gaps section; the "
                          "dissemination gate will refuse it", ProfileWarning, stacklevel=2)
        try:
            self.cited_intelligence()
        except ProfileError as exc:
            out.append(str(exc))
        if self.status is Status.PEER_REVIEWED:
            out.extend(peer_review_problems(self.peer_review, self.review_roles, self.author))
        return out

    def submit_for_review(self) -> Profile:
        """Return the profile as READY_FOR_REVIEW; it needs an agreed terms of reference.

        Raises
        ------
        ProfileError
            If the terms of reference are not agreed (or incomplete).
        """
        probs = self.tor.problems()
        if not self.tor.agreed:
            probs.append("terms of reference: not agreed (tor.agree(by, on))")
        if probs:
            raise ProfileError("a profile leaves DRAFT only with agreed terms of reference: "
                               + "; ".join(probs))
        return replace(self, status=Status.READY_FOR_REVIEW)

    def review(self, reviewer: str | None = None, *, role: str | None = None, ws: Any = None,
               approved: bool = True, comments: str = "",
               on: dt.date | None = None) -> Profile:
        """Record a peer review: approved -> PEER_REVIEWED, returned -> DRAFT.

        The reviewer must hold a reviewing role (:attr:`review_roles`, by default SUPERVISOR
        or INTEL_UNIT: senior intelligence staff) and must not be the author; a different
        name alone is not enough.

        Parameters
        ----------
        reviewer : str, optional
            Who reviews (default: ``ws.analyst``).
        role : str, optional
            The reviewer's role (default: ``ws.role``); one of :attr:`review_roles`.
        ws : Workspace, optional
            Takes the reviewer and role from the workspace's identity.
        approved : bool
            Whether the reviewer approves it.
        comments : str
            The reviewer's comments.
        on : datetime.date, optional
            Review date (default today).

        Raises
        ------
        ProfileError
            If the profile is not READY_FOR_REVIEW, the reviewer is missing or is the author,
            or the role is not a reviewing role.

        Examples
        --------
        >>> tor = ib.profiles.TermsOfReference("TT&CG", "Burglary rise?", "Northshire",
        ...     "2026-03-01", "TT&CG").agree("TT&CG", "2026-01-10")
        >>> p = ib.profiles.ProblemProfile(title="Burglary", tor=tor, summary="Up 20%.",
        ...     key_findings=["Two hotspots"], what="Dwelling burglary", where="North",
        ...     when="Evenings", who="Young adults", victims="Students", offenders="Local",
        ...     locations="Terraces", gaps=[], recommendations={"prevention": ["Locks"]},
        ...     author="A. Analyst").submit_for_review()
        >>> p.review("B. Colleague", role="ANALYST")
        Traceback (most recent call last):
        ...
        intelbench.exceptions.ProfileError: role: the peer reviewer needs a reviewing role ...
        >>> p.review("DI Shaw", role="SUPERVISOR").status.value
        'PEER_REVIEWED'
        """
        if self.status is not Status.READY_FOR_REVIEW:
            raise ProfileError(f"status: expected READY_FOR_REVIEW for a peer review; got "
                               f"{self.status.value}")
        if reviewer is None and ws is not None:
            reviewer = getattr(ws, "analyst", None)
        if role is None and ws is not None:
            role = getattr(ws, "role", None)
        if not str(reviewer or "").strip():
            raise ProfileError("reviewer: expected a name; got ''")
        if self.author and same_person(reviewer, self.author):
            raise ProfileError("reviewer: the peer reviewer must not be the author")
        role_text = str(role or "").strip().upper()
        if role_text not in self.review_roles:
            raise ProfileError(
                f"role: the peer reviewer needs a reviewing role ({', '.join(self.review_roles)})"
                f"; got {role!r}. A different name alone is not a peer review")
        record = {"reviewer": str(reviewer).strip(), "role": role_text,
                  "approved": bool(approved), "comments": str(comments),
                  "on": str(on or dt.date.today())}
        status = Status.PEER_REVIEWED if approved else Status.DRAFT
        return replace(self, status=status, peer_review=record)

    # -- the gate's product ---------------------------------------------------------------
    def refusals(self) -> list[str]:
        """Why the gate would refuse it now: validation problems and status."""
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", ProfileWarning)
            out = self.validate()
        if self.status is not Status.PEER_REVIEWED:
            out.append(f"status: expected PEER_REVIEWED before dissemination; got "
                       f"{self.status.value}")
        return out

    def to_document(self, *, live: bool = False) -> dict[str, Any]:
        """Return the profile as the gate's document: sections of text, tables and figures.

        Keys are the gate's document fields (tor, summary, findings, description or analysis,
        figures, tables, intelligence_gaps, recommendations, appendices). Maps, link charts and
        timelines appear as static pictures (print layouts for maps) carrying the profile's
        marking; with ``live=True`` each is followed by its interactive page (the gate's
        ``LivePage``), re-marked with the profile's marking, which the gate sanitises as an
        HTML product and embeds in the HTML it writes.
        """
        from intelbench.profiles._live import LIVE_KINDS, live_page
        from intelbench.profiles._static import static_figure

        cls, hand, _ = self.marking()
        mark = f"{cls} | Handling {hand}"
        doc: dict[str, Any] = {"tor": self.tor.lines(), "summary": self.summary,
                               "findings": list(self.key_findings)}
        desc = [f"{aspect_label(a)}: {t}" for a, t in self.description().items()]
        doc["description" if self.product_type == "PROBLEM_PROFILE" else "analysis"] = desc
        figs: list[Any] = []
        cache: dict[tuple[int, str], Any] = self.__dict__.setdefault("_static_cache", {})
        for f in self.figures:
            if (id(f), mark) not in cache:  # keep f alive so its id stays unique
                cache[id(f), mark] = (f, static_figure(f, mark))
            figs += [f"{f.title}. {f.caption}".strip(), cache[id(f), mark][1]]
            if live and f.kind in LIVE_KINDS:
                figs.append(live_page(f, mark))
        if figs:
            doc["figures"] = figs
        tabs: list[Any] = []
        for t in self.tables:
            tabs += [f"{t.title}. {t.caption}".strip(), t.frame]
        if tabs:
            doc["tables"] = tabs
        doc["intelligence_gaps"] = [gap_line(r) for r in self.gaps.to_dict("records")] or [
            "No intelligence gaps were identified."] if self.gaps is not None else []
        doc["recommendations"] = {k: (v or ["None."]) for k, v in
                                  self.recommendations.items()}
        cited = self.cited_intelligence()
        doc["appendices"] = [
            "Grading and handling of the intelligence cited "
            f"({len(cited)} report(s), 3x5x2): "
            + "; ".join(f"{r.urn} {r.grade}" for r in cited.itertuples()),
            "Reproducibility: " + " ".join(self.manifest.lines()),
            *[f"Data file {f.role}: {f.path} SHA-256 {f.sha256}" for f in self.manifest.files],
            *[f"Step {s.name}: {json.dumps(s.params, sort_keys=True)}"
              for s in self.manifest.steps],
        ]
        return doc

    def to_product(self) -> Any:
        """Return the gate's product (the protocol of ``ib.disseminate``).

        Raises
        ------
        DisseminationRefused
            If the profile is not peer reviewed, has no gaps section or fails validation.
        """
        problems = self.refusals()
        if problems:
            raise DisseminationRefused(
                f"dissemination refused (profile {self.profile_id}); nothing was written: "
                + "; ".join(problems)
            )
        try:
            from intelbench.gate.products import Product
        except ImportError as exc:  # pragma: no cover - the gate ships with the package
            raise ProfileError("the dissemination gate (intelbench.gate.disseminate) is not "
                               "available; profiles leave only through it") from exc
        cls, hand, cond = self.marking()
        return Product(
            self.to_document(), title=self.title, classification=cls, handling=hand,
            handling_conditions=cond, cited_reports=tuple(self.cited),
            product_id=self.profile_id, kind="document",
        )

    def interactive(self) -> InteractiveProfile:
        """Return this profile as an interactive HTML product for the gate.

        ``ib.disseminate(profile.interactive(), ..., fmt="html")`` sends the profile's document
        with the live map, link chart and timeline pages after their static pictures; the gate
        sanitises the text and tables as for the static document and each live page as an
        HTML product (structure, visible text, data payload), and marks every page.
        """
        return InteractiveProfile(self)

    # -- rendering (review copies; files leave through the gate) -------------------------
    def to_html(self, *, marking: str | None = None) -> str:
        """Self-contained, printable HTML of the profile (a review copy).

        Parameters
        ----------
        marking : str, optional
            The banner text; by default the classification, handling and status.
        """
        from intelbench.profiles.render_html import render_html

        return render_html(self, marking=marking)

    def to_docx(self, *, marking: str | None = None) -> bytes:
        """DOCX bytes of the profile (a review copy) with the marking in every header/footer."""
        from intelbench.profiles.render_docx import render_docx

        return render_docx(self, marking=marking)

    def default_marking(self) -> str:
        """Banner for review copies: classification, handling, status, not for dissemination."""
        cls, hand, _ = self.marking()
        return (f"{cls} | Handling {hand} | {self.status.value} review copy - not for "
                "dissemination")

    def _repr_html_(self) -> str:
        import html as _html

        return (f'<iframe srcdoc="{_html.escape(self.to_html(), quote=True)}" '
                'sandbox="allow-scripts" style="width:100%;height:700px;border:1px solid #ccc">'
                "</iframe>")

    def save(self, ws: Any = None, *, justification: str = "profile saved") -> int:
        """Save the profile's text, status and manifest in the workspace (kind ``"profile"``).

        Returns the revision number.
        """
        target = ws if ws is not None else self.ws
        if target is None:
            raise ProfileError("ws: expected a Workspace to save the profile in; got None")
        doc = {"product_type": self.product_type, "title": self.title,
               "tor": {k: list(v) if isinstance(v, tuple) else str(v) if v is not None else None
                       for k, v in self.tor.__dict__.items()},
               "status": self.status.value, "summary": self.summary,
               "key_findings": self.key_findings, "description": self.description(),
               "recommendations": self.recommendations, "cited": list(self.cited),
               "peer_review": self.peer_review, "manifest": self.manifest.to_dict(),
               "gaps": None if self.gaps is None else [
                   {k: None if is_missing(v) else str(v) for k, v in r.items()}
                   for r in self.gaps.to_dict("records")]}
        return int(target.put("profile", self.profile_id, doc, justification=justification))


@dataclass(frozen=True)
class InteractiveProfile:
    """A profile sent through the gate as its interactive HTML (see :meth:`Profile.interactive`).

    Attributes
    ----------
    profile : Profile
        The peer-reviewed profile.
    """

    profile: Profile

    def to_product(self) -> Any:
        """Return the gate's product: the profile's document with its live pages.

        The document is the static one (:meth:`Profile.to_document`), so its text and tables
        are sanitised section by section and table by table (every column kept, or dropped
        only with ``drop=[...]``); each map, link chart and timeline is followed by its
        interactive page, which the gate sanitises as an HTML product and embeds, marked top
        and bottom, in the HTML it writes.

        Raises
        ------
        DisseminationRefused
            As :meth:`Profile.to_product`.
        """
        base = self.profile.to_product()
        from intelbench.gate.products import Product

        return Product(self.profile.to_document(live=True), title=base.title,
                       classification=base.classification, handling=base.handling,
                       handling_conditions=base.handling_conditions,
                       cited_reports=base.cited_reports, product_id=base.product_id + "-H",
                       kind="document")


@dataclass(kw_only=True)
class ProblemProfile(Profile):
    """A problem profile: a crime or location problem, for the tasking meeting.

    Parameters
    ----------
    what, where, when, who, victims, offenders, locations : str
        The problem description.
    **kwargs
        See :class:`Profile`.

    Examples
    --------
    >>> tor = ib.profiles.TermsOfReference("TT&CG", "Burglary rise?", "Northshire",
    ...     "2026-03-01", "TT&CG").agree("TT&CG", "2026-01-10")
    >>> p = ib.profiles.ProblemProfile(title="Burglary", tor=tor, summary="Up 20%.",
    ...     key_findings=["Two hotspots"], what="Dwelling burglary", where="North sector",
    ...     when="Evenings", who="Young adults", victims="Students", offenders="Local",
    ...     locations="Terraced streets", gaps=["Who fences the goods?"],
    ...     recommendations={"prevention": ["Target hardening"]})
    >>> p.validate(), p.submit_for_review().status.value
    ([], 'READY_FOR_REVIEW')
    """

    product_type: ClassVar[str] = "PROBLEM_PROFILE"
    aspects: ClassVar[tuple[str, ...]] = PROBLEM_ASPECTS

    what: str = ""
    where: str = ""
    when: str = ""
    who: str = ""
    victims: str = ""
    offenders: str = ""
    locations: str = ""

    def description(self) -> dict[str, str]:
        """Return what, where, when, who, victims, offenders and locations."""
        return {a: getattr(self, a) for a in PROBLEM_ASPECTS}


@dataclass(kw_only=True)
class SubjectProfile(Profile):
    """A subject profile: a person or organised crime group.

    Parameters
    ----------
    subject : str
        The subject's reference (an OCG id or nominal id, never a name).
    criminal_activity : str
        What the subject does.
    geography, communications, finance : str
        Lifestyle.
    associations : str
        Who the subject associates with.
    strengths, weaknesses : str
        The subject's strengths and weaknesses (for disruption).
    risks : str
        Risks (to the public, to officers, to sources).
    ranking : str
        How the subject ranks as a target (e.g. its OCG band and place among the groups);
        required.
    resource_options : list of str
        How resources could be deployed against the subject (the options for the tasking
        meeting); at least one is required.
    **kwargs
        See :class:`Profile`.

    Examples
    --------
    >>> tor = ib.profiles.TermsOfReference("TT&CG", "Who leads OCG-1?", "North",
    ...     "2026-03-01", "TT&CG").agree("TT&CG", "2026-01-10")
    >>> sp = ib.profiles.SubjectProfile(title="OCG-1", tor=tor, summary="s",
    ...     key_findings=["k"], subject="OCG-1", criminal_activity="Supply", geography="North",
    ...     communications="Phones", finance="Cash", associations="Ten members",
    ...     strengths="Dense core", weaknesses="One cut-point", risks="Violence", gaps=[],
    ...     recommendations={"enforcement": ["Disrupt the cut-point"]})
    >>> [p.split(";")[0] for p in sp.validate()]
    ['target ranking: empty', 'resource options: none']
    """

    product_type: ClassVar[str] = "SUBJECT_PROFILE"
    aspects: ClassVar[tuple[str, ...]] = SUBJECT_ASPECTS

    subject: str = ""
    criminal_activity: str = ""
    geography: str = ""
    communications: str = ""
    finance: str = ""
    associations: str = ""
    strengths: str = ""
    weaknesses: str = ""
    risks: str = ""
    ranking: str = ""
    resource_options: list[str] = field(default_factory=list)

    def __post_init__(self) -> None:
        super().__post_init__()
        if isinstance(self.resource_options, str):
            self.resource_options = [self.resource_options]
        self.resource_options = [str(x).strip() for x in self.resource_options
                                 if str(x or "").strip()]

    def description(self) -> dict[str, str]:
        """Return criminal activity, lifestyle, associations, strengths and weaknesses, risks.

        Then the target ranking and the resource options, when given.
        """
        out = {a: getattr(self, a) for a in SUBJECT_ASPECTS}
        if self.ranking.strip():
            out["target_ranking"] = self.ranking
        if self.resource_options:
            out["resource_options"] = "; ".join(
                f"({i}) {x}" for i, x in enumerate(self.resource_options, start=1))
        return out

    def validate(self) -> list[str]:  # noqa: D102 - documented on Profile
        out = super().validate()
        if not self.subject.strip():
            out.insert(0, "subject: expected the subject's reference (OCG or nominal id)")
        if not self.ranking.strip():
            out.append("target ranking: empty; a subject profile says how the subject ranks "
                       "as a target")
        if not self.resource_options:
            out.append("resource options: none; a subject profile says how resources could "
                       "be deployed")
        return out
