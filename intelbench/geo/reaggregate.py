"""Move area figures from one set of polygons to another (LSOAs to beats or wards).

:func:`reaggregate` splits each source area among the target areas it overlaps, in
proportion to the overlapping area (``weights="area"``) or to the people living there
(``weights="population"``, with the source population assumed even over each source area).
Counts and populations (extensive figures) are shared out; rates and shares (intensive
figures) are averaged, weighted by the overlapping area or population. It is the areal
interpolation of tobler's ``area_interpolate`` (checked against it on the sample force),
written on one sparse table of overlaps.

:func:`population_lookup` matches a population table by area code to a layer of areas and
refuses, naming them, areas the table does not cover.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import CRSError, ParameterError, SchemaError
from intelbench.geo._roles import area_roles

__all__ = ["area_shares", "population_lookup", "reaggregate"]


def _layer(frame: Any, name: str) -> Any:
    import geopandas as gpd

    if not isinstance(frame, gpd.GeoDataFrame) or len(frame) == 0:
        raise SchemaError(f"{name} must be a non-empty GeoDataFrame of polygons; got "
                          f"{type(frame).__name__}.")
    if frame.crs is None:
        raise CRSError(f"{name} has no CRS; set one (e.g. .set_crs('EPSG:27700')).")
    if frame.crs.is_geographic:
        raise CRSError(f"{name} is in degrees ({frame.crs.to_string()}); areas need a "
                       "projected CRS in metres: .to_crs('EPSG:27700').")
    return frame


def area_shares(source: Any, target: Any) -> Any:
    """Overlap areas between two polygon layers, as a sparse (source x target) matrix.

    Parameters
    ----------
    source, target : geopandas.GeoDataFrame
        Polygons in the same projected CRS (``target`` is reprojected to ``source``'s).

    Returns
    -------
    scipy.sparse.csr_matrix
        Entry (i, t) is the area in square metres shared by source row i and target row t.

    Examples
    --------
    >>> import geopandas as gpd
    >>> from shapely import box
    >>> a = gpd.GeoDataFrame(geometry=[box(0, 0, 100, 100)], crs=27700)
    >>> b = gpd.GeoDataFrame(geometry=[box(0, 0, 25, 100), box(25, 0, 100, 100)], crs=27700)
    >>> area_shares(a, b).toarray().tolist()
    [[2500.0, 7500.0]]
    """
    import scipy.sparse as sp
    import shapely

    source = _layer(source, "source")
    target = _layer(target, "target")
    if not target.crs.equals(source.crs):
        target = target.to_crs(source.crs)
    sg = np.asarray(source.geometry.values)
    tg = np.asarray(target.geometry.values)
    si, ti = shapely.STRtree(tg).query(sg, predicate="intersects")
    inter = shapely.area(shapely.intersection(sg[si], tg[ti]))
    keep = inter > 0
    return sp.csr_matrix((inter[keep], (si[keep], ti[keep])), shape=(len(sg), len(tg)))


def reaggregate(
    source: Any,
    target: Any,
    *,
    extensive: Sequence[str] = (),
    intensive: Sequence[str] = (),
    weights: str = "area",
    population: str | None = None,
) -> Any:
    """Share out area figures from ``source`` polygons onto ``target`` polygons.

    Parameters
    ----------
    source : geopandas.GeoDataFrame
        Areas with the figures (LSOAs with counts, residents, rates), projected CRS.
    target : geopandas.GeoDataFrame
        The areas to report on (beats, wards). Not mutated.
    extensive : sequence of str
        Columns that add up (counts, residents, households): each source value is split
        among the targets in proportion to the weights.
    intensive : sequence of str
        Columns that do not add up (rates, shares): each target gets the weighted mean of
        the source values overlapping it.
    weights : {"area", "population"}, default "area"
        "area": the share of a source area that lies in the target (as tobler's
        ``area_interpolate`` with ``allocate_total=True``: shares are of the part of the
        source that some target covers, so the whole figure is passed on).
        "population": the share of its ``population`` living there, taken as even over
        the source area; extensive figures are then split as with
        "area", but intensive ones are averaged by population, so a beat's rate is its
        count over its people (not over its square metres).
    population : str, optional
        Source column of residents or households, needed for ``weights="population"``;
        it is also shared out to the target.

    Returns
    -------
    geopandas.GeoDataFrame
        A copy of ``target`` with the new columns and ``covered_share`` (the share of the
        target's area covered by ``source``). ``attrs["reaggregate"]`` records the method;
        ``attrs["notes"]`` says how much of each layer the other does not cover;
        ``attrs["roles"]`` declares the shared-out figures as aggregates and statistics and
        the target's name and code as places, for the gate.

    Raises
    ------
    SchemaError
        A named column is missing or not numeric.
    ParameterError
        Unknown ``weights``, or ``weights="population"`` without ``population``.

    Examples
    --------
    An LSOA of 100 x 100 m with 40 burglaries and 1,000 residents, split 1:3 by two beats:

    >>> import geopandas as gpd
    >>> from shapely import box
    >>> lsoa = gpd.GeoDataFrame({"count": [40], "residents": [1000]},
    ...                         geometry=[box(0, 0, 100, 100)], crs=27700)
    >>> beats = gpd.GeoDataFrame({"beat": ["A", "B"]},
    ...     geometry=[box(0, 0, 25, 100), box(25, 0, 100, 100)], crs=27700)
    >>> out = ib.geo.reaggregate(lsoa, beats, extensive=["count", "residents"])
    >>> out[["beat", "count", "residents"]].values.tolist()
    [['A', 10.0, 250.0], ['B', 30.0, 750.0]]
    """
    if weights not in ("area", "population"):
        raise ParameterError(f"weights must be 'area' or 'population'; got {weights!r}.")
    if weights == "population" and population is None:
        raise ParameterError("weights='population' needs population=<column of source> "
                             "(residents or households).")
    ext = list(extensive)
    if population is not None and population not in ext:
        ext.append(population)
    inten = list(intensive)
    if not ext and not inten:
        raise ParameterError("name at least one column in extensive= or intensive=.")
    source = _layer(source, "source")
    values = {}
    for col in ext + inten:
        if col not in source.columns:
            raise SchemaError(f"column {col!r} is not in source; allowed: one of "
                              f"{sorted(map(str, source.columns))[:12]}; got {col!r}.")
        v = pd.to_numeric(source[col], errors="coerce").to_numpy(dtype=float)
        if not np.isfinite(v).all():
            bad = source.index[~np.isfinite(v)].tolist()[:10]
            raise SchemaError(f"column {col!r} of source has missing or non-numeric values "
                              f"(rows {bad}); fill them or drop those areas first.")
        values[col] = v
    overlap = area_shares(source, target)
    src_area = np.asarray(source.geometry.area, dtype=float)
    out = _layer(target, "target").copy()
    if not out.crs.equals(source.crs):
        out = out.to_crs(source.crs)
    tgt_area = np.asarray(out.geometry.area, dtype=float)
    # (i, t): share of the covered part of source i lying in target t. As tobler's
    # allocate_total=True, a source's whole figure goes to the targets it overlaps, so
    # slivers where two boundaries were drawn apart do not lose a fraction of a crime.
    covered_src = np.asarray(overlap.sum(axis=1)).ravel()
    inv = np.divide(1.0, covered_src, out=np.zeros_like(covered_src), where=covered_src > 0)
    share = overlap.multiply(inv[:, None]).tocsr()
    for col in ext:
        out[col] = share.T @ values[col]
    if inten:
        w = overlap if weights == "area" else share.multiply(values[str(population)][:, None])
        w = w.tocsr()
        total = np.asarray(w.sum(axis=0)).ravel()
        for col in inten:
            with np.errstate(divide="ignore", invalid="ignore"):
                out[col] = np.where(total > 0, (w.T @ values[col]) / total, np.nan)
    covered = np.asarray(overlap.sum(axis=0)).ravel()
    with np.errstate(divide="ignore", invalid="ignore"):
        out["covered_share"] = np.where(tgt_area > 0, covered / tgt_area, np.nan)
    notes = []
    outside = covered_src <= 0
    if outside.any():
        notes.append(f"{int(outside.sum())} source areas overlap no target area; their "
                     "figures are not passed on.")
    lost = 1.0 - float(covered_src.sum() / src_area.sum())
    if lost > 1e-3:
        notes.append(f"{lost:.1%} of the source area lies outside every target area; each "
                     "source's figures went to the targets it overlaps, in proportion.")
    part = int((out["covered_share"] < 1 - 1e-6).sum())
    if part:
        notes.append(f"{part} target areas are not fully covered by source areas.")
    out.attrs["reaggregate"] = {"weights": weights, "population": population,
                                "extensive": ext, "intensive": inten}
    out.attrs["notes"] = notes
    made = {**{c: "count" for c in ext}, **{c: "statistic" for c in inten},
            "covered_share": "statistic"}
    if population is not None:
        made[population] = "count"
    out.attrs["roles"] = area_roles(out, target, made)
    return out


def population_lookup(areas: Any, table: Any, *, column: str | None = None,
                      area_code: str | None = None, code: str | None = None) -> np.ndarray:
    """Look up each area's population in a table by area code; refuse uncovered areas.

    Parameters
    ----------
    areas : DataFrame
        Areas with a code column (``area_code``).
    table : DataFrame or Series
        Population by code: a Series indexed by code, or a frame with a code column
        (``code``, default the column holding most of the areas' codes) and ``column``.
    column : str, optional
        The figure to use (default ``residents``, else the only numeric column).
    area_code, code : str, optional
        The code columns of ``areas`` and ``table``.

    Returns
    -------
    ndarray
        The population of each area, in the order of ``areas``.

    Raises
    ------
    SchemaError
        Areas with no positive population in the table (named), or no code column.

    Examples
    --------
    >>> areas = pd.DataFrame({"lsoa": ["E1", "E2"]})
    >>> pop = pd.DataFrame({"LSOA21CD": ["E2", "E1"], "residents": [1500, 1200]})
    >>> population_lookup(areas, pop, area_code="lsoa").tolist()
    [1200.0, 1500.0]
    """
    if isinstance(table, pd.Series):
        frame = table.rename("population").rename_axis("code").reset_index()
        code, column = "code", "population"
    elif isinstance(table, pd.DataFrame):
        frame = table.reset_index() if table.index.name else table
    else:
        raise SchemaError(f"population must be a column name, a DataFrame or a Series by "
                          f"area code; got {type(table).__name__}.")
    if area_code is None or area_code not in areas.columns:
        raise SchemaError(f"areas need a code column to match the population table; got "
                          f"{area_code!r} (pass area_code=).")
    keys = areas[area_code].astype(str)
    if code is None:
        hits = {c: int(frame[c].astype(str).isin(set(keys)).sum()) for c in frame.columns
                if not pd.api.types.is_numeric_dtype(frame[c])}
        code = max(hits, key=hits.__getitem__) if hits and max(hits.values()) else None
        if code is None:
            raise SchemaError("population table: no column holds the areas' codes "
                              f"({area_code!r}, e.g. {keys.iloc[0]!r}); pass code=.")
    if column is None:
        nums = [c for c in frame.columns if c != code
                and pd.api.types.is_numeric_dtype(frame[c])]
        column = "residents" if "residents" in frame.columns else (
            nums[0] if len(nums) == 1 else None)
        if column is None:
            raise SchemaError(f"population table: say which column to use "
                              f"(population_column=, one of {nums}).")
    if column not in frame.columns:
        raise SchemaError(f"population table has no column {column!r}; allowed: one of "
                          f"{sorted(map(str, frame.columns))}.")
    dup = frame[code].astype(str).duplicated()
    if dup.any():
        raise SchemaError(f"population table lists {int(dup.sum())} codes twice, e.g. "
                          f"{frame[code].astype(str)[dup].iloc[0]!r}; keep one row per area.")
    pop = pd.to_numeric(frame.set_index(frame[code].astype(str))[column], errors="coerce")
    vals = pop.reindex(keys.to_numpy()).to_numpy(dtype=float)
    bad = ~(vals > 0)
    if bad.any():
        names = keys[bad].tolist()
        shown = ", ".join(names[:10]) + (f" and {len(names) - 10} more" if len(names) > 10
                                         else "")
        raise SchemaError(
            f"population table does not cover {len(names)} of {len(keys)} areas (no positive "
            f"{column!r} for {area_code} {shown}); a rate there would be a guess. Add them "
            "to the table, or drop those areas first.")
    return vals
