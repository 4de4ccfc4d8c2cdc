"""Sanitising a 100,000-report intelligence log for a partner: intelbench vs a per-row loop.

The log has the columns of ``data_samples/intel_reports.csv`` (synthesised here with a seed so
the benchmark runs anywhere). intelbench drops every field the partner policy does not allow,
generalises times to the week, withholds original text and redacts the free text (600 known
names, sealed source references, phones, e-mails, vehicle registrations, postcodes, addresses,
dates of birth, bank details, and the detectors of ``intelbench.gate.detectors``: NINO, NHS,
cards, IPs, URLs, handles, passports, driving licences) with one scan per column. The peer is
the obvious code: a Python loop over rows applying ``re.sub`` once per pattern. Both produce
the same redacted text.

The output is also compared with the output of the code before it was made faster
(``sanitise_reference.json``: SHA-256 digests of every output column, the flagged values and the
counts of redactions, for 100,000 rows, saved once from commit d84a642): the run fails if
anything differs.

Run: .venv/bin/python benchmarks/sanitise.py [n_rows]
"""

from __future__ import annotations

import hashlib
import json
import re
import sys
import time
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.gate.sanitise import KnownTerms, policy_for, sanitise_frame

SEED = 2026
REFERENCE = Path(__file__).with_name("sanitise_reference.json")


def make_log(n: int, seed: int = SEED) -> tuple[pd.DataFrame, KnownTerms]:
    rng = np.random.default_rng(seed)
    first = np.array(["Kyle", "Amy", "Dean", "Leah", "Ryan", "Sofia", "Liam", "Chloe", "Amir",
                      "Jade", "Connor", "Nadia", "Reece", "Tia", "Owen", "Maya"])
    last = np.array(["Barrow", "Rowe", "Hartley", "Finch", "Cole", "Mercer", "Doyle", "Kerr",
                     "Lowe", "Pryce", "Vance", "Whitlock", "Ashby", "Quinn", "Rourke", "Tait"])
    nominal = [f"{f}{i % 40 or ''} {s}" for i, (f, s) in enumerate(
        zip(rng.choice(first, 600), rng.choice(last, 600)))]
    nominal = [n.replace("0 ", " ") for n in nominal]
    refs = [f"SRC-{i:04d}" for i in range(80)]
    idx = rng.integers(0, 600, n)
    words = np.array(("subject was seen near the shop on the estate with two males late at "
                      "night driving a dark hatchback believed to be dealing cannabis from "
                      "the rear of the premises").split())
    body = [" ".join(rng.choice(words, 18)) for _ in range(2000)]
    phones = [f"077{rng.integers(0, 100):02d} {rng.integers(0, 10**6):06d}" for _ in range(5000)]
    vrms = ["".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXY"), 2)) + f"{rng.integers(10, 75)} "
            + "".join(rng.choice(list("ABCDEFGHJKLMNPRSTUVWXY"), 3)) for _ in range(5000)]
    pcs = [f"NS{rng.integers(1, 20)} {rng.integers(1, 10)}"
           + "".join(rng.choice(list("ABDEFGHJLNPQRSTUWXYZ"), 2)) for _ in range(5000)]
    kind = rng.integers(0, 6, n)
    pick = rng.integers(0, 5000, n)
    texts = []
    for i in range(n):
        t = body[i % 2000]
        k = kind[i]
        if k == 0:
            t += f" {nominal[idx[i]]} uses {phones[pick[i]]}"
        elif k == 1:
            t += f" vehicle {vrms[pick[i]]} parked near {pcs[pick[i]]}"
        elif k == 2:
            t += f" on 12/03/2026 at 14:30 {nominal[idx[i]]} visited 12 Harrow Road"
        elif k == 3:
            t += f" per {refs[i % 80]} the group meets on Fridays"
        texts.append(t)
    dates = pd.Timestamp("2025-04-01") + pd.to_timedelta(rng.integers(0, 365 * 24, n), unit="h")
    log = pd.DataFrame({
        "urn": [f"IR-2026-{i:06d}" for i in range(n)],
        "created_at": dates.strftime("%Y-%m-%dT%H:%M:%S"),
        "date_of_intelligence": dates.strftime("%Y-%m-%d"),
        "submitter": rng.choice(["PC 1234 Amy Rowe", "DC Ray Holt", "PS 88 Jo Kerr"], n),
        "source_ref": [refs[i % 80] for i in range(n)],
        "source_type": rng.choice(["CHIS", "OPEN", "COMMUNITY"], n),
        "classification": "OFFICIAL",
        "source_eval": rng.choice(["1", "2", "3"], n),
        "intel_assess": rng.choice(list("ABCDE"), n),
        "handling": "P",
        "grade_rationale": "rationale",
        "original_text": [f"orig {i} " + body[(i * 7) % 2000] for i in range(n)],
        "sanitised_text": texts,
    })
    src = pd.DataFrame({"source_ref": refs, "source_name": [f"Dee Lane{i}" for i in range(80)]})
    names = pd.DataFrame({"forenames": [n.split()[0] for n in nominal],
                          "surname": [n.split()[1] for n in nominal]})
    return log, KnownTerms.from_frames(names, src)


