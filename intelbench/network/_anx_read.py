"""ANX XML charts for i2 Analyst's Notebook: the reader (see :mod:`intelbench.network.i2`).

Reads charts from :func:`~intelbench.network.to_anx`, from ANB and from other writers (pyanx,
anxwritter): both linking dialects (``Link@End1Id``/``End2Id`` naming an entity's
``EntityId`` or ``Identity``, and ``Link@End1Reference``/``End2Reference`` naming a
``ChartItem@Id``), any encoding the file declares (UTF-8, UTF-16 with or without BOM).
"""

# ruff: noqa: N806  (G for graphs, as in networkx)

from __future__ import annotations

import os
import xml.etree.ElementTree as ET
from typing import Any

import networkx as nx

from intelbench.exceptions import NetworkInputError
from intelbench.network._i2_common import (
    _ATTRS,
    _LEGACY_ATTRS,
    UNGRADED,
    _num,
    _parse_date,
    _split,
)
from intelbench.network.node_types import ANB_ENTITY_TYPES

__all__ = ["read_anx"]

_GRADE_ELEMENTS = ("GradeOne", "GradeTwo", "GradeThree")
_GRADE_ATTRS = ("GradeOneIndex", "GradeTwoIndex", "GradeThreeIndex")
#: Link types that say nothing (pyanx writes every link as "Link"): the label is used instead.
_GENERIC_LINK_TYPES = {"", "link"}


def _grade_code(text: str) -> str:
    """The code of a grading-system entry: ``"1 - Reliable"`` -> ``"1"``, ``"-"`` -> ``""``."""
    text = text.strip()
    if text in ("", UNGRADED):
        return ""
    return text.split(" - ", 1)[0].split(":", 1)[0].strip()


def _typed(value: str, typ: str) -> Any:
    if typ == "AttNumber":
        return _num(value)
    if typ == "AttFlag":
        return value.strip().lower() in ("true", "1")
    if typ == "AttTime":
        return _parse_date(value)
    return value


