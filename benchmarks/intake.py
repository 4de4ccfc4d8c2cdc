"""Intake speed: read 1M rows of data.police.uk street CSV with read_police_uk.

Writes twelve monthly files (1,000,000 rows in all, the sample force's layout and quirks:
ASB without Crime ID, No Location rows, a few at 0,0) into a temporary folder, then reads
them in a fresh subprocess per method and reports wall time and peak memory (ru_maxrss):

- intelbench: ``ib.read_police_uk(folder)`` (checks, intake report, EPSG:27700 points)
- baseline: ``pandas.read_csv`` per file + concat + drop blank coordinates +
  ``geopandas.points_from_xy`` + ``to_crs(27700)`` (no checks, no report)

Run: ``.venv/bin/python benchmarks/intake.py [rows]``. Targets: under 10 s and 2 GB.
``--bulk [rows] [--files DIR] [--pandas-files K]`` writes the 120 files into DIR once and
reuses them after; ``--pandas-files K`` runs plain pandas on the first K files only (it
cannot hold 20M rows in its 12 GB cap).

Ten years (issue 18): ``.venv/bin/python benchmarks/intake.py --bulk [rows]`` writes 120
monthly files and compares, each in its own process, ``police_uk_to_parquet`` (DuckDB,
same checks, Parquet out) and the month x 100 m cube in SQL (``space_time_counts``) with
the pandas baseline above and a pandas groupby cube. Targets: 20M rows in < 60 s and < 4 GB;
the 20M-row cube in < 10 s.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

HEADER = ["Crime ID", "Month", "Reported by", "Falls within", "Longitude", "Latitude",
          "Location", "LSOA code", "LSOA name", "Crime type", "Last outcome category", "Context"]
TYPES = ["Anti-social behaviour", "Violence and sexual offences", "Criminal damage and arson",
         "Shoplifting", "Burglary", "Other theft", "Public order", "Vehicle crime", "Drugs"]
OUTCOMES = ["Under investigation", "Investigation complete; no suspect identified",
            "Unable to prosecute suspect", "Awaiting court outcome", "Local resolution"]


def make_files(folder: Path, rows: int, seed: int = 1, months: int = 12) -> list[Path]:
    rng = np.random.default_rng(seed)
    n_pts = 20_000
    lon = rng.uniform(-1.6, -1.1, n_pts)
    lat = rng.uniform(52.9, 53.2, n_pts)
    lon_s = np.array([f"{v:.6f}" for v in lon], dtype=object)
    lat_s = np.array([f"{v:.6f}" for v in lat], dtype=object)
    streets = np.array([f"On or near Street {i}" for i in range(3000)], dtype=object)
    lsoa = np.array([f"E0190{i:04d}" for i in range(1500)], dtype=object)
    files = []
    per = rows // months
    for m in range(1, months + 1):
        n = per if m < months else rows - per * (months - 1)
        ym = f"{2025 - (months - 1) // 12 + (m - 1) // 12}-{(m - 1) % 12 + 1:02d}"
        pt = rng.integers(0, n_pts, n)
        ctype = np.array(TYPES, dtype=object)[rng.integers(0, len(TYPES), n)]
        asb = ctype == TYPES[0]
        raw = rng.bytes(32 * n).hex()
        ids = np.array([raw[i * 64:(i + 1) * 64] for i in range(n)], dtype=object)
        area = pt % 1500
        df = pd.DataFrame({
            "Crime ID": np.where(asb, "", ids), "Month": ym,
            "Reported by": "Northshire Police", "Falls within": "Northshire Police",
            "Longitude": lon_s[pt], "Latitude": lat_s[pt], "Location": streets[pt % 3000],
            "LSOA code": lsoa[area], "LSOA name": [f"Area {a:04d}" for a in area],
            "Crime type": ctype,
            "Last outcome category": np.where(
                asb, "", np.array(OUTCOMES, dtype=object)[rng.integers(0, 5, n)]),
            "Context": "",
        })
        noloc = rng.random(n) < 0.001
        df.loc[noloc, ["Longitude", "Latitude", "LSOA code", "LSOA name"]] = ""
        df.loc[noloc, "Location"] = "No Location"
        zero = rng.random(n) < 0.0001
        df.loc[zero, ["Longitude", "Latitude"]] = "0.000000"
        sub = folder / ym
        sub.mkdir(parents=True, exist_ok=True)
        path = sub / f"{ym}-northshire-street.csv"
        df[HEADER].to_csv(path, index=False, lineterminator="\r\n")
        files.append(path)
    return files


OURS = """
import json, resource, sys, time
t = time.perf_counter()
import intelbench as ib
gdf = ib.read_police_uk(sys.argv[1])
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "cpu": ru.ru_utime + ru.ru_stime, "rows": len(gdf),
                  "excluded": ib.intake.IntakeReport.counts(gdf.attrs["intake"]),
                  "peak_mb": ru.ru_maxrss / 1024}))
