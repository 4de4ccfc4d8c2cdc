"""The subject-profile section, the cell-site wedge map and the communications-data mark."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from tests.comms.conftest import CommsSample


def test_section_reports_the_planted_truth(comms_sample: CommsSample) -> None:
    truth = comms_sample.truth
    groups = {n: v["group"] for n, v in truth["targets"].items()}
    people = {n: v["person"] for n, v in truth["targets"].items()}
    subject = truth["broker"]["between"][0]
    sec = ib.comms.profile_section(comms_sample.records, comms_sample.cells, groups=groups,
                                   people=people, subject=subject)
    text = "\n".join(sec.key_findings)
    assert f"{truth['broker']['numbers'][0]} is in contact with" in text
    assert (f"{truth['replacement']['new']} ({people[truth['replacement']['new']]}) appears "
            f"to replace {truth['replacement']['old']}") in text
    swap = truth["handset_swap"]
    assert f"{swap['number']} ({people[swap['number']]}): handset change on " \
           f"{swap['from_local_date']}" in text
    a, b = sorted(truth["meeting"]["numbers"])
    assert f"{a} ({people[a]}) and {b} ({people[b]})" in text
    titles = [t for t, _, _ in sec.tables]
    assert titles[:2] == ["Top contacts", "Common contacts bridging groups"]
    mine = {n for n, g in groups.items() if g == subject}
    top = sec.tables[0][1]
    assert set(top["target"].astype(str)) == mine
    for _, frame, _ in sec.tables:
        assert frame.attrs["intelbench_kind"] == "communications_data"
    figs, tabs = sec.items()
    assert len(figs) == 1 and len(tabs) == len(sec.tables)
    assert "<svg" in figs[0].obj.html or "leaflet" in figs[0].obj.html.lower()
    with pytest.raises(ib.ParameterError, match="no target number is in group"):
        ib.comms.profile_section(comms_sample.records, comms_sample.cells, groups=groups,
                                 subject="No such group")


def test_cell_usage_counts_every_record_of_the_numbers(comms_sample: CommsSample) -> None:
    rec, cells = comms_sample.records, comms_sample.cells
    number = str(rec["target"].iloc[0])
    mine = rec[rec["target"].astype(str) == number]
    w = ib.comms.cell_usage(rec, cells, [number], radius=800)
    on_cell = mine["cell_id"].notna()
    assert int(w["records"].sum()) + w.attrs["unmapped_records"] == int(on_cell.sum())
    assert set(w["cell_id"]) == set(mine.loc[on_cell, "cell_id"].astype(str))
    assert w["records"].is_monotonic_decreasing
    assert w.crs.to_epsg() == 27700
    # each wedge's apex is its mast and it reaches no further than the radius
    for r in w.itertuples():
        xs, ys = np.asarray(r.geometry.exterior.coords).T
        assert (xs[0], ys[0]) == (r.easting, r.northing)
        assert np.hypot(xs - r.easting, ys - r.northing).max() <= 800 + 1e-6


def test_wedge_points_the_way_of_its_azimuth() -> None:
    """Hand case: azimuth 90 (east), beam 120, radius 100: x in [0, 100], y in +-100 sin 60.

    The arc is drawn through 16 points (every 8 degrees here), so its far edge lies within
    half a step of the radius.
    """
    cells = pd.DataFrame({"cell_id": ["E", "N"], "easting": [0.0, 0.0],
                          "northing": [0.0, 0.0], "azimuth": [90.0, 0.0],
                          "beam_width": [120.0, 60.0]})
    t = pd.Timestamp("2025-10-01 10:00", tz="UTC")
    rec = pd.DataFrame({"target": "+447700900001", "cell_id": ["E", "N", "N"],
                        "start": [t, t, t]})
    w = ib.comms.cell_usage(rec, cells, radius=100).set_index("cell_id")
    x0, y0, x1, y1 = w.geometry["E"].bounds
    assert round(x0, 6) == 0 and 100 * np.cos(np.radians(4)) <= x1 <= 100
    assert round(y1, 6) == round(100 * np.sin(np.radians(60)), 6) == -round(y0, 6)
    x0, y0, x1, y1 = w.geometry["N"].bounds
    assert round(y0, 6) == 0 and 100 * np.cos(np.radians(2)) <= y1 <= 100
    assert round(x1, 6) == round(100 * np.sin(np.radians(30)), 6)
    assert w["records"].to_dict() == {"E": 1, "N": 2}


def test_cell_site_map_is_offline(comms_sample: CommsSample) -> None:
    m = ib.comms.cell_site_map(comms_sample.records, comms_sample.cells, title="Cells")
    assert len(m.wedges) > 0
    assert "tile.openstreetmap" not in m.html and "{z}/{x}/{y}" not in m.html
    with pytest.raises(ib.ParameterError, match="no record"):
        ib.comms.cell_usage(comms_sample.records, comms_sample.cells, ["+447700000000"])


def test_every_frame_read_or_returned_is_marked(comms_sample: CommsSample,
                                                tmp_path: Path) -> None:
    rec, cells = comms_sample.records, comms_sample.cells
    kind = ("intelbench_kind", "communications_data")
    imp = comms_sample.imports[0]
    numbers = sorted(set(rec["target"].astype(str)))
    frames = {
        "records": imp.records, "quarantine": imp.quarantine, "rejected": imp.rejected,
        "combine": rec,
        "read_cells": cells,
        "adjacent_cells": ib.comms.adjacent_cells(cells),
        "cell_wedges": ib.comms.cell_wedges(cells),
        "cell_usage": ib.comms.cell_usage(rec, cells),
        "colocation": (co := ib.comms.colocation(rec, cells)),
        "meetings": ib.comms.meetings(co),
        "meetings (empty)": ib.comms.meetings(co.iloc[:0]),
        "unique_events": ib.comms.unique_events(rec),
        "common_contacts": ib.comms.common_contacts(rec),
        "contact_chains": ib.comms.contact_chains(rec, numbers[0], numbers[1], max_hops=2),
        "call_links": ib.comms.call_links(rec),
        "contact_pairs": ib.comms.contact_pairs(rec),
        "top_contacts": ib.comms.top_contacts(rec),
        "contact_gaps": ib.comms.contact_gaps(rec),
        "pairings": ib.comms.pairings(rec),
        "handset_changes": ib.comms.handset_changes(rec),
        "day_hour": ib.comms.day_hour(rec),
        "bursts": ib.comms.bursts(rec),
        "callbacks": ib.comms.callbacks(rec),
        "replacement_phones": ib.comms.replacement_phones(rec),
        "timeline_events": ib.comms.timeline_events(rec),
        "daily_counts": ib.comms.daily_counts(rec),
    }
    unmarked = [k for k, f in frames.items() if f.attrs.get(kind[0]) != kind[1]]
    assert unmarked == []
    import intelbench.comms as comms_pkg

    public = {n for n in comms_pkg.__all__ if callable(getattr(comms_pkg, n))
              and n[0].islower()}
    not_frames = {"normalise_number", "normalise_numbers", "normalise_unique", "is_imei",
                  "is_imsi", "number_labels", "contact_graph", "read_cdr", "cell_site_map",
                  "profile_section"}
    assert public - not_frames <= set(frames) | {"combine"}
