"""The link chart widget mounted in a plain page against a stand-in anywidget model."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from intelbench.network._chart_render import widget_css, widget_esm

__all__ = ["drag_node", "mount_widget"]

_MOUNT = """async (esm) => {
  const url = URL.createObjectURL(new Blob([esm], {type: 'text/javascript'}));
  const mod = await import(url);
  const handlers = [];
  window.stub = { sent: [], handlers,
    send(m) { this.sent.push(JSON.parse(JSON.stringify(m))); },
    on(ev, f) { if (ev === 'msg:custom') handlers.push(f); },
    off(ev, f) { handlers.splice(handlers.indexOf(f), 1); },
    deliver(m) { handlers.forEach((f) => f(m)); } };
  window.el = document.getElementById('host');
  window.cleanup = mod.default.render({ model: window.stub, el: window.el });
}"""


def mount_widget(page: Any, session: Any) -> Callable[[], None]:
    """Render the widget's ES module into ``#host``; return ``pump``.

    ``pump()`` hands every message the page sent to ``session`` (a ``ChartSession``) and
    delivers its replies back to the page, as the kernel would.
    """
    page.set_content(f"<style>{widget_css()}</style><div id='host' style='width:1300px'></div>")
    page.evaluate(_MOUNT, widget_esm())

    def pump() -> None:
        for msg in page.evaluate("stub.sent.splice(0)"):
            for reply in session.receive(msg):
                page.evaluate("(m) => stub.deliver(m)", json.loads(json.dumps(reply)))

    return pump


def drag_node(page: Any, node: str, dx: float = 50, dy: float = 30) -> None:
    """Drag a node of the mounted widget's chart by (dx, dy) pixels, as a mouse would."""
    x, y = page.evaluate(f"el.intelbenchChart.screenPos({node!r})")
    page.mouse.move(x, y)
    page.mouse.down()
    page.mouse.move(x + dx, y + dy, steps=5)
    page.mouse.up()
