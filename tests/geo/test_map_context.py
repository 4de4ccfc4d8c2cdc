"""Map context (reference layers, labels), analyst-language popups and legends, print layouts."""

from __future__ import annotations

import json
import re
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
import shapely

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo import Reference, TileServer, area_places, print_map, read_reference
from intelbench.geo import map as geo_map
from intelbench.geo._maplayers import num, p_text
from intelbench.geo.print_layout import scale_bar_length


def _payload(page: str) -> dict:  # type: ignore[type-arg]
    """The JSON payload given to IB.draw, decoded."""
    text = re.search(r"IB\.draw\(map_[0-9a-f]+, (\{.*\})\);", page, re.S)
    assert text is not None
    out: dict = json.loads(text.group(1))  # type: ignore[type-arg]
    return out


def _gpkg(tmp_path: Path) -> Path:
    """A small OS OpenMap Local-like GeoPackage: CLASSIFICA and DISTNAME columns."""
    roads = gpd.GeoDataFrame(
        {"CLASSIFICA": ["Motorway", "A Road", "B Road", "Local Street", "Minor Road"],
         "DISTNAME": ["M6", "A595", "B5299", "", ""]},
        geometry=[shapely.LineString([(340000 + i * 100, 550000), (345000, 556000 + i * 50)])
                  for i in range(5)], crs=27700)
    far = gpd.GeoDataFrame({"CLASSIFICA": ["A Road"], "DISTNAME": ["A66"]},
                           geometry=[shapely.LineString([(400000, 500000), (401000, 501000)])],
                           crs=27700)
    places = gpd.GeoDataFrame({"DISTNAME": ["Carlisle", "Dalston"],
                               "CLASSIFICA": ["City", "Village"]},
                              geometry=gpd.points_from_xy([340000, 336000], [555000, 549000]),
                              crs=27700)
    path = tmp_path / "openmap.gpkg"
    gpd.GeoDataFrame(pd.concat([roads, far], ignore_index=True), crs=27700).to_file(
        path, layer="roads", driver="GPKG")
    places.to_file(path, layer="places", driver="GPKG")
    return path


def test_read_reference_normalises_os_columns_and_clips(tmp_path: Path) -> None:
    path = _gpkg(tmp_path)
    ref = read_reference(path)
    assert ref.roads["road_class"].tolist() == ["motorway", "a_road", "b_road", "local",
                                                "minor", "a_road"]
    assert ref.places["kind"].tolist() == ["city", "village"]
    assert ref.buildings is None and ref.source == "openmap.gpkg"
    near = read_reference(path, bbox=(330000, 540000, 350000, 560000))
    assert "A66" not in set(near.roads["name"])  # outside the box: not read
    clipped = ref.clip((341000, 551000, 344000, 555000))
    assert clipped.roads.total_bounds[0] >= 341000 - 1e-6
    with pytest.raises(SchemaError, match="expected a layer named"):
        read_reference(path, roads="x", places="y", buildings="z")
    with pytest.raises(FileNotFoundError):
        read_reference(tmp_path / "missing.gpkg")


def test_reference_layers_sit_beneath_and_places_label_the_map(tmp_path: Path) -> None:
    areas = gpd.GeoDataFrame(
        {"name": ["Carlisle 001A", "Carlisle 001B"], "crimes": [3, 12]},
        geometry=[shapely.box(338000, 552000, 342000, 558000),
                  shapely.box(342000, 552000, 346000, 558000)], crs=27700)
    m = geo_map(areas=areas, value="crimes", reference=_gpkg(tmp_path), source="test data")
    assert m.layers == ["Roads", "Areas: crimes", "Place names", "Area names"]
    spec = _payload(m.html)
    roads = spec["layers"][0]
    assert roads["kind"] == "lines" and roads["spec"]["pane"] == "ibRef"
    # the far-away A66 was clipped out when the file was read for this extent
    assert "A66" not in roads["spec"]["tooltip"]
    places = spec["layers"][2]["spec"]
    assert places["text"][0] == "Carlisle" and places["cls"][0] == "city"
    area_labels = spec["layers"][3]["spec"]
    assert sorted(area_labels["text"]) == ["Carlisle 001A", "Carlisle 001B"]
    assert all(0 < z < 20 for z in area_labels["minzoom"])
    assert "Context: openmap.gpkg" in spec["source"] and "Source: test data" in spec["source"]
    assert spec["marking"].startswith("OFFICIAL-SENSITIVE")
    assert any("reference: 5 roads" in n for n in m.notes)


