"""ANX XML charts for i2 Analyst's Notebook: the writer (see :mod:`intelbench.network.i2`).

Elements follow the order of the ANX schema (``Analyst's Notebook 7.xsd``, as generated into
pyanx's ``anx.py``): ``Chart`` holds ``GradeOne``, ``GradeTwo``, ``GradeThree``,
``StrengthCollection``, ``AttributeClassCollection``, ``EntityTypeCollection``,
``LinkTypeCollection``, ``Summary`` and ``ChartItemCollection`` in that order; an entity is
``ChartItem/End/Entity`` (``Icon`` then ``CardCollection``) and a link ``ChartItem/Link``
(``CardCollection`` then ``LinkStyle``), each followed by its ``AttributeCollection``.
"""

# ruff: noqa: N803  (G for graphs, as in networkx)

from __future__ import annotations

import math
import os
import xml.etree.ElementTree as ET
from collections.abc import Hashable, Mapping
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from intelbench.network._i2_common import (
    _ATTRS,
    GRADE_CODES,
    SEP,
    UNGRADED,
    _atomic_write,
    _clean,
    _edge_records,
    _node_info,
    _num,
    _num_text,
    grade_indices,
)
from intelbench.network.node_types import ANB_ENTITY_TYPES, ANB_ICONS

__all__ = ["anx_summary_fields", "to_anx"]

_GRADE_ELEMENTS = ("GradeOne", "GradeTwo", "GradeThree")
_GRADE_ATTRS = ("GradeOneIndex", "GradeTwoIndex", "GradeThreeIndex")
_SUMMARY_FIELDS = {
    "title": "SummaryFieldTitle",
    "subject": "SummaryFieldSubject",
    "keywords": "SummaryFieldKeywords",
    "category": "SummaryFieldCategory",
    "comments": "SummaryFieldComments",
    "author": "SummaryFieldAuthor",
}


def _grade_texts() -> tuple[tuple[str, ...], ...]:
    from intelbench.grading.grade import Handling, IntelligenceAssessment, SourceEvaluation

    out = []
    for enum, codes in zip(
        (SourceEvaluation, IntelligenceAssessment, Handling), GRADE_CODES, strict=True
    ):
        labels = {m.code: m.label for m in enum}
        out.append((UNGRADED, *(f"{c} - {labels[c]}" for c in codes)))
    return tuple(out)


def anx_summary_fields(marking: Any) -> dict[str, Any]:
    """The chart summary (``Chart/Summary``) that carries a dissemination marking.

    Parameters
    ----------
    marking : object
        The gate's :class:`~intelbench.gate.writers.Marking` (or anything with its
        ``classification``, ``handling``, ``conditions``, ``ref``, ``title``, ``banner`` and
        ``lines()``).

    Returns
    -------
    dict
        ``{"fields": {...}, "properties": {...}}``: ANB's summary fields (title, subject,
        keywords, category, comments) and custom properties.

    Examples
    --------
    >>> from intelbench.gate.writers import Marking
    >>> m = Marking("OFFICIAL-SENSITIVE", "P", "", "DIS-2026-000001", "DS Analyst", "Chart")
    >>> anx_summary = ib.network.i2.anx_summary_fields(m)
    >>> anx_summary["fields"]["title"], anx_summary["properties"]["Classification"]
    ('OFFICIAL-SENSITIVE - Chart', 'OFFICIAL-SENSITIVE')
    """
    lines = list(marking.lines())
    return {
        "fields": {
            "title": f"{marking.classification} - {marking.title}",
            "subject": marking.banner,
            "keywords": f"{marking.classification}; {marking.ref}",
            "category": marking.classification,
            "comments": "\n".join(lines),
        },
        "properties": {
            "Classification": marking.classification,
            "Handling": marking.handling,
            "Handling conditions": marking.conditions,
            "Dissemination reference": marking.ref,
        },
    }


def _when(value: str) -> str:
    """ANB's xs:dateTime text (UTC, no offset) of a date written by ``_date``."""
    ts = pd.Timestamp(value)
    if ts.tzinfo is not None:
        ts = ts.tz_convert("UTC").tz_localize(None)
    text = ts.strftime("%Y-%m-%dT%H:%M:%S")
    return text + (f".{ts.microsecond:06d}" if ts.microsecond else "")


