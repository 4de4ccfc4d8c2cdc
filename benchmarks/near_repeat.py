"""Near repeat on 100,000 events with 99 permutations, side by side with a plain reference.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/near_repeat.py [n_events] [permutations]``
(defaults 100000 and 99; the reference takes minutes).

The reference is the plain method written out: scipy ``cKDTree.query_pairs`` within the
largest distance band, the distance row of each pair, and for each permutation of the dates
(``numpy.random.default_rng(seed).permutation``, as ``near_repeat``) the absolute day
difference of every close pair, its time band and one ``bincount``. The "more than"
distance row comes from the per-band totals over all pairs. Both get the same events, bands,
permutations and seed, so the tables must be equal, not just close; the script checks it.
Issue 14 target: ``ib.geo.near_repeat`` < 30 s.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import pandas as pd
from geo_time import clustered_events
from scipy.spatial import cKDTree

D_BANDS = np.array([100.0, 200.0, 300.0, 400.0])
T_BANDS = np.array([7.0, 14.0, 21.0, 28.0])


def reference_knox(ev: pd.DataFrame, permutations: int, seed: int) -> dict[str, np.ndarray]:
    """Knox observed / expected / p-value tables, convention "left", the plain way."""
    xy = ev[["x", "y"]].to_numpy(float)
    t = (ev["date"].to_numpy().astype("datetime64[D]").astype(np.int64))
    t = (t - t.min()).astype(np.int64)
    n = t.size
    pairs = cKDTree(xy).query_pairs(r=float(D_BANDS[-1]), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    dist = np.sqrt(((xy[i] - xy[j]) ** 2).sum(axis=1))
    row = np.searchsorted(D_BANDS, dist, side="left") + 1
    row[dist == 0] = 0
    n_cols, near_rows = T_BANDS.size + 1, D_BANDS.size + 1
    top = int(T_BANDS[-1]) + 1
    lut = np.searchsorted(T_BANDS, np.arange(top + 1), side="left")
    base = row * n_cols
    ts = np.sort(t)
    total = n * (n - 1) // 2
    cum = [int((np.searchsorted(ts, ts + e, side="right") - np.arange(1, n + 1)).sum())
           for e in T_BANDS]
    col_totals = np.diff(np.concatenate([[0], cum, [total]]))

    def table(tt: np.ndarray) -> np.ndarray:
        dt = np.minimum(np.abs(tt[i] - tt[j]), top)
        near = np.bincount(base + lut[dt], minlength=near_rows * n_cols)
        near = near.reshape(near_rows, n_cols)
        return np.vstack([near, col_totals - near.sum(axis=0)])

    observed = table(t)
    rng = np.random.default_rng(seed)
    sims = np.stack([table(t[rng.permutation(n)]) for _ in range(permutations)])
    p = ((sims >= observed[None]).sum(axis=0) + 1) / (permutations + 1)
    return {"observed": observed, "expected": sims.mean(axis=0), "p_value": p,
            "pairs": np.array(i.size)}


def main(argv: list[str]) -> dict[str, Any]:
    """Time ours and the reference on the same events and check the tables are equal."""
    import intelbench as ib

    n = int(argv[0]) if argv else 100_000
    perms = int(argv[1]) if len(argv) > 1 else 99
    ev = clustered_events(n, seed=3)
    ib.geo.near_repeat(ev.iloc[:500], list(D_BANDS), list(T_BANDS), permutations=3, seed=1)
    load0 = os.getloadavg()[0]
    t0 = time.perf_counter()
    ours = ib.geo.near_repeat(ev, list(D_BANDS), list(T_BANDS), permutations=perms, seed=1)
    t_ours = time.perf_counter() - t0
    load1 = os.getloadavg()[0]
    print(f"ib.geo.near_repeat {n:,} events, {perms} permutations: {t_ours:.1f} s "
          f"(load average {load0:.1f} -> {load1:.1f})", flush=True)
    t0 = time.perf_counter()
    ref = reference_knox(ev, perms, seed=1)
    t_ref = time.perf_counter() - t0
    load2 = os.getloadavg()[0]
    same = (np.array_equal(ours.observed.to_numpy(), ref["observed"])
            and np.array_equal(ours.expected.to_numpy(), ref["expected"])
            and np.array_equal(ours.p_value.to_numpy(), ref["p_value"]))
    print(f"reference (cKDTree pairs + numpy permutation, one bincount a run): {t_ref:.1f} s "
          f"(load average -> {load2:.1f}); {int(ref['pairs']):,} pairs within 400 m; "
          f"ratio {t_ref / t_ours:.1f}x; tables equal: {same}")
    return {"ours": t_ours, "reference": t_ref, "same": same}


if __name__ == "__main__":
    main(sys.argv[1:])
