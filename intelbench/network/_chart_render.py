"""The link chart's data payload and its standalone HTML page (shared with the widget)."""

# ruff: noqa: N803  (G for graphs, as in networkx)

from __future__ import annotations

import html
import json
import math
from collections import Counter
from collections.abc import Hashable, Mapping, Sequence
from importlib import resources
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.network._i2_common import _is_missing
from intelbench.network.chart_style import ENTITY_ICONS, link_style, type_colour

__all__ = [
    "ATTRIBUTE_TITLES",
    "DEFAULT_MARKING",
    "chart_data",
    "render_page",
    "widget_css",
    "widget_esm",
]

#: The banner a chart carries when no marking is given.
DEFAULT_MARKING = "OFFICIAL-SENSITIVE | review copy - not for dissemination"
#: Titles of the node attributes the chart can colour by.
ATTRIBUTE_TITLES = {"ocg": "OCG", "role": "Key-player role", "community": "Community"}
_MAX_CATEGORIES = 11


def _asset(name: str) -> str:
    return resources.files("intelbench.network").joinpath("_chart_assets", name).read_text("utf-8")


def _safe_json(obj: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">`` whatever the strings hold."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (
        text.replace("&", "\\u0026")
        .replace("<", "\\u003c")
        .replace(">", "\\u003e")
        .replace("\u2028", "\\u2028")
        .replace("\u2029", "\\u2029")
    )


def _score(value: Any) -> float | None:
    try:
        f = float(value)
    except (TypeError, ValueError):
        return None
    return f if math.isfinite(f) else None


def _scores(
    H: nx.Graph, nodes: list[Hashable], importance: str | Mapping[Hashable, Any] | None
) -> list[float] | None:
    if isinstance(importance, Mapping):
        return [_score(importance.get(v)) or 0.0 for v in nodes]
    attr = importance if isinstance(importance, str) else "score"
    values = [_score(H.nodes[v].get(attr)) for v in nodes]
    if all(x is None for x in values):
        return None
    return [x or 0.0 for x in values]


def _attribute(H: nx.Graph, nodes: list[Hashable], name: str) -> dict[str, Any] | None:
    raw = []
    for v in nodes:
        x = H.nodes[v].get(name)
        raw.append(None if _is_missing(x) or str(x) == "" else str(x))
    counts = Counter(x for x in raw if x is not None)
    if not counts:
        return None
    ranked = [k for k, _ in sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))]
    values = ranked[:_MAX_CATEGORIES]
    if len(ranked) > _MAX_CATEGORIES:
        values.append(f"other ({len(ranked) - _MAX_CATEGORIES} values)")
    code = {k: min(i, _MAX_CATEGORIES) for i, k in enumerate(ranked)}
    return {
        "title": ATTRIBUTE_TITLES.get(name, name.replace("_", " ")),
        "values": values,
        "codes": [-1 if x is None else code[x] for x in raw],
    }


