"""A collection-plan gap report goes through the gate as an HTML product: marked top and bottom,
clean under the gate's HTML check, and every user field escaped."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import pytest

import intelbench as ib
from intelbench import gate as dm
from intelbench.gate.html_check import inspect_html
from tests.gate._support import make_workspace

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "{{7*7}}",
    "</script><script>alert(1)</script>",
    "javascript:alert(1)",
]
TODAY = dt.date(2026, 1, 10)


def _report(payload: str) -> Any:
    """A gap report with ``payload`` in every user field of its plans and questions."""
    src = ib.plans.CandidateSource("OTHER", access_difficulties=f"Hard {payload}",
                                   detail=f"Source {payload}")
    plan = ib.plans.CollectionPlan("CP-1", f"Plan {payload}", owner=f"DS {payload}",
                                   created="2025-11-01", status="ACTIVE")
    plan = plan.add_question(text=f"Question {payload}", priority="HIGH",
                             deadline="2026-01-05", gap=f"Gap {payload}",
                             candidate_sources=[src], tasked_to=f"Team {payload}")
    return ib.plans.gaps(None, today=TODAY, plans=[plan])


def _request(tmp_path: Path, kind: str) -> dict[str, Any]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return dict(
        to=dm.Recipient("DS Analyst", "Southshire Police", kind, isa_ref="ISA-7"),
        purpose="Tasking meeting", basis="Prevent offences under ISA-7",
        necessity="Necessary and proportionate for the tasking meeting",
        path=out, fmt="html", ws=make_workspace(tmp_path / "ws"),
    )


def _send(report: Any, req: dict[str, Any]) -> Any:
    dry = dm.disseminate(report, dry_run=True, **req)
    assert isinstance(dry, dm.DryRun)
    # only flagged values to release (question ids read as codes); nothing structural
    assert all("HTML holds" not in p for ps in dry.problems.values() for p in ps), dry.problems
    assert set(dry.flagged["field"]) <= {"html.text"}
    rel = dry.release(*dry.flagged["id"]) if len(dry.flagged) else None
    return dm.disseminate(report, release=rel, **req)


def test_a_gap_report_is_an_html_product() -> None:
    product = dm.as_product(_report("plain"))
    assert product.kind == "html"
    assert product.title == "Collection gaps at 2026-01-10"
    assert inspect_html(str(product.content)).problems == []


@pytest.mark.parametrize("kind", ["POLICE_FORCE", "PARTNER_ISA"])
def test_the_disseminated_gap_report_is_marked_and_passes_the_check(
    tmp_path: Path, kind: str
) -> None:
    rec = _send(_report("plain"), _request(tmp_path, kind))
    assert isinstance(rec, dm.DisseminationRecord)
    doc = rec.path.read_text(encoding="utf-8")
    report = inspect_html(doc)
    assert report.problems == []
    assert doc.count('class="marking top"') == 1 and doc.count('class="marking bottom"') == 1
    top, bottom = doc.index('class="marking top"'), doc.index('class="marking bottom"')
    body = doc.index('<div class="ib-gaps">')
    assert top < body < bottom  # the banners frame the content
    assert "OFFICIAL" in doc[top:body] and "OFFICIAL" in doc[bottom:]
    assert "Question plain" in doc and "CP-1" in doc and "open; overdue" in doc


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_strings_in_every_field_come_out_escaped(tmp_path: Path, payload: str) -> None:
    rec = _send(_report(payload), _request(tmp_path, "POLICE_FORCE"))
    doc = rec.path.read_text(encoding="utf-8")
    report = inspect_html(doc)
    assert report.problems == []
    if "<" in payload:
        assert payload not in doc  # never as markup
    # the fields the gap report shows carry the payload as text, escaped once
    for shown in (f"Question {payload}", f"Team {payload}"):
        assert html.escape(shown) in doc, shown
        assert shown in report.text or any(shown in t for t in report.text)
    # fields the gap report does not show (plan title, owner, gap text, candidate sources) may
    # only ever appear escaped
    for hidden in (f"Plan {payload}", f"DS {payload}", f"Gap {payload}", f"Source {payload}",
                   f"Hard {payload}"):
        assert "<" not in payload or hidden not in doc, hidden
    # no template was evaluated and no script or handler came from the data
    assert "49" not in doc.replace(rec.path.name, "")
    assert report.assets == 0 and report.bootstraps == 0
    for fragment in ("<script>alert", "<img"):
        assert fragment not in doc
