"""The sample force exercises retention end to end: every group and every state."""

from __future__ import annotations

from pathlib import Path

from intelbench.grading.reports import import_reports, read_reports
from intelbench.retention import STATES, retention_report, review_queue
from intelbench.retention.sample import SAMPLE_AS_OF, load_sample_retention
from tests._identity import open_as


def test_sample_force_has_every_group_and_state(samples: Path, tmp_path: Path) -> None:
    ws = open_as("i.unit", tmp_path / "ws", role="INTEL_UNIT")
    log = read_reports(samples / "intel_reports.csv")
    import_reports(ws, log[log["quarantine"] == ""])
    counts = load_sample_retention(ws, samples / "retention_register.csv")
    assert counts["registered"] == len(ws.keys("report")) + counts["disposed"]
    assert counts["retained"] > 0 and counts["disposed"] > 0 and counts["triggers"] > 0
    report = retention_report(ws, as_of=SAMPLE_AS_OF)
    by_state = report.counts[list(STATES)].sum()
    assert (by_state > 0).all(), by_state.to_dict()
    assert (report.counts["total"] > 0).all()
    assert report.counts.loc[1, "DISPOSED"] == 0  # no Group 1 subject is 100 yet
    queue = review_queue(ws, as_of=SAMPLE_AS_OF)
    assert set(queue.frame["state"]) == {"DUE", "OVERDUE"}
    assert len(queue) == int(by_state["DUE"] + by_state["OVERDUE"])
    assert len(ws.audit.entries("ERASE")) >= counts["disposed"]
    assert ws.audit.verify()
    ws.close()
