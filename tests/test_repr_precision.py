"""Every rich repr outside geo shows numbers and dates at the precision they carry (issue 17).

Each test renders a repr and reads the numbers off the displayed text: no decimal with more
than three significant figures where a statistic is shown, counts as whole numbers with
thousands separators, shares as whole or one-decimal percentages, month-only dates as
``Mar 2016`` and no ``00:00:00`` on dates without times. The stored values are checked to be
unchanged.
"""

from __future__ import annotations

import datetime as dt
import html as _html
import re
import tempfile
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd
import pytest

import intelbench as ib
from intelbench._display import (
    date_text,
    display_frame,
    install,
    notebook_frame_html,
    num,
    time_level,
)
from tests._identity import open_as

DECIMAL = re.compile(r"(?<![\w.,-])-?\d[\d,]*\.\d+(?![\w.])")


def text_of(page: str) -> str:
    """The visible text of an HTML fragment (tags removed, entities decoded)."""
    return _html.unescape(re.sub(r"<[^>]+>", " ", page))


def significant(token: str) -> int:
    digits = token.replace(",", "").replace("-", "").replace(".", "").lstrip("0")
    return len(digits)


def long_decimals(page: str, limit: int = 3) -> list[str]:
    """Decimals shown with more than ``limit`` significant figures."""
    return [t for t in DECIMAL.findall(text_of(page)) if significant(t) > limit]


def cells(page: str, column: str) -> list[str]:
    """The texts of one column of the first HTML table in ``page`` that has it."""
    th = r"<th(?:\s[^>]*)?>.*?</th>"
    for table in re.findall(r"<table.*?</table>", page, flags=re.S):
        rows = re.findall(r"<tr[^>]*>(.*?)</tr>", table, flags=re.S)
        if not rows:
            continue
        heads = [text_of(h).strip() for h in re.findall(th, rows[0], re.S)]
        if column not in heads:
            continue
        out = []
        for row in rows[1:]:
            tds = [text_of(td).strip() for td in re.findall(r"<td[^>]*>.*?</td>", row, re.S)]
            lead = len(re.findall(th, row, re.S))  # a row index is a <th>
            if tds:
                out.append(tds[heads.index(column) - lead])
        return out
    raise AssertionError(f"no table with a {column!r} column in the page")


# --------------------------------------------------------------------------- helpers


def test_num_gives_three_significant_figures_and_never_more() -> None:
    rng = np.random.default_rng(7)
    for v in np.concatenate([rng.random(200), rng.random(200) * 100, rng.random(50) / 1000]):
        shown = num(v)
        assert significant(shown.split("e")[0]) <= 3, (v, shown)
        assert abs(float(shown.replace(",", "")) - v) <= abs(v) * 0.005 + 1e-12, (v, shown)


def test_month_only_dates_are_shown_as_months() -> None:
    months = pd.Series(pd.to_datetime(["2016-03-01", "2016-04-01", "2016-05-01"]))
    assert time_level(months) == "month"
    assert display_frame(pd.DataFrame({"month": months}))["month"].tolist() == [
        "Mar 2016", "Apr 2016", "May 2016"]
    period = pd.DataFrame({"month": pd.period_range("2016-03", periods=2, freq="M")})
    assert display_frame(period)["month"].tolist() == ["Mar 2016", "Apr 2016"]
    days = pd.Series(pd.to_datetime(["2016-03-01", "2016-03-02", "2016-03-09"]))
    assert display_frame(pd.DataFrame({"d": days}))["d"].tolist() == [
        "2016-03-01", "2016-03-02", "2016-03-09"]
    assert date_text(pd.Timestamp("2026-11-27 15:49:46.123456", tz="UTC"), "second") == (
        "2026-11-27 15:49:46 UTC")


# --------------------------------------------------------------------------- network


def karate() -> nx.Graph:
    return nx.karate_club_graph()


