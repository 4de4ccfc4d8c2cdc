"""The dissemination gate: the one way a product leaves the workspace.

:func:`disseminate` checks, in order, the request (recipient, purpose, legal basis, necessity
and proportionality), the handling codes, the not-for-dissemination marking and the
classification; sanitises the product under the recipient's policy (deny by default); and only
then writes the file, atomically, with the marking, handling conditions and a dissemination
reference on every page or sheet. Each disclosure is written to the audit log (DISCLOSE: who,
when, recipient, purpose, basis, product id and the file's SHA-256, never the content) and to
the register of disseminations. ``dry_run=True`` shows what would leave and writes nothing.
"""

from __future__ import annotations

import hashlib
import html
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import DisseminationRefused
from intelbench.gate.checks import Prepared, prepare
from intelbench.gate.policy import KnownTerms, RecipientKind, SanitisationPolicy
from intelbench.gate.products import as_product
from intelbench.gate.release import Release, release_from
from intelbench.gate.writers import Marking, write

__all__ = ["DisseminationRecord", "DryRun", "Recipient", "disseminate", "export_register",
           "register"]

REGISTER_KIND = "dissemination"


@dataclass(frozen=True)
class Recipient:
    """Who a product goes to.

    Attributes
    ----------
    name : str
        The person or role receiving it.
    organisation : str
        Their organisation.
    kind : str
        POLICE_FORCE, LAW_ENFORCEMENT, PARTNER_ISA or PUBLIC (checked by the gate).
    isa_ref : str or None
        Information sharing agreement reference (partners).
    statutory_gateway : str or None
        Statutory gateway for sharing (partners without an ISA).
    email : str or None
        Contact address (kept in the register, never in the file).

    Examples
    --------
    >>> r = ib.Recipient("Community Safety Manager", "Northshire CSP", "PARTNER_ISA",
    ...                  isa_ref="ISA-12")
    >>> r.label
    'Community Safety Manager (Northshire CSP)'
    """

    name: str
    organisation: str
    kind: str
    isa_ref: str | None = None
    statutory_gateway: str | None = None
    email: str | None = None

    @property
    def label(self) -> str:
        """Name and organisation, as printed in the file."""
        return f"{self.name} ({self.organisation})"


@dataclass(frozen=True)
class DisseminationRecord:
    """One disclosure, as written to the register.

    Attributes
    ----------
    ref : str
        Dissemination reference, e.g. ``DIS-2026-000001``.
    path : Path
        The file written.
    sha256 : str
        SHA-256 of the file.
    size : int
        Bytes written.
    fmt : str
        Format written.
    doc : dict
        The register entry (also stored in the workspace under kind ``"dissemination"``).
    """

    ref: str
    path: Path
    sha256: str
    size: int
    fmt: str
    doc: dict[str, Any] = field(default_factory=dict)

    def _repr_html_(self) -> str:
        rows = "".join(
            f"<tr><th>{html.escape(str(k))}</th><td>{html.escape(str(v))}</td></tr>"
            for k, v in self.doc.items()
        )
        return f"<table>{rows}</table>"


