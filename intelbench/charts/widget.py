"""The heat matrix as a JupyterLab widget (anywidget), on the same script as the offline page.

:func:`heat_widget` needs the ``anywidget`` package, imported only when a widget is made, so
``import intelbench`` stays light. The widget's filters are synced both ways: choosing a crime
type in the chart sets ``widget.filters`` in Python, and setting ``widget.filters`` in Python
redraws the chart; ``widget.matrix()`` is the 7×24 matrix of the current filters.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.charts._page import asset, esc

if TYPE_CHECKING:
    from intelbench.charts.heatmatrix import HeatMatrix

__all__ = ["WIDGET_CSS", "heat_widget", "widget_esm"]

#: Style of the widget, scoped to its own element (the page's style would restyle JupyterLab).
WIDGET_CSS = (
    ".ib-widget{font-family:Arial,Helvetica,sans-serif;color:#111;font-size:13px}"
    ".ib-widget .ib-marking{background:#b00000;color:#fff;font-weight:bold;text-align:center;"
    "padding:3px 8px;letter-spacing:.04em}"
    ".ib-widget .ib-bar{display:flex;gap:6px;align-items:center;flex-wrap:wrap;margin:4px 0}"
    ".ib-widget .ib-title{font-size:15px;margin:4px 0}"
)

_RENDER = """
export default {
  render({ model, el }) {
    const wrap = document.createElement("div");
    wrap.className = "ib-widget";
    wrap.innerHTML = model.get("body");  // markup built and escaped in Python, no data in it
    el.appendChild(wrap);
    const api = ibHeatMount(wrap, JSON.parse(model.get("data")));
    const start = model.get("filters") || {};
    if (Object.keys(start).length) api.apply(start);
    api.onchange = (st) => { model.set("filters", st); model.save_changes(); };
    api.onchange(api.state());
    const back = () => api.apply(model.get("filters") || {});
    model.on("change:filters", back);
    return () => model.off("change:filters", back);
  }
};
"""


def widget_esm() -> str:
    """Return the widget's ES module: the page's chart script plus anywidget's ``render``."""
    return asset("heatmatrix.js") + _RENDER


def heat_widget(hm: HeatMatrix) -> Any:
    """Return a JupyterLab widget of a heat matrix whose filters sync with Python.

    Parameters
    ----------
    hm : HeatMatrix
        From :func:`intelbench.charts.heat_matrix`.

    Returns
    -------
    anywidget.AnyWidget
        With ``filters`` (dict: ``crime_type``, ``area``, ``from``, ``to``; ``""`` means all),
        synced both ways, and ``matrix()``, the 7×24 frame of the current filters. The data
        lives in the widget's model; JupyterLab does not write widget state into a saved
        notebook unless asked to (Settings > Save Widget State Automatically).

    Raises
    ------
    ImportError
        When ``anywidget`` is not installed (``pip install anywidget``).
    """
    import anywidget
    import traitlets

    from intelbench.charts._heat_body import BODY
    from intelbench.charts._page import safe_json

    class HeatMatrixWidget(anywidget.AnyWidget):
        _esm = traitlets.Unicode(widget_esm()).tag(sync=True)
        _css = traitlets.Unicode(WIDGET_CSS + asset("heatmatrix.css")).tag(sync=True)
        body = traitlets.Unicode("").tag(sync=True)
        data = traitlets.Unicode("{}").tag(sync=True)
        filters = traitlets.Dict().tag(sync=True)

        def matrix(self) -> pd.DataFrame:
            """Return the 7×24 matrix of the current filters."""
            f = dict(self.filters)
            return hm.filtered(str(f.get("crime_type", "")), str(f.get("area", "")),
                               str(f.get("from", "")), str(f.get("to", "")))

    mark = f'<div class="ib-marking" role="note">{esc(hm.marking)}</div>'
    body = f'{mark}<h1 class="ib-title">{esc(hm.title)}</h1>{BODY}{mark}'
    return HeatMatrixWidget(body=body, data=safe_json(hm.data))
