"""Emerging hot spots (issue 14, section 4): Mann-Kendall, ArcGIS categories, planted cubes."""

from __future__ import annotations

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from scipy import stats

import intelbench as ib
from intelbench.exceptions import SchemaError
from intelbench.geo.emerging import CATEGORIES, classify_trajectories, mann_kendall

from ._geodata import SERIES_DIR


def test_mann_kendall_matches_the_published_example_and_scipy() -> None:
    # methods.md B13 (Holy Cross "A Mann-Kendall Example")
    x = [12.9, 14.8, 13.2, 15.7, 13.8, 15.6, 12.9, 11.0, 17.3, 15.9, 19.0, 18.3, 20.1, 21.7]
    r = mann_kendall(np.array(x))
    assert r["s"][0] == 54 and r["var"][0] == pytest.approx(332.667, abs=1e-3)
    assert r["z"][0] == pytest.approx(2.9058, abs=1e-4)
    assert r["p"][0] == pytest.approx(0.00366, abs=1e-5)
    assert r["tau"][0] == pytest.approx(0.5934, abs=1e-4)
    r = mann_kendall(np.arange(1, 11))
    assert (r["s"][0], r["var"][0]) == (45, 125)
    assert r["z"][0] == pytest.approx(3.9355, abs=1e-4)
    # against scipy's kendalltau on tie-free series: tau-a = tau-b, and scipy's asymptotic
    # Z (no continuity correction) is ours plus sgn(S) / sqrt(var)
    rng = np.random.default_rng(3)
    series = rng.normal(size=(50, 12)) + np.linspace(0, 1, 12) * rng.normal(size=(50, 1))
    ours = mann_kendall(series)
    for i, row in enumerate(series):
        ref = stats.kendalltau(np.arange(12), row, method="asymptotic")
        assert ours["tau"][i] == pytest.approx(ref.statistic, abs=1e-12)
        z_ref = np.sign(ref.statistic) * stats.norm.isf(ref.pvalue / 2)
        assert ours["z"][i] + np.sign(ours["s"][i]) / np.sqrt(ours["var"][i]) == \
            pytest.approx(z_ref, abs=1e-6)


def _hc(pattern: str) -> tuple[np.ndarray, np.ndarray]:
    return (np.array([[c == "H" for c in pattern]]), np.array([[c == "C" for c in pattern]]))


@pytest.mark.parametrize(
    ("pattern", "z", "expect"),
    [
        # methods.md B11 hand series (ArcGIS wording; sfdep differs on D and E)
        (".......HHH", None, "consecutive hot spot"),
        ("HHHHHHHHHH", [2.1, 2.3, 2.2, 2.6, 2.8, 2.9, 3.3, 3.6, 3.9, 4.2],
         "intensifying hot spot"),
        ("CH.C.H...H", None, "oscillating hot spot"),
        ("HHHHHHHHH.", [2.5, 2.8, 2.4, 2.9, 2.6, 2.7, 2.5, 3.0, 2.6, 1.2],
         "historical hot spot"),
        (".H.H..H...", None, "no pattern"),
        # the other categories, planted
        (".........H", None, "new hot spot"),
        ("HHHHHHHHHH", [4.2, 3.9, 3.6, 3.3, 2.9, 2.8, 2.6, 2.2, 2.3, 2.1],
         "diminishing hot spot"),
        ("HHHHHHHHHH", [2.5, 2.8, 2.4, 2.9, 2.6, 2.7, 2.5, 3.0, 2.6, 2.7],
         "persistent hot spot"),
        ("H..H...H.H", None, "sporadic hot spot"),
        (".........C", None, "new cold spot"),
        (".......CCC", None, "consecutive cold spot"),
        ("HC.H.C...C", None, "oscillating cold spot"),
        ("CCCCCCCCC.", [-2.5, -2.8, -2.4, -2.9, -2.6, -2.7, -2.5, -3.0, -2.6, -1.2],
         "historical cold spot"),
    ],
)
def test_categories_on_hand_built_series(pattern: str, z: list[float] | None,
                                         expect: str) -> None:
    hot, cold = _hc(pattern)
    series = np.array([z]) if z is not None else np.zeros((1, len(pattern)))
    mk = mann_kendall(series)
    got = classify_trajectories(hot, cold, mk["z"], mk["p"])
    assert got.tolist() == [expect]


