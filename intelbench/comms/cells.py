"""The cell-site table: cell ID -> mast location, azimuth and beam width; adjacency; wedges.

A cell places a phone in an arc, not at a point (methods.md B15): the sector of beam width
``beam_width`` centred on ``azimuth`` (degrees clockwise from grid north) around the mast.
Coordinates are British National Grid (EPSG:27700) metres.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.exceptions import SchemaError
from intelbench.intake import Column, read_table

if TYPE_CHECKING:
    import geopandas as gpd

__all__ = ["CELL_COLUMNS", "CELL_SCHEMA", "adjacent_cells", "cell_wedges", "read_cells"]

#: the columns of a cell-site table
CELL_COLUMNS = ("cell_id", "easting", "northing", "azimuth", "beam_width")
#: the checks on a cell-site table
CELL_SCHEMA: dict[str, Column] = {
    "cell_id": Column("str"),
    "easting": Column("float", min=0, max=700_000),
    "northing": Column("float", min=0, max=1_300_000),
    "azimuth": Column("float", min=0, max=360),
    "beam_width": Column("float", min=1, max=360),
}


def read_cells(path: str | Path, mapping: dict[str, str] | None = None) -> pd.DataFrame:
    r"""Read a cell-site table (CSV or XLSX) and check every value.

    Parameters
    ----------
    path : str or Path
        The table.
    mapping : dict, optional
        Field (:data:`CELL_COLUMNS`) -> column header. Default: the field names.

    Returns
    -------
    pandas.DataFrame
        :data:`CELL_COLUMNS`, one row per cell, ``cell_id`` as text.

    Raises
    ------
    SchemaError
        If a value is missing, out of range, or a cell ID is repeated; the message names
        the file, the line, the column and what was expected.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> f = pathlib.Path(tempfile.mkdtemp()) / "cells.csv"
    >>> _ = f.write_text("cell_id,easting,northing,azimuth,beam_width\n"
    ...                  "C1,400000,500000,0,120\nC2,400000,500000,120,120\n")
    >>> ib.comms.read_cells(f)["cell_id"].tolist()
    ['C1', 'C2']
    """
    p = Path(path)
    res = read_table(p, mapping=mapping or {c: c for c in CELL_COLUMNS}, schema=CELL_SCHEMA)
    problems = [f"line {q.row}, column {q.column}: {q.reason}"
                for q in res.quarantine.itertuples()]
    dup = res.data["cell_id"].duplicated(keep="first")
    problems += [f"line {r}, column cell_id: repeated cell ID" for r in res.data.index[dup]]
    if problems:
        more = f" (and {len(problems) - 10} more)" if len(problems) > 10 else ""
        raise SchemaError(f"{p}: bad cell-site rows: " + "; ".join(problems[:10]) + more)
    out = res.data.reset_index(drop=True)[list(CELL_COLUMNS)]
    out["cell_id"] = out["cell_id"].astype(str)
    return mark(out)


def adjacent_cells(cells: pd.DataFrame, within: float = 1500.0) -> pd.DataFrame:
    """Return the pairs of cells whose masts are at most ``within`` metres apart.

    Parameters
    ----------
    cells : pandas.DataFrame
        A cell-site table.
    within : float
        Mast distance in metres; cells on the same mast (distance 0) are always adjacent.

    Returns
    -------
    pandas.DataFrame
        ``cell_a``, ``cell_b`` (both orders, a cell not paired with itself) and
        ``distance_m``.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_id": ["A", "B", "C"], "easting": [0.0, 0.0, 5000.0],
    ...                       "northing": [0.0, 1000.0, 0.0], "azimuth": 0.0,
    ...                       "beam_width": 120.0})
    >>> ib.comms.cells.adjacent_cells(cells, within=1500)
      cell_a cell_b  distance_m
    0      A      B      1000.0
    1      B      A      1000.0
    """
    from scipy.spatial import cKDTree

    xy = cells[["easting", "northing"]].to_numpy(dtype=float)
    pairs = cKDTree(xy).query_pairs(r=within, output_type="ndarray")
    ids = cells["cell_id"].astype(str).to_numpy()
    i, j = pairs[:, 0], pairs[:, 1]
    dist = np.hypot(*(xy[i] - xy[j]).T)
    out = pd.DataFrame({"cell_a": np.concatenate([ids[i], ids[j]]),
                        "cell_b": np.concatenate([ids[j], ids[i]]),
                        "distance_m": np.concatenate([dist, dist]).round(1)})
    return mark(out.sort_values(["cell_a", "cell_b"]).reset_index(drop=True))


def cell_wedges(cells: pd.DataFrame, radius: float = 1000.0, steps: int = 16
                ) -> gpd.GeoDataFrame:
    """Return each cell's sector as a wedge polygon (EPSG:27700), for maps without tiles.

    Parameters
    ----------
    cells : pandas.DataFrame
        A cell-site table (extra columns, such as counts, are kept).
    radius : float
        Wedge radius in metres.
    steps : int
        Points along each arc.

    Returns
    -------
    geopandas.GeoDataFrame
        The cells with a wedge geometry: apex at the mast, arc from ``azimuth - beam/2`` to
        ``azimuth + beam/2`` clockwise from north; a 360-degree cell is a circle.

    Raises
    ------
    SchemaError
        If a cell-site column is missing.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_id": ["A"], "easting": [0.0], "northing": [0.0],
    ...                       "azimuth": [90.0], "beam_width": [120.0]})
    >>> w = ib.comms.cells.cell_wedges(cells, radius=100)
    >>> b = w.geometry.iloc[0].bounds
    >>> round(b[0]), round(b[2]), round(b[1]), round(b[3])
    (0, 100, -87, 87)
    """
    import geopandas as gpd
    from shapely.geometry import Polygon

    missing = [c for c in CELL_COLUMNS if c not in cells.columns]
    if missing:
        raise SchemaError(f"cells: missing columns {missing}")
    polys = []
    for e, n, az, bw in cells[["easting", "northing", "azimuth", "beam_width"]].itertuples(
            index=False):
        if bw >= 360:
            ang = np.radians(np.linspace(0, 360, 4 * steps, endpoint=False))
            polys.append(Polygon(np.c_[e + radius * np.sin(ang), n + radius * np.cos(ang)]))
            continue
        ang = np.radians(np.linspace(az - bw / 2, az + bw / 2, steps))
        arc = np.c_[e + radius * np.sin(ang), n + radius * np.cos(ang)]
        polys.append(Polygon(np.vstack([[e, n], arc, [e, n]])))
    return mark(gpd.GeoDataFrame(cells.copy(), geometry=polys, crs="EPSG:27700"))
