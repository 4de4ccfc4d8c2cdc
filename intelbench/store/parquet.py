"""Large frames in the workspace as Parquet bytes (Apache Arrow), not canonical JSON.

:meth:`~intelbench.store.workspace.Workspace.write_frame` stores a frame of at least
:data:`PARQUET_MIN_ROWS` rows as one Parquet blob when every column is of a type Parquet keeps
exactly (numbers, booleans, the nullable dtypes, strings, datetimes with or without a time zone,
timedeltas and categoricals of those); anything else (JSON-like cells, periods, a MultiIndex)
stays canonical JSON. The dtypes are recorded beside the bytes and restored on reading, and the
SHA-256 of the bytes is stored and checked on every read: the content hash still covers the
frame, and the audit entry holds an HMAC over that hash.
"""

from __future__ import annotations

import io
import json
from typing import Any

import pandas as pd

from intelbench.exceptions import StoreError

__all__ = ["PARQUET_MIN_ROWS", "decode_parquet", "encode_parquet", "parquet_ready"]

#: Frames with at least this many rows are stored as Parquet when their columns allow it.
PARQUET_MIN_ROWS = 10_000

_FORMAT = 2


def _safe_dtype(s: pd.Series | pd.Index) -> bool:
    dtype = s.dtype
    if isinstance(dtype, pd.CategoricalDtype):  # categories kept in the header: str or int
        return pd.api.types.infer_dtype(dtype.categories) in ("string", "integer", "empty")
    if isinstance(dtype, pd.PeriodDtype | pd.IntervalDtype | pd.SparseDtype):
        return False
    if str(dtype) in ("str", "string") or str(dtype).startswith("string"):
        return True
    kind = getattr(dtype, "kind", "O")
    if kind in "biufmM":
        return True
    if kind == "O":
        return pd.api.types.infer_dtype(s, skipna=True) in ("string", "empty")
    return False


def parquet_ready(df: pd.DataFrame) -> bool:
    """Tell whether ``df`` is large and every column round-trips exactly through Parquet.

    Examples
    --------
    >>> parquet_ready(pd.DataFrame({"a": range(PARQUET_MIN_ROWS)}))
    True
    >>> parquet_ready(pd.DataFrame({"a": [{"x": 1}] * PARQUET_MIN_ROWS}))
    False
    """
    if len(df) < PARQUET_MIN_ROWS or isinstance(df.columns, pd.MultiIndex):
        return False
    if not all(type(c) is str for c in df.columns) or df.columns.has_duplicates:
        return False
    idx = df.index
    if isinstance(idx, pd.MultiIndex):
        return False
    if not (isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1):
        if not _safe_dtype(idx) or (idx.name is not None and type(idx.name) is not str):
            return False
        if idx.name in df.columns:
            return False
    return all(_safe_dtype(df[c]) for c in df.columns)


def _default_index(idx: pd.Index) -> bool:
    return isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None


def encode_parquet(df: pd.DataFrame) -> tuple[str, bytes]:
    """Return ``(header, data)``: a JSON header with the dtypes and the Parquet bytes."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    keep_index = not _default_index(df.index)
    table = pa.Table.from_pandas(df, preserve_index=keep_index)
    buf = io.BytesIO()
    # Dictionary pages only for text (numbers rarely repeat); no statistics (nothing filters).
    text = [str(c) for c in table.column_names if pa.types.is_string(table.schema.field(c).type)
            or pa.types.is_large_string(table.schema.field(c).type)]
    pq.write_table(
        table, buf, compression="snappy", use_dictionary=text, write_statistics=False
    )
    header = {
        "format": _FORMAT,
        "storage": "parquet",
        "rows": len(df),
        "dtypes": [str(t) for t in df.dtypes],
        "index": {"dtype": str(df.index.dtype), "name": df.index.name} if keep_index else None,
        # Parquet keeps only the categories in use: record them all, in order
        "categories": {
            str(i): {"values": df.iloc[:, i].cat.categories.tolist(),
                     "ordered": bool(df.iloc[:, i].cat.ordered)}
            for i in range(df.shape[1])
            if isinstance(df.dtypes.iloc[i], pd.CategoricalDtype)
        },
    }
    return json.dumps(header, sort_keys=True, separators=(",", ":")), buf.getvalue()


def _restore(s: pd.Series | pd.Index, dtype: str) -> Any:
    if str(s.dtype) == dtype:
        return s
    if dtype == "object":
        out = s.astype(object)
        return out.where(pd.notna(out), None)
    return s.astype(dtype)  # type: ignore[call-overload]


def decode_parquet(header: str, data: bytes) -> pd.DataFrame:
    """Rebuild the frame written by :func:`encode_parquet`."""
    import pyarrow.parquet as pq

    meta = json.loads(header)
    if meta.get("format") != _FORMAT or meta.get("storage") != "parquet":
        raise StoreError(f"frame header {header[:80]!r} is not a Parquet frame")
    import pyarrow as pa

    table = pq.read_table(pa.BufferReader(data))  # zero-copy over the bytes
    frame = table.to_pandas()
    for key, cats in meta["categories"].items():
        i = int(key)
        col = frame.iloc[:, i]
        dtype = pd.CategoricalDtype(pd.Index(cats["values"]), ordered=cats["ordered"])
        frame[frame.columns[i]] = col.cat.set_categories(dtype.categories, ordered=dtype.ordered)
    for i, dtype in enumerate(meta["dtypes"]):
        col = frame.iloc[:, i]
        if str(col.dtype) == dtype or dtype == "category":
            continue
        if dtype == "object":  # text read back as str: object cells, None for missing
            values = table.column(i).to_numpy(zero_copy_only=False)
            frame[frame.columns[i]] = pd.Series(values, index=frame.index, dtype=object)
        else:
            frame[frame.columns[i]] = _restore(col, dtype)
    if meta["index"] is not None:
        frame.index = pd.Index(_restore(frame.index, meta["index"]["dtype"]),
                               name=meta["index"]["name"])
    return frame