def test_tile_server_must_be_named_and_internal() -> None:
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([430000], [530000]), crs=27700)
    assert _payload(geo_map(points=pts).html)["tiles"] is None  # never a default
    m = geo_map(points=pts, reference=TileServer("https://gis.force.local/{z}/{x}/{y}.png",
                                                 "Force GIS"))
    assert _payload(m.html)["tiles"] == {"url": "https://gis.force.local/{z}/{x}/{y}.png",
                                         "attribution": "Force GIS"}
    for bad in ("https://a.tile.openstreetmap.org/{z}/{x}/{y}.png", "ftp://x/{z}/{x}/{y}",
                "https://gis.force.local/tiles.png", "javascript:alert(1)"):
        with pytest.raises(ParameterError):
            TileServer(bad)
    with pytest.raises(ParameterError, match="marking"):
        geo_map(points=pts, marking=" ")


def test_area_places_put_the_label_on_the_town() -> None:
    # a district of one big rural area and four small urban ones: the label goes to the town
    geoms = [shapely.box(0, 0, 20000, 20000)] + [
        shapely.box(20000 + i * 500, 0, 20500 + i * 500, 500) for i in range(4)]
    a = gpd.GeoDataFrame({"name": ["Eden 001A", "Eden 002A", "Eden 002B", "Eden 003A",
                                   "Eden 003B"]}, geometry=geoms, crs=27700)
    p = area_places(a)
    assert p["name"].tolist() == ["Eden"] and p["kind"].tolist() == ["district"]
    assert p.geometry.x.iloc[0] > 20000  # on the small (urban) areas, not the big rural one


def test_hotspot_popup_speaks_the_analysts_language() -> None:
    cells = gpd.GeoDataFrame(
        {"count": [0, 7, 2], "hotspot": ["hot 99%", "hot 95%", "cold 90%"],
         "gi_star": [3.2871, 2.1, -1.71], "p_value": [0.00012, 0.0312, 0.087],
         "q_value": [0.004, 0.05, 0.09]},
        geometry=[shapely.box(430000 + 150 * i, 530000, 430150 + 150 * i, 530150)
                  for i in range(3)], crs=27700)
    spec = _payload(geo_map(cells).html)
    pop = spec["layers"][0]["spec"]["popup"]
    assert pop["heading"] == ["Hot spot, 99% confidence", "Hot spot, 95% confidence",
                              "Cold spot, 90% confidence"]
    rows = dict(zip(pop["fields"], pop["values"]))
    assert rows["Incidents in cell"] == ["0", "7", "2"]
    assert rows["Gi* z-score"] == ["3.29", "2.10", "-1.71"]
    assert rows["p-value"] == ["< 0.001", "0.031", "0.087"]
    assert pop["note"][0] == "No incidents in this cell; hot because of its neighbours."
    assert "p_value" not in json.dumps(pop) and "count 0" not in json.dumps(pop)
    legend = spec["legend"][0]
    assert [lab for _, lab in legend["items"]] == pop["heading"]


