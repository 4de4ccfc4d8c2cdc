"""Which engine reads: pandas in memory, or DuckDB into Parquet for many or large files.

:func:`~intelbench.intake.read_police_uk` and :func:`~intelbench.intake.read_table` take
``engine="auto" | "pandas" | "duckdb"`` and ``out=``. ``"auto"`` picks DuckDB when ``out`` is
given or the files add up to more than :data:`DUCKDB_ABOVE_BYTES`. Both engines apply the same
checks: for street files DuckDB runs them in SQL (:mod:`intelbench.intake.bulk`); for force
extracts DuckDB streams the rows in batches through the very function the pandas reader uses
(:func:`~intelbench.intake.table.check_frame`), so the quarantine cannot differ. Tests compare
the two engines value for value.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError, SchemaError
from intelbench.intake._common import sniff_text
from intelbench.intake.police_uk import SNAKE_COLUMNS
from intelbench.intake.report import TableResult
from intelbench.intake.table import check_frame, read_header, read_raw

if TYPE_CHECKING:
    import geopandas as gpd

    from intelbench.intake.bulk import BulkIntake

__all__ = ["DUCKDB_ABOVE_BYTES", "ENGINES", "bulk_to_frame", "choose_engine",
           "police_uk_duckdb", "read_table_files"]

#: ``engine="auto"`` reads through DuckDB when the input files add up to more than this.
DUCKDB_ABOVE_BYTES = 1 << 30
ENGINES = ("auto", "pandas", "duckdb")
_BATCH = 500_000


def choose_engine(engine: str, files: Sequence[Path], out: str | Path | None) -> str:
    """Return "pandas" or "duckdb" for ``engine`` ("auto", "pandas", "duckdb") and the files.

    Examples
    --------
    >>> choose_engine("auto", [], "crimes"), choose_engine("pandas", [], None)
    ('duckdb', 'pandas')
    """
    if engine not in ENGINES:
        raise ParameterError(f"engine must be one of {ENGINES}; got {engine!r}")
    if engine == "pandas" and out is not None:
        raise ParameterError("out= writes Parquet through DuckDB; use engine='duckdb' or "
                             "'auto' with it, or leave out unset for the pandas reader")
    if engine != "auto":
        return engine
    if out is not None or sum(f.stat().st_size for f in files) > DUCKDB_ABOVE_BYTES:
        return "duckdb"
    return "pandas"


def police_uk_duckdb(path: Any, files: list[Path], *, outcomes: Any,
                     out: str | Path | None) -> gpd.GeoDataFrame | BulkIntake:
    """``read_police_uk`` through DuckDB: a BulkIntake with ``out``, else the GeoDataFrame."""
    from intelbench.intake._common import collect_files
    from intelbench.intake.bulk import police_uk_to_parquet
    from intelbench.intake.police_uk import find_outcomes, read_outcomes

    latest: pd.DataFrame | None = None
    out_facts: dict[str, Any] = {}
    if outcomes is not False:
        ofiles = (find_outcomes(path, files) if outcomes is True
                  else collect_files(outcomes, "*-outcomes.csv"))
        if ofiles:
            latest, out_facts = read_outcomes(list(ofiles))
    tmp = None if out is not None else tempfile.mkdtemp(prefix="ib-police-uk-")
    try:
        res = police_uk_to_parquet(files, out if out is not None else str(tmp),
                                   outcomes=latest)
        if latest is not None:
            import pyarrow.parquet as pq

            col = pq.read_table(res.parquet, columns=["outcome"]).column("outcome")
            out_facts["crimes_with_outcome"] = int(len(col) - col.null_count)
        res.report.outcomes = out_facts
        if out is not None:
            return res
        return bulk_to_frame(res)
    finally:
        if tmp is not None:
            shutil.rmtree(tmp, ignore_errors=True)


def _periods(values: pd.Series) -> Any:
    codes, uniq = pd.factorize(values)  # parse each month once; missing stays NaT
    months = pd.PeriodIndex([*uniq, None], freq="M")
    return pd.Series(months.take(np.where(codes < 0, len(uniq), codes)),
                     dtype="period[M]").array


def bulk_to_frame(res: BulkIntake) -> gpd.GeoDataFrame:
    """Load the kept rows of a :class:`~intelbench.intake.bulk.BulkIntake` as a GeoDataFrame.

    The frame is the one ``read_police_uk`` returns: same columns, dtypes and ``attrs``.
    """
    import geopandas as gpd

    df = pd.read_parquet(res.parquet).drop(columns=["file", "line"])
    for col in SNAKE_COLUMNS:
        if col in ("crime_id", "month", "longitude", "latitude"):
            continue
        df[col] = df[col].astype("category")
    df["crime_id"] = df["crime_id"].astype("str")
    df["month"] = _periods(df["month"])
    if "outcome" in df.columns:
        df["outcome"] = df["outcome"].to_numpy(dtype=object)
        df["outcome_month"] = _periods(df["outcome_month"])
    x, y = df["x"].to_numpy(dtype=float), df["y"].to_numpy(dtype=float)
    gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(x, y), crs="EPSG:27700")
    gdf.attrs["xy"] = {"x": "x", "y": "y", "crs": "EPSG:27700"}
    gdf.attrs["intake"] = res.report
    return gdf


def _needs_pandas(path: Path) -> bool:
    """Tell whether DuckDB would not number or decode exactly as the pandas reader does."""
    from intelbench.intake.columnar import file_digest

    if path.suffix.lower() in {".xlsx", ".xlsm"} or sniff_text(path) != "utf-8-sig":
        return True
    header = read_header(path)
    if not header or not all(header) or len(set(header)) != len(header):
        return True
    return file_digest(path)[1]  # empty lines: pandas counts them as blank rows


def _duckdb_chunks(path: Path, batch: int) -> Iterable[pd.DataFrame]:
    """Every cell as text, in batches, indexed by line like ``read_raw`` (blanks kept)."""
    import duckdb

    header = read_header(path)
    cols = "{" + ", ".join("'" + h.replace("'", "''") + "': 'VARCHAR'" for h in header) + "}"
    con = duckdb.connect()
    try:
        con.execute("SET enable_progress_bar=false")
        con.execute("SET preserve_insertion_order=true")
        try:
            quoted = "'" + str(path).replace("'", "''") + "'"
            reader: Any = con.sql(
                f"""SELECT * FROM read_csv({quoted}, header=true, columns={cols},
                    auto_detect=false, delim=',', quote='"', escape='"', strict_mode=true,
                    null_padding=true)""").to_arrow_reader(batch)
            start = 2
            for rb in reader:
                frame = rb.to_pandas().fillna("")
                frame.columns = header
                frame = frame.astype("str")
                frame.index = pd.RangeIndex(start, start + len(frame), name="row")
                start += len(frame)
                yield frame
        except duckdb.Error as exc:
            raise _DuckDBFailedError(str(exc)) from None
    finally:
        con.close()


class _DuckDBFailedError(SchemaError):
    """DuckDB could not read a file (ragged rows, bytes that are not UTF-8 further on)."""


def _drop_blank(raw: pd.DataFrame) -> tuple[pd.DataFrame, int]:
    blank = np.ones(len(raw), dtype=bool)
    for c in raw.columns:
        blank &= (raw[c].astype(str).str.strip() == "").to_numpy()
    return raw.loc[~blank], int(blank.sum())


def _arrow_schema(mapping: Mapping[str, str], schema: Mapping[str, Any], multi: bool) -> Any:
    import pyarrow as pa

    from intelbench.intake.table import _spec

    kinds = {"str": pa.large_string(), "int": pa.int64(), "float": pa.float64(),
             "datetime": pa.timestamp("ns"), "date": pa.timestamp("ns"),
             "category": pa.dictionary(pa.int32(), pa.large_string())}
    fields = [pa.field("file", pa.large_string())] if multi else []
    for target in mapping:
        kind = _spec(schema.get(target, {"kind": "str"})).get("kind", "str")
        fields.append(pa.field(target, kinds[kind]))
    fields.append(pa.field("row", pa.int64()))
    return pa.schema(fields)


def read_table_files(files: list[Path], source: str, mapping: Mapping[str, str] | None,
                     schema: Mapping[str, Any], order: Sequence[tuple[str, str]],
                     sheet: int | str, keep_all: bool, engine: str,
                     out: str | Path | None) -> TableResult:
    """``read_table`` over one or more files with either engine (see the module notes)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    multi = len(files) > 1
    if mapping is None:
        first = read_header(files[0], sheet)
        mapping = {c: c for c in schema} if schema else {c: c for c in first}
    target = Path(out) if out is not None else None
    arrow_schema = _arrow_schema(mapping, schema, multi)
    writer: Any = None
    datas: list[pd.DataFrame] = []
    quarantines: list[pd.DataFrame] = []
    rejects: list[pd.DataFrame] = []
    blank = 0
    try:
        for f in files:
            streamed = engine == "duckdb" and not _needs_pandas(f)
            parts: list[tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]] = []
            n_blank = 0
            if streamed:
                try:
                    for raw in _duckdb_chunks(f, _BATCH):
                        raw, dropped = _drop_blank(raw)
                        n_blank += dropped
                        parts.append(check_frame(raw, mapping, schema, order, str(f),
                                                 keep_all=keep_all))
                except _DuckDBFailedError:  # the pandas reader reads it or names the error
                    streamed, parts, n_blank = False, [], 0
            if not streamed:
                raw, _, n_blank = read_raw(f, sheet)
                parts = [check_frame(raw, mapping, schema, order, str(f), keep_all=keep_all)]
            blank += n_blank
            for data, q, rej in parts:
                if multi:
                    for part in (data, q, rej):
                        part.insert(0, "file", str(f))
                quarantines.append(q)
                rejects.append(rej)
                if target is None:
                    datas.append(data)
                    continue
                table = pa.Table.from_pandas(data, preserve_index=True)
                table = table.select(arrow_schema.names).cast(arrow_schema)
                if writer is None:
                    target.parent.mkdir(parents=True, exist_ok=True)
                    writer = pq.ParquetWriter(target, arrow_schema)
                writer.write_table(table)
                if not datas:
                    datas.append(data.iloc[:0])
    finally:
        if writer is not None:
            writer.close()
    if target is not None and writer is None:
        target.parent.mkdir(parents=True, exist_ok=True)
        pq.write_table(arrow_schema.empty_table(), target)
    data = _concat_typed(datas)
    quarantine = pd.concat(quarantines, ignore_index=True)
    rejected = pd.concat(rejects)
    return TableResult(data=data, quarantine=quarantine, rejected=rejected, source=source,
                       blank_lines=blank, parquet=target, engine=engine)


def _concat_typed(parts: list[pd.DataFrame]) -> pd.DataFrame:
    """Concatenate typed parts; categorical columns get the sorted union of categories."""
    from pandas.api.types import union_categoricals

    if len(parts) == 1:
        return parts[0]
    out = pd.concat(parts)
    for col in parts[0].columns:
        if isinstance(parts[0][col].dtype, pd.CategoricalDtype):
            merged = union_categoricals([p[col].array for p in parts], sort_categories=True)
            out[col] = pd.Categorical(merged, categories=merged.categories)
    return out
