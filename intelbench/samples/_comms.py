"""Call data records for the planted OCGs' phones (three months, two provider layouts).

Written under ``comms/``: ``cells.csv`` (the cell-site table of both networks on shared
masts), ``cdr/<provider>_<number>.csv`` (one file per target number, in the Northcell or
Vantage layout of :mod:`intelbench.comms.layouts`), ``authorities.csv`` (the authority of
each file) and ``truth.json`` (what the analyses must find: a replacement phone, a common
contact who brokers between two groups, a co-location meeting, a handset swap, and the bad
rows planted in two files).

This module writes text only; it does not import :mod:`intelbench.comms`.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.samples._area import Geography
from intelbench.samples._people import PERSON_LINKS, People

__all__ = ["PERIOD", "write_comms"]

#: the authorised period (UK local dates, end exclusive)
PERIOD = ("2025-09-01", "2025-12-01")
_UK = "Europe/London"
_MNC = {"northcell": "30", "vantage": "15"}
# Ofcom drama ranges for landlines (1,000 numbers each): the private contacts
_LANDLINE = ["0113 496 0{:03d}", "0114 496 0{:03d}", "0115 496 0{:03d}", "0116 496 0{:03d}",
             "0117 496 0{:03d}", "0118 496 0{:03d}", "0121 496 0{:03d}", "0131 496 0{:03d}",
             "0141 496 0{:03d}", "0151 496 0{:03d}", "0161 496 0{:03d}", "020 7946 0{:03d}",
             "0191 498 0{:03d}"]
_MEETING_LOCAL = "2025-10-15 14:00"
_DROP_DAY, _NEW_DAY, _SWAP_DAY = 40, 43, 60


def _e164(national: str) -> str:
    return "+44" + national.replace(" ", "")[1:]


def _luhn_digit(body: str) -> str:
    total = 0
    for i, ch in enumerate(reversed(body)):
        d = int(ch)
        if i % 2 == 0:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return str((10 - total % 10) % 10)


def _imei(rng: np.random.Generator) -> str:
    body = "35" + "".join(str(int(d)) for d in rng.integers(0, 10, 12))
    return body + _luhn_digit(body)


def _imsi(rng: np.random.Generator, provider: str) -> str:
    return "234" + _MNC[provider] + "".join(str(int(d)) for d in rng.integers(0, 10, 10))


@dataclass
class _Phone:
    number: str          # E.164
    person: str
    provider: str
    site: int            # home mast
    near: int            # second mast
    imsi: str
    imeis: list[tuple[int, str]]  # (from day, IMEI)
    span: tuple[int, int] = (0, 91)


def _cells(rng: np.random.Generator, geo: Geography) -> tuple[pd.DataFrame, np.ndarray]:
    x0, y0, x1, y1 = geo.boundary.total_bounds
    xs, ys = np.meshgrid(np.arange(x0 + 1000, x1, 2000.0), np.arange(y0 + 1000, y1, 2000.0))
    xy = np.c_[xs.ravel(), ys.ravel()] + rng.uniform(-300, 300, (xs.size, 2))
    xy = xy.round(0)
    rows = []
    for s, (e, n) in enumerate(xy):
        turn = float(rng.integers(0, 120))
        for prov, mnc in _MNC.items():
            for k in range(3):
                rows.append((f"234-{mnc}-{4100 + s // 50}-{s * 10 + k + 1}", e, n,
                             (turn + 120 * k) % 360, 120.0, prov, s))
    cells = pd.DataFrame(rows, columns=["cell_id", "easting", "northing", "azimuth",
                                        "beam_width", "provider", "site"])
    return cells, xy


def _events_for(rng: np.random.Generator, a: str, b: str, rate: float,
                span: tuple[int, int], start: pd.Timestamp) -> list[tuple[Any, ...]]:
    days = span[1] - span[0]
    n = int(rng.poisson(rate * days))
    day = rng.integers(span[0], span[1], n)
    hour = rng.choice(24, n, p=_HOURS)
    sec = rng.integers(0, 3600, n)
    local = (start + pd.to_timedelta(day, "D")).tz_localize(None)
    t = (local + pd.to_timedelta(hour * 3600 + sec, "s"))
    voice = rng.random(n) < 0.6
    dur = np.where(voice, np.maximum(3, rng.lognormal(4.3, 0.9, n)).astype(int), 0)
    caller_a = rng.random(n) < 0.5
    return [(a if ca else b, b if ca else a, "voice" if v else "sms", ts, int(d))
            for ca, v, ts, d in zip(caller_a, voice, t, dur)]


_HOURS = np.array([1, 1, 0.5, 0.5, 0.5, 0.5, 1, 2, 3, 4, 5, 5, 6, 6, 6, 6, 6, 6, 6, 7, 7, 6,
                   4, 2], dtype=float)
_HOURS /= _HOURS.sum()


def write_comms(rng: np.random.Generator, people: People, geo: Geography, out: Path
                ) -> list[Path]:
    """Write ``comms/`` (cells, CDRs, authorities, truth) and return the files written."""
    folder = out / "comms"
    cdr_dir = folder / "cdr"
    cdr_dir.mkdir(parents=True, exist_ok=True)
    for stale in cdr_dir.glob("*.csv"):
        stale.unlink()
    start = pd.Timestamp(PERIOD[0])  # local midnight, naive (days counted in UK dates)
    cells, sites = _cells(rng, geo)
    links = people.links
    truth_groups = people.truth["groups"]
    member_group = {m: g["name"] for g in truth_groups for m in g["members"]}
    broker = people.truth["broker"]["person"]
    phone_label = dict(zip(people.phones["entity_id"], people.phones["label"]))
    up = links[links["link_type"] == "uses_phone"]
    person_phones: dict[str, list[str]] = {}
    for s, t in zip(up["source"], up["target"]):
        person_phones.setdefault(str(s), []).append(_e164(phone_label[t]))
    users: dict[str, list[str]] = {}
    for p, nums in person_phones.items():
        for num in nums:
            users.setdefault(num, []).append(p)
    persons = people.persons.set_index("nominal_id")
    addr = people.addresses.set_index("entity_id")

    def home_sites(person: str) -> tuple[int, int]:
        a = addr.loc[str(persons.at[person, "address_id"])]
        d = np.hypot(sites[:, 0] - a["easting"], sites[:, 1] - a["northing"])
        order = np.argsort(d, kind="stable")
        return int(order[0]), int(order[1])

    # target phones: every phone of an OCG member except the broker's
    ocg_members = sorted(member_group)
    target_nums: list[str] = []
    for p in ocg_members:
        if p == broker:
            continue
        for num in person_phones.get(p, []):
            if num not in target_nums:
                target_nums.append(num)
    used = set(users)
    spare = [f"+447700900{i:03d}" for i in range(1000) if f"+447700900{i:03d}" not in used]
    phones: dict[str, _Phone] = {}
    for k, num in enumerate(sorted(target_nums)):
        person = sorted(users[num])[0] if len(users[num]) > 1 else users[num][0]
        prov = "northcell" if k % 2 == 0 else "vantage"
        site, near = home_sites(person)
        phones[num] = _Phone(num, person, prov, site, near, _imsi(rng, prov), [(0, _imei(rng))])
    primary = {p: nums[0] for p, nums in person_phones.items()}
    # contact graph: (a, b) -> daily rate
    edges: dict[tuple[str, str], float] = {}

    def add(a: str, b: str, rate: float) -> None:
        if a != b:
            key = (min(a, b), max(a, b))
            edges[key] = max(edges.get(key, 0.0), rate)

    pl = links[links["link_type"].isin(PERSON_LINKS)]
    for s, t, kind in zip(pl["source"], pl["target"], pl["link_type"]):
        if s not in primary or t not in primary:
            continue
        a, b = primary[s], primary[t]
        if a not in phones and b not in phones:
            continue
        both = s in member_group and t in member_group
        add(a, b, (0.9 if both else 0.5 if kind == "family" else 0.3)
            * float(rng.lognormal(0, 0.3)))
    pool = [fmt.format(i) for fmt in _LANDLINE for i in range(1000)]
    pool_idx = rng.permutation(len(pool))
    pi = 0
    for num in sorted(phones):
        for _ in range(int(rng.integers(6, 13))):
            add(num, _e164(pool[pool_idx[pi]]), float(rng.uniform(0.05, 0.4)))
            pi += 1
        for other in person_phones.get(phones[num].person, [])[1:]:
            if other != num and other in phones:  # a leader's extra phones ring each other
                add(num, other, 0.1)
    # -- planted: a replacement phone in the first group
    g0, g1, g2 = truth_groups
    lt_cands = [p for p in g0["members"] if p not in (g0["leader"], g0["cut_point"], broker)
                and primary.get(p) in phones and len(users[primary[p]]) == 1]
    degree = {p: sum(1 for (a, b) in edges if primary[p] in (a, b)) for p in lt_cands}
    rep_person = max(sorted(lt_cands), key=lambda p: degree[p])
    old_num = primary[rep_person]
    new_num = spare[int(rng.integers(len(spare)))]
    old = phones[old_num]
    old.span = (0, _DROP_DAY)
    phones[new_num] = _Phone(new_num, rep_person, "vantage", old.site, old.near,
                             _imsi(rng, "vantage"), [(0, _imei(rng))], span=(_NEW_DAY, 91))
    for (a, b), r in list(edges.items()):
        if old_num in (a, b) and rng.random() < 0.85:
            add(new_num, b if a == old_num else a, r)
    for _ in range(2):
        add(new_num, _e164(pool[pool_idx[pi]]), 0.3)
        pi += 1
    # -- planted: a handset swap in the third group (same SIM, new IMEI)
    swap_person = sorted(p for p in g2["members"] if p != g2["leader"]
                         and primary.get(p) in phones)[0]
    swap_phone = phones[primary[swap_person]]
    imei_after = _imei(rng)
    swap_phone.imeis.append((_SWAP_DAY, imei_after))
    # -- events
    events: list[tuple[Any, ...]] = []
    for (a, b), rate in sorted(edges.items()):
        lo = max(phones[a].span[0] if a in phones else 0, phones[b].span[0] if b in phones else 0)
        hi = min(phones[a].span[1] if a in phones else 91, phones[b].span[1] if b in phones
                 else 91)
        if hi > lo:
            events += _events_for(rng, a, b, rate, (lo, hi), start)
    for num in sorted(phones):
        ph = phones[num]
        n = int(rng.poisson(0.8 * (ph.span[1] - ph.span[0])))
        day = rng.integers(ph.span[0], ph.span[1], n)
        sec = rng.integers(7 * 3600, 23 * 3600, n)
        for d_, s_ in zip(day, sec):
            events.append((num, "", "data", start + pd.Timedelta(days=int(d_), seconds=int(s_)),
                           int(rng.integers(30, 1800))))
    # -- planted: a meeting of the first two groups' leaders at a mast far from their homes
    la, lb = primary[g0["leader"]], primary[g1["leader"]]
    sa, sb = phones[la].site, phones[lb].site
    d_a = np.hypot(*(sites - sites[sa]).T)
    d_b = np.hypot(*(sites - sites[sb]).T)
    home_masts = [phones[x].site for x in phones] + [phones[x].near for x in phones]
    d_home = np.min(np.hypot(sites[:, None, 0] - sites[home_masts, 0],
                             sites[:, None, 1] - sites[home_masts, 1]), axis=1)
    meet_site = int(np.argmin(np.where(d_home > 3000, d_a + d_b, np.inf)))
    t0 = pd.Timestamp(_MEETING_LOCAL)
    meeting_events = [
        (la, _e164(pool[pool_idx[pi]]), "voice", t0 + pd.Timedelta(minutes=5), 95),
        (lb, _e164(pool[pool_idx[pi + 1]]), "sms", t0 + pd.Timedelta(minutes=12), 0),
    ]
    pi += 2
    # -- one row per target end, with cell, IMEI, IMSI
    rows: dict[str, list[dict[str, Any]]] = {num: [] for num in phones}
    meet_keys = {(e[0], e[3]) for e in meeting_events}
    for caller, callee, etype, ts, dur in sorted(events + meeting_events,
                                                 key=lambda e: (e[3], e[0], e[1])):
        for end, other, direction in ((caller, callee, "out"), (callee, caller, "in")):
            if end not in phones:
                continue
            ph = phones[end]
            day = (ts - start).days
            if (end, ts) in meet_keys:
                site = meet_site
            else:
                site = ph.site if rng.random() < 0.75 else ph.near
            if end in (la, lb) and site == meet_site and (end, ts) not in meet_keys:
                site = ph.site
            sector = int(rng.integers(0, 3))
            imei = [i for d0, i in ph.imeis if d0 <= day][-1]
            rows[end].append({"other": other, "direction": direction, "type": etype,
                              "local": ts, "duration": dur, "site": site, "sector": sector,
                              "imei": imei, "imsi": ph.imsi})
    written, files = _write_files(rng, phones, rows, cells, cdr_dir)
    p_cells = folder / "cells.csv"
    cells.drop(columns=["site"]).to_csv(p_cells, index=False, lineterminator="\n")
    auth = pd.DataFrame([{"file": f"cdr/{files[num]['file']}",
                          "layout": phones[num].provider,
                          "authority": f"OCDA/2025/{4100 + k:06d}", "target": num,
                          "start": PERIOD[0], "end": PERIOD[1]}
                         for k, num in enumerate(sorted(phones))])
    p_auth = folder / "authorities.csv"
    auth.to_csv(p_auth, index=False, lineterminator="\n")
    meet_rows = [{"number": e[0], "file": f"cdr/{files[e[0]]['file']}",
                  "row": files[e[0]]["rows"][e[3]],
                  "start_utc": e[3].tz_localize(_UK).tz_convert("UTC").isoformat()}
                 for e in meeting_events]
    bnums = person_phones.get(broker, [])
    truth = {
        "period": list(PERIOD),
        "targets": {num: {"person": ph.person, "group": member_group.get(ph.person),
                          "provider": ph.provider} for num, ph in sorted(phones.items())},
        "replacement": {"person": rep_person, "old": old_num, "new": new_num,
                        "old_last_day": _DROP_DAY - 1, "new_first_day": _NEW_DAY},
        "broker": {"person": broker, "numbers": bnums,
                   "between": people.truth["broker"]["between"]},
        "meeting": {"numbers": [la, lb], "persons": [g0["leader"], g1["leader"]],
                    "cells_site": int(meet_site), "records": meet_rows},
        "handset_swap": {"number": swap_phone.number, "person": swap_person,
                         "imsi": swap_phone.imsi, "imei_before": swap_phone.imeis[0][1],
                         "imei_after": imei_after,
                         "from_local_date": str((start + pd.Timedelta(days=_SWAP_DAY)).date())},
        "bad_rows": [b for num in sorted(files) for b in files[num]["bad"]],
    }
    p_truth = folder / "truth.json"
    p_truth.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return [*written, p_cells, p_auth, p_truth]


def _fmt_other(rng: np.random.Generator, e164: str, provider: str) -> str:
    if not e164:
        return ""
    national = "0" + e164[3:]
    if provider == "vantage":
        return national
    pick = int(rng.integers(0, 4))
    return [e164[1:], e164, national, "0044 " + e164[3:]][pick]


def _write_files(rng: np.random.Generator, phones: dict[str, _Phone],
                 rows: dict[str, list[dict[str, Any]]], cells: pd.DataFrame, cdr_dir: Path
                 ) -> tuple[list[Path], dict[str, dict[str, Any]]]:
    cell_of = {(prov, s, k): cid for cid, prov, s, k in zip(
        cells["cell_id"], cells["provider"], cells["site"],
        cells.groupby(["provider", "site"]).cumcount())}
    written: list[Path] = []
    info: dict[str, dict[str, Any]] = {}
    bad_files = {sorted(n for n in phones if phones[n].provider == p)[0]: p
                 for p in ("northcell", "vantage")}
    for num in sorted(phones):
        ph = phones[num]
        prov = ph.provider
        recs = rows[num]
        out_rows = []
        for r in recs:
            cell = cell_of[(prov, r["site"], r["sector"])]
            local = r["local"]
            if prov == "northcell":
                utc = local.tz_localize(_UK, ambiguous=True).tz_convert("UTC")
                out_rows.append([num[1:], _fmt_other(rng, r["other"], prov),
                                 "MO" if r["direction"] == "out" else "MT", r["type"].upper(),
                                 utc.strftime("%Y-%m-%d %H:%M:%S"), str(r["duration"]), cell,
                                 r["imei"], r["imsi"]])
            else:
                a, b = ("0" + num[3:], _fmt_other(rng, r["other"], prov))
                if r["direction"] == "in":
                    a, b = b, a
                kind = {"voice": "Call", "sms": "SMS"}.get(r["type"])
                ctype = "Data Session" if kind is None else (
                    ("Outgoing " if r["direction"] == "out" else "Incoming ") + kind)
                d = int(r["duration"])
                out_rows.append([ctype, a, b, local.strftime("%d/%m/%Y"),
                                 local.strftime("%H:%M:%S"),
                                 f"{d // 3600:02d}:{d % 3600 // 60:02d}:{d % 60:02d}", cell,
                                 r["imei"], r["imsi"]])
        times = [r["local"] for r in recs]
        row_of = {t: i + 2 for i, t in enumerate(times)}
        bad: list[dict[str, Any]] = []
        if num in bad_files:
            out_rows, row_of, bad = _plant_bad(rng, out_rows, times, prov, num)
        if prov == "northcell":
            cols = ["MSISDN", "Other Party", "Direction", "Event", "Start Time (UTC)",
                    "Duration (s)", "Cell ID", "IMEI", "IMSI"]
        else:
            cols = ["Call Type", "A Number", "B Number", "Date", "Time", "Duration",
                    "Start Cell", "Handset IMEI", "Subscriber IMSI"]
        name = f"{prov}_{num[1:]}.csv"
        path = cdr_dir / name
        pd.DataFrame(out_rows, columns=cols).to_csv(path, index=False, lineterminator="\n")
        written.append(path)
        for item in bad:
            item["file"] = f"cdr/{name}"
        info[num] = {"file": name, "rows": row_of, "bad": bad}
    return written, info


def _plant_bad(rng: np.random.Generator, out_rows: list[list[str]], times: list[Any],
               prov: str, num: str) -> tuple[list[list[str]], dict[Any, int], list[dict[str, Any]]]:
    """Insert four bad rows (bad number, outside period, negative duration, unknown cell)."""
    nc = prov == "northcell"
    template = list(out_rows[len(out_rows) // 2])
    bads: list[tuple[list[str], str, str]] = []
    r = list(template)
    if nc:
        r[1] = "0770090"
        bads.append((r, "other", "not a valid UK or international number (E.164)"))
    else:
        r[0], r[1], r[2] = "Outgoing Call", "0" + num[3:], "12345"
        bads.append((r, "b_party", "not a valid UK or international number (E.164)"))
    r = list(template)
    if nc:
        r[4] = "2025-12-03 10:00:00"
        bads.append((r, "start", "outside the authorised period"))
    else:
        r[3] = "15/08/2025"
        bads.append((r, "date", "outside the authorised period"))
    r = list(template)
    if nc:
        r[5] = "-12"
    else:
        r[5] = "-00:00:07"
    bads.append((r, "duration", "negative duration"))
    r = list(template)
    r[6] = f"234-{_MNC[prov]}-9999-99999"
    bads.append((r, "cell_id", "unknown cell ID"))
    slots = sorted(int(s) for s in rng.choice(len(out_rows), size=len(bads), replace=False))
    merged: list[list[str]] = []
    row_of: dict[Any, int] = {}
    bad_info: list[dict[str, Any]] = []
    k = 0
    for i, row in enumerate(out_rows):
        while k < len(slots) and slots[k] == i:
            merged.append(bads[k][0])
            bad_info.append({"row": len(merged) + 1, "column": bads[k][1],
                             "reason": bads[k][2]})
            k += 1
        merged.append(row)
        row_of[times[i]] = len(merged) + 1
    return merged, row_of, bad_info
