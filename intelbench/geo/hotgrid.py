"""Gi* hot spots on a grid, raster first: arrays plus the grid, cell polygons on request.

:func:`hotspot_grid` does the work of :func:`intelbench.geo.hotspots.hotspots` and returns
a :class:`HotspotGrid`: one flat array per output column over the analysed cells (in
row-major order, ``cell_id = row * ncols + col``), the :class:`~intelbench.geo._events.GridSpec`
and the notes. :meth:`HotspotGrid.to_frame` builds the GeoDataFrame with a polygon per cell
(what ``hotspots`` returns); :meth:`HotspotGrid.raster` lays a column out as an
(nrows, ncols) array for drawing or export. On 1M points most of the time of a frame goes
into the cell polygons, so code that only needs the numbers should stay with the arrays.

Speed (issue 14, section 5): points come from the x/y columns ``read_police_uk`` keeps when
they are still valid (see ``_events._stored_xy``); they are binned chunk by chunk
(``GridSpec.flat_index``); neighbour sums are box sums (``_stats.band_sum``); and, with
counts and binary weights, every z, p, q and class is computed once per distinct
(neighbourhood count, number of neighbours) pair (``_gistar.inference_by_key``), with
results identical to the per-cell computation.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.geo._events import (
    DEFAULT_MAX_CELLS,
    GridSpec,
    check_positive,
    check_probability,
    prepare_points,
)
from intelbench.geo._gistar import (
    _check_perm_size,
    _inference,
    _perm_p,
    gi_star_z,
    inference_by_key,
    labels_of,
)
from intelbench.geo._stats import band_count_full, band_sum, binary_rows, stencil_halfwidths
from intelbench.geo.grid import _prepare_grid

__all__ = ["HotspotGrid", "hotspot_grid"]

_COLUMNS = ("count", "neighbours", "nb_incidents", "gi_star", "tested", "p_value",
            "q_value", "fdr_significant", "gi_bin")


@dataclass(frozen=True)
class HotspotGrid:
    """Gi* results as flat arrays over the analysed cells of a grid.

    Attributes
    ----------
    spec : GridSpec
        The grid (origin, cell size, rows, columns); row 0 is the southern row.
    cell_id : numpy.ndarray
        Flat ids (``row * ncols + col``) of the analysed cells, ascending.
    columns : dict of str to numpy.ndarray
        ``count``, ``neighbours``, ``nb_incidents``, ``gi_star``, ``tested``, ``p_value``,
        ``q_value``, ``fdr_significant`` and ``gi_bin``, aligned with ``cell_id``.
    crs : pyproj.CRS
        CRS of the grid.
    attrs : dict
        ``hotspots`` (parameters, scale, exclusions) and ``notes``, as on the frame.
    """

    spec: GridSpec
    cell_id: np.ndarray
    columns: dict[str, np.ndarray]
    crs: Any
    attrs: dict[str, Any] = field(default_factory=dict)

    def __len__(self) -> int:
        return len(self.cell_id)

    def __getitem__(self, name: str) -> np.ndarray:
        if name == "cell_id":
            return self.cell_id
        if name == "hotspot":
            return np.asarray(labels_of(self.columns["gi_bin"]))
        if name not in self.columns:
            raise KeyError(f"{name!r}: allowed one of {['cell_id', *self.columns, 'hotspot']}")
        return self.columns[name]

    @property
    def hot(self) -> np.ndarray:
        """Boolean mask of the cells classed hot (90% or more)."""
        return np.asarray(self.columns["gi_bin"] > 0)

    def raster(self, name: str, fill: float = np.nan) -> np.ndarray:
        """Column ``name`` as an (nrows, ncols) array, ``fill`` outside the analysed cells.

        Examples
        --------
        >>> import geopandas as gpd
        >>> rng = np.random.default_rng(0)
        >>> xy = rng.normal(1500, 300, (500, 2))
        >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        ...                        crs="EPSG:27700")
        >>> hg = hotspot_grid(pts, cell_size=200, extent=(0, 0, 3000, 3000))
        >>> hg.raster("gi_star").shape
        (15, 15)
        """
        out = np.full(self.spec.ncells, fill, dtype=float)
        out[self.cell_id] = self[name]
        return out.reshape(self.spec.nrows, self.spec.ncols)

    def to_frame(self, cells: str = "all") -> Any:
        """Build the GeoDataFrame that :func:`~intelbench.geo.hotspots.hotspots` returns.

        The cell polygons are created on first use of the geometry (drawing, ``.area``,
        ``to_file``, a spatial join ...; see :mod:`intelbench.geo._lazycells`): the frame is
        a real GeoDataFrame from the start, and code that reads only its columns never
        pays for 1M polygons.

        Parameters
        ----------
        cells : {"all", "relevant"}, default "all"
            "all": one row per analysed cell. "relevant": only the cells that hold an
            incident or are classed hot or cold; empty, not significant cells are left
            out (their count is 0, so totals do not change), which the notes state with
            their number. This raster result keeps every cell either way.

        Examples
        --------
        >>> import geopandas as gpd
        >>> rng = np.random.default_rng(0)
        >>> xy = np.vstack([rng.uniform(0, 3000, (60, 2)), rng.normal(1500, 60, (150, 2))])
        >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
        ...                        crs="EPSG:27700")
        >>> hg = hotspot_grid(pts, cell_size=150, extent=(0, 0, 3000, 3000))
        >>> full, rel = hg.to_frame(), hg.to_frame(cells="relevant")
        >>> len(full), len(rel), int(full["count"].sum()) == int(rel["count"].sum())
        (400, 70, True)
        """
        import geopandas as gpd

        from intelbench.geo._lazycells import cell_squares

        if cells not in ("all", "relevant"):
            raise ParameterError(f"cells must be 'all' or 'relevant'; got {cells!r}.")
        spec = self.spec
        gi_bin = self.columns["gi_bin"]
        cell_id = self.cell_id
        keep: np.ndarray | None = None
        if cells == "relevant":
            keep = (np.asarray(self.columns["count"]) != 0) | (gi_bin != 0)
            if keep.all():
                keep = None
            else:
                cell_id = cell_id[keep]
                gi_bin = gi_bin[keep]
        rows, cols = np.divmod(cell_id, spec.ncols)
        data: dict[str, Any] = {"cell_id": cell_id, "row": rows, "col": cols}
        for name in _COLUMNS:
            data[name] = self.columns[name] if keep is None else self.columns[name][keep]
        data["hotspot"] = labels_of(gi_bin)
        geom = cell_squares(spec.x0, spec.y0, spec.cell_size, rows, cols, crs=self.crs)
        out = gpd.GeoDataFrame(data, geometry=gpd.GeoSeries(geom, crs=self.crs), crs=self.crs)
        out.attrs["grid"] = {
            "x0": spec.x0, "y0": spec.y0, "cell_size": spec.cell_size,
            "nrows": spec.nrows, "ncols": spec.ncols,
            "complete": len(cell_id) == spec.ncells,
        }
        notes = list(self.attrs.get("notes", []))
        meta = dict(self.attrs.get("hotspots", {}))
        meta["cells_in_frame"] = int(len(cell_id))
        meta["frame_cells"] = cells
        if keep is not None:
            left = int(len(keep) - keep.sum())
            notes.append(
                f"the frame holds the {int(keep.sum()):,} cells that hold incidents or are "
                f"hot or cold; {left:,} empty, not significant cells of the "
                f"{len(keep):,} analysed are left out (cells='all' keeps them; "
                "hotspot_grid keeps every cell)."
            )
        out.attrs["notes"] = notes
        out.attrs["hotspots"] = meta
        if "scale_search" in self.attrs:
            out.attrs["scale_search"] = self.attrs["scale_search"]
        return out


def _min_incidents(min_incidents: Any, bounded: bool) -> int:
    if min_incidents is None:
        return 30 if bounded else 60
    return int(check_positive("min_incidents", min_incidents,
                              typical="30 with a study area, 60 without", integer=True))


def _refuse_few(n: int, need: int, bounded: bool, given: bool) -> None:
    if n >= need:
        return
    which = ("30 with a study-area boundary" if bounded
             else "60 without a study-area boundary, 30 with one")
    rule = (
        f"min_incidents={need}" if given else
        f"at least {need} located incidents ({which}, the minimums of ArcGIS's Optimized "
        "Hot Spot Analysis)"
    )
    raise SchemaError(
        f"points: hotspots needs {rule}; got {n}. So few incidents cannot show a hot spot "
        "that holds up: widen the period or the crime types, pass study_area= (the force "
        "or district boundary), or map the incidents themselves. min_incidents= lowers the "
        "guard if you accept the risk."
    )


def _grid_for(
    prep: Any, size: float, *, extent: Any, study_area: Any, weight: str | None,
    max_cells: int, chosen: bool, scale_how: list[str],
) -> tuple[np.ndarray, GridSpec, np.ndarray | None, list[str], Any]:
    """Grid the prepared points; a data-chosen cell size grows until the grid fits."""
    while True:
        try:
            return _prepare_grid(prep, size, extent=extent if extent is not None else None,
                                 study_area=study_area, weight=weight, max_cells=max_cells)
        except ParameterError as exc:
            if not chosen or "max_cells" not in str(exc) or size > 1e6:
                raise
            from intelbench.geo._scale import nice

            size = nice(size * 1.5)
            scale_how.append(f"enlarged to {size:,g} m to stay within max_cells={max_cells:,}")


def _check_band(band: float, size: float) -> float:
    band = check_positive("distance", band, typical="metres, at least cell_size, e.g. 1-5 x")
    if band < size * (1 - 1e-9):
        raise ParameterError(
            f"distance must be at least cell_size ({size:g} m) so every cell has neighbours "
            f"(typical 1-5 x cell_size); got {band:g}."
        )
    if band > size * 200:
        raise ParameterError(
            f"distance must be at most 200 x cell_size ({size * 200:g} m) for a grid "
            f"analysis (typical 1-5 x cell_size); got {band:g}."
        )
    return band


def _z_and_inference(
    counts: np.ndarray, active: np.ndarray, mask: np.ndarray | None, hw: np.ndarray,
    incidents: np.ndarray, *, weighted: bool, alpha: float, fdr: bool, permutations: int,
    seed: Any,
) -> tuple[dict[str, np.ndarray], int]:
    """Gi* z, neighbourhood incidents, untested flag and inference over the active cells."""
    full = mask is None
    y_grid = counts if full else np.where(active, counts, 0)
    wy_grid = band_sum(y_grid, hw)
    if full:
        y = y_grid.ravel().astype(float)
        wy = wy_grid.ravel()
        # without a mask the band count depends only on the distance to the edges
        card = band_count_full(counts.shape, hw).ravel()
    else:
        y = y_grid[active].astype(float)
        wy = wy_grid[active]
        card = band_sum(active.astype(np.int64), hw)[active]
    if weighted:
        nb_inc = band_sum(np.where(active, incidents, 0), hw)
        nb_inc = nb_inc.ravel() if full else nb_inc[active]
    else:
        nb_inc = wy
    n = len(y)
    total, total_sq = float(y.sum()), float((y * y).sum())
    out: dict[str, np.ndarray] = {
        "count": y_grid.ravel() if full else y_grid[active],
        "neighbours": card.astype(np.int64, copy=False),
        "nb_incidents": np.asarray(nb_inc, dtype=np.int64),
    }
    kcard = int(card.max()) + 1 if n else 1
    n_keys = (int(wy.max()) + 1) * kcard if n and not weighted else 0
    if not weighted and not permutations and 0 < n_keys <= max(4 * n, 1 << 20):
        key = wy.astype(np.int64, copy=False) * kcard
        key += card

        def z_of(k: np.ndarray) -> np.ndarray:
            return gi_star_z((k // kcard).astype(float), (k % kcard).astype(float), n,
                             total, total_sq)

        def excluded_of(k: np.ndarray, z: np.ndarray) -> np.ndarray:
            return (k // kcard <= 1) & (z > 0)

        inf = inference_by_key(key, z_of, excluded_of, alpha=alpha, fdr=fdr, n_keys=n_keys)
        excluded = inf.pop("excluded")
        out["gi_star"] = inf.pop("gi_star")
    else:
        z = gi_star_z(wy.astype(float), card.astype(float), n, total, total_sq)
        excluded = (out["nb_incidents"] <= 1) & (z > 0)
        p_perm = None
        if permutations:
            kmax = int((2 * hw + 1).sum() - 1)  # stencil size minus self
            _check_perm_size(kmax, int(permutations))
            p_perm = _perm_p(
                y, wy.astype(float) - y, binary_rows((card - 1).astype(np.int64), kmax),
                kmax, int(permutations), seed,
            )
        inf = _inference(z, alpha=alpha, fdr=fdr, p_perm=p_perm, untested=excluded)
        inf.pop("hotspot")
        out["gi_star"] = z
        out["tested"] = ~excluded & np.isfinite(z)
    out.update(inf)
    return out, int(excluded.sum())


def hotspot_grid(
    points: Any,
    cell_size: float | None = None,
    distance: float | None = None,
    *,
    alpha: float = 0.05,
    fdr: bool = True,
    permutations: int = 0,
    seed: Any = None,
    extent: Any = None,
    study_area: Any = None,
    weight: str | None = None,
    max_cells: int = DEFAULT_MAX_CELLS,
    min_incidents: int | None = None,
    scale: str = "auto",
) -> HotspotGrid:
    """Getis-Ord Gi* hot spots on a grid, returned as arrays plus the grid.

    Same parameters and numbers as :func:`intelbench.geo.hotspots.hotspots` (which is
    ``hotspot_grid(...).to_frame()``); see there for each parameter.

    Returns
    -------
    HotspotGrid
        Flat arrays over the analysed cells, the grid, and ``attrs`` (``hotspots``,
        ``notes``); ``.to_frame()`` gives the GeoDataFrame with cell polygons.

    Examples
    --------
    >>> import geopandas as gpd
    >>> rng = np.random.default_rng(0)
    >>> xy = np.vstack([rng.uniform(0, 3000, (400, 2)), rng.normal(1500, 60, (150, 2))])
    >>> pts = gpd.GeoDataFrame(geometry=gpd.points_from_xy(xy[:, 0], xy[:, 1]),
    ...                        crs="EPSG:27700")
    >>> hg = hotspot_grid(pts, cell_size=150, extent=(0, 0, 3000, 3000))
    >>> len(hg), int(hg.hot.sum()) > 0
    (400, True)
    """
    from intelbench.geo import _scale

    if cell_size is not None:
        check_positive("cell_size", cell_size, typical="metres, typically 50-500")
    check_probability("alpha", alpha)
    check_positive("permutations", permutations, typical="0 or 99-9999", integer=True,
                   allow_zero=True)
    if scale not in ("auto", "isa", "knn"):
        raise ParameterError(f"scale must be 'auto', 'isa' or 'knn'; got {scale!r}.")
    bounded = study_area is not None
    need = _min_incidents(min_incidents, bounded)
    prep = prepare_points(points)
    _refuse_few(len(prep.xy), need, bounded, min_incidents is not None)
    scale_how: list[str] = []
    if cell_size is None:
        chosen = _scale.cell_size_from_points(prep.xy)
        size = chosen.value
        scale_how.append(chosen.how)
    else:
        size = float(cell_size)
    counts, spec, mask, notes, crs = _grid_for(
        prep, size, extent=extent, study_area=study_area, weight=weight,
        max_cells=max_cells, chosen=cell_size is None, scale_how=scale_how,
    )
    size = spec.cell_size
    incidents = counts if weight is None else _grid_for(
        prep, size, extent=extent, study_area=study_area, weight=None,
        max_cells=max_cells, chosen=False, scale_how=[],
    )[0]
    if mask is None and extent is None:
        mask = incidents > 0
        notes.append(
            f"no study_area given: only the {int(mask.sum()):,} cells holding incidents "
            f"were analysed (of {spec.ncells:,} in the bounding rectangle), as ArcGIS does "
            "without a boundary; pass study_area= to compare them with empty cells inside "
            "a boundary."
        )
        region = "cells holding incidents"
    else:
        region = "study area boundary" if bounded else "extent rectangle"
    active = np.ones(counts.shape, dtype=bool) if mask is None else mask
    search = None
    if distance is None and cell_size is None:
        x0, y0, x1, y1 = spec.bounds
        chosen_band, search = _scale.choose_band(
            counts, active, size, math.hypot(x1 - x0, y1 - y0), spec, incidents,
            method=scale,
        )
        band = chosen_band.value
        scale_how.append(chosen_band.how)
    else:
        band = size * math.sqrt(2) if distance is None else distance
    band = _check_band(band, size)
    n_cells = int(active.sum())
    if n_cells < 30 or np.ptp(counts[active]) == 0:
        raise SchemaError(
            f"points: hotspots needs at least 30 analysed cells whose counts vary; got "
            f"{n_cells} cells ({region}, {size:,g} m) "
            + ("all with the same count" if n_cells and np.ptp(counts[active]) == 0 else "")
            + ". Use smaller cells, a study_area=, or more incidents."
        )
    hw = stencil_halfwidths(band, size)
    cols, n_excl = _z_and_inference(
        counts, active, mask, hw, incidents, weighted=weight is not None, alpha=alpha,
        fdr=fdr, permutations=int(permutations), seed=seed,
    )
    if n_excl:
        notes.append(
            f"{n_excl:,} cells were not tested because their neighbourhood (the cell and "
            f"its {int((2 * hw + 1).sum()) - 1} neighbours within {band:,g} m) holds at most "
            "one incident: a single incident cannot make a hot spot."
        )
    hot = cols["gi_bin"] > 0
    hot_empty = int((hot & (np.asarray(cols["count"]) == 0)).sum()) if weight is None else int(
        (hot & ((incidents if mask is None else incidents[active]).ravel() == 0)).sum())
    if hot.any():
        notes.append(
            f"{int(hot.sum()):,} cells are hot; {hot_empty:,} of them hold no incident "
            f"themselves (they are hot because of their neighbours within {band:,g} m)."
        )
    scale_text = "; ".join(scale_how) if scale_how else (
        f"cell size {size:,g} m and band {band:,g} m as given"
        if distance is not None else f"cell size {size:,g} m as given, band: queen neighbours")
    notes.append(f"scale of analysis: {scale_text}.")
    meta = {
        "statistic": "Getis-Ord Gi* (binary distance band, self included)",
        "cell_size": size,
        "distance": band,
        "scale": scale_text,
        "scale_from_data": cell_size is None,
        "neighbours_interior": int((2 * hw + 1).sum()),
        "incidents": int(len(prep.xy)),
        "min_incidents": need,
        "analysed": region,
        "cells_analysed": n_cells,
        "cells_excluded": n_excl,
        "excluded_reason": "neighbourhood holds at most one incident (cannot be hot)",
        "hot_cells": int(hot.sum()),
        "hot_cells_empty": hot_empty,
        "inference": f"conditional permutation ({int(permutations)})" if permutations
        else "analytic (normal)",
        "fdr": bool(fdr),
        "alpha": alpha,
        "seed": seed if isinstance(seed, (int, type(None))) else "generator",
    }
    cell_id = (np.arange(spec.ncells) if mask is None else np.flatnonzero(mask.ravel()))
    attrs: dict[str, Any] = {"hotspots": meta, "notes": notes}
    if search is not None:
        attrs["scale_search"] = search
    return HotspotGrid(spec=spec, cell_id=cell_id, columns=cols, crs=crs, attrs=attrs)
