"""One year of Northshire crime: events with true times and places, street CSVs, extract."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
import shapely
from pyproj import Transformer
from scipy.spatial import cKDTree

from intelbench.samples._area import Geography
from intelbench.samples._vocab import ASB, CRIME_TYPES, FORCE, HEADER, OUTCOMES, SECTORS

__all__ = ["YEAR", "CrimeSet", "build_crimes", "write_extract", "write_street_csvs"]

YEAR = 2025
_START = np.datetime64(f"{YEAR}-01-01T00:00")
_END = np.datetime64(f"{YEAR + 1}-01-01T00:00")
_MINUTES = int((_END - _START) / np.timedelta64(1, "m"))

# (name, sector index, offset from the town centre (m), spread (m))
_HOTSPOTS = [
    ("Oldcaster town centre", 0, (150.0, -100.0), 140.0),
    ("Oldcaster retail park", 0, (1800.0, 900.0), 120.0),
    ("Kestermoor centre", 1, (0.0, 0.0), 150.0),
    ("Wrenhallow Moor estate", 2, (-600.0, 500.0), 220.0),
    ("Dunmere centre", 3, (100.0, 50.0), 150.0),
    ("Oldcaster Eastfield estate", 0, (-1500.0, -1200.0), 250.0),
]
# crime type -> {hotspot index: share of that type's rows}; the rest is background
_HOT_SHARE: dict[str, dict[int, float]] = {
    ASB: {0: 0.10, 3: 0.08, 5: 0.07, 2: 0.04, 4: 0.03},
    "Violence and sexual offences": {2: 0.04, 4: 0.03, 5: 0.04},
    "Criminal damage and arson": {3: 0.08, 5: 0.08},
    "Other theft": {0: 0.12, 1: 0.08, 2: 0.05},
    "Shoplifting": {0: 0.30, 1: 0.30, 2: 0.12, 4: 0.10},
    "Public order": {2: 0.05, 4: 0.04},
    "Vehicle crime": {1: 0.08, 5: 0.06},
    "Drugs": {3: 0.25, 5: 0.20, 0: 0.10},
    "Theft from the person": {0: 0.45, 2: 0.10},
    "Robbery": {0: 0.25, 5: 0.10},
    "Possession of weapons": {0: 0.15, 3: 0.15},
    "Bicycle theft": {0: 0.20, 2: 0.08},
}
# crime type -> (seasonal amplitude, peak month)
_SEASON: dict[str, tuple[float, float]] = {
    ASB: (0.30, 7.0),
    "Violence and sexual offences": (0.15, 7.0),
    "Burglary": (0.30, 12.0),
    "Bicycle theft": (0.45, 8.0),
    "Criminal damage and arson": (0.12, 10.5),
    "Public order": (0.12, 7.0),
}
_NTE_SHARE = {"Violence and sexual offences": 0.22, "Public order": 0.25}
_HOURS = {
    "day": np.array([1, 1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 8, 8, 8, 8, 8, 7, 6, 5, 4, 3, 2, 1.5]),
    "evening": np.array([3, 2, 1.5, 1, 1, 1, 1, 2, 3, 4, 4, 5, 5, 5, 6, 7, 8, 8, 9, 9, 8, 7, 6, 4]),
    "burglary": np.array([3, 2, 2, 2, 1.5, 1, 1, 2, 4, 5, 6, 6, 6, 6, 6, 7, 8, 9, 9, 8, 7, 5, 4,
                          3]),
    "shop": np.array([0, 0, 0, 0, 0, 0, 0, 1, 4, 7, 9, 10, 10, 10, 10, 10, 9, 8, 6, 4, 2, 1, 0, 0]),
}
_HOUR_KIND = {"Burglary": "burglary", "Shoplifting": "shop", ASB: "evening",
              "Violence and sexual offences": "evening", "Public order": "evening",
              "Criminal damage and arson": "evening", "Robbery": "evening"}


@dataclass
class CrimeSet:
    events: pd.DataFrame  # one row per event, true place and time, snapped point, crime id
    truth: dict[str, Any] = field(default_factory=dict)


def _hotspot_xy(k: int) -> tuple[float, float]:
    name, s, (dx, dy), sd = _HOTSPOTS[k]
    cx, cy = SECTORS[s][1]
    return cx + dx, cy + dy


def _times(rng: np.random.Generator, n: int, ctype: str) -> np.ndarray:
    """Minutes since the start of the year, with seasonality and an hour-of-day profile."""
    amp, peak = _SEASON.get(ctype, (0.05, 7.0))
    days = np.arange(365)
    month = (_START + days.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12 + 1
    w = 1.0 + amp * np.cos(2 * np.pi * (month - peak) / 12.0)
    day = rng.choice(365, size=n, p=w / w.sum())
    prof = _HOURS[_HOUR_KIND.get(ctype, "day")]
    hour = rng.choice(24, size=n, p=prof / prof.sum())
    return day * 1440 + hour * 60 + rng.integers(0, 60, n)


def _nte_times(rng: np.random.Generator, n: int) -> np.ndarray:
    """Friday and Saturday nights, 21:00 to about 04:00."""
    days = np.arange(365)
    dow = (days + 3) % 7  # 2025-01-01 is a Wednesday; Monday = 0
    nights = days[((dow == 4) | (dow == 5)) & (days < 364)]
    month = (_START + nights.astype("timedelta64[D]")).astype("datetime64[M]").astype(int) % 12
    w = 1.0 + 0.15 * np.cos(2 * np.pi * (month + 1 - 7.0) / 12.0)
    day = rng.choice(nights, size=n, p=w / w.sum())
    offset = np.clip(rng.gamma(3.0, 55.0, n), 0, 7 * 60 - 1).astype(int)  # minutes after 21:00
    return day * 1440 + 21 * 60 + offset


def _background(rng: np.random.Generator, geo: Geography, n: int, weights: np.ndarray
                ) -> np.ndarray:
    pts = geo.points
    idx = rng.choice(len(pts), size=n, p=weights / weights.sum())
    xy = pts[["easting", "northing"]].to_numpy()[idx]
    return xy + rng.normal(0, 35.0, (n, 2))


def _inside(geo: Geography, xy: np.ndarray, fallback: tuple[float, float]) -> np.ndarray:
    poly = geo.boundary.geometry.iloc[0]
    ok = shapely.contains_xy(poly, xy[:, 0], xy[:, 1])
    xy = xy.copy()
    xy[~ok] = fallback
    return xy


def build_crimes(rng: np.random.Generator, geo: Geography, scale: float = 1.0) -> CrimeSet:
    total = int(round(60000 * scale))
    types = list(CRIME_TYPES)
    counts = {t: int(round(total * CRIME_TYPES[t])) for t in types}
    pts = geo.points
    area_risk = dict(zip(geo.areas["area_code"],
                         rng.lognormal(0.0, 0.7, len(geo.areas)), strict=True))
    point_risk = rng.lognormal(0.0, 0.9, len(pts))
    per_area = pts.groupby("area_code")["point_id"].transform("count").to_numpy()
    residents = pts["area_code"].map(geo.areas.set_index("area_code")["residents"]).to_numpy()
    base_w = pts["area_code"].map(area_risk).to_numpy() * point_risk * residents / per_area
    parts: list[pd.DataFrame] = []
    truth: dict[str, Any] = {"hotspots": [], "burglary_series": {}, "nte": {}}
    for k, (name, _s, _o, sd) in enumerate(_HOTSPOTS):
        x, y = _hotspot_xy(k)
        truth["hotspots"].append({"name": name, "easting": x, "northing": y, "sd_m": sd})
    for ctype in types:
        n = counts[ctype]
        pattern = np.array(["background"] * n, dtype=object)
        xy = np.empty((n, 2))
        minutes = np.empty(n, dtype=np.int64)
        pos = 0
        nte_n = int(round(n * _NTE_SHARE.get(ctype, 0.0)))
        if nte_n:
            c = _hotspot_xy(0)
            xy[:nte_n] = rng.normal(c, 130.0, (nte_n, 2))
            minutes[:nte_n] = _nte_times(rng, nte_n)
            pattern[:nte_n] = "nte"
            pos = nte_n
        for k, share in _HOT_SHARE.get(ctype, {}).items():
            m = int(round(n * share))
            sd = _HOTSPOTS[k][3]
            xy[pos:pos + m] = rng.normal(_hotspot_xy(k), sd, (m, 2))
            minutes[pos:pos + m] = _times(rng, m, ctype)
            pattern[pos:pos + m] = f"hotspot:{k}"
            pos += m
        if ctype == "Burglary":
            pos = _burglary(rng, geo, xy, minutes, pattern, pos, n, base_w, truth)
        rest = n - pos
        xy[pos:] = _background(rng, geo, rest, base_w)
        minutes[pos:] = _times(rng, rest, ctype)
        xy = _inside(geo, xy, _hotspot_xy(0))
        parts.append(pd.DataFrame({"crime_type": ctype, "x": xy[:, 0], "y": xy[:, 1],
                                   "minute": minutes, "pattern": pattern}))
    ev = pd.concat(parts, ignore_index=True)
    ev = _finish(rng, geo, ev)
    series = ev.loc[ev["pattern"] == "series"]
    truth["burglary_series"] = {
        "description": "one offender's burglary series, Kestermoor sector, autumn",
        "event_ids": series["event_id"].tolist(),
        "crime_ids": series["crime_id"].tolist(),
    }
    nte = ev["pattern"] == "nte"
    truth["nte"] = {"hotspot": _HOTSPOTS[0][0], "events": int(nte.sum()),
                    "window": "Friday and Saturday 21:00 to 04:00"}
    truth["near_repeat_offspring"] = int((ev["pattern"] == "near_repeat").sum())
    return CrimeSet(events=ev, truth=truth)


def _burglary(rng: np.random.Generator, geo: Geography, xy: np.ndarray, minutes: np.ndarray,
              pattern: np.ndarray, pos: int, n: int, base_w: np.ndarray,
              truth: dict[str, Any]) -> int:
    # the series: a chain of 30 burglaries, each 80-350 m and 1-3 days after the last
    n_series = min(30, max(8, n // 20))
    cx, cy = SECTORS[1][1]
    t = 270 * 1440  # late September
    x, y = cx + 700.0, cy - 400.0
    for _ in range(n_series):
        xy[pos] = (x, y)
        minutes[pos] = t + int(rng.integers(17 * 60, 22 * 60))
        pattern[pos] = "series"
        pos += 1
        ang, dist = rng.uniform(0, 2 * np.pi), rng.uniform(80, 350)
        x, y = x + dist * np.cos(ang), y + dist * np.sin(ang)
        t += int(rng.integers(1, 4)) * 1440
    # background burglaries, weighted to households, with near-repeat offspring
    rest = n - pos
    n_off = int(round(rest * 0.22))
    n_base = rest - n_off
    bxy = _background(rng, geo, n_base, base_w)
    bmin = _times(rng, n_base, "Burglary")
    xy[pos:pos + n_base], minutes[pos:pos + n_base] = bxy, bmin
    pos += n_base
    got = 0
    while got < n_off:
        m = 2 * (n_off - got) + 4
        parent = rng.integers(0, n_base, m)
        angs, dists = rng.uniform(0, 2 * np.pi, m), rng.uniform(15, 200, m)
        oxy = bxy[parent] + np.column_stack([dists * np.cos(angs), dists * np.sin(angs)])
        omin = bmin[parent] + rng.integers(12 * 60, 14 * 1440, m)
        keep = np.flatnonzero(omin < _MINUTES)[: n_off - got]
        xy[pos:pos + len(keep)] = oxy[keep]
        minutes[pos:pos + len(keep)] = omin[keep]
        pattern[pos:pos + len(keep)] = "near_repeat"
        pos += len(keep)
        got += len(keep)
    return pos


def _finish(rng: np.random.Generator, geo: Geography, ev: pd.DataFrame) -> pd.DataFrame:
    pts = geo.points
    tree = cKDTree(pts[["easting", "northing"]].to_numpy())
    _, snap = tree.query(ev[["x", "y"]].to_numpy())
    ev["point_id"] = snap
    ev["easting"] = ev["x"].round(0).astype(int)
    ev["northing"] = ev["y"].round(0).astype(int)
    # true containing area (falls back to the snapped point's area on an edge)
    cont = geo.areas.sindex.query(shapely.points(ev[["x", "y"]].to_numpy()), predicate="within")
    area = pts["area_code"].to_numpy()[snap].astype(object)
    area[cont[0]] = geo.areas["area_code"].to_numpy()[cont[1]]
    ev["area_code"] = area
    dt = _START + ev["minute"].to_numpy().astype("timedelta64[m]")
    ev["datetime"] = pd.to_datetime(dt)
    ev["month"] = ev["datetime"].dt.strftime("%Y-%m")
    ev = ev.sort_values(["datetime", "crime_type", "x"], kind="mergesort").reset_index(drop=True)
    ev.insert(0, "event_id", [f"EV-{YEAR}-{i:06d}" for i in range(1, len(ev) + 1)])
    raw = rng.bytes(32 * len(ev))
    ids = [raw[i * 32:(i + 1) * 32].hex() for i in range(len(ev))]
    ev["crime_id"] = np.where(ev["crime_type"] == ASB, "", ids)
    # outcomes: recent months are more often still under investigation
    names = list(OUTCOMES)
    base = np.array([OUTCOMES[o] for o in names])
    mon = ev["datetime"].dt.month.to_numpy()
    out = np.empty(len(ev), dtype=object)
    for m in range(1, 13):
        w = base.copy()
        w[names.index("Under investigation")] *= 1 + 6 * (m / 12) ** 3
        w[names.index("Awaiting court outcome")] *= 1 + 2 * (m / 12) ** 2
        sel = mon == m
        out[sel] = rng.choice(names, size=int(sel.sum()), p=w / w.sum())
    drugs = ev["crime_type"].to_numpy() == "Drugs"
    dnames = ["Offender given a drugs possession warning", "Local resolution",
              "Awaiting court outcome", "Offender given a caution", "Under investigation",
              "Unable to prosecute suspect", "Offender fined"]
    dw = np.array([0.25, 0.2, 0.15, 0.1, 0.12, 0.1, 0.08])
    out[drugs] = rng.choice(dnames, size=int(drugs.sum()), p=dw)
    out[ev["crime_type"].to_numpy() == ASB] = ""
    ev["outcome"] = out
    # publication quirks: no location (never ASB) and a few zeroed coordinates
    ev["published"] = "point"
    cand = np.flatnonzero((ev["crime_type"] != ASB).to_numpy() & (ev["pattern"] != "series"))
    tw = ev["crime_type"].iloc[cand].map(
        {"Drugs": 6.0, "Vehicle crime": 3.0, "Other crime": 4.0, "Possession of weapons": 4.0}
    ).fillna(1.0).to_numpy()
    n_noloc = max(3, int(round(len(ev) * 0.0009)))
    n_zero = max(2, int(round(len(ev) * 0.0001)))
    pick = rng.choice(cand, size=n_noloc + n_zero, replace=False, p=tw / tw.sum())
    ev.loc[pick[:n_noloc], "published"] = "no_location"
    ev.loc[pick[n_noloc:], "published"] = "zero"
    return ev


def write_street_csvs(ev: pd.DataFrame, geo: Geography, out: Path) -> list[Path]:
    pts = geo.points
    to_ll = Transformer.from_crs("EPSG:27700", "EPSG:4326", always_xy=True)
    lon, lat = to_ll.transform(pts["easting"].to_numpy(), pts["northing"].to_numpy())
    lon_s = np.array([f"{v:.6f}" for v in lon], dtype=object)
    lat_s = np.array([f"{v:.6f}" for v in lat], dtype=object)
    loc = ("On or near " + pts["label"]).to_numpy(dtype=object)
    code = pts["area_code"].to_numpy(dtype=object)
    name = pts["area_name"].to_numpy(dtype=object)
    p = ev["point_id"].to_numpy()
    df = pd.DataFrame({
        "Crime ID": ev["crime_id"].to_numpy(), "Month": ev["month"].to_numpy(),
        "Reported by": FORCE, "Falls within": FORCE,
        "Longitude": lon_s[p], "Latitude": lat_s[p], "Location": loc[p],
        "LSOA code": code[p], "LSOA name": name[p], "Crime type": ev["crime_type"].to_numpy(),
        "Last outcome category": ev["outcome"].to_numpy(), "Context": "",
    })
    pub = ev["published"].to_numpy()
    nl = pub == "no_location"
    df.loc[nl, ["Longitude", "Latitude", "LSOA code", "LSOA name"]] = ""
    df.loc[nl, "Location"] = "No Location"
    zr = pub == "zero"
    df.loc[zr, ["Longitude", "Latitude"]] = "0.000000"
    df.loc[zr, ["LSOA code", "LSOA name"]] = ""
    df["_last"] = (nl | zr).astype(int)
    written = []
    for month, part in df.groupby("Month", sort=True):
        part = part.sort_values(["_last", "LSOA code", "Crime type", "Location", "Crime ID"],
                                kind="mergesort")
        folder = out / "crimes" / str(month)
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"{month}-northshire-street.csv"
        part[HEADER].to_csv(path, index=False, lineterminator="\r\n", encoding="utf-8")
        written.append(path)
    return written


def write_events(ev: pd.DataFrame, out: Path) -> Path:
    path = out / "crime_events.csv"
    cols = ["event_id", "crime_id", "month", "datetime", "easting", "northing", "crime_type",
            "area_code"]
    df = ev[cols].copy()
    df["datetime"] = ev["datetime"].dt.strftime("%Y-%m-%d %H:%M")
    df.to_csv(path, index=False, lineterminator="\n")
    return path


def write_extract(rng: np.random.Generator, ev: pd.DataFrame, out: Path) -> tuple[Path, dict]:
    """Burglary force extract with uncertain times (dd/mm/yyyy HH:MM) and a few bad rows."""
    b = ev.loc[ev["crime_type"] == "Burglary"].reset_index(drop=True)
    n = len(b)
    kind = rng.choice(4, size=n, p=[0.35, 0.40, 0.20, 0.05])
    span = np.select(
        [kind == 0, kind == 1, kind == 2, kind == 3],
        [np.zeros(n), rng.uniform(60, 8 * 60, n), rng.uniform(8 * 60, 24 * 60, n),
         rng.uniform(24 * 60, 10 * 1440, n)],
    ).round(-1)
    start = b["datetime"] - pd.to_timedelta((rng.uniform(0, 1, n) * span).round(0), unit="m")
    start = start.dt.floor("5min")
    end = start + pd.to_timedelta(span, unit="m")
    business = rng.random(n) < 0.2
    premises = np.where(business, rng.choice(["commercial", "community"], n, p=[0.7, 0.3]),
                        rng.choice(["dwelling", "garage/shed"], n, p=[0.85, 0.15]))
    df = pd.DataFrame({
        "crime_ref": [f"NS-{i:06d}-25" for i in range(1, n + 1)],
        "crime_id": b["crime_id"],
        "offence": np.where(business, "Burglary - business and community",
                            "Burglary - residential"),
        "from_datetime": start.dt.strftime("%d/%m/%Y %H:%M"),
        "to_datetime": end.dt.strftime("%d/%m/%Y %H:%M"),
        "easting": b["easting"].astype(str),
        "northing": b["northing"].astype(str),
        "area_code": b["area_code"],
        "premises": premises,
    })
    bad_idx = rng.choice(n, size=10, replace=False)
    bad: list[dict[str, Any]] = []

    def mark(i: int, reason: str, column: str) -> None:
        bad.append({"line": int(i) + 2, "crime_ref": df.at[i, "crime_ref"], "column": column,
                    "reason": reason})

    for j, i in enumerate(bad_idx):
        if j < 3:
            early = (end.iloc[i] - pd.Timedelta(hours=26)).strftime("%d/%m/%Y %H:%M")
            df.loc[i, ["from_datetime", "to_datetime"]] = [df.at[i, "to_datetime"], early]
            mark(i, "end before start", "to_datetime")
        elif j == 3:
            df.at[i, "from_datetime"] = "31/02/2025 14:00"
            mark(i, "unparseable date", "from_datetime")
        elif j == 4:
            df.at[i, "to_datetime"] = "not known"
            mark(i, "unparseable date", "to_datetime")
        elif j < 8:
            df.at[i, "easting"] = ""
            df.at[i, "northing"] = ""
            mark(i, "missing coordinates", "easting")
        else:
            df.at[i, "easting"] = "4450000" if j == 8 else "-12"
            mark(i, "out of range", "easting")
    path = out / "burglary_extract.csv"
    df.to_csv(path, index=False, lineterminator="\n")
    bad.sort(key=lambda r: r["line"])
    return path, {"rows": n, "bad_rows": bad}
