"""The workbench's own page wording is not flagged as names; the data still is.

With known names given, the gate used to flag the fixed wording of its own pages ("Pan",
"Zoom", "Legend", "Fit", "Reset", "Points", "Produced", "Controlling", "Q1", the link chart's
icon paths) as possible names or codes, and the analyst had to release each one. Here a live
map, link chart, timeline, heat matrix and gap report whose user strings hold nothing
name-like go through a dry run with known names: nothing is flagged. The same products with a
name planted in a label (a known name next to an unknown one, and an unknown name on
its own) still have it redacted or flagged, and it never reaches the file.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import geopandas as gpd
import networkx as nx
import pandas as pd
import pytest
import shapely

import intelbench as ib
from intelbench import gate as dm
from intelbench.gate.html_product import is_page_wording
from tests.gate._support import html_request, leaks

DATA = Path(__file__).resolve().parents[2] / "data_samples"
UNKNOWN = "Zebedee"  # a capitalised name the workspace does not know


@pytest.fixture(scope="module")
def known() -> tuple[str, Any]:
    nominals = pd.read_csv(DATA / "nominals.csv", dtype=str).head(50)
    row = nominals.iloc[0]
    return f"{row['forenames']} {row['surname']}", ib.sanitise.KnownTerms.from_frames(nominals)


def _map(label: str) -> Any:
    areas = gpd.GeoDataFrame(
        {"area_code": ["E01", "E02"], "area_name": ["north", "south"], "rate": [2.0, 5.0],
         "note": [label, "quiet"]},
        geometry=[shapely.box(430000, 430000, 434000, 434000),
                  shapely.box(430000, 434000, 434000, 438000)], crs=27700)
    points = gpd.GeoDataFrame({"what": [label, "burglary"]},
                              geometry=areas.representative_point(), crs=27700)
    return ib.geo.map(points=points, areas=areas, value="rate", popup=["what"],
                      title="rate by area")


def _chart(label: str) -> Any:
    g = nx.Graph()
    g.add_node("P-1", node_type="person", label=label)
    g.add_node("P-2", node_type="person", label="second")
    g.add_edge("P-1", "P-2", link_types=("calls",), reports=("IR-2026-000001",))
    return ib.network.link_chart(g, seed=1, title="links")


def _timeline(label: str) -> Any:
    ev = pd.DataFrame({"subject": [label, "p-2", "p-1"],
                       "time": ["2025-03-01 10:00", "2025-03-02 12:30", "2025-03-03 09:00"],
                       "end": ["", "2025-03-02 18:00", ""],
                       "kind": ["meeting", "call", "seen"], "with": ["p-2", "", ""],
                       "note": [f"met {label}", "rang", "seen"]})
    return ib.timeline(ev, end="end", title="events in march")


def _heat(label: str) -> Any:
    ev = pd.DataFrame({"from": ["06/01/2025 08:00", "07/04/2025 22:00", "08/07/2025 01:00"],
                       "to": ["06/01/2025 16:00", "07/04/2025 22:00", "08/07/2025 03:00"],
                       "offence": ["burglary", "robbery", "burglary"],
                       "area": [label, "south", "north"]})
    return ib.charts.heat_matrix(ev, start="from", end="to", crime_type="offence", area="area",
                                 period="Q", title="burglary by hour")


def _gaps(label: str) -> Any:
    plan = ib.plans.CollectionPlan("CP-1", "burglary plan", owner="duty inspector",
                                   created="2025-11-01", status="ACTIVE")
    plan = plan.add_question(text=f"who handles goods for {label}?", priority="HIGH",
                             deadline="2026-01-05", gap="no handler known",
                             tasked_to="neighbourhood team")
    return ib.plans.gaps(None, today=dt.date(2026, 1, 10), plans=[plan])


def _events() -> gpd.GeoDataFrame:
    """Burglaries: a tight cluster in a town and a scatter around it (enough for Gi*)."""
    import numpy as np

    rng = np.random.default_rng(7)
    xy = np.vstack([rng.normal([431000, 432000], 150, (60, 2)),
                    rng.uniform([428000, 428000], [436000, 436000], (60, 2))])
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)


def _area() -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame(geometry=[shapely.box(427000, 427000, 437000, 437000)], crs=27700)


def _hotspot_map(label: str) -> Any:
    hs = ib.geo.hotspots(_events(), cell_size=500, study_area=_area(), cells="relevant")
    return ib.geo.map(hotspots=hs, boundary=_area(), title=label)


def _density_map(label: str) -> Any:
    return ib.geo.map(kde=ib.geo.kde(_events(), bandwidth=600, cell_size=200),
                      boundary=_area(), title=label)


def _grid_map(label: str) -> Any:
    return ib.geo.map(grid=ib.geo.grid(_events(), cell_size=1000), title=label)


def _points_for_sharing(label: str) -> Any:
    return ib.geo.map(points=_events(), boundary=_area(), for_sharing=True, title=label)


#: Products whose user string is a label inside the page.
LABELLED = {"map": _map, "link chart": _chart, "timeline": _timeline, "heat matrix": _heat,
            "gap report": _gaps}
#: Maps whose only user string is the title: every other word on them is the map's own.
TITLED = {"hot spot map": _hotspot_map, "density map": _density_map, "grid map": _grid_map,
          "shared points map": _points_for_sharing}
MAKE = {**LABELLED, **TITLED}


@pytest.mark.parametrize("kind", list(MAKE))
def test_page_wording_is_not_flagged(tmp_path: Path, known: tuple[str, Any], kind: str) -> None:
    product = MAKE[kind]("quiet street")
    req = html_request(tmp_path, "Page wording test", known=known[1])
    dry = dm.disseminate(product, dry_run=True, **req)
    assert isinstance(dry, dm.DryRun)
    assert list(dry.flagged["value"]) == [], dry.flagged[["field", "kind", "value"]]
    assert not dry.problems.get("sanitisation"), dry.problems


@pytest.mark.parametrize("kind", list(TITLED))
def test_a_name_in_a_map_title_is_refused(tmp_path: Path, known: tuple[str, Any],
                                          kind: str) -> None:
    name, terms = known
    req = html_request(tmp_path, "Page wording test", known=terms)
    product = TITLED[kind](f"Legend {name} Fit")
    dry = dm.disseminate(product, dry_run=True, **req)
    assert any("title holds values" in p for p in dry.problems.get("sanitisation", [])), (
        dry.problems)
    with pytest.raises(ib.exceptions.DisseminationRefused, match="title holds values"):
        dm.disseminate(product, **req)
    assert not any(tmp_path.rglob("*.html"))


@pytest.mark.parametrize("kind", list(LABELLED))
def test_a_name_in_a_label_is_still_caught(tmp_path: Path, known: tuple[str, Any],
                                           kind: str) -> None:
    name, terms = known
    req = html_request(tmp_path, "Page wording test", known=terms)
    # a known name widened over the unknown name next to it, even beside page wording
    product = LABELLED[kind](f"Legend {name} {UNKNOWN} Fit")
    dry = dm.disseminate(product, dry_run=True, **req)
    red = dry.redactions.set_index("kind")["count"] if len(dry.redactions) else {}
    in_text = any("visible text of the HTML holds values that must be redacted (NAME" in p
                  for ps in dry.problems.values() for p in ps)
    assert in_text or red.get("NAME", 0) >= 1, (dry.problems, dry.redactions)
    assert UNKNOWN not in " ".join(map(str, dry.flagged["value"]))  # redacted, not flagged
    if not in_text:  # a payload string: redacted in the file, with its neighbour
        rec = dm.disseminate(product, **req)
        assert leaks(rec.path, [name, UNKNOWN]) == []
    # an unknown name on its own is flagged for a person to release, and withheld otherwise
    product = LABELLED[kind](f"{UNKNOWN} street")
    dry = dm.disseminate(product, dry_run=True, **req)
    flagged = dry.flagged[dry.flagged["value"] == UNKNOWN]
    assert len(flagged) >= 1 and set(flagged["kind"]) == {"NAME_LIKE"}
    if not dry.problems.get("sanitisation"):
        rec = dm.disseminate(product, **req)
        assert leaks(rec.path, [UNKNOWN]) == []


def test_page_wording_is_whole_strings_only() -> None:
    """A user string that holds page wording and more is data, flagged as any other."""
    assert is_page_wording("Zoom in") and is_page_wording("Produced 2026-11-27")
    assert is_page_wording("Points (1,234)") and is_page_wording("Q12")
    assert not is_page_wording("Zoom in on Darren")
    assert not is_page_wording("Produced by Darren 2026-11-27")
    assert not is_page_wording("Q1234567")  # a long digit run is never wording
    assert not is_page_wording("M07700 900123 Darren")
