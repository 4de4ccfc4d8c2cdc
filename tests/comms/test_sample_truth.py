"""The sample force's planted ground truth is recovered from its call data records."""

from __future__ import annotations

import pandas as pd

import intelbench as ib
from tests.comms.conftest import CommsSample


def test_planted_bad_rows_are_exactly_the_quarantine(comms_sample: CommsSample) -> None:
    got = {(f"cdr/{imp.source.rsplit('/', 1)[-1]}", int(q.row), q.column, q.reason)
           for imp in comms_sample.imports for q in imp.quarantine.itertuples()}
    expect = {(b["file"], b["row"], b["column"], b["reason"])
              for b in comms_sample.truth["bad_rows"]}
    assert got == expect
    reasons = {b["reason"] for b in comms_sample.truth["bad_rows"]}
    assert reasons == {"not a valid UK or international number (E.164)",
                       "outside the authorised period", "negative duration",
                       "unknown cell ID"}


def test_every_import_is_audited(comms_sample: CommsSample) -> None:
    e = comms_sample.workspace.audit.entries("COLLECT")
    assert len(e) >= len(comms_sample.imports)
    refs = {f"comms/{i.authority.reference}" for i in comms_sample.imports}
    assert refs <= set(e["record_ref"])


def test_calls_between_providers_agree_in_utc(comms_sample: CommsSample) -> None:
    """A call between two targets is in both files (UTC and UK local layouts) at one instant."""
    rec = comms_sample.records
    rec = rec[rec["other"].notna()]
    targets = set(rec["target"].astype(str))
    r = rec[rec["other"].astype(str).isin(targets)]
    out = r[r["direction"] == "out"]
    inc = r[r["direction"] == "in"]
    key_out = set(zip(out["target"].astype(str), out["other"].astype(str), out["start"]))
    key_in = set(zip(inc["other"].astype(str), inc["target"].astype(str), inc["start"]))
    assert key_out == key_in
    providers = comms_sample.truth["targets"]
    mixed = [k for k in key_out if providers[k[0]]["provider"] != providers[k[1]]["provider"]]
    assert len(mixed) > 100


def test_common_contact_brokers_between_two_groups(comms_sample: CommsSample) -> None:
    truth = comms_sample.truth
    groups = {n: v["group"] for n, v in truth["targets"].items()}
    cc = ib.comms.common_contacts(comms_sample.records, groups=groups)
    bridging = cc[cc["n_groups"] >= 2]
    assert bridging["other"].tolist() == truth["broker"]["numbers"]
    assert bridging["groups"].iloc[0] == tuple(sorted(truth["broker"]["between"]))
    assert not bridging["is_target"].iloc[0]


def test_replacement_phone_is_the_top_candidate(comms_sample: CommsSample) -> None:
    rp = ib.comms.replacement_phones(comms_sample.records)
    truth = comms_sample.truth["replacement"]
    assert (rp["old"].iloc[0], rp["new"].iloc[0]) == (truth["old"], truth["new"])
    assert rp["n_shared"].iloc[0] >= 5
    assert len(rp) == 1 or rp["score"].iloc[0] > 2 * rp["score"].iloc[1]
    gaps = ib.comms.contact_gaps(comms_sample.records)
    assert truth["old"] in set(gaps.loc[gaps["change"] == "stopped", "other"])
    assert truth["new"] in set(gaps.loc[gaps["change"] == "started", "other"])


def test_colocation_meeting_is_found_with_both_records(comms_sample: CommsSample) -> None:
    truth = comms_sample.truth["meeting"]
    co = ib.comms.colocation(comms_sample.records, comms_sample.cells, window="15min")
    m = ib.comms.meetings(co)
    top = m.iloc[0]
    assert [top["number_a"], top["number_b"]] == sorted(truth["numbers"])
    pair = co[(co["number_a"] == top["number_a"]) & (co["number_b"] == top["number_b"])]
    assert len(pair) == 1
    cited = {(str(pair[f"source_{s}"].iloc[0]), int(pair[f"row_{s}"].iloc[0])) for s in "ab"}
    assert cited == {(r["file"].split("/")[-1], r["row"]) for r in truth["records"]}
    starts = {pair["start_a"].iloc[0], pair["start_b"].iloc[0]}
    assert starts == {pd.Timestamp(r["start_utc"]) for r in truth["records"]}


def test_handset_swap_is_the_only_change(comms_sample: CommsSample) -> None:
    truth = comms_sample.truth["handset_swap"]
    ch = ib.comms.handset_changes(comms_sample.records)
    assert len(ch) == 1
    row = ch.iloc[0]
    assert (row["target"], row["change"]) == (truth["number"], "handset")
    assert (row["imei_before"], row["imei_after"]) == (truth["imei_before"], truth["imei_after"])
    assert row["imsi_before"] == row["imsi_after"] == truth["imsi"]
    assert str(row["after"].tz_convert("Europe/London").date()) == truth["from_local_date"]


def test_call_network_feeds_build_network(comms_sample: CommsSample) -> None:
    truth = comms_sample.truth
    att = pd.DataFrame([{"person": v["person"], "number": n, "grade": "2BP",
                         "report_urn": "IR-2025-000001"} for n, v in truth["targets"].items()])
    graph = ib.network.build_network(ib.comms.call_links(comms_sample.records, att))
    assert graph.graph["n_quarantined"] == 0
    broker = truth["broker"]["numbers"][0]
    assert graph.nodes[broker]["node_type"] == "phone"
    person = next(iter(truth["targets"].values()))["person"]
    assert graph.nodes[person]["node_type"] == "person"
    assert graph.has_edge(person, next(iter(truth["targets"])))