def naive(log: pd.DataFrame, known: KnownTerms, allowed: set[str]) -> list[dict]:
    """The peer: loop over rows, keep allowed fields, re.sub each pattern, parse each date."""
    from datetime import datetime

    pats = []
    for kind in ("NAME", "REF"):
        terms = sorted((t for t, k in known.terms().items() if k == kind), key=len, reverse=True)
        alt = "|".join(map(re.escape, terms))
        pats.append((re.compile(r"\b(?:" + alt + r")\b", re.I), f"[{kind}]"))
    pats += [
        (re.compile(r"(?<![\w+])(?:(?:\+|00)[ ]?44[ ]?|\(0|0)\d{2,4}\)?[ \-]?\d{3,4}[ \-]?"
                    r"\d{3,4}(?!\d)"), "[PHONE]"),
        (re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-.]+\.[A-Za-z]{2,}"), "[EMAIL]"),
        (re.compile(r"\b[A-Z]{2}\d{2}[ \-]?[A-Z]{3}\b"), "[VRM]"),
        (re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?[ \-]?\d[A-Z]{2}\b", re.I), "[POSTCODE]"),
        (re.compile(r"\b\d{1,4}[A-Za-z]?,?[ ]+(?:[A-Z][A-Za-z'\-]+[ ]+){1,3}"
                    r"(?:Street|Road|Lane|Avenue|Close|Drive|Way)\b"), "[ADDRESS]"),
        (re.compile(r"\b\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}\b"), "[CARD]"),
        (re.compile(r"(?i:sort[ \-]*code)[ :]*\d{2}[ \-]?\d{2}[ \-]?\d{2}"), "[BANK]"),
    ]
    out = []
    for row in log.to_dict("records"):
        rec = {k: v for k, v in row.items() if k in allowed}
        text = rec["sanitised_text"]
        if row["original_text"].lower() in text.lower():
            text = "[WITHHELD]"
        for rx, token in pats:
            text = rx.sub(token, text)
        rec["sanitised_text"] = text
        d = datetime.strptime(rec["date_of_intelligence"], "%Y-%m-%d").isocalendar()
        rec["date_of_intelligence"] = f"{d[0]}-W{d[1]:02d}"
        out.append(rec)
    return out


def _sha(values: Any) -> str:
    h = hashlib.sha256()
    for v in values:
        h.update(("\x00" if v is None else str(v)).encode("utf-8", "surrogatepass") + b"\x1e")
    return h.hexdigest()


def digest(res: Any) -> dict[str, Any]:
    """SHA-256 of every output column and of the flagged values; the redaction counts."""
    flagged = res.flagged
    return {
        "columns": {str(c): _sha(res.frame[c].tolist()) for c in res.frame.columns},
        "flagged": {str(c): _sha(flagged[c].tolist()) for c in flagged.columns},
        "redactions": {f"{f}:{k}": int(n) for (f, k), n in sorted(res.redactions.items())},
    }


def check_reference(n: int, got: dict[str, Any]) -> str:
    """Compare with the saved output of the code before it was made faster."""
    ref = json.loads(REFERENCE.read_text())
    if ref["n_rows"] != n or ref["seed"] != SEED:
        return f"no reference for {n:,} rows (saved for {ref['n_rows']:,})"
    diff = [f"{part}.{k}" for part in ("columns", "flagged", "redactions")
            for k in sorted(set(ref[part]) | set(got[part]))
            if ref[part].get(k) != got[part].get(k)]
    if diff:
        raise SystemExit(f"output differs from the saved reference in: {', '.join(diff)}")
    return f"identical to the saved pre-change output ({REFERENCE.name}, {n:,} rows)"


def main(n: int = 100_000) -> None:
    log, known = make_log(n)
    policy = policy_for("PARTNER_ISA")
    t0 = time.perf_counter()
    # flagged values are withheld by default; the peer has no flags, so for the comparison
    # of redacted text a person is taken to have released them all
    res = sanitise_frame(log, policy, known=known, release=lambda field, kind, value: True)
    t_ib = time.perf_counter() - t0
    allowed = {c for c in log.columns if policy.allows(c)}
    t0 = time.perf_counter()
    peer = naive(log, known, allowed)
    t_peer = time.perf_counter() - t0
    same = sum(a == b for a, b in zip(res.frame["sanitised_text"], (r["sanitised_text"]
                                                                    for r in peer)))
    print(f"rows: {n:,}; fields out: {list(res.frame.columns)}")
    print(f"redacted: {res.n_redacted:,} values; flagged: {len(res.flagged):,}")
    print(f"intelbench sanitise_frame: {t_ib:6.2f} s  (target < 3 s)")
    print(f"per-row re.sub loop:       {t_peer:6.2f} s")
    print(f"ratio (peer / intelbench): {t_peer / t_ib:6.1f}x")
    print(f"identical redacted text in {same:,} of {n:,} rows")
    print(check_reference(n, digest(res)))


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
