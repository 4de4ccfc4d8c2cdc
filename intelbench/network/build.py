"""Build an association network from link tables, quarantining the links that cannot be used.

The aggregation is done with pandas and numpy (one row per node pair) before networkx is
touched, so a million link rows build in seconds.
"""

# ruff: noqa: N803, N806  (G for graphs and A for matrices, as in networkx)
from __future__ import annotations

import functools
import gc
import html
from collections.abc import Callable, Hashable, Iterable
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.exceptions import NetworkInputError, SchemaError

__all__ = ["NODE_TYPES", "BuildSummary", "build_network", "parse_dates"]

#: The node types an association network may hold.
NODE_TYPES: tuple[str, ...] = ("person", "phone", "vehicle", "address", "organisation", "event")

_DATE_FORMATS = ("%d/%m/%Y %H:%M", "%d/%m/%Y", "%Y-%m-%d %H:%M:%S", "%d-%m-%Y")


@dataclass(frozen=True)
class BuildSummary:
    """What :func:`build_network` did.

    Attributes
    ----------
    n_rows : int
        Link rows received.
    n_used : int
        Rows that went into the network.
    n_quarantined : int
        Rows set aside (see ``quarantine``).
    n_nodes, n_edges : int
        Size of the network built.
    reasons : dict
        Number of quarantined rows per reason (a row may have several reasons).
    quarantine : pandas.DataFrame
        The rows set aside, with their original index in ``row`` and a ``reason`` column.
    """

    n_rows: int
    n_used: int
    n_quarantined: int
    n_nodes: int
    n_edges: int
    reasons: dict[str, int] = field(default_factory=dict)
    quarantine: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One row per quarantine reason with its count."""
        return pd.DataFrame(
            {"reason": list(self.reasons), "rows": list(self.reasons.values())},
            columns=["reason", "rows"],
        )

    def _repr_html_(self) -> str:
        from intelbench._display import count

        rows = "".join(
            f"<tr><td>{html.escape(str(k))}</td><td>{count(v)}</td></tr>"
            for k, v in self.reasons.items()
        )
        return (
            f"<p>Network built from {self.n_used:,} of {self.n_rows:,} link rows: "
            f"{self.n_nodes:,} nodes, {self.n_edges:,} edges; "
            f"<b>{self.n_quarantined:,} rows set aside</b>.</p>"
            + (f"<table><tr><th>reason</th><th>rows</th></tr>{rows}</table>" if rows else "")
        )


def parse_dates(values: pd.Series) -> tuple[pd.Series, pd.Series]:
    """Parse a column of dates; return the parsed values and a mask of unparseable entries.

    ISO 8601 is tried first, then UK day-first forms (``dd/mm/yyyy[ HH:MM]``). Empty values are
    missing, not unparseable.

    Parameters
    ----------
    values : pandas.Series
        Strings, datetimes or missing values.

    Returns
    -------
    (pandas.Series, pandas.Series)
        ``datetime64`` values (NaT where missing or bad) and a boolean mask of bad entries.

    Examples
    --------
    >>> parsed, bad = ib.network.parse_dates(pd.Series(["2026-01-02", "03/02/2026", "soon", None]))
    >>> [str(d.date()) if not pd.isna(d) else None for d in parsed]
    ['2026-01-02', '2026-02-03', None, None]
    >>> bad.tolist()
    [False, False, True, False]
    """
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = pd.to_datetime(values).dt.tz_localize(None) if getattr(
            values.dt, "tz", None
        ) else pd.to_datetime(values)
        return parsed.astype("datetime64[ns]"), pd.Series(False, index=values.index)
    text = values.astype("string").str.strip()
    present = text.notna() & (text != "")
    parsed = pd.to_datetime(text.where(present), errors="coerce", format="ISO8601")
    for fmt in _DATE_FORMATS:
        todo = present & parsed.isna()
        if not todo.any():
            break
        parsed = parsed.where(~todo, pd.to_datetime(text.where(todo), errors="coerce", format=fmt))
    if getattr(parsed.dt, "tz", None) is not None:
        parsed = parsed.dt.tz_convert(None)
    parsed = parsed.astype("datetime64[ns]")
    bad = present & parsed.isna()
    return parsed, bad.astype(bool)


def _codes(values: pd.Series | np.ndarray, lower: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """Factorise values after stripping (and optionally lower-casing); -1 marks missing/blank."""
    codes, uniq = pd.factorize(np.asarray(values, dtype=object))
    cleaned = []
    for u in uniq.tolist() if hasattr(uniq, "tolist") else list(uniq):
        t = str(u).strip()
        cleaned.append(t.lower() if lower else t)
    c2, u2 = pd.factorize(np.asarray(cleaned + [""], dtype=object))
    blank = int(c2[-1])
    c2 = c2[:-1]
    out = np.where(codes >= 0, c2[np.maximum(codes, 0)] if len(c2) else -1, -1).astype(np.int64)
    out[out == blank] = -1
    # renumber so that the blank code disappears
    u2 = np.asarray(u2, dtype=object)
    keep = np.ones(len(u2), dtype=bool)
    keep[blank] = False
    remap = np.cumsum(keep) - 1
    out = np.where(out >= 0, remap[np.maximum(out, 0)], -1)
    return out, u2[keep]


def _parse_column(values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
    """Parse a date column through its distinct values (fast for repeated dates)."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed, bad = parse_dates(values)
        return parsed.to_numpy(dtype="datetime64[ns]"), bad.to_numpy(dtype=bool)
    codes, uniq = pd.factorize(np.asarray(values, dtype=object))
    parsed, bad = parse_dates(pd.Series(uniq, dtype=object))
    p = parsed.to_numpy(dtype="datetime64[ns]")
    b = bad.to_numpy(dtype=bool)
    nat = np.datetime64("NaT", "ns")
    out = np.where(codes >= 0, p[np.maximum(codes, 0)] if len(p) else nat, nat)
    return out.astype("datetime64[ns]"), np.where(codes >= 0, b[np.maximum(codes, 0)], False)


