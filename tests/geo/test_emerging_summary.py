"""Emerging hot spots read in words, and the four courses planted in the sample force."""

from __future__ import annotations

import json
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

import intelbench as ib
from intelbench.geo.emerging_summary import emerging_section, emerging_sentences, emerging_table


def _planted(seed: int = 1) -> gpd.GeoDataFrame:
    """A level background plus one persistent and one new hot spot, 12 months."""
    rng = np.random.default_rng(seed)
    month = pd.period_range("2024-01", periods=12, freq="M")
    bg = rng.uniform(0, 6000, (2400, 2))
    m = list(rng.integers(0, 12, 2400))
    pers = rng.normal(1250, 60, (240, 2))
    m += list(np.repeat(np.arange(12), 20))
    new = rng.normal(4750, 60, (30, 2))
    m += [11] * 30
    xy = np.vstack([bg, pers, new])
    return gpd.GeoDataFrame({"month": month[np.array(m)]},
                            geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)


def test_table_and_words_name_each_category_and_area() -> None:
    res = ib.geo.emerging_hotspots(_planted(), cell_size=500)
    areas = gpd.GeoDataFrame({"area_name": ["West", "East"]},
                             geometry=[shapely.box(0, 0, 3000, 6000),
                                       shapely.box(3000, 0, 6000, 6000)], crs=27700)
    table = emerging_table(res, areas)
    assert (table["category"].astype(str) != "no pattern").all()
    # roles from the gate's vocabulary, so the table can go in a disseminated profile
    assert set(table.attrs["roles"]) == set(table.columns)
    assert set(table.attrs["roles"].values()) <= {"label", "location", "count", "statistic"}
    persistent = table[table["category"] == "persistent hot spot"]
    new = table[table["category"] == "new hot spot"]
    assert len(persistent) >= 1 and set(persistent["area"]) == {"West"}
    assert len(new) >= 1 and set(new["area"]) == {"East"}
    # the table holds every categorised location of the result, nothing else
    counted = res["category"].astype(str).value_counts().drop("no pattern", errors="ignore")
    assert table["category"].astype(str).value_counts().sort_index().equals(
        counted.sort_index())
    sec = emerging_section(res, areas, crime="burglary")
    assert "persistent burglary hot spot" in sec["text"] and "in West" in sec["text"]
    assert "new burglary hot spot" in sec["text"] and "East" in sec["text"]
    assert sec["steps"] == ("2024-01", "2024-12")


def test_sentences_count_in_words() -> None:
    t = pd.DataFrame({"category": ["persistent hot spot"] * 3 + ["new hot spot",
                                                                  "diminishing cold spot"],
                      "area": ["Oldcaster"] * 3 + ["Dunmere", ""]})
    assert emerging_sentences(t, crime="burglary") == [
        "one new burglary hot spot in Dunmere",
        "three persistent burglary hot spots in Oldcaster",
        "one diminishing burglary cold spot",
    ]


def test_sample_force_planted_courses_are_found(samples: Path) -> None:
    truth = json.loads((samples / "truth.json").read_text())["crimes"]["emerging"]
    crimes = ib.read_police_uk(samples / "crimes")
    burglary = crimes[crimes["crime_type"] == "Burglary"]
    res = ib.geo.emerging_hotspots(burglary, cell_size=truth["cell_size_m"])
    kinds = set()
    for site in truth["sites"]:
        cell = res[res.contains(shapely.Point(site["easting"], site["northing"]))]
        assert len(cell) == 1, site["kind"]
        assert cell["category"].iloc[0] == site["category"], site
        kinds.add(site["kind"])
    assert kinds == {"new", "intensifying", "diminishing", "persistent"}
    areas = gpd.read_file(samples / "areas.gpkg", layer="areas")
    sec = emerging_section(res, areas, crime="burglary", area_name="sector")
    for kind in ("new", "intensifying", "diminishing", "persistent"):
        assert f"{kind} burglary hot spot" in sec["text"]


@pytest.mark.parametrize("bad", [pd.DataFrame({"x": [1]})])
def test_table_refuses_other_frames(bad: pd.DataFrame) -> None:
    with pytest.raises(ib.exceptions.SchemaError, match="emerging_hotspots"):
        emerging_table(bad)
