"""Live (interactive) figures of a profile: maps, link charts and timelines, re-marked.

A figure made on its own carries its own marking (a map's default is a working copy "not for
dissemination"; a timeline takes the marking of the reports it draws). Inside a profile every
figure carries the profile's marking instead: :func:`remark` returns the figure's page with the
profile's marking in its banners, and :func:`remarked` the figure object itself (for the static
picture of a timeline, whose banner is drawn into the picture).
"""

from __future__ import annotations

import dataclasses
import html
import json
import re
from typing import Any

from intelbench.exceptions import ProfileError
from intelbench.profiles._parts import FigureItem

__all__ = ["LIVE_KINDS", "by_reference", "live_page", "remark", "remarked"]

_MARKING = re.compile(r'"marking":"((?:[^"\\]|\\.)*)"')
#: Figure kinds that have an interactive page.
LIVE_KINDS: tuple[str, ...] = ("map", "link_chart", "timeline")


def _json_marking(doc: str, old: str, new: str, what: str) -> str:
    """Replace the ``"marking": old`` entry of a page's JSON payload (exactly one)."""
    forms = {json.dumps(old, ensure_ascii=False), json.dumps(old)}
    for form in forms:
        key = f'"marking":{form}'
        if doc.count(key) == 1:
            value = (json.dumps(new, ensure_ascii=False).replace("&", "\\u0026")
                     .replace("<", "\\u003c").replace(">", "\\u003e"))
            return doc.replace(key, f'"marking":{value}')
    raise ProfileError(f"{what}: cannot find its marking {old!r} in its page to put the "
                       "profile's marking in its place")


def _timeline_marking(doc: str, old: str, new: str) -> str:
    o, n = html.escape(old, quote=True), html.escape(new, quote=True)
    parts = [('<meta name="classification" content="{}">', 1), ("<title>{} - ", 1),
             ('<div class="ib-marking ib-top" role="note">{}</div>', 1),
             ('<div class="ib-marking ib-bottom" role="note">{}</div>', 1)]
    for fmt, count in parts:
        if doc.count(fmt.format(o)) != count:
            raise ProfileError(f"timeline: cannot find its marking {old!r} in its page "
                               f"({fmt.format('...')}) to put the profile's marking there")
        doc = doc.replace(fmt.format(o), fmt.format(n))
    return doc


def remark(item: FigureItem, marking: str) -> str:
    """Return the figure's interactive page with ``marking`` in its banners.

    Raises
    ------
    ProfileError
        For a figure without an interactive page, or whose marking cannot be found.
    """
    kind, obj = item.kind, item.obj
    if kind == "link_chart":
        data = getattr(obj, "data", None)
        if isinstance(data, dict) and "marking" in data:
            from intelbench.network._chart_render import render_page

            return render_page(by_reference({**data, "marking": marking}))
        return str(obj.html)  # a chart-like object without a payload (tests): as it is
    if kind == "timeline":
        return _timeline_marking(obj.html, str(obj.marking), marking)
    if kind == "map":
        old = getattr(obj, "marking", None)
        if not isinstance(old, str):  # a map-like object: its payload's marking, if it has one
            found = _MARKING.findall(obj.html)
            if len(found) != 1:
                return str(obj.html)
            old = json.loads(f'"{found[0]}"')
        return _json_marking(obj.html, old, marking, f"map {item.title!r}")
    raise ProfileError(f"figure {item.title!r}: a {kind} has no interactive page")


def by_reference(data: dict[str, Any]) -> dict[str, Any]:
    """Return a link chart's payload with every entity labelled by its reference.

    A profile shows people, phones, addresses and vehicles by reference only (as its static
    picture does): each label becomes the node's id, with its key-player role when it has
    one, and the per-node details (which may hold names) are left out.

    Examples
    --------
    >>> d = {"nodes": {"id": ["P-1", "T-1"], "label": ["Jo SMITH", "07700 900001"],
    ...                "extra": [{"name": "Jo SMITH"}, None]},
    ...      "attrs": {"role": {"values": ["leader"], "codes": [0, -1]}}}
    >>> by_reference(d)["nodes"]["label"], by_reference(d)["nodes"]["extra"]
    (['P-1 (leader)', 'T-1'], None)
    """
    nodes = dict(data["nodes"])
    role = (data.get("attrs") or {}).get("role") or {}
    values, codes = list(role.get("values") or []), list(role.get("codes") or [])
    labels = []
    for i, ident in enumerate(nodes["id"]):
        code = codes[i] if i < len(codes) else -1
        tag = values[code] if 0 <= code < len(values) else ""
        labels.append(f"{ident} ({tag})" if tag else str(ident))
    nodes["label"], nodes["extra"] = labels, None
    return {**data, "nodes": nodes}


def remarked(item: FigureItem, marking: str) -> FigureItem:
    """Return the item with a timeline re-marked (its static picture draws the marking)."""
    if item.kind != "timeline" or item.obj.marking == marking:
        return item
    tl = dataclasses.replace(item.obj, marking=marking, html=remark(item, marking))
    return dataclasses.replace(item, obj=tl)


def live_page(item: FigureItem, marking: str) -> Any:
    """The gate's embedded page (``LivePage``) of a live figure, with ``marking``."""
    from intelbench.gate.html_product import LivePage

    return LivePage(remark(item, marking), item.title)
