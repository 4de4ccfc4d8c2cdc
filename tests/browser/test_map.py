"""A produced map opens in Chromium offline: layers render, nothing leaves, data stays text."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import geopandas as gpd
import numpy as np
import pytest
import shapely

from intelbench.geo import map as geo_map

pytestmark = pytest.mark.browser

PAYLOAD = "<script>window.__pwned=1</script><img src=x onerror=\"window.__pwned=2\">`${1}`'"


def _map_file(tmp_path: Path) -> Path:
    rng = np.random.default_rng(4)
    n = 40
    pts = gpd.GeoDataFrame(
        {"ref": [f"CR-{i}" for i in range(n)], "note": [PAYLOAD] * n},
        geometry=gpd.points_from_xy(rng.normal(430000, 300, n), rng.normal(530000, 300, n)),
        crs=27700,
    )
    cells = gpd.GeoDataFrame(
        {"count": [4, 9, 2], "hotspot": ["hot 99%", "hot 95%", "cold 90%"],
         "gi_star": [3.2, 2.1, -1.7], "p_value": [0.001, 0.03, 0.09]},
        geometry=[shapely.box(429500 + 200 * i, 529800, 429700 + 200 * i, 530000)
                  for i in range(3)],
        crs=27700,
    )
    areas = gpd.GeoDataFrame({"area_name": [PAYLOAD, "B"], "rate": [2.5, 6.0]},
                             geometry=[shapely.box(429000, 529000, 430000, 531000),
                                       shapely.box(430000, 529000, 431000, 531000)],
                             crs=27700)
    m = geo_map(cells, points=pts, areas=areas, value="rate", popup=["ref", "note"],
                tooltip="note", title=PAYLOAD)
    return m.save(tmp_path / "map.html")


def test_map_renders_offline_and_keeps_payload_as_text(
    tmp_path: Path, guarded_page: Any, blocked_requests: list[str], page_errors: list[str]
) -> None:
    path = _map_file(tmp_path)
    page = guarded_page
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-container .leaflet-overlay-pane canvas", timeout=30_000)
    # the layer control lists every layer
    labels = page.locator(".leaflet-control-layers-overlays label").all_inner_texts()
    names = [t.strip() for t in labels]
    assert names == ["Areas: rate", "Hotspots (Gi*)", "Points (40)", "Area names"]
    # the legend and title are drawn as text
    assert page.locator(".ib-legend").inner_text().count("Hot spot, 99% confidence") == 1
    assert page.locator(".ib-title").inner_text() == PAYLOAD
    # vector layers were added to the map: count them through Leaflet
    counts = page.evaluate(
        """() => {
          const id = document.querySelector('.folium-map').id;
          const map = window[id];
          let paths = 0, markers = 0, popups = 0;
          map.eachLayer(l => {
            if (l instanceof L.CircleMarker) { markers++; }
            else if (l instanceof L.Path) { paths++; }
            if (l.getPopup && l.getPopup()) { popups++; }
          });
          return {paths, markers, popups};
        }"""
    )
    assert counts["markers"] == 40
    assert counts["paths"] >= 5  # 2 areas + 3 hotspot cells
    assert counts["popups"] >= 45
    # open a point's popup: the payload shows as text and does not run
    text = page.evaluate(
        """() => {
          const map = window[document.querySelector('.folium-map').id];
          let target = null;
          map.eachLayer(l => { if (!target && l instanceof L.CircleMarker) { target = l; } });
          target.openPopup();
          return document.querySelector('.leaflet-popup-content').innerText;
        }"""
    )
    assert PAYLOAD in text
    # an area's popup (compact polygon layer): the name shows exactly, escaped once
    area_text = page.evaluate(
        """() => {
          const map = window[document.querySelector('.folium-map').id];
          map.closePopup();
          let text = null;
          map.eachLayer(l => {
            if (!text && l instanceof L.Polygon && l.getPopup()) {
              l.openPopup();
              const t = l.getPopup().getElement().innerText;
              if (t.indexOf('rate') >= 0) { text = t; }
              map.closePopup();
            }
          });
          return text;
        }"""
    )
    assert PAYLOAD in area_text and "&lt;" not in area_text and "&amp;" not in area_text
    assert page.locator(".leaflet-popup-content img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page_errors == []
    assert blocked_requests == [], f"outside requests attempted: {blocked_requests}"


# --- hostile strings in every user-supplied field (issue 12 section 4) -------------------

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
]
TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # loopback: an "internal" server that is down


def _hostile_map(tmp_path: Path, bad: str, k: int) -> tuple[Path, dict[str, str]]:
    from intelbench.geo import Reference, TileServer

    rng = np.random.default_rng(k)
    n = 12
    col_note, col_value = f"note {bad}", f"rate {bad}"
    pts = gpd.GeoDataFrame(
        {"ref": [bad] * n, col_note: [bad] * n},
        geometry=gpd.points_from_xy(rng.normal(430000, 300, n), rng.normal(530000, 300, n)),
        crs=27700,
    )
    areas = gpd.GeoDataFrame(
        {"area_name": [bad, f"B {bad}"], col_value: [2.0, 6.0]},
        geometry=[shapely.box(425000, 525000, 430000, 535000),
                  shapely.box(430000, 525000, 435000, 535000)], crs=27700)
    cells = gpd.GeoDataFrame(
        {"count": [0, 4], "hotspot": ["hot 99%", "cold 95%"], "gi_star": [3.2, -2.1],
         "p_value": [0.0004, 0.03]},
        geometry=[shapely.box(429000, 529000, 429150, 529150),
                  shapely.box(431000, 529000, 431150, 529150)], crs=27700)
    places = gpd.GeoDataFrame({"name": [f"Town {bad}"], "kind": ["town"]},
                              geometry=gpd.points_from_xy([428000], [532000]), crs=27700)
    roads = gpd.GeoDataFrame({"road_class": ["a_road"], "name": [f"A1 {bad}"]},
                             geometry=[shapely.LineString([(425000, 530000), (435000, 530500)])],
                             crs=27700)
    ref = Reference(roads=roads, places=places, source=f"OS {bad}")
    m = geo_map(cells, points=pts, areas=areas, value=col_value, popup=["ref", col_note],
                tooltip=col_note, title=f"Title {bad}", marking=f"MARK {bad}",
                source=f"Source {bad}",
                reference=[ref, TileServer(TILES, attribution=f"Tiles {bad}")])
    fields = {"title": f"Title {bad}", "marking": f"MARK {bad}", "layer": f"Areas: {col_value}",
              "place": f"Town {bad}", "area": bad, "source": f"Source {bad}",
              "attribution": f"Tiles {bad}", "popup": bad, "legend": f"Areas: {col_value}"}
    return m.save(tmp_path / f"hostile_{k}.html"), fields


@pytest.mark.parametrize("k", range(len(HOSTILE)))
def test_hostile_strings_never_run(tmp_path: Path, guarded_page: Any,
                                   blocked_requests: list[str], page_errors: list[str],
                                   k: int) -> None:
    bad = HOSTILE[k]
    path, fields = _hostile_map(tmp_path, bad, k)
    page = guarded_page
    dialogs: list[str] = []
    requests: list[str] = []
    page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_selector(".leaflet-container .leaflet-overlay-pane canvas", timeout=30_000)
    page.wait_for_timeout(400)
    # every field is shown exactly as typed, as text
    assert page.locator(".ib-title").inner_text() == fields["title"]
    bars = page.locator(".ib-marking").all_inner_texts()
    assert bars == [fields["marking"], fields["marking"]]
    layer_names = [t.strip() for t in
                   page.locator(".leaflet-control-layers-overlays label").all_inner_texts()]
    assert fields["layer"] in layer_names
    assert fields["legend"] in page.locator(".ib-legend").inner_text()
    assert fields["source"] in page.locator(".ib-source").inner_text()
    assert fields["attribution"] in page.locator(".leaflet-control-attribution").inner_text()
    labels = page.locator(".ib-label").all_inner_texts()
    assert fields["place"] in labels
    # open every popup of the page in turn and read it back as text
    texts = page.evaluate(
        """() => {
          const map = window[document.querySelector('.folium-map').id];
          const out = [];
          map.eachLayer(l => {
            if (l.getPopup && l.getPopup()) {
              l.openPopup();
              const c = l.getPopup().getElement().querySelector('.leaflet-popup-content');
              out.push(c.innerText);
              map.closePopup();
            }
          });
          return out;
        }"""
    )
    assert any(bad in t for t in texts)
    assert any("No incidents in this cell; hot because of its neighbours." in t for t in texts)
    assert all("p_value" not in t for t in texts)
    # nothing ran, nothing opened, nothing was fetched
    page.wait_for_timeout(300)
    assert dialogs == []
    assert page.locator("img[src='x'], a[href^='javascript']").count() == 0
    assert page.evaluate("() => document.querySelectorAll('script').length") == page.evaluate(
        "() => document.querySelectorAll('script:not([src])').length")
    if bad == "{{7*7}}":
        assert "49" not in page.locator(".ib-title").inner_text()
    others = [u for u in requests if not u.startswith((path.as_uri(), "data:",
                                                       "http://127.0.0.1:9/"))]
    assert others == [], others
    assert blocked_requests == []
    assert page_errors == []
