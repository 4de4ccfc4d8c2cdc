"""Run the sample force's retention register into a workspace (notebook 08 and the form).

:func:`load_sample_retention` registers the reports of ``retention_register.csv`` that the
workspace holds, then replays the register's history in date order, through the same audited
functions an analyst uses: past RETAIN and DISPOSE decisions (:func:`~intelbench.retention.
decide` with ``as_of`` the review day; a disposal erases the report) and trigger events
(:func:`~intelbench.retention.trigger`).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.retention.register import decide, register, trigger
from intelbench.retention.schedule import RetentionSchedule
from intelbench.samples._retention import SAMPLE_AS_OF

__all__ = ["SAMPLE_AS_OF", "load_sample_retention"]



def load_sample_retention(ws: Any, path: str | Path | None = None, *,
                          schedule: RetentionSchedule | None = None) -> dict[str, int]:
    """Register the sample force's records held by ``ws`` and replay their history.

    Parameters
    ----------
    ws : Workspace
        With the sample reports imported (kind ``"report"``) and a reviewing role
        (INTEL_UNIT or SUPERVISOR), since past decisions are replayed.
    path : str or Path, optional
        ``retention_register.csv`` (default: the sample force's).

    Returns
    -------
    dict
        ``registered``, ``retained``, ``disposed`` and ``triggers`` counts.
    """
    if path is None:
        from intelbench.samples import sample_path

        path = sample_path() / "retention_register.csv"
    frame = pd.read_csv(path, dtype=str).fillna("")
    held = set(ws.keys("report"))
    frame = frame[frame["key"].isin(held)].reset_index(drop=True)
    counts = {"registered": register(ws, frame, schedule=schedule), "retained": 0,
              "disposed": 0, "triggers": 0}
    events: list[tuple[str, str, Any]] = []
    for row in frame.to_dict("records"):
        ref = f"{row['kind']}/{row['key']}"
        if row["decision"]:
            events.append((str(row["reviewed_on"]), "decide",
                           (ref, str(row["decision"]), str(row["decision_reason"]))))
        if row["trigger_on"]:
            events.append((str(row["trigger_on"]), "trigger", (ref, str(row["trigger_what"]))))
    for day, what, args in sorted(events, key=lambda e: (e[0], e[1], e[2][0])):
        if what == "decide":
            ref, decision, reason = args
            decide(ws, ref, decision, reason=reason, as_of=day, schedule=schedule)
            counts["retained" if decision == "RETAIN" else "disposed"] += 1
        else:
            trigger(ws, args[0], on=day, what=args[1], schedule=schedule)
            counts["triggers"] += 1
    return counts
