"""Timeline events from the intelligence log, on a hand-made log and on the sample force."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

import intelbench as ib
from intelbench.charts.reports import group_timeline, report_events
from intelbench.exceptions import SchemaError


def _log() -> pd.DataFrame:
    return pd.DataFrame({
        "urn": ["IR-1", "IR-2", "IR-3", "IR-4", "IR-5", "IR-6"],
        "date_of_intelligence": ["2025-05-02", "2025-03-01", "2025-04-01", "2025-04-05",
                                 "2024-01-01", "2025-06-01"],
        "subjects": ["P-2;P-1", "P-1", "P-9", "P-2", "P-1", "P-1"],
        "sanitised_text": ["SUBJECT 1 and SUBJECT 2 are believed to be committing offences "
                           "together.", "SUBJECT 1 is living at [ADDRESS].", "x", None,
                           "old", "draft"],
        "original_text": ["Ann SMITH and Bob JONES steal cars", "Ann SMITH lives at 1 High St",
                          "", "", "", ""],
        "source_eval": ["1", "2", "", "3", "1", ""], "intel_assess": ["A", "B", "", "C", "A", ""],
        "handling": ["C", "P", "", "P", "P", ""],
        "handling_conditions": ["Not to be shared outside the unit", "", "", "", "", ""],
        "risk_assessment_ref": ["RA-1", "", "", "", "", ""],
        "classification": ["OFFICIAL-SENSITIVE", "OFFICIAL", "", "OFFICIAL", "", ""],
        "status": ["EVALUATED", "EVALUATED", "EVALUATED", "SUBMITTED", "EVALUATED", "DRAFT"],
        "quarantine": ["", "", "", "bad grade", "", ""],
    })


def test_report_events_by_hand() -> None:
    ev = report_events(_log(), ["P-1", "P-2"], since="2025-01-01")
    assert ev[["date", "urn", "subject", "with", "kind"]].values.tolist() == [
        ["2025-03-01", "IR-2", "P-1", "", "address"],
        ["2025-05-02", "IR-1", "P-1", "P-2", "offending"],
    ]
    assert ev["grade"].tolist() == ["[2BP]", "[1AC]"]
    assert ev["handling"].tolist() == ["P", "C"]
    excluded = dict(zip(ev.attrs["excluded"]["urn"], ev.attrs["excluded"]["reason"],
                        strict=True))
    assert excluded == {"IR-4": "quarantined: bad grade",
                        "IR-5": "dated before 2025-01-01 (since)",
                        "IR-6": "draft: not yet submitted"}
    assert ev.attrs["roles"]["summary"] == "free_text"
    assert ev.attrs["roles"]["grade"] == "marking"


def test_group_timeline_never_carries_the_original_wording() -> None:
    tl = group_timeline(_log(), ["P-1", "P-2"], group="Test")
    assert tl.marking == "OFFICIAL-SENSITIVE | Handling C"
    assert "SMITH" not in tl.html and "High St" not in tl.html
    assert "original_text" not in tl.events.columns
    assert tl.lines == ["P-1", "P-2"]
    assert tl.precision == "day"
    assert tl.events.attrs["roles"]["summary"] == "free_text"


def test_missing_log_columns_refused() -> None:
    with pytest.raises(SchemaError, match="date_of_intelligence"):
        report_events(pd.DataFrame({"urn": ["x"], "subjects": ["P-1"]}), ["P-1"])


def test_sample_force_group_timeline(samples: Path) -> None:
    reports = ib.read_reports(samples / "intel_reports.csv")
    group = json.loads((samples / "ocg_truth.json").read_text())["groups"][0]
    members = group["members"]
    tl = group_timeline(reports, members, group=group["name"], since="2024-11-01")
    subj = reports["subjects"].fillna("").str.split(";")
    naming = reports[subj.map(lambda s: bool(set(members) & set(s)))]
    dates = pd.to_datetime(naming["date_of_intelligence"])
    n_expected = int(((dates >= "2024-11-01") & (naming["quarantine"].fillna("") == "")
                      & (naming["status"] != "DRAFT")).sum())
    assert len(tl.events) == n_expected > 10
    assert set(tl.lines) <= set(members)
    # reports naming two or more members are drawn as connectors, the others are not
    by_urn = dict(zip(naming["urn"], subj[naming.index], strict=True))
    several = tl.events["urn"].map(lambda u: len(set(members) & set(by_urn[u])) > 1)
    assert ((tl.events["other"] != "") == several).all() and several.sum() > 3
    # no original wording of any drawn report reaches the page
    for text in naming.loc[naming["urn"].isin(tl.events["urn"]), "original_text"].dropna():
        first = str(text).split(" is ")[0]
        assert first not in tl.html
