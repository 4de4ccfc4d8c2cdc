"""Benchmarks for near_repeat, aoristic and offline maps, side by side with the peers.

Run: .venv/bin/python benchmarks/geo_time.py  (about a minute; folium's 10k markers dominate)

Peers: folium with 10,000 CircleMarkers (the issue's figure on this machine: 9.3 s, 10.5 MB);
the Near Repeat Calculator v1.3 took 1 min 50 s for 19 iterations on the 11,701-event test
set (methods.md; published figure, not re-run here: the NRC is a Windows program).
"""

from __future__ import annotations

import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd

from intelbench.geo import aoristic, near_repeat
from intelbench.geo import map as geo_map

REAL = Path(__file__).resolve().parents[1].parent / "shared" / "real" / "nearrepeat"


def timed(fn, *args, **kwargs):  # type: ignore[no-untyped-def]
    t0 = time.perf_counter()
    out = fn(*args, **kwargs)
    return out, time.perf_counter() - t0


def clustered_events(n: int, seed: int = 0) -> pd.DataFrame:
    """Burglary-like events: 60% around 40 hotspots, 40% spread over a 30 km square."""
    rng = np.random.default_rng(seed)
    k = int(n * 0.6)
    centres = rng.uniform(0, 30_000, (40, 2))
    which = rng.integers(0, 40, k)
    near = centres[which] + rng.normal(0, 300, (k, 2))
    spread = rng.uniform(0, 30_000, (n - k, 2))
    xy = np.vstack([near, spread]) + [420_000, 330_000]
    days = rng.integers(0, 365, n)
    return pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1],
                         "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(days, "D")})


def bench_near_repeat() -> list[tuple[str, float, str]]:
    rows = []
    ev = clustered_events(20_000)
    res, dt = timed(near_repeat, ev, [100, 200, 300, 400], [7, 14, 21, 28],
                    permutations=99, seed=1)
    close = int(res.observed.iloc[:-1].to_numpy().sum())
    rows.append(("near_repeat 20,000 events, 99 perms (4x4 bands)", dt,
                 f"{close:,} pairs within 400 m; target < 30 s"))
    nrc = pd.read_csv(REAL / "test_data.csv")
    _, dt = timed(near_repeat, nrc, [100, 200, 300], [2, 4], date="date_single",
                  permutations=19, seed=1, convention="nrc")
    rows.append(("near_repeat NRC test set 11,701 events, 19 perms", dt,
                 "NRC v1.3 published: 110 s"))
    return rows


def bench_aoristic() -> list[tuple[str, float, str]]:
    n = 1_000_000
    rng = np.random.default_rng(0)
    s = pd.Timestamp("2025-01-01") + pd.to_timedelta(rng.integers(0, 365 * 24 * 60, n), "min")
    e = s + pd.to_timedelta(rng.exponential(600, n).astype(int), "min")
    frame = pd.DataFrame({"from_datetime": s, "to_datetime": e})
    week, dt = timed(aoristic, frame)
    rows = [("aoristic 1M events (datetime columns)", dt, f"sum {week.to_numpy().sum():,.3f}")]
    text = pd.DataFrame({"from_datetime": s.strftime("%d/%m/%Y %H:%M"),
                         "to_datetime": e.strftime("%d/%m/%Y %H:%M")})
    week, dt = timed(aoristic, text)
    rows.append(("aoristic 1M events (dd/mm/yyyy HH:MM text)", dt,
                 f"sum {week.to_numpy().sum():,.3f}"))
    return rows


