"""A rates-by-area table goes to a partner as the analyst made it (real Cumbria data).

``ib.geo.rates`` declares its columns' roles: the area's name and code are places, the counts
and densities aggregates. Before, the LSOA ``name`` column was read as personal data and the
table was refused for a partner, and every LSOA code was flagged as a possible identifier.
Here the table goes to a partner with every area name, code and count as it was, nothing
flagged; a person's name planted in a column the areas happen to carry is still kept back.
"""

from __future__ import annotations

import warnings
from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench import gate as dm
from tests.gate._support import leaks, make_workspace
from tests.geo._geodata import cumbria_crimes, cumbria_lsoas

PARTNER = dm.Recipient("Community Safety Manager", "Cumbria CSP", "PARTNER_ISA",
                       isa_ref="ISA-7")


def _request(tmp_path: Path) -> dict[str, object]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return dict(to=PARTNER, purpose="Burglary problem profile", basis="Prevent offences",
                necessity="Necessary and proportionate to brief the CSP", path=out,
                fmt="csv", ws=make_workspace(tmp_path / "ws"))


def _burglary_rates(areas: object) -> pd.DataFrame:
    crimes = cumbria_crimes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # points outside their own LSOA: tested in tests/geo
        out = ib.geo.rates(crimes[crimes["crime_type"] == "Burglary"], areas)
    table: pd.DataFrame = out.drop(columns="geometry")
    return table


def test_rates_declare_places_and_aggregates() -> None:
    table = _burglary_rates(cumbria_lsoas())
    roles = table.attrs["roles"]
    assert roles["name"] == roles["code"] == "location"
    assert {roles[c] for c in ("count", "count_code", "count_polygon")} == {"count"}
    assert {roles[c] for c in ("area_km2", "count_per_km2")} == {"statistic"}
    assert "rate" not in table.columns  # no residents column: counts and densities only
    assert any("no 'residents' column" in n for n in table.attrs["notes"])


def test_a_rates_table_reaches_a_partner_whole(tmp_path: Path) -> None:
    table = _burglary_rates(cumbria_lsoas())
    req = _request(tmp_path)
    dry = dm.disseminate(table, dry_run=True, **req)
    assert list(dry.flagged["value"]) == [], dry.flagged[["field", "kind", "value"]].head()
    assert not dry.problems, dry.problems
    rec = dm.disseminate(table, **req)
    back = pd.read_csv(rec.path, dtype={"name": str, "code": str})
    assert len(back) == len(table) == 321
    for col in ("name", "code", "count", "count_code", "count_polygon"):
        assert back[col].tolist() == table[col].tolist(), col
    assert back["count"].sum() == 186


def test_a_name_in_another_area_column_is_kept_back(tmp_path: Path) -> None:
    areas = cumbria_lsoas().assign(contact="Darren Smith")
    table = _burglary_rates(areas)
    assert "contact" not in table.attrs["roles"]  # not an area's name or code: inferred
    req = _request(tmp_path)
    dry = dm.disseminate(table, dry_run=True, **req)
    problems = " ".join(p for ps in dry.problems.values() for p in ps)
    assert "contact" in problems or "Darren" in set(dry.flagged["value"]), dry.problems
    with pytest.raises(ib.exceptions.DisseminationRefused, match="'contact': every value"):
        dm.disseminate(table, **req)  # not a column of "[FLAGGED]" sent as if it were data
    rec = dm.disseminate(table.drop(columns="contact"), **req)
    assert leaks(rec.path, ["Darren"]) == []


def test_a_reaggregated_table_reaches_a_partner_whole(tmp_path: Path) -> None:
    import geopandas as gpd
    import shapely

    lsoas = cumbria_lsoas()
    crimes = cumbria_crimes()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # points outside their own LSOA: tested in tests/geo
        rated = ib.geo.rates(crimes[crimes["crime_type"] == "Burglary"], lsoas, by="polygon")
    x0, y0, x1, y1 = lsoas.total_bounds
    mid = (x0 + x1) / 2
    beats = gpd.GeoDataFrame({"beat_name": ["West 01", "East 02"], "beat_code": ["W1", "E2"]},
                             geometry=[shapely.box(x0, y0, mid, y1), shapely.box(mid, y0, x1, y1)],
                             crs=lsoas.crs)
    out = ib.geo.reaggregate(rated, beats, extensive=["count"])
    table = out.drop(columns="geometry")
    assert table.attrs["roles"] == {"beat_name": "location", "beat_code": "location",
                                    "count": "count", "covered_share": "statistic"}
    req = _request(tmp_path)
    # the force's own beat codes are not public geography: a person releases them first,
    # and until then the gate refuses rather than send a column of withheld values
    dry = dm.disseminate(table, dry_run=True, **req)
    assert sorted(dry.flagged["value"]) == ["E2", "W1"]
    assert any("'beat_code': every value would be withheld" in p
               for p in dry.problems.get("sanitisation", [])), dry.problems
    with pytest.raises(ib.exceptions.DisseminationRefused, match="beat_code"):
        dm.disseminate(table, **req)
    rec = dm.disseminate(table, release=dry.release(*dry.flagged["id"]), **req)
    back = pd.read_csv(rec.path)
    assert back["beat_name"].tolist() == ["West 01", "East 02"]
    assert back["beat_code"].tolist() == ["W1", "E2"]
    assert back["count"].round(6).tolist() == table["count"].round(6).tolist()
    assert round(back["count"].sum()) == int(rated["count"].sum())
