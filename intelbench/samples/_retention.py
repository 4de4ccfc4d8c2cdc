"""The sample force's retention register (MoPI, issue 19 section 4): ``retention_register.csv``.

One row per intelligence report: its record type and offence (which give the MoPI group),
its first subject and their date of birth, and a little history to replay (past review
decisions, trigger events), chosen so that on :data:`SAMPLE_AS_OF` the force has records in
every group and in every state: due, overdue, scheduled, retained and disposed.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

__all__ = ["SAMPLE_AS_OF", "write_retention"]

#: The day the sample's review states are computed for (the notebook's "today").
SAMPLE_AS_OF = "2026-11-30"

_G1 = ["murder", "rape", "kidnapping", "child sexual exploitation"]
_G2 = ["robbery", "wounding", "domestic abuse", "drug supply", "possession of a weapon",
       "stalking"]
_G3 = ["burglary", "theft", "vehicle crime", "criminal damage", "drug possession", "fraud",
       "anti-social behaviour"]


def _plus_years(text: str, years: int) -> str:
    day = pd.Timestamp(text[:10])
    try:
        return day.replace(year=day.year + years).date().isoformat()
    except ValueError:
        return day.replace(year=day.year + years, day=28).date().isoformat()


def write_retention(rng: np.random.Generator, out: Path) -> Path:
    """Write ``retention_register.csv`` from ``intel_reports.csv`` and ``nominals.csv``."""
    reports = pd.read_csv(out / "intel_reports.csv", dtype=str).fillna("")
    people = pd.read_csv(out / "nominals.csv", dtype=str).fillna("")
    dob = dict(zip(people["nominal_id"], people["dob"], strict=True))
    n = len(reports)
    kind = rng.choice(["intelligence", "MAPPA", "undetected crime"], size=n, p=[0.91, 0.03, 0.06])
    band = rng.choice([1, 2, 3], size=n, p=[0.05, 0.30, 0.65])
    offence = [str(rng.choice(_G1 if b == 1 else _G2 if b == 2 else _G3)) for b in band]
    subject = [s.split(";")[0] if s else "" for s in reports["subjects"]]
    frame = pd.DataFrame({
        "kind": "report",
        "key": reports["urn"],
        "record_type": kind,
        "offence": offence,
        "created_at": reports["created_at"].str[:10],
        "scheme": reports["scheme"],
        "subject": subject,
        "subject_dob": [dob.get(s, "") for s in subject],
        "reviewed_on": "",
        "decision": "",
        "decision_reason": "",
        "trigger_on": "",
        "trigger_what": "",
    })
    created = frame["created_at"]
    low = (frame["record_type"] != "MAPPA") & frame["offence"].isin(_G3)
    old = created < "2019-06-01"
    candidates = np.flatnonzero((low & old).to_numpy())
    picked = rng.choice(candidates, size=min(24, len(candidates)), replace=False)
    for j, i in enumerate(sorted(picked)):  # reviews held in the last three years
        month = int(rng.integers(1, 34))
        reviewed = (pd.Timestamp("2023-11-15") + pd.DateOffset(months=month)).date().isoformat()
        frame.loc[i, "reviewed_on"] = max(reviewed, _plus_years(str(created.iat[i]), 1))
        if j % 3 == 0:
            frame.loc[i, ["decision", "decision_reason"]] = [
                "DISPOSE", "No longer necessary: no further intelligence on the subject"]
        else:
            frame.loc[i, ["decision", "decision_reason"]] = [
                "RETAIN", "Subject still active in the area: necessary and relevant"]
    free = frame["decision"] == ""
    group12 = frame["offence"].isin(_G1 + _G2) | (frame["record_type"] == "MAPPA")
    # new information that brings the next review into the coming month (DUE) ...
    for mask, day in ((free & group12 & (created < "2016-12-01"), "2016-12-10"),
                      (free & ~group12 & (created < "2020-12-01"), "2020-12-10")):
        rows = np.flatnonzero(mask.to_numpy())
        for i in rng.choice(rows, size=min(4, len(rows)), replace=False):
            frame.loc[i, ["trigger_on", "trigger_what"]] = [
                day, "New intelligence on the subject (later report)"]
    # ... and recent information that puts an old record's review years ahead (SCHEDULED)
    rows = np.flatnonzero((free & (frame["trigger_on"] == "") & (created < "2018-01-01"))
                          .to_numpy())
    for i in rng.choice(rows, size=min(8, len(rows)), replace=False):
        frame.loc[i, ["trigger_on", "trigger_what"]] = [
            f"2025-0{int(rng.integers(1, 10))}-15", "New intelligence on the subject"]
    path = out / "retention_register.csv"
    frame.to_csv(path, index=False, lineterminator="\n")
    return path