def to_anx(
    G: nx.Graph,
    path: str | os.PathLike[str],
    *,
    positions: Mapping[Hashable, tuple[float, float]] | None = None,
    seed: int = 0,
    node_type: str = "node_type",
    label: str = "label",
    marking: Any = None,
) -> Path:
    """Write the network as an ANB chart in ANX XML, placed by the link-chart layout.

    Links carry ANB's own fields: the first-seen date as the item date, each report as a card
    (``Card@SourceReference``) graded in the chart's 3x5x2 grading system (``GradeOneIndex``,
    ``GradeTwoIndex``, ``GradeThreeIndex``), and the report URNs in ``SourceReference``.
    Type, weight, count and first/last seen (date-time) travel in hidden attribute classes
    named ``IB ...``; a grade that is not 3x5x2 (e.g. a legacy 5x5x5 ``"B2"``) is kept as
    text in ``IB Grade text``. Each entity type shows its standard ANB icon.

    Parameters
    ----------
    G : networkx.Graph
        The network (the :func:`build_network` model). It is not modified.
    path : str or path-like
        The ``.anx`` file to write (atomically, UTF-8).
    positions : dict, optional
        Node -> (x, y); by default :func:`chart_layout` with ``seed``.
    seed : int
        Layout seed when ``positions`` is not given.
    node_type, label : str
        Node attributes holding the type and the label.
    marking : Marking, optional
        A dissemination marking to put in the chart's summary fields (see
        :func:`anx_summary_fields`).

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
    >>> G.add_edge("P-1", "T-1", link_types=("uses",), reports=("IR-1",), grades=("2BP",))
    >>> f = ib.network.to_anx(G, os.path.join(tempfile.mkdtemp(), "c.anx"))
    >>> H = ib.network.read_anx(f)
    >>> H.nodes["P-1"]["label"], H.edges["P-1", "T-1"]["grades"]
    ('Ann & <Bob>', ('2BP',))
    """
    if positions is None:
        from intelbench.network._layout import chart_layout

        positions = chart_layout(G, seed=seed)
    records = _edge_records(G, node_type, label)
    chart = ET.Element("Chart", {"IdReferenceLinking": "false", "Rigorous": "true"})
    for element, texts, tag in zip(_GRADE_ELEMENTS, _grade_texts(), "ABC", strict=True):
        strings = ET.SubElement(ET.SubElement(chart, element), "StringCollection")
        for i, text in enumerate(texts):
            ET.SubElement(strings, "String", {"Id": f"G{tag}{i}", "Text": text})
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
            {
                "Id": f"AC{i}",
                "Name": name,
                "Type": typ,
                "IsUser": "true",
                "UserCanAdd": "true",
                "UserCanRemove": "true",
                "ShowValue": "true",
                "Visible": "false",
            },
        )
    etc = ET.SubElement(chart, "EntityTypeCollection")
    ent_types: dict[str, str] = {}
    for v in G.nodes():
        anb = _anb_type(_node_info(G, v, node_type, label)[0])
        if anb not in ent_types:
            ent_types[anb] = f"ET{len(ent_types) + 1}"
            attrs = {"Id": ent_types[anb], "Name": _clean(anb)}
            if anb in ANB_ICONS:
                attrs["IconFile"] = ANB_ICONS[anb]
            ET.SubElement(etc, "EntityType", attrs)
    ltc = ET.SubElement(chart, "LinkTypeCollection")
    link_types: dict[str, str] = {}
    for r in records:
        name = _link_type(r["types"])
        if name not in link_types:
            link_types[name] = f"LT{len(link_types) + 1}"
            ET.SubElement(ltc, "LinkType", {"Id": link_types[name], "Name": _clean(name)})
    if marking is not None:
        _summary(chart, anx_summary_fields(marking))
    items = ET.SubElement(chart, "ChartItemCollection")

    def add_attrs(parent: ET.Element, values: dict[str, str]) -> None:
        values = {k: v for k, v in values.items() if v != ""}
        if not values:
            return
        coll = ET.SubElement(parent, "AttributeCollection")
        for key, value in values.items():
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
        anb = _anb_type(t)
        ET.SubElement(
            ET.SubElement(ent, "Icon"),
            "IconStyle",
            {"Type": _clean(anb)},
        )
        add_attrs(ci, {"node_type": t})
    for k, r in enumerate(records, start=1):
        name = _link_type(r["types"])
        attrs = {"Id": f"L{k}", "Label": _clean(SEP.join(r["types"]))}
        if r["first_seen"]:
            attrs.update({"DateSet": "true", "TimeSet": "false",
                          "DateTime": _when(r["first_seen"])[:19] + ".000"})
        if r["reports"]:
            attrs["SourceReference"] = _clean(SEP.join(r["reports"]))
        graded = {grade_indices(g) for g in r["grades"]}
        if len(graded) == 1 and None not in graded:  # one 3x5x2 grade for all the reports
            attrs.update(zip(_GRADE_ATTRS, map(str, graded.pop()), strict=True))  # type: ignore[arg-type]
        ci = ET.SubElement(items, "ChartItem", attrs)
        link = ET.SubElement(ci, "Link", {"End1Id": entity_id[r["u"]], "End2Id": entity_id[r["v"]]})
        if r["reports"]:
            cards = ET.SubElement(link, "CardCollection")
            for urn, grade in zip(r["reports"], r["grades"]):  # grades padded to reports
                card = {"Summary": _clean(urn), "SourceReference": _clean(urn)}
                idx = grade_indices(grade)
                if idx is not None:
                    card.update(zip(_GRADE_ATTRS, map(str, idx), strict=True))
                ET.SubElement(cards, "Card", card)
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
        plain = all(grade_indices(g) is not None or g == "" for g in r["grades"])
        add_attrs(
            ci,
            {
                "link_types": SEP.join(r["types"]),
                "weight": _num_text(r["weight"]),
                "count": _num_text(r["count"]),
                "first_seen": _when(r["first_seen"]) if r["first_seen"] else "",
                "last_seen": _when(r["last_seen"]) if r["last_seen"] else "",
                "grade_text": "" if plain else SEP.join(r["grades"]),
            },
        )
    ET.indent(chart, space=" ")
    dest = Path(path)
    _atomic_write(dest, ET.tostring(chart, encoding="utf-8", xml_declaration=True))
    return dest


def _anb_type(t: str) -> str:
    return ANB_ENTITY_TYPES.get(t, t.title() or "Entity")


def _link_type(types: tuple[str, ...]) -> str:
    return types[0] if len(types) == 1 else "Association"


def _summary(chart: ET.Element, summary: dict[str, Any]) -> None:
    el = ET.SubElement(chart, "Summary")
    fields = ET.SubElement(el, "FieldCollection")
    for key, value in summary["fields"].items():
        ET.SubElement(fields, "Field", {"Type": _SUMMARY_FIELDS[key], "Field": _clean(value)})
    props = ET.SubElement(el, "CustomPropertyCollection")
    for name, value in summary["properties"].items():
        attrs = {"Name": _clean(name), "Type": "String", "Value": _clean(value)}
        ET.SubElement(props, "CustomProperty", attrs)
