"""How the link chart draws entities and links: embedded icons, link styles and labels.

Every icon is an inline SVG path on a 24 x 24 grid, written here (no image file, no font, no
network). The chart draws the path in white on a disc coloured by the node's type (or by the
attribute the analyst chooses to colour by); the legend shows the same SVG.
Link types are drawn in their own colour and dash and labelled with what the link is
("lives at", "uses phone", ...); grades and report references go to the details pane.
"""

from __future__ import annotations

import html
from typing import NamedTuple

from intelbench.network.node_types import NODE_STYLES

__all__ = [
    "ENTITY_ICONS",
    "ICON_TYPES",
    "LINK_STYLES",
    "LinkStyle",
    "icon_svg",
    "link_label",
    "link_style",
    "type_colour",
]

#: Entity type -> SVG path data (24 x 24 viewBox, drawn with the even-odd rule).
ENTITY_ICONS: dict[str, str] = {
    "person": (
        "M12 12.5a4.6 4.6 0 1 0 0-9.2 4.6 4.6 0 0 0 0 9.2zM12 14c-4.6 0-8.5 2.3-8.5 5.2V2"
        "1h17v-1.8c0-2.9-3.9-5.2-8.5-5.2z"
    ),
    "phone": (
        "M8 1.5h8a2 2 0 0 1 2 2v17a2 2 0 0 1-2 2H8a2 2 0 0 1-2-2v-17a2 2 0 0 1 2-2zM8 4.5"
        "v13h8v-13zM12 18.6a1.2 1.2 0 1 0 0 2.4 1.2 1.2 0 0 0 0-2.4z"
    ),
    "vehicle": (
        "M4.8 10.5 6.5 6a2 2 0 0 1 1.9-1.3h7.2A2 2 0 0 1 17.5 6l1.7 4.5h.8a1 1 0 0 1 1 1V"
        "17h-2v2.2h-3V17H8v2.2H5V17H3v-5.5a1 1 0 0 1 1-1zM7 10.5h10l-1.2-3.4a1 1 0 0 0-.9"
        "-.6H9.1a1 1 0 0 0-.9.6zM6.8 12.3a1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3zM17.2 12.3a"
        "1.5 1.5 0 1 0 0 3 1.5 1.5 0 0 0 0-3z"
    ),
    "address": ("M12 2.5 22 11h-3v10h-5.2v-6.2h-3.6V21H5V11H2z"),
    "location": (
        "M12 1.8a7.2 7.2 0 0 0-7.2 7.2c0 5.4 7.2 13.2 7.2 13.2s7.2-7.8 7.2-13.2A7.2 7.2 0"
        " 0 0 12 1.8zM12 6.3a2.7 2.7 0 1 1 0 5.4 2.7 2.7 0 0 1 0-5.4z"
    ),
    "organisation": (
        "M3.5 21.5V3.5a1 1 0 0 1 1-1h9.5a1 1 0 0 1 1 1v5h4.5a1 1 0 0 1 1 1v12h-6.5v-4h-4v"
        "4zM6.5 5.5v2.2h2.2V5.5zM10.8 5.5v2.2H13V5.5zM6.5 10v2.2h2.2V10zM10.8 10v2.2H13V1"
        "0zM16.5 11.5v2.2h1.6v-2.2zM6.5 14.5v2.2h2.2v-2.2z"
    ),
    "ocg": (
        "M7.5 11a3.2 3.2 0 1 0 0-6.4 3.2 3.2 0 0 0 0 6.4zM16.5 11a3.2 3.2 0 1 0 0-6.4 3.2"
        " 3.2 0 0 0 0 6.4zM7.5 12.6C4.2 12.6 1 14.2 1 16.8V19h13v-2.2c0-2.6-3.2-4.2-6.5-4"
        ".2zM16.5 12.6c-.6 0-1.2 0-1.8.2 1.6 1 2.8 2.4 2.8 4V19H23v-2.2c0-2.6-3.2-4.2-6.5"
        "-4.2z"
    ),
    "account": (
        "M3 4.5h18a1.5 1.5 0 0 1 1.5 1.5v12a1.5 1.5 0 0 1-1.5 1.5H3A1.5 1.5 0 0 1 1.5 18V"
        "6A1.5 1.5 0 0 1 3 4.5zM1.5 8v3h21V8zM4.5 14.5v2h6v-2z"
    ),
    "event": ("M13.5 1.5 4 13.5h6.8l-1.3 9 9.5-12.2h-6.8z"),
    "other": ("M12 3.5a8.5 8.5 0 1 0 0 17 8.5 8.5 0 0 0 0-17zM12 8a4 4 0 1 1 0 8 4 4 0 0 1 0-8z"),
}
#: The entity types with their own icon (anything else is drawn as ``other``).
ICON_TYPES: tuple[str, ...] = tuple(t for t in ENTITY_ICONS if t != "other")