def read_anx(path: str | os.PathLike[str]) -> nx.Graph:
    """Read an ANX chart (from :func:`to_anx`, ANB or another writer) into the network model.

    Entities become nodes keyed by their ``Identity`` with ``node_type`` (the *IB Node type*
    attribute, else the icon type mapped back through :data:`ANB_ENTITY_TYPES`, lower-cased)
    and ``label``; links become edges with ``link_types``, ``weight``, ``count``,
    ``first_seen``, ``last_seen``, ``reports`` and ``grades``. Reports and grades come from the
    link's cards (``Card@SourceReference`` and grade indices), else from the item's
    ``SourceReference`` and grade indices, read through the chart's grading system
    (``GradeOne``/``GradeTwo``/``GradeThree``). A link type of ``"Link"`` (pyanx) gives way
    to the link's label. Attributes of other classes are kept under their class name, typed
    (number, flag, date-time, text); an item's ``Description`` is kept as ``description``, an
    entity's date as ``date`` and an entity's source references and grades as ``reports`` and
    ``grades``. Several links between the same two entities are merged
    into one edge (counts and weights summed). Node positions are in
    ``G.graph["positions"]``; anything that could not be carried over is listed in
    ``G.graph["anx_notes"]``.

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
        raise NetworkInputError(f"{os.fspath(path)}: not well-formed XML ({exc})") from None
    if root.tag != "Chart":
        raise NetworkInputError(
            f"{os.fspath(path)}: the root element must be 'Chart'; got {root.tag!r}"
        )
    classes = {
        ac.get("Id", ""): (ac.get("Name", ""), ac.get("Type", "AttText"))
        for ac in root.iter("AttributeClass")
    }
    class_types = dict(classes.values())
    ours = {name: key for key, (name, _) in _ATTRS.items()}
    legacy = dict(_LEGACY_ATTRS)
    reverse_types = {v.lower(): k for k, v in ANB_ENTITY_TYPES.items()}
    systems: list[list[str] | None] = []
    for tag in _GRADE_ELEMENTS:
        el = root.find(tag)
        systems.append(None if el is None else [s.get("Text", "") for s in el.iter("String")])
    notes: list[str] = []

    def grade_of(el: ET.Element) -> str:
        """The grade an item or card carries in the chart's grading system ("" if none)."""
        parts = []
        for attr, system, tag in zip(_GRADE_ATTRS, systems, _GRADE_ELEMENTS, strict=True):
            raw = el.get(attr)
            if raw is None or raw.strip() == "":
                continue
            if system is None:
                notes.append(f"{tag}: {attr}={raw} on {el.tag} {el.get('Id', '')!r} ignored: "
                             "the chart declares no grading system (ANB's built-in one)")
                continue
            try:
                parts.append(_grade_code(system[int(raw)]))
            except (ValueError, IndexError):
                raise NetworkInputError(
                    f"{os.fspath(path)}: {el.tag} {el.get('Id', '')!r}: {attr}={raw!r} is not "
                    f"an index into {tag} (0..{len(system) - 1})"
                ) from None
        return "".join(parts)

    def attributes(ci: ET.Element) -> tuple[dict[str, str], dict[str, Any]]:
        """The workbench's attributes (by model key) and any others (by class name, typed)."""
        known: dict[str, str] = {}
        other: dict[str, Any] = {}
        for a in ci.findall("AttributeCollection/Attribute"):
            name = a.get("AttributeClass") or classes.get(
                a.get("AttributeClassReference", ""), ("", "")
            )[0]
            value = a.get("Value", "")
            if name in ours:
                known[ours[name]] = value
            elif name in legacy:
                known[legacy[name]] = value
            elif name:
                other[name] = _typed(value, class_types.get(name, "AttText"))
        return known, other

    def evidence(ci: ET.Element, holder: ET.Element, known: dict[str, str],
                 what: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
        """Reports and grades of an item: its cards, else its own source reference and grade."""
        if "reports" in known:  # a chart from the workbench before native fields
            return _split(known.get("reports")), _split(known.get("grades"))
        cards = holder.findall("CardCollection/Card")
        for c in cards:
            if not c.get("SourceReference"):
                notes.append(f"{what} {ci.get('Id', '?')!r}: card {c.get('Summary', '')!r} has "
                             "no SourceReference; not kept as a report")
        cards = [c for c in cards if c.get("SourceReference")]
        if cards:
            return (tuple(str(c.get("SourceReference")) for c in cards),
                    tuple(grade_of(c) for c in cards))
        reports = _split(ci.get("SourceReference"))
        grade = grade_of(ci)
        if grade and not reports:
            notes.append(f"{what} {ci.get('Id', '?')!r}: grade {grade!r} has no source "
                         "reference to attach to; not kept")
        return reports, (grade,) * len(reports)

    def item_extras(ci: ET.Element) -> dict[str, Any]:
        """The item's description, if it has one."""
        out: dict[str, Any] = {}
        if ci.get("Description"):
            out["description"] = ci.get("Description")
        return out

    G = nx.Graph()
    by_entity_id: dict[str, str] = {}
    by_identity: dict[str, str] = {}
    by_item_id: dict[str, str] = {}
    positions: dict[str, tuple[float, float]] = {}
    links = []
    for ci in root.iter("ChartItem"):
        ent = ci.find("End/Entity")
        if ent is not None:
            identity = str(ent.get("Identity") or ent.get("EntityId") or ci.get("Label", ""))
            by_identity[identity] = identity
            if ent.get("EntityId"):
                by_entity_id[str(ent.get("EntityId"))] = identity
            if ci.get("Id"):
                by_item_id[str(ci.get("Id"))] = identity
            icon = ent.find("Icon/IconStyle")
            icon_type = icon.get("Type", "") if icon is not None else ""
            known, other = attributes(ci)
            t = known.get("node_type") or reverse_types.get(icon_type.lower(), icon_type.lower())
            extra = {**other, **item_extras(ci)}
            if ci.get("DateSet") == "true" and ci.get("DateTime"):
                extra["date"] = _parse_date(ci.get("DateTime"))
            reports, grades = evidence(ci, ent, known, "entity")
            if reports:
                extra.update(reports=reports, grades=grades)
            extra = {k: v for k, v in extra.items() if k not in ("node_type", "label")}
            G.add_node(identity, **extra, node_type=t or None, label=ci.get("Label", identity))
            end = ci.find("End")
            x = ci.get("XPosition") or (end.get("X") if end is not None else None) or "0"
            y = (end.get("Y") if end is not None else None) or "0"
            positions[identity] = (float(x), float(y))
        link = ci.find("Link")
        if link is not None:
            links.append((ci, link))

    def end_of(ci: ET.Element, link: ET.Element, n: int) -> str:
        ref, eid = link.get(f"End{n}Reference"), link.get(f"End{n}Id")
        if ref:
            if ref in by_item_id:
                return by_item_id[ref]
            where = f"End{n}Reference={ref!r} names no entity ChartItem@Id"
        elif eid:
            if eid in by_entity_id:
                return by_entity_id[eid]
            if eid in by_identity:
                return by_identity[eid]
            where = f"End{n}Id={eid!r} names no Entity@EntityId or Identity"
        else:
            where = f"neither End{n}Id nor End{n}Reference is set"
        raise NetworkInputError(
            f"{os.fspath(path)}: link ChartItem {ci.get('Id', '?')!r} ({ci.get('Label', '')!r}): "
            f"{where} in the chart"
        )

    for ci, link in links:
        u, v = end_of(ci, link, 1), end_of(ci, link, 2)
        known, other = attributes(ci)
        style = link.find("LinkStyle")
        style_type = style.get("Type", "") if style is not None else ""
        types = _split(known.get("link_types"))
        if not types:
            label = ci.get("Label", "").strip()
            generic = style_type.strip().lower() in _GENERIC_LINK_TYPES
            types = (label,) if generic and label else (style_type.strip(),)
        types = tuple(t for t in types if t) or ("association",)
        date = ci.get("DateTime") if ci.get("DateSet") == "true" else None
        first = _parse_date(known.get("first_seen") or date)
        last = _parse_date(known.get("last_seen")) or first
        count = _num(known.get("count"))
        weight = _num(known.get("weight"))
        reports, grades = evidence(ci, link, known, "link")
        if known.get("grade_text"):
            grades = _split(known["grade_text"])
        new: dict[str, Any] = {
            **other,
            **item_extras(ci),
            "weight": float(weight if weight is not None else (count or 1)),
            "count": count if count is not None else 1,
            "link_types": tuple(sorted(set(types))),
            "first_seen": first,
            "last_seen": last,
            "reports": reports,
            "grades": grades + ("",) * (len(reports) - len(grades)),
        }
        if G.has_edge(u, v):
            new = _merge(G.edges[u, v], new)
        G.add_edge(u, v, **new)
    G.graph["positions"] = positions
    G.graph["anx_notes"] = notes
    return G


def _merge(old: dict[str, Any], new: dict[str, Any]) -> dict[str, Any]:
    """Merge a parallel link into an edge: sums, union of types, dates spanned, reports kept."""
    seen = dict(zip(old["reports"], old["grades"], strict=True))
    for rep, gr in zip(new["reports"], new["grades"], strict=True):
        seen.setdefault(rep, gr)
    firsts = [d for d in (old["first_seen"], new["first_seen"]) if d is not None]
    lasts = [d for d in (old["last_seen"], new["last_seen"]) if d is not None]
    out = {k: v for k, v in old.items()}
    for k, v in new.items():  # other attributes: distinct values, in order
        if k in out and k not in _MODEL_KEYS and out[k] != v:
            prev = out[k] if isinstance(out[k], tuple) else (out[k],)
            out[k] = prev + ((v,) if v not in prev else ())
        else:
            out.setdefault(k, v)
    out.update({
        "weight": old["weight"] + new["weight"],
        "count": old["count"] + new["count"],
        "link_types": tuple(sorted(set(old["link_types"]) | set(new["link_types"]))),
        "first_seen": min(firsts) if firsts else None,
        "last_seen": max(lasts) if lasts else None,
        "reports": tuple(seen),
        "grades": tuple(seen.values()),
    })
    return out


_MODEL_KEYS = {"weight", "count", "link_types", "first_seen", "last_seen", "reports", "grades"}
