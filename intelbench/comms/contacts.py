"""Contacts of each target number: top contacts, first and last contact, abrupt gaps.

Every function takes a records frame (from :func:`~intelbench.comms.records.read_cdr` or
:func:`~intelbench.comms.records.combine`) and returns a new frame; the input is not changed.
A contact is a voice call or an SMS with another party (data sessions have none).
"""

from __future__ import annotations

from typing import Any

import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.exceptions import ParameterError

__all__ = ["contact_gaps", "contact_pairs", "top_contacts"]

_NEEDED = ("target", "other", "type", "direction", "start", "duration_s")


def _check(records: pd.DataFrame, needed: tuple[str, ...] = _NEEDED) -> None:
    missing = [c for c in needed if c not in records.columns]
    if missing:
        raise ParameterError(f"records: missing columns {missing}; pass the .records of "
                             "read_cdr or the frame from combine")


def contact_pairs(records: pd.DataFrame) -> pd.DataFrame:
    """Summarise every (target, other) pair: counts, duration, first and last contact.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``other``, ``contacts``, ``voice``, ``sms``, ``outgoing``, ``incoming``,
        ``duration_s`` (total voice seconds), ``first``, ``last`` (UTC) and ``days`` (distinct
        UK dates with contact); one row per pair that has at least one contact.

    Raises
    ------
    ParameterError
        If a records column is missing.
    """
    agg, tcat, ocat = _pair_codes(records)
    agg.insert(0, "target", tcat[agg.pop("t").to_numpy()])
    agg.insert(1, "other", ocat[agg.pop("o").to_numpy()])
    return mark(agg)