@dataclass
class DryRun:
    """What the gate would do, before anything is written.

    Attributes
    ----------
    ok : bool
        Whether the gate would write the file.
    problems : dict of str to list of str
        Every problem found, by stage.
    ref : str
        The reference the dissemination would get.
    target : Path or None
        The file that would be written.
    fmt : str or None
        The format.
    classification, handling, conditions : str
        The marking carried into the file.
    caveats : list of str
        Action and sanitisation code caveats carried into the file.
    fields_out : list of str
        Fields that would leave.
    rows_out : int or None
        Rows that would leave (tables).
    dropped : dict of str to str
        Fields removed, and why.
    redactions : DataFrame
        Values redacted: field, kind, count.
    flagged : DataFrame
        Values the text check flagged, one row per distinct value in a field: id, field,
        row, rows, kind, value, context (the text around it) and released. Values not
        released are withheld; release them with :meth:`release`.
    generalised : list of str
        Generalisations applied.
    suppressed : tuple of int
        (small counts suppressed, further counts suppressed).
    preview : object
        The sanitised content (first rows for tables).
    fields : DataFrame
        Field by field: field, role, why (declared or inferred), action (kept, dropped,
        generalised) and reason.
    product_id : str
        The product's id (a release made from this dry run applies to it only).
    """

    ok: bool
    problems: dict[str, list[str]]
    ref: str
    target: Path | None
    fmt: str | None
    classification: str
    handling: str
    conditions: str
    caveats: list[str]
    fields_out: list[str]
    rows_out: int | None
    dropped: dict[str, str]
    redactions: pd.DataFrame
    flagged: pd.DataFrame
    generalised: list[str]
    suppressed: tuple[int, int]
    preview: Any
    fields: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(
        columns=["field", "role", "why", "action", "reason"]))
    product_id: str = ""
    confirm_all_ignored: bool = False

    def release(self, *selectors: str, kinds: Iterable[str] = ()) -> Release:
        """Release flagged values shown by this dry run, one by one or by class.

        Parameters
        ----------
        *selectors : str
            Ids (``F...``, the ``id`` column of :attr:`flagged`) or values.
        kinds : iterable of str
            Classes to release whole (``"NAME_LIKE"``, ``"LONG_DIGITS"``, ``"CODE"``).

        Returns
        -------
        Release
            Pass it to :func:`disseminate` as ``release=``; it is recorded in the audit entry.
        """
        return release_from(self.flagged, self.product_id, selectors, kinds)

    def lines(self) -> list[str]:
        """Return the dry run as text lines."""
        out = [
            f"Dry run {self.ref}: {'would write' if self.ok else 'WOULD BE REFUSED'} "
            f"{self.target if self.target is not None else '(no path)'} as {self.fmt}",
            f"Marking: {self.classification}; handling {self.handling}"
            + (f" ({self.conditions})" if self.conditions else ""),
        ]
        out += [f"Caveat: {c}" for c in self.caveats]
        for stage, items in self.problems.items():
            out += [f"Problem ({stage}): {p}" for p in items]
        out.append(f"Fields out ({len(self.fields_out)}): {', '.join(self.fields_out)}")
        if self.rows_out is not None:
            out.append(f"Rows out: {self.rows_out}")
        for r in self.fields.itertuples(index=False):
            out.append(f"Field {r.field}: {r.action} - {r.role} ({r.why}); {r.reason}")
        out += [f"Dropped {k}: {v}" for k, v in self.dropped.items()]
        for r in self.redactions.itertuples(index=False):
            out.append(f"Redacted {r.count} x {r.kind} in {r.field}")
        out += [f"Generalised {g}" for g in self.generalised]
        if any(self.suppressed):
            out.append(f"Suppressed {self.suppressed[0]} small counts and "
                       f"{self.suppressed[1]} further counts")
        if self.confirm_all_ignored:
            out.append("confirm_flagged=True releases nothing: release values with .release()")
        if len(self.flagged):
            rel = int(self.flagged["released"].sum()) if "released" in self.flagged else 0
            out.append(f"Flagged: {len(self.flagged)} value(s); {len(self.flagged) - rel} "
                       f"withheld, {rel} released (see .flagged; release with .release())")
        return out

    def __str__(self) -> str:
        return "\n".join(self.lines())

    def _repr_html_(self) -> str:
        items = "".join(f"<li>{html.escape(line)}</li>" for line in self.lines())
        parts = [f"<div class='ib-dryrun'><ul>{items}</ul>"]
        if len(self.fields):
            parts.append("<h4>Fields</h4>" + self.fields.to_html(escape=True, index=False))
        if len(self.flagged):
            parts.append("<h4>Flagged values (withheld unless released)</h4>"
                         + self.flagged.to_html(escape=True, index=False))
        if isinstance(self.preview, pd.DataFrame):
            parts.append("<h4>What would leave (first rows)</h4>"
                         + pd.DataFrame(self.preview).head(20).to_html(escape=True))
        return "".join(parts) + "</div>"


def _next_ref(ws: Any, when: datetime) -> str:
    prefix = f"DIS-{when:%Y}-"
    nums = [int(k[len(prefix):]) for k in ws.keys(REGISTER_KIND)
            if k.startswith(prefix) and k[len(prefix):].isdigit()]
    return f"{prefix}{max(nums, default=0) + 1:06d}"


