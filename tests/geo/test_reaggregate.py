"""Rates from a population table by LSOA, and LSOA figures moved to beats (issue 14, s. 3).

Checked by hand on two squares cut by two beats, and against tobler's ``area_interpolate``
on the sample force (220 small areas, 18 beats that cut across them).
"""

from __future__ import annotations

import warnings

import geopandas as gpd
import numpy as np
import pandas as pd
import pytest
from shapely import box

import intelbench as ib
from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo.reaggregate import area_shares


def _squares() -> tuple[gpd.GeoDataFrame, gpd.GeoDataFrame]:
    # Two LSOAs of 100 x 100 m side by side; beat A is x < 50, beat B is x >= 50.
    lsoas = gpd.GeoDataFrame(
        {"code": ["L1", "L2"], "count": [30.0, 10.0], "residents": [1000.0, 4000.0]},
        geometry=[box(0, 0, 100, 100), box(100, 0, 200, 100)], crs=27700)
    lsoas["rate"] = lsoas["count"] / lsoas["residents"] * 1000  # 30 and 2.5
    beats = gpd.GeoDataFrame({"beat": ["A", "B"]},
                             geometry=[box(0, 0, 50, 100), box(50, 0, 200, 100)], crs=27700)
    return lsoas, beats


def test_hand_derived_split_by_area_and_by_population() -> None:
    lsoas, beats = _squares()
    by_area = ib.geo.reaggregate(lsoas, beats, extensive=["count", "residents"],
                                 intensive=["rate"])
    # A holds half of L1: 15 crimes, 500 residents. B: the other half of L1 and all of L2.
    assert by_area["count"].tolist() == [15.0, 25.0]
    assert by_area["residents"].tolist() == [500.0, 4500.0]
    # area-weighted mean rate in B: (5000 m2 x 30 + 10000 m2 x 2.5) / 15000 m2 = 11.6667
    assert by_area["rate"].tolist() == pytest.approx([30.0, 35.0 / 3])
    by_pop = ib.geo.reaggregate(lsoas, beats, extensive=["count"], intensive=["rate"],
                                weights="population", population="residents")
    # population-weighted in B: (500 x 30 + 4000 x 2.5) / 4500 = 5.5556 = 25 / 4500 x 1000
    assert by_pop["rate"].tolist() == pytest.approx([30.0, 25 / 4500 * 1000])
    assert by_pop["covered_share"].tolist() == [1.0, 1.0]
    assert area_shares(lsoas, beats).toarray().tolist() == [[5000.0, 5000.0], [0.0, 10000.0]]
    with pytest.raises(ParameterError, match="population="):
        ib.geo.reaggregate(lsoas, beats, intensive=["rate"], weights="population")


@pytest.fixture(scope="module")
def force() -> dict[str, gpd.GeoDataFrame]:
    path = ib.samples.sample_path()
    crimes = ib.samples.crimes()
    burglary = crimes[crimes["crime_type"] == "Burglary"]
    areas = ib.samples.areas()
    beats = gpd.read_file(path / "beats.gpkg", layer="beats")
    population = pd.read_csv(path / "population.csv")
    return {"burglary": burglary, "areas": areas, "beats": beats, "population": population}


def test_rates_from_a_population_table_match_the_areas_own_figures(force: dict) -> None:
    areas = force["areas"]
    bare = areas.drop(columns=["residents", "households"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        own = ib.geo.rates(force["burglary"], areas, population="residents")
        table = ib.geo.rates(force["burglary"], bare, population=force["population"])
        homes = ib.geo.rates(force["burglary"], bare, population=force["population"],
                             population_column="households")
    np.testing.assert_array_equal(table["count"], own["count"])
    np.testing.assert_allclose(table["rate"], own["count"] / areas["residents"] * 1000)
    np.testing.assert_allclose(homes["rate"], own["count"] / areas["households"] * 1000)
    assert table.attrs["rate"] == "events per 1,000 residents (population table)"
    assert homes.attrs["rate"].startswith("events per 1,000 households")


def test_rates_refuse_areas_the_population_table_does_not_cover(force: dict) -> None:
    bare = force["areas"].drop(columns=["residents", "households"])
    short = force["population"].iloc[3:].copy()
    short.loc[short.index[0], "residents"] = np.nan
    missing = [*force["population"]["area_code"].iloc[:4]]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        with pytest.raises(SchemaError) as err:
            ib.geo.rates(force["burglary"], bare, population=short)
    msg = str(err.value)
    assert "does not cover 4 of 220 areas" in msg
    assert all(code in msg for code in missing)


def test_lsoa_counts_to_beats_match_tobler(force: dict) -> None:
    from tobler.area_weighted import area_interpolate

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        lsoa = ib.geo.rates(force["burglary"], force["areas"], population="residents")
    lsoa = lsoa[["area_code", "count", "residents", "rate", "geometry"]]
    beats = force["beats"]
    ours = ib.geo.reaggregate(lsoa, beats, extensive=["count", "residents"],
                              intensive=["rate"])
    ref = area_interpolate(lsoa, beats, extensive_variables=["count", "residents"],
                           intensive_variables=["rate"])
    # tobler keeps its table of overlap areas in float32 (area_interpolate.py, dtype=
    # np.float32): its figures carry float32 rounding, a relative 1e-7 or so.
    for col in ("count", "residents", "rate"):
        np.testing.assert_allclose(ours[col].to_numpy(), ref[col].to_numpy(), rtol=1e-6)
    # beats cut across areas, and nothing is lost or made up on the way
    assert (area_shares(lsoa, beats) > 0).sum(axis=1).max() > 1
    assert ours["count"].sum() == pytest.approx(lsoa["count"].sum())
    assert ours["residents"].sum() == pytest.approx(lsoa["residents"].sum())
    # population weights: a beat's rate is its share of crimes over its share of people
    by_pop = ib.geo.reaggregate(lsoa, beats, extensive=["count"], intensive=["rate"],
                                weights="population", population="residents")
    np.testing.assert_allclose(by_pop["rate"], by_pop["count"] / by_pop["residents"] * 1000)
    assert not np.allclose(by_pop["rate"], ours["rate"])
