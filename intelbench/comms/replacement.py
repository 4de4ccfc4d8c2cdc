"""Replacement-phone detection: a new number whose contacts take over a dropped number's.

No public definition of the takeover measure was found (methods.md B15), so the measure is
stated here. For every number N seen in the records (as target or other party), its contact
set C(N) is the set of numbers it exchanged calls or SMS with, and its activity is the span
from its first to its last contact. A pair (old, new) is a candidate when new's first
contact comes at most ``max_gap`` after old's last (overlap of up to ``overlap`` allowed).
Its score is

    score = J * (1 - max(gap, 0) / max_gap),   J = |C(old) & C(new)| / |C(old) | C(new)|

(Jaccard overlap of the contact sets, each without the other number, discounted linearly
by the gap). The shared contacts are listed as the evidence.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.comms.common import unique_events
from intelbench.exceptions import ParameterError

__all__ = ["replacement_phones"]


def replacement_phones(records: pd.DataFrame, *, max_gap: str = "21D", overlap: str = "1D",
                       min_jaccard: float = 0.3, min_contacts: int = 3) -> pd.DataFrame:
    """Score numbers that may have replaced a dropped number.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    max_gap : str
        Longest silence between the old number's last contact and the new one's first.
    overlap : str
        How long the two may overlap (a phone kept on for a day).
    min_jaccard : float
        Least Jaccard overlap of the contact sets.
    min_contacts : int
        Least distinct contacts of each number.

    Returns
    -------
    pandas.DataFrame
        ``old``, ``new``, ``old_last``, ``new_first``, ``gap_days``, ``jaccard``, ``score``,
        ``n_shared``, ``shared`` (the shared contacts, sorted), ``old_only`` and
        ``new_only`` (counts), sorted by score.

    Raises
    ------
    ParameterError
        For a non-positive ``max_gap``.

    Examples
    --------
    Number 1 calls contacts 5-8 until 10 September; number 2 calls 5-7 and 9 from the 13th:

    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> old = [("+447700900001", f"+44770090000{k}", t + pd.Timedelta(days=k)) for k in
    ...        (5, 6, 7, 8)]
    >>> new = [("+447700900002", f"+44770090000{k}", t + pd.Timedelta(days=12 + k)) for k in
    ...        (5, 6, 7, 9)]
    >>> rec = pd.DataFrame(old + new, columns=["target", "other", "start"]).assign(
    ...     type="voice", direction="out", duration_s=60)
    >>> r = ib.comms.replacement_phones(rec)
    >>> r[["old", "new", "gap_days", "jaccard", "score", "n_shared"]].values.tolist()
    [['+447700900001', '+447700900002', 9.0, 0.6, 0.3429, 3]]
    """
    gap_max = pd.Timedelta(max_gap)
    if gap_max <= pd.Timedelta(0):
        raise ParameterError(f"max_gap must be positive; got {max_gap!r}")
    ov = pd.Timedelta(overlap)
    ev = unique_events(records)
    edges = pd.DataFrame({"n": np.concatenate([ev["caller"], ev["callee"]]),
                          "c": np.concatenate([ev["callee"], ev["caller"]]),
                          "t": np.concatenate([ev["start"], ev["start"]])})
    edges["t"] = pd.to_datetime(edges["t"], utc=True)
    span = edges.groupby("n")["t"].agg(first="min", last="max")
    nb = edges[["n", "c"]].drop_duplicates()
    size = nb.groupby("n").size()
    nb = nb[nb["n"].isin(size.index[size >= min_contacts])]
    sets: dict[str, frozenset[str]] = {str(k): frozenset(v) for k, v in
                                       nb.groupby("n")["c"]}
    cand = nb.merge(nb, on="c", suffixes=("_old", "_new"))
    cand = cand[cand["n_old"] != cand["n_new"]][["n_old", "n_new"]].drop_duplicates()
    old_last = cand["n_old"].map(span["last"])
    new_first = cand["n_new"].map(span["first"])
    gap = new_first - old_last
    ok = (gap >= -ov) & (gap <= gap_max)
    # the old number must go quiet: it has no contact after the new one is well under way
    ok &= cand["n_old"].map(span["last"]) < cand["n_new"].map(span["last"])
    cand, gap = cand[ok], gap[ok]
    rows = []
    for (o, n), g in zip(cand.itertuples(index=False), gap, strict=True):
        a = sets[o] - {n}
        b = sets[n] - {o}
        shared = a & b
        j = len(shared) / len(a | b) if a | b else 0.0
        if j < min_jaccard:
            continue
        gd = g / pd.Timedelta("1D")
        score = j * (1 - max(gd, 0.0) / (gap_max / pd.Timedelta("1D")))
        rows.append({"old": o, "new": n, "old_last": span.at[o, "last"],
                     "new_first": span.at[n, "first"], "gap_days": round(gd, 2),
                     "jaccard": round(j, 4), "score": round(score, 4), "n_shared": len(shared),
                     "shared": tuple(sorted(shared)), "old_only": len(a - b),
                     "new_only": len(b - a)})
    cols = ["old", "new", "old_last", "new_first", "gap_days", "jaccard", "score", "n_shared",
            "shared", "old_only", "new_only"]
    res = pd.DataFrame(rows, columns=cols)
    return mark(res.sort_values(["score", "old", "new"], ascending=[False, True, True],
                           kind="mergesort").reset_index(drop=True))
