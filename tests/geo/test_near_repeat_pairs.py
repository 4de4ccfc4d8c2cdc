"""near_repeat's packed permutations give the tables of the plain method, exactly.

The plain method: every close pair's absolute day difference after each permutation of the
dates (``default_rng(seed).permutation``, as near_repeat), its band, one bincount. Checked
with 16-bit days (four permutations a gather) and a span over 89 years (32-bit, two).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from scipy.spatial import cKDTree

import intelbench as ib

D = np.array([100.0, 250.5, 400.0])
T = np.array([7.0, 13.5, 28.0])


def _plain(xy: np.ndarray, days: np.ndarray, perms: int, seed: int) -> tuple[np.ndarray, ...]:
    pairs = cKDTree(xy).query_pairs(r=float(D[-1]), output_type="ndarray")
    i, j = pairs[:, 0], pairs[:, 1]
    dist = np.sqrt(((xy[i] - xy[j]) ** 2).sum(axis=1))
    row = np.searchsorted(D, dist, side="left") + 1
    row[dist == 0] = 0
    n, n_cols, n_rows = len(days), T.size + 1, D.size + 2
    t = days - days.min()

    def table(tt: np.ndarray) -> np.ndarray:
        dt = np.abs(tt[i] - tt[j])
        col = np.searchsorted(T, dt, side="left")
        near = np.bincount(row * n_cols + col, minlength=(n_rows - 1) * n_cols)
        near = near.reshape(n_rows - 1, n_cols)
        all_dt = np.abs(tt[:, None] - tt[None, :])[np.triu_indices(n, 1)]
        totals = np.bincount(np.searchsorted(T, all_dt, side="left"), minlength=n_cols)
        return np.vstack([near, totals - near.sum(axis=0)])

    obs = table(t)
    rng = np.random.default_rng(seed)
    sims = np.stack([table(t[rng.permutation(n)]) for _ in range(perms)])
    p = ((sims >= obs[None]).sum(axis=0) + 1) / (perms + 1)
    return obs, sims.mean(axis=0), p


@pytest.mark.parametrize("span_days", [120, 40_000])
def test_tables_equal_the_plain_method(span_days: int) -> None:
    rng = np.random.default_rng(span_days)
    n = 1500
    xy = np.vstack([rng.uniform(0, 3000, (n // 2, 2)), rng.normal(1500, 120, (n - n // 2, 2))])
    xy = np.round(xy, 0)  # some events share a location
    days = rng.integers(0, span_days, n)
    ev = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1],
                       "date": pd.Timestamp("1950-01-01") + pd.to_timedelta(days, "D")})
    res = ib.geo.near_repeat(ev, D, T, permutations=10, seed=4)
    obs, expected, p = _plain(xy, days.astype(np.int64), 10, 4)
    np.testing.assert_array_equal(res.observed.to_numpy(), obs)
    np.testing.assert_array_equal(res.expected.to_numpy(), expected)
    np.testing.assert_array_equal(res.p_value.to_numpy(), p)
    assert res.observed.iloc[0].sum() > 0  # the same-location row is exercised
