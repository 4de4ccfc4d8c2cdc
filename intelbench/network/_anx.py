"""ANX XML charts for i2 Analyst's Notebook (see :mod:`intelbench.network.i2`)."""

# ruff: noqa: N803, N806  (G for graphs, as in networkx)

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Hashable
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from intelbench.exceptions import NetworkInputError
from intelbench.network._i2_common import (
    _ATTRS,
    SEP,
    _atomic_write,
    _clean,
    _edge_records,
    _node_info,
    _num,
    _num_text,
    _parse_date,
    _split,
)
from intelbench.network.node_types import ANB_ENTITY_TYPES

__all__ = ["read_anx", "to_anx"]


def to_anx(
    G: nx.Graph,
    path: str | os.PathLike[str],
    *,
    positions: dict[Hashable, tuple[float, float]] | None = None,
    seed: int = 0,
    node_type: str = "node_type",
    label: str = "label",
) -> Path:
    """Write the network as an ANB chart in ANX XML, placed by the link-chart layout.

    Parameters
    ----------
    G : networkx.Graph
        The network (the :func:`build_network` model). It is not modified.
    path : str or path-like
        The ``.anx`` file to write (atomically).
    positions : dict, optional
        Node -> (x, y); by default :func:`chart_layout` with ``seed``.
    seed : int
        Layout seed when ``positions`` is not given.
    node_type, label : str
        Node attributes holding the type and the label.

    Returns
    -------
    Path
        The written file.

    Examples
    --------
    >>> import networkx as nx, tempfile, os
    >>> G = nx.Graph()
    >>> G.add_node("P-1", node_type="person", label="Ann & <Bob>")
    >>> G.add_node("T-1", node_type="phone", label="07700 900001")
    >>> G.add_edge("P-1", "T-1", link_types=("uses",), reports=("IR-1",), grades=("B2",))
    >>> f = ib.network.to_anx(G, os.path.join(tempfile.mkdtemp(), "c.anx"))
    >>> H = ib.network.read_anx(f)
    >>> H.nodes["P-1"]["label"], H.edges["P-1", "T-1"]["grades"]
    ('Ann & <Bob>', ('B2',))
    """
    if positions is None:
        from intelbench.network._layout import chart_layout

        positions = chart_layout(G, seed=seed)
    chart = ET.Element("Chart")
    ET.SubElement(
        ET.SubElement(chart, "StrengthCollection"),
        "Strength",
        {"Id": "ST1", "Name": "Default", "DotStyle": "DotStyleSolid"},
    )
    acc = ET.SubElement(chart, "AttributeClassCollection")
    ac_ids = {}
    for i, (key, (name, typ)) in enumerate(_ATTRS.items(), start=1):
        ac_ids[key] = f"AC{i}"
        ET.SubElement(
            acc,
            "AttributeClass",
            {"Id": f"AC{i}", "Name": name, "Type": typ, "IsUser": "true", "ShowValue": "false"},
        )
    records = _edge_records(G, node_type, label)
    etc = ET.SubElement(chart, "EntityTypeCollection")
    ent_types: dict[str, str] = {}
    for v in G.nodes():
        t = _node_info(G, v, node_type, label)[0]
        anb = ANB_ENTITY_TYPES.get(t, t.title() or "Entity")
        if anb not in ent_types:
            ent_types[anb] = f"ET{len(ent_types) + 1}"
            ET.SubElement(etc, "EntityType", {"Id": ent_types[anb], "Name": _clean(anb)})
    ltc = ET.SubElement(chart, "LinkTypeCollection")
    link_types: dict[str, str] = {}
    for r in records:
        name = r["types"][0] if len(r["types"]) == 1 else "Association"
        if name not in link_types:
            link_types[name] = f"LT{len(link_types) + 1}"
            ET.SubElement(ltc, "LinkType", {"Id": link_types[name], "Name": _clean(name)})
    items = ET.SubElement(chart, "ChartItemCollection")

    def add_attrs(parent: ET.Element, values: dict[str, str]) -> None:
        coll = ET.SubElement(parent, "AttributeCollection")
        for key, value in values.items():
            if value != "":
                ET.SubElement(
                    coll,
                    "Attribute",
                    {
                        "AttributeClass": _ATTRS[key][0],
                        "AttributeClassReference": ac_ids[key],
                        "Value": _clean(value),
                    },
                )

    entity_id: dict[Hashable, str] = {}
    for k, v in enumerate(G.nodes(), start=1):
        t, lab = _node_info(G, v, node_type, label)
        entity_id[v] = str(k)
        x, y = positions.get(v, (0.0, 0.0))
        xs, ys = str(round(float(x))), str(round(float(y)))
        ci = ET.SubElement(
            items, "ChartItem", {"Id": f"E{k}", "Label": _clean(lab), "XPosition": xs}
        )
        end = ET.SubElement(ci, "End", {"X": xs, "Y": ys, "Z": "0"})
        ent = ET.SubElement(
            end, "Entity", {"EntityId": str(k), "Identity": _clean(v), "LabelIsIdentity": "false"}
        )
        ET.SubElement(
            ET.SubElement(ent, "Icon"),
            "IconStyle",
            {"Type": _clean(ANB_ENTITY_TYPES.get(t, t.title() or "Entity"))},
        )
        add_attrs(ci, {"node_type": t})
    for k, r in enumerate(records, start=1):
        name = r["types"][0] if len(r["types"]) == 1 else "Association"
        attrs = {"Id": f"L{k}", "Label": _clean(SEP.join(r["types"]))}
        if r["first_seen"]:
            attrs.update(
                {
                    "DateSet": "true",
                    "TimeSet": "false",
                    "DateTime": pd.Timestamp(r["first_seen"]).strftime("%Y-%m-%dT%H:%M:%S.000"),
                }
            )
        ci = ET.SubElement(items, "ChartItem", attrs)
        link = ET.SubElement(ci, "Link", {"End1Id": entity_id[r["u"]], "End2Id": entity_id[r["v"]]})
        width = _num(r["weight"])
        ET.SubElement(
            link,
            "LinkStyle",
            {
                "Strength": "Default",
                "ArrowStyle": "ArrowNone",
                "Type": _clean(name),
                "LinkTypeReference": link_types[name],
                "LineWidth": str(max(1, min(5, round(math.log1p(width or 1.0))))),
            },
        )
        add_attrs(
            ci,
            {
                "link_types": SEP.join(r["types"]),
                "weight": _num_text(r["weight"]),
                "count": _num_text(r["count"]),
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
                "grades": SEP.join(r["grades"]),
                "reports": SEP.join(r["reports"]),
            },
        )
    ET.indent(chart, space=" ")
    dest = Path(path)
    _atomic_write(dest, ET.tostring(chart, encoding="utf-8", xml_declaration=True))
    return dest


