"""Communications data speed, side by side with plain pandas in one run.

Targets (issue 16): intake of 10M records in < 30 s at < 4 GB peak; top and common contacts
on 10M records in < 5 s; co-location on 1M records in < 10 s.

Each stage runs in its own child process, intelbench then plain pandas, so that each one's
peak resident memory (``VmHWM``) is its own. The plain pandas versions do less than
intelbench, so the ratio flatters pandas:

- intake: ``pandas.read_csv`` (all text), ``to_datetime`` with the format, the same E.164
  normalisation (:func:`intelbench.comms.normalise_numbers`, once per distinct number) and
  durations to integers; no quarantine, no authority, no audit, no IMEI/IMSI checks;
- contacts: ``groupby`` on the number strings (count, duration, first, last), top 10 per
  target, and numbers in contact with two or more targets;
- co-location: a self-join on the same cell and the same 15-minute bin only (a subset of the
  pairs intelbench finds, which also looks at adjacent cells and across bin edges).

The machine is shared, so wall time depends on load. Each child also reports its CPU time
(user + system, all threads), the time its threads waited for a CPU (run-queue wait from
``/proc/self/task/*/schedstat``), major page faults (swapping or reading mapped files) and
blocks read: wall ~ CPU / threads + run-queue wait + I/O wait. The load average is printed
before and after.

Run: ``PYTHONPATH=. .venv/bin/python benchmarks/comms.py [--intake-rows N]
[--contact-rows N] [--coloc-rows N] [--csv PATH] [--only intake,contacts,coloc]``
(defaults 10,000,000, 10,000,000 and 1,000,000; ``--csv`` keeps and reuses the generated
intake file).
"""

from __future__ import annotations

import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

T0 = pd.Timestamp("2025-09-01", tz="UTC")
DAYS = 91
HEADER = "MSISDN,Other Party,Direction,Event,Start Time (UTC),Duration (s),Cell ID,IMEI,IMSI"


def _sched() -> tuple[float, float]:
    """Seconds on a CPU and waiting for one, summed over this process's threads."""
    run = wait = 0
    for t in os.listdir("/proc/self/task"):
        try:
            with open(f"/proc/self/task/{t}/schedstat") as fh:
                a = fh.read().split()
        except OSError:
            continue
        run += int(a[0])
        wait += int(a[1])
    return run / 1e9, wait / 1e9


def _peak_mb() -> float:
    """Peak resident memory of this process (VmHWM; unlike ru_maxrss, not inherited)."""
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


class Meter:
    """Wall, CPU, run-queue wait, major faults and blocks read over a block of code."""

    def __enter__(self) -> Meter:
        self.r0 = resource.getrusage(resource.RUSAGE_SELF)
        self.s0 = _sched()
        self.t0 = time.perf_counter()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.perf_counter() - self.t0
        s1 = _sched()
        r1 = resource.getrusage(resource.RUSAGE_SELF)
        self.out = {
            "seconds": self.wall,
            "cpu": (r1.ru_utime - self.r0.ru_utime) + (r1.ru_stime - self.r0.ru_stime),
            "runq_wait": s1[1] - self.s0[1],
            "major_faults": r1.ru_majflt - self.r0.ru_majflt,
            "read_mb": (r1.ru_inblock - self.r0.ru_inblock) * 512 / 2**20,
            "sleeps": r1.ru_nvcsw - self.r0.ru_nvcsw,
            "peak_mb": _peak_mb(),
        }


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
    """A Northcell-layout file of ``n`` records (MSISDN form, national other party)."""
    import pyarrow as pa
    import pyarrow.csv as pacsv

    rec = synth(n)

    def text(cat: pd.Series, fn: Any) -> pa.Array:
        cats = [fn(c) for c in cat.cat.categories]
        return pa.DictionaryArray.from_arrays(
            pa.array(cat.cat.codes.to_numpy(np.int32)), pa.array(cats)).cast(pa.string())

    table = pa.table({
        "MSISDN": text(rec["target"], lambda s: s[1:]),
        "Other Party": text(rec["other"], lambda s: "0" + s[3:]),
        "Direction": text(rec["direction"], {"out": "MO", "in": "MT"}.get),
        "Event": text(rec["type"], str.upper),
        "Start Time (UTC)": pa.array(rec["start"].dt.tz_localize(None).to_numpy(
            dtype="datetime64[s]")),
        "Duration (s)": pa.array(rec["duration_s"].to_numpy()),
        "Cell ID": text(rec["cell_id"], str),
        "IMEI": pa.array(np.full(n, "490154203237518", dtype=object)),
        "IMSI": pa.array(np.full(n, "234150000000001", dtype=object))})
    with path.open("wb") as fh:
        fh.write((HEADER + "\n").encode())
        pacsv.write_csv(table, fh, pacsv.WriteOptions(include_header=False,
                                                      quoting_style="none"))


