"""Near repeat (Knox) against the Near Repeat Calculator, and repeat victimisation."""

from __future__ import annotations

from itertools import combinations
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest

from intelbench.exceptions import CRSError, ParameterError, SchemaError
from intelbench.geo.repeat import near_repeat, repeat_victimisation

# NRC v1.3 output on tobydavies/NearRepeat test_data.csv (100 m x 3, 2 days x 2, 19 iterations)
NRC_OBSERVED = np.array(
    [
        [202, 51, 1025],
        [189, 143, 7762],
        [290, 343, 23366],
        [456, 526, 41305],
        [577857, 760260, 67037075],
    ]
)
NRC_RATIO = np.array(
    [
        [15.602, 3.341, 0.82],
        [2.678, 1.576, 0.978],
        [1.366, 1.301, 0.993],
        [1.295, 1.14, 0.996],
        [0.999, 1.0, 1.0],
    ]
)


@pytest.fixture(scope="module")
def nrc_data(real_data: Path) -> pd.DataFrame:
    return pd.read_csv(real_data / "nearrepeat" / "test_data.csv")


@pytest.fixture(scope="module")
def nrc_result(nrc_data: pd.DataFrame):  # type: ignore[no-untyped-def]
    return near_repeat(nrc_data, [100, 200, 300], [2, 4], date="date_single",
                       permutations=99, seed=7, convention="nrc")


def test_nrc_observed_table_exact(nrc_result) -> None:  # type: ignore[no-untyped-def]
    np.testing.assert_array_equal(nrc_result.observed.to_numpy(), NRC_OBSERVED)
    assert list(nrc_result.observed.index) == [
        "Same location", "1 to 100", "101 to 200", "201 to 300", "More than 300"]
    assert list(nrc_result.observed.columns) == ["0 to 2", "3 to 4", "More than 4"]
    n = 11701
    assert nrc_result.observed.to_numpy().sum() == n * (n - 1) // 2
    assert nrc_result.n_events == n


def test_nrc_knox_ratios_close(nrc_result) -> None:  # type: ignore[no-untyped-def]
    ratio = nrc_result.ratio.to_numpy()
    expected = nrc_result.expected.to_numpy()
    # Monte Carlo: cells with a large expected count agree closely, small ones loosely.
    big = expected >= 50
    np.testing.assert_allclose(ratio[big], NRC_RATIO[big], rtol=0.08)
    np.testing.assert_allclose(ratio[~big], NRC_RATIO[~big], rtol=0.35)


def test_nrc_significance_pattern(nrc_result) -> None:  # type: ignore[no-untyped-def]
    sig = nrc_result.significant(0.05).to_numpy()
    expect = np.zeros((5, 3), dtype=bool)
    expect[:4, :2] = True
    # the NRC also flags "more than 300 / more than 4" (ratio 1.0000x, p 0.05)
    np.testing.assert_array_equal(sig[:4], expect[:4])
    assert nrc_result.p_value.to_numpy()[0, 0] == pytest.approx(0.01)


def test_pathological_example_matches_nrc_off_by_one(real_data: Path) -> None:
    ev = pd.read_csv(real_data / "nearrepeat" / "pathological_example.csv")
    nrc200 = near_repeat(ev, [200, 400], [3, 6], date="t", permutations=9, seed=0,
                         convention="nrc").observed
    assert nrc200.loc["1 to 200", "4 to 6"] == 1
    assert nrc200.to_numpy().sum() == 1
    nrc100 = near_repeat(ev, [100, 200], [3, 6], date="t", permutations=9, seed=0,
                         convention="nrc").observed
    assert nrc100.loc["101 to 200", "4 to 6"] == 1
    left = near_repeat(ev, [100, 200], [3, 6], date="t", permutations=9, seed=0).observed
    assert left.loc["(0, 100] m", "[0, 3] days"] == 1


def _brute_force(xy: np.ndarray, t: np.ndarray, d: list[float], tb: list[float]) -> np.ndarray:
    table = np.zeros((len(d) + 2, len(tb) + 1), dtype=int)
    for i, j in combinations(range(len(t)), 2):
        dist = float(np.hypot(*(xy[i] - xy[j])))
        dt = abs(int(t[i]) - int(t[j]))
        r = 0 if dist == 0 else 1 + int(np.searchsorted(d, dist, side="left"))
        c = int(np.searchsorted(tb, dt, side="left"))
        table[r, c] += 1
    return table


def test_left_convention_matches_brute_force() -> None:
    rng = np.random.default_rng(3)
    n = 120
    xy = np.round(rng.uniform(0, 600, (n, 2)), 0)
    xy[10:15] = xy[0]  # exact repeats
    days = rng.integers(0, 60, n)
    ev = pd.DataFrame({"x": xy[:, 0], "y": xy[:, 1],
                       "date": pd.Timestamp("2025-01-01") + pd.to_timedelta(days, unit="D")})
    res = near_repeat(ev, [100, 200], [7, 14, 21], permutations=19, seed=1)
    np.testing.assert_array_equal(res.observed.to_numpy(),
                                  _brute_force(xy, days, [100, 200], [7, 14, 21]))
    assert res.p_value.to_numpy().min() >= 1 / 20
    assert res.to_frame().shape == (4 * 4, 6)


