"""Communications data speed, side by side with plain pandas in one run.

Targets (issue 16): intake of 10M records in < 30 s at < 4 GB peak; top and common contacts
on 10M records in < 5 s; co-location on 1M records in < 10 s.

Each stage runs in its own process so that its peak resident memory can be reported. The
plain pandas versions do less than intelbench (no quarantine, no authority, no audit; the
co-location baseline joins only the same cell in the same 15-minute bin, a subset of the
pairs), so the ratio flatters pandas.

Wall and CPU time are both printed: on a shared machine the CPU time is the steadier
measure. Run: ``.venv/bin/python benchmarks/comms.py [--intake-rows N] [--contact-rows N]
[--coloc-rows N]`` (defaults 1,000,000, 10,000,000 and 1,000,000).
"""

from __future__ import annotations

import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

T0 = pd.Timestamp("2025-09-01", tz="UTC")
DAYS = 91


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def synth(n: int, seed: int = 1, targets: int = 2000, others: int = 200_000,
          cells: int = 3000) -> pd.DataFrame:
    """Records as read_cdr returns them (categoricals, UTC times)."""
    rng = np.random.default_rng(seed)
    tnum = np.array([f"+4477009{k:05d}" for k in range(targets)], dtype=object)
    onum = np.array([f"+44161{k:07d}" for k in range(others)], dtype=object)
    t = rng.integers(0, targets, n)
    o = (rng.zipf(1.6, n) + t * 97) % others
    start = T0 + pd.to_timedelta(rng.integers(0, DAYS * 86400, n), "s")
    return pd.DataFrame({
        "target": pd.Categorical.from_codes(t, categories=pd.Index(tnum)),
        "other": pd.Categorical.from_codes(o, categories=pd.Index(onum)),
        "direction": pd.Categorical.from_codes(rng.integers(0, 2, n), categories=["out", "in"]),
        "type": pd.Categorical.from_codes(rng.integers(0, 2, n),
                                          categories=["voice", "sms", "data"]),
        "start": start, "duration_s": rng.integers(0, 900, n),
        "cell_id": pd.Categorical.from_codes(rng.integers(0, cells, n),
                                             categories=[f"C{k}" for k in range(cells)]),
        "source": "bench.csv", "row": np.arange(2, n + 2)})


def cell_table(cells: int = 3000, seed: int = 2) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    sites = cells // 3
    xy = rng.uniform(0, 60_000, (sites, 2)).round(0)
    return pd.DataFrame({"cell_id": [f"C{k}" for k in range(cells)],
                         "easting": 400_000 + np.repeat(xy[:, 0], 3),
                         "northing": 300_000 + np.repeat(xy[:, 1], 3),
                         "azimuth": np.tile([0.0, 120.0, 240.0], sites), "beam_width": 120.0})


def write_csv(n: int, path: Path) -> None:
    rec = synth(n)
    out = pd.DataFrame({
        "MSISDN": rec["target"].astype(str).str[1:],
        "Other Party": "0" + rec["other"].astype(str).str[3:],
        "Direction": np.where(rec["direction"] == "out", "MO", "MT"),
        "Event": rec["type"].astype(str).str.upper(),
        "Start Time (UTC)": rec["start"].dt.strftime("%Y-%m-%d %H:%M:%S"),
        "Duration (s)": rec["duration_s"], "Cell ID": rec["cell_id"], "IMEI": "490154203237518",
        "IMSI": "234150000000001"})
    out.to_csv(path, index=False, lineterminator="\n")


def stage_intake(n: int, which: str) -> dict[str, float]:
    tmp = Path(tempfile.mkdtemp())
    path = tmp / "cdr.csv"
    write_csv(n, path)
    import intelbench as ib

    ws = ib.Workspace(tmp / "ws", role="ANALYST")
    auth = ib.comms.Authority("OCDA/2025/000001", "2025-09-01", "2025-12-01")
    t0, c0 = time.perf_counter(), time.process_time()
    if which == "intelbench":
        imp = ib.comms.read_cdr(path, "northcell", authority=auth, workspace=ws)
        rows = len(imp.records)
    else:  # plain pandas: read, parse times, rebuild E.164 strings; no checks
        df = pd.read_csv(path, dtype=str)
        df["start"] = pd.to_datetime(df["Start Time (UTC)"], format="%Y-%m-%d %H:%M:%S",
                                     utc=True)
        df["target"] = "+" + df["MSISDN"]
        df["other"] = "+44" + df["Other Party"].str[1:]
        df["duration_s"] = df["Duration (s)"].astype(int)
        rows = len(df)
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "rows": rows, "peak_mb": _peak_mb()}