def chart_data(
    H: nx.Graph,
    nodes: pd.DataFrame,
    edges: pd.DataFrame,
    *,
    title: str,
    marking: str,
    path: list[Hashable],
    details: Sequence[str],
    importance: str | Mapping[Hashable, Any] | None,
    attributes: Sequence[str],
    colour_by: str | None,
    layout: Mapping[str, Any] | None,
) -> dict[str, Any]:
    """The JSON payload the chart script draws (nodes and links as parallel arrays)."""
    ids = nodes["id"].tolist()
    index = {v: i for i, v in enumerate(ids)}
    type_names = list(dict.fromkeys(nodes["node_type"].tolist()))
    tindex = {t: i for i, t in enumerate(type_names)}
    deg = nodes["degree"].to_numpy(dtype=float) if len(nodes) else np.zeros(0)
    radius = (7.0 + 1.6 * np.sqrt(np.minimum(deg, 30.0))).round(1)
    scores = _scores(H, ids, importance)
    key = [
        (-(scores[i] if scores else 0.0), -deg[i], str(nodes["label"].iat[i]))
        for i in range(len(ids))
    ]
    order = sorted(range(len(ids)), key=key.__getitem__)
    w = edges["weight"].to_numpy(dtype=float) if len(edges) else np.zeros(0)
    wmax = float(w.max()) if len(w) else 1.0
    widths = (
        (1.0 + 4.0 * np.sqrt(np.clip(w, 0, None) / wmax)).round(0) if wmax > 0 else np.ones(len(w))
    )
    styles: list[dict[str, Any]] = []
    style_index: dict[str, int] = {}
    ranks: list[int] = []

    def style_of(link_type: str) -> int:
        st = link_style(link_type)
        if st.label not in style_index:
            style_index[st.label] = len(styles)
            styles.append({"label": st.label, "colour": st.colour, "dash": list(st.dash)})
            ranks.append(st.rank)
        return style_index[st.label]

    lt = [[style_of(t) for t in types] for types in edges["link_types"]]
    primary = [min(x, key=lambda j: ranks[j]) for x in lt]
    extra: list[dict[str, str] | None] | None = None
    if details:
        extra = []
        for v in ids:
            d = H.nodes[v]
            row = {k: str(d[k]) for k in details if k in d and d[k] is not None}
            extra.append(row or None)
    attrs = {}
    for name in attributes:
        a = _attribute(H, ids, name)
        if a is not None:
            attrs[name] = a
    lay = layout or {}
    notes = {
        str(index[v]): str(t)
        for v, t in (lay.get("notes") or {}).items()
        if v in index and str(t).strip()
    }
    return {
        "title": title,
        "marking": marking,
        "types": type_names,
        "typeColours": [type_colour(t) for t in type_names],
        "icons": [ENTITY_ICONS.get(t, ENTITY_ICONS["other"]) for t in type_names],
        "linkStyles": styles,
        "attrs": attrs,
        "colourBy": colour_by if colour_by in attrs else "",
        "nodes": {
            "id": [str(v) for v in ids],
            "label": nodes["label"].tolist(),
            "t": [tindex[t] for t in nodes["node_type"]],
            "x": nodes["x"].round(1).tolist(),
            "y": nodes["y"].round(1).tolist(),
            "r": radius.tolist(),
            "order": order,
            "score": [round(s, 3) for s in scores] if scores else None,
            "extra": extra,
        },
        "edges": {
            "s": [index[u] for u in edges["source"]],
            "t": [index[v] for v in edges["target"]],
            "w": [int(x) for x in widths],
            "wt": [round(float(x), 3) for x in w],
            "c": [str(c) for c in edges["count"]],
            "lt": lt,
            "st": primary,
            "order": [int(i) for i in np.argsort(-w, kind="stable")],
            "fs": edges["first_seen"].tolist(),
            "ls": edges["last_seen"].tolist(),
            "r": [list(x) for x in edges["reports"]],
            "g": [list(x) for x in edges["grades"]],
        },
        "path": [index[v] for v in path],
        "layout": {
            "pinned": [index[v] for v in lay.get("pinned", ()) if v in index],
            "hidden": [index[v] for v in lay.get("hidden", ()) if v in index],
            "notes": notes,
        },
    }


def render_page(data: dict[str, Any]) -> str:
    """The standalone, offline HTML page of a chart (script, style and data inlined)."""
    t = html.escape(str(data["title"]), quote=True)
    # each script and style is one whole asset file, so the gate knows it by its SHA-256
    return (
        '<!DOCTYPE html>\n<html lang="en">\n<head>\n<meta charset="utf-8">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f"<title>{t}</title>\n<style>\n{_asset('linkchart_page.css')}</style>\n"
        f"<style>\n{_asset('linkchart.css')}</style>\n</head>\n<body>\n"
        '<div id="ib-root"></div>\n'
        f'<script type="application/json" id="ib-chart-data">{_safe_json(data)}</script>\n'
        f"<script>\n{_asset('linkchart_layout.js')}</script>\n"
        f"<script>\n{_asset('linkchart.js')}</script>\n"
        f"<script>\n{_asset('linkchart_boot.js')}</script>\n</body>\n</html>\n"
    )


def widget_esm() -> str:
    """The widget's ES module: the layout and chart scripts plus the anywidget ``render`` glue.

    The chart data never sits in a synchronised trait: the front end asks for it with a
    ``ready`` message and the kernel answers with a ``data`` message, so the notebook's saved
    widget state holds only this code. Selections travel as ``selection`` (to Python) and
    ``select`` (from Python) messages, layout changes as ``layout`` messages.
    """
    glue = """
function render(context) {
  var model = context.model, el = context.el;
  var root = document.createElement("div");
  root.style.height = "680px";
  el.appendChild(root);
  var api = null;
  function onMsg(msg) {
    if (!msg || typeof msg !== "object") return;
    if (msg.type === "data") {
      if (api) return;
      api = mountLinkChart(root, msg.data, {
        onSelect: function (ids) { model.send({ type: "selection", ids: ids }); },
        onLayout: function (state) { model.send({ type: "layout", layout: state }); },
      });
      el.intelbenchChart = api;
      if (msg.selected && msg.selected.length) api.setSelection(msg.selected, false);
      model.send({ type: "layout", layout: api.layoutState() });
    } else if (msg.type === "select" && api) {
      api.setSelection(msg.ids, false);
    }
  }
  model.on("msg:custom", onMsg);
  model.send({ type: "ready" });
  return function () { model.off("msg:custom", onMsg); };
}
export default { render: render };
"""
    return _asset("linkchart_layout.js") + "\n" + _asset("linkchart.js") + "\n" + glue


def widget_css() -> str:
    """The widget's style sheet (the same as the standalone page's)."""
    return _asset("linkchart.css")
