"""Gi* from read_police_uk output: binning from the kept BNG x/y (issue 14, section 5).

Run: ``.venv/bin/python benchmarks/geo_police_uk.py`` (a few minutes on a quiet machine).

``read_police_uk`` keeps British National Grid ``x``/``y`` as float columns, named in
``attrs["xy"]``; ``ib.geo`` bins from them instead of reading every point geometry. This
script times, in one run and on the same 1M clustered points (a frame shaped like
``read_police_uk`` output):

* ``ib.geo.hotspots`` from the geometry (no ``attrs["xy"]``) and from the kept x/y;
* the peer end to end: point coordinates from the geometry, numpy binning, libpysal
  ``DistanceBand`` and esda ``G_Local`` (analytic) on the same 300 x 300 cells;
* ``ib.geo.hotspots`` on 1.44M cells (1200 x 1200 cells of 25 m, from x/y).

It prints each time, the ratios and the largest z gap against esda.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

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
    ib.geo.hotspots(small, cell_size=CELL, extent=EXTENT)  # warm the imports
    t_geom, hs_geom = _timed(lambda: ib.geo.hotspots(pts, cell_size=CELL, extent=EXTENT))
    t_xy, hs_xy = _timed(lambda: ib.geo.hotspots(fast, cell_size=CELL, extent=EXTENT))
    same = bool((hs_geom["gi_star"].to_numpy() == hs_xy["gi_star"].to_numpy()).all())
    print(f"hotspots  1M points -> {len(hs_xy):,} cells: from geometry {t_geom:.3f} s | "
          f"from kept x/y {t_xy:.3f} s | same z: {same}")
    peer = bench_hotspots(pts)  # prints its own line (ours from the geometry vs esda)
    ratio_xy = peer["peer"] / t_xy
    print(f"ratio     esda end to end / intelbench from x/y: {ratio_xy:.1f}x "
          f"(from geometry: {peer['ratio']:.1f}x)")
    big_extent = (X0, Y0, X0 + 30_000.0, Y0 + 30_000.0)
    t_big, hs_big = _timed(lambda: ib.geo.hotspots(fast, cell_size=25.0, extent=big_extent),
                           repeat=2)
    print(f"hotspots  1M points -> {len(hs_big):,} cells (25 m): {t_big:.2f} s")
    return {"geom": t_geom, "xy": t_xy, "peer": peer["peer"], "ratio_xy": ratio_xy,
            "big": t_big, "t0": time.time()}


if __name__ == "__main__":
    main()