def stage_intake(n: int, which: str, csv: str) -> dict[str, Any]:
    path = Path(csv)
    import intelbench as ib

    tmp = Path(tempfile.mkdtemp())
    ws = ib.Workspace(tmp / "ws", role="ANALYST")
    auth = ib.comms.Authority("OCDA/2025/000001", "2025-09-01", "2025-12-01")
    ib.comms.normalise_numbers(pd.Series(["07700 900123"]))  # load the modules first
    with Meter() as m:
        if which == "intelbench":
            imp = ib.comms.read_cdr(path, "northcell", authority=auth, workspace=ws)
            rows = len(imp.records)
        else:  # plain pandas: read, parse times, the same E.164 normalisation; no checks
            df = pd.read_csv(path, dtype=str)
            df["start"] = pd.to_datetime(df["Start Time (UTC)"], format="%Y-%m-%d %H:%M:%S",
                                         utc=True)
            df["target"] = ib.comms.normalise_numbers(df["MSISDN"])
            df["other"] = ib.comms.normalise_numbers(df["Other Party"])
            df["direction"] = df["Direction"].str.upper().map({"MO": "out", "MT": "in"})
            df["type"] = df["Event"].str.lower()
            df["duration_s"] = df["Duration (s)"].astype(int)
            rows = len(df)
    return {**m.out, "rows": rows}


def stage_contacts(n: int, which: str, csv: str) -> dict[str, Any]:
    rec = synth(n)
    if which == "pandas":  # what an analyst writes on string columns
        rec = rec.assign(target=rec["target"].astype(str), other=rec["other"].astype(str))
    import intelbench as ib

    ib.comms.top_contacts(rec.iloc[:100])  # load the modules before timing
    with Meter() as m:
        if which == "intelbench":
            top = ib.comms.top_contacts(rec, n=10)
            common = ib.comms.common_contacts(rec)
            out = (len(top), len(common))
        else:
            g = rec.groupby(["target", "other"]).agg(contacts=("start", "size"),
                                                     duration_s=("duration_s", "sum"),
                                                     first=("start", "min"),
                                                     last=("start", "max"))
            g = g.reset_index().sort_values(["target", "contacts"], ascending=[True, False])
            top = g.groupby("target").head(10)
            nt = g.groupby("other")["target"].nunique()
            common = nt[nt >= 2]
            out = (len(top), len(common))
    return {**m.out, "rows": out[0] + out[1], "result": list(out)}


def stage_coloc(n: int, which: str, csv: str) -> dict[str, Any]:
    rec = synth(n)
    cells = cell_table()
    import intelbench as ib

    ib.comms.colocation(rec.iloc[:100], cells)  # load the modules before timing
    with Meter() as m:
        if which == "intelbench":
            res = ib.comms.colocation(rec, cells, window="15min", within=1500)
            pairs = len(res)
        else:  # same cell and same 15-minute bin only
            r = rec.assign(bin=rec["start"].dt.floor("15min"), cell=rec["cell_id"].astype(str),
                           num=rec["target"].astype(str))[["num", "cell", "bin", "start", "row"]]
            mm = r.merge(r, on=["cell", "bin"], suffixes=("_a", "_b"))
            mm = mm[mm["num_a"] < mm["num_b"]]
            pairs = len(mm)
    return {**m.out, "rows": pairs, "pairs": pairs}


