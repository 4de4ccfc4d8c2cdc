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

import contextlib
import hashlib
import html
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd

try:
    import fcntl
except ImportError:  # pragma: no cover - not on Windows
    fcntl = None  # type: ignore[assignment]

from intelbench.exceptions import DisseminationRefused, DisseminationWriteError
from intelbench.gate.checks import Prepared, prepare
from intelbench.gate.dryrun import DryRun, dry_run_of, sanitised_content
from intelbench.gate.policy import KnownTerms, RecipientKind, SanitisationPolicy
from intelbench.gate.products import as_product
from intelbench.gate.release import Release
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


def _next_ref(ws: Any, when: datetime) -> str:
    prefix = f"DIS-{when:%Y}-"
    nums = [int(k[len(prefix):]) for k in ws.keys(REGISTER_KIND)
            if k.startswith(prefix) and k[len(prefix):].isdigit()]
    return f"{prefix}{max(nums, default=0) + 1:06d}"


def sidecar_path(target: Path) -> Path:
    """Return the marking note beside a CSV product (``X.csv`` -> ``X.marking.txt``)."""
    return target.with_name(target.stem + ".marking.txt")


def _make_folder(folder: Path) -> list[Path]:
    """Create a missing destination folder; return the folders created (deepest last)."""
    missing = []
    p = folder
    while not p.exists():
        missing.append(p)
        p = p.parent
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DisseminationWriteError(
            f"path: the folder {str(folder)!r} could not be created ({exc}); nothing was written"
        ) from exc
    return list(reversed(missing))


@contextlib.contextmanager
def _register_lock(ws: Any) -> Iterator[None]:
    """Hold an exclusive lock on the workspace's register while a reference is given out.

    A folder workspace locks a file in it; a PostgreSQL workspace (analysts on several
    machines) also holds a PostgreSQL advisory lock keyed by its schema.
    """
    engine = getattr(ws, "engine", None)
    if engine is not None and getattr(engine.dialect, "name", "") == "postgresql":
        key = "SELECT hashtext(current_schema() || '.ib_dissemination_register')"
        with engine.connect() as conn:
            conn.exec_driver_sql(f"SELECT pg_advisory_lock(({key}))")
            try:
                with _file_lock(ws):
                    yield
            finally:
                conn.exec_driver_sql(f"SELECT pg_advisory_unlock(({key}))")
                conn.rollback()
        return
    with _file_lock(ws):
        yield


@contextlib.contextmanager
def _file_lock(ws: Any) -> Iterator[None]:
    root = getattr(ws, "path", None)
    if fcntl is None or not isinstance(root, Path) or not root.is_dir():
        yield
        return
    with open(root / ".dissemination.lock", "a+b") as fh:
        fcntl.flock(fh.fileno(), fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh.fileno(), fcntl.LOCK_UN)


def _short(text: object, limit: int = 400) -> str | None:
    return None if text is None else str(text)[:limit]


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
    if dry_run:
        return _disseminate(prod, to, purpose, basis, necessity, path, fmt, ws,
                            acknowledge_conditions, confirm_flagged, originator_consultation,
                            known, policy, areas, True, drop, release)
    with _register_lock(ws):  # one reference per disclosure, across processes
        return _disseminate(prod, to, purpose, basis, necessity, path, fmt, ws,
                            acknowledge_conditions, confirm_flagged, originator_consultation,
                            known, policy, areas, False, drop, release)


def _disseminate(prod: Any, to: Recipient | None, purpose: str | None, basis: str | None,
                 necessity: str | None, path: str | Path | None, fmt: str | None, ws: Any,
                 acknowledge_conditions: bool, confirm_flagged: bool | Iterable[str],
                 originator_consultation: str | None, known: KnownTerms | None,
                 policy: SanitisationPolicy | None, areas: Any, dry_run: bool,
                 drop: Iterable[str], release: Release | None) -> DisseminationRecord | DryRun:
    prep = prepare(
        prod, to=to, purpose=purpose, basis=basis, necessity=necessity, path=path, fmt=fmt,
        ws=ws, acknowledge_conditions=acknowledge_conditions, confirm_flagged=confirm_flagged,
        originator_consultation=originator_consultation, known=known, policy=policy,
        areas=areas, drop=drop, release=release,
    )
    now = datetime.now(UTC)
    ref = _next_ref(ws, now) if ws is not None else f"DIS-{now:%Y}-??????"
    dry = dry_run_of(prep, ref)
    if dry_run:
        return dry
    failed = prep.first_stage()
    if failed is not None:
        stage, items = failed
        if stage == "request":  # everything wrong with the request itself, at once
            items = items + [f"output: {p}" for p in prep.problems.get("output", [])]
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
    created = _make_folder(target.parent)
    tmp = target.with_name(f".~dis-{os.getpid()}-{ref}.{prep.fmt}")
    side = sidecar_path(target) if prep.fmt == "csv" else None
    side_tmp = tmp.with_name(tmp.name + ".note") if side is not None else None
    placed: list[Path] = []
    try:
        released = _released(dry, release, prep)
        write(prep.fmt, sanitised_content(prep), prod.kind, tmp, marking)
        if side_tmp is not None:
            side_tmp.write_text("\n".join(marking.lines()) + "\n", encoding="utf-8")
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
        os.replace(tmp, target)
        placed.append(target)
        if side is not None and side_tmp is not None:
            os.replace(side_tmp, side)
            placed.append(side)
            doc["sidecar"] = side.name
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
        placed.clear()  # recorded: the files stay
    except Exception as exc:
        if isinstance(exc, OSError | sqlite3.Error) or type(exc).__module__.startswith(
            "sqlalchemy"
        ):
            raise DisseminationWriteError(
                f"dissemination {ref}: writing {target.name} to {str(target.parent)!r} failed "
                f"({type(exc).__name__}: {exc}); nothing was written or recorded"
            ) from exc
        raise
    finally:
        for p in (tmp, side_tmp, *placed):
            if p is not None and p.exists():
                p.unlink()
        if placed or not target.exists():
            for folder in reversed(created):
                with contextlib.suppress(OSError):
                    folder.rmdir()
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