def test_density_legend_is_in_incidents_per_km2_with_round_breaks() -> None:
    from intelbench.geo import kde

    rng = np.random.default_rng(3)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(rng.normal(430000, 400, 400),
                                                       rng.normal(530000, 400, 400)), crs=27700)
    surf = kde(pts, bandwidth=300, cell_size=100, units="per_m2")
    m = geo_map(kde=surf)
    item = _payload(m.html)["legend"][0]
    labels = [lab for _, lab in item["items"]]
    assert item["subtitle"] == "incidents per km²"
    assert all("e-" not in lab and "inf" not in lab for lab in labels)
    assert labels[-1].endswith("or more per km²")
    for lab in labels:  # every break has at most 2 significant figures
        for v in re.findall(r"[\d,.]+", lab.replace(" per km²", "")):
            digits = v.replace(",", "").replace(".", "").lstrip("0")
            assert len(digits.rstrip("0")) <= 2, lab
    # independent check of the units: the per-cell surface gives the same legend
    per_cell = geo_map(kde=kde(pts, bandwidth=300, cell_size=100, units="per_cell"))
    assert [x[1] for x in _payload(per_cell.html)["legend"][0]["items"]] == labels
    # the peak density agrees with the surface: n * kernel peak per km²
    top = float(np.asarray(surf.values).max()) * 1e6
    assert float(labels[-1].split(" ")[0].replace(",", "")) <= top
    assert any("not shaded" in n for n in m.notes)


def test_count_legends_and_numbers_read_as_people_write_them() -> None:
    assert [num(v) for v in (0.0070913, 12345.6, 3.0, 0.1364, 8.82e-11)] == [
        "0.00709", "12,346", "3", "0.136", "0.0000000000882"]
    assert [p_text(p) for p in (0.0, 0.0004, 0.0312, float("nan"))] == [
        "< 0.001", "< 0.001", "0.031", "not tested"]
    areas = gpd.GeoDataFrame({"area_name": list("ABCDEF"), "crimes": [0, 1, 3, 5, 8, 119]},
                             geometry=[shapely.box(i * 1000, 0, i * 1000 + 1000, 1000)
                                       for i in range(6)], crs=27700)
    labels = [lab for _, lab in _payload(geo_map(areas=areas, value="crimes").html)
              ["legend"][0]["items"]]
    assert all("." not in lab for lab in labels)  # whole counts stay whole


def test_print_layout_has_every_element(tmp_path: Path) -> None:
    areas = gpd.GeoDataFrame(
        {"name": ["Carlisle 001A", "Carlisle 001B"], "crimes": [3, 12]},
        geometry=[shapely.box(338000, 552000, 342000, 558000),
                  shapely.box(342000, 552000, 346000, 558000)], crs=27700)
    m = geo_map(areas=areas, value="crimes", reference=_gpkg(tmp_path), title="Crime by LSOA",
                marking="OFFICIAL | test", source="police.uk")
    fig = print_map(m, date="2026-03-01")
    texts = [t.get_text() for t in fig.findobj(lambda a: hasattr(a, "get_text"))]
    assert texts.count("OFFICIAL | test") == 2  # top and bottom
    assert "Crime by LSOA" in texts and "N" in texts
    assert any(t.startswith("Source: police.uk") and "Produced 2026-03-01" in t for t in texts)
    assert "Carlisle" in texts  # the place name from the reference layers
    assert {"Legend", "Areas: crimes", "Roads"} <= set(t.strip() for t in texts)
    assert fig.ib_layout["scale_bar_m"] == scale_bar_length(
        fig.axes[0].get_xlim()[1] - fig.axes[0].get_xlim()[0])
    assert fig.ib_layout["labels"] >= 1 and "a_road" in fig.ib_layout["roads"]
    png = tmp_path / "layout.png"
    fig.savefig(png, dpi=60)
    assert png.stat().st_size > 10_000
    with pytest.raises(SchemaError):
        print_map(geo_map(points=gpd.GeoDataFrame(geometry=[], crs=27700), for_sharing=True))


def test_reference_object_and_place_frame_inputs() -> None:
    places = gpd.GeoDataFrame({"name": ["Town"], "kind": ["town"]},
                              geometry=gpd.points_from_xy([430050], [530050]), crs=27700)
    pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy([430100], [530100]), crs=27700)
    m = geo_map(points=pts, reference=[places, Reference(places=places, source="x")])
    assert m.layers == ["Points (1)", "Place names"]
    with pytest.raises(ParameterError, match="reference"):
        geo_map(points=pts, reference=42)
