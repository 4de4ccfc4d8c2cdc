"""Reproducibility manifest: hashes, parameters, version, seed; embedded in every output."""

from __future__ import annotations

import hashlib
import io
import json
from pathlib import Path

import pytest

import intelbench as ib
from intelbench.exceptions import ParameterError
from tests.profiles import _factory as fx


def test_file_and_folder_hashes(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_bytes(b"x,y\n1,2\n")
    assert ib.profiles.sha256_file(f) == hashlib.sha256(b"x,y\n1,2\n").hexdigest()
    d = tmp_path / "d"
    (d / "s").mkdir(parents=True)
    (d / "s" / "b.txt").write_bytes(b"b")
    h1 = ib.profiles.sha256_file(d)
    (d / "s" / "b.txt").write_bytes(b"c")
    assert ib.profiles.sha256_file(d) != h1
    with pytest.raises(ParameterError, match="path"):
        ib.profiles.sha256_file(tmp_path / "missing")


def test_manifest_records_and_verifies(tmp_path: Path) -> None:
    f = tmp_path / "a.csv"
    f.write_text("1\n")
    m = ib.profiles.Manifest(seed=7)
    entry = m.add_file(f, "crimes")
    m.add_file(f, "crimes")  # recorded once
    m.step("ib.geo.hotspots", cell_size=150, bands=(100, 200), when=Path("x"))
    assert m.version == ib.__version__ and len(m.files) == 1 and entry.bytes == 2
    assert m.steps[0].params == {"cell_size": 150, "bands": [100, 200], "when": "x"}
    assert m.verify() == []
    f.write_text("2\n")
    assert m.verify() == [f"crimes: {f} has changed (SHA-256 differs)"]
    again = ib.profiles.Manifest.from_dict(json.loads(json.dumps(m.to_dict())))
    assert again.to_dict() == m.to_dict()


def test_manifest_is_embedded_in_html_and_docx(tmp_path: Path) -> None:
    from docx import Document

    f = tmp_path / "crimes.csv"
    f.write_text("a\n")
    m = ib.profiles.Manifest(seed=3)
    m.add_file(f, "crimes")
    m.step("ib.geo.near_repeat", permutations=99, seed=3)
    p = fx.problem(manifest=m)
    digest = ib.profiles.sha256_file(f)
    html = p.to_html()
    assert digest in html and "ib.geo.near_repeat" in html and "seed 3" in html
    text = "\n".join(c.text for t in Document(io.BytesIO(p.to_docx())).tables
                     for r in t.rows for c in r.cells)
    assert digest in text and "ib.geo.near_repeat" in text
    doc = fx.reviewed(p).to_product().content
    assert any(digest in line for line in doc["appendices"])
