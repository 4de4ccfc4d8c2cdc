"""Cell-site maps: the cells a number used over time, as sector wedges on an offline map.

A cell places a phone in an arc around its mast, not at a point (methods.md B15), so the map
draws each used cell as the wedge of its beam (:func:`~intelbench.comms.cells.cell_wedges`),
shaded by how many records used it, with the first and last use. The map has no tiles and
makes no request to any server: it is drawn by :func:`intelbench.geo.map`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.comms._kind import mark
from intelbench.comms.cells import cell_wedges
from intelbench.exceptions import ParameterError

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["CellSiteMap", "cell_site_map", "cell_usage"]


@dataclass
class CellSiteMap:
    """The wedges of the cells used and their offline map.

    Attributes
    ----------
    wedges : geopandas.GeoDataFrame
        From :func:`cell_usage`.
    map : intelbench.geo.maps.MapResult
        The map drawn by :func:`intelbench.geo.map` (self-contained HTML, no tiles).
    """

    wedges: Any
    map: Any

    @property
    def html(self) -> str:
        """The map's page (so a profile figure can hold this object)."""
        return str(self.map.html)

    def save(self, path: Any) -> Any:
        """Write the map's page to ``path`` and return the path."""
        return self.map.save(path)

    def _repr_html_(self) -> str:
        rep = getattr(self.map, "_repr_html_", None)
        return str(rep()) if callable(rep) else self.html


def cell_usage(records: pd.DataFrame, cells: pd.DataFrame, numbers: Iterable[str] | None = None,
               *, radius: float = 1000.0) -> gpd.GeoDataFrame:
    """Return the cells the numbers used, as wedges with counts and first and last use.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records with ``cell_id``.
    cells : pandas.DataFrame
        The cell-site table.
    numbers : iterable of str, optional
        Target numbers (E.164) to keep. Default: every target.
    radius : float
        Wedge radius in metres.

    Returns
    -------
    geopandas.GeoDataFrame
        One wedge per used cell (EPSG:27700): ``cell_id``, ``easting``, ``northing``,
        ``azimuth``, ``beam_width``, ``records``, ``numbers`` (how many of the numbers used
        it), ``first`` and ``last`` (UK local dates, text) and ``geometry``; busiest first.
        Records on cells not in the table are left out and counted in
        ``attrs["unmapped_records"]``.

    Raises
    ------
    ParameterError
        If a column is missing or no record of the numbers is on a known cell.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_id": ["A", "B"], "easting": [400000.0, 400000.0],
    ...                       "northing": [500000.0, 500000.0], "azimuth": [0.0, 180.0],
    ...                       "beam_width": [120.0, 120.0]})
    >>> t = pd.Timestamp("2025-10-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001", "cell_id": ["A", "A", "B", "Z"],
    ...                     "start": t + pd.to_timedelta([0, 1, 2, 3], "D")})
    >>> w = ib.comms.cell_usage(rec, cells, radius=500)
    >>> w[["cell_id", "records", "first", "last"]].values.tolist()
    [['A', 2, '2025-10-01', '2025-10-02'], ['B', 1, '2025-10-03', '2025-10-03']]
    >>> w.attrs["unmapped_records"], w.crs.to_epsg(), w.attrs["intelbench_kind"]
    (1, 27700, 'communications_data')
    """
    missing = [c for c in ("target", "cell_id", "start") if c not in records.columns]
    if missing:
        raise ParameterError(f"records: missing columns {missing}")
    r = records[["target", "cell_id", "start"]]
    if numbers is not None:
        r = r[r["target"].astype(str).isin({str(n) for n in numbers})]
    r = r[r["cell_id"].notna()]
    cid = r["cell_id"].astype(str)
    known = cid.isin(set(cells["cell_id"].astype(str)))
    unmapped = int((~known).sum())
    r = r.loc[known.to_numpy()].assign(cell_id=cid[known])
    if r.empty:
        raise ParameterError("records: no record of these numbers is on a cell in the "
                             "cell-site table")
    day = r["start"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m-%d")
    g = r.assign(day=day, target=r["target"].astype(str)).groupby("cell_id")
    use = g.agg(records=("day", "size"), numbers=("target", "nunique"), first=("day", "min"),
                last=("day", "max")).reset_index()
    table = cells.assign(cell_id=cells["cell_id"].astype(str)).merge(use, on="cell_id")
    table = table.sort_values(["records", "cell_id"], ascending=[False, True],
                              kind="mergesort").reset_index(drop=True)
    wedges = cell_wedges(table, radius=radius)
    wedges.attrs["unmapped_records"] = unmapped
    return mark(wedges)


def cell_site_map(records: pd.DataFrame, cells: pd.DataFrame,
                  numbers: Iterable[str] | None = None, *, radius: float = 1000.0,
                  boundary: Any = None, title: str | None = None) -> CellSiteMap:
    """Draw the cells the numbers used as sector wedges on an offline map (no tiles).

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records with ``cell_id``.
    cells : pandas.DataFrame
        The cell-site table.
    numbers : iterable of str, optional
        Target numbers (E.164). Default: every target.
    radius : float
        Wedge radius in metres.
    boundary : GeoDataFrame, optional
        An outline drawn on top (a force or a sector).
    title : str, optional
        The map's title.

    Returns
    -------
    CellSiteMap
        ``.wedges`` (the GeoDataFrame from :func:`cell_usage`) and ``.map`` (drawn by
        :func:`intelbench.geo.map`, wedges shaded by records); ``.html`` is the page.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_id": ["A", "B"], "easting": [400000.0, 400000.0],
    ...                       "northing": [500000.0, 500000.0], "azimuth": [0.0, 180.0],
    ...                       "beam_width": [120.0, 120.0]})
    >>> t = pd.Timestamp("2025-10-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001", "cell_id": ["A", "A", "B"],
    ...                     "start": t + pd.to_timedelta([0, 1, 2], "D")})
    >>> m = ib.comms.cell_site_map(rec, cells, title="Cells used")
    >>> len(m.wedges), "tile.openstreetmap" in m.html
    (2, False)
    """
    from intelbench.geo import map as draw_map

    wedges = cell_usage(records, cells, numbers, radius=radius)
    drawn = draw_map(areas=wedges, boundary=boundary, value="records", tooltip="cell_id",
                     title=title or "Cells used (sector wedges, shaded by records)")
    return CellSiteMap(wedges=wedges, map=drawn)
