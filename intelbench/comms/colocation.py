"""Co-location: two numbers on the same or adjacent cells within a time window.

Two records of different numbers are co-located when their cells' masts are at most
``within`` metres apart (the same mast counts, whatever the sector or network) and their
start times are at most ``window`` apart. Each such pair is a possible meeting and is
listed with both records cited (file and line). The search bins time by ``window`` and
joins each record only with records in its own and the neighbouring bins on its own and
the adjacent masts, so it never forms all pairs.
"""

from __future__ import annotations

from collections.abc import Iterable

import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.exceptions import ParameterError

__all__ = ["colocation", "meetings"]


def colocation(records: pd.DataFrame, cells: pd.DataFrame, *, window: str = "15min",
               within: float = 1500.0, numbers: Iterable[str] | None = None) -> pd.DataFrame:
    """Return every pair of records of two numbers close in place and time.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records with ``cell_id`` (records without a known cell are skipped).
    cells : pandas.DataFrame
        The cell-site table (``cell_id``, ``easting``, ``northing``).
    window : str
        Largest time between the two records (a pandas offset).
    within : float
        Largest distance between the two masts in metres (0: the same mast only).
    numbers : iterable of str, optional
        Only pairs where both numbers are in this set.

    Returns
    -------
    pandas.DataFrame
        ``number_a``, ``number_b`` (a < b), ``start_a``, ``start_b``, ``minutes_apart``,
        ``cell_a``, ``cell_b``, ``distance_m``, ``usual_a`` and ``usual_b`` (the share of
        each number's records that are on that mast: near 1 at home, near 0 away) and, when
        the records have them,
        ``source_a``, ``row_a``, ``source_b``, ``row_b``; sorted by pair and time.

    Raises
    ------
    ParameterError
        For a non-positive window or a negative distance.

    Examples
    --------
    >>> cells = pd.DataFrame({"cell_id": ["A1", "A2", "B1"], "easting": [0.0, 0.0, 9000.0],
    ...                       "northing": [0.0, 0.0, 0.0]})
    >>> t = pd.Timestamp("2025-10-15 13:05", tz="UTC")
    >>> rec = pd.DataFrame({"target": ["+447700900001", "+447700900002", "+447700900003"],
    ...     "start": [t, t + pd.Timedelta("7min"), t], "cell_id": ["A1", "A2", "B1"],
    ...     "source": "f.csv", "row": [2, 3, 4]})
    >>> c = ib.comms.colocation(rec, cells)
    >>> c[["number_a", "number_b", "minutes_apart", "row_a", "row_b"]].values.tolist()
    [['+447700900001', '+447700900002', 7.0, 2, 3]]
    """
    from scipy.spatial import cKDTree

    w = pd.Timedelta(window)
    if w <= pd.Timedelta(0):
        raise ParameterError(f"window must be positive; got {window!r}")
    if within < 0:
        raise ParameterError(f"within must be 0 or more metres; got {within!r}")
    cid = cells["cell_id"].astype(str).to_numpy()
    xy = cells[["easting", "northing"]].to_numpy(dtype=float)
    site_xy, site_of_cell = np.unique(xy, axis=0, return_inverse=True)
    site_of_cell = site_of_cell.ravel()
    cell_index = pd.Index(cid)
    r = records.loc[records["cell_id"].notna()]
    if numbers is not None:
        r = r.loc[r["target"].isin(list(numbers))]
    cpos = cell_index.get_indexer(pd.Index(r["cell_id"].astype(str)))
    known = cpos >= 0
    r = r.loc[known]
    cpos = cpos[known]
    tcodes, tnames = pd.factorize(r["target"].astype(str))
    t_ns = r["start"].dt.tz_convert("UTC").dt.as_unit("ns").astype("int64").to_numpy()
    w_ns = w.value
    site = site_of_cell[cpos].astype(np.int64)
    tbin = t_ns // w_ns
    tbin = tbin - (tbin.min() - 1 if len(tbin) else 0)  # bins from 1, so bin - 1 >= 0
    n_bins = int(tbin.max()) + 2 if len(tbin) else 2
    pairs = cKDTree(site_xy).query_pairs(r=within, output_type="ndarray") if within > 0 else \
        np.empty((0, 2), dtype=np.int64)
    ns = len(site_xy)
    # adjacency in CSR form: each site's neighbours, itself included
    a_src = np.concatenate([np.arange(ns), pairs[:, 0], pairs[:, 1]])
    a_dst = np.concatenate([np.arange(ns), pairs[:, 1], pairs[:, 0]])
    o = np.argsort(a_src, kind="stable")
    a_src, a_dst = a_src[o], a_dst[o]
    ptr = np.searchsorted(a_src, np.arange(ns + 1))
    # the records sorted by (site, bin)
    key = site * n_bins + tbin
    order = np.argsort(key, kind="stable")
    sorted_key = key[order]
    # each record against the records on each adjacent site in bins b-1, b, b+1
    deg = ptr[site + 1] - ptr[site]
    rec_i = np.repeat(np.arange(len(site)), deg)
    nb = a_dst[np.repeat(ptr[site], deg) + (np.arange(deg.sum()) - np.repeat(
        np.cumsum(deg) - deg, deg))]
    q = nb * n_bins + tbin[rec_i]
    qo = np.argsort(q, kind="stable")  # sorted queries search much faster
    lo = np.empty(len(q), dtype=np.int64)
    hi = np.empty(len(q), dtype=np.int64)
    lo[qo] = np.searchsorted(sorted_key, q[qo] - 1, side="left")
    hi[qo] = np.searchsorted(sorted_key, q[qo] + 1, side="right")
    cnt = hi - lo
    ia = np.repeat(rec_i, cnt)
    ib_ = order[np.repeat(lo, cnt) + (np.arange(cnt.sum()) - np.repeat(np.cumsum(cnt) - cnt,
                                                                           cnt))]
    ok = (tcodes[ia] < tcodes[ib_]) & (np.abs(t_ns[ia] - t_ns[ib_]) <= w_ns)
    ia, ib_ = ia[ok], ib_[ok]
    # a < b by number: swap the two ends where the factor order disagrees, then sort
    name_rank = np.argsort(np.argsort(np.asarray(tnames, dtype=object), kind="stable"),
                           kind="stable")
    ra, rb = name_rank[tcodes[ia]], name_rank[tcodes[ib_]]
    swap = ra > rb
    ia, ib_ = np.where(swap, ib_, ia), np.where(swap, ia, ib_)
    ra, rb = np.minimum(ra, rb), np.maximum(ra, rb)
    o = np.lexsort((t_ns[ib_], t_ns[ia], rb, ra))
    ia, ib_ = ia[o], ib_[o]
    ca, cb = cpos[ia], cpos[ib_]
    # how usual the mast is for each number: its share of the number's records there
    ns_key = tcodes.astype(np.int64) * (ns + 1) + site
    _, inv, per = np.unique(ns_key, return_inverse=True, return_counts=True)
    share = per[inv.ravel()] / np.bincount(tcodes)[tcodes]
    out = pd.DataFrame({
        "number_a": tnames[tcodes[ia]], "number_b": tnames[tcodes[ib_]],
        "start_a": pd.to_datetime(t_ns[ia], utc=True),
        "start_b": pd.to_datetime(t_ns[ib_], utc=True),
        "minutes_apart": np.abs(t_ns[ia] - t_ns[ib_]) / 6e10,
        "cell_a": cid[ca], "cell_b": cid[cb],
        "distance_m": np.hypot(*(xy[ca] - xy[cb]).T).round(1),
        "usual_a": share[ia].round(4), "usual_b": share[ib_].round(4),
    })
    for c in ("source", "row"):
        if c in r.columns:
            col = r[c]
            if isinstance(col.dtype, pd.CategoricalDtype):
                codes = np.asarray(col.cat.codes)
                out[f"{c}_a"] = pd.Categorical.from_codes(codes[ia], dtype=col.dtype)
                out[f"{c}_b"] = pd.Categorical.from_codes(codes[ib_], dtype=col.dtype)
            else:
                vals = col.to_numpy()
                out[f"{c}_a"] = vals[ia]
                out[f"{c}_b"] = vals[ib_]
    return mark(out)


