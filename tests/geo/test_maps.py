"""Offline maps: no external fetch, escaped values, aggregation, layers and legends."""

from __future__ import annotations

import html
import json
import re

import geopandas as gpd
import numpy as np
import pytest
import shapely

from intelbench.exceptions import CRSError, ParameterError, SchemaError
from intelbench.geo import map as geo_map
from intelbench.geo._mapassets import offline_html, script_json
from intelbench.geo.maps import MapResult
from tests.offline_scan import external_fetches

NASTY = "</script><script>window.__pwned=1</script>`${x}`'\"&{{ 7*7 }} http://evil.example/x"


def _points(n: int, seed: int = 0) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    return gpd.GeoDataFrame(
        {"ref": [f"CR-{i}" for i in range(n)], "note": [NASTY] * n},
        geometry=gpd.points_from_xy(rng.normal(430000, 2000, n), rng.normal(530000, 2000, n)),
        crs=27700,
    )


def _cells(values: list[float], col: str = "count") -> gpd.GeoDataFrame:
    geoms = [shapely.box(430000 + 100 * i, 530000, 430100 + 100 * i, 530100)
             for i in range(len(values))]
    return gpd.GeoDataFrame({col: values}, geometry=geoms, crs=27700)


def _no_remote(page: str) -> None:
    # nothing in an attribute or CSS url() points off the machine, and no URL at all outside
    # the inlined Leaflet source (whose comments/attribution name leafletjs.com)
    assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.I)
    assert not re.search(r"url\(\s*[\"']?(https?:)?//", page, re.I)
    assert "@import" not in page
    stripped = page
    for script in re.findall(r"<script>(.*?)</script>", page, re.S):
        if "Leaflet" in script[:500] and len(script) > 100_000:
            stripped = stripped.replace(script, "")
    assert not re.search(r"https?://", stripped), re.findall(r".{30}https?://.{30}", stripped)
    for cdn in ("cdn.jsdelivr", "cdnjs", "code.jquery", "bootstrapcdn", "unpkg"):
        assert cdn not in page


def test_points_map_is_offline_and_escaped(tmp_path) -> None:  # type: ignore[no-untyped-def]
    m = geo_map(points=_points(50), popup=["ref", "note"], tooltip="note", title=NASTY)
    assert isinstance(m, MapResult)
    page = m.html
    _no_remote(page)
    assert external_fetches(m.save(tmp_path / "points.html")) == []  # the project's scanner
    assert "<script>window.__pwned" not in page
    assert "window.__pwned" in page  # present, but only as inert escaped text
    assert "{{ 7*7 }}" in page.replace("\\u0026", "&") or "{{ 7*7 }}" in page
    assert "49" not in re.findall(r"ib-popup.{0,400}", page)[0]  # no template evaluation
    # the only </script> tags are the real ones: one per <script>
    assert page.count("</script>") == page.count("<script")
    assert "L.Icon.Default.mergeOptions" in page and "data:image/png;base64," in page
    assert m.layers == ["Points (50)"]


def test_script_json_is_inert_in_script_and_js_contexts() -> None:
    text = script_json({"v": NASTY, "n": float("nan")})
    assert "<" not in text and ">" not in text and "&" not in text and "//" not in text
    assert "\u2028" not in script_json("a\u2028b")
    assert json.loads(text.replace("\\/", "/"))["v"] == NASTY
    assert json.loads(text)["n"] is None


def test_aggregates_above_threshold_and_for_sharing() -> None:
    pts = _points(12_000)
    m = geo_map(points=pts)
    assert m.layers[0].startswith("Points per ") and "(12,000)" in m.layers[0]
    assert any("aggregated" in n for n in m.notes)
    assert "CR-1" not in m.html
    shared = geo_map(points=_points(30), popup=["ref"], for_sharing=True)
    assert shared.layers[0].startswith("Points per ")
    assert "CR-1" not in shared.html and "for sharing" in shared.notes[0]
    small = geo_map(points=_points(30), max_points=10)
    assert small.layers[0].startswith("Points per ")


def test_aggregated_counts_sum_to_points() -> None:
    from intelbench.geo._maplayers import aggregate

    pts = _points(5_000)
    cells, size = aggregate(pts, 250)
    assert size == 250 and cells["count"].sum() == 5_000
    assert np.allclose(cells.area, 250 * 250)
    joined = gpd.sjoin(pts, cells, predicate="within")
    assert len(joined) == 5_000 or len(gpd.sjoin(pts, cells, predicate="intersects")) >= 5_000


