"""Doctest namespace: every Example may use ``ib``, ``pd``, ``np`` and ``open_as``.

``open_as`` is the test helper that opens a workspace as a given analyst
(``tests/_identity.py``); none of them needs importing.
"""

from __future__ import annotations

from typing import Any

import pytest


@pytest.fixture(autouse=True)
def _doctest_namespace(doctest_namespace: dict[str, Any]) -> None:
    import numpy as np
    import pandas as pd

    import intelbench as ib
    from tests._identity import open_as  # who is working is never an argument (issue 13)

    doctest_namespace.update({"ib": ib, "pd": pd, "np": np, "open_as": open_as})


@pytest.fixture(autouse=True, scope="session")
def _audit_key_and_anchors_outside_home(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Keep test workspaces' audit keys and anchors in a temporary folder, not in ~."""
    import os

    home = tmp_path_factory.mktemp("intelbench-config")
    os.environ["INTELBENCH_CONFIG_DIR"] = str(home / "config")
    os.environ["INTELBENCH_ANCHOR_DIR"] = str(home / "anchors")
    os.environ.pop("INTELBENCH_AUDIT_KEY", None)
