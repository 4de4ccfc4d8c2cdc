"""Releasing flagged values: one by one or by class, after a person has seen them in context.

The gate withholds every value its text check flags (name-like words, long digit runs,
letter-digit codes it does not recognise). A dry run shows each flagged value with the text
around it; :meth:`intelbench.gate.DryRun.release` turns the person's choice into a
:class:`Release` for that product, which :func:`intelbench.gate.disseminate` applies and
records in the DISCLOSE audit entry and the register.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = ["Release", "release_from"]


@dataclass(frozen=True)
class Release:
    """Flagged values a person released after seeing them in a dry run.

    Attributes
    ----------
    product_id : str
        The product the dry run was for; the release applies to that product only.
    items : frozenset of (field, kind, value)
        The values released, each in its field.
    ids : tuple of str
        Their ids in the dry run's ``flagged`` table.
    kinds : tuple of str
        Classes released as a whole (every value of the class the dry run showed).
    shown : int
        How many distinct flagged values the dry run showed.
    """

    product_id: str
    items: frozenset[tuple[str, str, str]]
    ids: tuple[str, ...]
    kinds: tuple[str, ...]
    shown: int

    def allows(self, field: str, kind: str, value: str) -> bool:
        """Whether this value, in this field, was released."""
        return (field, kind, value) in self.items

    def audit_detail(self) -> dict[str, Any]:
        """Return what the audit entry records: counts, classes, ids, a hash (no values)."""
        return {
            "released": len(self.items),
            "released_kinds": list(self.kinds),
            "released_ids": list(self.ids)[:200],
            "released_sha256": hashlib.sha256(
                "\n".join(sorted("\x00".join(i) for i in self.items)).encode()).hexdigest(),
            "flagged_shown": self.shown,
        }


def release_from(flagged: pd.DataFrame, product_id: str, selectors: Iterable[str] = (),
                 kinds: Iterable[str] = ()) -> Release:
    """Build a :class:`Release` from a dry run's flagged table.

    Parameters
    ----------
    flagged : DataFrame
        The dry run's ``flagged`` table (id, field, kind, value, context, ...).
    product_id : str
        The product's id.
    selectors : iterable of str
        Ids (``F...``) or values shown in the table.
    kinds : iterable of str
        Classes to release as a whole (e.g. ``"NAME_LIKE"``).

    Raises
    ------
    ParameterError
        When a selector or class was not shown in the dry run.
    """
    sel = [str(x) for x in selectors]
    kinds_ = tuple(dict.fromkeys(str(k).upper() for k in kinds))
    if not len(flagged):
        if sel or kinds_:
            raise ParameterError("release: the dry run flagged nothing; nothing to release")
        return Release(product_id, frozenset(), (), (), 0)
    by_id = set(flagged["id"].astype(str))
    by_value = set(flagged["value"].astype(str))
    unknown = [x for x in sel if x not in by_id and x not in by_value]
    if unknown:
        raise ParameterError(
            "release: expected ids or values the dry run showed (see dry.flagged); not shown: "
            + ", ".join(repr(u) for u in unknown[:10]))
    shown_kinds = set(flagged["kind"].astype(str))
    bad = [k for k in kinds_ if k not in shown_kinds]
    if bad:
        raise ParameterError(f"release: kinds {', '.join(bad)} were not flagged; flagged kinds "
                             f"are {', '.join(sorted(shown_kinds))}")
    chosen = flagged[flagged["id"].astype(str).isin(sel) | flagged["value"].astype(str).isin(sel)
                     | flagged["kind"].astype(str).isin(kinds_)]
    items = frozenset(zip(chosen["field"].astype(str), chosen["kind"].astype(str),
                          chosen["value"].astype(str)))
    return Release(product_id, items, tuple(chosen["id"].astype(str)), kinds_, len(flagged))