def meetings(coloc: pd.DataFrame) -> pd.DataFrame:
    """Summarise co-located record pairs per pair of numbers and UK date.

    Parameters
    ----------
    coloc : pandas.DataFrame
        The frame from :func:`colocation`.

    Returns
    -------
    pandas.DataFrame
        ``number_a``, ``number_b``, ``date`` (UK local), ``record_pairs``, ``first``,
        ``last``, ``cells`` (the cells involved, sorted) and ``usual`` (the largest share
        of either number's records on those masts); meetings away from both numbers' usual
        masts come first, then those with more record pairs.
    """
    if coloc.empty:
        return mark(pd.DataFrame(columns=["number_a", "number_b", "date", "record_pairs", "first",
                                     "last", "cells", "usual"]))
    c = coloc.assign(date=coloc["start_a"].dt.tz_convert("Europe/London").dt.date)
    g = c.groupby(["number_a", "number_b", "date"], sort=True)
    out = g.agg(record_pairs=("start_a", "size"), first=("start_a", "min"),
                last=("start_b", "max"))
    cells = {k: tuple(sorted(set(x["cell_a"]) | set(x["cell_b"]))) for k, x in g}
    usual = {k: float(np.maximum(x["usual_a"], x["usual_b"]).max()) for k, x in g}
    out["cells"] = [cells[k] for k in out.index]
    out["usual"] = [usual[k] for k in out.index]
    out = out.reset_index()
    return mark(out.sort_values(["usual", "record_pairs", "number_a", "number_b"],
                           ascending=[True, False, True, True], kind="mergesort").reset_index(
        drop=True))
