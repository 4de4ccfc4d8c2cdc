"""Canonical JSON: the direct ``json.dumps`` path gives the same bytes as converting first.

Stored hashes (document sha256, audit entry MACs) are over these bytes, so any change would
break verification of every existing workspace.
"""

from __future__ import annotations

import datetime as dt
import decimal
import enum
import json
import uuid
from pathlib import PurePosixPath
from typing import Any

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from intelbench.exceptions import StoreError
from intelbench.store.db import canonical_json, to_jsonable


class Colour(enum.Enum):
    RED = "red"


class Level(enum.IntEnum):
    HIGH = 3


class Tag(str, enum.Enum):  # noqa: UP042 (a str-mixin Enum, as older code has)
    A = "a"


def _reference(obj: Any) -> str:
    """The canonical JSON as intelbench 0.x wrote it: convert every value, then dump."""
    return json.dumps(
        to_jsonable(obj), sort_keys=True, separators=(",", ":"), ensure_ascii=False,
        allow_nan=False,
    )


scalars = st.one_of(
    st.none(), st.booleans(), st.integers(), st.text(max_size=8),
    st.floats(allow_nan=False, allow_infinity=False),
    st.dates(), st.datetimes(timezones=st.sampled_from([None, dt.UTC])),
    st.decimals(allow_nan=False, allow_infinity=False, places=3),
    st.sampled_from([Colour.RED, Level.HIGH, Tag.A, uuid.UUID(int=7), PurePosixPath("/a/b")]),
    st.integers(-5, 5).map(np.int64), st.floats(-1e6, 1e6).map(np.float64),
    st.booleans().map(np.bool_), st.timedeltas(),
)
keys = st.one_of(st.text(max_size=6), st.integers(-3, 30), st.sampled_from([Colour.RED, True]))
docs = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=4),
        st.lists(inner, max_size=3).map(tuple),
        st.frozensets(st.integers(-9, 9), max_size=4),
        st.dictionaries(st.text(max_size=6), inner, max_size=4),
        st.dictionaries(keys, inner, max_size=3),
    ),
    max_leaves=25,
)


@settings(max_examples=400, deadline=None)
@given(st.dictionaries(st.text(max_size=6), docs, max_size=5))
def test_direct_serialisation_is_byte_identical(doc: dict[str, Any]) -> None:
    try:
        expected = _reference(doc)
    except (StoreError, ValueError) as exc:  # duplicate keys after conversion: refused both ways
        with pytest.raises(StoreError):
            canonical_json(doc)
        assert exc is not None
        return
    assert canonical_json(doc) == expected


def test_known_bytes_are_unchanged() -> None:
    doc = {
        "z": [1, 2.5, None, True], "a": {"é": "ü", "b": Colour.RED}, 3: Level.HIGH,
        "d": dt.datetime(2026, 1, 2, 3, 4, 5, 6, tzinfo=dt.UTC), "m": decimal.Decimal("1.10"),
        "s": {3, 1, 2}, "n": np.int64(4), "f": np.float64(0.1),
    }
    assert canonical_json(doc) == (
        '{"3":3,"a":{"b":"red","é":"ü"},"d":"2026-01-02T03:04:05.000006+00:00","f":0.1,'
        '"m":"1.10","n":4,"s":[1,2,3],"z":[1,2.5,null,true]}'
    )


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), np.float64("nan")])
def test_nan_refused(bad: float) -> None:
    with pytest.raises(StoreError, match="NaN and infinite"):
        canonical_json({"x": [1, {"y": bad}]})


def test_unsupported_value_named_by_path() -> None:
    with pytest.raises(StoreError, match=r"doc\['a'\]\[1\]: values must be JSON types"):
        canonical_json({"a": [1, object()]})
