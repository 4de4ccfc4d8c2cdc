"""Intelligence reports (3x5x2, a few legacy 5x5x5), the sealed source register, the plan."""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intelbench.samples._people import People
from intelbench.samples._vocab import forename_pool, surname_pool

__all__ = ["REPORT_COLUMNS", "build_reports", "build_sources", "collection_plan"]

REPORT_COLUMNS = [
    "urn", "created_at", "date_of_intelligence", "submitter", "source_ref", "source_type",
    "classification", "collection_method", "scheme", "source_eval", "intel_assess", "handling",
    "handling_conditions", "action_code", "sanitisation_code", "risk_assessment_ref",
    "grade_rationale", "legacy_grade", "status", "original_text", "sanitised_text", "subjects",
]
_SOURCE_TYPES = {"CHIS": 0.3, "Police officer": 0.35, "Member of public": 0.2,
                 "Partner agency": 0.08, "Crimestoppers": 0.07}
_EVAL_BY_TYPE = {"CHIS": [0.5, 0.4, 0.1], "Police officer": [0.85, 0.13, 0.02],
                 "Member of public": [0.1, 0.75, 0.15], "Partner agency": [0.6, 0.35, 0.05],
                 "Crimestoppers": [0.0, 0.9, 0.1]}
_CONDITIONS = [
    "Not to be disseminated outside Northshire Police without reference to the originator",
    "No executive action without consulting the source handler",
    "Do not disclose to partner agencies",
    "For intelligence purposes only; not for use in evidence",
    "Dissemination restricted to the Serious and Organised Crime Unit",
]
_RATIONALE = [
    "Source has previously provided information later shown to be inaccurate",
    "Source is new and has an undisclosed motive; treat with caution",
    "Information conflicts with recent police observations",
    "Source has a grievance against the subject",
    "Single uncorroborated account; details inconsistent with known facts",
]
_DRUGS = ["cocaine", "cannabis", "heroin", "crack cocaine", "ketamine"]
_STATUS = {"DRAFT": 0.03, "SUBMITTED": 0.12, "EVALUATED": 0.45, "SANITISED": 0.30,
           "DISSEMINATED": 0.10}
_SANITISED = {"EVALUATED", "SANITISED", "DISSEMINATED"}


def build_sources(rng: np.random.Generator, n: int = 160) -> pd.DataFrame:
    types = list(_SOURCE_TYPES)
    kind = rng.choice(types, size=n, p=list(_SOURCE_TYPES.values()))
    sur = surname_pool()
    refs: list[str] = []
    while len(refs) < n:
        r = f"SRC-{int(rng.integers(0, 16**4)):04X}"
        if r not in refs:
            refs.append(r)
    names = []
    for _ in range(n):
        g = "M" if rng.random() < 0.6 else "F"
        fp = forename_pool(g)
        names.append(f"{fp[int(rng.integers(len(fp)))]} {sur[int(rng.integers(len(sur)))]}")
    handlers = [f"DC {int(rng.integers(1000, 9999))}" for _ in range(6)]
    reg = np.datetime64("2018-01-01") + rng.integers(0, 2500, n).astype("timedelta64[D]")
    return pd.DataFrame({
        "source_ref": refs, "source_name": names,
        "handler": [handlers[int(i)] for i in rng.integers(0, len(handlers), n)],
        "source_type": kind, "registered": pd.to_datetime(reg).strftime("%Y-%m-%d"),
        "status": rng.choice(["ACTIVE", "INACTIVE"], size=n, p=[0.8, 0.2]),
    })


def _who(persons: pd.DataFrame) -> dict[str, tuple[str, str]]:
    out: dict[str, tuple[str, str]] = {}
    for pid, fore, sur, dob in zip(persons["nominal_id"], persons["forenames"],
                                   persons["surname"], persons["dob"], strict=True):
        y, m, d = str(dob).split("-")
        out[str(pid)] = (f"{fore} {str(sur).upper()}", f"{d}/{m}/{y}")
    return out