_EXTRA_COLOURS = {
    "location": "#17becf",
    "ocg": "#b2182b",
    "account": "#bcbd22",
}


def type_colour(node_type: str) -> str:
    """Return the disc colour of an entity type (from :data:`NODE_STYLES` or a fixed extra).

    Examples
    --------
    >>> ib.network.chart_style.type_colour("person")
    '#1f77b4'
    >>> ib.network.chart_style.type_colour("no such type")
    '#7f7f7f'
    """
    if node_type in NODE_STYLES:
        return NODE_STYLES[node_type][1]
    return _EXTRA_COLOURS.get(node_type, NODE_STYLES["other"][1])


class LinkStyle(NamedTuple):
    """How one link type is drawn: its label, line colour and dash pattern (pixels)."""

    label: str
    colour: str
    dash: tuple[int, ...] = ()
    rank: int = 50


#: Link type (as in the network model) -> label, colour and dash. ``rank`` orders which type
#: styles a link that carries several (lower first).
LINK_STYLES: dict[str, LinkStyle] = {
    "co_offending": LinkStyle("co-offender", "#c0392b", (), 1),
    "co_offender": LinkStyle("co-offender", "#c0392b", (), 1),
    "family": LinkStyle("family", "#2e7d32", (), 2),
    "associate": LinkStyle("associate", "#555555", (), 3),
    "association": LinkStyle("linked", "#777777", (), 10),
    "calls": LinkStyle("calls", "#6a1b9a", (8, 3, 2, 3), 4),
    "uses_phone": LinkStyle("uses phone", "#1565c0", (6, 4), 5),
    "uses_vehicle": LinkStyle("drives", "#e65100", (6, 4), 6),
    "drives": LinkStyle("drives", "#e65100", (6, 4), 6),
    "resides_at": LinkStyle("lives at", "#6d4c41", (2, 3), 7),
    "lives_at": LinkStyle("lives at", "#6d4c41", (2, 3), 7),
    "visits": LinkStyle("visits", "#00838f", (2, 3), 8),
    "member_of": LinkStyle("member of", "#b2182b", (4, 2), 9),
}
_OTHER_LINK = LinkStyle("", "#777777", (), 99)


def link_label(link_type: str) -> str:
    """Say what a link is, in words: ``"resides_at"`` -> ``"lives at"``.

    Examples
    --------
    >>> ib.network.chart_style.link_label("uses_vehicle")
    'drives'
    >>> ib.network.chart_style.link_label("sells_to")
    'sells to'
    """
    style = LINK_STYLES.get(link_type)
    return style.label if style else str(link_type).replace("_", " ")


def link_style(link_type: str) -> LinkStyle:
    """Return the style of a link type (grey, solid, labelled in words when unknown)."""
    style = LINK_STYLES.get(link_type)
    return style if style else _OTHER_LINK._replace(label=link_label(link_type))


def icon_svg(node_type: str, *, size: int = 18, colour: str | None = None) -> str:
    """Return an inline SVG of an entity icon on its coloured disc (for legends and pages).

    Examples
    --------
    >>> svg = ib.network.chart_style.icon_svg("phone")
    >>> svg.startswith("<svg") and "href" not in svg
    True
    """
    path = ENTITY_ICONS.get(node_type, ENTITY_ICONS["other"])
    fill = html.escape(colour or type_colour(node_type), quote=True)
    return (
        f'<svg width="{int(size)}" height="{int(size)}" '
        f'viewBox="-4 -4 32 32" role="img" aria-label="{html.escape(node_type, quote=True)}">'
        f'<circle cx="12" cy="12" r="16" fill="{fill}"/>'
        f'<path d="{path}" fill="#fff" fill-rule="evenodd"/></svg>'
    )