def _slices(keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Start and end positions of runs of equal values in sorted ``keys``."""
    if len(keys) == 0:
        return np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64)
    starts = np.flatnonzero(np.r_[True, keys[1:] != keys[:-1]])
    ends = np.r_[starts[1:], len(keys)]
    return starts, ends


def _fill_graph(
    G: nx.Graph,
    node_items: list[tuple[Hashable, dict[str, Any]]],
    edges: list[tuple[Hashable, Hashable, dict[str, Any]]],
) -> None:
    """Fill an empty simple undirected graph directly (much faster than ``add_edges_from``).

    Each edge's attribute dict is shared by both adjacency entries, exactly as networkx does.
    """
    node = G._node
    adj = G._adj
    for n, attrs in node_items:
        node[n] = attrs
        adj[n] = {}
    for u, v, attrs in edges:
        adj[u][v] = attrs
        adj[v][u] = attrs
    cache = getattr(G, "__networkx_cache__", None)
    if cache:
        cache.clear()


_P = ParamSpec("_P")
_R = TypeVar("_R")


def _without_gc(func: Callable[_P, _R]) -> Callable[_P, _R]:
    """Pause the cyclic garbage collector while millions of small containers are created."""

    @functools.wraps(func)
    def wrapper(*args: _P.args, **kwargs: _P.kwargs) -> _R:
        enabled = gc.isenabled()
        gc.disable()
        try:
            return func(*args, **kwargs)
        finally:
            if enabled:
                gc.enable()

    return wrapper


@_without_gc
def build_network(
    links: pd.DataFrame,
    nodes: pd.DataFrame | None = None,
    *,
    nominals: pd.DataFrame | None = None,
    source: str = "source",
    target: str = "target",
    source_type: str = "source_type",
    target_type: str = "target_type",
    link_type: str = "link_type",
    first_seen: str = "first_seen",
    last_seen: str = "last_seen",
    count: str = "count",
    report: str = "report_urn",
    grade: str = "grade",
    node_id: str = "entity_id",
    node_type: str = "entity_type",
    nominal_id: str = "nominal_id",
    weight_from: str = "count",
    multigraph: bool = False,
    node_types: Iterable[str] = NODE_TYPES,
) -> nx.Graph:
    """Build a typed association network from a link table.

    Bad links are set aside with reasons, never silently dropped: a link naming a node that is
    not in ``nodes`` (when given), a missing node or link type, an unknown node type, a node
    typed inconsistently, a self-link, an unparseable date, or ``last_seen`` before
    ``first_seen``. The network is built from the rest. The input frames are not modified.

    Parameters
    ----------
    links : pandas.DataFrame
        One row per observed association (``source``, ``target`` and optional type, date,
        count, report and grade columns, named by the keyword arguments below).
    nodes : pandas.DataFrame, optional
        Node table (``node_id``, ``node_type`` and any attributes, e.g. ``label``,
        ``area_code``). When given, every link end must be in it.
    nominals : pandas.DataFrame, optional
        Nominal records keyed by ``nominal_id``; their columns become attributes of the
        person nodes with the same id.
    source, target, source_type, target_type, link_type : str
        Column names in ``links`` (the type columns are optional when ``nodes`` is given).
    first_seen, last_seen, count, report, grade : str
        Optional column names in ``links``.
    node_id, node_type : str
        Column names in ``nodes``.
    nominal_id : str
        Key column of ``nominals``.
    weight_from : {"count", "links"}
        Edge weight: the summed ``count`` column (calls, co-offences) or the number of link rows.
    multigraph : bool
        Return a ``networkx.MultiGraph`` with one edge per node pair and link type (key = link
        type) instead of one edge per pair.
    node_types : iterable of str
        Allowed node types.

    Returns
    -------
    networkx.Graph or networkx.MultiGraph
        Nodes and edges carry the attributes listed in :mod:`intelbench.network`.
        ``G.graph["quarantine"]`` holds the rows set aside, ``G.graph["n_quarantined"]`` their
        number and ``G.graph["build"]`` a :class:`BuildSummary`.

    Raises
    ------
    SchemaError
        If a required column is missing.
    NetworkInputError
        If ``weight_from`` is not one of the allowed values.

    Examples
    --------
    >>> links = pd.DataFrame({
    ...     "source": ["P-1", "P-1", "P-2", "P-3"], "target": ["T-1", "T-1", "T-1", "P-3"],
    ...     "source_type": "person", "target_type": ["phone", "phone", "phone", "person"],
    ...     "link_type": "uses", "first_seen": "2026-01-01", "last_seen": "2026-02-01",
    ...     "count": [3, 2, 1, 1], "report_urn": ["IR-1", "IR-2", "IR-3", "IR-4"],
    ...     "grade": ["1AP", "2BP", "1AP", "3EP"]})
    >>> G = ib.network.build_network(links)
    >>> G.number_of_nodes(), G.number_of_edges(), G.graph["n_quarantined"]
    (3, 2, 1)
    >>> G["P-1"]["T-1"]["weight"], G["P-1"]["T-1"]["reports"]
    (5.0, ('IR-1', 'IR-2'))
    >>> G.graph["quarantine"]["reason"].tolist()
    ['self-link']
    """
    if weight_from not in ("count", "links"):
        raise NetworkInputError(
            f"weight_from must be one of 'count', 'links'; received {weight_from!r}"
        )
    for col in (source, target):
        if col not in links.columns:
            raise SchemaError(
                f"links: required column {col!r} is missing; columns present: {list(links.columns)}"
            )
    allowed = tuple(node_types)
    n_rows = len(links)
    df = links.reset_index(drop=True)
    checks: list[tuple[str, np.ndarray]] = []

    def flag(mask: np.ndarray, why: str) -> None:
        mask = np.asarray(mask, dtype=bool)
        if mask.any():
            checks.append((why, mask))

    # Node ids as integer codes over the stripped ids of both ends.
    ends_codes, node_uniq = _codes(np.concatenate([df[source].to_numpy(dtype=object),
                                                   df[target].to_numpy(dtype=object)]))
    a_all, b_all = ends_codes[:n_rows], ends_codes[n_rows:]
    flag(a_all < 0, f"missing {source}")
    flag(b_all < 0, f"missing {target}")
    flag((a_all == b_all) & (a_all >= 0), "self-link")

    if link_type in df.columns:
        lt_all, lt_uniq = _codes(df[link_type])
        flag(lt_all < 0, f"missing {link_type}")
    else:
        lt_all = np.zeros(n_rows, dtype=np.int64)
        lt_uniq = np.asarray(["association"], dtype=object)

    # Node types per node code: from the node table when given, otherwise from the links.
    n_nodes_all = len(node_uniq)
    node_attrs: pd.DataFrame | None = None
    node_type_code = np.full(n_nodes_all, -1, dtype=np.int64)  # index into allowed
    type_index = {t: i for i, t in enumerate(allowed)}
    if nodes is not None:
        for col in (node_id, node_type):
            if col not in nodes.columns:
                raise SchemaError(
                    f"nodes: required column {col!r} is missing; columns present: "
                    f"{list(nodes.columns)}"
                )
        node_attrs = nodes.copy()
        node_attrs[node_id] = node_attrs[node_id].astype("string").str.strip()
        node_attrs = node_attrs.drop_duplicates(subset=[node_id], keep="first").set_index(node_id)
        known = node_attrs[node_type].astype("string").str.strip().str.lower()
        looked = pd.Series(node_uniq, dtype=object).map(known)
        in_table = looked.notna().to_numpy()
        node_type_code = np.array([type_index.get(t, -2) if isinstance(t, str) else -1
                                   for t in looked.tolist()], dtype=np.int64)
        flag((a_all >= 0) & ~in_table[np.maximum(a_all, 0)], f"unknown {source} node")
        flag((b_all >= 0) & ~in_table[np.maximum(b_all, 0)], f"unknown {target} node")
        for codes_end, tcol in ((a_all, source_type), (b_all, target_type)):
            ntc = node_type_code[np.maximum(codes_end, 0)]
            flag((codes_end >= 0) & (ntc == -2), f"unknown {tcol}")
            if tcol in df.columns:
                st, st_uniq = _codes(df[tcol], lower=True)
                st_idx = np.array([type_index.get(t, -2) for t in st_uniq.tolist()] + [-1],
                                  dtype=np.int64)[st]
                flag((st >= 0) & (ntc >= 0) & (st_idx != ntc), f"{tcol} disagrees")
    else:
        if source_type not in df.columns or target_type not in df.columns:
            raise SchemaError(
                f"links: columns {source_type!r} and {target_type!r} are required when no node "
                f"table is given; columns present: {list(df.columns)}"
            )
        end_types = []
        for tcol in (source_type, target_type):
            st, st_uniq = _codes(df[tcol], lower=True)
            idx = np.array([type_index.get(t, -2) for t in st_uniq.tolist()] + [-1],
                           dtype=np.int64)[st]
            flag(st < 0, f"missing {tcol}")
            flag(idx == -2, f"unknown {tcol}")
            end_types.append(idx)
        # A node has one type: rows that disagree with a node's usual type are set aside.
        nodes_cat = np.concatenate([a_all, b_all])
        types_cat = np.concatenate(end_types)
        ok = (nodes_cat >= 0) & (types_cat >= 0)
        k = len(allowed) + 1
        key = nodes_cat[ok] * k + types_cat[ok]
        uk, cnt = np.unique(key, return_counts=True)
        order = np.lexsort((-cnt, uk // k))
        uk, cnt = uk[order], cnt[order]
        first = np.r_[True, (uk // k)[1:] != (uk // k)[:-1]] if len(uk) else np.zeros(0, bool)
        node_type_code[(uk // k)[first]] = (uk % k)[first]
        for codes_end, idx, tcol in ((a_all, end_types[0], source_type),
                                     (b_all, end_types[1], target_type)):
            mode = node_type_code[np.maximum(codes_end, 0)]
            flag((codes_end >= 0) & (idx >= 0) & (mode >= 0) & (idx != mode),
                 f"{tcol} conflicts with other links")

    # Dates.
    nat = np.full(n_rows, np.datetime64("NaT", "ns"), dtype="datetime64[ns]")
    fs, ls = nat, nat
    if first_seen in df.columns:
        fs, bad = _parse_column(df[first_seen])
        flag(bad, f"unparseable {first_seen}")
    if last_seen in df.columns:
        ls, bad = _parse_column(df[last_seen])
        flag(bad, f"unparseable {last_seen}")
    flag(~np.isnat(fs) & ~np.isnat(ls) & (ls < fs), f"{last_seen} before {first_seen}")

    if count in df.columns:
        counts_s = pd.to_numeric(df[count], errors="coerce")
        flag((df[count].notna() & (counts_s.isna() | (counts_s < 0))).to_numpy(), f"bad {count}")
        counts = counts_s.fillna(1.0).to_numpy(dtype=float)
    else:
        counts = np.ones(n_rows, dtype=float)

    bad_mask = np.zeros(n_rows, dtype=bool)
    reason_counts: dict[str, int] = {}
    for why, mask in checks:
        bad_mask |= mask
        reason_counts[why] = int(mask.sum())
    bad_idx = np.flatnonzero(bad_mask)
    quarantine = df.iloc[bad_idx].copy()
    quarantine.insert(0, "row", bad_idx)
    quarantine["reason"] = [
        "; ".join(why for why, mask in checks if mask[i]) for i in bad_idx.tolist()
    ]
    quarantine = quarantine.reset_index(drop=True)

    good = ~bad_mask
    a, b = a_all[good], b_all[good]
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    lt = lt_all[good]
    nu = max(n_nodes_all, 1)
    pair = lo * nu + hi
    if multigraph:
        pair = pair * max(len(lt_uniq), 1) + lt
    gkey, pair_uniques = pd.factorize(pair, sort=True)
    ng = len(pair_uniques)
    agg = pd.DataFrame(
        {"g": gkey, "count": counts[good], "fs": fs[good], "ls": ls[good]}
    ).groupby("g", sort=True).agg(
        count=("count", "sum"), n_links=("count", "size"), fs=("fs", "min"), ls=("ls", "max")
    )
    _, first_pos = np.unique(gkey, return_index=True)
    e_lo, e_hi = lo[first_pos], hi[first_pos]
    # Link types per pair: distinct codes, in name order.
    lt_names = np.asarray(lt_uniq, dtype=object)
    name_rank = np.argsort(np.argsort(lt_names.astype(str)))
    order = np.lexsort((name_rank[lt] if len(lt) else lt, gkey))
    gk_s, lt_s = gkey[order], lt[order]
    keep = np.r_[True, (gk_s[1:] != gk_s[:-1]) | (lt_s[1:] != lt_s[:-1])] if len(gk_s) else gk_s
    gk_u, lt_u = gk_s[keep.astype(bool)], lt_s[keep.astype(bool)]
    starts, ends = _slices(gk_u)
    lt_list = lt_names[lt_u].tolist()
    types_per = [tuple(lt_list[s:e]) for s, e in zip(starts.tolist(), ends.tolist(), strict=True)]
    # Provenance: distinct (report, grade) per pair, in report order.
    reps_per: list[tuple[Any, ...]] = [()] * ng
    grds_per: list[tuple[Any, ...]] = [()] * ng
    if report in df.columns:
        r_codes, r_uniq = _codes(df[report].to_numpy(dtype=object)[good])
        if grade in df.columns:
            g_codes, g_uniq = _codes(df[grade].to_numpy(dtype=object)[good])
        else:
            g_codes, g_uniq = np.full(len(r_codes), -1, dtype=np.int64), np.asarray([], object)
        has = np.flatnonzero(r_codes >= 0)
        ngr = len(g_uniq) + 1
        combo = (gkey[has] * (len(r_uniq) + 1) + r_codes[has]) * ngr + (g_codes[has] + 1)
        first = has[~pd.Series(combo).duplicated().to_numpy()]
        first = first[np.argsort(gkey[first], kind="stable")]
        gsub, rsub, gdsub = gkey[first], r_codes[first], g_codes[first]
        if len(gsub):
            r_list = np.asarray(r_uniq, dtype=object)[rsub].tolist()
            g_names = np.asarray(list(g_uniq) + [""], dtype=object)
            g_list = g_names[np.where(gdsub >= 0, gdsub, len(g_uniq))].tolist()
            starts, ends = _slices(gsub)
            for k, s, e in zip(gsub[starts].tolist(), starts.tolist(), ends.tolist(), strict=True):
                reps_per[k] = tuple(r_list[s:e])
                grds_per[k] = tuple(g_list[s:e])

    # Nodes with their attributes (only nodes that appear on a usable link).
    used = np.unique(np.concatenate([lo, hi]))
    node_ids = np.asarray(node_uniq, dtype=object)
    type_names = np.asarray(list(allowed) + [None], dtype=object)
    ntc = node_type_code.copy()
    ntc[ntc < 0] = len(allowed)
    extra: dict[Hashable, dict[str, Any]] = {}
    used_ids = node_ids[used].tolist()
    if node_attrs is not None:
        cols = [c for c in node_attrs.columns if c != node_type]
        sub = node_attrs.loc[node_attrs.index.isin(used_ids), cols]
        extra = {k: {str(c): v for c, v in row.items() if not _isna(v)}
                 for k, row in sub.to_dict("index").items()}
    if nominals is not None and nominal_id in nominals.columns:
        nom = nominals.copy()
        nom[nominal_id] = nom[nominal_id].astype("string").str.strip()
        nom = nom.drop_duplicates(subset=[nominal_id]).set_index(nominal_id)
        for key, row in nom.loc[nom.index.isin(used_ids)].to_dict("index").items():
            extra.setdefault(key, {}).update({str(c): v for c, v in row.items() if not _isna(v)})
    node_items = [
        (nid, {"node_type": t, "label": str(nid), **extra.get(nid, {})})
        for nid, t in zip(used_ids, type_names[ntc[used]].tolist(), strict=True)
    ]
    w = agg["count"].to_numpy() if weight_from == "count" else agg["n_links"].to_numpy(float)
    fs_list = _timestamps(agg["fs"])
    ls_list = _timestamps(agg["ls"])
    cnt_l: list[Any] = [int(c) if float(c).is_integer() else c for c in agg["count"].tolist()]
    nl: list[Any] = agg["n_links"].tolist()
    wl = w.astype(float).tolist()
    attrs = [
        {"weight": wl[i], "count": cnt_l[i], "n_links": nl[i], "link_types": types_per[i],
         "first_seen": fs_list[i], "last_seen": ls_list[i], "reports": reps_per[i],
         "grades": grds_per[i]}
        for i in range(ng)
    ]
    us, vs = node_ids[e_lo].tolist(), node_ids[e_hi].tolist()
    G: nx.Graph
    if multigraph:
        G = nx.MultiGraph()
        G.add_nodes_from(node_items)
        G.add_edges_from(
            (us[i], vs[i], types_per[i][0], attrs[i]) for i in range(ng)
        )
    else:
        G = nx.Graph()
        _fill_graph(G, node_items, list(zip(us, vs, attrs, strict=True)))
    summary = BuildSummary(
        n_rows=n_rows,
        n_used=int(good.sum()),
        n_quarantined=int(bad_mask.sum()),
        n_nodes=G.number_of_nodes(),
        n_edges=G.number_of_edges(),
        reasons=reason_counts,
        quarantine=quarantine,
    )
    G.graph.update(
        {"quarantine": quarantine, "n_quarantined": summary.n_quarantined, "build": summary,
         "history": [], "weight_from": weight_from}
    )
    return G


def _timestamps(values: pd.Series) -> list[Any]:
    """Python datetimes (None where missing), converting each distinct value once."""
    arr = values.to_numpy(dtype="datetime64[us]")
    codes, uniq = pd.factorize(arr.view(np.int64))
    boxed = np.asarray(uniq, dtype=np.int64).view("datetime64[us]").astype(object)
    boxed = np.asarray([None if x is None else x for x in boxed.tolist()] + [None], dtype=object)
    return boxed[np.where(codes >= 0, codes, len(boxed) - 1)].tolist()


def _isna(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