def _codes(s: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Integer codes and their values (as str objects) of a column, categorical or not."""
    if isinstance(s.dtype, pd.CategoricalDtype):
        return (np.asarray(s.cat.codes, dtype=np.int64),
                np.asarray(s.cat.categories.astype(str), dtype=object))
    codes, uniques = pd.factorize(s)
    return codes.astype(np.int64), np.asarray(pd.Index(uniques).astype(str), dtype=object)


def _rank(values: np.ndarray) -> np.ndarray:
    """Return the position of each value in sorted order (ties by position)."""
    order = np.argsort(values, kind="stable")
    rank = np.empty(len(values), dtype=np.int64)
    rank[order] = np.arange(len(values))
    return rank


def _utc_ns(ns: np.ndarray) -> pd.DatetimeIndex:
    """UTC times from nanoseconds since the epoch, without a per-value conversion."""
    return pd.DatetimeIndex(np.asarray(ns, dtype=np.int64).view("M8[ns]")).tz_localize("UTC")


def _epoch_ns(start: pd.Series) -> np.ndarray:
    """Nanoseconds since the epoch (UTC) of a column of times, without copying per value."""
    s = start if isinstance(start.dtype, pd.DatetimeTZDtype) else pd.to_datetime(start,
                                                                                 utc=True)
    arr: Any = s.array
    unit = getattr(arr, "unit", "ns")
    scale = {"s": 1_000_000_000, "ms": 1_000_000, "us": 1_000, "ns": 1}[unit]
    ns = np.asarray(arr.asi8, dtype=np.int64)
    return ns * scale if scale != 1 else ns


def _pair_codes(records: pd.DataFrame, days: bool = True
                ) -> tuple[pd.DataFrame, np.ndarray, np.ndarray]:
    """Per-pair aggregates on integer codes: fast on tens of millions of records.

    Pairs are found by hashing one integer per record (target code x others + other code);
    counts and sums are ``numpy.bincount`` and first and last contact ``minimum.at`` and
    ``maximum.at`` over the pair index, so no string is compared and no frame is copied.
    """
    _check(records)
    typ = records["type"]
    voice_all = (typ == "voice").to_numpy(dtype=bool)
    keep = (records["other"].notna().to_numpy(dtype=bool)
            & (voice_all | (typ == "sms").to_numpy(dtype=bool)))
    every = bool(keep.all())
    t, tcat = _codes(records["target"] if every else records["target"][keep])
    o, ocat = _codes(records["other"] if every else records["other"][keep])
    voice = voice_all if every else voice_all[keep]
    out = (records["direction"] == "out").to_numpy(dtype=bool)
    out = out if every else out[keep]
    ns_all = _epoch_ns(records["start"])
    ns = ns_all if every else ns_all[keep]
    dur_all = records["duration_s"].to_numpy()
    key = t * (len(ocat) + 1) + o
    if len(tcat) * (len(ocat) + 1) < 2**31:
        key = key.astype(np.int32)
    gid, uniq = pd.factorize(key)
    uniq = np.asarray(uniq, dtype=np.int64)
    n = len(uniq)
    counts = np.bincount(gid, minlength=n)
    first = np.full(n, np.iinfo(np.int64).max, dtype=np.int64)
    last = np.full(n, np.iinfo(np.int64).min, dtype=np.int64)
    np.minimum.at(first, gid, ns)
    np.maximum.at(last, gid, ns)
    n_voice = np.bincount(gid, weights=voice, minlength=n).astype(np.int64)
    n_out = np.bincount(gid, weights=out, minlength=n).astype(np.int64)
    dur = dur_all if every else dur_all[keep]
    agg = pd.DataFrame({
        "t": uniq // (len(ocat) + 1), "o": uniq % (len(ocat) + 1),
        "contacts": counts, "voice": n_voice, "sms": counts - n_voice,
        "outgoing": n_out, "incoming": counts - n_out,
        "duration_s": np.bincount(gid, weights=np.where(voice, dur, 0),
                                  minlength=n).astype(np.int64),
        "first": _utc_ns(first), "last": _utc_ns(last)})
    if days:
        local = _utc_ns(ns).tz_convert("Europe/London").tz_localize(None)
        day = local.as_unit("ns").asi8 // 86_400_000_000_000
        dkey = gid.astype(np.int64) * 1_000_000 + (day - day.min() if len(day) else day)
        agg["days"] = np.bincount(pd.unique(dkey) // 1_000_000, minlength=n)
    return agg, tcat, ocat


def top_contacts(records: pd.DataFrame, target: str | None = None, *, by: str = "contacts",
                 n: int = 10) -> pd.DataFrame:
    """Return each target's top contacts by number of contacts or by call duration.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    target : str, optional
        Only this target number (E.164). Default: every target.
    by : {"contacts", "duration_s"}
        Rank by number of calls and SMS, or by total voice seconds.
    n : int
        Contacts kept per target.

    Returns
    -------
    pandas.DataFrame
        The columns of :func:`contact_pairs` but ``days``, plus ``rank`` (1 = top within
        its target),
        sorted by target then rank. Ties are broken by the other measure, then by number.

    Raises
    ------
    ParameterError
        For an unknown ``by`` or a non-positive ``n``.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001",
    ...     "other": ["+447700900002"] * 3 + ["+447700900003"],
    ...     "type": ["voice", "sms", "voice", "voice"], "direction": ["out", "in", "out", "in"],
    ...     "start": [t, t + pd.Timedelta("1D"), t + pd.Timedelta("2D"), t],
    ...     "duration_s": [60, 0, 30, 600]})
    >>> top = ib.comms.top_contacts(rec)
    >>> top[["other", "contacts", "duration_s", "rank"]].values.tolist()
    [['+447700900002', 3, 90, 1], ['+447700900003', 1, 600, 2]]
    >>> ib.comms.top_contacts(rec, by="duration_s")["other"].tolist()
    ['+447700900003', '+447700900002']
    """
    if by not in ("contacts", "duration_s"):
        raise ParameterError(f"by must be 'contacts' or 'duration_s'; got {by!r}")
    if n < 1:
        raise ParameterError(f"n must be at least 1; got {n!r}")
    agg, tcat, ocat = _pair_codes(records, days=False)
    if target is not None:
        agg = agg[tcat[agg["t"].to_numpy()] == target]
    tie = "duration_s" if by == "contacts" else "contacts"
    tt, oo = agg["t"].to_numpy(), agg["o"].to_numpy()
    t_rank = _rank(tcat)[tt]
    order = np.lexsort((_rank(ocat)[oo], -agg[tie].to_numpy(), -agg[by].to_numpy(), t_rank))
    tr = t_rank[order]
    first_of = np.r_[True, tr[1:] != tr[:-1]] if len(tr) else np.zeros(0, dtype=bool)
    starts = np.maximum.accumulate(np.where(first_of, np.arange(len(tr)), 0))
    rank = np.arange(len(tr)) - starts + 1
    sel = order[rank <= n]
    top = agg.iloc[sel]
    top.insert(0, "target", tcat[tt[sel]])
    top.insert(1, "other", ocat[oo[sel]])
    top = top.drop(columns=["t", "o"])
    top["rank"] = rank[rank <= n]
    return mark(top.reset_index(drop=True))


def contact_gaps(records: pd.DataFrame, *, min_contacts: int = 5, min_silence: str = "7D",
                 alpha: float = 0.01) -> pd.DataFrame:
    """Find contacts that stop or start abruptly while the target stays active.

    A pair with ``n`` contacts between its first and last contact has the rate
    ``(n - 1) / span`` per day (the span in days between first and last). If the target is
    seen for ``s`` days after the pair's last contact (or before its first), the expected
    number of contacts in that silence is ``rate * s`` and, for contact as a Poisson process,
    the chance of none is ``exp(-rate * s)``. A pair is reported when that chance is below
    ``alpha``.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    min_contacts : int
        Pairs with fewer contacts are not judged.
    min_silence : str
        Shortest silence considered (a pandas offset, e.g. ``"7D"``).
    alpha : float
        Largest chance of the silence under the pair's own rate.

    Returns
    -------
    pandas.DataFrame
        ``target``, ``other``, ``change`` ("stopped" or "started"), ``at`` (the last or
        first contact), ``contacts``, ``rate_per_day``, ``silent_days``, ``expected`` and
        ``p_value``, sorted by ``p_value``.

    Examples
    --------
    Ten daily calls, then the target goes on calling someone else for 20 more days:

    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> days = pd.to_timedelta(range(30), "D")
    >>> rec = pd.DataFrame({"target": "+447700900001",
    ...     "other": ["+447700900002"] * 10 + ["+447700900003"] * 20,
    ...     "type": "voice", "direction": "out", "start": t + days, "duration_s": 60})
    >>> g = ib.comms.contact_gaps(rec)
    >>> g[["other", "change", "rate_per_day", "silent_days", "expected"]].values.tolist()
    [['+447700900002', 'stopped', 1.0, 20.0, 20.0], ['+447700900003', 'started', 1.0, 10.0, 10.0]]
    >>> bool(np.isclose(g["p_value"].iloc[0], np.exp(-20)))
    True
    """
    if min_contacts < 2:
        raise ParameterError(f"min_contacts must be at least 2; got {min_contacts!r}")
    pairs = contact_pairs(records)
    _check(records)
    span = records.groupby("target", observed=True)["start"].agg(["min", "max"])
    span.index = span.index.astype(str)
    pairs = pairs[pairs["contacts"] >= min_contacts].copy()
    t_first = pairs["target"].map(span["min"])
    t_last = pairs["target"].map(span["max"])
    day = 86_400.0
    active = (pairs["last"] - pairs["first"]).dt.total_seconds() / day
    rate = (pairs["contacts"] - 1) / active.where(active > 0)
    min_s = pd.Timedelta(min_silence).total_seconds() / day
    out = []
    after = (t_last - pairs["last"]).dt.total_seconds() / day
    before = (pairs["first"] - t_first).dt.total_seconds() / day
    for change, silent, at in (("stopped", after, pairs["last"]),
                               ("started", before, pairs["first"])):
        expected = rate * silent
        p = np.exp(-expected)
        keep = (silent >= min_s) & (p < alpha)
        out.append(pd.DataFrame({
            "target": pairs["target"], "other": pairs["other"], "change": change, "at": at,
            "contacts": pairs["contacts"], "rate_per_day": rate.round(4),
            "silent_days": silent.round(2), "expected": expected.round(2), "p_value": p,
        })[keep.to_numpy()])
    res = pd.concat(out, ignore_index=True)
    return mark(res.sort_values(["p_value", "target", "other"], kind="mergesort").reset_index(
        drop=True))
