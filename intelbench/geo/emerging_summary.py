"""Emerging hot spots in words: a table of locations by category and a profile section.

:func:`emerging_table` lists the locations of an :func:`~intelbench.geo.emerging.emerging_hotspots`
result that fall in a category (other than "no pattern"), hottest kinds first, with the
area each lies in when an area layer is given. :func:`emerging_sentences` reads the table
in words for a problem profile ("three persistent burglary hot spots in Oldcaster; one new
hot spot in Dunmere"), and :func:`emerging_section` returns both for the profile builder.
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.geo.emerging import CATEGORIES

__all__ = ["emerging_section", "emerging_sentences", "emerging_table", "number_words"]

_WORDS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine",
          "ten")


def number_words(n: int) -> str:
    """Write a count as a word up to ten, else in figures (house style for profiles).

    Examples
    --------
    >>> number_words(3), number_words(12)
    ('three', '12')
    """
    return _WORDS[n] if 0 <= n < len(_WORDS) else f"{n:,}"


def emerging_table(result: Any, areas: Any = None, *, area_name: str = "area_name") -> Any:
    """One row per location in a category, ordered as :data:`CATEGORIES`, busiest first.

    Parameters
    ----------
    result : geopandas.GeoDataFrame
        The output of :func:`~intelbench.geo.emerging.emerging_hotspots`.
    areas : geopandas.GeoDataFrame, optional
        Polygons naming places (wards, LSOAs, sectors); each location gets the name of the
        area holding its centre ("outside the areas" when none does).
    area_name : str, default "area_name"
        The column of ``areas`` holding the names.

    Returns
    -------
    pandas.DataFrame
        ``category``, ``cell_id``, ``area``, ``count``, ``hot_steps``, ``cold_steps``,
        ``trend_z``, ``trend_p``, ``x``, ``y`` (cell centre, metres); ``attrs["roles"]``
        declares the columns.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rng = np.random.default_rng(1)
    >>> month = pd.period_range("2024-01", periods=12, freq="M")
    >>> xy = np.vstack([rng.uniform(0, 5000, (1200, 2)), rng.normal(2500, 60, (240, 2))])
    >>> m = np.r_[rng.integers(0, 12, 1200), np.repeat(np.arange(12), 20)]
    >>> ev = gpd.GeoDataFrame({"month": month[m]}, geometry=gpd.points_from_xy(
    ...     xy[:, 0], xy[:, 1]), crs=27700)
    >>> table = emerging_table(ib.geo.emerging_hotspots(ev, cell_size=500))
    >>> table["category"].iloc[0]
    'persistent hot spot'
    """
    need = {"category", "cell_id", "count", "hot_steps", "cold_steps", "trend_z", "trend_p"}
    missing = need - set(getattr(result, "columns", []))
    if missing:
        raise SchemaError(
            "result must be the output of ib.geo.emerging_hotspots; missing columns "
            f"{sorted(missing)}."
        )
    found = result[result["category"].astype(str) != "no pattern"]
    centres = found.geometry.centroid
    out = pd.DataFrame({
        "category": pd.Categorical(found["category"].astype(str), categories=list(CATEGORIES),
                                   ordered=True),
        "cell_id": found["cell_id"].to_numpy(),
        "area": _area_names(centres, areas, area_name, result.crs),
        "count": found["count"].to_numpy().astype(np.int64),
        "hot_steps": found["hot_steps"].to_numpy(),
        "cold_steps": found["cold_steps"].to_numpy(),
        "trend_z": found["trend_z"].to_numpy().round(2),
        "trend_p": found["trend_p"].to_numpy().round(3),
        "x": centres.x.to_numpy().round(0),
        "y": centres.y.to_numpy().round(0),
    })
    out = out.sort_values(["category", "count"], ascending=[True, False],
                          kind="mergesort").reset_index(drop=True)
    out.attrs["roles"] = {"category": "label", "cell_id": "location", "area": "location",
                          "count": "count", "hot_steps": "count", "cold_steps": "count",
                          "trend_z": "statistic", "trend_p": "statistic", "x": "location",
                          "y": "location"}
    return out


def _area_names(centres: Any, areas: Any, area_name: str, crs: Any) -> np.ndarray:
    if areas is None:
        return np.full(len(centres), "", dtype=object)
    import shapely

    if area_name not in areas.columns:
        raise SchemaError(f"area_name={area_name!r} is not a column of areas; got "
                          f"{sorted(map(str, areas.columns))[:12]}.")
    layer = areas.to_crs(crs) if crs is not None and not areas.crs.equals(crs) else areas
    tree = shapely.STRtree(np.asarray(layer.geometry.values))
    pi, ai = tree.query(np.asarray(centres.values), predicate="within")
    names = np.full(len(centres), "outside the areas", dtype=object)
    first = np.unique(pi, return_index=True)[1]
    names[pi[first]] = layer[area_name].astype(str).to_numpy()[ai[first]]
    return names


def emerging_sentences(table: pd.DataFrame, crime: str = "") -> list[str]:
    """Read a table from :func:`emerging_table` in words, one phrase per category.

    Examples
    --------
    >>> t = pd.DataFrame({"category": ["persistent hot spot"] * 3 + ["new hot spot"],
    ...                   "area": ["Oldcaster", "Oldcaster", "Dunmere", "Kestermoor"]})
    >>> for phrase in emerging_sentences(t, crime="burglary"):
    ...     print(phrase)
    one new burglary hot spot in Kestermoor
    three persistent burglary hot spots in Oldcaster (2) and Dunmere (1)
    """
    out = []
    what = f"{crime} " if crime else ""
    for cat in CATEGORIES:
        rows = table[table["category"].astype(str) == cat]
        if cat == "no pattern" or rows.empty:
            continue
        kind, spot = cat.rsplit(" ", 2)[0], " ".join(cat.rsplit(" ", 2)[1:])
        n = len(rows)
        phrase = f"{number_words(n)} {kind} {what}{spot}{'s' if n > 1 else ''}"
        places = rows["area"].astype(str)
        places = places[places != ""]
        if len(places):
            counts = places.value_counts(sort=True)
            if len(counts) == 1:
                phrase += f" in {counts.index[0]}"
            else:
                parts = [f"{name} ({c})" for name, c in counts.items()]
                phrase += " in " + ", ".join(parts[:-1]) + " and " + parts[-1]
        out.append(phrase)
    return out


def emerging_section(result: Any, areas: Any = None, *, crime: str = "",
                     area_name: str = "area_name") -> dict[str, Any]:
    """Build the emerging-hot-spot section of a problem profile: a sentence and its table.

    Returns
    -------
    dict
        ``text`` (the phrases joined with semicolons, capitalised, or a sentence saying
        that no location shows a pattern), ``phrases``, ``table`` (from
        :func:`emerging_table`) and ``steps`` (the first and last step analysed).
    """
    table = emerging_table(result, areas, area_name=area_name)
    phrases = emerging_sentences(table, crime=crime)
    meta = getattr(result, "attrs", {}).get("emerging", {})
    steps = meta.get("steps", [])
    span = f" ({steps[0]} to {steps[-1]}, by {meta.get('step', 'step')})" if steps else ""
    if phrases:
        text = "; ".join(phrases)
        text = f"Emerging hot spot analysis{span}: {text}."
    else:
        text = f"Emerging hot spot analysis{span}: no location shows a space-time pattern."
    return {"text": text, "phrases": phrases, "table": table,
            "steps": (steps[0], steps[-1]) if steps else None}