def bench_maps() -> list[tuple[str, float, str]]:
    import folium

    rng = np.random.default_rng(0)
    n = 100_000
    pts = gpd.GeoDataFrame({"ref": [f"CR-{i}" for i in range(n)]},
                           geometry=gpd.points_from_xy(rng.normal(430_000, 4_000, n),
                                                       rng.normal(530_000, 4_000, n)),
                           crs=27700)
    geo_map(points=pts.iloc[:10])  # imports (folium, branca, Leaflet assets) once
    rows = []
    m, dt = timed(geo_map, points=pts)
    rows.append(("ib.geo.map 100,000 points (aggregated)", dt,
                 f"{len(m.html.encode()) / 1e6:.2f} MB HTML; target < 3 s, < 5 MB"))
    m, dt = timed(geo_map, points=pts.iloc[:10_000], popup=["ref"])
    rows.append(("ib.geo.map 10,000 points with popups", dt,
                 f"{len(m.html.encode()) / 1e6:.2f} MB HTML"))

    ll = pts.iloc[:10_000].to_crs(4326)
    lat, lon, refs = ll.geometry.y.to_numpy(), ll.geometry.x.to_numpy(), ll["ref"].tolist()

    def folium_markers() -> str:
        fm = folium.Map(location=[float(lat.mean()), float(lon.mean())], zoom_start=12)
        for a, b, r in zip(lat, lon, refs):
            folium.CircleMarker([float(a), float(b)], radius=3, popup=r).add_to(fm)
        return fm.get_root().render()

    page, dt = timed(folium_markers)
    rows.append(("folium 10,000 CircleMarkers (peer)", dt,
                 f"{len(page.encode()) / 1e6:.2f} MB HTML, loads from CDNs"))
    return rows


def bench_issue14() -> list[tuple[str, float, str]]:
    """Issue 14 targets: near repeat on 100k events (99 permutations) < 30 s; emerging hot
    spots on 1M events x 36 months on 90k cells < 10 s. No peer runs these at this size
    (the NRC capped at ~10k events; EHSA is ArcGIS Pro / R sfdep only)."""
    import shapely

    from intelbench.geo import emerging_hotspots

    rows = []
    ev = clustered_events(100_000, seed=3)
    res, dt = timed(near_repeat, ev, [100, 200, 300, 400], [7, 14, 21, 28],
                    permutations=99, seed=1)
    rows.append(("near_repeat 100,000 events, 99 perms (4x4 bands)", dt,
                 f"Knox ratio 100 m/7 d {float(res.ratio.to_numpy()[1, 0]):.2f}; "
                 "target < 30 s"))
    rng = np.random.default_rng(4)
    n = 1_000_000
    x0, y0 = 420_000.0, 330_000.0
    centres = rng.uniform(3_000, 27_000, (40, 2))
    which = rng.integers(0, 40, n // 2)
    xy = np.vstack([centres[which] + rng.normal(0, 600, (n // 2, 2)),
                    rng.uniform(0, 30_000, (n - n // 2, 2))])
    xy = np.clip(xy, 1, 29_999) + [x0, y0]
    month = pd.period_range("2023-01", periods=36, freq="M")[rng.integers(0, 36, n)]
    pts = gpd.GeoDataFrame({"month": month, "x": xy[:, 0], "y": xy[:, 1]},
                           geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)
    pts.attrs["xy"] = {"x": "x", "y": "y", "crs": "EPSG:27700"}
    area = shapely.box(x0, y0, x0 + 30_000, y0 + 30_000)
    out, dt = timed(emerging_hotspots, pts, cell_size=100.0, study_area=area)
    rows.append((f"emerging_hotspots 1M events x 36 months, {len(out):,} cells", dt,
                 "target < 10 s"))
    return rows


def main() -> None:
    import sys

    if sys.argv[1:] == ["issue14"]:
        rows = bench_issue14()
        width = max(len(r[0]) for r in rows)
        for name, dt, note in rows:
            print(f"{name:<{width}}  {dt:8.2f} s  {note}")
        return
    rows = bench_near_repeat() + bench_aoristic() + bench_maps()
    width = max(len(r[0]) for r in rows)
    for name, dt, note in rows:
        print(f"{name:<{width}}  {dt:8.2f} s  {note}")


if __name__ == "__main__":
    main()
