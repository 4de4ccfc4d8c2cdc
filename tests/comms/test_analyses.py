"""Each analysis against an independent reference: plain loops or hand-derived values."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import intelbench as ib

T0 = pd.Timestamp("2025-09-01", tz="UTC")


def _random_records(seed: int, n: int = 400, numbers: int = 6, cells: int = 8) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    nums = [f"+4477009000{k:02d}" for k in range(numbers)]
    others = nums + [f"+441614960{k:03d}" for k in range(10)]
    target = rng.choice(nums, n)
    other = rng.choice(others, n)
    other = np.where(other == target, others[-1], other)
    return pd.DataFrame({
        "target": target, "other": other,
        "type": rng.choice(["voice", "sms"], n), "direction": rng.choice(["out", "in"], n),
        "start": T0 + pd.to_timedelta(rng.integers(0, 3 * 86400, n), "s"),
        "duration_s": rng.integers(0, 600, n), "cell_id": rng.choice(
            [f"C{k}" for k in range(cells)], n), "source": "f.csv", "row": np.arange(2, n + 2)})


def test_contact_pairs_match_a_plain_loop() -> None:
    rec = _random_records(1)
    got = ib.comms.contact_pairs(rec).set_index(["target", "other"]).sort_index()
    for (t, o), g in rec.groupby(["target", "other"]):
        row = got.loc[(t, o)]
        assert row["contacts"] == len(g)
        assert row["duration_s"] == g.loc[g["type"] == "voice", "duration_s"].sum()
        assert row["first"] == g["start"].min() and row["last"] == g["start"].max()
        assert row["outgoing"] == (g["direction"] == "out").sum()
    assert len(got) == rec.groupby(["target", "other"]).ngroups


def test_top_contacts_ranks_within_each_target() -> None:
    rec = _random_records(2)
    top = ib.comms.top_contacts(rec, n=3)
    for t, g in top.groupby("target"):
        full = ib.comms.contact_pairs(rec)
        full = full[full["target"] == t]
        assert g["contacts"].tolist() == sorted(full["contacts"], reverse=True)[:3]
        assert g["rank"].tolist() == [1, 2, 3]


def test_colocation_matches_brute_force() -> None:
    """Every pair of records of different numbers within 15 min on masts within 1.5 km."""
    rng = np.random.default_rng(3)
    cells = pd.DataFrame({"cell_id": [f"C{k}" for k in range(8)],
                          "easting": rng.choice([0.0, 1000.0, 5000.0], 8),
                          "northing": rng.choice([0.0, 1200.0], 8)})
    rec = _random_records(4, n=300)
    got = ib.comms.colocation(rec, cells, window="15min", within=1500)
    # every pair of records, compared in arrays (the same all-pairs check, without a loop)
    xy = cells.set_index("cell_id")[["easting", "northing"]].loc[rec["cell_id"]].to_numpy()
    start = rec["start"].to_numpy()
    target = rec["target"].to_numpy()
    i, j = np.triu_indices(len(rec), k=1)
    d = np.hypot(*(xy[i] - xy[j]).T)
    near = ((target[i] != target[j]) & (d <= 1500)
            & (np.abs(start[i] - start[j]) <= np.timedelta64(15, "m")))
    rows = rec["row"].to_numpy()
    expect = {frozenset([int(rows[a]), int(rows[b])]) for a, b in zip(i[near], j[near])}
    assert {frozenset([int(x), int(y)]) for x, y in zip(got["row_a"], got["row_b"])} == expect
    assert (got["number_a"] < got["number_b"]).all()
    assert len(expect) > 10


def test_handset_and_sim_changes() -> None:
    imei1, imei2 = "490154203237518", "356938035643809"
    rec = pd.DataFrame({"target": "+447700900001",
                        "start": T0 + pd.to_timedelta([0, 1, 2, 3], "D"),
                        "imei": [imei1, imei2, imei2, imei2],
                        "imsi": ["234150000000001"] * 3 + ["234150000000002"]})
    ch = ib.comms.handset_changes(rec)
    assert ch["change"].tolist() == ["handset", "SIM"]
    assert ch["after"].tolist() == [T0 + pd.Timedelta("1D"), T0 + pd.Timedelta("3D")]
    assert ib.comms.pairings(rec)["records"].tolist() == [1, 2, 1]


def test_bursts_and_callbacks_hand_cases() -> None:
    times = list(T0 + pd.to_timedelta(range(48), "h"))
    times += [T0 + pd.Timedelta(hours=10, minutes=m) for m in range(1, 9)]
    rec = pd.DataFrame({"target": "+447700900001", "start": times})
    b = ib.comms.bursts(rec)
    assert b["start"].tolist() == [T0 + pd.Timedelta(hours=10)]
    assert b["count"].tolist() == [9]
    cb = pd.DataFrame({"target": "+447700900001", "other": "+447700900002",
                       "type": ["voice", "voice", "voice"], "direction": ["in", "out", "in"],
                       "start": [T0, T0 + pd.Timedelta("2min"), T0 + pd.Timedelta("1h")],
                       "duration_s": 30})
    res = ib.comms.callbacks(cb)
    assert res["delay_s"].tolist() == [120.0]


def test_common_contacts_and_chain() -> None:
    rec = pd.DataFrame({"target": ["+447700900001", "+447700900002", "+447700900003"],
                        "other": ["+447700900009"] * 2 + ["+447700900002"],
                        "type": "voice", "direction": "out", "start": T0, "duration_s": 9})
    cc = ib.comms.common_contacts(rec, groups={"+447700900001": "G1", "+447700900002": "G2"})
    assert cc["other"].tolist() == ["+447700900009"]
    assert cc["groups"].tolist() == [("G1", "G2")]
    ch = ib.comms.contact_chains(rec, "+447700900001", "+447700900003")
    assert ch["chain"].tolist() == [("+447700900001", "+447700900009", "+447700900002",
                                     "+447700900003")]


def test_day_hour_uses_uk_local_time() -> None:
    rec = pd.DataFrame({"target": "+447700900001",
                        "start": [pd.Timestamp("2025-07-01 19:30", tz="UTC"),     # Tue 20:30
                                  pd.Timestamp("2025-12-02 19:30", tz="UTC")]})  # Tue 19:30
    t = ib.comms.day_hour(rec)
    assert int(t.loc["Tue", 20]) == 1 and int(t.loc["Tue", 19]) == 1
    assert t.shape == (7, 24)


def test_analyses_do_not_modify_input() -> None:
    rec = _random_records(5)
    before = rec.copy()
    cells = pd.DataFrame({"cell_id": [f"C{k}" for k in range(8)], "easting": 0.0,
                          "northing": np.arange(8) * 1000.0})
    ib.comms.top_contacts(rec)
    ib.comms.contact_gaps(rec)
    ib.comms.common_contacts(rec)
    ib.comms.colocation(rec, cells)
    ib.comms.replacement_phones(rec)
    ib.comms.callbacks(rec)
    pd.testing.assert_frame_equal(rec, before)


def test_contact_gaps_quiet_on_steady_contact() -> None:
    days = pd.to_timedelta(range(30), "D")
    rec = pd.DataFrame({"target": "+447700900001", "other": "+447700900002", "type": "voice",
                        "direction": "out", "start": T0 + days, "duration_s": 60})
    assert ib.comms.contact_gaps(rec).empty


def test_cell_table_errors_name_line_and_column(tmp_path: Path) -> None:
    f = tmp_path / "cells.csv"
    f.write_text("cell_id,easting,northing,azimuth,beam_width\n"
                 "C1,400000,500000,0,120\nC1,400000,500000,120,120\nC2,400000,500000,400,120\n")
    with pytest.raises(ib.SchemaError) as err:
        ib.comms.read_cells(f)
    msg = str(err.value)
    assert "line 4, column azimuth: above the maximum 360" in msg
    assert "line 3, column cell_id: repeated cell ID" in msg


def test_partner_summary_has_labels_not_numbers() -> None:
    rec = _random_records(6)
    labels = ib.comms.number_labels(sorted(set(rec["target"])))
    out = ib.comms.daily_counts(rec, labels)
    text = out.to_csv()
    assert "+44" not in text and "C1" not in text
    assert set(out["phone"]) == set(labels.values())
    assert int(out[["voice", "sms", "data"]].to_numpy().sum()) == len(rec)


@pytest.mark.parametrize("as_category", [False, True])
def test_contact_pairs_match_pandas_groupby_with_data_and_missing(as_category: bool) -> None:
    """Integer-code aggregation = a plain pandas groupby, whatever the dtypes and time unit."""
    rng = np.random.default_rng(5)
    rec = _random_records(5, n=3000)
    rec["type"] = rng.choice(["voice", "sms", "data"], len(rec))
    rec.loc[rng.random(len(rec)) < 0.1, "other"] = None
    rec["start"] = rec["start"].dt.as_unit("s") if as_category else rec["start"]
    if as_category:
        for c in ("target", "other", "type", "direction"):
            rec[c] = rec[c].astype("category")
        rec["target"] = rec["target"].cat.add_categories(["+447700900999"])  # unused
    got = ib.comms.contact_pairs(rec).astype({"target": str, "other": str})
    r = rec[rec["other"].notna() & rec["type"].isin(["voice", "sms"])].astype(
        {"target": str, "other": str, "type": str, "direction": str})
    r = r.assign(voice_s=np.where(r["type"] == "voice", r["duration_s"], 0),
                 day=r["start"].dt.tz_convert("Europe/London").dt.date)
    ref = r.groupby(["target", "other"]).agg(
        contacts=("start", "size"), voice=("type", lambda s: (s == "voice").sum()),
        outgoing=("direction", lambda s: (s == "out").sum()), duration_s=("voice_s", "sum"),
        first=("start", "min"), last=("start", "max"), days=("day", "nunique")).reset_index()
    m = got.merge(ref, on=["target", "other"], suffixes=("", "_ref"), how="outer",
                  indicator=True)
    assert (m["_merge"] == "both").all() and len(m) == len(ref) > 50
    for c in ("contacts", "voice", "outgoing", "duration_s", "days"):
        assert (m[c] == m[c + "_ref"]).all(), c
    assert (m["sms"] + m["voice"] == m["contacts"]).all()
    assert (m["first"] == m["first_ref"]).all() and (m["last"] == m["last_ref"]).all()
    top = ib.comms.top_contacts(rec, n=3).astype({"target": str, "other": str})
    plain = ib.comms.top_contacts(rec.astype({"target": str, "other": str}).replace(
        {"other": {"nan": None}}), n=3)
    pd.testing.assert_frame_equal(top, plain, check_dtype=False)
