"""Whole tables in the workspace: write_frame / read_frame / delete_frame."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench.store.db as _db
from intelbench.exceptions import ParameterError, StoreError
from intelbench.store.workspace import DocumentNotFoundError, Workspace
from tests._identity import open_as


def _plain(detail: dict) -> dict:
    """An audit entry's detail without ``identity`` (where the analyst's name came from)."""
    return {k: v for k, v in detail.items() if k != "identity"}


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    w = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    yield w
    w.close()


def _rich() -> pd.DataFrame:
    df = pd.DataFrame(
        {
            "a": [1, 2, 3],
            "b": ["x", "y", None],
            "c": pd.to_datetime(
                ["2026-01-01 10:00:00.123456789", "2026-02-01 00:00", None], format="ISO8601"
            ),
            "d": pd.Categorical(["p", "q", "p"], categories=["q", "p", "r"], ordered=True),
            "e": [1.5, np.nan, -np.inf],
            "f": [True, False, True],
            "g": pd.to_datetime(
                ["2026-01-01", "2026-07-02 12:00", "2026-03-29 02:30"], format="ISO8601"
            ).tz_localize("Europe/London", nonexistent="shift_forward"),
            "h": pd.period_range("2026-01", periods=3, freq="M"),
            "i": pd.array([1, None, 3], dtype="Int64"),
            "j": pd.to_timedelta([1, None, 3], unit="h"),
            "k": pd.array([True, None, False], dtype="boolean"),
            "l": pd.array([0.5, None, 1.0], dtype="Float64"),
            "m": np.array([1, 2, 3], dtype="int32"),
            "n": pd.Series(["s", None, "t"], dtype="string"),
            "o": pd.Series([{"x": 1}, [1, 2], None], dtype=object),
            7: [1.0, 2.0, 3.0],
            "u": np.array([1, 2, 255], dtype="uint8"),
            "cat_int": pd.Categorical([1, 2, None]),
        }
    )
    df.index = pd.Index(["r1", "r2", "r3"], name="ref")
    return df


def test_round_trip_keeps_dtypes_and_index(ws: Workspace) -> None:
    df = _rich()
    assert ws.write_frame("rich", df, action="COLLECT") == 3
    back = ws.read_frame("rich")
    pd.testing.assert_frame_equal(back, df)
    multi = df.set_index(["a", "b"])
    ws.write_frame("multi", multi)
    pd.testing.assert_frame_equal(ws.read_frame("multi"), multi)
    for empty in (pd.DataFrame(), pd.DataFrame({"a": pd.Series([], dtype="int64")})):
        ws.write_frame("empty", empty)
        pd.testing.assert_frame_equal(ws.read_frame("empty"), empty)
    # the input is not changed
    pd.testing.assert_frame_equal(df, _rich())


def test_replace_is_atomic_and_audited_without_values(
    ws: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = pd.DataFrame({"name": ["Jon SMITH", "Ann JONES"], "n": [1, 2]})
    ws.write_frame("nominals", first, action="COLLECT")
    second = pd.DataFrame({"name": ["Zed ZULU"], "n": [9]})
    ws.write_frame("nominals", second)
    pd.testing.assert_frame_equal(ws.read_frame("nominals"), second)
    assert ws.frame_names() == ["nominals"]
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", lambda: 1 / 0)
    with pytest.raises(ZeroDivisionError):
        ws.write_frame("nominals", first)
    with pytest.raises(ZeroDivisionError):
        ws.delete_frame("nominals", justification="x")
    monkeypatch.setattr(_db, "_BEFORE_COMMIT", None)
    pd.testing.assert_frame_equal(ws.read_frame("nominals"), second)
    e = ws.audit.entries()
    assert list(e["action"]) == ["COLLECT", "ALTER", "CONSULT", "CONSULT"]  # two read_frame
    assert list(e["record_ref"]) == ["frame/nominals"] * 4
    assert e["detail"][1]["rows"] == 1 and e["detail"][1]["columns"] == 2
    assert len(e["detail"][1]["content_hmac"]) == 64
    assert "SMITH" not in e.astype(str).to_csv() and "ZULU" not in e.astype(str).to_csv()
    assert ws.audit.verify()


def test_delete_frame_erases(ws: Workspace) -> None:
    marker = "QWXZ-frame-secret-9931"
    ws.write_frame("t", pd.DataFrame({"text": [marker] * 50}))
    with pytest.raises(ParameterError, match="justification is required for ERASE"):
        ws.delete_frame("t", justification="")
    ws.delete_frame("t", justification="MoPI review")
    assert ws.frame_names() == []
    with pytest.raises(DocumentNotFoundError, match="no frame 't'"):
        ws.read_frame("t")
    with pytest.raises(KeyError):
        ws.delete_frame("t", justification="again")
    erase = ws.audit.entries("ERASE")
    assert _plain(erase["detail"][0]) == {"rows_erased": 50} and ws.audit.verify()
    ws.close()
    assert ws.path is not None
    for f in ws.path.iterdir():
        if f.name.startswith("workspace.db"):
            assert marker.encode() not in f.read_bytes(), f.name


def test_refusals(ws: Workspace) -> None:
    import geopandas as gpd
    from shapely.geometry import Point

    gdf = gpd.GeoDataFrame({"a": [1]}, geometry=[Point(0, 0)], crs="EPSG:27700")
    with pytest.raises(ParameterError, match="geometry columns cannot be stored"):
        ws.write_frame("g", gdf)
    dup = pd.DataFrame([[1, 2]], columns=["a", "a"])
    with pytest.raises(ParameterError, match="column names must be unique"):
        ws.write_frame("d", dup)
    cols = pd.DataFrame([[1, 2]], columns=pd.MultiIndex.from_tuples([("a", "x"), ("a", "y")]))
    with pytest.raises(ParameterError, match="MultiIndex columns"):
        ws.write_frame("m", cols)
    with pytest.raises(ParameterError, match="df must be a pandas DataFrame; got dict"):
        ws.write_frame("x", {"a": [1]})  # type: ignore[arg-type]
    with pytest.raises(StoreError, match="type object"):
        ws.write_frame("o", pd.DataFrame({"o": [object()]}))
    with pytest.raises(ParameterError, match="use delete_frame"):
        ws.write_frame("x", pd.DataFrame(), action="ERASE")
    assert ws.frame_names() == [] and len(ws.audit) == 0