def test_key_player_set_shows_fragmentation_to_three_figures() -> None:
    kp = ib.network.key_player_set(nx.barbell_graph(6, 3), 2)
    page = kp._repr_html_()
    assert long_decimals(page) == []
    assert cells(page, "F") == ["0.538", "0.603"]  # 0.538462, 0.602564
    assert kp.steps["fragmentation"].map(lambda v: len(repr(v)) > 6).any()  # stored in full


def test_communities_and_comparison_show_statistics_and_shares_rounded() -> None:
    G = karate()
    found = ib.network.communities(G, seed=1)
    page = found._repr_html_()
    assert long_decimals(page) == [], page
    assert re.search(r"Q = 0\.\d{1,3}\b", text_of(page))
    known = {n: d["club"] for n, d in G.nodes(data=True)}
    cmp = ib.network.compare_membership(found, known)
    page = cmp._repr_html_()
    assert long_decimals(page) == [], page
    for col in ("recall", "precision"):
        shown = cells(page, col)
        assert shown and all(re.fullmatch(r"\d{1,3}%", s) for s in shown), shown
        assert cmp.table[col].dtype == float  # stored as shares
    stab = ib.network.community_stability(G, seeds=range(3))
    assert long_decimals(stab._repr_html_()) == []


def test_ocg_map_shows_harm_to_three_figures_and_counts_whole() -> None:
    groups = pd.DataFrame({
        "group": ["OCG-1", "OCG-2"], "n_members": [12, 7], "leader": ["P-1", "P-9"],
        "harm_score": [1234.5678, 45.678912], "band": ["High", "Low"],
        "management_level": [1, 3], "coverage_reports": [1520, 33],
        "areas": [("A", "B"), ("C",)], "partners": [(), ("council",)],
        "not_for_dissemination": [False, False]})
    ocg = ib.network.ocg.OCGMap(groups=groups, members=pd.DataFrame(),
                                features=pd.DataFrame(), model=None)  # type: ignore[arg-type]
    page = ocg._repr_html_()
    assert cells(page, "harm_score") == ["1,235", "45.7"]
    assert cells(page, "intelligence coverage (reports; not harm)") == ["1,520", "33"]
    assert groups["harm_score"].iloc[1] == 45.678912


def test_network_build_summary_counts_have_separators() -> None:
    s = ib.network.build.BuildSummary(n_rows=12_345, n_used=12_000, n_quarantined=345,
                                      n_nodes=4_321, n_edges=9_876,
                                      reasons={"unknown entity": 1_234})
    page = s._repr_html_()
    assert "12,000 of 12,345" in text_of(page) and cells(page, "rows") == ["1,234"]


def test_key_players_frame_in_a_notebook_shows_centralities_to_three_figures() -> None:
    G = nx.connected_watts_strogatz_graph(80, 4, 0.2, seed=5)
    kp = ib.network.key_players(G)
    page = notebook_frame_html(kp.head(10))
    assert page is not None
    for col in ("betweenness", "eigenvector"):
        if col in kp:
            shown = cells(page, col)
            assert shown, col
            assert all(significant(s.split("e")[0]) <= 3 for s in shown), (col, shown)
    assert long_decimals(page) == []
    assert kp["betweenness"].map(lambda v: len(repr(v)) > 6).any()  # stored in full


def test_path_result_repr_has_no_numbers_to_round() -> None:
    G = nx.Graph()
    G.add_edge("P-1", "T-9", reports=("IR-1",), grades=("1AP",))
    G.add_edge("T-9", "P-2", reports=("IR-2",), grades=("2BP",))
    page = ib.network.shortest_paths(G, "P-1", "P-2")._repr_html_()
    assert long_decimals(page) == [] and "P-1" in page


# --------------------------------------------------------------------------- notebooks


