"""Write nominals, entities, associations (with deliberate bad rows) and the OCG truth."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.samples._people import PERSON_LINKS, People

__all__ = ["write_network"]

_ORGS = ["Kestermoor Hand Car Wash", "Oldcaster Vape and Phone Repairs",
         "Wrenhallow Scrap Metals", "Dunmere Late Bar"]
_EVENTS = ["Disorder, Oldcaster town centre, 14/06/2025",
           "Stabbing, Kestermoor, 02/11/2025",
           "Drugs warrant, Wrenhallow, 19/03/2026"]


def write_network(rng: np.random.Generator, people: People, links: pd.DataFrame, out: Path
                  ) -> list[Path]:
    persons = people.persons
    nom = persons[["nominal_id", "surname", "forenames", "dob", "gender", "address_id",
                   "postcode"]].sort_values("nominal_id")
    p_nom = out / "nominals.csv"
    nom.to_csv(p_nom, index=False, lineterminator="\n")
    ents = pd.concat([
        pd.DataFrame({"entity_id": persons["nominal_id"], "entity_type": "person",
                      "label": persons["forenames"] + " " + persons["surname"].str.upper()}),
        people.phones.assign(entity_type="phone"),
        people.vehicles.assign(entity_type="vehicle"),
        people.addresses[["entity_id", "label", "easting", "northing", "area_code"]].assign(
            entity_type="address"),
        pd.DataFrame({"entity_id": [f"O-{i:04d}" for i in range(1, len(_ORGS) + 1)],
                      "entity_type": "organisation", "label": _ORGS}),
        pd.DataFrame({"entity_id": [f"E-{i:04d}" for i in range(1, len(_EVENTS) + 1)],
                      "entity_type": "event", "label": _EVENTS}),
    ], ignore_index=True)[["entity_id", "entity_type", "label", "easting", "northing",
                           "area_code"]]
    ents["easting"] = ents["easting"].astype("Int64")
    ents["northing"] = ents["northing"].astype("Int64")
    p_ent = out / "entities.csv"
    ents.to_csv(p_ent, index=False, lineterminator="\n")
    # deliberate bad rows, inserted at random places
    good = links.copy()
    bad_rows: list[dict[str, Any]] = []
    pids = persons["nominal_id"].tolist()
    for _ in range(2):
        p = pids[int(rng.integers(len(pids)))]
        r = good.iloc[int(rng.integers(len(good)))].copy()
        r[["source", "target", "source_type", "target_type", "link_type"]] = [
            p, p, "person", "person", "associate"]
        bad_rows.append({"row": r, "reason": "self-link"})
    differ = good.index[good["first_seen"] != good["last_seen"]]
    for i in rng.choice(differ, size=3, replace=False):
        r = good.loc[i].copy()
        r["first_seen"], r["last_seen"] = r["last_seen"], r["first_seen"]
        bad_rows.append({"row": r, "reason": "last_seen before first_seen"})
    for target, ttype in (("P-9998", "person"), ("V-9999", "vehicle")):
        r = good.iloc[int(rng.integers(len(good)))].copy()
        r[["target", "target_type", "link_type"]] = [
            target, ttype, "associate" if ttype == "person" else "uses_vehicle"]
        bad_rows.append({"row": r, "reason": "unknown node"})
    n_total = len(good) + len(bad_rows)
    slots = np.sort(rng.choice(n_total, size=len(bad_rows), replace=False))
    order = rng.permutation(len(bad_rows))
    rows: list[pd.Series] = []
    gi = 0
    bad_info: list[dict[str, Any]] = []
    bad_iter = iter(order)
    slot_set = set(int(s) for s in slots)
    for pos in range(n_total):
        if pos in slot_set:
            b = bad_rows[next(bad_iter)]
            rows.append(b["row"])
            bad_info.append({"line": pos + 2, "source": b["row"]["source"],
                             "target": b["row"]["target"], "reason": b["reason"]})
        else:
            rows.append(good.iloc[gi])
            gi += 1
    assoc = pd.DataFrame(rows).reset_index(drop=True)
    p_assoc = out / "associations.csv"
    assoc.to_csv(p_assoc, index=False, lineterminator="\n")
    reasons = [b["reason"] for b in bad_info]
    truth = {
        **people.truth,
        "measured_on": "bad link rows removed. Person graph (link_type in "
                       + ", ".join(PERSON_LINKS)
                       + "): leader has the highest degree within its group's induced "
                       "subgraph; cut_point is an articulation point whose removal cuts "
                       "cut_off from the rest of the group; broker is the only tie between "
                       "the two groups named and has the highest betweenness in their joint "
                       "subgraph. Multi-mode graph (all links): the leader has the highest "
                       "degree among its group's members, cut_point and broker are "
                       "articulation points, and the broker has the highest betweenness in "
                       "the component holding both groups.",
        "bad_links": {
            "rows": bad_info,
            "counts": {r: reasons.count(r) for r in sorted(set(reasons))},
        },
        "links": {"rows": len(assoc), "good_rows": len(good)},
    }
    p_truth = out / "ocg_truth.json"
    p_truth.write_text(json.dumps(truth, indent=2) + "\n", encoding="utf-8")
    return [p_nom, p_ent, p_assoc, p_truth]
