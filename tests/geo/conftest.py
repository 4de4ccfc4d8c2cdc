"""Fixtures of the geo tests: the shared real data, found from a worktree too."""

from __future__ import annotations

from pathlib import Path

import pytest

from ._geodata import REAL


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data beside the project (../shared/real)."""
    assert REAL.is_dir(), f"expected the shared real data at {REAL}"
    return REAL
