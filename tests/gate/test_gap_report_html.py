"""A collection-plan gap report goes through the gate as an HTML product: marked top and bottom,
clean under the gate's HTML check, every user field shown (plan title and owner, question,
tasking, gap text, candidate sources) and escaped once, and its text checked by the gate like
any other HTML text."""

from __future__ import annotations

import datetime as dt
import html
from pathlib import Path
from typing import Any

import pytest

import intelbench as ib
from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
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
    # every user field is shown, carrying the payload as text, escaped once (never twice)
    shown = (f"Question {payload}", f"Team {payload}", f"Plan {payload}", f"DS {payload}",
             f"Gap {payload}", f"Source {payload}", f"Hard {payload}")
    for field in shown:
        assert html.escape(field) in doc, field
        assert any(field in t for t in report.text), field
        twice = html.escape(html.escape(field))
        if twice != html.escape(field):
            assert twice not in doc, field
    # no template was evaluated and no script or handler came from the data
    assert "49" not in doc.replace(rec.path.name, "")
    assert report.assets == 0 and report.bootstraps == 0
    for fragment in ("<script>alert", "<img"):
        assert fragment not in doc


def test_the_gap_report_shows_every_field_an_analyst_needs(tmp_path: Path) -> None:
    rec = _send(_report("plain"), _request(tmp_path, "POLICE_FORCE"))
    text = " ".join(inspect_html(rec.path.read_text(encoding="utf-8")).text)
    for field in ("CP-1: Plan plain", "DS plain", "Question plain", "Gap plain",
                  "Source plain", "Hard plain", "Team plain"):
        assert field in text, field


@pytest.mark.parametrize("field", ["title", "owner", "gap", "detail", "access_difficulties"])
def test_an_identifier_in_any_field_stops_the_gap_report(tmp_path: Path, field: str) -> None:
    """The gate checks the report's text as it checks any HTML text: an identifier there
    refuses it (send a report built from sanitised wording instead)."""
    phone = "07700 900461"
    kw = {"title": "Plan", "owner": "DS Owner", "gap": "Gap", "detail": "Source",
          "access_difficulties": "Hard"}
    kw[field] = f"{kw[field]} rang {phone}"
    src = ib.plans.CandidateSource("OTHER", access_difficulties=kw["access_difficulties"],
                                   detail=kw["detail"])
    plan = ib.plans.CollectionPlan("CP-1", kw["title"], owner=kw["owner"],
                                   created="2025-11-01", status="ACTIVE")
    plan = plan.add_question(text="Who?", priority="HIGH", deadline="2026-01-05",
                             gap=kw["gap"], candidate_sources=[src])
    report = ib.plans.gaps(None, today=TODAY, plans=[plan])
    assert phone in report.to_page()  # the report shows the field ...
    req = _request(tmp_path, "POLICE_FORCE")
    dry = dm.disseminate(report, dry_run=True, **req)
    assert any("visible text of the HTML holds values that must be redacted (PHONE" in p
               for ps in dry.problems.values() for p in ps), dry.problems
    with pytest.raises(DisseminationRefused):  # ... and the gate will not let it out
        dm.disseminate(report, **req)
    assert not any((tmp_path / "out").glob("DIS-*"))
