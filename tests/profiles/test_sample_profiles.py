"""Both sample-force profiles through the gate: DOCX and HTML checked for marking, pictures,
sections, offline assets and that nothing sensitive from the sample log leaves."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import intelbench as ib
from intelbench.demo.profiles import (
    build_problem_profile,
    build_subject_profile,
    disseminate_profile,
)
from tests._identity import open_as
from tests.offline_scan import external_fetches

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def made(samples: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[dict[str, Any]]:
    base = tmp_path_factory.mktemp("profiles")
    ws = open_as("A. Analyst", base / "ws", role="ANALYST")
    out = base / "out"
    out.mkdir()
    shared: dict[str, Any] = {}
    today = dt.date(2026, 11, 24)
    built = {"problem": build_problem_profile(samples, ws, shared=shared, today=today),
             "subject": build_subject_profile(samples, ws, shared=shared, today=today)}
    recs = {}
    for key, prof in built.items():
        ready = prof.submit_for_review().review("DI Peer Reviewer", role="SUPERVISOR")
        for fmt in ("html", "docx"):
            recs[key, fmt] = disseminate_profile(ready, ws, out, fmt)
    yield {"ws": ws, "out": out, "built": built, "recs": recs, "samples": samples}


def _docx_text(path: Path) -> tuple[Any, str]:
    from docx import Document

    doc = Document(str(path))
    parts = [p.text for p in doc.paragraphs]
    parts += [c.text for t in doc.tables for r in t.rows for c in r.cells]
    for s in doc.sections:
        parts += [p.text for p in s.header.paragraphs] + [p.text for p in s.footer.paragraphs]
    return doc, "\n".join(parts)


def _sensitive(samples: Path) -> list[str]:
    reports = pd.read_csv(samples / "intel_reports.csv", dtype=str)
    sources = pd.read_csv(samples / "sources.csv", dtype=str)
    nominals = pd.read_csv(samples / "nominals.csv", dtype=str)
    entities = pd.read_csv(samples / "entities.csv", dtype=str)
    out = list(reports["original_text"].dropna())
    out += list(reports["source_ref"].dropna().unique())
    for c in sources.columns:
        out += list(sources[c].dropna().astype(str).unique())
    out += [f"{f} {s.upper()}" for f, s in zip(nominals["forenames"], nominals["surname"],
                                               strict=True)]
    out += [f"{f} {s}" for f, s in zip(nominals["forenames"], nominals["surname"], strict=True)]
    out += list(entities.loc[entities["entity_type"].isin(["phone", "address", "vehicle"]),
                             "label"].dropna())
    return sorted({x for x in out if len(str(x).strip()) >= 5})


def test_profiles_built_from_the_sample_force(made: dict[str, Any]) -> None:
    problem, subject = made["built"]["problem"], made["built"]["subject"]
    assert problem.validate() == [] and subject.validate() == []
    assert subject.subject == "Kestrel Lane group"
    # hotspots and rate by area are ib.geo.map (print layouts, live in the interactive copy)
    assert [f.kind for f in problem.figures] == ["map", "map", "matplotlib"]
    # link chart, areas of activity, timeline, cell sites
    assert [f.kind for f in subject.figures] == ["link_chart", "map", "timeline", "map"]
    assert problem.gaps is not None and len(problem.gaps) >= 1
    roles = {f.role for f in problem.manifest.files}
    assert {"street crimes (police open data)", "intelligence log",
            "collection plan"} <= roles
    assert problem.manifest.verify() == []
    hs = problem.figures[0].static
    n_hot = int((hs["fdr_significant"].astype(bool) & (hs["gi_star"] > 0)).sum())
    assert n_hot > 0
    assert problem.key_findings[0].startswith(f"{n_hot} hot cells")
    crimes = pd.concat(pd.read_csv(f, dtype=str) for f in
                       sorted((made["samples"] / "crimes").rglob("*.csv")))
    lon = pd.to_numeric(crimes["Longitude"], errors="coerce")
    lat = pd.to_numeric(crimes["Latitude"], errors="coerce")
    mappable = lon.notna() & lat.notna() & ~((lon == 0) & (lat == 0))  # (0,0) is unmappable
    located = int(((crimes["Crime type"] == "Burglary") & mappable).sum())
    assert problem.summary.startswith(f"{located} located burglaries were recorded")
    names = [s.name for s in problem.manifest.steps]
    assert "ib.geo.hotspots" in names and "ib.geo.near_repeat" in names


def test_rebuilding_reproduces_the_profile(made: dict[str, Any], tmp_path: Path) -> None:
    ws = open_as("A. Analyst", tmp_path / "ws", role="ANALYST")
    again = build_problem_profile(made["samples"], ws, today=dt.date(2026, 11, 24))
    first = made["built"]["problem"]
    assert again.key_findings == first.key_findings and again.summary == first.summary
    a, b = again.manifest.to_dict(), first.manifest.to_dict()
    assert a["files"] == b["files"] and a["steps"] == b["steps"] and a["seed"] == b["seed"]


def test_gate_records_every_file(made: dict[str, Any]) -> None:
    reg = ib.gate.register(made["ws"])
    assert len(reg) == 4
    assert set(reg["product_kind"]) == {"document"}
    files = sorted(p.name for p in made["out"].iterdir())
    assert files == sorted(r.path.name for r in made["recs"].values())
    assert external_fetches(made["out"]) == []


@pytest.mark.parametrize("key", ["problem", "subject"])
def test_docx_sections_marking_pictures_nothing_sensitive(made: dict[str, Any],
                                                          key: str) -> None:
    rec = made["recs"][key, "docx"]
    prof = made["built"][key]
    doc, text = _docx_text(rec.path)
    cls = rec.doc["classification"]
    for s in doc.sections:
        assert s.header.paragraphs[0].text.startswith(f"{cls} | {rec.ref}")
        assert cls in s.footer.paragraphs[0].text
    heads = [p.text for p in doc.paragraphs if p.style.name.startswith("Heading")]
    for h in ("Terms of reference", "Summary", "Key findings", "Figures", "Intelligence gaps",
              "Recommendations", "Prevention", "Intelligence", "Enforcement", "Reassurance",
              "Appendices"):
        assert h in heads
    assert len(doc.inline_shapes) == len(prof.figures)
    leaks = [s for s in _sensitive(made["samples"]) if s in text]
    assert leaks == []
    assert not re.search(r"\b07\d{3} ?\d{6}\b", text)
    assert "Grading and handling of the intelligence cited" in text


def test_the_leak_check_can_see_a_leak(made: dict[str, Any]) -> None:
    """The raw link chart holds names, so the same check finds them there."""
    raw = made["built"]["subject"].figures[0].obj.html
    assert [s for s in _sensitive(made["samples"]) if s in raw]


@pytest.mark.parametrize("key", ["problem", "subject"])
def test_html_marking_and_nothing_sensitive(made: dict[str, Any], key: str) -> None:
    rec = made["recs"][key, "html"]
    html = rec.path.read_text(encoding="utf-8")
    assert html.count(f"{rec.doc['classification']} | {rec.ref}") >= 2
    assert html.count("data:image/png;base64,") == len(made["built"][key].figures)
    leaks = [s for s in _sensitive(made["samples"]) if s in html]
    assert leaks == []
