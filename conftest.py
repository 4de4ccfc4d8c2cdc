"""Doctest namespace: every Example may use ``ib``, ``pd`` and ``np`` without importing them."""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import numpy as np
    import pandas as pd

    import intelbench as ib

    doctest_namespace.update({"ib": ib, "pd": pd, "np": np})