"""

BASELINE = """
import json, resource, sys, time
from pathlib import Path
t = time.perf_counter()
import pandas as pd, geopandas as gpd
files = sorted(Path(sys.argv[1]).rglob("*-street.csv"))
df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
df = df.dropna(subset=["Longitude", "Latitude"])
df = df[(df["Longitude"] != 0) | (df["Latitude"] != 0)]
gdf = gpd.GeoDataFrame(df, geometry=gpd.points_from_xy(df["Longitude"], df["Latitude"]),
                       crs=4326).to_crs(27700)
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "cpu": ru.ru_utime + ru.ru_stime, "rows": len(gdf),
                  "peak_mb": ru.ru_maxrss / 1024}))
"""


BULK = """
import json, resource, sys, time
t = time.perf_counter()
import intelbench as ib
from intelbench.intake.bulk import space_time_counts
res = ib.read_police_uk(sys.argv[1], out=sys.argv[2])  # the DuckDB engine, Parquet out
dt = time.perf_counter() - t
ru = resource.getrusage(resource.RUSAGE_SELF)
cpu = ru.ru_utime + ru.ru_stime
t2 = time.perf_counter()
cube = space_time_counts(res.parquet, cell_size=100)
dc = time.perf_counter() - t2
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "cube_seconds": dc, "cpu": cpu,
                  "cube_cpu": ru.ru_utime + ru.ru_stime - cpu,
                  "rows": res.report.rows_kept, "cells": len(cube),
                  "cube_total": int(cube["count"].sum()),
                  "excluded": res.report.counts(), "peak_mb": ru.ru_maxrss / 1024}))
"""

PANDAS_CUBE = """
import json, resource, sys, time
from pathlib import Path
cap = int(sys.argv[3]) if len(sys.argv) > 3 else 0
if cap:  # an address-space cap, so running out of memory fails here, not the machine
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
t = time.perf_counter()
import pandas as pd, geopandas as gpd
files = sorted(Path(sys.argv[1]).rglob("*-street.csv"))
if len(sys.argv) > 2 and int(sys.argv[2]):
    files = files[:int(sys.argv[2])]
