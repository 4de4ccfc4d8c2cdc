"""Whole tables in the workspace: ``Workspace.write_frame`` / ``read_frame`` (atomic replace).

A frame of :data:`~intelbench.store.parquet.PARQUET_MIN_ROWS` rows or more whose columns allow
it is stored as Parquet bytes (:mod:`intelbench.store.parquet`); any other frame is stored as one
canonical JSON payload that records every column's dtype, so a
round trip gives back an equal frame for the dtypes analysts use: bool, int, float (with NaN
and infinities), the nullable Int/Float/boolean/string dtypes, str/object (JSON-like cells),
datetimes (naive or with a time zone, any unit), timedeltas, periods and categoricals, with a
non-default index (including a MultiIndex). Geometry columns are refused: convert them (to
WKT, say) first.
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import Any

import pandas as pd
import sqlalchemy as sa
from sqlalchemy.engine import Connection, Engine

from intelbench.exceptions import DocumentNotFoundError, ParameterError, StoreError
from intelbench.store._paths import check_name
from intelbench.store.db import (
    canonical_json,
    frame_data,
    frames,
    read_tx,
    sha256_hex,
    to_jsonable,
    utc_now,
    write_tx,
)
from intelbench.store.parquet import decode_parquet, encode_parquet, parquet_ready

__all__ = ["FrameStore", "decode_frame", "encode_frame"]

_FORMAT = 1


def _missing(v: Any) -> bool:
    return v is None or (pd.api.types.is_scalar(v) and bool(pd.isna(v)))


def _encode_series(s: pd.Series, where: str) -> dict[str, Any]:
    dtype = s.dtype
    out: dict[str, Any] = {"dtype": str(dtype)}
    if isinstance(dtype, pd.CategoricalDtype):
        cats = pd.Series(dtype.categories)
        out["categories"] = _encode_series(cats, f"{where} categories")
        out["ordered"] = bool(dtype.ordered)
        out["codes"] = [int(c) for c in s.cat.codes]
        return out
    kind = getattr(dtype, "kind", "O")
    if str(dtype) == "geometry":
        raise ParameterError(
            f"{where}: geometry columns cannot be stored with write_frame; convert them "
            "(for example to WKT with .to_wkt()) first"
        )
    if kind == "M":
        out["values"] = [None if pd.isna(v) else v.isoformat() for v in s]
    elif kind == "m":
        out["values"] = [None if pd.isna(v) else int(v.value) for v in s]
    elif isinstance(dtype, pd.PeriodDtype):
        out["values"] = [None if pd.isna(v) else str(v) for v in s]
    elif kind == "f":
        out["values"] = [
            None if _missing(v) else (repr(float(v)) if math.isinf(v) else float(v))
            for v in s.tolist()
        ]
    elif kind in "biu" and not isinstance(dtype, pd.api.extensions.ExtensionDtype):
        out["values"] = s.tolist()
    elif isinstance(dtype, pd.api.extensions.ExtensionDtype) and kind in "biuf":
        out["values"] = [None if _missing(v) else v for v in s.astype(object).tolist()]
        if kind == "f":
            out["values"] = [
                v if v is None or not math.isinf(v) else repr(float(v)) for v in out["values"]
            ]
    elif kind in "OUT" or str(dtype) in ("str", "string"):
        values = []
        for i, v in enumerate(s.tolist()):
            values.append(None if _missing(v) else to_jsonable(v, f"{where}[{i}]"))
        out["values"] = values
    else:
        raise ParameterError(f"{where}: dtype {dtype} cannot be stored with write_frame")
    return out


def _decode_series(enc: dict[str, Any], name: Any) -> pd.Series:
    dtype = enc["dtype"]
    if "codes" in enc:
        cats = pd.Index(_decode_series(enc["categories"], None))
        cat = pd.Categorical.from_codes(enc["codes"], categories=cats, ordered=enc["ordered"])
        return pd.Series(cat, name=name)
    values = enc["values"]
    if dtype.startswith("datetime64"):
        tz = dtype[dtype.index(",") + 1 : -1].strip() if "," in dtype else None
        parsed = pd.to_datetime(
            pd.Series(values, dtype=object), utc=tz is not None, format="ISO8601"
        )
        if tz is not None:
            parsed = parsed.dt.tz_convert(tz)
        return pd.Series(parsed, name=name).astype(dtype)
    if dtype.startswith("timedelta64"):
        return pd.Series(pd.to_timedelta(values, unit="ns"), name=name).astype(dtype)
    if dtype.startswith("period"):
        return pd.Series(values, name=name, dtype=object).astype(dtype)
    if dtype in ("float16", "float32", "float64", "Float32", "Float64"):
        values = [float(v) if isinstance(v, str) else v for v in values]
    if dtype == "object":
        return pd.Series(values, name=name, dtype=object)
    return pd.Series(values, name=name, dtype=dtype)


def _put_blob(conn: Connection, name: str, blob: bytes) -> None:
    """Insert a frame's Parquet bytes; on PostgreSQL by binary COPY (no hex escaping)."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        raw = conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor() as cur:  # type: ignore[attr-defined]
            sql = f"COPY {frame_data.name} (name, data) FROM STDIN (FORMAT BINARY)"
            with cur.copy(sql) as copy:
                copy.set_types(["text", "bytea"])
                copy.write_row((name, blob))
        return
    conn.execute(sa.insert(frame_data).values(name=name, data=blob))


