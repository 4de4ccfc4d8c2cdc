"""Points never go to the public: they leave as counts per LSOA or per grid cell.

:func:`aggregate_points` turns a table of located records (point geometry, easting/northing or
longitude/latitude) into counts per LSOA (by the code the data carries, ``lsoa_code``) or, with
no code, per square grid cell (EPSG:27700). Category columns the public may see (crime type,
month) stay as keys. The gate then suppresses small counts under the public policy.

Examples
--------
>>> from intelbench.gate.public_points import aggregate_points
>>> rows = pd.DataFrame({"easting": [431010.0, 431200.0, 433900.0],
...                      "northing": [512020.0, 512400.0, 512100.0],
...                      "crime_type": ["Burglary"] * 3})
>>> aggregate_points(rows, grid=500.0)
                 grid_cell crime_type  count
0  500 m E431000 N512000   Burglary      2
1  500 m E433500 N512000   Burglary      1
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intelbench.gate.roles import NEVER_LEAVE_ROLES, declared_roles, role_of, with_roles

__all__ = ["KEEP_KEYS", "aggregate_points", "has_points"]

#: Category columns kept as keys of the counts.
KEEP_KEYS = ("crime_type", "category", "offence", "month", "week", "period")
_AREA = ("lsoa_code", "lsoa", "area_code")
_XY = (("easting", "northing"), ("x", "y"), ("longitude", "latitude"), ("lon", "lat"))


def _xy(frame: pd.DataFrame) -> tuple[np.ndarray, np.ndarray] | None:
    geom = getattr(frame, "_geometry_column_name", None)
    if geom is not None and geom in frame.columns:
        g = frame.geometry
        if g.crs is not None and not g.crs.equals("EPSG:27700"):
            g = g.to_crs(27700)
        pts = g.representative_point()
        return pts.x.to_numpy(), pts.y.to_numpy()
    cols = {str(c).lower(): c for c in frame.columns}
    for xs, ys in _XY:
        if xs in cols and ys in cols:
            x = pd.to_numeric(frame[cols[xs]], errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(frame[cols[ys]], errors="coerce").to_numpy(dtype=float)
            if xs in ("longitude", "lon"):
                from pyproj import Transformer

                x, y = Transformer.from_crs(4326, 27700, always_xy=True).transform(x, y)
            return np.asarray(x), np.asarray(y)
    return None


def has_points(frame: Any) -> bool:
    """Whether a table holds individual locations (geometry or coordinate columns)."""
    return isinstance(frame, pd.DataFrame) and (
        getattr(frame, "_geometry_column_name", None) in frame.columns
        or any({a, b} <= {str(c).lower() for c in frame.columns} for a, b in _XY))


def aggregate_points(frame: pd.DataFrame, *, grid: float = 500.0) -> pd.DataFrame:
    """Count located records per LSOA code or per grid cell.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        Located records.
    grid : float
        Cell size in metres when the data carry no LSOA code.

    Returns
    -------
    DataFrame
        ``lsoa_code`` (or ``grid_cell``), the kept category columns and ``count``; roles
        declared.
    """
    cols = {str(c).lower(): c for c in frame.columns}
    keys = [cols[k] for k in KEEP_KEYS if k in cols]
    area = next((cols[a] for a in _AREA if a in cols), None)
    if area is not None:
        where = frame[area].astype("string")
        name = "lsoa_code"
    else:
        xy = _xy(frame)
        if xy is None:
            return pd.DataFrame(frame)
        x0 = np.floor(xy[0] / grid) * grid
        y0 = np.floor(xy[1] / grid) * grid
        ok = np.isfinite(x0) & np.isfinite(y0)
        cell = [f"{grid:g} m E{a:.0f} N{b:.0f}" if good else pd.NA
                for a, b, good in zip(x0, y0, ok)]
        where = pd.Series(cell, index=frame.index, dtype="string")
        name = "grid_cell"
    out = pd.DataFrame({name: where})
    for k in keys:
        out[str(k)] = frame[k].astype("string")
    # Counting loses the row: a key value holding its own row's original wording, source or
    # officer details is withheld here, while the row is still known (the gate's row-wise
    # check cannot see the row once it is counted).
    declared = declared_roles(frame)
    never = [frame[c].astype("string").str.strip().str.lower().to_numpy(dtype=object)
             for c in frame.columns
             if role_of(c, frame[c], declared)[0] in NEVER_LEAVE_ROLES]
    for col in [name, *map(str, keys)]:
        vals = out[col].to_numpy(dtype=object)
        low = [v.lower() if isinstance(v, str) else "" for v in vals]
        for ref in never:
            hit = [i for i, (v, r) in enumerate(zip(low, ref))
                   if isinstance(r, str) and len(r) >= 6 and r in v]
            if hit:
                vals[hit] = "[WITHHELD]"
        out[col] = pd.array(vals, dtype="string")
    agg = out.groupby([name, *map(str, keys)], dropna=False).size().reset_index(name="count")
    roles = {name: "location", "count": "count", **{str(k): "label" for k in keys}}
    return with_roles(agg, roles)
