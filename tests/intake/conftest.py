"""Fixtures of the intake tests: the shared real data, found from a git worktree too."""

from __future__ import annotations

from pathlib import Path

import pytest


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data beside the project (../shared/real)."""
    here = Path(__file__).resolve()
    for up in here.parents:
        if (up / "shared" / "real").is_dir():
            return up / "shared" / "real"
    raise AssertionError(f"expected the shared real data beside {here.parents[2]}")
