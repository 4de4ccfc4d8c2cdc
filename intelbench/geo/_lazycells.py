"""Grid cell squares as a geopandas geometry array built on first use (issue 14, section 5).

A frame of 1.44M grid cells spends most of its time creating 1.44M shapely polygons
(about 1 microsecond each), although most code reads only its numbers. :func:`cell_squares`
returns a :class:`geopandas.array.GeometryArray` (so the frame stays a real GeoDataFrame with
a real ``geometry`` column) that holds the grid and the cells' rows and columns, and creates
the polygons the first time any geometry is read (``.area``, ``.plot()``, ``to_file``,
``sjoin``, ``total_bounds``, the spatial index, equality, pickling ...): every geopandas
method reaches the geometries through ``GeometryArray._data``, which is a property here.
Length, missing-value checks, copies, row selection (``iloc``, boolean masks, ``take``) and
the frame repr need no geometry, so they stay lazy or build only the rows they show.
"""

from __future__ import annotations

import numbers
from typing import Any

import numpy as np
from geopandas.array import GeometryArray

__all__ = ["CellSquares", "cell_squares"]


def _boxes(x0: float, y0: float, size: float, rows: np.ndarray, cols: np.ndarray) -> Any:
    import shapely

    x1 = x0 + cols * size
    y1 = y0 + rows * size
    return shapely.box(x1, y1, x1 + size, y1 + size)


def _restore(wkb: Any, crs: Any) -> GeometryArray:
    import shapely

    return GeometryArray(shapely.from_wkb(wkb), crs=crs)


class CellSquares(GeometryArray):
    """Square grid cells (origin ``x0, y0``, side ``size``) whose polygons are built lazily.

    Behaves as a :class:`geopandas.array.GeometryArray` of ``shapely.box`` polygons: the
    geometries are identical to ``shapely.box(x0 + col * size, y0 + row * size, ...)``.
    """

    def __init__(self, x0: float, y0: float, size: float, rows: np.ndarray,
                 cols: np.ndarray, crs: Any = None) -> None:
        self._grid = (float(x0), float(y0), float(size))
        self._rows = np.asarray(rows, dtype=np.int64)
        self._cols = np.asarray(cols, dtype=np.int64)
        self._built: np.ndarray | None = None
        self._crs = None
        self.crs = crs
        self._sindex = None

    @property
    def _data(self) -> np.ndarray:
        if self._built is None:
            self._built = np.asarray(_boxes(*self._grid, self._rows, self._cols))
        return self._built

    @_data.setter
    def _data(self, value: np.ndarray) -> None:
        self._built = value

    @property
    def built(self) -> bool:
        """True once the polygons exist."""
        return self._built is not None

    def _subset(self, idx: Any) -> CellSquares:
        return CellSquares(*self._grid, self._rows[idx], self._cols[idx], crs=self.crs)

    def __len__(self) -> int:
        return len(self._rows)

    @property
    def size(self) -> int:
        return len(self._rows)

    @property
    def nbytes(self) -> int:
        return int(self._data.nbytes) if self.built else 8 * len(self._rows)

    def isna(self) -> np.ndarray:
        if self.built:
            return super().isna()
        return np.zeros(len(self._rows), dtype=bool)  # a cell is never missing

    def copy(self, *args: Any, **kwargs: Any) -> GeometryArray:
        if self.built:
            return super().copy()
        return self._subset(slice(None))

    def take(self, indices: Any, allow_fill: bool = False, fill_value: Any = None
             ) -> GeometryArray:
        idx = np.asarray(indices, dtype=np.intp)
        if self.built or (allow_fill and (idx < 0).any()):  # -1 asks for a missing value
            return super().take(indices, allow_fill=allow_fill, fill_value=fill_value)
        return self._subset(idx)

    def __getitem__(self, idx: Any) -> Any:
        if self.built:
            return super().__getitem__(idx)
        if isinstance(idx, numbers.Integral):
            i = [int(idx)]  # IndexError as numpy gives it
            return _boxes(*self._grid, self._rows[i], self._cols[i])[0]
        if isinstance(idx, slice):
            return self._subset(idx)
        import pandas as pd

        key = pd.api.indexers.check_array_indexer(self, idx)
        if isinstance(key, np.ndarray) and key.dtype.kind in "bi":
            return self._subset(key)
        return super().__getitem__(idx)

    def __reduce_ex__(self, protocol: Any) -> Any:
        # pickled as a plain GeometryArray of WKB, as geopandas pickles its own arrays
        import shapely

        return _restore, (shapely.to_wkb(self._data), self.crs)


def cell_squares(x0: float, y0: float, size: float, rows: np.ndarray, cols: np.ndarray,
                 crs: Any = None) -> CellSquares:
    """The square cells at ``rows``/``cols`` of a grid, as a lazily built geometry array.

    Examples
    --------
    >>> import geopandas as gpd
    >>> cells = cell_squares(0, 0, 100, np.array([0, 1]), np.array([2, 0]), crs=27700)
    >>> s = gpd.GeoSeries(cells)
    >>> s.values.built, len(s)
    (False, 2)
    >>> s.area.tolist(), s.total_bounds.tolist(), s.values.built
    ([10000.0, 10000.0], [0.0, 0.0, 300.0, 200.0], True)
    """
    return CellSquares(x0, y0, size, rows, cols, crs=crs)
