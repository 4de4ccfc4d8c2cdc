"""Geographic statistics side by side with the peer libraries (issue 5, geostats part).

Run: ``.venv/bin/python benchmarks/geo.py`` (about a minute or two on a quiet machine).

Sections (each a function, so other scripts can import them; the temporal helpers have
their own script, ``benchmarks/geo_time.py``):

* ``bench_hotspots``: Gi* on 1M points binned into a 300 x 300 grid, weights included,
  against numpy binning + libpysal ``DistanceBand`` + esda ``G_Local`` (analytic, no
  permutations) on the same cells; prints both times, the ratio and the largest z gap.
* ``bench_kde``: quartic KDE of 1M points on 300 x 300, against sklearn ``KernelDensity``
  (epanechnikov, all points) and scipy ``gaussian_kde`` (on a subsample; its time is
  scaled up linearly to 1M points and marked as such).
* ``bench_memory``: peak resident memory of each helper on 1M points, each in a fresh
  process: the peak RSS is reset (``/proc/self/clear_refs``) after the points are made,
  so the figure is the process's highest RSS while the helper runs (interpreter,
  libraries and the 1M-point frame included).
"""

from __future__ import annotations

import json
import math
import subprocess
import sys
import time
import warnings
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

N_POINTS = 1_000_000
SIDE = 30_000.0  # metres: 300 x 300 cells of 100 m
CELL = 100.0
X0, Y0 = 400_000.0, 300_000.0
EXTENT = (X0, Y0, X0 + SIDE, Y0 + SIDE)


def make_points(n: int = N_POINTS, seed: int = 2026) -> Any:
    """A clustered pattern of ``n`` points inside EXTENT (EPSG:27700)."""
    import geopandas as gpd

    rng = np.random.default_rng(seed)
    n_bg = n // 2
    centres = rng.uniform(0.1 * SIDE, 0.9 * SIDE, (40, 2))
    which = rng.integers(0, len(centres), n - n_bg)
    spread = rng.uniform(150, 900, len(centres))[which]
    clus = centres[which] + rng.normal(0, 1, (n - n_bg, 2)) * spread[:, None]
    xy = np.vstack([rng.uniform(0, SIDE, (n_bg, 2)), clus])
    xy = np.clip(xy, 0.5, SIDE - 0.5) + [X0, Y0]
    return gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)


def _timed(fn: Callable[[], Any], repeat: int = 3) -> tuple[float, Any]:
    best, out = math.inf, None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def bench_hotspots(pts: Any) -> dict[str, Any]:
    """Gi* on 1M points into 300 x 300 cells: intelbench vs numpy + libpysal + esda."""
    import intelbench as ib

    def ours() -> Any:
        return ib.geo.hotspots(pts, cell_size=CELL, extent=EXTENT)

    t_ours, hs = _timed(ours)

    def peer() -> tuple[np.ndarray, float, float]:
        from esda.getisord import G_Local
        from libpysal.weights import DistanceBand

        t0 = time.perf_counter()
        x = pts.geometry.x.to_numpy()
        y = pts.geometry.y.to_numpy()
        edges_x = X0 + CELL * np.arange(301)
        edges_y = Y0 + CELL * np.arange(301)
        counts, _, _ = np.histogram2d(y, x, bins=[edges_y, edges_x])  # rows = y
        cx, cy = np.meshgrid(edges_x[:-1] + CELL / 2, edges_y[:-1] + CELL / 2)
        t1 = time.perf_counter()
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            w = DistanceBand(np.column_stack([cx.ravel(), cy.ravel()]),
                             threshold=CELL * math.sqrt(2) + 1e-6, binary=True,
                             silence_warnings=True)
            t2 = time.perf_counter()
            g = G_Local(counts.ravel(), w, transform="B", star=True, permutations=0)
        t3 = time.perf_counter()
        return g.Zs, t2 - t1, t3 - t2 + (t1 - t0)

    t_peer, (zs, t_w, t_g) = _timed(peer, repeat=1)
    gap = float(np.nanmax(np.abs(hs.sort_values("cell_id")["gi_star"].to_numpy() - zs)))
    print(f"hotspots  1M points -> {len(hs):,} cells: intelbench {t_ours:.3f} s | "
          f"numpy+libpysal+esda {t_peer:.2f} s (weights {t_w:.2f} s, binning+G_Local "
          f"{t_g:.2f} s) | ratio {t_peer / t_ours:.1f}x | max |z gap| {gap:.2e}")
    return {"ours": t_ours, "peer": t_peer, "ratio": t_peer / t_ours, "z_gap": gap, "zs": zs}


