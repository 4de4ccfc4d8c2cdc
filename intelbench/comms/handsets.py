"""Handset and SIM changes: the IMEI-IMSI pairs of each number over time (methods.md B15).

A handset swap is the same SIM (IMSI) in a new handset (IMEI); a SIM swap is a new IMSI in
the same handset. Each change cites the last record before it and the first record after it
(file and line).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.exceptions import ParameterError

__all__ = ["handset_changes", "pairings"]


def _runs(records: pd.DataFrame) -> pd.DataFrame:
    for c in ("target", "start", "imei", "imsi"):
        if c not in records.columns:
            raise ParameterError(f"records: missing column {c!r}")
    r = records.loc[records["imei"].notna() & records["imsi"].notna()]
    cols = ["target", "start", "imei", "imsi"] + [c for c in ("source", "row") if c in r]
    r = r[cols].copy()
    for c in ("target", "imei", "imsi"):
        r[c] = r[c].astype(str)
    r = r.sort_values(["target", "start"], kind="mergesort").reset_index(drop=True)
    new = ((r["target"] != r["target"].shift()) | (r["imei"] != r["imei"].shift())
           | (r["imsi"] != r["imsi"].shift()))
    r["run"] = np.cumsum(new.to_numpy())
    return r


def pairings(records: pd.DataFrame) -> pd.DataFrame:
    """Return each number's IMEI-IMSI pairs as runs of consecutive records.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records with ``imei`` and ``imsi``.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``imei``, ``imsi``, ``first``, ``last`` and ``records`` per run, in time
        order within each number.
    """
    r = _runs(records)
    g = r.groupby("run", sort=True)
    out = g.agg(target=("target", "first"), imei=("imei", "first"), imsi=("imsi", "first"),
                first=("start", "min"), last=("start", "max"), records=("start", "size"))
    return mark(out.reset_index(drop=True))


def handset_changes(records: pd.DataFrame) -> pd.DataFrame:
    """Return every change of handset (IMEI) or SIM (IMSI) on each number.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records with ``imei`` and ``imsi`` (records lacking either are skipped).

    Returns
    -------
    pandas.DataFrame
        ``target``, ``change`` ("handset", "SIM" or "handset and SIM"), ``before``/``after``
        (last record with the old pair and first with the new, UTC), ``imei_before``,
        ``imei_after``, ``imsi_before``, ``imsi_after`` and, when the records have them,
        ``source_before``, ``row_before``, ``source_after``, ``row_after``.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001",
    ...     "start": t + pd.to_timedelta([0, 1, 2], "D"),
    ...     "imei": ["490154203237518", "490154203237518", "356938035643809"],
    ...     "imsi": "234150000000001", "source": "f.csv", "row": [2, 3, 4]})
    >>> c = ib.comms.handset_changes(rec)
    >>> c[["change", "imei_after", "row_before", "row_after"]].values.tolist()
    [['handset', '356938035643809', 3, 4]]
    """
    r = _runs(records)
    last = r.groupby("run", sort=True).tail(1).set_index("run")
    first = r.groupby("run", sort=True).head(1).set_index("run")
    runs = first.index.to_numpy()
    prev = runs[:-1]
    nxt = runs[1:]
    same = first.loc[nxt, "target"].to_numpy() == last.loc[prev, "target"].to_numpy()
    prev, nxt = prev[same], nxt[same]
    a, b = last.loc[prev], first.loc[nxt]
    imei_ch = a["imei"].to_numpy() != b["imei"].to_numpy()
    imsi_ch = a["imsi"].to_numpy() != b["imsi"].to_numpy()
    change = np.where(imei_ch & imsi_ch, "handset and SIM", np.where(imei_ch, "handset", "SIM"))
    out = pd.DataFrame({"target": b["target"].to_numpy(), "change": change,
                        "before": a["start"].to_numpy(), "after": b["start"].to_numpy(),
                        "imei_before": a["imei"].to_numpy(), "imei_after": b["imei"].to_numpy(),
                        "imsi_before": a["imsi"].to_numpy(), "imsi_after": b["imsi"].to_numpy()})
    for c in ("source", "row"):
        if c in r:
            out[f"{c}_before"] = a[c].to_numpy()
            out[f"{c}_after"] = b[c].to_numpy()
    for c in ("before", "after"):
        out[c] = pd.to_datetime(out[c], utc=True)
    return mark(out)
