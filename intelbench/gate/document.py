"""Sanitising document products (dicts of sections) section by section.

Sections are kept or dropped by their key (never-leave keys such as ``tasked_to`` or
``original_text`` never leave); text is redacted and flagged like free text; tables inside are
sanitised as tables. A section that had something to say and is left empty is reported as
hollow, and the gate refuses the product.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from intelbench.gate.html_product import LivePage, sanitise_html
from intelbench.gate.policy import KnownTerms, SanitisationPolicy, is_never_leave
from intelbench.gate.result import flag_id
from intelbench.gate.roles import NEVER_LEAVE_ROLES, infer_role
from intelbench.gate.sanitise_frame import (
    FieldReport,
    SanitisationResult,
    _context,
    _flag_table,
    _sentences,
    sanitise_frame,
)

__all__ = ["DOC_FIELDS", "DocContext", "sanitise_document"]

#: Keys of a document that are sections of text whatever the recipient.
DOC_FIELDS = {
    "title", "id", "plan_id", "type", "product_type", "requirement_ref", "status", "priority",
    "question", "questions", "gap", "gaps", "deadline", "review_date", "review_frequency_days",
    "created", "necessity", "proportionality", "access_difficulties", "sections", "heading",
    "text", "summary", "findings", "recommendations", "tor", "scope", "aim", "requester",
    "audience", "intelligence_gaps", "prevention", "intelligence", "enforcement",
    "reassurance", "appendices", "tables", "table", "figures", "figure", "caption", "body",
    "problem", "analysis", "description", "outcome", "reviews", "date", "content",
    "terms_of_reference", "requirement", "next_review", "review_frequency", "reviewed",
}


@dataclass
class DocContext:
    """What sanitising a document needs besides the document."""

    policy: SanitisationPolicy
    known: KnownTerms | None
    red: Any
    release: Callable[[str, str, str], bool] | None
    originals: frozenset[str]


_TOKEN = re.compile(r"\[[A-Z_]+\]")


def _has_content(node: Any) -> bool:
    """Whether a document node says anything (text beyond redaction tokens, rows, fields)."""
    if node is None:
        return False
    if isinstance(node, str):
        return any(ch.isalnum() for ch in _TOKEN.sub(" ", node))
    if isinstance(node, dict):
        return any(_has_content(v) for v in node.values())
    if isinstance(node, list | tuple):
        return any(_has_content(v) for v in node)
    if isinstance(node, pd.DataFrame):
        return len(node.columns) > 0
    return True


def sanitise_document(node: Any, ctx: DocContext, res: SanitisationResult,
                      path: str = "") -> Any:
    """Return a sanitised copy of a document node, reporting into ``res``.

    Dropped sections go to ``res.dropped`` and ``res.fields``; sections left empty to
    ``res.hollow``; redactions and flags as for tables (fields named by their path).
    """
    policy = ctx.policy
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            key = str(k).strip().lower()
            name = f"{path}{k}"
            role, why = infer_role(key)
            if is_never_leave(key) or role in NEVER_LEAVE_ROLES:
                res.dropped[name] = f"never leaves ({role})"
                res.fields.append(FieldReport(name, role, why, "dropped", res.dropped[name]))
                continue
            if not (policy.allows(key) or key in DOC_FIELDS or policy.releases("free_text")):
                res.dropped[name] = f"not released to {policy.kind.value}"
                res.fields.append(FieldReport(name, "free_text", "a document section",
                                              "dropped", res.dropped[name]))
                continue
            clean = sanitise_document(v, ctx, res, name + ".")
            if _has_content(v) and not _has_content(clean):
                res.hollow.append(f"section {name!r} would be left empty")
            out[k] = clean
        return out
    if isinstance(node, list | tuple):
        return [sanitise_document(v, ctx, res, f"{path}{i}.") for i, v in enumerate(node)]
    if isinstance(node, pd.DataFrame):
        sub = sanitise_frame(node, policy, known=ctx.known, release=ctx.release,
                             originals=ctx.originals, name=path)
        res.merge(sub, path)
        return sub.frame
    if hasattr(node, "savefig"):
        return node
    if isinstance(node, LivePage):
        return _live(node, ctx, res, path.rstrip(".") or "page")
    if node is None or isinstance(node, bool | int | float):
        return node
    field_name = path.rstrip(".") or "text"
    text = str(node)
    if len(text) >= 40 and ctx.originals and any(
            t in ctx.originals for t in _sentences(text)):
        res.redactions[(field_name, "WITHHELD")] += 1
        return "[WITHHELD]"

    def rel(kind: str, value: str) -> bool:
        return ctx.release is not None and ctx.release(field_name, kind, value)

    sr = ctx.red.scan_many([text], flag="all", release=rel)
    for kind, n in sr.counts.items():
        res.redactions[(field_name, kind)] += n
    if sr.flags:
        rows = [(field_name, 0, f.kind, f.value, _context(text, f.start, f.end), f.action)
                for _, f in sr.flags]
        extra = _flag_table(rows, "")
        res.flagged = extra if not len(res.flagged) else pd.concat([res.flagged, extra])
    return sr.clean[0]


def _live(page: LivePage, ctx: DocContext, res: SanitisationResult, name: str) -> LivePage:
    """Sanitise an embedded interactive page as an HTML product; its problems refuse it."""
    def rel(field: str, kind: str, value: str) -> bool:
        return ctx.release is not None and ctx.release(f"{name}.{field}", kind, value)

    sub, problems = sanitise_html(page.html, ctx.policy, ctx.red, rel)
    res.hollow += [f"section {name!r} ({page.title}): {p}" for p in problems]
    for (fld, kind), n in sub.redactions.items():
        res.redactions[(f"{name}.{fld}", kind)] += n
    if len(sub.flagged):
        fields = [f"{name}.{f}" for f in sub.flagged["field"]]
        extra = sub.flagged.assign(field=fields, id=[
            flag_id(f, k, v) for f, k, v in zip(fields, sub.flagged["kind"],
                                                sub.flagged["value"], strict=True)])
        res.flagged = extra if not len(res.flagged) else pd.concat([res.flagged, extra])
    return LivePage(str(sub.content), page.title)
