"""Test events shared by the chart tests (unit and browser)."""

from __future__ import annotations

import numpy as np
import pandas as pd

EVIL_IMG = "<img src=x onerror=alert(1)>"
EVIL_TEMPLATE = "{{7*7}}"
EVIL_SCRIPT = "</script><script>window.__pwned=1;alert(2)</script>"
EVIL = (EVIL_IMG, EVIL_TEMPLATE, EVIL_SCRIPT)


def hostile_events() -> pd.DataFrame:
    """Events whose subject names, kinds and details are markup, templates and script ends."""
    return pd.DataFrame({
        "subject": [EVIL_IMG, EVIL_TEMPLATE, EVIL_SCRIPT, "P-4"],
        "time": ["2025-03-01 10:00", "2025-03-02 12:30", "2025-03-03 18:15",
                 "2025-03-04 09:00"],
        "end": ["2025-03-01 10:00", "2025-03-02 16:30", "", ""],
        "kind": [EVIL_SCRIPT, "meeting", EVIL_IMG, EVIL_TEMPLATE],
        "with": [EVIL_TEMPLATE, EVIL_IMG, "", EVIL_SCRIPT],
        "note": [EVIL_IMG, EVIL_SCRIPT, EVIL_TEMPLATE, "plain"],
    })


def call_records(n: int = 40, seed: int = 3) -> pd.DataFrame:
    """Call data records between three numbers, as ``ib.comms.read_cdr`` gives them."""
    rng = np.random.default_rng(seed)
    nums = ["+447700900001", "+447700900002", "+447700900003"]
    start = pd.Timestamp("2025-09-01 08:00", tz="UTC")
    rows = []
    for k in range(n):
        a, b = rng.choice(3, 2, replace=False)
        t = start + pd.Timedelta(minutes=int(rng.integers(0, 60 * 24 * 14)))
        rows.append({"target": nums[a], "other": nums[b], "type": ["voice", "sms"][k % 2],
                     "direction": "out", "start": t, "duration_s": int(rng.integers(0, 600))})
    return pd.DataFrame(rows)


def many_events(n: int, lines: int = 40, seed: int = 0) -> pd.DataFrame:
    """``n`` events over a year on ``lines`` theme lines; a tenth are windows, a fifth calls."""
    rng = np.random.default_rng(seed)
    t0 = pd.Timestamp("2025-01-01").value
    t = pd.to_datetime(t0 + rng.integers(0, 365 * 86400, n) * 10**9)
    subj = rng.integers(0, lines, n)
    other = np.where(rng.random(n) < 0.2, (subj + 1 + rng.integers(0, lines - 1, n)) % lines, -1)
    end = t + pd.to_timedelta(np.where(rng.random(n) < 0.1, rng.integers(1, 72, n), 0), "h")
    kinds = np.array(["call", "meeting", "sighting", "offence", "arrest", "address"])
    return pd.DataFrame({
        "subject": [f"Subject {s:03d}" for s in subj],
        "time": t, "end": end,
        "kind": kinds[rng.integers(0, len(kinds), n)],
        "with": [f"Subject {o:03d}" if o >= 0 else "" for o in other],
        "ref": [f"EV-{k:06d}" for k in range(n)],
    })
