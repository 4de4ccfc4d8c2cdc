"""Gi* from read_police_uk output: binning from the kept BNG x/y (issue 14, section 5).

Run: ``.venv/bin/python benchmarks/geo_police_uk.py`` (a few minutes on a quiet machine).

``read_police_uk`` keeps British National Grid ``x``/``y`` as float columns, named in
``attrs["xy"]``; ``ib.geo`` bins from them instead of reading every point geometry. This
script times, in one run and on the same 1M clustered points (a frame shaped like
``read_police_uk`` output):

* ``ib.geo.hotspot_grid`` (raster first: arrays plus the grid, what the numbers need)
  from the kept x/y, and ``ib.geo.hotspots`` (the same as a GeoDataFrame of 90,000 cells,
  whose polygons are built on first use of the geometry) from the kept x/y and from the
  geometry (no ``attrs["xy"]``);
* the peer end to end: point coordinates from the geometry, numpy binning, libpysal
  ``DistanceBand`` and esda ``G_Local`` (analytic) on the same 300 x 300 cells (z-scores
  as arrays, as ``hotspot_grid`` returns them);
* ``ib.geo.hotspot_grid`` and ``ib.geo.hotspots`` on 1.44M cells (1200 x 1200 cells of
  25 m, from x/y), wall and CPU time: the frame (cell polygons built on first use of the
  geometry), the first geometry use (``total_bounds``, which builds every polygon), the same
  with ``cells="relevant"``, and the peer frame a geopandas user writes (numpy binning,
  ``shapely.box``, GeoDataFrame).

It prints each time (best of 5 for ours, one run of the peer), the ratios and the
largest z gap against esda. Targets (issue 14): Gi* on 1M points <= 60 ms and >= 35x
esda end to end; 1.44M cells < 0.5 s (the frame; the polygons' cost is printed beside
it). ``benchmarks/geo_police_uk.py polygons`` times the 1.44M cell polygons alone, built
two vectorised ways.
"""

from __future__ import annotations

import math
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
from geo import CELL, EXTENT, X0, Y0, _timed, bench_hotspots, make_points


def police_uk_like(pts: Any) -> Any:
    """The points as ``read_police_uk`` returns them: float x/y columns marked in attrs."""
    out = pts.copy()
    out["x"] = out.geometry.x.to_numpy()
    out["y"] = out.geometry.y.to_numpy()
    out.attrs["xy"] = {"x": "x", "y": "y", "crs": "EPSG:27700"}
    return out


def main() -> dict[str, float]:
    """Run the comparison and print it."""
    import intelbench as ib

    pts = make_points()
    fast = police_uk_like(pts)
    small = fast.iloc[:2000]
    ib.geo.hotspot_grid(small, cell_size=CELL, extent=EXTENT).to_frame()  # warm imports
    t_raster, hg = _timed(lambda: ib.geo.hotspot_grid(fast, cell_size=CELL, extent=EXTENT),
                          repeat=5)
    t_geom, hs_geom = _timed(lambda: ib.geo.hotspots(pts, cell_size=CELL, extent=EXTENT))
    t_xy, hs_xy = _timed(lambda: ib.geo.hotspots(fast, cell_size=CELL, extent=EXTENT))
    same = bool((hs_geom["gi_star"].to_numpy() == hs_xy["gi_star"].to_numpy()).all()
                and (hg["gi_star"] == hs_xy["gi_star"].to_numpy()).all())
    print(f"hotspots  1M points -> {len(hg):,} cells: hotspot_grid from kept x/y "
          f"{t_raster * 1000:.0f} ms | hotspots frame from x/y {t_xy:.3f} s | from geometry "
          f"{t_geom:.3f} s | same z: {same}")
    peer = bench_hotspots(pts)  # prints its own line (ours from the geometry vs esda)
    gap = float(np.nanmax(np.abs(hg["gi_star"] - peer["zs"])))
    ratio_raster = peer["peer"] / t_raster
    ratio_xy = peer["peer"] / t_xy
    print(f"ratio     esda end to end / hotspot_grid from x/y: {ratio_raster:.1f}x "
          f"(max |z gap| {gap:.1e}); / hotspots frame from x/y: {ratio_xy:.1f}x; "
          f"/ hotspots from geometry: {peer['ratio']:.1f}x")
    big = bench_big_frame(fast)
    return {"raster": t_raster, "geom": t_geom, "xy": t_xy, "peer": peer["peer"],
            "ratio_raster": ratio_raster, "ratio_xy": ratio_xy, **big, "t0": time.time()}


def _timed_cpu(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, float, Any]:
    """Best wall and best CPU (process) time of ``repeat`` runs, and the last result."""
    best_wall, best_cpu, out = math.inf, math.inf, None
    for _ in range(repeat):
        t, c = time.perf_counter(), time.process_time()
        out = fn()
        best_wall = min(best_wall, time.perf_counter() - t)
        best_cpu = min(best_cpu, time.process_time() - c)
    return best_wall, best_cpu, out


