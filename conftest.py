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


@pytest.fixture(autouse=True, scope="session")
def _audit_key_and_anchors_outside_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep test workspaces' audit keys and anchors in a temporary folder, not in ~."""
    import os

    home = tmp_path_factory.mktemp("intelbench-config")
    os.environ["INTELBENCH_CONFIG_DIR"] = str(home / "config")
    os.environ["INTELBENCH_ANCHOR_DIR"] = str(home / "anchors")
    os.environ.pop("INTELBENCH_AUDIT_KEY", None)
