"""The interactive timeline and heat-matrix pages go through the gate: parsed clean, marked, and
their data payload sanitised like any other product."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import intelbench as ib
from intelbench import gate as dm
from intelbench.gate.html_check import inspect_html
from tests.gate._support import leaks, make_workspace

DATA = Path(__file__).resolve().parents[2] / "data_samples"
PHONE = "07700 900123"
POSTCODE = "SW1A 1AA"


@pytest.fixture(scope="module")
def nominal() -> tuple[str, Any]:
    """A nominal the workspace knows (from the sample nominals) and the gate's known terms."""
    nominals = pd.read_csv(DATA / "nominals.csv", dtype=str).head(50)
    row = nominals.iloc[0]
    return f"{row['forenames']} {row['surname']}", ib.sanitise.KnownTerms.from_frames(nominals)


def _timeline(name: str) -> Any:
    ev = pd.DataFrame({
        "subject": ["P-1", name, "P-1", "P-2"],
        "time": ["2025-03-01 10:00", "2025-03-02 12:30", "2025-03-03 09:00", "2025-03-04 18:00"],
        "kind": ["meeting", "call", f"seen at {POSTCODE}", "arrest"],
        "with": ["P-2", "", "", ""],
        "note": [f"rang {PHONE}", f"at {POSTCODE}", f"met {name.upper()}", "arrested"],
    })
    return ib.timeline(ev, title="Events in March")


def _heat_matrix(name: str) -> Any:
    ev = pd.DataFrame({
        "from": ["06/01/2025 08:00", "07/01/2025 22:00", "08/01/2025 01:00"],
        "to": ["06/01/2025 16:00", "07/01/2025 22:00", "08/01/2025 03:00"],
        "offence": [f"Burglary, caller {PHONE}", "Robbery", f"Theft near {POSTCODE}"],
        "area": ["North", f"{name} street", "South"],
    })
    return ib.charts.heat_matrix(ev, start="from", end="to", title="Burglary by hour")


def _request(tmp_path: Path, kind: str, known: Any) -> dict[str, Any]:
    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return dict(
        to=dm.Recipient("DS Analyst", "Southshire Police", kind, isa_ref="ISA-7"),
        purpose="Chart page test", basis="Prevent offences under ISA-7",
        necessity="Necessary and proportionate for the chart page test",
        path=out, fmt="html", ws=make_workspace(tmp_path / "ws"), known=known,
    )


@pytest.mark.parametrize("kind", ["POLICE_FORCE", "PARTNER_ISA"])
@pytest.mark.parametrize("make", [_timeline, _heat_matrix], ids=["timeline", "heat_matrix"])
def test_chart_pages_pass_the_gate_with_their_payload_sanitised(
    tmp_path: Path, nominal: tuple[str, Any], kind: str, make: Any
) -> None:
    name, known = nominal
    product = make(name)
    planted = [PHONE, POSTCODE, name]
    assert all(s.replace(" ", "") in product.html.replace(" ", "") or s.upper().replace(" ", "")
               in product.html.replace(" ", "") for s in planted), "the page holds what we planted"
    req = _request(tmp_path, kind, known)
    dry = dm.disseminate(product, dry_run=True, **req)
    assert isinstance(dry, dm.DryRun)
    # nothing structural: the page's own script and style are recognised as workbench assets
    assert all("HTML holds" not in p for ps in dry.problems.values() for p in ps), dry.problems
    red = dry.redactions.set_index("kind")["count"]
    assert red.get("PHONE", 0) >= 1 and red.get("POSTCODE", 0) >= 1, red
    shown = dry.flagged
    # flagged values are released one by one after reading them, never the planted secrets
    assert not any(s.lower() in str(v).lower() for v in shown["value"] for s in planted)
    rec = dm.disseminate(product, release=dry.release(*shown["id"]) if len(shown) else None,
                         **req)
    assert isinstance(rec, dm.DisseminationRecord)
    assert leaks(rec.path, planted) == []
    doc = rec.path.read_text(encoding="utf-8")
    report = inspect_html(doc)
    assert report.problems == []
    assert report.assets >= 1 and report.data_blocks == 1
    assert any("[PHONE]" in x for x in report.leaves)  # the payload still parses, redacted
    assert doc.count('class="marking top"') == 1 and doc.count('class="marking bottom"') == 1
    assert doc.index('class="marking top"') < doc.index('class="marking bottom"')
    assert "Content-Security-Policy" in doc and "'sha256-" in doc
