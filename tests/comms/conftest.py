"""Fixtures: the sample force's call data records, read once per session."""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from tests._identity import open_as

ROOT = Path(__file__).resolve().parents[2]


@dataclass
class CommsSample:
    folder: Path
    truth: dict[str, Any]
    cells: pd.DataFrame
    imports: list[Any]
    records: pd.DataFrame
    workspace: Any


def _comms_folder(tmp: Path) -> Path:
    """data_samples/comms when `make data` wrote it, else the same seed written to tmp."""
    folder = ROOT / "data_samples" / "comms"
    if (folder / "truth.json").exists():
        return folder
    from intelbench.samples._area import build_geography
    from intelbench.samples._comms import write_comms
    from intelbench.samples._people import build_people

    def rng(k: int) -> np.random.Generator:
        return np.random.default_rng([2026, k])

    geo = build_geography(rng(1))
    write_comms(rng(8), build_people(rng(4), geo, 1.0), geo, tmp)
    return tmp / "comms"


@pytest.fixture(scope="session")
def comms_sample(tmp_path_factory: pytest.TempPathFactory) -> CommsSample:
    folder = _comms_folder(tmp_path_factory.mktemp("samples"))
    truth = json.loads((folder / "truth.json").read_text(encoding="utf-8"))
    cells = ib.comms.read_cells(folder / "cells.csv")
    auth = pd.read_csv(folder / "authorities.csv", dtype=str)
    ws = open_as("A. Analyst", tmp_path_factory.mktemp("ws"), role="ANALYST")
    imports = [ib.comms.read_cdr(folder / r.file, r.layout, workspace=ws, cells=cells,
                                 authority=ib.comms.Authority(r.authority, r.start, r.end,
                                                              targets=[r.target]))
               for r in auth.itertuples()]
    return CommsSample(folder, truth, cells, imports, ib.comms.combine(imports), ws)
