"""What sanitisation did: :class:`SanitisationResult` and its :class:`FieldReport` per field.

Also the ids of flagged values (the unit a person releases).
"""

from __future__ import annotations

import hashlib
import html
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from intelbench.exceptions import SchemaError

__all__ = ["FLAG_COLUMNS", "FieldReport", "SanitisationResult", "flag_id"]

#: Columns of the table of flagged values.
FLAG_COLUMNS = ["id", "field", "row", "rows", "kind", "value", "context", "released"]


@dataclass(frozen=True)
class FieldReport:
    """What the gate did with one field: its role, why, and kept / dropped / generalised."""

    field: str
    role: str
    why: str
    action: str
    reason: str

@dataclass
class SanitisationResult:
    """A sanitised product and what was removed or changed on the way.

    Attributes
    ----------
    content : DataFrame, GeoDataFrame or networkx graph
        What may leave.
    dropped : dict of str to str
        Field -> why it was removed (never leaves / not allowed for the recipient kind).
    redactions : Counter
        (field, kind) -> number of values redacted.
    flagged : DataFrame
        Flagged values, one row per distinct value in a field: id, field, row (first), rows,
        kind, value, context, released. Values not released were withheld.
    fields : list of FieldReport
        Each field's role and what happened to it.
    hollow : list of str
        Tables or sections the gate would leave empty (the gate refuses them).
    generalised : list of str
        One line per generalisation applied (times, places).
    suppressed : int
        Counts suppressed because they were small.
    secondary_suppressed : int
        Further counts suppressed so the small ones cannot be derived from totals.
    notes : list of str
        Notes to carry into the product (e.g. what the suppression marker means).
    """

    content: Any
    dropped: dict[str, str] = field(default_factory=dict)
    redactions: Counter[tuple[str, str]] = field(default_factory=Counter)
    flagged: pd.DataFrame = field(default_factory=lambda: pd.DataFrame(columns=FLAG_COLUMNS))
    fields: list[FieldReport] = field(default_factory=list)
    hollow: list[str] = field(default_factory=list)
    generalised: list[str] = field(default_factory=list)
    suppressed: int = 0
    secondary_suppressed: int = 0
    notes: list[str] = field(default_factory=list)

    @property
    def frame(self) -> pd.DataFrame:
        """The sanitised table (for table products)."""
        if not isinstance(self.content, pd.DataFrame):
            raise SchemaError("frame: this result holds a graph, not a table; use .content")
        return self.content

    @property
    def n_redacted(self) -> int:
        """Total number of values redacted."""
        return int(sum(self.redactions.values()))

    def redaction_table(self) -> pd.DataFrame:
        """Redaction counts as a table: field, kind, count."""
        rows = [(f, k, n) for (f, k), n in sorted(self.redactions.items())]
        return pd.DataFrame(rows, columns=["field", "kind", "count"])

    def _repr_html_(self) -> str:
        """Fields kept, dropped or generalised; redactions; flagged values in context."""
        e = html.escape
        what = ("table" if isinstance(self.content, pd.DataFrame) else
                type(self.content).__name__ if self.content is not None else "nothing")
        head = (f"<p><b>Sanitised {e(what)}</b>: {len(self.fields)} field(s), "
                f"{len(self.dropped)} dropped, {self.n_redacted} value(s) redacted, "
                f"{len(self.flagged)} flagged value(s), {self.suppressed} small count(s) "
                f"suppressed (+{self.secondary_suppressed}).</p>")
        parts = [head]
        if self.hollow:
            parts.append("<p><b>Refused as hollow:</b> " + e("; ".join(self.hollow)) + "</p>")
        if self.fields:
            frame = pd.DataFrame([f.__dict__ for f in self.fields])
            parts.append("<h4>Fields</h4>" + frame.to_html(escape=True, index=False))
        if self.redactions:
            parts.append("<h4>Redactions</h4>"
                         + self.redaction_table().to_html(escape=True, index=False))
        if self.generalised:
            parts.append("<h4>Generalised</h4><ul>" + "".join(
                f"<li>{e(g)}</li>" for g in self.generalised) + "</ul>")
        if len(self.flagged):
            cols = [c for c in ("id", "field", "kind", "value", "context", "released")
                    if c in self.flagged.columns]
            parts.append("<h4>Flagged values (withheld unless released), in context</h4>"
                         + self.flagged[cols].to_html(escape=True, index=False))
        if self.notes:
            parts.append("<p>" + e(" ".join(self.notes)) + "</p>")
        return "<div class='ib-sanitisation'>" + "".join(parts) + "</div>"

    def merge(self, other: SanitisationResult, prefix: str) -> None:
        """Fold another result's report into this one, naming its fields with ``prefix``."""
        self.dropped.update({f"{prefix}{k}": v for k, v in other.dropped.items()})
        self.fields += [FieldReport(prefix + f.field, f.role, f.why, f.action, f.reason)
                        for f in other.fields]
        for (f, k), n in other.redactions.items():
            self.redactions[(f"{prefix}{f}", k)] += n
        if len(other.flagged):
            fl = other.flagged.assign(field=prefix + other.flagged["field"].astype(str))
            fl["id"] = [flag_id(f, k, v) for f, k, v in zip(fl["field"], fl["kind"], fl["value"])]
            self.flagged = fl if not len(self.flagged) else pd.concat([self.flagged, fl])
        self.generalised += [f"{prefix}{g}" for g in other.generalised]
        self.suppressed += other.suppressed
        self.secondary_suppressed += other.secondary_suppressed
        self.notes += [n for n in other.notes if n not in self.notes]
        self.hollow += other.hollow


def flag_id(field_name: str, kind: str, value: str) -> str:
    """Return the id of a flagged value in a field (the unit a person releases)."""
    return "F" + hashlib.sha1(f"{field_name}\x00{kind}\x00{value}".encode()).hexdigest()[:10]