def _short(text: object, limit: int = 400) -> str | None:
    return None if text is None else str(text)[:limit]


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "product"


def _sanitised_content(prep: Prepared) -> Any:
    return prep.result.content if prep.result is not None else prep.product.content


def _dry_run(prep: Prepared, ref: str) -> DryRun:
    content = _sanitised_content(prep)
    res = prep.result
    if isinstance(content, pd.DataFrame):
        fields_out = [str(c) for c in content.columns]
        rows: int | None = len(content)
        preview: Any = content.head(20)
    elif prep.product.kind == "graph":
        attrs = {k for _, d in content.nodes(data=True) for k in d}
        fields_out = ["node id"] + sorted(f"node.{a}" for a in attrs)
        rows = content.number_of_nodes()
        preview = content
    elif isinstance(content, dict):
        fields_out = [str(k) for k in content]
        rows, preview = None, content
    else:
        fields_out, rows, preview = [prep.product.kind or "content"], None, content
    target = prep.target
    if target is not None and prep.fmt is not None and target.suffix.lower() not in (
        f".{prep.fmt}", ".htm", ".json"
    ):
        target = target / f"{ref}_{_slug(prep.product.title)}.{prep.fmt}"
    return DryRun(
        ok=prep.ok,
        problems={k: v for k, v in prep.problems.items() if v},
        ref=ref,
        target=target,
        fmt=prep.fmt,
        classification=prep.classification,
        handling=prep.handling,
        conditions=prep.conditions,
        caveats=prep.caveats,
        fields_out=fields_out,
        rows_out=rows,
        dropped=dict(res.dropped) if res else {},
        redactions=(
            res.redaction_table() if res else pd.DataFrame(columns=["field", "kind", "count"])
        ),
        flagged=prep.flagged,
        generalised=list(res.generalised) if res else [],
        suppressed=(res.suppressed, res.secondary_suppressed) if res else (0, 0),
        preview=preview,
        fields=_field_table(res, prep),
        product_id=str(prep.product.product_id),
        confirm_all_ignored=prep.confirm_all_ignored,
    )


def _field_table(res: Any, prep: Prepared) -> pd.DataFrame:
    rows = [] if res is None else [
        (f.field, f.role, f.why, f.action, f.reason) for f in res.fields]
    gen = {g.split(":", 1)[0].strip() for g in (res.generalised if res else [])}
    frame = pd.DataFrame(rows, columns=["field", "role", "why", "action", "reason"])
    if len(frame):
        hit = frame["field"].isin(gen) & (frame["action"] == "kept")
        frame.loc[hit, "action"] = "generalised"
        for g in res.generalised:
            name, _, how = g.partition(":")
            frame.loc[frame["field"] == name.strip(), "reason"] += f"; {how.strip()}"
    return frame


