"""Not-for-dissemination marks that follow the data: an OCG's mark covers its members.

:func:`mark_ocg_not_for_dissemination` marks a group on its :class:`~intelbench.network.OCGMap`
(audited ALTER) and records the group and its members (node ids and labels) in the workspace
(kind ``"nfd"``). The gate then refuses any product that holds the group or one of its members:
a table row, a graph node or attribute, a map point or popup, a link-chart node, a document
line. Everything derived from the group carries its mark, not only the group's own row.

Examples
--------
>>> import re
>>> from intelbench.gate.nfd import nfd_hits
>>> pattern = re.compile("(?<![A-Za-z0-9_-])(?:P-0006|OCG-1)(?![A-Za-z0-9_-])")
>>> nfd_hits(pd.DataFrame({"node": ["P-0006", "P-0007"], "n": [1, 2]}), pattern)
['row 0 (node)']
"""

from __future__ import annotations

import re
from collections.abc import Hashable, Iterator
from typing import Any

import pandas as pd

__all__ = ["NFD_KIND", "mark_ocg_not_for_dissemination", "nfd_hits", "nfd_pattern"]

NFD_KIND = "nfd"


def mark_ocg_not_for_dissemination(
    ws: Any, ocg_map: Any, group: Hashable, justification: str
) -> Any:
    """Mark an OCG not for dissemination, with everything derived from its members.

    Parameters
    ----------
    ws : Workspace
        Where the mark is recorded (kind ``"nfd"``; audited ALTER).
    ocg_map : OCGMap
        The mapping the group comes from (``ib.network.map_ocgs``).
    group : hashable
        The group id.
    justification : str
        Why (at least 20 characters).

    Returns
    -------
    OCGMap
        The mapping with the group marked.
    """
    marked = ocg_map.mark_not_for_dissemination(group, justification, ws=ws)
    mem = ocg_map.members[ocg_map.members["group"] == group]
    terms = {str(group)} | {str(v) for v in mem["node"]}
    if "label" in mem:
        terms |= {str(v) for v in mem["label"].dropna() if str(v).strip()}
    ws.put(NFD_KIND, f"ocg/{group}", {"group": str(group), "terms": sorted(terms),
                                      "justification": justification.strip()},
           justification=justification.strip())
    return marked


def nfd_pattern(ws: Any) -> tuple[re.Pattern[str] | None, list[str]]:
    """Return a pattern matching every marked group and member, and the groups marked."""
    if ws is None or not hasattr(ws, "keys"):
        return None, []
    keys = ws.keys(NFD_KIND)
    if not keys:
        return None, []
    terms: set[str] = set()
    groups = []
    for key in keys:
        doc = ws.get(NFD_KIND, key)
        groups.append(str(doc.get("group", key)))
        terms |= {str(t) for t in doc.get("terms", []) if str(t).strip()}
    alt = "|".join(re.escape(t) for t in sorted(terms, key=len, reverse=True))
    return re.compile(rf"(?<![\w-])(?:{alt})(?![\w-])"), groups


def _strings(obj: Any, where: str) -> Iterator[tuple[str, str]]:
    if isinstance(obj, str):
        yield where, obj
    elif isinstance(obj, dict):
        for k, v in obj.items():
            yield from _strings(v, f"{where}.{k}" if where else str(k))
    elif isinstance(obj, list | tuple | set):
        for i, v in enumerate(obj):
            yield from _strings(v, f"{where}[{i}]")
    elif obj is not None and not isinstance(obj, float | int | bool):
        yield where, str(obj)


def nfd_hits(content: Any, pattern: re.Pattern[str], leaves: list[str] | None = None) -> list[str]:
    """Where a product holds a marked group or member (at most 20 places).

    Parameters
    ----------
    content : object
        Table, graph, document or HTML string.
    pattern : re.Pattern
        From :func:`nfd_pattern`.
    leaves : list of str, optional
        The strings of an HTML product (text and data payload), if already parsed.
    """
    out: list[str] = []
    if isinstance(content, pd.DataFrame):
        for c in content.columns:
            col = content[c]
            if col.dtype != object and not isinstance(col.dtype, pd.StringDtype):
                continue
            hit = col.astype(str).str.contains(pattern, na=False)
            out += [f"row {i} ({c})" for i in hit.to_numpy().nonzero()[0][:20].tolist()]
    elif hasattr(content, "nodes") and hasattr(content, "edges"):
        for n, d in content.nodes(data=True):
            if any(pattern.search(s) for _, s in _strings([n, d], "")):
                out.append(f"node {n}")
        for u, v, d in content.edges(data=True):
            if any(pattern.search(s) for _, s in _strings(d, "")):
                out.append(f"link {u}-{v}")
    else:
        items = [("data", s) for s in leaves] if leaves is not None else list(
            _strings(content, ""))
        out += [where for where, s in items if pattern.search(s)]
    return list(dict.fromkeys(out))[:20]
