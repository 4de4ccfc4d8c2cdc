"""The checks of the dissemination gate and the preparation of what would leave.

``prepare`` runs every check in the gate's order and collects the problems of each stage, then
sanitises the product. Nothing here writes anything; ``dissemination.disseminate`` raises on
the first stage with problems, and the dry run shows them all.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.gate.comms_data import aggregate_comms, is_comms
from intelbench.gate.document import DocContext, sanitise_document
from intelbench.gate.handling import GRADE_KEYS, handling_values
from intelbench.gate.html_check import inspect_html
from intelbench.gate.html_product import sanitise_html
from intelbench.gate.nfd import nfd_hits, nfd_pattern
from intelbench.gate.policy import (
    KnownTerms,
    RecipientKind,
    SanitisationPolicy,
    make_redactor,
    policy_for,
)
from intelbench.gate.products import CLASSIFICATIONS, Product, normalise_classification
from intelbench.gate.public_points import aggregate_points, has_points
from intelbench.gate.sanitise_frame import (
    FLAG_COLUMNS,
    SanitisationResult,
    _context,
    _flag_table,
    original_sentences,
    sanitise_frame,
    sanitise_graph,
)
from intelbench.gate.sealed import load_sealed

__all__ = ["FORMATS", "LEGACY_HANDLING", "POLICING_PURPOSES", "Prepared", "prepare"]

#: The policing purposes (APP): a legal basis for police and law-enforcement recipients.
POLICING_PURPOSES: dict[str, tuple[str, ...]] = {
    "PROTECT_LIFE_AND_PROPERTY": ("protect life", "protecting life", "life and property"),
    "PRESERVE_ORDER": ("preserve order", "preserving order", "public order"),
    "PREVENT_OFFENCES": ("prevent offences", "preventing offences", "prevent crime",
                         "prevention of crime", "preventing crime", "prevent the commission"),
    "BRING_OFFENDERS_TO_JUSTICE": ("offenders to justice", "bring offenders",
                                   "detect crime", "detection of crime"),
    "LEGAL_DUTIES": ("legal duty", "legal duties", "statutory duty"),
}

#: Formats each product kind may be written as.
FORMATS: dict[str, tuple[str, ...]] = {
    "table": ("csv", "xlsx", "html", "docx"),
    "geotable": ("csv", "xlsx", "geojson", "gpkg", "html", "docx"),
    "graph": ("xlsx", "html", "docx", "anx"),
    "html": ("html",),
    "figure": ("png", "docx", "html"),
    "document": ("html", "docx"),
}
_SUFFIX = {".csv": "csv", ".xlsx": "xlsx", ".geojson": "geojson", ".json": "geojson",
           ".gpkg": "gpkg", ".html": "html", ".htm": "html", ".docx": "docx", ".png": "png",
           ".anx": "anx"}

CAVEATS = {
    "A1": "A1: for combination or corroboration only; no action without the originator's "
          "permission.",
    "A2": "A2: covert action only; not to be used as evidence or as grounds for arrest.",
    "A3": "A3: overt action only as the owner specifies.",
    "S1": "S1: may be sanitised further without supervision.",
    "S2": "S2: sanitised after consulting the originator; consult again before any change.",
}
@dataclass
class Prepared:
    """What the gate would do: problems by stage, and the sanitised content."""

    product: Product
    policy: SanitisationPolicy | None
    kind: RecipientKind | None
    fmt: str | None
    target: Path | None
    classification: str
    handling: str
    conditions: str
    caveats: list[str]
    problems: dict[str, list[str]] = field(default_factory=dict)
    result: SanitisationResult | None = None
    rendered_findings: Counter[str] = field(default_factory=Counter)
    sealed_sources: int = 0
    confirmed_values: int = 0
    confirm_all_ignored: bool = False

    @property
    def ok(self) -> bool:
        """Whether every check passed."""
        return not any(self.problems.values())

    def first_stage(self) -> tuple[str, list[str]] | None:
        """Return the first stage that found problems, with its problems, or None."""
        for stage, items in self.problems.items():
            if items:
                return stage, items
        return None

    @property
    def flagged(self) -> pd.DataFrame:
        """The values sanitisation flagged (field, row, kind, value)."""
        if self.result is None:
            return pd.DataFrame(columns=FLAG_COLUMNS)
        return self.result.flagged


def _text(value: object) -> str:
    return "" if value is None else str(value).strip()


def _policing_purpose(basis: str) -> bool:
    low = basis.lower()
    key = basis.strip().upper().replace(" ", "_")
    return key in POLICING_PURPOSES or any(
        p in low for phrases in POLICING_PURPOSES.values() for p in phrases
    )


def _codes(values: Iterable[Any]) -> set[str]:
    out: set[str] = set()
    for v in values:
        if v is None or (isinstance(v, float) and pd.isna(v)):
            continue
        out.update(c for c in re.split(r"[\s,;/]+", str(v).upper()) if c)
    return out


#: 5x5x5 handling codes (third character of a legacy grade) -> recipient kinds allowed [K].
LEGACY_HANDLING: dict[str, frozenset[str]] = {
    "1": frozenset({"POLICE_FORCE", "LAW_ENFORCEMENT"}),
    "2": frozenset({"POLICE_FORCE", "LAW_ENFORCEMENT", "PARTNER_ISA"}),
    "3": frozenset({"POLICE_FORCE", "LAW_ENFORCEMENT"}),
    "4": frozenset(),
    "5": frozenset(),
}


def _inputs(
    product: Product, ws: Any
) -> tuple[list[str], list[tuple[str, Any]], list[str], set[str], bool]:
    """Classifications, handling fields, conditions, action/sanitisation codes and NFD."""
    classes = [product.classification]
    handling: list[tuple[str, Any]] = [("handling", product.handling)]
    conditions = [product.handling_conditions] if product.handling_conditions else []
    codes = set(product.action_codes) | set(product.sanitisation_codes)
    nfd = bool(product.not_for_dissemination)
    content = product.content
    if isinstance(content, pd.DataFrame):
        cols = {str(c).lower(): c for c in content.columns}
        if "classification" in cols:
            classes += [v for v in content[cols["classification"]].dropna().unique()]
        for key in GRADE_KEYS:
            if key in cols:
                handling += [(key, v) for v in content[cols[key]].dropna().unique()]
        if "handling_conditions" in cols:
            conditions += [str(v) for v in content[cols["handling_conditions"]].dropna().unique()
                           if str(v).strip()]
        for c in ("action_code", "sanitisation_code"):
            if c in cols:
                codes |= _codes(content[cols[c]].dropna().unique())
        for c in ("not_for_dissemination", "nfd"):
            if c in cols:
                nfd = nfd or bool(content[cols[c]].fillna(False).astype(bool).any())
    if ws is not None:
        for urn in product.cited_reports:
            if not ws.exists("report", urn):
                continue
            doc = ws.get("report", urn)
            classes.append(doc.get("classification") or "OFFICIAL")
            handling += [(k, doc.get(k)) for k in GRADE_KEYS if doc.get(k) is not None]
            if doc.get("handling_conditions"):
                conditions.append(str(doc["handling_conditions"]))
            codes |= _codes([doc.get("action_code"), doc.get("sanitisation_code")])
            nfd = nfd or bool(doc.get("not_for_dissemination"))
    return classes, handling, conditions, codes, nfd


#: Report states in which its sanitised text has been made and checked.
SANITISED_STATES = frozenset({"SANITISED", "DISSEMINATED"})


def _unsanitised(product: Product, ws: Any) -> list[str]:
    """URNs of cited reports with no sanitised text or not yet in a sanitised state."""
    if ws is None:
        return []
    out = []
    for urn in product.cited_reports:
        if ws.exists("report", urn):
            doc = ws.get("report", urn)
            if (not _text(doc.get("sanitised_text"))
                    or _text(doc.get("status")).upper() not in SANITISED_STATES):
                out.append(urn)
    return out


def _rendered_text(product: Product) -> str:
    fig = product.content
    fig.canvas.draw()
    from matplotlib.text import Text

    return "\n".join(t.get_text() for t in fig.findobj(Text) if t.get_text())


def prepare(
    product: Product,
    *,
    to: Any,
    purpose: str | None,
    basis: str | None,
    necessity: str | None,
    path: str | Path | None,
    fmt: str | None,
    ws: Any,
    acknowledge_conditions: bool,
    confirm_flagged: bool | Iterable[str],
    originator_consultation: str | None,
    known: KnownTerms | None,
    policy: SanitisationPolicy | None,
    areas: Any,
    drop: Iterable[str] = (),
    release: Any = None,
) -> Prepared:
    """Run every check in the gate's order and sanitise; collect problems, write nothing."""
    problems: dict[str, list[str]] = {k: [] for k in (
        "request", "handling", "not for dissemination", "classification", "sanitisation",
        "output")}
    req = problems["request"]
    kind: RecipientKind | None = None
    if to is None:
        req.append("recipient (to=Recipient(name, organisation, kind))")
    else:
        if not _text(getattr(to, "name", None)):
            req.append("recipient name")
        if not _text(getattr(to, "organisation", None)):
            req.append("recipient organisation")
        raw_kind = getattr(to, "kind", None)
        if not _text(raw_kind):
            req.append(f"recipient kind (one of {', '.join(k.value for k in RecipientKind)})")
        else:
            try:
                kind = RecipientKind.parse(raw_kind)
            except ParameterError as exc:
                req.append(str(exc))
    if not _text(purpose):
        req.append("purpose")
    b = _text(basis)
    if not b:
        req.append("legal basis (a policing purpose, or for partners an ISA or statutory basis)")
    elif kind is not None and kind is not RecipientKind.PARTNER_ISA and not _policing_purpose(b):
        req.append(
            "legal basis: expected a policing purpose ("
            + ", ".join(k.lower().replace("_", " ") for k in POLICING_PURPOSES)
            + f") for a {kind.value} recipient; got a basis that names none"
        )
    if kind is RecipientKind.PARTNER_ISA and not (
        _text(getattr(to, "isa_ref", None)) or _text(getattr(to, "statutory_gateway", None))
    ):
        req.append("ISA reference or statutory gateway (Recipient isa_ref= or statutory_gateway=)")
    if len(_text(necessity)) < 20:
        req.append("necessity and proportionality statement (at least 20 characters)")
    if ws is None:
        req.append("workspace (ws=, for the audit log and register)")
    if path is None or not _text(path):
        req.append("path (a folder or a file name)")

    pol = policy or (policy_for(kind) if kind is not None else None)

    # handling codes
    classes, handling_items, conditions, codes, nfd = _inputs(product, ws)
    handling, legacy, bad = handling_values(handling_items)
    hand = problems["handling"]
    if bad:
        hand.append(f"handling code: expected P or C (or a 3x5x2 grade such as 2BC, or a "
                    f"5x5x5 grade such as B25); got {', '.join(sorted(bad))}")
    strict = sorted(c for c in legacy if c in ("4", "5"))
    if strict:  # legacy handling 4 and 5 restrict as handling C does, and more
        conditions.append(f"legacy 5x5x5 handling code {'/'.join(strict)}: no dissemination "
                          "outside the originating agency without the originator's consent")
    level = "C" if "C" in handling or strict else "P"
    cond = "; ".join(dict.fromkeys(c.strip() for c in conditions if c.strip()))
    unknown = sorted(codes - set(CAVEATS))
    if unknown:
        hand.append("action/sanitisation code: expected A1, A2, A3, S1 or S2; got "
                    + ", ".join(unknown))
    if codes & set(CAVEATS) and level != "C":
        hand.append("action and sanitisation codes (A1-A3, S1-S2) are valid only under handling C")
    if level == "C":
        if not cond:
            hand.append("handling C: the conditions are missing (handling_conditions)")
        if not acknowledge_conditions:
            hand.append(
                "handling C: the conditions must be acknowledged (acknowledge_conditions=True)"
            )
        if pol is not None and not pol.allow_conditional:
            hand.append(f"handling C material may not go to a {pol.kind.value} recipient")
    if "S2" in codes and not _text(originator_consultation):
        hand.append("S2: the originator consultation must be recorded (originator_consultation=)")
    if pol is not None and pol.kind is RecipientKind.PUBLIC and codes & {"A1", "A2"}:
        hand.append("A1/A2 material may not go to the public")
    caveats = [CAVEATS[c] for c in sorted(codes & set(CAVEATS))]
    for code in sorted(legacy):
        allowed_kinds = LEGACY_HANDLING.get(code)
        if allowed_kinds is None:
            hand.append(f"legacy 5x5x5 handling code: expected 1-5; got {code!r}")
        elif kind is not None and kind.value not in allowed_kinds:
            hand.append(f"legacy 5x5x5 handling code {code} does not permit sharing with a "
                        f"{kind.value} recipient (re-evaluate under 3x5x2 or consult the "
                        "originator)")

    if nfd:
        problems["not for dissemination"].append(
            "the product or one of its inputs is marked not for dissemination")
    pattern, groups = nfd_pattern(ws)
    if pattern is not None and product.kind != "figure":
        leaves = None
        if product.kind == "html":
            rep = inspect_html(str(product.content))
            leaves = rep.text + rep.leaves
        hits = nfd_hits(product.content, pattern, leaves)
        if hits:
            problems["not for dissemination"].append(
                f"the product holds a group marked not for dissemination ({', '.join(groups)})"
                f" or its members, at {', '.join(hits[:5])}"
                + (f" and {len(hits) - 5} more place(s)" if len(hits) > 5 else ""))

    top = "OFFICIAL"
    cls_problems = problems["classification"]
    for c in classes:
        try:
            norm = normalise_classification(c)
        except ParameterError as exc:
            cls_problems.append(str(exc))
            continue
        if CLASSIFICATIONS.index(norm) > CLASSIFICATIONS.index(top):
            top = norm
    if top in ("SECRET", "TOP SECRET"):
        cls_problems.append(f"classification {top}: SECRET and above cannot leave through the "
                            "workbench")
    elif pol is not None and CLASSIFICATIONS.index(top) > CLASSIFICATIONS.index(
        pol.max_classification
    ):
        cls_problems.append(f"classification {top}: above the {pol.max_classification} a "
                            f"{pol.kind.value} recipient may receive")

    # output format and target
    out = problems["output"]
    target: Path | None = None
    chosen = fmt.lower().lstrip(".") if fmt else None
    if path is not None and _text(path):
        target = Path(path)
        if target.suffix.lower() in _SUFFIX and not target.is_dir():  # a file name
            chosen = chosen or _SUFFIX[target.suffix.lower()]
            if target.parent.exists() and not target.parent.is_dir():
                out.append(f"path: {str(target.parent)!r} is a file, not a folder")
            elif target.exists():
                out.append(f"path: {target.name!r} exists; the gate never overwrites a "
                           "disclosure")
        elif target.exists() and not target.is_dir():
            out.append(f"path: {str(target)!r} is a file without a known extension; give a "
                       f"folder or a file name ending in {', '.join(sorted(_SUFFIX))}")
        # a missing folder is created when the file is written
    allowed = FORMATS.get(product.kind or "", ())
    if chosen is None:
        out.append(f"fmt: expected one of {', '.join(allowed)}; got None")
    elif chosen not in allowed:
        out.append(f"fmt: expected one of {', '.join(allowed)} for a {product.kind} product; "
                   f"got {chosen!r}")

    prepared = Prepared(product, pol, kind, chosen, target, top, level, cond, caveats, problems)
    if pol is None:
        return prepared
    # the release of flagged values, the sealed register and original wording
    san = problems["sanitisation"]
    if pol.kind is not RecipientKind.POLICE_FORCE:
        raw = _unsanitised(product, ws)
        if raw:
            san.append(f"{len(raw)} cited report(s) have no sanitised text or are not yet "
                       f"sanitised (status SANITISED), so they may not leave the force: "
                       + ", ".join(raw[:10]) + (" ..." if len(raw) > 10 else ""))
    release_pred: Callable[[str, str, str], bool] | None = None
    if release is not None:
        if getattr(release, "product_id", None) != product.product_id:
            req.append("release: it was made from a dry run of another product (make it with "
                       "dry.release(...) from a dry run of this product)")
        else:
            release_pred = release.allows
    if confirm_flagged is True:  # releases nothing unseen; recorded in the register
        prepared.confirm_all_ignored = True
    elif not isinstance(confirm_flagged, bool) and confirm_flagged is not None:
        confirmed = frozenset(map(str, confirm_flagged))
        prepared.confirmed_values = len(confirmed)
        previous = release_pred

        def release_pred(f: str, k: str, v: str) -> bool:
            return v in confirmed or (previous is not None and previous(f, k, v))

    sealed = load_sealed(ws, reason=f"dissemination gate: {purpose or 'dry run'}"[:200])
    prepared.sealed_sources = len(sealed.refs)
    known = sealed.merged(known) if sealed.refs or sealed.names else known
    originals = original_sentences(_originals(product, ws))
    # sanitise (deny by default) or, for rendered products, check
    content = product.content
    red = make_redactor(known, pol.patterns)
    roles = product.roles
    if is_comms(content) and pol.kind not in (RecipientKind.POLICE_FORCE,
                                               RecipientKind.LAW_ENFORCEMENT):
        if not pol.allow_communications_data:
            san.append(f"communications data is sensitive: it may not go to a {pol.kind.value} "
                       "recipient unless the policy allows it (allow_communications_data=True)"
                       "; it then leaves as counts by day without numbers")
        content, roles = aggregate_comms(pd.DataFrame(content)), None
    if (pol.kind is RecipientKind.PUBLIC and product.kind in ("table", "geotable")
            and has_points(content)):  # points never go to the public
        content, roles = aggregate_points(pd.DataFrame(content) if not hasattr(
            content, "geometry") else content, grid=pol.grid_size), None
        if prepared.fmt in ("geojson", "gpkg"):
            problems["output"].append(f"fmt: points never go to the public; counts per area "
                                      f"go as csv, xlsx, html or docx, not {prepared.fmt}")
    if product.kind in ("table", "geotable"):
        prepared.result = sanitise_frame(content, pol, known=known, areas=areas,
                                         roles=roles, release=release_pred,
                                         originals=originals)
        if roles is None and has_points(product.content) and pol.kind is RecipientKind.PUBLIC:
            prepared.result.notes.append("Locations: counts per LSOA or grid cell; small "
                                         "counts are suppressed.")
        if is_comms(product.content) and roles is None:
            prepared.result.notes.append("Communications data: counts of records by day; "
                                         "numbers are replaced by labels (Phone A, Phone B).")
    elif product.kind == "graph":
        prepared.result = sanitise_graph(content, pol, known=known, release=release_pred)
    elif product.kind == "document":
        res = SanitisationResult(content=None)
        ctx = DocContext(pol, known, red, release_pred, originals)
        res.content = sanitise_document(content, ctx, res)
        prepared.result = res
    elif product.kind == "html":
        prepared.result, html_problems = sanitise_html(str(content), pol, red, release_pred)
        san += html_problems
    else:
        text = _rendered_text(product)
        found = red.contains_sensitive(text)
        prepared.rendered_findings = found
        if found:
            kinds = ", ".join(f"{k} x{n}" for k, n in sorted(found.items()))
            san.append(f"the rendered {product.kind} holds values that must be redacted "
                       f"({kinds}); build it from sanitised data")

        def rel(kind: str, value: str) -> bool:
            return release_pred is not None and release_pred("text", kind, value)

        sr = red.scan_many([text], release=rel)
        res = SanitisationResult(content=content)
        if sr.flags:
            res.flagged = _flag_table([("text", 0, f.kind, f.value,
                                        _context(text, f.start, f.end), f.action)
                                       for _, f in sr.flags], "")
            held = int((~res.flagged["released"]).sum())
            if held:
                san.append(f"{held} value(s) flagged by the text check in the rendered "
                           f"{product.kind} cannot be withheld from it; release them after a "
                           "dry run (release=dry.release(...)) or build it from sanitised data")
        prepared.result = res
    title_hits = red.contains_sensitive(product.title)
    if title_hits:
        san.append("the product title holds values that must be redacted ("
                   + ", ".join(sorted(title_hits)) + "); give it a title free of personal data")
    res_ = prepared.result
    if res_ is not None:
        san.extend(res_.hollow)
        acknowledged = {str(d) for d in drop}
        unacked = [f for f in res_.dropped if f not in acknowledged
                   and f.rsplit(".", 1)[-1] not in acknowledged]
        if unacked and not res_.hollow:
            san.append(
                "the gate would drop field(s) the product holds: "
                + "; ".join(f"{f} ({res_.dropped[f]})" for f in unacked[:20])
                + (f" and {len(unacked) - 20} more" if len(unacked) > 20 else "")
                + "; acknowledge with drop=[...] naming them, or change the product")
    return prepared


def _originals(product: Product, ws: Any) -> list[str]:
    """Original wording of the reports the product cites (from the workspace)."""
    out: list[str] = []
    if ws is None:
        return out
    for urn in product.cited_reports:
        if ws.exists("report", urn):
            doc = ws.get("report", urn)
            for key in ("original_text", "unsanitised_text", "raw_text"):
                if isinstance(doc.get(key), str):
                    out.append(doc[key])
    return out