def disseminate(
    product: Any,
    to: Recipient | None = None,
    *,
    purpose: str | None = None,
    basis: str | None = None,
    necessity: str | None = None,
    path: str | Path | None = None,
    fmt: str | None = None,
    ws: Any = None,
    acknowledge_conditions: bool = False,
    confirm_flagged: bool | Iterable[str] = False,
    originator_consultation: str | None = None,
    known: KnownTerms | None = None,
    policy: SanitisationPolicy | None = None,
    areas: Any = None,
    dry_run: bool = False,
    drop: Iterable[str] = (),
    release: Release | None = None,
) -> DisseminationRecord | DryRun:
    """Send a product through the dissemination gate.

    Parameters
    ----------
    product : object
        A :class:`Product`, anything with ``to_product()``, a DataFrame, GeoDataFrame,
        networkx graph, HTML string, matplotlib Figure, dict or object with ``to_dict()``.
    to : Recipient
        The recipient (name, organisation, kind; partners need ``isa_ref`` or
        ``statutory_gateway``).
    purpose : str
        Why it is shared.
    basis : str
        The legal basis: a policing purpose (police, law enforcement, public) or, for
        partners, the ISA or statutory basis.
    necessity : str
        The necessity and proportionality statement (at least 20 characters).
    path : str or Path
        A folder (the file is named from the reference) or a file name.
    fmt : str, optional
        csv, xlsx, geojson, gpkg, html, docx or png; inferred from ``path``'s suffix if None.
    ws : Workspace
        The workspace whose audit log and register record the disclosure.
    acknowledge_conditions : bool
        The person disseminating acknowledges handling C conditions.
    confirm_flagged : iterable of str
        Flagged values a person checked and releases (prefer ``release=``). ``True`` releases
        nothing (it would release every flagged value unseen); the register records that it
        was passed.
    originator_consultation : str, optional
        Record of consulting the originator (needed for S2).
    known : KnownTerms, optional
        Names and references the workspace knows (nominals, sealed sources).
    policy : SanitisationPolicy, optional
        Overrides the default policy of the recipient's kind.
    areas : GeoDataFrame, optional
        Areas for policies that generalise places to areas.
    dry_run : bool
        Return a :class:`DryRun` and write nothing.
    drop : iterable of str
        Fields the analyst agrees the gate drops (as the dry run names them). A product whose
        fields would be dropped without this acknowledgement is refused, and so is a table
        with no field left or a document section left empty.
    release : Release, optional
        Flagged values released after a dry run (``dry.release(...)``); every other flagged
        value is withheld. The release is recorded in the audit entry and the register.

    Returns
    -------
    DisseminationRecord or DryRun

    Raises
    ------
    DisseminationRefused
        Naming every problem of the first stage that fails (request, handling, not for
        dissemination, classification, sanitisation, output). Nothing is written.
    """
    prod = as_product(product)
    prep = prepare(
        prod, to=to, purpose=purpose, basis=basis, necessity=necessity, path=path, fmt=fmt,
        ws=ws, acknowledge_conditions=acknowledge_conditions, confirm_flagged=confirm_flagged,
        originator_consultation=originator_consultation, known=known, policy=policy,
        areas=areas, drop=drop, release=release,
    )
    now = datetime.now(UTC)
    ref = _next_ref(ws, now) if ws is not None else f"DIS-{now:%Y}-??????"
    dry = _dry_run(prep, ref)
    if dry_run:
        return dry
    failed = prep.first_stage()
    if failed is not None:
        stage, items = failed
        raise DisseminationRefused(
            f"dissemination refused ({stage}); nothing was written: " + "; ".join(items)
        )
    assert to is not None and dry.target is not None and prep.fmt is not None
    assert prep.policy is not None and prod.kind is not None
    res = prep.result
    notes = tuple(res.notes) if res is not None else ()
    marking = Marking(prep.classification, prep.handling, prep.conditions, ref, to.label,
                      prod.title, tuple(prep.caveats), notes)
    target = dry.target
    fd, tmp_name = tempfile.mkstemp(dir=target.parent, prefix=".~dis-", suffix=f".{prep.fmt}")
    os.close(fd)
    tmp = Path(tmp_name)
    try:
        tmp.unlink()  # writers create the file themselves (GeoPackage refuses an empty one)
        released = _released(dry, release, prep)
        write(prep.fmt, _sanitised_content(prep), prod.kind, tmp, marking)
        data = tmp.read_bytes()
        digest = hashlib.sha256(data).hexdigest()
        kind = RecipientKind.parse(to.kind)
        doc = {
            "ref": ref,
            "disseminated_at": now.isoformat(timespec="seconds"),
            "analyst": getattr(ws, "analyst", None),
            "recipient": to.name,
            "organisation": to.organisation,
            "recipient_kind": kind.value,
            "isa_ref": to.isa_ref,
            "statutory_gateway": to.statutory_gateway,
            "email": to.email,
            "purpose": purpose,
            "basis": basis,
            "necessity": necessity,
            "product_id": prod.product_id,
            "product_kind": prod.kind,
            "title": prod.title,
            "classification": prep.classification,
            "handling": prep.handling,
            "conditions": prep.conditions,
            "conditions_acknowledged": (
                bool(acknowledge_conditions) if prep.handling == "C" else None
            ),
            "caveats": prep.caveats,
            "originator_consultation": originator_consultation,
            "cited_reports": list(prod.cited_reports),
            "fmt": prep.fmt,
            "file": target.name,
            "sha256": digest,
            "bytes": len(data),
            "fields_out": dry.fields_out,
            "rows_out": dry.rows_out,
            "fields_dropped": sorted(dry.dropped),
            "drop_acknowledged": sorted(map(str, drop)),
            "values_redacted": int(dry.redactions["count"].sum()) if len(dry.redactions) else 0,
            **released,
        }
        # The register entry and its DISCLOSE audit entry are written in one transaction.
        ws.put(
            REGISTER_KIND, ref, doc, action="DISCLOSE", justification=str(purpose),
            recipient=to.label,
            detail={
                "ref": ref, "product_id": prod.product_id, "basis": _short(basis),
                "recipient_kind": kind.value, "isa_ref": _short(to.isa_ref),
                "statutory_gateway": _short(to.statutory_gateway), "file_sha256": digest,
                "file_bytes": len(data), "fmt": prep.fmt, "classification": prep.classification,
                "handling": prep.handling, "cited_reports": len(prod.cited_reports),
                "fields_dropped": [f[:200] for f in sorted(dry.dropped)][:100],
                **released,
            },
        )
        os.replace(tmp, target)
    finally:
        if tmp.exists():
            tmp.unlink()
    return DisseminationRecord(ref, target, digest, len(data), prep.fmt, doc)