def test_permutation_p_value_and_expected_definitions() -> None:
    rng = np.random.default_rng(5)
    ev = pd.DataFrame({"x": rng.uniform(0, 500, 200), "y": rng.uniform(0, 500, 200),
                       "date": pd.Timestamp("2025-01-01")
                       + pd.to_timedelta(rng.integers(0, 90, 200), unit="D")})
    a = near_repeat(ev, [50, 100], [7], permutations=49, seed=11)
    b = near_repeat(ev, [50, 100], [7], permutations=49, seed=11)
    pd.testing.assert_frame_equal(a.expected, b.expected)  # reproducible with a seed
    # Under random dates the expected total per row equals the observed total per row
    np.testing.assert_allclose(a.expected.sum(axis=1), a.observed.sum(axis=1))
    np.testing.assert_allclose(a.expected.sum(axis=0), a.observed.sum(axis=0))
    p = a.p_value.to_numpy()
    assert ((p * 50) == np.round(p * 50)).all() and p.min() >= 0.02 and p.max() <= 1


def test_missing_dates_and_locations_reported_not_dropped() -> None:
    ev = pd.DataFrame({"x": [0, 10, np.nan, 30], "y": [0, 0, 0, 0],
                       "date": ["01/01/2025", None, "03/01/2025", "04/01/2025"]})
    res = near_repeat(ev, [100], [7], permutations=9, seed=1)
    assert res.n_events == 2
    assert sorted(res.excluded["reason"]) == ["missing date", "missing location"]


def test_bad_parameters_raise() -> None:
    ev = pd.DataFrame({"x": [0, 1], "y": [0, 0], "date": ["01/01/2025", "02/01/2025"]})
    with pytest.raises(ParameterError, match="distance_bands"):
        near_repeat(ev, [200, 100], [7])
    with pytest.raises(ParameterError, match="time_bands"):
        near_repeat(ev, [100], [0])
    with pytest.raises(ParameterError, match="convention"):
        near_repeat(ev, [100], [7], convention="right")  # type: ignore[arg-type]
    with pytest.raises(ParameterError, match="permutations"):
        near_repeat(ev, [100], [7], permutations=0)
    with pytest.raises(SchemaError, match="date"):
        near_repeat(ev, [100], [7], date="when")
    with pytest.raises(SchemaError, match="at least 2"):
        near_repeat(ev.iloc[:1], [100], [7])
    no_crs = gpd.GeoDataFrame(ev, geometry=gpd.points_from_xy(ev.x, ev.y))
    with pytest.raises(CRSError):
        near_repeat(no_crs, [100], [7])


def test_geographic_points_are_projected() -> None:
    ev = gpd.GeoDataFrame({"date": ["01/01/2025", "02/01/2025"]},
                          geometry=gpd.points_from_xy([-1.5, -1.5], [53.8, 53.8005]),
                          crs="EPSG:4326")
    res = near_repeat(ev, [100], [7], permutations=9, seed=0)
    assert res.observed.loc["(0, 100] m", "[0, 7] days"] == 1  # ~56 m apart, not 0.0005 deg
    assert any("EPSG:27700" in n for n in res.notes)


def test_input_not_mutated() -> None:
    ev = pd.DataFrame({"x": [0, 1, 2], "y": [0, 0, 0], "date": ["01/01/2025"] * 3})
    before = ev.copy()
    near_repeat(ev, [100], [7], permutations=5, seed=0)
    repeat_victimisation(ev)
    pd.testing.assert_frame_equal(ev, before)


def test_repeat_victimisation_by_point() -> None:
    ev = pd.DataFrame({
        "x": [0, 0, 0, 10, 10, 20, 30],
        "y": [0, 0, 0, 5, 5, 0, 0],
        "date": ["01/01/2025", "08/01/2025", "20/01/2025", "02/02/2025", "02/03/2025",
                 "05/01/2025", None],
    })
    rv = repeat_victimisation(ev)
    assert rv.locations["events"].tolist() == [3, 2]
    assert rv.summary["events"] == 7 and rv.summary["locations"] == 4
    assert rv.summary["repeat_locations"] == 2
    assert rv.summary["share_of_crime"] == pytest.approx(5 / 7)
    assert rv.summary["repeat_rate"] == pytest.approx(3 / 7)
    assert sorted(rv.time_to_repeat.tolist()) == [7, 12, 28]
    assert rv.time_to_repeat_table.loc["0-7", "repeats"] == 1
    assert rv.time_to_repeat_table["cumulative_share"].iloc[-1] == pytest.approx(1.0)
    assert rv.frequency.loc["1", "locations"] == 2 and rv.frequency.loc["3", "events"] == 3
    assert rv.excluded["reason"].str.startswith("missing date").all()


def test_repeat_victimisation_snap_and_missing_location() -> None:
    ev = pd.DataFrame({"x": [0.0, 0.4, 100.0, np.nan], "y": [0.0, 0.2, 0.0, 1.0],
                       "date": ["01/01/2025", "02/01/2025", "03/01/2025", "04/01/2025"]})
    assert repeat_victimisation(ev).summary["repeat_locations"] == 0
    snapped = repeat_victimisation(ev, snap=1.0)
    assert snapped.summary["repeat_locations"] == 1
    assert snapped.excluded["reason"].tolist() == ["missing location"]
    with pytest.raises(ParameterError, match="snap"):
        repeat_victimisation(ev, snap=0)


def test_no_all_pairs_matrix_in_memory() -> None:
    import tracemalloc

    rng = np.random.default_rng(9)
    n = 20_000  # an all-pairs distance matrix would need n*n*8 bytes = 3.2 GB
    ev = pd.DataFrame({"x": rng.uniform(0, 30_000, n), "y": rng.uniform(0, 30_000, n),
                       "date": pd.Timestamp("2025-01-01")
                       + pd.to_timedelta(rng.integers(0, 365, n), unit="D")})
    tracemalloc.start()
    res = near_repeat(ev, [100, 200], [7, 14], permutations=5, seed=0)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert res.observed.to_numpy().sum() == n * (n - 1) // 2
    assert peak < 150 * 2**20, f"peak {peak / 2**20:.0f} MiB"