def test_workbench_frames_in_ipython_show_at_their_precision_once_intelbench_is_imported() -> None:
    from IPython.core.interactiveshell import InteractiveShell

    shell = InteractiveShell.instance()
    try:
        frame = pd.DataFrame({"area": ["E01", "E02"], "rate": [12.345678, 0.0012345],
                              "count": [3290.0, 6.0], "year": [2016, 2017],
                              "month": pd.to_datetime(["2016-03-01", "2016-04-01"]),
                              "easting": [345678.125, 345679.5]})
        frame = pd.concat([frame, frame.assign(month=pd.Timestamp("2016-05-01"))])
        plain = shell.display_formatter.format(frame)[0]["text/html"]
        assert "12.345678" in plain  # pandas' own display before
        ib._show_frames_at_their_precision()
        # an analyst's own frame keeps pandas' display ...
        assert "12.345678" in shell.display_formatter.format(frame)[0]["text/html"]
        # ... and a frame the workbench made (it declares its column roles) is shown
        # at the precision it carries
        frame.attrs["roles"] = {"area": "label", "rate": "statistic", "count": "count"}
        page = shell.display_formatter.format(frame)[0]["text/html"]
        assert cells(page, "rate")[:2] == ["12.3", "0.00123"]
        assert cells(page, "count")[:2] == ["3,290", "6"]
        assert cells(page, "year")[:2] == ["2016", "2017"]  # a year is no count
        assert cells(page, "month") == ["Mar 2016", "Apr 2016", "May 2016", "May 2016"]
        assert cells(page, "easting")[0] == "345678.125"  # coordinates keep their digits
        assert 'class="dataframe"' in page
        assert frame["rate"].iloc[0] == 12.345678
        install(shell, on=False)
        assert "12.345678" in shell.display_formatter.format(frame)[0]["text/html"]
    finally:
        InteractiveShell.clear_instance()


# --------------------------------------------------------------------------- store


@pytest.fixture
def ws() -> Any:
    return open_as("A. Analyst", tempfile.mkdtemp(), role="INTEL_UNIT")