def _released(dry: DryRun, release: Release | None, prep: Prepared) -> dict[str, Any]:
    """Return what the audit entry and register record about flagged values."""
    fl = dry.flagged
    n_rel = int(fl["released"].sum()) if len(fl) and "released" in fl else 0
    out: dict[str, Any] = {"flagged": len(fl), "flagged_withheld": len(fl) - n_rel,
                           "flagged_released": n_rel,
                           "sealed_sources_applied": prep.sealed_sources}
    if len(fl) and n_rel:
        rel = fl[fl["released"]]
        out["released_ids"] = rel["id"].astype(str).tolist()[:200]
        out["released_by_kind"] = {str(k): int(v) for k, v in rel["kind"].value_counts().items()}
    if release is not None:
        out["release"] = release.audit_detail()
    if prep.confirmed_values:
        out["released_via_confirm_flagged"] = prep.confirmed_values
    if prep.confirm_all_ignored:
        out["confirm_flagged_true_released_nothing"] = True
    return out


def register(ws: Any) -> pd.DataFrame:
    """List the register of disseminations, one row per disclosure (oldest first).

    Parameters
    ----------
    ws : Workspace
        The workspace.

    Returns
    -------
    DataFrame
        ref, disseminated_at, analyst, recipient, organisation, recipient_kind, isa_ref,
        statutory_gateway, purpose, basis, product_id, title, classification, handling, fmt,
        file, sha256 and the other register fields.
    """
    cols = ["ref", "disseminated_at", "analyst", "recipient", "organisation", "recipient_kind",
            "isa_ref", "statutory_gateway", "purpose", "basis", "necessity", "product_id",
            "title", "classification", "handling", "conditions", "fmt", "file", "sha256",
            "bytes", "rows_out", "values_redacted"]
    docs = [ws.get(REGISTER_KIND, k) for k in sorted(ws.keys(REGISTER_KIND))]
    frame = pd.DataFrame(docs)
    for c in cols:
        if c not in frame.columns:
            frame[c] = None
    rest = [c for c in frame.columns if c not in cols]
    return frame[cols + rest].reset_index(drop=True)


def export_register(ws: Any, path: str | Path) -> Path:
    """Write the register to CSV (or XLSX if ``path`` ends in .xlsx), atomically.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    path : str or Path
        The file to write.

    Returns
    -------
    Path
        The file written.
    """
    target = Path(path)
    frame = register(ws)
    for c in frame.columns:
        if frame[c].map(lambda v: isinstance(v, list | dict)).any():
            frame[c] = frame[c].map(lambda v: "; ".join(map(str, v)) if isinstance(v, list) else v)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".~reg-", suffix=target.suffix)
    os.close(fd)
    try:
        if target.suffix.lower() == ".xlsx":
            frame.to_excel(tmp, index=False, sheet_name="Register")
        else:
            frame.to_csv(tmp, index=False)
        os.replace(tmp, target)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)
    return target
