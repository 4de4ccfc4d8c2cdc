"""Communications data counted for recipients outside policing loses no row to a leak.

``gate/public_points.py`` once let original report wording planted in a counted key column
out, because counting lost the row the wording-check needed. ``aggregate_comms`` counts too:
here original wording, source references and officer details are planted in its key columns
(the parties and the time) and in other columns, and none of them may reach the counts.
"""

from __future__ import annotations

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelbench.gate.comms_data import aggregate_comms

_SECRETS = ["subject was seen dealing from the rear of the premises late at night",
            "SRC-0042", "CHIS 4471", "DC Ray Holt", "PC 1234 Amy Rowe", "informant Dee Lane"]
_PHONES = ["+447700900001", "+447700900002", "07700900003"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(st.sampled_from(["target", "other", "start", "notes"]),
                          st.sampled_from(_SECRETS), st.integers(0, 9)),
                min_size=1, max_size=12),
       st.integers(3, 12))
def test_planted_wording_sources_and_officers_never_reach_the_counts(
        plants: list[tuple[str, str, int]], n: int) -> None:
    frame = pd.DataFrame({
        "target": [_PHONES[i % 3] for i in range(n)],
        "other": [_PHONES[(i + 1) % 3] for i in range(n)],
        "start": [f"2026-01-0{1 + i % 5} 10:00" for i in range(n)],
        "notes": ["none"] * n,
    }).astype(object)
    planted = set()
    for col, secret, row in plants:
        frame.loc[row % n, col] = secret
        planted.add(secret)
    out = aggregate_comms(frame)
    cells = [str(v) for v in out.to_numpy().ravel()] + [str(c) for c in out.columns]
    text = " ".join(cells).lower()
    assert not [s for s in planted if s.lower() in text], out
    # no row is lost: every record is counted once
    assert int(out["count"].sum()) == n