def _get_blob(conn: Connection, name: str) -> bytes | None:
    """Return a frame's Parquet bytes; on PostgreSQL fetched in binary format."""
    if conn.dialect.name == "postgresql" and conn.dialect.driver == "psycopg":
        raw = conn.connection.dbapi_connection
        assert raw is not None
        with raw.cursor(binary=True) as cur:  # type: ignore[attr-defined]
            cur.execute(f"SELECT data FROM {frame_data.name} WHERE name = %s", (name,))
            row = cur.fetchone()
        return None if row is None else bytes(row[0])
    blob = conn.execute(sa.select(frame_data.c.data).where(frame_data.c.name == name)).scalar()
    return None if blob is None else bytes(blob)


def encode_frame(df: pd.DataFrame) -> str:
    """Canonical JSON of a frame: columns with their dtypes, values and the index."""
    if not isinstance(df, pd.DataFrame):
        raise ParameterError(f"df must be a pandas DataFrame; got {type(df).__name__}")
    if isinstance(df.columns, pd.MultiIndex):
        raise ParameterError("df: MultiIndex columns cannot be stored; flatten them first")
    if df.columns.has_duplicates:
        dup = [str(c) for c in df.columns[df.columns.duplicated()]]
        raise ParameterError(f"df: column names must be unique; duplicated: {dup}")
    columns = []
    for i, col in enumerate(df.columns):
        enc = _encode_series(df.iloc[:, i], f"column {col!r}")
        enc["name"] = to_jsonable(col, "column name")
        columns.append(enc)
    payload: dict[str, Any] = {"format": _FORMAT, "rows": len(df), "columns": columns}
    idx = df.index
    default = (
        isinstance(idx, pd.RangeIndex) and idx.start == 0 and idx.step == 1 and idx.name is None
    )
    if not default:
        payload["index"] = [
            {
                **_encode_series(pd.Series(idx.get_level_values(k)), f"index level {k}"),
                "name": to_jsonable(idx.names[k], "index name"),
            }
            for k in range(idx.nlevels)
        ]
    return canonical_json(payload)


def decode_frame(text: str) -> pd.DataFrame:
    """Rebuild the frame written by :func:`encode_frame`."""
    import json

    payload = json.loads(text)
    if payload.get("format") != _FORMAT:
        raise StoreError(f"frame format {payload.get('format')!r} is not supported")
    data = {}
    names = []
    for enc in payload["columns"]:
        name = enc["name"]
        names.append(name)
        data[len(names) - 1] = _decode_series(enc, name).reset_index(drop=True)
    frame = pd.concat(data, axis=1) if data else pd.DataFrame(index=range(payload["rows"]))
    frame.columns = pd.Index(names) if names else frame.columns
    if "index" in payload:
        levels = [_decode_series(enc, enc["name"]) for enc in payload["index"]]
        if len(levels) == 1:
            frame.index = pd.Index(levels[0], name=levels[0].name)
        else:
            frame.index = pd.MultiIndex.from_arrays(levels, names=[lv.name for lv in levels])
    return frame


