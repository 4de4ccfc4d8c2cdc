"""Helpers shared by the i2 Analyst's Notebook table and ANX exchange."""

# ruff: noqa: N803  (G for graphs, as in networkx)

from __future__ import annotations

import math
import os
import re
import tempfile
from collections.abc import Hashable, Iterable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from intelbench._display import is_missing as _is_missing

__all__ = ["ATTR_PREFIX", "GRADE_CODES", "SEP", "UNGRADED", "grade_indices", "guard_cell",
           "unguard_cell"]

SEP = "; "
_BAD_XML = re.compile("[^\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")
_ENTITY_COLUMNS = ["entity_id", "entity_type", "anb_type", "label"]
_LINK_COLUMNS = [
    "entity1_id",
    "entity1_type",
    "entity1_label",
    "link_type",
    "link_label",
    "link_date",
    "first_seen",
    "last_seen",
    "weight",
    "count",
    "grade",
    "report_urns",
    "entity2_id",
    "entity2_type",
    "entity2_label",
]
#: Prefix of every attribute class the export declares. ANB pre-registers attribute classes of
#: its own (anxwritter's documentation, written against ANB 9's import logs, reports that
#: re-declaring one, such as "Weight", makes ANB 9 reject the whole import), so none of ours
#: may share a name with one of ANB's: the prefix keeps them apart.
ATTR_PREFIX = "IB "
# Attribute classes written to ANX: key -> (name, ANB attribute type). All are hidden
# (``Visible="false"``): they carry the workbench's data back, not chart decoration.
_ATTRS = {
    "node_type": (ATTR_PREFIX + "Node type", "AttText"),
    "link_types": (ATTR_PREFIX + "Link types", "AttText"),
    "weight": (ATTR_PREFIX + "Link weight", "AttNumber"),
    "count": (ATTR_PREFIX + "Link count", "AttNumber"),
    "first_seen": (ATTR_PREFIX + "First seen", "AttTime"),
    "last_seen": (ATTR_PREFIX + "Last seen", "AttTime"),
    "grade_text": (ATTR_PREFIX + "Grade text", "AttText"),
}
#: Names the workbench wrote before the prefix (read back, never written).
_LEGACY_ATTRS = {
    "Node type": "node_type",
    "Link types": "link_types",
    "Weight": "weight",
    "Count": "count",
    "First seen": "first_seen",
    "Last seen": "last_seen",
    "Grades": "grades",
    "Report URNs": "reports",
}
#: The 3x5x2 grading system written to ``Chart/GradeOne|GradeTwo|GradeThree``: index 0 is the
#: "-" of an ungraded item, so the schema's default index (0) means "not graded".
UNGRADED = "-"
GRADE_CODES: tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]] = (
    ("1", "2", "3"),
    ("A", "B", "C", "D", "E"),
    ("P", "C"),
)
_GRADE_3X5X2 = re.compile(r"^([123])([A-E])([PC])$")
#: Leading characters a spreadsheet may run as a formula (OWASP CSV injection), plus the guard.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_PLAIN_NUMBER = re.compile(r"^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$")


def grade_indices(grade: str) -> tuple[int, int, int] | None:
    """Indices of a 3x5x2 grade (``"1AP"``) in the exported grading system, or None.

    Examples
    --------
    >>> from intelbench.network._i2_common import grade_indices
    >>> grade_indices("2BC"), grade_indices("B2")
    ((2, 2, 2), None)
    """
    m = _GRADE_3X5X2.match(grade)
    if m is None:
        return None
    return tuple(codes.index(part) + 1 for codes, part in zip(GRADE_CODES, m.groups(), strict=True))  # type: ignore[return-value]


def _needs_guard(text: str) -> bool:
    return text[:1] == "'" or (text[:1] in _FORMULA_START and not _PLAIN_NUMBER.match(text))


def guard_cell(text: str) -> str:
    """Prefix ``'`` to a value a spreadsheet could run as a formula (and to one starting ``'``).

    Plain numbers (``-2``, ``+447700900123``) are left alone: they run no formula, and phone
    numbers must keep their identity in ANB. :func:`unguard_cell` reverses this exactly.

    Examples
    --------
    >>> from intelbench.network._i2_common import guard_cell, unguard_cell
    >>> guard_cell("=HYPERLINK(1)"), guard_cell("+447700900123"), guard_cell("'x")
    ("'=HYPERLINK(1)", '+447700900123', "''x")
    >>> unguard_cell(guard_cell("@SUM(A1)"))
    '@SUM(A1)'
    """
    return "'" + text if _needs_guard(text) else text


def unguard_cell(text: str) -> str:
    """Reverse :func:`guard_cell`."""
    return text[1:] if text[:1] == "'" and _needs_guard(text[1:]) else text


def _clean(value: Any) -> str:
    return _BAD_XML.sub("\ufffd", "" if value is None else str(value))


def _date(value: Any) -> str:
    if _is_missing(value):
        return ""
    ts = pd.Timestamp(value)
    return ts.strftime("%Y-%m-%d") if ts == ts.normalize() else ts.isoformat()


def _parse_date(text: Any) -> pd.Timestamp | None:
    if _is_missing(text) or str(text).strip() == "":
        return None
    return pd.Timestamp(str(text).strip())


def _tuple(value: Any) -> tuple[str, ...]:
    if value is None:
        return ()
    if isinstance(value, str):
        return (value,) if value else ()
    if isinstance(value, Iterable):
        return tuple("" if x is None else str(x) for x in value)
    return () if _is_missing(value) else (str(value),)


def _split(text: Any) -> tuple[str, ...]:
    if _is_missing(text) or str(text) == "":
        return ()
    return tuple(part.strip() for part in str(text).split(";"))


def _num_text(value: Any) -> str:
    if _is_missing(value):
        return ""
    f = float(value)
    return str(int(f)) if f.is_integer() and abs(f) < 1e15 else repr(f)


def _num(text: Any) -> float | int | None:
    if _is_missing(text) or str(text).strip() == "":
        return None
    f = float(str(text))
    return int(f) if f.is_integer() and math.isfinite(f) else f


def _node_info(G: nx.Graph, v: Hashable, node_type: str, label: str) -> tuple[str, str]:
    d = G.nodes[v]
    t = d.get(node_type)
    lab = d.get(label)
    return ("" if _is_missing(t) else str(t), str(v) if _is_missing(lab) else str(lab))


def _edge_records(G: nx.Graph, node_type: str, label: str) -> list[dict[str, Any]]:
    rows = []
    for u, v, d in G.edges(data=True):
        reports = _tuple(d.get("reports"))
        grades = _tuple(d.get("grades"))
        if len(grades) < len(reports):
            grades = grades + ("",) * (len(reports) - len(grades))
        types = _tuple(d.get("link_types")) or ("association",)
        (t1, l1), (t2, l2) = _node_info(G, u, node_type, label), _node_info(G, v, node_type, label)
        rows.append(
            {
                "u": u,
                "v": v,
                "t1": t1,
                "l1": l1,
                "t2": t2,
                "l2": l2,
                "types": types,
                "weight": d.get("weight"),
                "count": d.get("count"),
                "first_seen": _date(d.get("first_seen")),
                "last_seen": _date(d.get("last_seen")),
                "reports": reports,
                "grades": grades,
            }
        )
    return rows


def _atomic_write(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}-", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
        os.chmod(tmp, _file_mode())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _file_mode() -> int:
    """The mode a plain ``open()`` would give a new file (0o666 less the umask)."""
    mask = os.umask(0)
    os.umask(mask)
    return 0o666 & ~mask