def bench_kde(pts: Any, bandwidth: float = 400.0, scipy_sample: int = 2_000) -> dict[str, float]:
    """Quartic KDE of 1M points on 300 x 300 vs sklearn and (subsampled) scipy."""
    import intelbench as ib

    def ours() -> Any:
        return ib.geo.kde(pts, bandwidth=bandwidth, cell_size=CELL, extent=EXTENT)

    t_ours, surf = _timed(ours)
    xs, ys = surf.spec.centres()
    centres = np.column_stack([xs.ravel(), ys.ravel()])
    xy = np.column_stack([pts.geometry.x.to_numpy(), pts.geometry.y.to_numpy()])

    def sk() -> np.ndarray:
        from sklearn.neighbors import KernelDensity

        kd = KernelDensity(kernel="epanechnikov", bandwidth=bandwidth).fit(xy)
        return np.exp(kd.score_samples(centres))

    t_sk, _ = _timed(sk, repeat=1)

    def sp_kde() -> np.ndarray:
        from scipy.stats import gaussian_kde

        sub = xy[np.random.default_rng(0).choice(len(xy), scipy_sample, replace=False)]
        return gaussian_kde(sub.T)(centres.T)

    t_sp_sub, _ = _timed(sp_kde, repeat=1)
    t_sp = t_sp_sub * len(xy) / scipy_sample
    print(f"kde       1M points on {surf.shape[0]}x{surf.shape[1]} (h={bandwidth:g} m): "
          f"intelbench {t_ours:.3f} s | sklearn KernelDensity {t_sk:.2f} s "
          f"(ratio {t_sk / t_ours:.1f}x) | scipy gaussian_kde {t_sp_sub:.2f} s on "
          f"{scipy_sample:,} points, ~{t_sp:.0f} s scaled to 1M (ratio ~{t_sp / t_ours:.0f}x)")
    return {"ours": t_ours, "sklearn": t_sk, "scipy_sub": t_sp_sub, "scipy_scaled": t_sp}


_MEMORY_CALLS = {
    "grid": "ib.geo.grid(pts, cell_size=100)",
    "hotspots": "ib.geo.hotspots(pts, cell_size=100)",
    "hotspots_perm99": "ib.geo.hotspots(pts, cell_size=100, permutations=99, seed=1)",
    "kde": "ib.geo.kde(pts, bandwidth=400, cell_size=100)",
    "nearest_neighbour": "ib.geo.nearest_neighbour(pts)",
    "ripley": "ib.geo.ripley(pts, [50, 100, 200], simulations=3, seed=1)",
    "evaluate": "ib.geo.evaluate(ib.geo.hotspots(pts, cell_size=100), pts, "
                "coverage=[0.01, 0.05])",
    "moran": "ib.geo.moran(ib.geo.grid(pts, cell_size=100), permutations=99, seed=1)",
    "local_moran": "ib.geo.local_moran(ib.geo.grid(pts, cell_size=100), "
                   "permutations=99, seed=1)",
}


def _status(key: str) -> float:
    """A memory figure (MB) of this process from /proc/self/status."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return float("nan")


def bench_memory(calls: dict[str, str] | None = None,
                 only: list[str] | None = None) -> dict[str, float]:
    """Peak RSS (MB) of each helper on 1M points, each in a fresh process."""
    calls = calls or _MEMORY_CALLS
    out: dict[str, float] = {}
    for name, call in calls.items():
        if only and name not in only:
            continue
        code = (
            "import json, sys\n"
            f"sys.path.insert(0, {str(Path(__file__).resolve().parent)!r})\n"
            "import intelbench as ib\n"
            "from geo import make_points, _status\n"
            "pts = make_points()\n"
            "import gc; gc.collect()\n"
            "base = _status('VmRSS')\n"
            "open('/proc/self/clear_refs', 'w').write('5')  # reset the peak to now\n"
            f"result = {call}\n"
            "print(json.dumps({'base': base, 'peak': _status('VmHWM')}))\n"
        )
        t = time.perf_counter()
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                             check=True)
        dt = time.perf_counter() - t
        r = json.loads(res.stdout.strip().splitlines()[-1])
        out[name] = r["peak"]
        print(f"memory    {name:<18} peak RSS {r['peak']:6.0f} MB while running (process "
              f"holding the 1M points before: {r['base']:4.0f} MB; {dt:.0f} s incl. start-up) "
              f"{'OK' if r['peak'] < 2048 else 'OVER 2 GB'}")
    return out


def main(argv: list[str]) -> None:
    """Run every geostats section once and print the ratios (``memory`` for that only)."""
    import intelbench as ib

    if argv[:1] == ["memory"]:
        bench_memory(only=argv[1:] or None)
        return

    pts = make_points()
    # warm the imports so that no section pays for them
    small = pts.iloc[:1000]
    ib.geo.hotspots(small, cell_size=100)
    ib.geo.kde(small, bandwidth=400, cell_size=100)
    print(f"== geostats on {len(pts):,} points, {EXTENT}")
    bench_hotspots(pts)
    bench_kde(pts)
    bench_memory()


if __name__ == "__main__":
    main(sys.argv[1:])