class FrameStore:
    """Whole-table storage for :class:`intelbench.store.workspace.Workspace` (a mixin)."""

    engine: Engine
    audit: Any
    analyst: str
    role: str
    _purpose: Callable[[str | None, str], tuple[str, str]]
    _reading: Callable[[str], AbstractContextManager[tuple[Connection, bool]]]
    _log: Callable[[Connection, str, tuple[str, str], dict[str, Any]], None]

    def write_frame(
        self,
        name: str,
        df: pd.DataFrame,
        *,
        action: str = "ALTER",
        justification: str = "",
        audit: bool = True,
    ) -> int:
        """Store a DataFrame under ``name``, replacing any earlier one atomically.

        Parameters
        ----------
        name : str
            The table's name in the workspace.
        df : pandas.DataFrame
            The table. Dtypes and the index are kept (see :mod:`intelbench.store.frames`);
            geometry columns are refused.
        action, justification, audit
            As for :meth:`Workspace.put`; the audit entry holds the row and column counts and
            the payload's keyed hash (HMAC under the audit key), never the values.

        Returns
        -------
        int
            The number of rows stored.

        Examples
        --------
        >>> import tempfile
        >>> ws = open_as("A. Analyst", tempfile.mkdtemp(), role="ANALYST")
        >>> df = pd.DataFrame({"area": ["N01", "N02"], "crimes": [12, 7]})
        >>> ws.write_frame("counts", df, action="COLLECT")
        2
        >>> ws.read_frame("counts").equals(df), ws.frame_names()
        (True, ['counts'])
        """
        check_name("key", name)
        from intelbench.store.audit import _validate

        if isinstance(action, str) and action.upper() == "ERASE":
            raise ParameterError("action must not be ERASE for write_frame; use delete_frame")
        action, justification, _, _, _ = _validate(action, justification, name, None, None)
        blob: bytes | None = None
        if parquet_ready(df):
            text, blob = encode_parquet(df)
            digest = hashlib.sha256(blob).hexdigest()
            hashed = f"parquet:{digest}"
        else:
            text = encode_frame(df)
            digest = sha256_hex(text)
            hashed = text
        with write_tx(self.engine) as conn:
            conn.execute(sa.delete(frame_data).where(frame_data.c.name == name))
            conn.execute(sa.delete(frames).where(frames.c.name == name))
            if blob is not None:
                _put_blob(conn, name, blob)
            conn.execute(
                sa.insert(frames).values(
                    name=name,
                    saved_at=utc_now().isoformat(timespec="microseconds"),
                    analyst=self.analyst,
                    role=self.role,
                    rows=len(df),
                    columns=df.shape[1],
                    sha256=digest,
                    payload=text,
                )
            )
            if audit:
                self.audit._append(
                    conn,
                    action,
                    justification=justification,
                    record_ref=f"frame/{name}",
                    detail={
                        "rows": len(df),
                        "columns": int(df.shape[1]),
                        "content_hmac": self.audit.content_hmac(hashed),
                    },
                )
        return len(df)

    def read_frame(self, name: str, *, justification: str | None = None) -> pd.DataFrame:
        """Return the DataFrame stored under ``name``; logged as CONSULT (``frame/name``).

        Parameters
        ----------
        name : str
            The table's name.
        justification : str, optional
            Why it is read (see :meth:`Workspace.get` for what is written without one).

        Raises
        ------
        DocumentNotFoundError
            When there is no such frame.
        """
        check_name("key", name)
        purpose = self._purpose(justification, f"frame/{name}")
        with self._reading("frame") as (conn, logged):
            row = conn.execute(
                sa.select(frames.c.payload, frames.c.rows, frames.c.sha256).where(
                    frames.c.name == name
                )
            ).first()
            if row is None:
                raise DocumentNotFoundError(f"no frame {name!r} in the workspace")
            if logged:
                self._log(conn, f"frame/{name}", purpose, {"frame": name, "rows": int(row.rows)})
            text = str(row.payload)
            # a Parquet frame has its bytes in ib_frame_data and a header as its payload
            blob = _get_blob(conn, name)
        if blob is None:
            return decode_frame(text)
        data = bytes(blob)
        if hashlib.sha256(data).hexdigest() != row.sha256:
            raise StoreError(
                f"frame {name!r}: its Parquet bytes do not match their stored SHA-256 "
                "(changed outside intelbench)"
            )
        return decode_parquet(text, data)

    def frame_names(self) -> list[str]:
        """Return the names of the stored frames (sorted)."""
        with read_tx(self.engine) as conn:
            return [
                str(n)
                for n in conn.execute(sa.select(frames.c.name).order_by(frames.c.name)).scalars()
            ]

    def delete_frame(self, name: str, *, justification: str) -> None:
        """Erase a stored frame, audited as ERASE (no content kept).

        Raises
        ------
        DocumentNotFoundError
            When there is no such frame.
        """
        from intelbench.store.documents import flush_wal

        check_name("key", name)
        with write_tx(self.engine) as conn:
            rows = conn.execute(sa.select(frames.c.rows).where(frames.c.name == name)).scalar()
            if rows is None:
                raise DocumentNotFoundError(f"no frame {name!r} in the workspace to erase")
            conn.execute(sa.delete(frame_data).where(frame_data.c.name == name))
            conn.execute(sa.delete(frames).where(frames.c.name == name))
            self.audit._append(
                conn,
                "ERASE",
                justification=justification,
                record_ref=f"frame/{name}",
                detail={"rows_erased": int(rows)},
            )
        flush_wal(self.engine)