def test_hotspots_grid_kde_areas_layers_and_legends(tmp_path) -> None:  # type: ignore[no-untyped-def]
    hs = _cells([5, 3, 1, 0, 2, 9])
    hs["hotspot"] = ["hot 99%", "hot 90%", "not significant", "cold 95%", "not significant",
                     "hot 95%"]
    hs["gi_star"] = [3.1, 1.7, 0.1, -2.0, 0.2, 2.2]
    hs["p_value"] = [0.001, 0.08, 0.9, 0.04, 0.8, 0.03]
    grid = _cells([1, 4, 0, 9])
    kde = _cells([0.1, 0.5, 0.9], col="lower")
    kde["upper"] = [0.5, 0.9, 2.0]
    kde["band"] = [0, 1, 2]
    areas = gpd.GeoDataFrame({"area_name": ["North <b>", "South"], "rate": [3.2, 7.5]},
                             geometry=[shapely.box(429000, 529000, 430500, 531000),
                                       shapely.box(430500, 529000, 432000, 531000)], crs=27700)
    boundary = gpd.GeoDataFrame(geometry=[shapely.box(429000, 529000, 432000, 531000)],
                                crs=27700)
    m = geo_map(hs, grid=grid, kde=kde, areas=areas, value="rate", boundary=boundary)
    assert external_fetches(m.save(tmp_path / "layers.html")) == []
    assert m.layers == ["Areas: rate", "Boundary", "Density (KDE)", "Grid counts",
                        "Hotspots (Gi*)", "Area names"]
    page = m.html
    _no_remote(page)
    assert "Hot spot, 99% confidence" in page and "Cold spot, 95% confidence" in page
    # the name travels as data (script-safe JSON) and is drawn as text, never as HTML
    assert "North \\u003cb\\u003e" in page and "North <b>" not in page
    assert page.count("L.control.layers") == 1 and page.count("IB.draw(") == 1
    outline = geo_map(areas=areas)  # no value: outlines only, the basemap, with names
    assert outline.layers == ["Areas", "Area names"]
    assert geo_map(areas=areas, label=False).layers == ["Areas"]


def test_density_surface_object_is_recognised() -> None:
    class Surface:
        def to_polygons(self, k: int = 5) -> gpd.GeoDataFrame:
            out = _cells([0.1, 0.4], col="lower")
            out["upper"] = [0.4, 1.0]
            out["band"] = [0, 1]
            return out

    m = geo_map(Surface())
    assert m.layers == ["Density (KDE)"]
    contours = gpd.GeoDataFrame({"level": [0.2, 0.5]},
                                geometry=[shapely.box(430000, 530000, 431000, 531000).boundary,
                                          shapely.box(430200, 530200, 430800, 530800).boundary],
                                crs=27700)
    m = geo_map(kde=contours)
    assert m.layers == ["Density contours"] and "density 0.5\"" in m.html


def test_tiles_only_when_asked() -> None:
    pts = _points(5)
    assert '"tiles":null' in geo_map(points=pts).html
    url = "https://tiles.force.local/{z}/{x}/{y}.png"
    m = geo_map(points=pts, tiles=url, attribution="Force GIS")
    assert '"tiles":{"url":"https:\\/\\/tiles.force.local' in m.html
    with pytest.raises(ParameterError, match="public tile service"):
        geo_map(points=pts, tiles="https://tile.openstreetmap.org/{z}/{x}/{y}.png")
    with pytest.raises(ParameterError, match="internal http"):
        geo_map(points=pts, tiles="javascript:alert(1)//{z}{x}{y}")


def test_geographic_input_and_errors() -> None:
    pts = _points(20).to_crs(4326)
    assert geo_map(points=pts).layers == ["Points (20)"]
    assert geo_map(points=pts, for_sharing=True).notes[0].startswith("points: projected")
    empty = geo_map(points=_points(3).iloc[0:0], for_sharing=True)
    assert empty.layers == [] and empty.notes == ["points: no located points to draw"]
    with pytest.raises(CRSError):
        geo_map(points=gpd.GeoDataFrame(geometry=gpd.points_from_xy([1], [1])))
    with pytest.raises(SchemaError, match="nothing to draw"):
        geo_map()
    with pytest.raises(SchemaError, match="data"):
        geo_map([1, 2, 3])


def test_offline_html_refuses_leftover_remote_reference() -> None:
    from intelbench.exceptions import SanitisationError

    base = ('<html><head><script src="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/dist/leaflet.js">'
            '</script><link rel="stylesheet" href="https://cdn.jsdelivr.net/npm/leaflet@1.9.3/'
            'dist/leaflet.css"/></head><body>{}</body></html>')
    assert "cdn" not in offline_html(base.format("<p>ok</p>"))
    with pytest.raises(SanitisationError):
        offline_html(base.format('<img src="https://example.org/a.png">'))
    with pytest.raises(SanitisationError):
        offline_html(base.format("<style>@import 'x.css';</style>"))


def test_save_and_repr_html(tmp_path) -> None:  # type: ignore[no-untyped-def]
    m = geo_map(points=_points(3))
    path = m.save(tmp_path / "m" / "map.html")
    assert path.read_text(encoding="utf-8") == m.html
    assert repr(m).startswith("MapResult(layers=['Points (3)'], html=") and "<" not in repr(m)
    frame = m._repr_html_()
    assert frame.startswith("<iframe srcdoc=") and "sandbox=" in frame
    assert html.unescape(frame.split('srcdoc="')[1].split('" style=')[0]) == m.html


def test_large_map_is_small_and_fast() -> None:
    import time

    pts = _points(100_000)
    geo_map(points=_points(10))  # warm imports
    t0 = time.perf_counter()
    m = geo_map(points=pts)
    elapsed = time.perf_counter() - t0
    assert len(m.html.encode()) < 5_000_000
    assert elapsed < 6.0  # target 3 s (benchmarks/geo_time.py); slack for a loaded CI box