def read_anx(path: str | os.PathLike[str]) -> nx.Graph:
    """Read an ANX chart (from :func:`to_anx` or ANB) into a network of the same model.

    Entities become nodes keyed by their ``Identity`` with ``node_type`` (the *Node type*
    attribute, else the icon type mapped back through :data:`ANB_ENTITY_TYPES`, lower-cased)
    and ``label``; links become edges with ``link_types``, ``weight``, ``count``,
    ``first_seen``, ``last_seen``, ``reports`` and ``grades``. Several links between the same
    two entities are merged into one edge (counts and weights summed). Node positions are in
    ``G.graph["positions"]``.

    Parameters
    ----------
    path : str or path-like
        The ``.anx`` file.

    Returns
    -------
    networkx.Graph
        The network.

    Raises
    ------
    NetworkInputError
        If the file is not an ANX chart or a link names an entity that is not in it.

    Examples
    --------
    See :func:`to_anx`.
    """
    try:
        root = ET.parse(path).getroot()
    except ET.ParseError as exc:
        raise NetworkInputError(f"path: not well-formed XML ({exc})") from None
    if root.tag != "Chart":
        raise NetworkInputError(f"path: the root element must be 'Chart'; got {root.tag!r}")
    class_names = {ac.get("Id", ""): ac.get("Name", "") for ac in root.iter("AttributeClass")}
    by_name = {name: key for key, (name, _) in _ATTRS.items()}
    reverse_types = {v.lower(): k for k, v in ANB_ENTITY_TYPES.items()}

    def attributes(ci: ET.Element) -> dict[str, str]:
        out = {}
        for a in ci.findall("AttributeCollection/Attribute"):
            name = a.get("AttributeClass") or class_names.get(
                a.get("AttributeClassReference", ""), ""
            )
            if name in by_name:
                out[by_name[name]] = a.get("Value", "")
        return out

    G = nx.Graph()
    ids: dict[str, str] = {}
    positions: dict[str, tuple[float, float]] = {}
    links = []
    for ci in root.iter("ChartItem"):
        ent = ci.find("End/Entity")
        if ent is not None:
            identity = str(ent.get("Identity") or ent.get("EntityId") or ci.get("Label", ""))
            ids[ent.get("EntityId", identity)] = identity
            icon = ent.find("Icon/IconStyle")
            icon_type = icon.get("Type", "") if icon is not None else ""
            t = attributes(ci).get("node_type") or reverse_types.get(
                icon_type.lower(), icon_type.lower()
            )
            G.add_node(identity, node_type=t or None, label=ci.get("Label", identity))
            end = ci.find("End")
            x = ci.get("XPosition") or (end.get("X") if end is not None else None) or "0"
            y = (end.get("Y") if end is not None else None) or "0"
            positions[identity] = (float(x), float(y))
        link = ci.find("Link")
        if link is not None:
            links.append((ci, link))
    for ci, link in links:
        e1, e2 = link.get("End1Id", ""), link.get("End2Id", "")
        if e1 not in ids or e2 not in ids:
            raise NetworkInputError(
                f"End1Id/End2Id: link {ci.get('Id', '?')!r} names an entity not in the chart "
                f"({e1 if e1 not in ids else e2!r})"
            )
        a = attributes(ci)
        style = link.find("LinkStyle")
        types = _split(a.get("link_types")) or (
            (style.get("Type", ""),) if style is not None else ()
        )
        types = tuple(t for t in types if t) or ("association",)
        date = ci.get("DateTime") if ci.get("DateSet") == "true" else None
        first = _parse_date(a.get("first_seen") or date)
        last = _parse_date(a.get("last_seen")) or first
        count = _num(a.get("count"))
        weight = _num(a.get("weight"))
        reports, grades = _split(a.get("reports")), _split(a.get("grades"))
        u, v = ids[e1], ids[e2]
        new: dict[str, Any] = {
            "weight": float(weight if weight is not None else (count or 1)),
            "count": count if count is not None else 1,
            "link_types": tuple(sorted(set(types))),
            "first_seen": first,
            "last_seen": last,
            "reports": reports,
            "grades": grades + ("",) * (len(reports) - len(grades)),
        }
        if G.has_edge(u, v):
            old = G.edges[u, v]
            seen = dict(zip(old["reports"], old["grades"], strict=True))
            for rep, gr in zip(new["reports"], new["grades"], strict=True):
                seen.setdefault(rep, gr)
            firsts = [d for d in (old["first_seen"], first) if d is not None]
            lasts = [d for d in (old["last_seen"], last) if d is not None]
            new = {
                "weight": old["weight"] + new["weight"],
                "count": old["count"] + new["count"],
                "link_types": tuple(sorted(set(old["link_types"]) | set(types))),
                "first_seen": min(firsts) if firsts else None,
                "last_seen": max(lasts) if lasts else None,
                "reports": tuple(seen),
                "grades": tuple(seen.values()),
            }
        G.add_edge(u, v, **new)
    G.graph["positions"] = positions
    return G
