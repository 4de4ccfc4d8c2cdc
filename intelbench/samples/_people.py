"""Nominals, their phones, vehicles and addresses, and the association network with OCGs."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.samples._area import Geography
from intelbench.samples._vocab import (
    PLACE_LABELS,
    forename_pool,
    landline_numbers,
    mobile_numbers,
    postcodes,
    registrations,
    surname_pool,
)

__all__ = ["PERSON_LINKS", "People", "build_people"]

PERSON_LINKS = ("associate", "family", "co_offending")
_GROUPS = [  # name, size, lieutenants, home sector
    ("Kestrel Lane group", 15, 4, "Oldcaster"),
    ("Saltworks crew", 12, 4, "Kestermoor"),
    ("Moorside family", 10, 3, "Wrenhallow"),
]
_SHORT = {"Jonathan": "Jon", "Michael": "Mike", "Katherine": "Kath", "Samantha": "Sam",
          "Rebecca": "Becky", "Anthony": "Tony", "Thomas": "Tom", "Joseph": "Joe",
          "Victoria": "Vicky", "Nicola": "Nicky", "Daniel": "Danny", "Nathan": "Nat"}


@dataclass
class People:
    persons: pd.DataFrame     # person_key, nominal_id, surname, forenames, dob, gender, address_id
    addresses: pd.DataFrame   # entity_id, label, postcode, easting, northing, area_code
    phones: pd.DataFrame      # entity_id, label
    vehicles: pd.DataFrame    # entity_id, label
    links: pd.DataFrame       # source, target, source_type, target_type, link_type, strength
    truth: dict[str, Any] = field(default_factory=dict)


def _names(rng: np.random.Generator, n: int) -> pd.DataFrame:
    surnames = surname_pool()
    gender = np.where(rng.random(n) < 0.7, "M", "F")
    fm, ff = forename_pool("M"), forename_pool("F")
    fore = [fm[int(rng.integers(len(fm)))] if g == "M" else ff[int(rng.integers(len(ff)))]
            for g in gender]
    middle = rng.random(n) < 0.3
    fore = [f"{f} {fm[int(rng.integers(len(fm)))] if g == 'M' else ff[int(rng.integers(len(ff)))]}"
            if m else f for f, g, m in zip(fore, gender, middle, strict=True)]
    sur = [surnames[int(i)] for i in rng.integers(0, len(surnames), n)]
    born = np.datetime64("1962-01-01") + rng.integers(0, 365 * 45, n).astype("timedelta64[D]")
    return pd.DataFrame({"surname": sur, "forenames": fore, "gender": gender,
                         "dob": pd.to_datetime(born).strftime("%Y-%m-%d")})


def _addresses(rng: np.random.Generator, geo: Geography, n: int) -> pd.DataFrame:
    pts = geo.points[~geo.points["label"].isin(PLACE_LABELS)].reset_index(drop=True)
    idx = rng.choice(len(pts), size=n, replace=True)
    p = pts.iloc[idx].reset_index(drop=True)
    num = rng.integers(1, 140, n)
    pcs = postcodes(rng, n)
    labels = [f"{k} {s}, {t} {pc}" for k, s, t, pc in
              zip(num, p["label"], p["sector"], pcs, strict=True)]
    labels_unique = pd.Series(labels).drop_duplicates().index
    p = p.iloc[labels_unique].reset_index(drop=True)
    labels = [labels[i] for i in labels_unique]
    pcs = [pcs[i] for i in labels_unique]
    return pd.DataFrame({
        "entity_id": [f"A-{i:04d}" for i in range(1, len(p) + 1)], "label": labels,
        "postcode": pcs,
        "easting": (p["easting"] + rng.normal(0, 20, len(p))).round(0).astype(int),
        "northing": (p["northing"] + rng.normal(0, 20, len(p))).round(0).astype(int),
        "area_code": p["area_code"], "sector": p["sector"],
    })


def _group_edges(rng: np.random.Generator, size: int, n_lt: int) -> tuple[list[tuple[int, int]],
                                                                         dict[str, Any]]:
    """Edges among local member indices: 0 leader, 1..n_lt lieutenants, a 3-person cell."""
    leader, lts = 0, list(range(1, n_lt + 1))
    cut = lts[0]
    cell = list(range(n_lt + 1, n_lt + 4))
    periph = list(range(n_lt + 4, size))
    e = {(leader, lt) for lt in lts}
    for i, a in enumerate(lts):
        for b in lts[i + 1:]:
            if rng.random() < 0.35:
                e.add((a, b))
    e |= {(cut, cell[0]), (cell[0], cell[1]), (cell[1], cell[2]), (cut, cell[2])}
    others = lts[1:]
    for p in periph:
        for lt in rng.choice(others, size=int(rng.integers(1, 3)), replace=False):
            e.add((int(lt), p))
    for p in rng.choice(periph, size=min(len(periph), 4), replace=False):
        e.add((leader, int(p)))
    for i, a in enumerate(periph):
        for b in periph[i + 1:]:
            if rng.random() < 0.12:
                e.add((a, b))
    return sorted(e), {"leader": leader, "cut": cut, "cell": cell, "periph": periph}


def build_people(rng: np.random.Generator, geo: Geography, scale: float = 1.0) -> People:
    n_bg = max(150, int(round(1500 * scale)))
    n_ocg = sum(g[1] for g in _GROUPS)
    n_dup = 6
    n = n_ocg + n_bg
    people = _names(rng, n)
    addr = _addresses(rng, geo, int(n_bg / 2.1) + n_ocg)
    # OCG members first (local keys 0..n_ocg-1), background after; ids shuffled later
    links: list[tuple[int, int, str]] = []  # person-person by person key
    truth_groups: list[dict[str, Any]] = []
    start = 0
    meta: list[dict[str, Any]] = []
    for gname, size, n_lt, _sector in _GROUPS:
        for _attempt in range(50):
            edges, m = _group_edges(rng, size, n_lt)
            g = nx.Graph(edges)
            deg = dict(g.degree())
            ok = (deg[m["leader"]] > max(v for k, v in deg.items() if k != m["leader"])
                  and m["cut"] in set(nx.articulation_points(g)) and nx.is_connected(g))
            if ok:
                break
        else:  # pragma: no cover - the loop always finds one for these sizes
            raise RuntimeError("could not plant the group structure")
        for a, b in edges:
            kind = "co_offending" if rng.random() < 0.3 else "associate"
            links.append((start + a, start + b, kind))
        meta.append({"name": gname, "start": start, "size": size, **m})
        start += size
    # the broker: a peripheral member of group 0 tied to two lieutenants of group 1
    g0, g1 = meta[0], meta[1]
    broker = g0["start"] + g0["periph"][-1]
    for lt in (2, 3):
        links.append((broker, g1["start"] + lt, "associate"))
    # background population: households, associates and co-offending
    bg = np.arange(n_ocg, n)
    n_addr = len(addr)
    home = np.empty(n, dtype=int)
    home[bg] = rng.integers(n_ocg + len(meta), n_addr, len(bg))  # n_ocg + k: trap houses
    for k, m in enumerate(meta):
        base = k * 5
        for j in range(m["size"]):
            home[m["start"] + j] = base + (j % 5) if j not in m["cell"] else n_ocg - 1 - k
    for a_home in np.unique(home[bg]):
        fam = bg[home[bg] == a_home]
        for i, a in enumerate(fam):
            for b in fam[i + 1:]:
                if rng.random() < 0.7:
                    links.append((int(a), int(b), "family"))
    hub = rng.lognormal(0, 1.0, len(bg))
    for a_bg in bg:
        for _ in range(int(rng.poisson(0.9))):
            b_bg = int(rng.choice(bg, p=hub / hub.sum()))
            if b_bg != a_bg:
                links.append((int(a_bg), b_bg, "associate"))
    offenders = rng.choice(bg, size=len(bg) // 5, replace=False)
    for _ in range(len(bg) // 6):
        a, b = rng.choice(offenders, size=2, replace=False)
        links.append((int(a), int(b), "co_offending"))
    # each OCG member (not the cell) has up to two family leaves in the background
    leaves = rng.permutation(bg)
    li = 0
    for m in meta:
        for j in range(m["size"]):
            if j in m["cell"]:
                continue
            for _ in range(int(rng.integers(0, 3))):
                leaf = int(leaves[li])
                li += 1
                links = [lk for lk in links if leaf not in (lk[0], lk[1])]
                links.append((m["start"] + j, leaf, "family"))
                home[leaf] = home[m["start"] + j]  # family lives with the member
    # duplicate-nominal candidates: name variants of background people, same DOB
    dups: list[tuple[int, int]] = []
    fore_list = [str(f) for f in people["forenames"]]
    cand = [int(i) for i in rng.permutation(bg) if fore_list[int(i)].split()[0] in _SHORT][:n_dup]
    rows = []
    for j, orig in enumerate(cand):
        rec = people.loc[orig].copy()
        first, *rest = rec["forenames"].split()
        rec["forenames"] = " ".join([_SHORT[first], *rest])
        if j % 2:
            s = rec["surname"]
            rec["surname"] = s[:-2] + s[-1] + s[-2]  # transposed letters
        rows.append(rec)
        dups.append((orig, n + j))
    people = pd.concat([people, pd.DataFrame(rows)], ignore_index=True)
    home = np.concatenate([home, home[cand]])
    people["address_key"] = home
    # nominal ids: a random permutation, so group members are spread over the register
    ids = rng.permutation(len(people)) + 1
    people.insert(0, "nominal_id", [f"P-{i:04d}" for i in ids])
    pid = people["nominal_id"].to_numpy()
    people["address_id"] = addr["entity_id"].to_numpy()[home]
    people["postcode"] = addr["postcode"].to_numpy()[home]
    # phones and vehicles
    mob = mobile_numbers(rng, 1000)
    land = landline_numbers(rng, 1000)
    phone_rows: list[tuple[str, str]] = []
    veh_rows: list[tuple[str, str]] = []
    ent_links: list[tuple[str, str, str, str]] = []

    def new_phone(num: str) -> str:
        eid = f"T-{len(phone_rows) + 1:04d}"
        phone_rows.append((eid, num))
        return eid

    regs = registrations(rng, 2000)

    def new_vehicle() -> str:
        eid = f"V-{len(veh_rows) + 1:04d}"
        veh_rows.append((eid, regs[len(veh_rows)]))
        return eid

    mi = 0
    for m in meta:
        burner = new_phone(mob[mi])
        mi += 1
        cars = [new_vehicle() for _ in range(3)]
        for j in range(m["size"]):
            p = pid[m["start"] + j]
            for _ in range(3 if j == m["leader"] else 1):
                ent_links.append((p, new_phone(mob[mi]), "phone", "uses_phone"))
                mi += 1
            if j in m["cell"]:
                continue
            if j <= 3 and j != m["cut"]:
                ent_links.append((p, burner, "phone", "uses_phone"))
            if j == m["leader"]:
                ent_links.extend((p, car, "vehicle", "uses_vehicle") for car in cars)
            elif j != m["cut"] and rng.random() < 0.4:
                ent_links.append((p, cars[int(rng.integers(3))], "vehicle", "uses_vehicle"))
    li_ = 0
    for k in range(n_ocg, len(people)):
        p = pid[k]
        if rng.random() < 0.55 and mi < len(mob):
            ent_links.append((p, new_phone(mob[mi]), "phone", "uses_phone"))
            mi += 1
        elif rng.random() < 0.15:
            ent_links.append((p, new_phone(land[li_]), "phone", "uses_phone"))
            li_ += 1
        if rng.random() < 0.3:
            ent_links.append((p, new_vehicle(), "vehicle", "uses_vehicle"))
    for p_k, a_k in zip(pid, people["address_id"], strict=True):
        ent_links.append((str(p_k), str(a_k), "address", "resides_at"))
    for m in meta:  # a trap house each group member visits
        trap = addr["entity_id"].iloc[n_ocg + meta.index(m)]
        for j in m["periph"][:4]:
            ent_links.append((pid[m["start"] + j], trap, "address", "visits"))
    pp = pd.DataFrame(links, columns=["a", "b", "link_type"])
    pp = pp[pp["a"] != pp["b"]]
    lo, hi = np.minimum(pp["a"], pp["b"]), np.maximum(pp["a"], pp["b"])
    pp = pp.assign(a=lo, b=hi).drop_duplicates(["a", "b"]).reset_index(drop=True)
    person_links = pd.DataFrame({
        "source": pid[pp["a"]], "target": pid[pp["b"]], "source_type": "person",
        "target_type": "person", "link_type": pp["link_type"],
        "ocg": (pp["a"] < n_ocg) & (pp["b"] < n_ocg),
    })
    other = pd.DataFrame(ent_links, columns=["source", "target", "target_type", "link_type"])
    other = other.drop_duplicates(["source", "target"])
    other.insert(2, "source_type", "person")
    other["ocg"] = other["source"].isin(pid[:n_ocg])
    all_links = pd.concat([person_links, other], ignore_index=True)
    for m in meta:
        mem = [pid[m["start"] + j] for j in range(m["size"])]
        truth_groups.append({
            "name": m["name"], "members": sorted(mem), "leader": pid[m["start"] + m["leader"]],
            "cut_point": pid[m["start"] + m["cut"]],
            "cut_off": sorted(pid[m["start"] + j] for j in m["cell"]),
        })
    truth = {
        "groups": truth_groups,
        "broker": {"person": pid[broker], "between": [meta[0]["name"], meta[1]["name"]]},
        "duplicates": [sorted((pid[a], pid[b])) for a, b in dups],
    }
    persons = people.drop(columns=["address_key"])
    return People(
        persons=persons, addresses=addr,
        phones=pd.DataFrame(phone_rows, columns=["entity_id", "label"]),
        vehicles=pd.DataFrame(veh_rows, columns=["entity_id", "label"]),
        links=all_links, truth=truth,
    )