def bench_big_frame(fast: Any) -> dict[str, float]:
    """1M points on 1.44M cells of 25 m: raster, frame, first geometry use, and the peer.

    The frame's cell polygons are built on first use of the geometry
    (``intelbench.geo._lazycells``), so the frame time and the time of the first geometry
    use (``total_bounds``, which reads every polygon) are both printed; ``cells="relevant"``
    leaves out the empty, not significant cells. The peer is what a geopandas user writes
    for the same frame: numpy binning of the kept x/y, ``shapely.box`` for every cell and a
    GeoDataFrame (no statistic at all, so it is a lower bound of the peer's time).
    """
    import os

    import geopandas as gpd
    import shapely

    import intelbench as ib

    ext = (X0, Y0, X0 + 30_000.0, Y0 + 30_000.0)
    load0 = os.getloadavg()[0]
    w_grid, c_grid, hg = _timed_cpu(
        lambda: ib.geo.hotspot_grid(fast, cell_size=25.0, extent=ext), repeat=3)
    w_frame, c_frame, frame = _timed_cpu(
        lambda: ib.geo.hotspots(fast, cell_size=25.0, extent=ext), repeat=3)
    w_use, c_use, _ = _timed_cpu(lambda: frame.total_bounds, repeat=1)  # builds polygons
    w_rel, c_rel, rel = _timed_cpu(
        lambda: ib.geo.hotspots(fast, cell_size=25.0, extent=ext, cells="relevant"),
        repeat=3)
    w_rel_use, c_rel_use, _ = _timed_cpu(lambda: rel.total_bounds, repeat=1)

    def peer() -> Any:
        x = fast["x"].to_numpy()
        y = fast["y"].to_numpy()
        col = np.floor((x - ext[0]) / 25.0).astype(np.int64)
        row = np.floor((y - ext[1]) / 25.0).astype(np.int64)
        counts = np.bincount(row * 1200 + col, minlength=1200 * 1200)
        rows, cols = np.divmod(np.arange(1200 * 1200), 1200)
        x0, y0 = ext[0] + cols * 25.0, ext[1] + rows * 25.0
        return gpd.GeoDataFrame({"count": counts},
                                geometry=shapely.box(x0, y0, x0 + 25.0, y0 + 25.0),
                                crs=27700)

    w_peer, c_peer, pf = _timed_cpu(peer, repeat=1)
    same_counts = bool((pf["count"].to_numpy() == hg["count"]).all())
    print(f"hotspots  1M points -> {len(hg):,} cells (25 m), wall / CPU s, load average "
          f"{load0:.1f} -> {os.getloadavg()[0]:.1f}:")
    print(f"  hotspot_grid (arrays + grid)                 {w_grid:.3f} / {c_grid:.3f}")
    print(f"  hotspots frame, all {len(frame):,} cells       {w_frame:.3f} / {c_frame:.3f}"
          f"   + first geometry use (builds the polygons) {w_use:.2f} / {c_use:.2f}")
    print(f"  hotspots frame, cells='relevant' ({len(rel):,})  {w_rel:.3f} / {c_rel:.3f}"
          f"   + first geometry use {w_rel_use:.2f} / {c_rel_use:.2f}")
    print(f"  peer: numpy binning + shapely.box + GeoDataFrame (counts only) {w_peer:.2f} / "
          f"{c_peer:.2f}; same counts: {same_counts}; peer / our frame {w_peer / w_frame:.1f}x "
          f"(wall), frame + all polygons {w_peer / (w_frame + w_use):.1f}x")
    return {"big": w_grid, "big_frame": w_frame, "big_frame_cpu": c_frame,
            "big_first_use": w_use, "big_relevant": w_rel, "big_relevant_use": w_rel_use,
            "big_peer": w_peer}


def bench_polygons(nrows: int = 1200, cell: float = 25.0) -> dict[str, float]:
    """The 1.44M cell polygons alone: ``shapely.box`` over arrays (what ``to_frame`` uses)
    beside ``shapely.from_ragged_array`` on one (n, 5, 2) corner array, same geometries."""
    import os

    import shapely

    rows, cols = np.divmod(np.arange(nrows * nrows), nrows)
    x0, y0 = X0 + cols * cell, Y0 + rows * cell

    def box() -> Any:
        return shapely.box(x0, y0, x0 + cell, y0 + cell)

    def ragged() -> Any:
        ring = np.empty((x0.size, 5, 2))
        ring[:, [0, 1], 0] = (x0 + cell)[:, None]
        ring[:, [2, 3], 0] = x0[:, None]
        ring[:, [0, 3], 1] = y0[:, None]
        ring[:, [1, 2], 1] = (y0 + cell)[:, None]
        ring[:, 4] = ring[:, 0]
        offsets = (np.arange(0, 5 * x0.size + 1, 5), np.arange(x0.size + 1))
        return shapely.from_ragged_array(shapely.GeometryType.POLYGON, ring.reshape(-1, 2),
                                         offsets)

    load = os.getloadavg()[0]
    t_box, a = _timed(box, repeat=3)
    t_rag, b = _timed(ragged, repeat=3)
    same = bool(shapely.equals_exact(a, b, tolerance=0).all())
    print(f"polygons  {x0.size:,} cells: shapely.box over arrays {t_box:.2f} s | "
          f"from_ragged_array {t_rag:.2f} s | same geometries: {same} | load average "
          f"{load:.1f} -> {os.getloadavg()[0]:.1f}")
    return {"box": t_box, "ragged": t_rag}


if __name__ == "__main__":
    if sys.argv[1:] == ["polygons"]:
        bench_polygons()
    else:
        main()
