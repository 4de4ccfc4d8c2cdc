"""Communications data through the gate: sensitive by default, aggregated when it goes out.

A frame whose ``attrs["intelbench_kind"]`` is ``"communications_data"`` (the outputs of
:mod:`intelbench.comms`) is refused to partners and the public unless the recipient's policy
sets ``allow_communications_data``. Then it leaves only as counts by day, with every number
replaced by a label (``Phone A``, ``Phone B``, ...) that is the same for the same number across
the whole product; no number, IMEI, IMSI, cell or duration leaves.

Examples
--------
>>> from intelbench.gate.comms_data import aggregate_comms
>>> cdr = pd.DataFrame({"target": ["+447700900001"] * 3,
...                     "other": ["+447700900002", "+447700900003", "+447700900002"],
...                     "start": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 11:00",
...                                              "2026-01-06 09:00"], utc=True)})
>>> aggregate_comms(cdr)
          day   target    other  count
0  2026-01-05  Phone A  Phone B      1
1  2026-01-05  Phone A  Phone C      1
2  2026-01-06  Phone A  Phone B      1
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.gate.roles import with_roles

__all__ = ["COMMS_KIND", "aggregate_comms", "is_comms", "phone_labels"]

COMMS_KIND = "communications_data"
_PARTY = re.compile(r"^(?:target|other|a_party|b_party|a_number|b_number|msisdn|caller|called|"
                    r"number|phone|target_number|other_number|party)(?:_\w+)?$", re.I)
_TIME = ("start", "start_time", "timestamp", "datetime", "time", "date", "start_local")


def is_comms(content: Any) -> bool:
    """Whether a product's content is communications data (by its frame marker)."""
    return isinstance(content, pd.DataFrame) and (
        content.attrs.get("intelbench_kind") == COMMS_KIND)


def _letters(i: int) -> str:
    out = ""
    i += 1
    while i:
        i, r = divmod(i - 1, 26)
        out = chr(65 + r) + out
    return out


def phone_labels(values: Any) -> dict[str, str]:
    """Map each distinct number to ``Phone A``, ``Phone B``, ... in order of first appearance."""
    seen: dict[str, str] = {}
    for v in values:
        if v is None or (isinstance(v, float) and v != v):
            continue
        key = str(v)
        if key not in seen:
            seen[key] = f"Phone {_letters(len(seen))}"
    return seen


def aggregate_comms(frame: pd.DataFrame) -> pd.DataFrame:
    """Count records by day and labelled party; no number leaves.

    Parameters
    ----------
    frame : DataFrame
        Communications data: a time column (``start`` or another datetime) and the party
        columns (``target``/``other``, ``a_party``/``b_party``, ...).

    Returns
    -------
    DataFrame
        ``day``, one column per party (labels) and ``count``, with column roles declared.

    Raises
    ------
    SchemaError
        If the frame has no time column or no party column.
    """
    cols = {str(c): c for c in frame.columns}
    tcol = next((cols[n] for n in _TIME if n in cols), None)
    if tcol is None:
        tcol = next((c for c in frame.columns
                     if pd.api.types.is_datetime64_any_dtype(frame[c])), None)
    parties = [c for c in frame.columns if _PARTY.match(str(c))]
    if tcol is None or not parties:
        raise SchemaError(
            "communications data: expected a time column (start) and party columns (target, "
            f"other); columns present: {', '.join(map(str, frame.columns))}")
    # Times as text are read as ISO 8601 only: a day-first "01/02/2025" is left without a
    # day (still counted) rather than read month-first onto the wrong day.
    when = (pd.to_datetime(frame[tcol], utc=True)
            if pd.api.types.is_datetime64_any_dtype(frame[tcol])
            else pd.to_datetime(frame[tcol], errors="coerce", utc=True, format="ISO8601"))
    labels = phone_labels(pd.concat([frame[c] for c in parties], ignore_index=True))
    out = pd.DataFrame({"day": when.dt.strftime("%Y-%m-%d")})
    for c in parties:
        out[str(c)] = frame[c].map(lambda v: labels.get(str(v), "unknown"))
    keys = ["day"] + [str(c) for c in parties]
    agg = out.groupby(keys, dropna=False).size().reset_index(name="count")
    return with_roles(agg, {"day": "time", "count": "count", **{str(c): "label" for c in parties}})