def build_reports(rng: np.random.Generator, people: People, sources: pd.DataFrame,
                  scale: float = 1.0) -> tuple[pd.DataFrame, pd.DataFrame, dict[str, Any]]:
    """Return (reports, links with report_urn, first/last seen and grade, truth)."""
    who = _who(people.persons)
    lab = pd.concat([people.phones, people.vehicles, people.addresses[["entity_id", "label"]]])
    labels = {str(k): str(v) for k, v in zip(lab["entity_id"], lab["label"], strict=True)}
    links = people.links.sample(frac=1.0, random_state=int(rng.integers(2**31))
                                ).reset_index(drop=True)
    phone_of = (links[links["link_type"] == "uses_phone"].drop_duplicates("source")
                .set_index("source")["target"].to_dict())
    home_of = people.persons.set_index("nominal_id")["address_id"].to_dict()
    # chunks of up to five links sharing a source person make one report each
    chunks: list[list[int]] = []
    for _, idx in links.groupby("source", sort=True).groups.items():
        ids = list(idx)
        size = int(rng.integers(1, 6))
        chunks.extend(ids[i:i + size] for i in range(0, len(ids), size))
    order = rng.permutation(len(chunks))
    chunks = [chunks[i] for i in order]
    target = max(200, int(round(3000 * scale)))
    n_extra = max(0, target - len(chunks))
    persons = people.persons["nominal_id"].tolist()
    n = len(chunks) + n_extra
    texts: list[tuple[str, str, list[str]]] = []
    recs = list(links[["source", "target", "target_type", "link_type"]].itertuples(
        index=False, name=None))
    for c in chunks:
        texts.append(_chunk_text([recs[i] for i in c], who, labels))
    for _ in range(n_extra):
        p = persons[int(rng.integers(len(persons)))]
        texts.append(_extra_text(p, who, labels, phone_of.get(p), home_of[p], rng))
    # report metadata
    t0 = np.datetime64("2025-01-01T08:00")
    created = t0 + rng.integers(0, 669 * 24 * 60, n).astype("timedelta64[m]")
    legacy = np.zeros(n, dtype=bool)
    legacy[rng.choice(n, size=max(5, n // 50), replace=False)] = True
    old = rng.integers(0, 1000 * 24 * 60, int(legacy.sum())).astype("timedelta64[m]")
    created[legacy] = np.datetime64("2012-01-01T08:00") + old
    doi = created - rng.integers(0, 21 * 24 * 60, n).astype("timedelta64[m]")
    src = sources.iloc[rng.integers(0, len(sources), n)].reset_index(drop=True)
    stype = src["source_type"].to_numpy()
    ev = np.array([rng.choice(["1", "2", "3"], p=_EVAL_BY_TYPE[t]) for t in stype], dtype=object)
    ia = rng.choice(list("ABCDE"), size=n, p=[0.2, 0.33, 0.3, 0.14, 0.03]).astype(object)
    hc = np.where((stype == "CHIS") & (rng.random(n) < 0.55) | (rng.random(n) < 0.06), "C", "P"
                  ).astype(object)
    cond = np.where(hc == "C", rng.choice(_CONDITIONS, n), "").astype(object)
    act = np.where((hc == "C") & (rng.random(n) < 0.7), rng.choice(["A1", "A2", "A3"], n), ""
                   ).astype(object)
    san = np.where((hc == "C") & (rng.random(n) < 0.7), rng.choice(["S1", "S2"], n), ""
                   ).astype(object)
    ra = np.array([f"RA-{pd.Timestamp(c).year}-{i:04d}" if h == "C" else ""
                   for i, (c, h) in enumerate(zip(created, hc, strict=True))], dtype=object)
    need = (ev == "3") | (ia == "E")
    rat = np.where(need | (rng.random(n) < 0.05), rng.choice(_RATIONALE, n), "").astype(object)
    status = rng.choice(list(_STATUS), size=n, p=list(_STATUS.values())).astype(object)
    leg = np.array([f"{rng.choice(list('ABCDE'))}{rng.integers(1, 6)}{rng.integers(1, 6)}"
                    for _ in range(n)], dtype=object)
    df = pd.DataFrame({
        "created_at": pd.to_datetime(created), "date_of_intelligence": pd.to_datetime(doi),
        "submitter": [f"{rng.choice(['PC', 'DC', 'PCSO', 'DS'])} {rng.integers(1000, 9999)}"
                      for _ in range(n)],
        "source_ref": src["source_ref"], "source_type": stype,
        "classification": np.where((hc == "C") | (rng.random(n) < 0.1), "OFFICIAL-SENSITIVE",
                                   "OFFICIAL"),
        "collection_method": rng.choice(["ROUTINE", "TASKED", "VOLUNTEERED"], n,
                                        p=[0.55, 0.3, 0.15]),
        "scheme": np.where(legacy, "5x5x5", "3x5x2"),
        "source_eval": np.where(legacy, "", ev), "intel_assess": np.where(legacy, "", ia),
        "handling": np.where(legacy, "", hc), "handling_conditions": np.where(legacy, "", cond),
        "action_code": np.where(legacy, "", act), "sanitisation_code": np.where(legacy, "", san),
        "risk_assessment_ref": np.where(legacy, "", ra), "grade_rationale": rat,
        "legacy_grade": np.where(legacy, leg, ""), "status": status,
        "original_text": [t[0] for t in texts], "sanitised_text": [t[1] for t in texts],
        "subjects": [";".join(t[2]) for t in texts], "_row": np.arange(n),
    })
    df.loc[~df["status"].isin(_SANITISED), "sanitised_text"] = ""
    df = df.sort_values(["created_at", "_row"], kind="mergesort").reset_index(drop=True)
    year = df["created_at"].dt.year
    seq = df.groupby(year).cumcount() + 1
    df.insert(0, "urn", [f"IR-{y}-{s:06d}" for y, s in zip(year, seq, strict=True)])
    truth = _defects(rng, df, sources)
    # links get the urn, dates and grade of the report that cites them
    urn_of_row = dict(zip(df["_row"], df["urn"], strict=True))
    grade = np.where(df["scheme"] == "5x5x5", df["legacy_grade"],
                     df["source_eval"] + df["intel_assess"] + df["handling"])
    grade_of = dict(zip(df["urn"], grade, strict=True))
    doi_of = dict(zip(df["urn"], df["date_of_intelligence"], strict=True))
    link_idx = [i for c in chunks for i in c]
    link_urn = [urn_of_row[row] for row, c in enumerate(chunks) for _ in c]
    out_links = links.loc[link_idx, ["source", "target", "source_type", "target_type",
                                     "link_type"]].reset_index(drop=True)
    last = pd.to_datetime(pd.Series([doi_of[u] for u in link_urn])).dt.normalize()
    first = last - pd.to_timedelta(rng.integers(0, 400, len(last)), unit="D")
    out_links["first_seen"] = first.dt.strftime("%Y-%m-%d")
    out_links["last_seen"] = last.dt.strftime("%Y-%m-%d")
    ocg = links.loc[link_idx, "ocg"].to_numpy()
    out_links["count"] = 1 + rng.poisson(np.where(ocg, 6.0, 1.0))
    out_links["report_urn"] = link_urn
    out_links["grade"] = [grade_of[u] for u in link_urn]
    out_links = out_links.sort_values(["first_seen", "source", "target"], kind="mergesort"
                                      ).reset_index(drop=True)
    df["created_at"] = df["created_at"].dt.strftime("%Y-%m-%d %H:%M")
    df["date_of_intelligence"] = df["date_of_intelligence"].dt.strftime("%Y-%m-%d")
    return df.drop(columns=["_row"]), out_links, truth


def _defects(rng: np.random.Generator, df: pd.DataFrame, sources: pd.DataFrame
             ) -> dict[str, Any]:
    modern = np.flatnonzero((df["scheme"] == "3x5x2").to_numpy())
    pick = rng.choice(modern, size=17, replace=False)
    defects: list[dict[str, str]] = []
    for j, i in enumerate(pick):
        if j < 4:
            df.loc[i, ["handling", "handling_conditions"]] = ["C", ""]
            df.loc[i, "risk_assessment_ref"] = f"RA-2025-{9000 + j}"
            kind = "handling C without conditions"
        elif j < 8:
            df.loc[i, ["source_eval", "grade_rationale"]] = ["3", ""]
            kind = "source 3 without rationale"
        elif j < 10:
            df.loc[i, ["intel_assess", "grade_rationale"]] = ["E", ""]
            kind = "assessment E without rationale"
        elif j < 12:
            df.loc[i, ["source_eval", "intel_assess", "grade_rationale"]] = ["B", "2", ""]
            kind = "letter source and digit assessment (scheme swap)"
        elif j < 14:
            df.loc[i, ["handling", "handling_conditions", "risk_assessment_ref"]] = [
                "C", _CONDITIONS[0], ""]
            kind = "handling C without risk assessment"
        else:
            name = str(sources.loc[sources["source_ref"] == df.at[i, "source_ref"],
                                   "source_name"].iloc[0])
            text = str(df.at[i, "original_text"])
            df.at[i, "original_text"] = f"Information passed by {name}. {text}"
            kind = "source name in original text"
        defects.append({"urn": str(df.at[i, "urn"]), "defect": kind})
    return {"defects": sorted(defects, key=lambda d: d["urn"])}


_PP = {
    "associate": "{a} has been seen in the company of {b}.",
    "co_offending": "{a} and {b} are believed to be committing offences together.",
    "family": "{a} is related to {b}.",
    "uses_phone": "{a} is using the phone number {x}.",
    "uses_vehicle": "{a} has been seen driving {x}.",
    "resides_at": "{a} is living at {x}.",
    "visits": "{a} regularly visits {x}, where drugs are said to be stored.",
}
_MASK = {"phone": "[PHONE]", "vehicle": "[VRM]", "address": "[ADDRESS]"}


def _chunk_text(rows: list[tuple[str, str, str, str]], who: dict[str, tuple[str, str]],
                labels: dict[str, str]) -> tuple[str, str, list[str]]:
    subj: list[str] = []
    orig: list[str] = []
    san: list[str] = []

    def name(pid: str) -> tuple[str, str]:
        first = pid not in subj
        if first:
            subj.append(pid)
        label = f"SUBJECT {subj.index(pid) + 1}"
        nm, dob = who[pid]
        return (f"{nm} (born {dob})" if first else nm), label

    for source, target, target_type, link_type in rows:
        tmpl = _PP[link_type]
        a, a_s = name(source)
        if target_type == "person":
            b, b_s = name(target)
            orig.append(tmpl.format(a=a, b=b))
            san.append(tmpl.format(a=a_s, b=b_s))
        else:
            orig.append(tmpl.format(a=a, x=labels[target]))
            san.append(tmpl.format(a=a_s, x=_MASK[target_type]))
    return " ".join(orig), " ".join(san), subj


def _extra_text(p: str, who: dict[str, tuple[str, str]], labels: dict[str, str],
                phone: str | None, home: str, rng: np.random.Generator
                ) -> tuple[str, str, list[str]]:
    nm, dob = who[p]
    drug = _DRUGS[int(rng.integers(len(_DRUGS)))]
    o = f"{nm} (born {dob}) is dealing {drug} from {labels[home]}."
    s = f"SUBJECT 1 is dealing {drug} from [ADDRESS]."
    if phone is not None:
        o += f" Orders are taken on {labels[phone]}."
        s += " Orders are taken on [PHONE]."
    return o, s, [p]


def collection_plan(truth: dict[str, Any], sources: pd.DataFrame) -> dict[str, Any]:
    group = truth["groups"][0]
    chis = sources.loc[sources["source_type"] == "CHIS", "source_ref"].iloc[:2].tolist()
    return {
        "plan_id": "CP-2026-0007",
        "title": "Kestrel Lane group: drug supply and burglary, Oldcaster and Kestermoor",
        "owner": "DI 4471",
        "requirement": "IR-REQ-2026-03: identify the structure, supply routes and assets of the "
                       "Kestrel Lane group and its link to the Kestermoor burglary series",
        "terms_of_reference": {
            "requester": "Superintendent, Northshire Tactical Tasking and Coordination Group",
            "question": "Who directs the Kestrel Lane group, how does it move drugs and money, "
                        "and is it behind the autumn 2025 Kestermoor burglaries?",
            "scope": "Oldcaster and Kestermoor sectors, 1 January 2025 to 31 October 2026",
            "deadline": "2026-12-18",
            "audience": "TTCG; Serious and Organised Crime Unit",
        },
        "review_frequency": "every 28 days",
        "created": "2026-10-05",
        "next_review": "2026-12-01",
        "status": "ACTIVE",
        "authority": {"type": "RIPA CHIS", "ref": "AUTH-2026-0193", "granted": "2026-10-06",
                      "authorised_by": "Superintendent"},
        "necessity": "Class A supply and linked dwelling burglaries cause serious harm; overt "
                     "policing has not identified who directs the group.",
        "proportionality": "Collection is limited to named subjects and the two sectors; "
                           "less intrusive options (open records, partner data) come first; "
                           "collateral intrusion is minimised by excluding family members "
                           "not suspected of involvement.",
        "questions": [
            {"id": "Q1", "text": "Who gives instructions within the group?", "priority": "HIGH",
             "gap": "No first-hand account of the group's hierarchy",
             "candidate_sources": [
                 {"source": "CHIS", "ref": chis[0] if chis else "",
                  "access_difficulty": "Source has limited access to senior members"}],
             "method": "Tasked CHIS debrief",
             "tasked_to": "Source Handling Unit", "deadline": "2026-11-30",
             "status": "OPEN", "answered_by": []},
            {"id": "Q2", "text": "Which vehicles move drugs between Oldcaster and Kestermoor?",
             "priority": "MEDIUM",
             "gap": "ANPR coverage on the link road is partial",
             "candidate_sources": [
                 {"source": "ANPR", "ref": "", "access_difficulty": "Two cameras out of service"},
                 {"source": "Neighbourhood officers", "ref": "",
                  "access_difficulty": "Shift pattern limits evening observations"}],
             "method": "ANPR review; tasked neighbourhood patrols",
             "tasked_to": "Kestermoor Neighbourhood Team", "deadline": "2026-12-05",
             "status": "PARTLY_ANSWERED", "answered_by": []},
            {"id": "Q3", "text": "Is the autumn 2025 Kestermoor burglary series linked to the "
                                 "group?", "priority": "HIGH",
             "gap": "No forensic links between scenes yet",
             "candidate_sources": [
                 {"source": "Forensic products", "ref": "",
                  "access_difficulty": "Backlog at the regional laboratory"},
                 {"source": "CHIS", "ref": chis[1] if len(chis) > 1 else "",
                  "access_difficulty": "Source is not close to the suspected offenders"}],
             "method": "Crime pattern analysis; forensic submissions",
             "tasked_to": "Force Intelligence Bureau", "deadline": "2026-11-20",
             "status": "OPEN", "answered_by": []},
            {"id": "Q4", "text": "Where are the group's proceeds laundered?", "priority": "LOW",
             "gap": "No financial intelligence held",
             "candidate_sources": [
                 {"source": "Financial investigation", "ref": "",
                  "access_difficulty": "Needs a production order"}],
             "method": "Financial investigation referral",
             "tasked_to": "Economic Crime Unit", "deadline": "2027-01-31",
             "status": "OPEN", "answered_by": []},
            {"id": "Q5", "text": "Which phones do the group's leaders use to give instructions?",
             "priority": "HIGH", "gap": "The group's shared phone is not attributed",
             "candidate_sources": [
                 {"source": "Communications data", "ref": "",
                  "access_difficulty": "Requires authority; 4-6 weeks turnaround"}],
             "authority": "IPA_COMMS_DATA", "authority_ref": "AUTH-2026-0207",
             "method": "Communications data on the group's shared phone",
             "tasked_to": "Communications Data Investigator", "deadline": "2026-12-11",
             "status": "OPEN", "answered_by": []},
        ],
        "subjects": [group["leader"]],
        "history": [],
    }
