"""The link chart as a JupyterLab widget (anywidget), on the same script as the HTML page.

``w = chart.widget()`` (or :func:`chart_widget`) shows the chart in a notebook. Select nodes in
the chart and ``w.selected`` is a frame of those entities; set ``w.selected = [ids]`` and the
chart highlights them. Moves, pins, hidden nodes and notes come back as ``w.layout_state``,
and ``w.save_layout(ws, key)`` keeps them in the workspace.

Nothing about the chart's content is a synchronised widget trait: the browser asks for the
data with a message when it draws, and selections and layouts travel as messages. A notebook
saved with its widget state therefore holds the chart's code and no entity, label or link.
anywidget (and so ipywidgets) is imported only when a widget is made.

:class:`ChartSession` is the Python half of that message protocol, without any widget
library, so it can be tested and reused.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable, Mapping
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.network._chart_render import widget_css, widget_esm
from intelbench.network.chart_layouts import ChartLayout, save_chart_layout

__all__ = ["ChartSession", "chart_widget"]

_ROLES = {
    "id": "identifier",
    "label": "personal",
    "node_type": "label",
    "degree": "count",
    "ocg": "label",
    "role": "label",
    "community": "label",
    "score": "statistic",
}


class ChartSession:
    """The Python side of a chart widget: the data it sends, the selection and layout it gets.

    Parameters
    ----------
    chart : LinkChart
        The chart (from :func:`link_chart`).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("A", "B")])
    >>> s = ChartSession(ib.network.link_chart(G, seed=1))
    >>> [m["type"] for m in s.receive({"type": "ready"})]
    ['data']
    >>> _ = s.receive({"type": "selection", "ids": ["B"]})
    >>> s.selected["id"].tolist()
    ['B']
    >>> s.select(["A", "B"])
    {'type': 'select', 'ids': ['A', 'B']}
    """

    def __init__(self, chart: Any) -> None:
        self.chart = chart
        self._ids = [str(v) for v in chart.nodes["id"]]
        self._known = set(self._ids)
        self.selected_ids: list[str] = []
        self.layout_state: ChartLayout = chart.layout

    def receive(self, msg: Any) -> list[dict[str, Any]]:
        """Handle one message from the browser; return the messages to send back.

        Unknown or malformed messages are ignored (the browser is not trusted to be right).
        """
        if not isinstance(msg, Mapping):
            return []
        kind = msg.get("type")
        if kind == "ready":
            return [{"type": "data", "data": self.chart.data, "selected": list(self.selected_ids)}]
        if kind == "selection":
            ids = msg.get("ids")
            if isinstance(ids, list):
                self.selected_ids = [str(i) for i in ids if str(i) in self._known]
        elif kind == "layout":
            try:
                self.layout_state = ChartLayout.from_doc(msg.get("layout") or {})
            except ParameterError:
                pass
        return []

    def select(self, ids: Iterable[Any] | str) -> dict[str, Any]:
        """Set the selection from Python; return the message that highlights it in the chart.

        Raises
        ------
        ParameterError
            If an id is not on the chart.
        """
        wanted = [str(ids)] if isinstance(ids, str) else [str(i) for i in ids]
        missing = [i for i in wanted if i not in self._known]
        if missing:
            raise ParameterError(
                f"select: {len(missing)} id(s) not on the chart (first: {missing[0]!r})"
            )
        self.selected_ids = list(dict.fromkeys(wanted))
        return {"type": "select", "ids": list(self.selected_ids)}

    @property
    def selected(self) -> pd.DataFrame:
        """The selected entities, one row each, in the order selected.

        Columns as ``chart.nodes`` (without x, y) plus ``ocg``, ``role``, ``community`` and
        ``score`` when the chart knows them.
        """
        nodes = self.chart.nodes.copy()
        nodes["id"] = nodes["id"].map(str)
        data = self.chart.data
        for name in ("ocg", "role", "community"):
            a = data.get("attrs", {}).get(name)
            if a is not None:
                nodes[name] = [a["values"][c] if c >= 0 else None for c in a["codes"]]
        score = data.get("nodes", {}).get("score")
        if score is not None:
            nodes["score"] = score
        rows = nodes.set_index("id").reindex(self.selected_ids).reset_index()
        rows = rows.drop(columns=["x", "y"])
        from intelbench.gate.roles import with_roles

        return with_roles(rows, {k: v for k, v in _ROLES.items() if k in rows.columns})


@functools.cache
def _widget_class() -> type:
    import anywidget
    import traitlets

    class LinkChartWidget(anywidget.AnyWidget):
        """A link chart in JupyterLab; see :mod:`intelbench.network.chart_widget`."""

        _esm = traitlets.Unicode(widget_esm()).tag(sync=True)
        _css = traitlets.Unicode(widget_css()).tag(sync=True)

        def __init__(self, chart: Any, **kwargs: Any) -> None:
            super().__init__(**kwargs)
            self._session = ChartSession(chart)
            self.on_msg(self._on_msg)

        def _on_msg(self, _widget: Any, content: Any, _buffers: Any) -> None:
            for reply in self._session.receive(content):
                self.send(reply)

        @property
        def chart(self) -> Any:
            return self._session.chart

        @property
        def selected(self) -> pd.DataFrame:
            return self._session.selected

        @selected.setter
        def selected(self, ids: Iterable[Any] | str) -> None:
            self.send(self._session.select(ids))

        def select(self, ids: Iterable[Any] | str) -> None:
            """Highlight these entities in the chart (and make them the selection)."""
            self.send(self._session.select(ids))

        @property
        def layout_state(self) -> ChartLayout:
            return self._session.layout_state

        def save_layout(self, ws: Any, key: str) -> int:
            """Save the chart's current arrangement to the workspace; return the revision."""
            return save_chart_layout(ws, key, self._session.layout_state)

    return LinkChartWidget


def chart_widget(chart: Any) -> Any:
    """Return a JupyterLab widget showing ``chart`` (anywidget, imported here).

    Parameters
    ----------
    chart : LinkChart
        From :func:`link_chart`.

    Returns
    -------
    LinkChartWidget
        ``.selected`` (a frame; assign ids to highlight them), ``.select(ids)``,
        ``.layout_state``, ``.save_layout(ws, key)``, ``.chart``.
    """
    return _widget_class()(chart)