STAGES = {"intake": stage_intake, "contacts": stage_contacts, "coloc": stage_coloc}


def child(stage: str, n: int, which: str, csv: str) -> dict[str, Any]:
    out = subprocess.run([sys.executable, __file__, "--child", stage, str(n), which, csv],
                         capture_output=True, text=True, check=True)
    return dict(json.loads(out.stdout.strip().splitlines()[-1]))


def _load() -> str:
    one, five, fifteen = os.getloadavg()
    try:
        with open("/proc/pressure/cpu") as fh:
            psi = fh.readline().split()[1].split("=")[1]
    except OSError:
        psi = "?"
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f}, CPU pressure avg10 {psi}%"


def _line(name: str, r: dict[str, Any]) -> str:
    return (f"  {name:<10} {r['seconds']:7.2f} s wall {r['cpu']:7.2f} s CPU "
            f"{r['runq_wait']:7.2f} s waiting for a CPU  {r['major_faults']:>5} major faults "
            f"{r['read_mb']:4.0f} MB read {r['sleeps']:>5} sleeps  peak {r['peak_mb']:6.0f} MB  "
            f"({r['rows']:,} rows out)")


def main(argv: list[str]) -> None:
    if argv[:1] == ["--write-csv"]:  # in a child, so the parent's memory stays small
        write_csv(int(argv[1]), Path(argv[2]))
        return
    if argv[:1] == ["--child"]:
        stage, n, which, csv = argv[1], int(argv[2]), argv[3], argv[4]
        print(json.dumps(STAGES[stage](n, which, csv)))
        return
    args = dict(zip(argv[::2], argv[1::2]))
    sizes = {"intake": int(args.get("--intake-rows", 10_000_000)),
             "contacts": int(args.get("--contact-rows", 10_000_000)),
             "coloc": int(args.get("--coloc-rows", 1_000_000))}
    only = args.get("--only", ",".join(sizes)).split(",")
    targets = {"intake": 30.0 * sizes["intake"] / 10_000_000, "contacts": 5.0, "coloc": 10.0}
    print(f"start: {_load()}; {os.cpu_count()} CPUs", flush=True)
    tmpdir = None
    csv = args.get("--csv", "")
    if "intake" in only:
        if not csv:
            tmpdir = tempfile.TemporaryDirectory()
            csv = str(Path(tmpdir.name) / "cdr.csv")
        if not Path(csv).is_file():
            subprocess.run([sys.executable, __file__, "--write-csv", str(sizes["intake"]), csv],
                           check=True)
        lines = sum(1 for _ in open(csv, "rb")) - 1
        if lines != sizes["intake"]:
            raise SystemExit(f"{csv} has {lines} records, not {sizes['intake']}")
    for stage in only:
        n = sizes[stage]
        ours = child(stage, n, "intelbench", csv)
        base = child(stage, n, "pandas", csv)
        print(f"{stage}: {n:,} records (target {targets[stage]:.1f} s; {_load()})")
        print(_line("intelbench", ours))
        print(_line("pandas", base))
        print(f"  pandas / intelbench: {base['seconds'] / ours['seconds']:.2f}x wall, "
              f"{base['cpu'] / ours['cpu']:.2f}x CPU, "
              f"{base['peak_mb'] / ours['peak_mb']:.2f}x peak memory", flush=True)
    if tmpdir is not None:
        tmpdir.cleanup()


if __name__ == "__main__":
    main(sys.argv[1:])
