"""Common contacts between target numbers, chains between them, and links for networks.

A call between two target numbers is in both targets' records (out in one, in the other);
:func:`unique_events` keeps one of each such pair so that counts over the whole network are
not doubled. :func:`call_links` turns records (and an attribution of numbers to people) into
the link table that :func:`intelbench.network.build_network` reads.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.comms._kind import mark
from intelbench.comms.contacts import _pair_codes
from intelbench.exceptions import ParameterError

__all__ = ["call_links", "common_contacts", "contact_chains", "contact_graph", "unique_events"]


def unique_events(records: pd.DataFrame) -> pd.DataFrame:
    """Return the calls and SMS with each event between two targets kept once.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records (data sessions are left out).

    Returns
    -------
    pandas.DataFrame
        ``caller``, ``callee``, ``type``, ``start``, ``duration_s``: one row per event. The
        mirror records of an event (same caller, callee, type and start) are merged.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": ["+447700900001", "+447700900002"],
    ...     "other": ["+447700900002", "+447700900001"], "type": "voice",
    ...     "direction": ["out", "in"], "start": t, "duration_s": 60})
    >>> ib.comms.unique_events(rec)[["caller", "callee"]].values.tolist()
    [['+447700900001', '+447700900002']]
    """
    r = records.loc[records["other"].notna() & records["type"].isin(["voice", "sms"])]
    target = r["target"].astype(str).to_numpy()
    other = r["other"].astype(str).to_numpy()
    out = (r["direction"] == "out").to_numpy()
    ev = pd.DataFrame({"caller": np.where(out, target, other),
                       "callee": np.where(out, other, target),
                       "type": r["type"].astype(str).to_numpy(),
                       "start": r["start"].to_numpy(), "duration_s": r["duration_s"].to_numpy()})
    ev["start"] = pd.to_datetime(ev["start"], utc=True)
    return mark(ev.drop_duplicates(["caller", "callee", "type", "start"]).reset_index(drop=True))


def common_contacts(records: pd.DataFrame, targets: Iterable[str] | None = None, *,
                    min_targets: int = 2, groups: Mapping[str, str] | None = None
                    ) -> pd.DataFrame:
    """Return the numbers in contact with two or more of the target numbers.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    targets : iterable of str, optional
        The targets to compare (E.164). Default: every target in the records.
    min_targets : int
        Least number of targets in contact with a number for it to be listed.
    groups : mapping of str to str, optional
        Target number -> group (for example an OCG); adds ``n_groups`` and ``groups`` and
        ranks numbers that bridge groups first.

    Returns
    -------
    pandas.DataFrame
        ``other``, ``n_targets``, ``targets`` (sorted tuple), ``contacts`` (total),
        ``first``, ``last``, ``is_target`` (the number is itself a target) and, with
        ``groups``, ``n_groups`` and ``groups``. Sorted by groups bridged, targets, contacts.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": ["+447700900001", "+447700900002", "+447700900002"],
    ...     "other": ["+447700900009", "+447700900009", "+447700900008"], "type": "voice",
    ...     "direction": "out", "start": t, "duration_s": 60})
    >>> c = ib.comms.common_contacts(rec)
    >>> c[["other", "n_targets", "targets"]].values.tolist()
    [['+447700900009', 2, ('+447700900001', '+447700900002')]]
    """
    if min_targets < 2:
        raise ParameterError(f"min_targets must be at least 2; got {min_targets!r}")
    agg, tcat, ocat = _pair_codes(records, days=False)
    all_targets = set(tcat)
    if targets is not None:
        agg = agg[np.isin(tcat, list(set(targets)))[agg["t"].to_numpy()]]
    o = agg["o"].to_numpy()
    n_t = np.bincount(o, minlength=len(ocat))  # pairs are unique, so this counts targets
    keep = np.flatnonzero(n_t >= min_targets)
    t_rank = np.argsort(np.argsort(tcat, kind="stable"), kind="stable")
    sub = agg[np.isin(o, keep)]
    order = np.lexsort((t_rank[sub["t"].to_numpy()], sub["o"].to_numpy()))
    sub = sub.iloc[order]
    g = sub.groupby("o", sort=True)
    res = g.agg(contacts=("contacts", "sum"), first=("first", "min"), last=("last", "max"))
    so = sub["o"].to_numpy()
    cuts = np.flatnonzero(so[1:] != so[:-1]) + 1
    names = tcat[sub["t"].to_numpy()]
    res.insert(0, "n_targets", n_t[res.index.to_numpy()])
    nl = names.tolist()
    bounds = np.r_[0, cuts, len(nl)].tolist()
    res.insert(1, "targets", [tuple(nl[a:b]) for a, b in zip(bounds[:-1], bounds[1:])]
               if len(so) else [])
    res.insert(0, "other", ocat[res.index.to_numpy()])
    res = res.reset_index(drop=True)
    res["is_target"] = res["other"].isin(all_targets)
    keys = ["n_targets", "contacts"]
    if groups is not None:
        res["groups"] = [tuple(sorted({groups[t] for t in ts if t in groups}))
                         for ts in res["targets"]]
        res["n_groups"] = res["groups"].map(len)
        keys = ["n_groups", *keys]
    res = res.sort_values([*keys, "other"], ascending=[False] * len(keys) + [True],
                          kind="mergesort")
    return mark(res.reset_index(drop=True))


def contact_graph(records: pd.DataFrame) -> nx.Graph:
    """Return the undirected contact graph: numbers as nodes, contact counts as weights.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.

    Returns
    -------
    networkx.Graph
        Edge attributes ``contacts``, ``first`` and ``last``; node attribute ``target``
        (True for a target number).
    """
    ev = unique_events(records)
    a = np.minimum(ev["caller"].to_numpy(), ev["callee"].to_numpy())
    b = np.maximum(ev["caller"].to_numpy(), ev["callee"].to_numpy())
    agg = pd.DataFrame({"a": a, "b": b, "start": ev["start"]}).groupby(["a", "b"]).agg(
        contacts=("start", "size"), first=("start", "min"), last=("start", "max")).reset_index()
    graph = nx.Graph()
    targets = set(records["target"].astype(str))
    graph.add_nodes_from(sorted(set(a) | set(b) | targets))
    nx.set_node_attributes(graph, {n: n in targets for n in graph}, "target")
    for row in agg.itertuples(index=False):
        graph.add_edge(row.a, row.b, contacts=row.contacts, first=row.first, last=row.last)
    return graph


def contact_chains(records: pd.DataFrame, source: str, target: str, *, max_hops: int = 3
                   ) -> pd.DataFrame:
    """Return the chains of contact from one number to another (A calls B who calls C).

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    source, target : str
        The end numbers (E.164).
    max_hops : int
        Longest chain, in contacts.

    Returns
    -------
    pandas.DataFrame
        ``chain`` (tuple of numbers), ``hops``, ``weakest`` (fewest contacts on any hop) and
        ``contacts`` (per hop, tuple); shortest chains first, then strongest.

    Raises
    ------
    ParameterError
        If an end number has no contacts in the records.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": ["+447700900001", "+447700900002"],
    ...     "other": ["+447700900002", "+447700900003"], "type": "voice",
    ...     "direction": "out", "start": t, "duration_s": 60})
    >>> ib.comms.contact_chains(rec, "+447700900001", "+447700900003")["chain"].tolist()
    [('+447700900001', '+447700900002', '+447700900003')]
    """
    graph = contact_graph(records)
    for end in (source, target):
        if end not in graph:
            raise ParameterError(f"{end!r} has no contacts in the records")
    rows = []
    for path in nx.all_simple_paths(graph, source, target, cutoff=max_hops):
        w = tuple(int(graph[u][v]["contacts"]) for u, v in zip(path, path[1:]))
        rows.append({"chain": tuple(path), "hops": len(path) - 1, "weakest": min(w),
                     "contacts": w})
    res = pd.DataFrame(rows, columns=["chain", "hops", "weakest", "contacts"])
    res = res.sort_values(["hops", "weakest"], ascending=[True, False], kind="mergesort")
    return mark(res.reset_index(drop=True))


def call_links(records: pd.DataFrame, attribution: pd.DataFrame | None = None) -> pd.DataFrame:
    """Return a link table for :func:`intelbench.network.build_network`.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    attribution : pandas.DataFrame, optional
        Who uses which number: ``person``, ``number`` and optionally ``grade`` (the 3x5x2
        grade of the intelligence attributing it) and ``report_urn``.

    Returns
    -------
    pandas.DataFrame
        ``source``, ``target``, ``source_type``, ``target_type``, ``link_type``
        ("calls" between phones, "uses_phone" from a person), ``first_seen``,
        ``last_seen``, ``count`` and, with an attribution, ``grade`` and ``report_urn``.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001", "other": "+447700900002",
    ...     "type": "voice", "direction": ["out", "in"], "start": [t, t], "duration_s": 60})
    >>> att = pd.DataFrame({"person": ["P-1"], "number": ["+447700900001"], "grade": ["2BP"],
    ...                     "report_urn": ["IR-2025-000001"]})
    >>> G = ib.network.build_network(ib.comms.call_links(rec, att))
    >>> G["+447700900001"]["+447700900002"]["weight"], G["P-1"]["+447700900001"]["grades"]
    (2.0, ('2BP',))
    """
    ev = unique_events(records)
    a = np.minimum(ev["caller"].to_numpy(), ev["callee"].to_numpy())
    b = np.maximum(ev["caller"].to_numpy(), ev["callee"].to_numpy())
    agg = pd.DataFrame({"source": a, "target": b, "start": ev["start"]}).groupby(
        ["source", "target"]).agg(first_seen=("start", "min"), last_seen=("start", "max"),
                                  count=("start", "size")).reset_index()
    links = agg.assign(source_type="phone", target_type="phone", link_type="calls")
    for c in ("first_seen", "last_seen"):
        links[c] = links[c].dt.strftime("%Y-%m-%d")
    if attribution is not None:
        missing = [c for c in ("person", "number") if c not in attribution.columns]
        if missing:
            raise ParameterError(f"attribution: missing columns {missing}")
        att = pd.DataFrame({"source": attribution["person"].astype(str),
                            "target": attribution["number"].astype(str),
                            "source_type": "person", "target_type": "phone",
                            "link_type": "uses_phone", "count": 1})
        for c in ("grade", "report_urn"):
            if c in attribution.columns:
                att[c] = attribution[c].to_numpy()
        links = pd.concat([links, att], ignore_index=True)
    cols = ["source", "target", "source_type", "target_type", "link_type", "first_seen",
            "last_seen", "count"] + [c for c in ("grade", "report_urn") if c in links.columns]
    return mark(links[cols])
