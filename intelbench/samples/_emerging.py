"""Four planted space-time burglary patterns for emerging hot spot analysis (issue 14).

Over the sample year, burglaries are added at four sites away from the other planted hot
spots, each with its own monthly course:

* **new**: none until December, then a burst;
* **intensifying**: every month, rising steadily;
* **diminishing**: every month, falling steadily (still above the rest in December);
* **persistent**: every month, level.

``truth.json`` (``crimes.emerging``) records each site's centre, area and the category
``ib.geo.emerging_hotspots(..., cell_size=500)`` should give it.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd
from scipy.spatial import cKDTree

from intelbench.samples._area import Geography

__all__ = ["EMERGING_SITES", "plant_emerging"]

#: kind -> burglaries per month, January to December.
EMERGING_SITES: dict[str, list[int]] = {
    "new": [0] * 11 + [26],
    "intensifying": [8 + 2 * m for m in range(12)],
    "diminishing": [30 - 2 * m for m in range(12)],
    "persistent": [14] * 12,
}
_SPREAD_M = 70.0


def _sites(rng: np.random.Generator, geo: Geography, avoid: np.ndarray) -> np.ndarray:
    """Four master-list points at least 2.5 km from the planted hot spots and each other."""
    pts = geo.points[["easting", "northing"]].to_numpy(dtype=float)
    order = rng.permutation(len(pts))
    chosen: list[np.ndarray] = []
    for i in order:
        p = pts[i]
        far = [*avoid, *chosen]
        if all(np.hypot(*(p - q)) >= 2500.0 for q in far):
            chosen.append(p)
            if len(chosen) == len(EMERGING_SITES):
                break
    return np.array(chosen)


def plant_emerging(rng: np.random.Generator, geo: Geography, events: pd.DataFrame,
                   truth: dict[str, Any], scale: float = 1.0) -> pd.DataFrame:
    """Return ``events`` with the four planted burglary courses added; record them in truth.

    Monthly counts are multiplied by ``scale`` (the sample size factor), so that a small
    sample is not dominated by them.

    New rows copy the columns of existing burglaries (outcome and the like) and get their
    own place, time, snapped point, area, ids and ``pattern`` ``"emerging:<kind>"``.
    """
    from intelbench.samples._crimes import YEAR

    avoid = np.array([[h["easting"], h["northing"]] for h in truth.get("hotspots", [])])
    sites = _sites(rng, geo, avoid)
    burg = events.loc[(events["crime_type"] == "Burglary") & (events["published"] == "point")]
    pts = geo.points
    tree = cKDTree(pts[["easting", "northing"]].to_numpy(dtype=float))
    rows = []
    record = []
    for (kind, base_counts), centre in zip(EMERGING_SITES.items(), sites, strict=True):
        per_month = [int(round(k * scale)) for k in base_counts]
        for m, k in enumerate(per_month):
            if not k:
                continue
            t = burg.sample(k, random_state=rng).copy()
            xy = rng.normal(centre, _SPREAD_M, (k, 2))
            start = pd.Timestamp(f"{YEAR}-{m + 1:02d}-01")
            days = rng.integers(0, start.days_in_month, k)
            mins = rng.integers(0, 24 * 60, k)
            when = start + pd.to_timedelta(days, "D") + pd.to_timedelta(mins, "min")
            _, snap = tree.query(xy)
            t["x"], t["y"] = xy[:, 0], xy[:, 1]
            t["easting"], t["northing"] = xy[:, 0].round(0).astype(int), xy[:, 1].round(
                0).astype(int)
            t["point_id"] = snap
            t["area_code"] = pts["area_code"].to_numpy()[snap]
            t["datetime"] = when
            t["minute"] = ((when - pd.Timestamp(f"{YEAR}-01-01")) / pd.Timedelta(minutes=1)
                           ).astype(np.int64)
            t["month"] = when.strftime("%Y-%m")
            t["pattern"] = f"emerging:{kind}"
            rows.append(t)
        i = int(tree.query(centre)[1])
        record.append({"kind": kind, "category": f"{kind} hot spot",
                       "easting": float(centre[0]), "northing": float(centre[1]),
                       "area_code": str(pts["area_code"].iloc[i]),
                       "area_name": str(pts["area_name"].iloc[i]),
                       "per_month": list(per_month)})
    add = pd.concat(rows, ignore_index=True)
    start_id = len(events) + 1
    add["event_id"] = [f"EV-{YEAR}-{i:06d}" for i in range(start_id, start_id + len(add))]
    raw = rng.bytes(32 * len(add))
    add["crime_id"] = [raw[i * 32:(i + 1) * 32].hex() for i in range(len(add))]
    truth["emerging"] = {"cell_size_m": 500, "sites": record}
    out = pd.concat([events, add], ignore_index=True)
    return out.sort_values(["datetime", "crime_type", "x"], kind="mergesort").reset_index(
        drop=True)
