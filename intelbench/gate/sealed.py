"""The sealed-source register: names, aliases and references of covert sources.

It lives in the workspace (documents of kind ``"sealed_source"``, one per source) and the gate
applies it on its own to every product, without the caller passing ``known=``. Every read is
audited (CONSULT, with the reason); the register's content never enters the audit log.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.gate.policy import KnownTerms

__all__ = ["SEALED_KIND", "import_sealed_sources", "load_sealed", "seal_source"]

SEALED_KIND = "sealed_source"
_RANKS = {"DC", "DS", "DI", "DCI", "PC", "PS", "SGT", "INSP", "MR", "MRS", "MS", "MISS", "DR",
          "PCSO"}


def seal_source(ws: Any, ref: str, *, names: Iterable[str] = (), aliases: Iterable[str] = (),
                handlers: Iterable[str] = (), justification: str) -> int:
    """Add or update one covert source in the workspace's sealed register.

    Parameters
    ----------
    ws : Workspace
        The workspace.
    ref : str
        The source reference (e.g. ``"SRC-0042"``).
    names, aliases, handlers : iterable of str
        The source's names and aliases, and handler identities, all kept out of products.
    justification : str
        Why the register changes (audited).

    Returns
    -------
    int
        The document's new revision.

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> from intelbench.gate.sealed import seal_source, load_sealed
    >>> seal_source(ws, "SRC-0042", names=["Dee Lane"], aliases=["Dizzy"],
    ...             justification="registration")
    1
    >>> kt = load_sealed(ws, reason="test")
    >>> kt.refs, sorted(kt.names)
    (('SRC-0042',), ['Dee Lane', 'Dizzy'])
    """
    key = str(ref).strip()
    if not key:
        raise ParameterError("ref: expected a source reference; got an empty string")
    doc = {"ref": key, "names": [str(n) for n in names if str(n).strip()],
           "aliases": [str(a) for a in aliases if str(a).strip()],
           "handlers": [str(h) for h in handlers if str(h).strip()]}
    return int(ws.put(SEALED_KIND, _key(key), doc, action="COLLECT",
                      justification=justification))


def import_sealed_sources(ws: Any, sources: pd.DataFrame, *, justification: str) -> int:
    """Load a source register table (source_ref, source_name, handler, alias) into the workspace.

    Returns the number of sources written (in one transaction).
    """
    cols = {str(c).lower(): c for c in sources.columns}
    ref_col = cols.get("source_ref") or cols.get("ref")
    if ref_col is None:
        raise ParameterError("sources: expected a source_ref column; got "
                             + ", ".join(map(str, sources.columns)))
    docs: dict[str, dict[str, Any]] = {}
    for rec in sources.to_dict("records"):
        ref = str(rec[ref_col]).strip()
        if not ref or ref.lower() == "nan":
            continue

        def vals(*names: str, _rec: Any = rec) -> list[str]:
            out: list[str] = []
            for n in names:
                c = cols.get(n)
                if c is not None and isinstance(_rec[c], str) and _rec[c].strip():
                    out.extend(v.strip() for v in _rec[c].split(";") if v.strip())
            return out

        docs[_key(ref)] = {"ref": ref, "names": vals("source_name", "name"),
                           "aliases": vals("alias", "aliases"),
                           "handlers": vals("handler", "handler_name", "controller")}
    ws.put_many(SEALED_KIND, docs, action="COLLECT", justification=justification)
    return len(docs)


def load_sealed(ws: Any, *, reason: str) -> KnownTerms:
    """Read the sealed register as known terms; the read is audited (CONSULT) with ``reason``.

    Returns empty terms (and audits nothing) when the workspace holds no sealed sources.
    """
    if ws is None or not hasattr(ws, "keys"):
        return KnownTerms()
    keys = ws.keys(SEALED_KIND)
    if not keys:
        return KnownTerms()
    logs_reads = hasattr(ws, "consulting")  # the store logs the read itself (one CONSULT)
    docs = (ws.get_many(SEALED_KIND, keys, justification=reason) if logs_reads
            else ws.get_many(SEALED_KIND, keys))
    names: list[str] = []
    refs: list[str] = []
    pairs: list[tuple[str, str]] = []
    for doc in docs.values():
        refs.append(str(doc.get("ref", "")))
        for n in list(doc.get("names", [])) + list(doc.get("aliases", [])):
            names.append(n)
            parts = n.split()
            if len(parts) >= 2:
                pairs.append((parts[0], parts[-1]))
        for h in doc.get("handlers", []):
            parts = [p for p in h.split() if p.rstrip(".").upper() not in _RANKS]
            if any(ch.isdigit() for ch in h):  # a rank and collar number
                refs.append(h.strip())
            elif len(parts) >= 2:
                names.append(" ".join(parts))
                pairs.append((parts[0], parts[-1]))
    digest = hashlib.sha256("\n".join(sorted(keys)).encode()).hexdigest()[:16]
    if not logs_reads:
        ws.audit.record("CONSULT", justification=reason, record_ref=f"{SEALED_KIND}/*",
                        detail={"kind": SEALED_KIND, "sources": len(keys), "keys_sha256": digest})
    return KnownTerms(names=tuple(dict.fromkeys(n for n in names if n)),
                      refs=tuple(dict.fromkeys(r for r in refs if r)),
                      _pairs=tuple(dict.fromkeys(pairs)))


def _key(ref: str) -> str:
    return "".join(ch if ch.isalnum() or ch in "-_." else "_" for ch in ref)
