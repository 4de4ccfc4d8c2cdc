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
    assert names == ["Areas: rate", "Hotspots (Gi*)", "Points (40)"]
    # the legend and title are drawn as text
    assert page.locator(".ib-legend").inner_text().count("hot 99%") == 1
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
          let target = null;
          map.eachLayer(l => {
            if (!target && l instanceof L.Polygon && l.getPopup() &&
                l.getPopup().getContent().indexOf('rate') >= 0) { target = l; }
          });
          target.openPopup();
          return document.querySelector('.leaflet-popup-content').innerText;
        }"""
    )
    assert PAYLOAD in area_text and "&lt;" not in area_text and "&amp;" not in area_text
    assert page.locator(".leaflet-popup-content img").count() == 0
    page.wait_for_timeout(300)
    assert page.evaluate("() => window.__pwned === undefined")
    assert page_errors == []
    assert blocked_requests == [], f"outside requests attempted: {blocked_requests}"
