"""A link chart's arrangement (positions, pins, hidden nodes, notes), kept in the workspace.

The analyst moves and pins nodes, hides some and writes notes on others; that arrangement is
a :class:`ChartLayout`. :func:`save_chart_layout` stores it in the workspace as a document of
kind ``"chart_layout"`` (one revision per save, audited like every other document) and
:func:`load_chart_layout` reads it back; ``link_chart(G, saved_layout=...)`` redraws the chart
as it was left.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Mapping
from dataclasses import dataclass, field
from typing import Any

from intelbench.exceptions import ParameterError

__all__ = ["LAYOUT_KIND", "ChartLayout", "load_chart_layout", "save_chart_layout"]

#: The workspace document kind of saved chart layouts.
LAYOUT_KIND = "chart_layout"


@dataclass(frozen=True)
class ChartLayout:
    """Where each node sits, which are pinned or hidden, and the analyst's notes.

    Attributes
    ----------
    positions : dict
        Node id (as text) -> (x, y) in chart pixels.
    pinned, hidden : tuple of str
        Node ids.
    notes : dict
        Node id -> note text.
    """

    positions: dict[str, tuple[float, float]] = field(default_factory=dict)
    pinned: tuple[str, ...] = ()
    hidden: tuple[str, ...] = ()
    notes: dict[str, str] = field(default_factory=dict)

    def to_doc(self) -> dict[str, Any]:
        """Return the layout as a JSON-ready document.

        Examples
        --------
        >>> lay = ib.network.chart_layouts.ChartLayout({"P-1": (1.0, 2.0)}, pinned=("P-1",))
        >>> lay.to_doc()["positions"]
        {'P-1': [1.0, 2.0]}
        """
        return {
            "positions": {k: [float(x), float(y)] for k, (x, y) in self.positions.items()},
            "pinned": list(self.pinned),
            "hidden": list(self.hidden),
            "notes": dict(self.notes),
        }

    @classmethod
    def from_doc(cls, doc: Mapping[str, Any]) -> ChartLayout:
        """Read a layout document (as written by :meth:`to_doc` or sent by the chart script).

        Raises
        ------
        ParameterError
            If a position is not a pair of finite numbers, or a field has the wrong shape.

        Examples
        --------
        >>> ChartLayout.from_doc({"positions": {"A": [0, 1]}, "notes": {"A": "seen 3/2"}}).notes
        {'A': 'seen 3/2'}
        """
        if not isinstance(doc, Mapping):
            raise ParameterError(f"chart layout: expected a mapping, got {type(doc).__name__}")
        positions: dict[str, tuple[float, float]] = {}
        raw = doc.get("positions") or {}
        if not isinstance(raw, Mapping):
            raise ParameterError("chart layout: 'positions' must map node id -> [x, y]")
        for key, value in raw.items():
            try:
                x, y = (float(value[0]), float(value[1]))
            except (TypeError, ValueError, IndexError, KeyError) as exc:
                raise ParameterError(
                    f"chart layout: position of node {key!r} must be [x, y]; got {value!r}"
                ) from exc
            if not (math.isfinite(x) and math.isfinite(y)):
                raise ParameterError(f"chart layout: position of node {key!r} is not finite")
            positions[str(key)] = (x, y)
        for name in ("pinned", "hidden"):
            if not isinstance(doc.get(name) or [], list | tuple):
                raise ParameterError(f"chart layout: {name!r} must be a list of node ids")
        notes = doc.get("notes") or {}
        if not isinstance(notes, Mapping):
            raise ParameterError("chart layout: 'notes' must map node id -> text")
        return cls(
            positions=positions,
            pinned=tuple(str(v) for v in doc.get("pinned") or ()),
            hidden=tuple(str(v) for v in doc.get("hidden") or ()),
            notes={str(k): str(v) for k, v in notes.items() if str(v).strip()},
        )

    def for_nodes(self, ids: Mapping[str, Hashable]) -> dict[str, Any]:
        """Return the layout keyed by the graph's own node objects (``ids``: text id -> node)."""
        return {
            "positions": {ids[k]: p for k, p in self.positions.items() if k in ids},
            "pinned": [ids[k] for k in self.pinned if k in ids],
            "hidden": [ids[k] for k in self.hidden if k in ids],
            "notes": {ids[k]: t for k, t in self.notes.items() if k in ids},
        }


def save_chart_layout(ws: Any, key: str, layout: ChartLayout | Mapping[str, Any]) -> int:
    """Save a chart layout to the workspace (kind ``"chart_layout"``); return the revision.

    Parameters
    ----------
    ws : Workspace
        The analyst's workspace.
    key : str
        The chart's name in the workspace (e.g. the profile or operation reference).
    layout : ChartLayout or dict
        A layout, or a layout document (e.g. ``widget.layout_state``).

    Returns
    -------
    int
        The new revision (1 for a new chart).

    Examples
    --------
    >>> import tempfile
    >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
    >>> lay = ib.network.chart_layouts.ChartLayout({"P-1": (3.0, 4.0)}, notes={"P-1": "lead"})
    >>> ib.network.chart_layouts.save_chart_layout(ws, "op-larch", lay)
    1
    >>> ib.network.chart_layouts.load_chart_layout(ws, "op-larch") == lay
    True
    """
    lay = layout if isinstance(layout, ChartLayout) else ChartLayout.from_doc(layout)
    revision: int = ws.put(LAYOUT_KIND, key, lay.to_doc(), action="ALTER")
    return revision


def load_chart_layout(ws: Any, key: str, *, revision: int | None = None) -> ChartLayout:
    """Read a saved chart layout back from the workspace (the latest revision by default).

    Raises
    ------
    DocumentNotFoundError
        If no layout is saved under ``key``.
    """
    return ChartLayout.from_doc(ws.get(LAYOUT_KIND, key, revision))
