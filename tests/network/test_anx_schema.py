"""The ANX export against a model of the ANX schema: element order, names, ANB's own fields.

``SCHEMA`` is taken from the classes that generateDS made from i2's ``Analyst's Notebook 7.xsd``
(pyanx's ``anx.py``, github.com/pcbje/pyanx): for each element, its child elements in the order
of the schema's sequence (the order of the generated constructor arguments and of
``exportChildren``) and the XML attributes the class declares. Entries marked ``anxwritter``
are not in the parts of ``anx.py`` read for this model and come from the output of anxwritter
(PyPI), which its author checked against ANB 9's import logs.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import networkx as nx
import pandas as pd
import pytest

from intelbench.network import build_network, read_anx, to_anx
from intelbench.network.node_types import ANB_ICONS, NODE_TYPES

#: element -> (children in schema order, attributes declared)
SCHEMA: dict[str, tuple[tuple[str, ...], frozenset[str]]] = {
    "Chart": (
        ("ApplicationVersion", "LibraryCatalogue", "PropertyBagCollection", "CustomImageCollection",
         "GradeOne", "GradeTwo", "GradeThree", "SourceHints", "StrengthCollection",
         "AttributeClassCollection", "EntityTypeCollection", "LinkTypeCollection", "Font",
         "DatabaseProxyCollection", "DateTimeFormatCollection", "CurrentStyleCollection",
         "TimeZone", "TimeBar", "PrintSettings", "Summary", "ChartItemCollection",
         "ConnectionCollection", "JunctionCollection", "GroupCollection", "PaletteCollection",
         "PaletteBarCollection", "LegendDefinition", "SnapshotCollection"),
        frozenset({
            "GridHeightSize", "UseDefaultLinkSpacingWhenDragging", "GridVisibleOnAllViews",
            "ShowAllFlag", "ShowPages", "BackColour", "DefaultLinkSpacing", "WiringDistanceNear",
            "UseWiringHeightForThemeIcon", "DefaultTickRate", "DefaultDateTimeForNewChart",
            "WiringHeight", "HiddenItemsVisibility", "GridWidthSize", "HideMatchingTimeZoneFormat",
            "DefaultDate", "TimeBarVisible", "WiringSpacing", "BlankLinkLabels",
            "UseLocalTimeZone", "TypeIconDrawingMode", "WiringDistanceFar", "IdReferenceLinking",
            "IsBackColourFilled", "SnapToGrid", "LabelSumNumericLinks", "LabelRule", "Rigorous",
            "MsxmlVersion", "SchemaVersion", "CoverSheetShowOnOpen"}),
    ),
    "ChartItem": (
        ("End", "Link", "AttributeCollection", "CIStyle", "PropertyBagCollection", "TimeZone"),
        frozenset({
            "LocalDateTimeOffset", "Shown", "DateSet", "GradeOneIndex", "Description",
            "GroupReference", "GradeTwoIndex", "Selected", "GradeTwoReference",
            "GradeThreeReference", "DateTime", "DateTimeDescription", "SourceReference",
            "SourceType", "GradeThreeIndex", "TimeSet", "Ordered", "Label", "XPosition", "Id",
            "GradeOneReference"}),
    ),
    "End": (("Entity", "Label"), frozenset({"X", "Y", "Z"})),
    "Entity": (
        ("Box", "Circle", "Event", "Icon", "OleItem", "TextBlock", "Theme",
         "DatabaseKeyCollection", "CardCollection"),
        frozenset({"EntityId", "SemanticTypeGuid", "Identity", "LabelIsIdentity"}),
    ),
    "Link": (
        ("DatabaseKeyCollection", "CardCollection", "CornerCollection", "LinkStyle"),
        frozenset({"End1Id", "End2Id", "End1Reference", "End2Reference", "SemanticTypeGuid",
                   "LabelSegment", "LabelPos", "Offset", "ConnectionReference"}),
    ),
    "LinkStyle": ((), frozenset({"Strength", "ArrowStyle", "LinkTypeReference",
                                 "StrengthReference", "LineColour", "MlStyle", "FanOut",
                                 "LineWidth", "Type"})),
    "Card": (("TimeZone",), frozenset({
        "LocalDateTimeOffset", "TimeSet", "DateSet", "GradeOneIndex", "GradeTwoReference", "Text",
        "GradeTwoIndex", "GradeThreeReference", "DateTime", "DateTimeDescription",
        "SourceReference", "SourceType", "GradeThreeIndex", "Summary", "GradeOneReference"})),
    "Summary": (("FieldCollection", "CustomPropertyCollection", "Origin"), frozenset()),
    "AttributeClass": (("Font",), frozenset({
        "PasteBehaviour", "ShowTime", "ShowSuffix", "IsUser", "Type", "ShowSymbol", "ShowSeconds",
        "SemanticTypeGuid", "IconFile", "ShowValue", "Name", "UserCanAdd", "ShowIfSet",
        "ShowClassName", "Suffix", "Visible", "Prefix", "UserCanRemove", "ShowPrefix",
        "DecimalPlaces", "MergeBehaviour", "Id", "ShowDate"})),
    "Attribute": ((), frozenset({"AttributeClassReference", "Value", "AttributeClass"})),
    "EntityType": ((), frozenset({"Name", "Colour", "SemanticTypeGuid", "IconFile",
                                  "PreferredRepresentation", "IconShadingColour", "Id"})),
    "Icon": (("IconStyle",), frozenset()),  # pyanx: Icon(IconStyle=...)
    "IconStyle": (("FrameStyle",), frozenset({"Type"})),  # pyanx: IconStyle(Type, FrameStyle)
    "Strength": ((), frozenset({"DotStyle", "Name", "Id"})),  # pyanx: Strength(...)
    "LinkType": ((), frozenset({"Name", "Id"})),  # pyanx: LinkType(Name=...); anxwritter: Id
    # collections: one kind of child, repeated
    "StrengthCollection": (("Strength",), frozenset()),
    "AttributeClassCollection": (("AttributeClass",), frozenset()),
    "EntityTypeCollection": (("EntityType",), frozenset()),
    "LinkTypeCollection": (("LinkType",), frozenset()),
    "ChartItemCollection": (("ChartItem",), frozenset()),
    "AttributeCollection": (("Attribute",), frozenset()),
    "CardCollection": (("Card",), frozenset()),
    "FieldCollection": (("Field",), frozenset()),
    "Field": ((), frozenset({"Type", "Field"})),
    # anxwritter
    "GradeOne": (("StringCollection",), frozenset()),
    "GradeTwo": (("StringCollection",), frozenset()),
    "GradeThree": (("StringCollection",), frozenset()),
    "StringCollection": (("String",), frozenset()),
    "String": ((), frozenset({"Id", "Text"})),
    "CustomPropertyCollection": (("CustomProperty",), frozenset()),
    "CustomProperty": ((), frozenset({"Name", "Type", "Value"})),
}


def schema_problems(root: ET.Element, *, complete: bool = True) -> list[str]:
    """Every element out of schema order, unknown to the model, or with an undeclared attribute.

    With ``complete=False`` elements the model does not describe are skipped (for charts from
    other writers, which use parts of the schema the model leaves out).
    """
    problems = []

    def walk(el: ET.Element, path: str) -> None:
        here = f"{path}/{el.tag}"
        if el.tag not in SCHEMA:
            if complete:
                problems.append(f"{here}: element not in the schema model")
            return
        order, attrs = SCHEMA[el.tag]
        extra = set(el.attrib) - attrs
        if extra:
            problems.append(f"{here}: attributes not in the schema {sorted(extra)}")
        last = -1
        for child in el:
            if child.tag not in order:
                problems.append(f"{here}: child {child.tag} not allowed")
                continue
            pos = order.index(child.tag)
            if pos < last:
                problems.append(f"{here}: {child.tag} after {order[last]}")
            last = max(last, pos)
            walk(child, here)

    walk(root, "")
    return problems


def network() -> nx.Graph:
    links = pd.DataFrame({
        "source": ["P-1", "P-1", "P-2", "P-2", "P-1", "P-3"],
        "target": ["T-1", "T-1", "V-1", "A-1", "O-1", "E-1"],
        "source_type": ["person"] * 6,
        "target_type": ["phone", "phone", "vehicle", "address", "organisation", "event"],
        "link_type": ["uses", "calls", "drives", "resides_at", "member_of", "attended"],
        "first_seen": ["2026-01-01", "2026-02-01 13:45:00", None, "2025-12-01", None, None],
        "last_seen": ["2026-01-10", "2026-03-01", None, "2026-01-01", None, None],
        "count": [3, 2, 1, 1, 1, 1],
        "report_urn": ["IR-1", "IR-2", "IR-3", "IR-4", None, "IR-6"],
        "grade": ["1AP", None, "B2", "2BC", None, "3EC"],
    })
    return build_network(links)


@pytest.fixture
def chart(tmp_path: Path) -> ET.Element:
    return ET.parse(to_anx(network(), tmp_path / "c.anx", seed=1)).getroot()


def test_export_follows_the_schema_model(chart: ET.Element) -> None:
    assert schema_problems(chart) == []


def test_the_model_catches_misordered_and_unknown_elements(chart: ET.Element) -> None:
    bad = ET.fromstring(ET.tostring(chart))
    acc = bad.find("AttributeClassCollection")
    assert acc is not None
    bad.remove(acc)
    bad.append(acc)  # after ChartItemCollection
    ET.SubElement(bad.find("ChartItemCollection/ChartItem/End/Entity"), "Colour")  # type: ignore[arg-type]
    bad.set("Weight", "1")
    problems = schema_problems(bad)
    assert "/Chart: AttributeClassCollection after ChartItemCollection" in problems
    assert "/Chart: attributes not in the schema ['Weight']" in problems
    assert any("child Colour not allowed" in p for p in problems)


def test_chart_states_its_linking_dialect(chart: ET.Element) -> None:
    assert chart.get("IdReferenceLinking") == "false"
    entity_ids = {e.get("EntityId") for e in chart.iter("Entity")}
    for link in chart.iter("Link"):
        assert link.get("End1Id") in entity_ids and link.get("End2Id") in entity_ids
        assert link.get("End1Reference") is None


def test_attribute_classes_cannot_collide_with_anb_names(chart: ET.Element) -> None:
    names = [ac.get("Name", "") for ac in chart.iter("AttributeClass")]
    assert names and all(n.startswith("IB ") for n in names), names
    # names ANB or common ANB libraries declare (anxwritter docs: "Weight" breaks an ANB 9 import)
    anb_names = {"weight", "count", "grade", "grades", "date", "time", "first seen", "last seen",
                 "source", "source reference", "link type", "type", "label", "description"}
    assert not {n.lower() for n in names} & anb_names
    # every class the items use is declared, and by both name and reference
    ids = {ac.get("Id"): ac.get("Name") for ac in chart.iter("AttributeClass")}
    for att in chart.iter("Attribute"):
        assert ids[att.get("AttributeClassReference")] == att.get("AttributeClass")


def test_hidden_attribute_classes_are_not_visible(chart: ET.Element) -> None:
    for ac in chart.iter("AttributeClass"):
        assert ac.get("Visible") == "false", ac.get("Name")


def test_entity_types_carry_standard_icons(chart: ET.Element) -> None:
    types = {et.get("Name"): et.get("IconFile") for et in chart.iter("EntityType")}
    assert types == {n.anb_type: n.anb_icon for n in NODE_TYPES.values()}
    assert ANB_ICONS == {"Person": "Person", "Phone": "Phone", "Vehicle": "Vehicle",
                         "Address": "Address", "Organisation": "Organisation", "Event": "Event"}
    for style in chart.iter("IconStyle"):
        assert style.get("Type") in types


def test_grades_and_sources_use_anb_fields(chart: ET.Element) -> None:
    texts = [[s.get("Text") for s in chart.iter(tag) for s in s.iter("String")]
             for tag in ("GradeOne", "GradeTwo", "GradeThree")]
    assert [t[0] for t in texts] == ["-", "-", "-"]  # index 0 (the schema default) = ungraded
    assert [len(t) for t in texts] == [4, 6, 3]  # 3x5x2
    assert texts[0][1].startswith("1 - ") and texts[1][5].startswith("E - ")
    links = {ci.get("Label"): ci for ci in chart.iter("ChartItem") if ci.find("Link") is not None}
    # P-1 -- T-1: two reports, IR-1 graded 1AP, IR-2 ungraded: one card each, no item grade
    uses = links["calls; uses"]
    assert uses.get("SourceReference") == "IR-1; IR-2" and uses.get("GradeOneIndex") is None
    cards = uses.findall("Link/CardCollection/Card")
    assert [(c.get("SourceReference"), c.get("GradeOneIndex"), c.get("GradeTwoIndex"),
             c.get("GradeThreeIndex")) for c in cards] == [("IR-1", "1", "1", "1"),
                                                           ("IR-2", None, None, None)]
    # one 3x5x2 grade: on the item too; 3EC = indices 3, 5, 2
    attended = links["attended"]
    assert [attended.get(a) for a in ("GradeOneIndex", "GradeTwoIndex", "GradeThreeIndex")] == [
        "3", "5", "2"]
    # a legacy 5x5x5 grade has no place in the 3x5x2 system: kept as text, not as indices
    drives = links["drives"]
    assert drives.get("GradeOneIndex") is None
    values = {a.get("AttributeClass"): a.get("Value")
              for a in drives.findall("AttributeCollection/Attribute")}
    assert values["IB Grade text"] == "B2"
    assert not any("Grade" in (a.get("AttributeClass") or "")
                   for a in uses.findall("AttributeCollection/Attribute"))


def test_first_and_last_seen_are_date_time_attributes(chart: ET.Element) -> None:
    types = {ac.get("Name"): ac.get("Type") for ac in chart.iter("AttributeClass")}
    assert types["IB First seen"] == types["IB Last seen"] == "AttTime"
    values = [a.get("Value") for a in chart.iter("Attribute")
              if a.get("AttributeClass") == "IB First seen"]
    assert "2026-01-01T00:00:00" in values  # xs:dateTime, as ANB reads it
    assert all(len(v or "") >= 19 and (v or "")[10] == "T" for v in values)


def test_marking_goes_in_the_summary_fields(tmp_path: Path) -> None:
    from intelbench.gate.writers import Marking

    m = Marking("OFFICIAL-SENSITIVE", "C", "No onward sharing", "DIS-2026-000007",
                "DS Analyst (Southshire Police)", "Phones of the group")
    root = ET.parse(to_anx(network(), tmp_path / "m.anx", marking=m)).getroot()
    assert schema_problems(root) == []
    fields = {f.get("Type"): f.get("Field") for f in root.iter("Field")}
    assert fields["SummaryFieldTitle"] == "OFFICIAL-SENSITIVE - Phones of the group"
    assert fields["SummaryFieldSubject"] == m.banner
    assert fields["SummaryFieldComments"].splitlines() == m.lines()
    props = {p.get("Name"): p.get("Value") for p in root.iter("CustomProperty")}
    assert props["Classification"] == "OFFICIAL-SENSITIVE" and props["Handling"] == "C"
    assert props["Dissemination reference"] == "DIS-2026-000007"
    assert read_anx(tmp_path / "m.anx").number_of_edges() == network().number_of_edges()


def test_anxwritter_output_fits_the_model_where_it_overlaps(tmp_path: Path) -> None:
    """The model is not only our reading: ANB 9-tested output of another writer fits it too."""
    import anxwritter  # in the lock: a missing package fails, it never skips
    c = anxwritter.ANXChart()
    c.add_icon(id="A", type="Person", attributes={"Calls": 3})
    c.add_icon(id="B", type="Person")
    c.add_link(from_id="A", to_id="B", type="Call", date="2026-01-02", source_ref="IR-1",
               cards=[anxwritter.Card(summary="x", source_ref="IR-2")])
    c.to_anx(str(tmp_path / "w"))
    root = ET.parse(tmp_path / "w.anx").getroot()
    assert schema_problems(root, complete=False) == []
