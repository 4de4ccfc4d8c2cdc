"""Patterns in time: day x hour (UK local time), bursts and call-back sequences.

Day and hour are taken in UK local time (``Europe/London``), so an 8 pm call is an 8 pm call
in summer and winter alike; the stored instants stay in UTC.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.exceptions import ParameterError

__all__ = ["bursts", "callbacks", "day_hour"]

_DAYS = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"]


def day_hour(records: pd.DataFrame, number: str | None = None) -> pd.DataFrame:
    """Count records by day of week and hour of day in UK local time.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    number : str, optional
        Only this target number.

    Returns
    -------
    pandas.DataFrame
        7 rows (Mon..Sun) by 24 columns (hours 0..23) of counts.

    Examples
    --------
    A call at 19:30 UTC on Monday 1 September 2025 was at 20:30 BST:

    >>> rec = pd.DataFrame({"target": "+447700900001",
    ...     "start": [pd.Timestamp("2025-09-01 19:30", tz="UTC")]})
    >>> t = ib.comms.day_hour(rec)
    >>> int(t.loc["Mon", 20]), int(t.values.sum())
    (1, 1)
    """
    r = records if number is None else records.loc[records["target"] == number]
    local = r["start"].dt.tz_convert("Europe/London")
    tab = pd.crosstab(local.dt.day_of_week, local.dt.hour)
    tab = tab.reindex(index=range(7), columns=range(24), fill_value=0)
    tab.index = pd.Index(_DAYS, name="day")
    tab.columns = pd.Index(range(24), name="hour")
    return mark(tab)


def bursts(records: pd.DataFrame, *, freq: str = "1h", alpha: float = 0.01) -> pd.DataFrame:
    """Find periods in which a number's activity is far above its own normal rate.

    For each target, records are counted in bins of ``freq`` over the target's active span;
    its normal rate is the mean count per bin. A bin with ``k`` records is a burst when the
    Poisson chance of ``k`` or more at that rate, times the number of bins (Bonferroni),
    is below ``alpha``.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    freq : str
        Bin width (a pandas offset).
    alpha : float
        Family-wise error rate per target.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``start`` (bin start, UTC), ``count``, ``expected`` and ``p_value``
        (Bonferroni-adjusted, at most 1), sorted by target and time.

    Examples
    --------
    One record an hour for 100 hours, then 12 in one hour:

    >>> t0 = pd.Timestamp("2025-09-01", tz="UTC")
    >>> times = list(t0 + pd.to_timedelta(range(100), "h"))
    >>> times += [t0 + pd.Timedelta(hours=100, minutes=m) for m in range(12)]
    >>> rec = pd.DataFrame({"target": "+447700900001", "start": times})
    >>> b = ib.comms.bursts(rec)
    >>> b[["start", "count"]].values.tolist()
    [[Timestamp('2025-09-05 04:00:00+0000', tz='UTC'), 12]]
    """
    from scipy.stats import poisson

    if not 0 < alpha < 1:
        raise ParameterError(f"alpha must be in (0, 1); got {alpha!r}")
    width = pd.Timedelta(freq)
    rows = []
    r = pd.DataFrame({"target": records["target"].astype(str),
                      "bin": records["start"].dt.floor(width)})
    counts = r.groupby(["target", "bin"]).size()
    for target, s in counts.groupby(level=0, sort=True):
        s = s.droplevel(0)
        n_bins = int((s.index.max() - s.index.min()) / width) + 1
        rate = s.sum() / n_bins
        p = np.minimum(poisson.sf(s.to_numpy() - 1, rate) * n_bins, 1.0)
        hit = p < alpha
        for start, k, pv in zip(s.index[hit], s.to_numpy()[hit], p[hit]):
            rows.append({"target": target, "start": start, "count": int(k),
                         "expected": round(float(rate), 3), "p_value": float(pv)})
    return mark(pd.DataFrame(rows, columns=["target", "start", "count", "expected", "p_value"]))


def callbacks(records: pd.DataFrame, *, within: str = "10min") -> pd.DataFrame:
    """Find call-backs: a contact from a party answered by a call to that party soon after.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    within : str
        Longest delay between the incoming contact and the outgoing call.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``other``, ``incoming_at``, ``incoming_type``, ``callback_at``,
        ``delay_s`` and, when the records have them, ``source``, ``row_incoming`` and
        ``row_callback``; each incoming contact is matched to the first outgoing voice call
        to the same party after it.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001", "other": "+447700900002",
    ...     "type": ["sms", "voice", "voice"], "direction": ["in", "out", "out"],
    ...     "start": [t, t + pd.Timedelta("3min"), t + pd.Timedelta("1h")],
    ...     "duration_s": [0, 60, 60]})
    >>> ib.comms.callbacks(rec)[["incoming_type", "delay_s"]].values.tolist()
    [['sms', 180.0]]
    """
    w = pd.Timedelta(within)
    if w <= pd.Timedelta(0):
        raise ParameterError(f"within must be positive; got {within!r}")
    keep = ["target", "other", "start", "type"] + [c for c in ("source", "row")
                                                    if c in records.columns]
    r = records.loc[records["other"].notna() & records["type"].isin(["voice", "sms"]), keep]
    r = r.assign(target=r["target"].astype(str), other=r["other"].astype(str),
                 direction=records.loc[r.index, "direction"].astype(str),
                 type=r["type"].astype(str))
    inc = r[r["direction"] == "in"].sort_values("start")
    out = r[(r["direction"] == "out") & (r["type"] == "voice")].sort_values("start")
    out = out.rename(columns={"start": "callback_at", "row": "row_callback"})
    out["callback_key"] = out["callback_at"]
    inc = inc.rename(columns={"start": "incoming_at", "type": "incoming_type",
                              "row": "row_incoming"})
    m = pd.merge_asof(inc, out[["target", "other", "callback_at", "callback_key"]
                               + (["row_callback"] if "row_callback" in out else [])],
                      left_on="incoming_at", right_on="callback_key", by=["target", "other"],
                      direction="forward", tolerance=w, allow_exact_matches=False)
    m = m[m["callback_at"].notna()].copy()
    m["delay_s"] = (m["callback_at"] - m["incoming_at"]).dt.total_seconds()
    cols = ["target", "other", "incoming_at", "incoming_type", "callback_at", "delay_s"]
    cols += [c for c in ("source", "row_incoming", "row_callback") if c in m.columns]
    return mark(m[cols].sort_values(["target", "incoming_at"], kind="mergesort").reset_index(
        drop=True))
