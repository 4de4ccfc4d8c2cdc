"""Person-to-person projection of a multi-mode association network."""

# ruff: noqa: N803, N806
from __future__ import annotations

from collections.abc import Iterable

import networkx as nx
import numpy as np
import scipy.sparse as sp

from intelbench.exceptions import ParameterError

__all__ = ["project_persons"]

#: Above this many person-item-person incidences the shared-item lists are not stored.
MAX_SHARED_LISTS = 2_000_000


def project_persons(
    G: nx.Graph,
    via: Iterable[str] = ("phone", "vehicle", "address", "event"),
    *,
    person: str = "person",
    type_attr: str = "node_type",
) -> nx.Graph:
    """Project a multi-mode network onto its persons, linking people who share items.

    Two persons are linked when both link to the same phone, vehicle, address or event (the
    ``via`` types); the link weight is the number of items they share (Davis Southern Women:
    the number of events two women attended together).

    Parameters
    ----------
    G : networkx.Graph
        The multi-mode network (node attribute ``type_attr``). It is not modified.
    via : iterable of str
        Item node types that connect persons.
    person : str
        The node type of persons.
    type_attr : str
        Node attribute holding the type.

    Returns
    -------
    networkx.Graph
        Every person node (with its attributes); edges carry ``weight`` (items shared),
        ``shared`` (tuple of the shared item ids, omitted on very large projections) and
        ``via`` (tuple of their types). ``graph["projected_via"]`` records ``via``.

    Raises
    ------
    ParameterError
        If the graph has no node of type ``person``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("P-1", "T-1"), ("P-2", "T-1"), ("P-2", "V-1"), ("P-1", "V-1")])
    >>> nx.set_node_attributes(G, {"P-1": "person", "P-2": "person", "T-1": "phone",
    ...                            "V-1": "vehicle"}, "node_type")
    >>> P = ib.network.project_persons(G)
    >>> P["P-1"]["P-2"]["weight"], P["P-1"]["P-2"]["shared"]
    (2, ('T-1', 'V-1'))
    """
    via_set = set(via)
    types = dict(G.nodes(data=type_attr))
    persons = [v for v, t in types.items() if t == person]
    if not persons and G.number_of_nodes():
        raise ParameterError(
            f"person: the graph has no node with {type_attr} == {person!r}; node types present: "
            f"{sorted({str(t) for t in types.values()})}"
        )
    items = [v for v, t in types.items() if t in via_set]
    p_index = {v: i for i, v in enumerate(persons)}
    i_index = {v: i for i, v in enumerate(items)}
    rows, cols = [], []
    for u, v in G.edges():
        if u in p_index and v in i_index:
            rows.append(p_index[u])
            cols.append(i_index[v])
        elif v in p_index and u in i_index:
            rows.append(p_index[v])
            cols.append(i_index[u])
    P = nx.Graph()
    P.graph.update({"projected_via": tuple(sorted(via_set)), "history": []})
    P.add_nodes_from((v, G.nodes[v]) for v in persons)
    if not rows:
        return P
    B = sp.csr_matrix(
        (np.ones(len(rows)), (np.asarray(rows), np.asarray(cols))),
        shape=(len(persons), len(items)),
    )
    B.data[:] = 1.0  # multi-edges to the same item count once
    W = sp.triu(B @ B.T, k=1).tocoo()
    item_deg = np.asarray(B.sum(axis=0)).ravel()
    store_lists = float((item_deg * (item_deg - 1) / 2).sum()) <= MAX_SHARED_LISTS
    shared: dict[tuple[int, int], list[int]] = {}
    if store_lists:
        Bc = B.tocsc()
        for j in range(len(items)):
            members = Bc.indices[Bc.indptr[j]:Bc.indptr[j + 1]]
            if len(members) < 2:
                continue
            members = np.sort(members)
            for x in range(len(members)):
                for y in range(x + 1, len(members)):
                    shared.setdefault((int(members[x]), int(members[y])), []).append(j)
    edges = []
    for a, b, w in zip(W.row.tolist(), W.col.tolist(), W.data.tolist(), strict=True):
        attrs: dict[str, object] = {"weight": int(round(w))}
        if store_lists:
            its = sorted((items[j] for j in shared[(a, b)]), key=str)
            attrs["shared"] = tuple(its)
            attrs["via"] = tuple(sorted({str(types[i]) for i in its}))
        edges.append((persons[a], persons[b], attrs))
    P.add_edges_from(edges)
    return P