def test_b11_series_statistics() -> None:
    mk = mann_kendall(np.array([2.1, 2.3, 2.2, 2.6, 2.8, 2.9, 3.3, 3.6, 3.9, 4.2]))
    assert mk["s"][0] == 43 and mk["z"][0] == pytest.approx(3.757, abs=1e-3)
    mk = mann_kendall(np.array([2.5, 2.8, 2.4, 2.9, 2.6, 2.7, 2.5, 3.0, 2.6, 1.2]))
    assert mk["p"][0] == pytest.approx(0.86, abs=0.01)


def _month_events(rng: np.random.Generator, xy: np.ndarray, month: str) -> gpd.GeoDataFrame:
    return gpd.GeoDataFrame({"month": pd.Series([pd.Period(month, "M")] * len(xy))},
                            geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]), crs=27700)


def test_planted_cube_finds_new_persistent_and_intensifying() -> None:
    rng = np.random.default_rng(4)
    parts = []
    months = pd.period_range("2024-01", periods=12, freq="M")
    persistent, new, rising = (np.array([2750.0, 2750.0]), np.array([7250.0, 7250.0]),
                               np.array([2750.0, 7250.0]))
    for i, m in enumerate(months):
        blocks = [rng.uniform(0, 10_000, (300, 2)), persistent + rng.normal(0, 150, (60, 2)),
                  rising + rng.normal(0, 150, (40 + 8 * i, 2))]
        if i == len(months) - 1:
            blocks.append(new + rng.normal(0, 150, (60, 2)))
        parts.append(_month_events(rng, np.vstack(blocks), str(m)))
    ev = pd.concat(parts, ignore_index=True)
    # time_lag=0: with the default lag of 1 the first month has half the neighbours, so its
    # z is smaller by about 1/sqrt(2) and a steady hot spot can test as intensifying (the
    # same edge effect as in ArcGIS; see the module notes)
    res = ib.geo.emerging_hotspots(ev, cell_size=500, time_lag=0)
    assert set(res["category"].astype(str)) <= set(CATEGORIES)

    def category_at(pt: np.ndarray) -> str:
        near = res.geometry.centroid.distance(gpd.points_from_xy([pt[0]], [pt[1]])[0])
        return str(res.loc[near.idxmin(), "category"])

    assert category_at(persistent) == "persistent hot spot"
    assert category_at(new) == "new hot spot"
    assert category_at(rising) == "intensifying hot spot"
    table = res.attrs["emerging"]["table"]
    assert table["locations"].sum() == len(res)
    assert res.attrs["emerging"]["z"].shape == (12, len(res))


def test_emerging_on_the_devon_and_cornwall_year() -> None:
    crimes = ib.read_police_uk(sorted(SERIES_DIR.glob("*-street.csv")))
    burglary = crimes[crimes["crime_type"] == "Burglary"]
    res = ib.geo.emerging_hotspots(burglary, cell_size=1000)
    meta = res.attrs["emerging"]
    assert meta["steps"][0] == "2016-01" and len(meta["steps"]) == 12
    assert res["count"].sum() == len(burglary)
    assert (res["category"] != "no pattern").sum() > 0
    with pytest.raises(SchemaError, match="to the month only"):
        ib.geo.emerging_hotspots(burglary, step="week")
    with pytest.raises(SchemaError, match="at least 10 steps"):
        ib.geo.emerging_hotspots(burglary[burglary["month"] < pd.Period("2016-06", "M")])
