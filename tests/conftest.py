"""Shared fixtures: the repository root, the shared real data and the sample force."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "real"
SAMPLES = ROOT / "data_samples"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data beside the project (../shared/real); CI always has it."""
    assert REAL.is_dir(), f"expected the shared real data at {REAL}"
    return REAL


@pytest.fixture(scope="session")
def samples() -> Path:
    """The sample force written by ``make data`` (``intelbench samples``)."""
    assert (SAMPLES / ".complete").exists(), "run `make data` to write data_samples/"
    return SAMPLES
