"""The dry run of the dissemination gate (:class:`DryRun`).

What would leave, field by field, before anything is written.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.gate.checks import Prepared
from intelbench.gate.release import Release, release_from

__all__ = ["DryRun", "dry_run_of", "sanitised_content"]


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


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9]+", "-", text).strip("-").lower()[:40] or "product"


def sanitised_content(prep: Prepared) -> Any:
    """Return what would leave: the sanitised content, or the product's own."""
    return prep.result.content if prep.result is not None else prep.product.content


def dry_run_of(prep: Prepared, ref: str) -> DryRun:
    """Return the dry run of a prepared request under the reference ``ref``."""
    content = sanitised_content(prep)
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


