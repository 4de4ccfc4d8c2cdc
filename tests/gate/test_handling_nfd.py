"""Handling codes in every written form, NFD marks that follow the data, unsanitised reports."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd
import pytest

from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused
from intelbench.gate.handling import grade_handling, handling_code, legacy_code
from intelbench.gate.nfd import mark_ocg_not_for_dissemination
from tests.gate._support import make_workspace

POLICE = dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE")
PARTNER = dm.Recipient("Community Safety Manager", "Northshire CSP", "PARTNER_ISA",
                       isa_ref="ISA-12")


@pytest.fixture
def ws(tmp_path: Path) -> Any:
    return make_workspace(tmp_path / "ws")


def request(ws: Any, out: Path, to: Any = POLICE, **kw: Any) -> dict[str, Any]:
    out.mkdir(exist_ok=True)
    base = dict(to=to, purpose="Reduce burglary in the north sector",
                basis="Prevent offences; Crime and Disorder Act 1998 s.115 under ISA-12",
                necessity="Needed to target prevention; limited to the minimum fields",
                path=out, fmt="csv", ws=ws)
    base.update(kw)
    return base


def counts() -> pd.DataFrame:
    return pd.DataFrame({"area": ["North", "South"], "burglaries": [12, 30]}).pipe(
        dm.with_roles, area="label", burglaries="count")


def _store(ws: Any, urn: str, **doc: Any) -> None:
    base = {"urn": urn, "classification": "OFFICIAL", "status": "SANITISED",
            "sanitised_text": "A vehicle is used by the group."}
    ws.put("report", urn, {**base, **doc}, action="COLLECT", justification="test")


def test_written_forms_of_grades() -> None:
    forms = ["B25", "B2 5", "B/2/5", "B-2-5", "b.2.5", "5x5x5 B25"]
    assert [legacy_code(f) for f in forms] == ["5"] * len(forms)
    assert legacy_code("B24") == "4" and legacy_code("2BC") is None
    assert [grade_handling(g) for g in ("2BC", "2 B C", "2/B/C", "1-a-p")] == ["C", "C", "C", "P"]
    assert [handling_code(h) for h in ("C", " c ", "Handling C", "H: C", "handling code: P")] \
        == ["C", "C", "C", "C", "P"]


@pytest.mark.parametrize("grade", ["B25", "B2 5", "B/2/5", "B-2-5", "B24", "B 2 4"])
def test_a_cited_legacy_report_governs_the_product(ws: Any, tmp_path: Path, grade: str) -> None:
    _store(ws, "IR-2012-000001", legacy_grade=grade, handling=None)
    product = dm.Product(counts(), title="Burglary counts", cited_reports=("IR-2012-000001",))
    dry = dm.disseminate(product, dry_run=True, **request(ws, tmp_path / "out"))
    assert dry.handling == "C"
    assert any(f"legacy 5x5x5 handling code {grade[-1]}" in p for p in dry.problems["handling"])
    with pytest.raises(DisseminationRefused, match="legacy 5x5x5 handling code"):
        dm.disseminate(product, acknowledge_conditions=True, **request(ws, tmp_path / "out"))


@pytest.mark.parametrize("value", ["2BC", "2 B C", "2/B/C", "Handling: C", "c"])
def test_handling_c_in_any_written_form_needs_its_conditions(
    ws: Any, tmp_path: Path, value: str
) -> None:
    key = "handling" if "andling" in value or len(value) == 1 else "grade"
    _store(ws, "IR-2026-000009", **{key: value})
    product = dm.Product(counts(), title="Burglary counts", cited_reports=("IR-2026-000009",))
    dry = dm.disseminate(product, dry_run=True, **request(ws, tmp_path / "out"))
    assert dry.handling == "C"
    assert "handling C: the conditions are missing (handling_conditions)" in \
        dry.problems["handling"]


def test_unsanitised_reports_do_not_leave_the_force(ws: Any, tmp_path: Path) -> None:
    _store(ws, "IR-1", status="EVALUATED")
    _store(ws, "IR-2", sanitised_text="")
    _store(ws, "IR-3")
    product = dm.Product(counts(), title="Counts", cited_reports=("IR-1", "IR-2", "IR-3"))
    with pytest.raises(DisseminationRefused, match=r"2 cited report\(s\).*IR-1, IR-2$"):
        dm.disseminate(product, **request(ws, tmp_path / "out", to=PARTNER))
    rec = dm.disseminate(product, **request(ws, tmp_path / "out"))  # inside the force
    assert rec.path.exists()
    ok = dm.Product(counts(), title="Counts", cited_reports=("IR-3",))
    assert dm.disseminate(ok, **request(ws, tmp_path / "out2", to=PARTNER)).path.exists()


class _Map:
    """The part of an OCGMap the mark uses."""

    def __init__(self) -> None:
        self.members = pd.DataFrame({"group": ["OCG-1", "OCG-1", "OCG-2"],
                                     "node": ["P-0006", "P-0007", "P-0100"],
                                     "label": ["Aaron RATHWICK", "Connor HARKLEY", "Zed"]})
        self.marked: list[Any] = []

    def mark_not_for_dissemination(self, group: Any, justification: str, *, ws: Any) -> Any:
        self.marked.append(group)
        return self


def test_an_nfd_group_covers_its_members_and_what_is_derived(ws: Any, tmp_path: Path) -> None:
    m = _Map()
    mark_ocg_not_for_dissemination(ws, m, "OCG-1", "Live covert operation against the group")
    assert m.marked == ["OCG-1"]
    out = tmp_path / "out"
    # a members table of another group goes; a row of a marked member does not
    rows = pd.DataFrame({"node": ["P-0100", "P-0006"], "score": [0.3, 0.9]}).pipe(
        dm.with_roles, node="identifier", score="statistic")
    with pytest.raises(DisseminationRefused, match=r"not for dissemination.*row 1 \(node\)"):
        dm.disseminate(rows, **request(ws, out))
    assert dm.disseminate(rows.iloc[:1], **request(ws, out)).path.exists()
    # a graph node, a link-chart payload and a document line
    G = nx.Graph([("P-0100", "T-1"), ("P-0007", "T-1")])
    with pytest.raises(DisseminationRefused, match="node P-0007"):
        dm.disseminate(G, **request(ws, out, fmt="xlsx"))
    page = ('<h1>Chart</h1><script type="application/json">{"label": ["Connor HARKLEY"]}'
            "</script>")
    with pytest.raises(DisseminationRefused, match="not for dissemination"):
        dm.disseminate(dm.Product(page, title="Chart"), **request(ws, out, fmt="html"))
    doc = {"title": "Profile", "summary": ["OCG-1 is active in the north."]}
    with pytest.raises(DisseminationRefused, match="not for dissemination"):
        dm.disseminate(doc, **request(ws, out, fmt="html"))
