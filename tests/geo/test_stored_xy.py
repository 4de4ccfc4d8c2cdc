"""Binning from the BNG x/y that read_police_uk keeps (issue 14, section 5)."""

from __future__ import annotations

import numpy as np

import intelbench as ib
from intelbench.geo._events import prepare_points

from ._geodata import CRIMES_CSV


def test_kept_xy_are_used_and_stale_ones_are_not() -> None:
    crimes = ib.read_police_uk(CRIMES_CSV)
    assert crimes.attrs["xy"]["x"] == "x"
    prep = prepare_points(crimes)
    np.testing.assert_array_equal(prep.xy[:, 0], crimes["x"].to_numpy())
    plain = crimes.drop(columns=["x", "y"])
    plain.attrs = {}
    ref = prepare_points(plain).xy
    np.testing.assert_array_equal(prep.xy, ref)
    # a subset keeps attrs and columns: same answer as from the geometry
    burglary = crimes[crimes["crime_type"] == "Burglary"]
    a = ib.geo.hotspots(burglary, cell_size=500)
    b = ib.geo.hotspots(plain[plain["crime_type"] == "Burglary"], cell_size=500)
    np.testing.assert_array_equal(a["gi_star"], b["gi_star"])
    # stale columns (edited) or another CRS: the geometry is read instead
    stale = crimes.copy()
    stale["x"] = stale["x"] + 1000.0
    np.testing.assert_array_equal(prepare_points(stale).xy, ref)
    moved = crimes.to_crs(3857)
    assert not np.allclose(prepare_points(moved).xy[:, 0], crimes["x"].to_numpy())
