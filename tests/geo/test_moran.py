"""Global and local Moran's I against esda (methods.md B3)."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import IntelbenchWarning, ParameterError, SchemaError
from intelbench.geo.moran import spatial_weights

from ._geodata import clustered, cumbria_crimes, cumbria_lsoas


def _quiet():
    ctx = warnings.catch_warnings()
    ctx.__enter__()
    warnings.simplefilter("ignore")
    return ctx


def test_stl_homicide_rates_reproduce_esda_docstring() -> None:
    import libpysal
    from libpysal import examples

    w = libpysal.io.open(examples.get_path("stl.gal")).read()
    f = libpysal.io.open(examples.get_path("stl_hom.txt"))
    y = np.array(f.by_col["HR8893"])
    df = pd.DataFrame({"hr": y})
    res = ib.geo.moran(df, "hr", weights=w.sparse, permutations=0)
    assert round(res.i, 3) == 0.244
    assert res.expected == pytest.approx(-0.012987012987)
    assert res.p_norm == pytest.approx(0.000271, abs=5e-7)


def test_global_moran_matches_esda_on_a_grid() -> None:
    from esda.moran import Moran
    from libpysal.weights import DistanceBand

    cells = ib.geo.grid(clustered(2000, 600, seed=1, size=3000), cell_size=150)
    res = ib.geo.moran(cells, "count", permutations=99, seed=1)
    c = cells.geometry.centroid
    ctx = _quiet()
    w = DistanceBand(np.column_stack([c.x, c.y]), threshold=150 * 2**0.5 + 1e-6,
                     binary=True, silence_warnings=True)
    ref = Moran(cells["count"].to_numpy().astype(float), w, transformation="r",
                permutations=0)
    ctx.__exit__(None, None, None)
    assert res.i == pytest.approx(ref.I, abs=1e-10)
    assert res.expected == pytest.approx(ref.EI)
    assert res.variance == pytest.approx(ref.VI_norm, rel=1e-9)
    assert res.z == pytest.approx(ref.z_norm, rel=1e-9)
    assert res.p_norm == pytest.approx(ref.p_norm, abs=1e-12)
    assert res.p_sim == pytest.approx(0.01)  # strongly clustered: no permutation beats it
    assert "Moran" in res._repr_html_() and res.to_frame()["i"].iloc[0] == res.i


def test_local_moran_matches_esda_is_and_quadrants() -> None:
    from esda.moran import Moran_Local
    from libpysal.weights import DistanceBand

    cells = ib.geo.grid(clustered(1500, 500, seed=2, size=2500), cell_size=125)
    ours = ib.geo.local_moran(cells, "count", distance=260, weights="distance",
                              permutations=999, seed=4)
    c = cells.geometry.centroid
    ctx = _quiet()
    w = DistanceBand(np.column_stack([c.x, c.y]), threshold=260, binary=True,
                     silence_warnings=True)
    ref = Moran_Local(cells["count"].to_numpy().astype(float), w, transformation="r",
                      permutations=999, seed=4)
    ctx.__exit__(None, None, None)
    np.testing.assert_allclose(ours["local_i"], ref.Is, atol=1e-9)
    codes = ours["quadrant"].map({"HH": 1, "LH": 2, "LL": 3, "HL": 4}).to_numpy()
    # a spatial lag that is zero up to round-off may fall either side of 0 in either library
    lag = w.sparse @ ref.z / np.asarray(w.sparse.sum(axis=1)).ravel()
    clear = np.abs(lag) > 1e-9
    assert clear.mean() > 0.95
    np.testing.assert_array_equal(codes[clear], ref.q[clear])
    # same conditional-permutation scheme, own random numbers: comparable p-values
    assert np.median(np.abs(ours["p_value"] - ref.p_sim)) < 0.03
    assert np.corrcoef(ours["p_value"], ref.p_sim)[0, 1] > 0.9
    sig = ours["p_value"] < 0.05
    assert (ours.loc[sig, "cluster"] == ours.loc[sig, "quadrant"]).all()
    assert (ours.loc[~sig, "cluster"] == "not significant").all()
    assert (ours.loc[ours["count"].idxmax(), "cluster"]) == "HH"


def test_grid_weights_equal_libpysal_distance_band() -> None:
    from libpysal.weights import DistanceBand

    cells = ib.geo.grid(clustered(300, 100, seed=3, size=1500), cell_size=100)
    cells = cells.sample(frac=1.0, random_state=1)  # rows in any order
    ours, how = spatial_weights(cells, "distance", distance=220)
    c = cells.geometry.centroid
    ctx = _quiet()
    ref = DistanceBand(np.column_stack([c.x, c.y]), threshold=220, binary=True,
                       silence_warnings=True).sparse
    ctx.__exit__(None, None, None)
    assert (ours != ref).nnz == 0 and "grid" in how


def test_queen_contiguity_on_real_lsoas_matches_libpysal() -> None:
    from libpysal.weights import Queen

    lsoas = cumbria_lsoas()
    ours, how = spatial_weights(lsoas, "queen")
    ctx = _quiet()
    ref = Queen.from_dataframe(lsoas, use_index=False).sparse
    ctx.__exit__(None, None, None)
    assert how == "queen contiguity"
    assert ours.nnz == ref.nnz == 1708
    assert abs(ours - ref).sum() == 0  # identical neighbour sets on the 321 LSOAs


def test_moran_of_real_lsoa_rates() -> None:
    lsoas = cumbria_lsoas()
    lsoas["households"] = 700.0
    with pytest.warns(IntelbenchWarning, match="counted by code"):
        rated = ib.geo.rates(cumbria_crimes(), lsoas, population="households")
    res = ib.geo.moran(rated, "count", permutations=199, seed=2)
    assert res.n == 321 and np.isfinite(res.z)
    lm = ib.geo.local_moran(rated, "count", permutations=199, seed=2)
    assert set(lm["quadrant"]) <= {"HH", "LH", "LL", "HL"}
    assert "local_moran" in lm.attrs


def test_bad_input() -> None:
    df = pd.DataFrame({"v": [1.0, 1.0, 1.0]})
    import scipy.sparse as sp

    chain = sp.csr_matrix(sp.diags([np.ones(2), np.ones(2)], [-1, 1]))
    with pytest.raises(SchemaError, match="constant"):
        ib.geo.moran(df, "v", weights=chain)
    with pytest.raises(SchemaError, match="column 'x'"):
        ib.geo.moran(df, "x", weights=chain)
    with pytest.raises(ParameterError, match="weights must be 3 x 3"):
        ib.geo.moran(pd.DataFrame({"v": [1.0, 2.0, 3.0]}), "v", weights=chain[:2, :2])
    with pytest.raises(ParameterError, match="transform"):
        ib.geo.local_moran(pd.DataFrame({"v": [1.0, 2.0, 3.0]}), "v", weights=chain,
                           transform="Z")


def test_local_moran_p_does_not_depend_on_rounding_real_lsoas() -> None:
    """Issue 14: LSOA E01019318's p flipped across 0.05 (0.047 / 0.093) with the scale.

    The pseudo p compares simulated and observed neighbour sums built the same way, so an
    affine change of the counts (which leaves every z-score unchanged) cannot move a tie.
    """
    lsoa = cumbria_lsoas()
    crimes = cumbria_crimes(crs=None)
    per = crimes.groupby("lsoa_code").size()
    lsoa["count"] = lsoa["code"].map(per).fillna(0).astype(float)
    lsoa["scaled"] = lsoa["count"] * 3
    lsoa["shifted"] = lsoa["count"] + 0.1
    ps = {c: ib.geo.local_moran(lsoa, c, permutations=999, seed=7)["p_value"].to_numpy()
          for c in ("count", "scaled", "shifted")}
    np.testing.assert_array_equal(ps["count"], ps["scaled"])
    np.testing.assert_array_equal(ps["count"], ps["shifted"])
    row = int(np.flatnonzero(lsoa["code"].to_numpy() == "E01019318")[0])
    assert ps["count"][row] == pytest.approx(0.093)


def test_local_moran_ties_fold_to_neither_tail() -> None:
    import scipy.sparse as sp

    # a chain where every value but one is equal: the equal cells' lags tie in most draws
    y = np.r_[np.zeros(40), 5.0]
    chain = sp.diags([np.ones(40), np.ones(40)], [-1, 1])
    out = ib.geo.local_moran(pd.DataFrame({"v": y}), "v", weights=chain,
                             permutations=199, seed=1)
    far = out["p_value"].to_numpy()[:30]  # zero cells whose neighbours are zero too
    assert (far > 0.5).all()
