"""kde and near_repeat read the BNG x/y that read_police_uk keeps (issue 14, section 5).

To show the kept columns are really read (not merely equal to the geometry), one row that
the staleness check does not sample gets its x moved: the fast path then sees the moved
point and the answer changes; a moved row that the check samples makes it fall back to the
geometry.
"""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd

import intelbench as ib
from intelbench.geo._events import _XY_SAMPLE, _stored_xy, event_xy


def _events(n: int = 2000, seed: int = 7) -> gpd.GeoDataFrame:
    rng = np.random.default_rng(seed)
    xy = np.vstack([rng.uniform(0, 4000, (n // 2, 2)), rng.normal(2000, 150, (n // 2, 2))])
    xy = np.round(xy + [350_000.0, 500_000.0], 1)
    days = rng.integers(0, 120, n)
    out = gpd.GeoDataFrame(
        {"date": pd.Timestamp("2025-01-01") + pd.to_timedelta(days, "D"),
         "x": xy[:, 0], "y": xy[:, 1]},
        geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)
    out.attrs["xy"] = {"x": "x", "y": "y", "crs": "EPSG:27700"}
    return out


def _unsampled_row(n: int) -> int:
    sampled = set(np.r_[0, n - 1, np.linspace(0, n - 1, min(n, _XY_SAMPLE)).astype(int)])
    return next(i for i in range(1, n) if i not in sampled and i - 1 not in sampled)


def test_near_repeat_reads_kept_xy_and_falls_back_when_stale() -> None:
    ev = _events()
    plain = ev.drop(columns=["x", "y"])
    plain.attrs = {}
    xy_fast, _, _ = event_xy(ev)
    np.testing.assert_array_equal(xy_fast, event_xy(plain)[0])
    kw = {"distance_bands": [100, 200], "time_bands": [7, 14], "permutations": 9, "seed": 3}
    fast = ib.geo.near_repeat(ev, **kw)
    slow = ib.geo.near_repeat(plain, **kw)
    pd.testing.assert_frame_equal(fast.observed, slow.observed)
    pd.testing.assert_frame_equal(fast.p_value, slow.p_value)

    # Move one unsampled row's kept x onto another event: the kept columns are read.
    moved = ev.copy()
    r = _unsampled_row(len(ev))
    far = int(np.argmax(np.hypot(ev["x"] - ev["x"].iloc[r], ev["y"] - ev["y"].iloc[r])))
    moved.loc[moved.index[r], ["x", "y", "date"]] = [
        ev["x"].iloc[far], ev["y"].iloc[far], ev["date"].iloc[far]]
    assert _stored_xy(moved, moved.crs) is not None
    seen = ib.geo.near_repeat(moved, **kw).observed
    assert int(seen.iloc[0].sum()) == int(slow.observed.iloc[0].sum()) + 1  # a new 0 m pair

    # A sampled row out of step with its geometry: the geometry is read instead.
    stale = ev.copy()
    stale.loc[stale.index[0], "x"] += 500.0
    assert _stored_xy(stale, stale.crs) is None
    pd.testing.assert_frame_equal(ib.geo.near_repeat(stale, **kw).observed, slow.observed)


def test_kde_reads_kept_xy_and_falls_back_when_stale() -> None:
    ev = _events()
    plain = ev.drop(columns=["x", "y"])
    plain.attrs = {}
    extent = (350_000.0, 500_000.0, 354_000.0, 504_000.0)
    kw = {"bandwidth": 300.0, "cell_size": 50.0, "extent": extent}
    slow = ib.geo.kde(plain, **kw)
    np.testing.assert_array_equal(ib.geo.kde(ev, **kw).values, slow.values)

    moved = ev.copy()
    r = _unsampled_row(len(ev))
    moved.loc[moved.index[r], "x"] += 1000.0  # kept x moved; geometry unchanged
    assert _stored_xy(moved, moved.crs) is not None
    assert not np.array_equal(ib.geo.kde(moved, **kw).values, slow.values)

    stale = ev.copy()
    stale.loc[stale.index[-1], "y"] += 5.0
    np.testing.assert_array_equal(ib.geo.kde(stale, **kw).values, slow.values)