def stage_contacts(n: int, which: str) -> dict[str, float]:
    rec = synth(n)
    if which == "pandas":  # what an analyst writes on string columns
        rec = rec.assign(target=rec["target"].astype(str), other=rec["other"].astype(str))
    import intelbench as ib

    ib.comms.top_contacts(rec.iloc[:100])  # load the modules before timing
    t0, c0 = time.perf_counter(), time.process_time()
    if which == "intelbench":
        top = ib.comms.top_contacts(rec, n=10)
        common = ib.comms.common_contacts(rec)
        out = (len(top), len(common))
    else:
        g = rec.groupby(["target", "other"]).agg(contacts=("start", "size"),
                                                 duration_s=("duration_s", "sum"),
                                                 first=("start", "min"), last=("start", "max"))
        g = g.reset_index().sort_values(["target", "contacts"], ascending=[True, False])
        top = g.groupby("target").head(10)
        nt = g.groupby("other")["target"].nunique()
        common = nt[nt >= 2]
        out = (len(top), len(common))
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "rows": n, "result": list(out),
            "peak_mb": _peak_mb()}


def stage_coloc(n: int, which: str) -> dict[str, float]:
    rec = synth(n)
    cells = cell_table()
    import intelbench as ib

    ib.comms.colocation(rec.iloc[:100], cells)  # load the modules before timing
    t0, c0 = time.perf_counter(), time.process_time()
    if which == "intelbench":
        res = ib.comms.colocation(rec, cells, window="15min", within=1500)
        pairs = len(res)
    else:  # same cell and same 15-minute bin only
        r = rec.assign(bin=rec["start"].dt.floor("15min"), cell=rec["cell_id"].astype(str),
                       num=rec["target"].astype(str))[["num", "cell", "bin", "start", "row"]]
        m = r.merge(r, on=["cell", "bin"], suffixes=("_a", "_b"))
        m = m[m["num_a"] < m["num_b"]]
        pairs = len(m)
    return {"seconds": time.perf_counter() - t0, "cpu": time.process_time() - c0,
            "rows": n, "pairs": pairs,
            "peak_mb": _peak_mb()}


def child(stage: str, n: int, which: str) -> dict[str, float]:
    out = subprocess.run([sys.executable, __file__, "--child", stage, str(n), which],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> None:
    if argv[:1] == ["--child"]:
        stage, n, which = argv[1], int(argv[2]), argv[3]
        fn = {"intake": stage_intake, "contacts": stage_contacts, "coloc": stage_coloc}[stage]
        print(json.dumps(fn(n, which)))
        return
    args = dict(zip(argv[::2], argv[1::2]))
    sizes = {"intake": int(args.get("--intake-rows", 1_000_000)),
             "contacts": int(args.get("--contact-rows", 10_000_000)),
             "coloc": int(args.get("--coloc-rows", 1_000_000))}
    targets = {"intake": 30.0 * sizes["intake"] / 10_000_000, "contacts": 5.0, "coloc": 10.0}
    for stage, n in sizes.items():
        ours = child(stage, n, "intelbench")
        base = child(stage, n, "pandas")
        ratio = base["seconds"] / ours["seconds"]
        cpu_ratio = base["cpu"] / ours["cpu"]
        print(f"{stage:<9} {n:>11,} rows  intelbench {ours['seconds']:7.2f} s wall "
              f"{ours['cpu']:7.2f} s CPU (peak {ours['peak_mb']:6.0f} MB)  plain pandas "
              f"{base['seconds']:7.2f} s wall {base['cpu']:7.2f} s CPU (peak "
              f"{base['peak_mb']:6.0f} MB)  pandas/intelbench {ratio:5.2f}x wall "
              f"{cpu_ratio:5.2f}x CPU  target {targets[stage]:.1f} s", flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
