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

__all__ = ["SEP"]

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
# Attribute classes written to ANX: (name, ANB attribute type).
_ATTRS = {
    "node_type": ("Node type", "AttText"),
    "link_types": ("Link types", "AttText"),
    "weight": ("Weight", "AttNumber"),
    "count": ("Count", "AttNumber"),
    "first_seen": ("First seen", "AttText"),
    "last_seen": ("Last seen", "AttText"),
    "grades": ("Grades", "AttText"),
    "reports": ("Report URNs", "AttText"),
}


def _clean(value: Any) -> str:
    return _BAD_XML.sub("\ufffd", "" if value is None else str(value))


def _is_missing(value: Any) -> bool:
    if value is None:
        return True
    try:
        return bool(pd.isna(value))
    except (TypeError, ValueError):
        return False


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