df = pd.concat([pd.read_csv(f) for f in files], ignore_index=True)
df = df.dropna(subset=["Longitude", "Latitude"])
df = df[(df["Longitude"] != 0) | (df["Latitude"] != 0)]
pts = gpd.GeoSeries(gpd.points_from_xy(df["Longitude"], df["Latitude"]), crs=4326).to_crs(27700)
dt = time.perf_counter() - t
t2 = time.perf_counter()
ru = resource.getrusage(resource.RUSAGE_SELF)
cpu = ru.ru_utime + ru.ru_stime
cube = pd.DataFrame({"month": df["Month"].to_numpy(), "col": (pts.x // 100).to_numpy(),
                     "row": (pts.y // 100).to_numpy()}).groupby(["month", "row", "col"]).size()
dc = time.perf_counter() - t2
ru = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"seconds": dt, "cube_seconds": dc, "cpu": cpu,
                  "cube_cpu": ru.ru_utime + ru.ru_stime - cpu,
                  "rows": len(df), "cells": len(cube), "cube_total": int(cube.sum()),
                  "files": len(files), "peak_mb": ru.ru_maxrss / 1024}))
"""


def bulk_files(folder: Path, rows: int) -> list[Path]:
    """The 120 monthly files of ``rows`` rows in ``folder``: written once, then reused."""
    stamp = folder / f"rows-{rows}.done"
    if stamp.is_file():
        files = sorted(folder.rglob("*-street.csv"))
        print(f"reusing {rows:,} rows in {len(files)} monthly files in {folder}", flush=True)
        return files
    t = time.perf_counter()
    files = make_files(folder, rows, months=120)
    stamp.write_text("")
    size = sum(f.stat().st_size for f in files) / 1e6
    print(f"wrote {rows:,} rows in {len(files)} monthly files ({size:.0f} MB) in {folder} "
          f"in {time.perf_counter() - t:.1f} s", flush=True)
    return files


def bulk(rows: int, folder: Path | None, pandas_files: int = 0) -> None:
    with tempfile.TemporaryDirectory() as tmp:
        if folder is None:
            folder = Path(tmp) / "in"
        files = bulk_files(folder, rows)
        print(f"load average before: {os.getloadavg()}", flush=True)
        ours = run(BULK, folder, Path(tmp) / "parquet")
        print(f"DuckDB done: {ours} (load average {os.getloadavg()})", flush=True)
        cap = 12 << 30  # pandas gets 12 GB of address space; past it, 1/4 of the files
        try:
            if pandas_files:  # --pandas-files K: plain pandas on the first K files only
                print(f"plain pandas on {pandas_files} of the {len(files)} files", flush=True)
            base = run(PANDAS_CUBE, folder, str(pandas_files), str(cap))
        except subprocess.CalledProcessError as exc:
            print(f"plain pandas did not finish {rows:,} rows within {cap >> 30} GB: "
                  f"{exc.stderr.strip().splitlines()[-1][:200]}; measuring it on "
                  f"{len(files) // 4} of the {len(files)} files", flush=True)
            base = run(PANDAS_CUBE, folder, str(len(files) // 4), str(cap))
    print(f"{'method':<22}{'intake s':>10}{'CPU s':>8}{'cube s':>8}{'CPU s':>8}{'peak MB':>9}"
          f"{'rows kept':>12}{'cells':>10}")
    for name, r in (("intelbench (DuckDB)", ours), ("plain pandas", base)):
        print(f"{name:<22}{r['seconds']:>10.2f}{r['cpu']:>8.2f}{r['cube_seconds']:>8.2f}"
              f"{r['cube_cpu']:>8.2f}{r['peak_mb']:>9.0f}{r['rows']:>12,}{r['cells']:>10,}")
    scale = ours["rows"] / base["rows"]  # pandas may have read a quarter of the files
    print(f"pandas/intelbench per row: intake {base['seconds'] * scale / ours['seconds']:.2f}x "
          f"wall, {base['cpu'] * scale / ours['cpu']:.2f}x CPU; kept out: {ours['excluded']}")
    print(f"load average after {os.getloadavg()} on {os.cpu_count()} cores; targets at 20M: "
          "intake < 60 s, < 4 GB; cube < 10 s")


def run(code: str, folder: Path, *extra: Path) -> dict:
    out = subprocess.run([sys.executable, "-c", code, str(folder), *map(str, extra)],
                         capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    if sys.argv[1:2] == ["--bulk"]:
        args = sys.argv[2:]
        folder = None
        if "--files" in args:  # --files DIR: write the monthly files there once, reuse them
            i = args.index("--files")
            folder = Path(args[i + 1])
            del args[i:i + 2]
        pandas_files = 0
        if "--pandas-files" in args:  # run plain pandas on the first K files only
            i = args.index("--pandas-files")
            pandas_files = int(args[i + 1])
            del args[i:i + 2]
        bulk(int(args[0]) if args else 20_000_000, folder, pandas_files)
        return
    rows = int(sys.argv[1]) if len(sys.argv) > 1 else 1_000_000
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        t = time.perf_counter()
        files = make_files(folder, rows)
        size = sum(f.stat().st_size for f in files) / 1e6
        print(f"wrote {rows:,} rows in {len(files)} files ({size:.0f} MB) "
              f"in {time.perf_counter() - t:.1f} s")
        ours = run(OURS, folder)
        base = run(BASELINE, folder)
    print(f"{'method':<12}{'wall s':>10}{'CPU s':>10}{'peak MB':>10}{'rows kept':>12}")
    for name, r in (("intelbench", ours), ("baseline", base)):
        print(f"{name:<12}{r['seconds']:>10.2f}{r['cpu']:>10.2f}{r['peak_mb']:>10.0f}"
              f"{r['rows']:>12,}")
    print("(wall time includes imports and waiting for a shared CPU; CPU s is the process's "
          "own user+system time)")
    print(f"time ratio intelbench/baseline: {ours['seconds'] / base['seconds']:.2f} wall, "
          f"{ours['cpu'] / base['cpu']:.2f} CPU; "
          f"memory ratio: {ours['peak_mb'] / base['peak_mb']:.2f}")
    print(f"kept out by intelbench: {ours['excluded']}")
    load = os.getloadavg()[0]
    print(f"targets: memory < 2 GB {'met' if ours['peak_mb'] < 2048 else 'NOT met'}; "
          f"< 10 s wall {'met' if ours['seconds'] < 10 else 'NOT met'}, "
          f"< 10 s CPU {'met' if ours['cpu'] < 10 else 'NOT met'} "
          f"(load average {load:.1f} on {os.cpu_count()} cores)")


if __name__ == "__main__":
    main()
