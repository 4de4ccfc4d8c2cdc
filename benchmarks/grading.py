"""Benchmark: check 100k intelligence reports with ib.validate_grades (target < 1 s).

Peer: the naive approach, a Python loop that calls ``Grade.parse`` and ``GradingPolicy.check``
on every row (it finds fewer kinds of problem: it stops at the first error of a row).
Run: ``.venv/bin/python benchmarks/grading.py [n_rows]``.
"""

from __future__ import annotations

import sys
import time

import numpy as np
import pandas as pd

from intelbench.exceptions import GradingError
from intelbench.grading.checks import validate_grades
from intelbench.grading.grade import Grade
from intelbench.grading.policy import GradingPolicy


def make_log(n: int, seed: int = 2026) -> pd.DataFrame:
    """A log shaped like the sample force's: mostly clean, ~1% legacy, a few defects."""
    rng = np.random.default_rng(seed)
    source = rng.choice(["1", "2", "3"], n, p=[0.45, 0.45, 0.10]).astype(object)
    assess = rng.choice(list("ABCDE"), n, p=[0.2, 0.33, 0.3, 0.14, 0.03]).astype(object)
    handling = np.where(rng.random(n) < 0.22, "C", "P").astype(object)
    under_c = handling == "C"
    conditions = np.where(under_c, "No executive action without the handler", "").astype(object)
    risk = np.where(under_c, "RA-2026-0001", "").astype(object)
    rationale = np.where((source == "3") | (assess == "E"), "Known grudge", "").astype(object)
    legacy = rng.random(n) < 0.01
    defects = rng.choice(n, size=n // 100, replace=False)
    kinds = rng.integers(0, 5, len(defects))
    source[defects[kinds == 0]] = "B"
    assess[defects[kinds == 0]] = "2"
    handling[defects[kinds == 1]] = "C"  # C without conditions
    conditions[defects[kinds == 1]] = ""
    risk[defects[kinds == 1]] = "RA-2026-0002"
    rationale[defects[kinds == 2]] = ""
    source[defects[kinds == 2]] = "3"
    handling[defects[kinds == 3]] = "CONFIDENTIAL"
    source[defects[kinds == 4]] = "80%"
    return pd.DataFrame({
        "urn": [f"IR-2026-{i:06d}" for i in range(n)],
        "scheme": np.where(legacy, "5x5x5", "3x5x2"),
        "source_eval": np.where(legacy, "", source), "intel_assess": np.where(legacy, "", assess),
        "handling": np.where(legacy, "", handling),
        "handling_conditions": np.where(legacy, "", conditions),
        "risk_assessment_ref": np.where(legacy, "", risk), "grade_rationale": rationale,
        "legacy_grade": np.where(legacy, "B24", ""),
        "status": rng.choice(["SUBMITTED", "EVALUATED", "SANITISED"], n, p=[0.15, 0.55, 0.3]),
    })


def naive(log: pd.DataFrame, policy: GradingPolicy) -> int:
    """Per-row Grade.parse + policy check: the obvious loop an analyst might write."""
    problems = 0
    for row in log.itertuples(index=False):
        if row.scheme != "3x5x2":
            continue
        try:
            grade = Grade.parse(f"{row.source_eval}{row.intel_assess}{row.handling}",
                                conditions=row.handling_conditions if row.handling == "C" else "",
                                risk_assessment_ref=row.risk_assessment_ref,
                                rationale=row.grade_rationale)
        except GradingError:
            problems += 1
            continue
        problems += len(policy.check(grade))
    return problems


def best_of(fn: object, repeat: int) -> float:
    times = []
    for _ in range(repeat):
        t0 = time.perf_counter()
        fn()  # type: ignore[operator]
        times.append(time.perf_counter() - t0)
    return min(times)


def main(n: int = 100_000) -> None:
    log = make_log(n)
    policy = GradingPolicy()
    validate_grades(log.head(1000), policy)  # warm up imports
    fast = best_of(lambda: validate_grades(log, policy), 3)
    found = validate_grades(log, policy)
    slow = best_of(lambda: naive(log, policy), 1)
    print(f"rows: {n:,}; problems found by validate_grades: {len(found):,} "
          f"({found['rule'].nunique()} rules)")
    print(f"ib.validate_grades (vectorised) : {fast:8.3f} s  (target < 1 s)")
    print(f"naive per-row Grade.parse loop  : {slow:8.3f} s")
    print(f"speed-up                        : {slow / fast:8.1f}x")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