def test_audit_reprs_show_times_to_the_second_in_utc(ws: Any) -> None:
    ws.audit.record("DISCLOSE", justification="tasking", record_ref="report/IR-1@1",
                    recipient="Northshire Council")
    report = ws.audit.report(recipient="Northshire Council")
    assert report.entries["timestamp"].iloc[0].microsecond >= 0  # stored as a Timestamp
    for page in (report._repr_html_(), ws.audit._repr_html_()):
        when = [t for t in re.findall(r"\d{4}-\d\d-\d\d[ T][\d:.+]+(?: UTC)?", text_of(page))]
        assert when, page
        assert all(re.fullmatch(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d UTC", w) for w in when), when


# --------------------------------------------------------------------------- grading


def test_grading_summary_shows_shares_to_one_decimal_and_dates_without_midnight() -> None:
    from intelbench.grading.overview import GradingSummary

    s = GradingSummary(
        by_grade=pd.DataFrame({"grade": ["2BP"], "reports": [3], "share": [1 / 3]}),
        by_handling=pd.DataFrame({"handling": ["P"], "reports": [3], "share": [1.0]}),
        by_source=pd.DataFrame({"source_eval": ["2"], "label": ["Untested"], "reports": [3],
                                "share": [1.0]}),
        source_by_assessment=pd.DataFrame(),
        untested_or_unreliable_share=2 / 3,
        awaiting=pd.DataFrame({"urn": ["IR-1", "IR-2", "IR-3"],
                               "created_at": pd.to_datetime(["2025-03-04", "2025-03-05",
                                                             "2025-03-09"])}),
        totals={"reports": 3, "graded_3x5x2": 3, "legacy": 0, "awaiting": 3, "invalid": 0})
    page = s._repr_html_()
    assert "66.7% from untested" in text_of(page)
    assert cells(page, "share")[0] == "33.3%"
    assert cells(page, "created_at") == ["2025-03-04", "2025-03-05", "2025-03-09"]
    assert "00:00:00" not in page


# --------------------------------------------------------------------------- intake, comms


def test_intake_reports_show_counts_with_separators() -> None:
    from intelbench.intake import IntakeReport, TableResult

    excluded = pd.DataFrame({"reason": ["no location"] * 6})
    r = IntakeReport(files=["2016-03-street.csv"], rows_read=3_296, rows_kept=3_290,
                     excluded=excluded)
    assert "3,296 rows read" in text_of(r._repr_html_())
    assert cells(r._repr_html_(), "rows") == ["3,290", "6"]
    assert "3,290 kept" in repr(r)
    t = TableResult(data=pd.DataFrame({"a": range(1_500)}),
                    quarantine=pd.DataFrame({"reason": ["bad date"] * 1_200}),
                    rejected=pd.DataFrame(index=range(1_100)), source="x.csv")
    assert "1,500 good rows, 1,100 rejected" in text_of(t._repr_html_())
    assert cells(t._repr_html_(), "values") == ["1,200"]


def test_cdr_import_shows_counts_with_separators() -> None:
    from intelbench.comms.records import CDRImport

    auth: Any = type("A", (), {"reference": "IPA-1"})()
    imp = CDRImport(records=pd.DataFrame(index=range(12_000)),
                    quarantine=pd.DataFrame({"reason": ["bad time"] * 1_001}),
                    rejected=pd.DataFrame(index=range(1_001)), authority=auth,
                    source="cdr.csv", layout="generic", rows_read=13_001)
    page = imp._repr_html_()
    assert "12,000 records, 1,001 of 13,001 rows quarantined" in text_of(page)
    assert "12,000 records" in repr(imp)


# --------------------------------------------------------------------------- profiles


def test_profile_tables_show_statistics_to_three_figures_and_months_as_months() -> None:
    from intelbench.profiles.render_html import table_html

    frame = pd.DataFrame({
        "area": ["Oldcaster 001", "Oldcaster 002", "Oldcaster 003"],
        "month": pd.to_datetime(["2016-03-01", "2016-04-01", "2016-05-01"]),
        "count": [1234.0, 56.0, 7.0], "rate": [12.3456789, 0.987654, 100.5],
        "p_value": [0.000012345, 0.0456, 1.0], "year": [2016, 2016, 2016]})
    page = table_html(frame)
    assert cells(page, "month") == ["Mar 2016", "Apr 2016", "May 2016"]
    assert cells(page, "count") == ["1,234", "56", "7"]
    assert cells(page, "rate") == ["12.3", "0.988", "100"]
    assert cells(page, "p_value") == ["1.23e-05", "0.0456", "1"]
    assert cells(page, "year") == ["2016"] * 3
    assert long_decimals(page) == []


# --------------------------------------------------------------------------- the rest


def test_reprs_without_statistics_show_no_long_decimals(ws: Any) -> None:
    """Plans, gaps, grades, sanitisation, retention and the workspace: checked, no floats."""
    from intelbench.retention import register, retention_report, review_queue

    plan = ib.plans.CollectionPlan("CP-1").add_question(
        text="Who?", priority="HIGH", candidate_sources=[("CHIS", "none recruited")])
    pages = {
        "plan": plan._repr_html_(),
        "grade": ib.Grade.parse_code("2BP")._repr_html_(),
        "workspace": ws._repr_html_(),
        "whoami": ws.whoami()._repr_html_(),
    }
    _ = register(ws, pd.DataFrame({"key": ["IR-1", "IR-2"], "offence": ["theft", "rape"],
                                   "created_at": ["2012-01-01", "2020-12-15"]}))
    pages["queue"] = review_queue(ws, as_of="2026-11-30")._repr_html_()
    pages["retention"] = retention_report(ws, as_of="2026-11-30")._repr_html_()
    from intelbench.gate.sanitise import policy_for, sanitise_frame

    res = sanitise_frame(pd.DataFrame({"area": ["N1", "N2", "N3"], "burglaries": [4, 12, 30],
                                       "rate": [1.25, 3.5, 9.75]}), policy_for("PUBLIC"))
    pages["sanitisation"] = res._repr_html_()
    for name, page in pages.items():
        assert long_decimals(page) == [], name
        assert "00:00:00" not in page, name
    assert re.search(r"\b\d{4} days\b|\b\d+ days\b", text_of(pages["retention"]))


def test_dates_are_not_shifted_by_display() -> None:
    d = dt.date(2016, 3, 1)
    assert date_text(d, "month") == "Mar 2016" and date_text(d) == "2016-03-01"
