"""The pieces of the streamed DuckDB intake: gaps, trailing lines, lines, rows, BNG cache."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pyarrow as pa
import pytest
from pyproj import Transformer

from intelbench.intake import police_uk
from intelbench.intake.bulk import _has_gaps, _Lines, _rows, _trailing_blank_lines
from intelbench.intake.police_uk import _BngPoints, _distinct_points


@pytest.mark.parametrize(("body", "gaps"), [
    (b"h\r\na\r\nb\r\n", False),
    (b"h\na\nb\n\n\n", False),  # trailing empty lines are not gaps
    (b"h\na\n\nb\n", True),
    (b"h\r\na\r\n\r\nb\r\n\r\n", True),
    (b"h\n\na\n", True),
])
def test_gaps_found_across_chunk_boundaries(tmp_path: Path, body: bytes, gaps: bool) -> None:
    f = tmp_path / "f.csv"
    f.write_bytes(body)
    for chunk in (1, 2, 3, 5, 1 << 20):  # every split of the line ends
        assert _has_gaps(f, chunk=chunk) is gaps, chunk


def test_trailing_blank_lines(tmp_path: Path) -> None:
    f = tmp_path / "f.csv"
    for body, n in ((b"h\na\n", 0), (b"h\na", 0), (b"h\na\n\n\n", 2), (b"h\r\na\r\n\r\n", 1)):
        f.write_bytes(body)
        assert _trailing_blank_lines(f) == n, body
    f.write_bytes(b"h\n" + b"x" * 10_000 + b"\n\n")  # longer than the tail read
    assert _trailing_blank_lines(f) == 1


def test_lines_follow_files_across_batches() -> None:
    lines = _Lines()
    assert lines(np.array([0, 0, 0, 1])).tolist() == [2, 3, 4, 2]
    assert lines(np.array([1, 1, 3])).tolist() == [3, 4, 2]
    assert lines(np.array([], dtype=np.int64)).tolist() == []
    assert lines(np.array([3, 4])).tolist() == [3, 2]
    with pytest.raises(RuntimeError, match="out of file order"):
        lines(np.array([2]))


def test_rows_by_slices_equal_take() -> None:
    table = pa.table({"a": np.arange(500), "b": [str(i) for i in range(500)]})
    rng = np.random.default_rng(0)
    for keep in (np.arange(500), np.r_[0:10, 12:400, 401:500],
                 np.sort(rng.choice(500, 300, replace=False)), np.array([7])):
        assert _rows(table, keep).to_pydict() == table.take(pa.array(keep)).to_pydict()


def test_bng_points_match_pyproj_and_are_cached(monkeypatch: pytest.MonkeyPatch) -> None:
    tr = Transformer.from_crs("EPSG:4326", "EPSG:27700", always_xy=True)
    rng = np.random.default_rng(2)
    pts = rng.uniform([-3.0, 51.0], [0.0, 54.0], (50, 2))
    bng = _BngPoints()
    for _ in range(3):
        idx = rng.integers(0, 50, 400)
        x, y = bng(pts[idx, 0], pts[idx, 1])
        wx, wy = tr.transform(pts[idx, 0], pts[idx, 1])
        np.testing.assert_allclose(x, wx, rtol=0, atol=1e-6)
        np.testing.assert_allclose(y, wy, rtol=0, atol=1e-6)
    assert len(bng) == len(np.unique(pts, axis=0))
    calls: list[int] = []
    real = police_uk._transformer

    class Counting:
        def transform(self, a: np.ndarray, b: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
            calls.append(len(a))
            return real().transform(a, b)

    monkeypatch.setattr(police_uk, "_transformer", Counting)
    bng(pts[:, 0], pts[:, 1])
    assert calls == []  # every point already known
    x, _ = bng(np.array([1.0, 1.0]), np.array([52.0, 52.0]))
    assert calls == [1] and x[0] == x[1]


def test_hash_collisions_fall_back_to_exact_points(monkeypatch: pytest.MonkeyPatch) -> None:
    lon = np.array([-1.5, -1.4, -1.5, -1.3])
    lat = np.array([53.0, 53.0, 53.0, 52.0])
    codes, first, key = _distinct_points(lon, lat)
    assert codes.tolist() == [0, 1, 0, 2] and first.tolist() == [0, 1, 3] and key is not None

    def colliding(values: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        return np.zeros(len(values), dtype=np.int64), np.asarray(values[:1])

    real = police_uk.pd.factorize
    monkeypatch.setattr(police_uk.pd, "factorize",
                        lambda v: colliding(v) if v.dtype == np.uint64 else real(v))
    codes, first, key = _distinct_points(lon, lat)
    assert codes.tolist() == [0, 1, 0, 2] and first.tolist() == [0, 1, 3] and key is None
    x, y = _BngPoints()(lon, lat)
    assert x[0] == x[2] != x[1]
