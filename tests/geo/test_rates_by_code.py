"""rates() counts data.police.uk events by their LSOA code (issue 14, section 3)."""

from __future__ import annotations

import numpy as np
import pytest

import intelbench as ib
from intelbench.exceptions import IntelbenchWarning, SchemaError

from ._geodata import CRIMES_CSV, cumbria_lsoas


def test_cumbria_counts_by_code_and_warns_on_disagreement() -> None:
    crimes = ib.read_police_uk(CRIMES_CSV)
    lsoas = cumbria_lsoas()
    with pytest.warns(IntelbenchWarning, match=r"404 of 3,322 points.*182 of 321 areas"):
        by_code = ib.geo.rates(crimes, lsoas, population=None)
    assert by_code.attrs["counted_by"] == "area code ('lsoa_code' = 'code')"
    plain = crimes.groupby("lsoa_code", observed=True).size()
    got = by_code.set_index("code")["count"]
    np.testing.assert_array_equal(got.reindex(plain.index).to_numpy(), plain.to_numpy())
    assert got.sum() == 3322 and (got.drop(plain.index) == 0).all()
    with pytest.warns(IntelbenchWarning, match="counted by polygon"):
        by_poly = ib.geo.rates(crimes, lsoas, population=None, by="polygon")
    assert by_poly.attrs["counted_by"] == "point in polygon"
    assert int((by_poly["count"] != by_code["count"]).sum()) == 182
    np.testing.assert_array_equal(by_poly["count_code"], by_code["count"])


def test_by_code_needs_codes_on_both_sides() -> None:
    crimes = ib.read_police_uk(CRIMES_CSV).drop(columns="lsoa_code")
    lsoas = cumbria_lsoas()
    out = ib.geo.rates(crimes, lsoas, population=None)
    assert out.attrs["counted_by"] == "point in polygon" and "count_code" not in out.columns
    with pytest.raises(SchemaError, match="by='code' needs an area-code column"):
        ib.geo.rates(crimes, lsoas, population=None, by="code")
