"""The entity types of the network model, and how each is drawn and exported: one table.

The link chart (:mod:`intelbench.network.charts`), the i2 Analyst's Notebook exchange
(:mod:`intelbench.network.i2`) and the static pictures of profiles read their shapes, colours
and ANB entity type names from :data:`NODE_TYPES`, so a type added here appears everywhere.
"""

from __future__ import annotations

from typing import NamedTuple

__all__ = [
    "ANB_ENTITY_TYPES",
    "ANB_ICONS",
    "NODE_STYLES",
    "NODE_TYPES",
    "OTHER_COLOUR",
    "NodeType",
]


class NodeType(NamedTuple):
    """How one node type is drawn on a chart and named in i2 Analyst's Notebook.

    ``anb_type`` is the ANB entity type name and ``anb_icon`` the name of the icon of ANB's
    standard icon set that the exported entity type shows (``EntityType@IconFile``).
    """

    shape: str
    colour: str
    anb_type: str
    anb_icon: str = ""


#: node type -> shape and colour on the link chart, and the ANB entity type on export.
NODE_TYPES: dict[str, NodeType] = {
    "person": NodeType("circle", "#1f77b4", "Person", "Person"),
    "phone": NodeType("roundsquare", "#2ca02c", "Phone", "Phone"),
    "vehicle": NodeType("triangle", "#ff7f0e", "Vehicle", "Vehicle"),
    "address": NodeType("house", "#8c564b", "Address", "Address"),
    "organisation": NodeType("hexagon", "#9467bd", "Organisation", "Organisation"),
    "event": NodeType("diamond", "#d62728", "Event", "Event"),
}
#: Colour of any type not in :data:`NODE_TYPES`.
OTHER_COLOUR = "#7f7f7f"

#: Shape and colour for each node type (drawn on the canvas; ``other`` for anything else).
NODE_STYLES: dict[str, tuple[str, str]] = {
    **{t: (n.shape, n.colour) for t, n in NODE_TYPES.items()},
    "other": ("octagon", OTHER_COLOUR),
}
#: intelbench node type -> ANB entity type name used on export (read back case-insensitively).
ANB_ENTITY_TYPES: dict[str, str] = {t: n.anb_type for t, n in NODE_TYPES.items()}
#: ANB entity type name -> the standard ANB icon its ``EntityType`` shows on export.
ANB_ICONS: dict[str, str] = {n.anb_type: n.anb_icon for n in NODE_TYPES.values() if n.anb_icon}
