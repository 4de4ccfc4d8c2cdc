"""Organised crime group (OCG) mapping: roles, harm, areas, partners and markings.

Groups are listed with their members and roles, a harm score and band, their intelligence
coverage, the areas a group affects and the partners to inform, and the "not for
dissemination" marking.

Harm follows OCG mapping (domain A5): a score from structured indicators of the individuals,
criminal activity, geographic reach and network, each measured from the network's structure
or assessed by an analyst with evidence, banded on range and severity and on capability and
sophistication (:mod:`intelbench.network.harm`; the table and bands are configurable, since
the national ones are not public). How many reports mention a group is its **intelligence
coverage**, shown apart: it measures collection, not harm, and never enters the score.
"""

# ruff: noqa: N803, N806
from __future__ import annotations

import html
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from typing import Any

import networkx as nx
import numpy as np
import pandas as pd

from intelbench.exceptions import ParameterError
from intelbench.network.harm import MEASURES, HarmModel, read_assessments

__all__ = ["HarmModel", "OCGMap", "map_ocgs"]

@dataclass(frozen=True)
class OCGMap:
    """OCG mapping result.

    Attributes
    ----------
    groups : pandas.DataFrame
        One row per group: ``group``, ``n_members``, ``leader``, ``brokers``, ``cut_points``,
        ``harm_score``, ``range_severity`` and ``capability_sophistication`` (each dimension's
        share of its maximum, 0-100), ``band``, ``management_level``, ``not_assessed`` (the
        assessed indicators nobody assessed: the score is then a lower bound),
        ``coverage_reports`` (intelligence coverage, not harm), ``areas``, ``partners``,
        ``not_for_dissemination`` and ``nfd_justification``.
    members : pandas.DataFrame
        One row per member: ``group``, ``node``, ``label``, ``roles`` (leader, broker,
        cut-point or member), ``group_rank``, ``score`` and ``reason`` from
        :func:`key_players`.
    features : pandas.DataFrame
        One row per group: the measured values (:data:`intelbench.network.harm.MEASURES`),
        the points of every indicator (``<indicator>_points``) and ``harm_score``.
    model : HarmModel
        The indicator table and bands used.
    indicators : pandas.DataFrame
        One row per group and indicator: ``group``, ``area``, ``indicator``, ``dimension``,
        ``basis`` (measured, assessed, not assessed), ``value``, ``level``, ``points``,
        ``max_points`` and ``evidence``: what the score was built from.
    coverage : pandas.DataFrame
        Intelligence coverage per group, a separate measure: ``reports`` (distinct reports on
        members' links), ``links``, ``links_with_reports``, ``link_coverage`` (share of links
        with a report) and ``reports_per_member``.
    notes : list of str
        How the mapping was made (measures, projection, missing inputs).
    """

    groups: pd.DataFrame
    members: pd.DataFrame = field(repr=False)
    features: pd.DataFrame = field(repr=False)
    model: HarmModel = field(repr=False)
    indicators: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    coverage: pd.DataFrame = field(default_factory=pd.DataFrame, repr=False)
    notes: list[str] = field(default_factory=list)

    def to_frame(self) -> pd.DataFrame:
        """Return the groups table."""
        return self.groups.copy()

    def mark_not_for_dissemination(
        self, group: Hashable, justification: str, *, ws: Any = None
    ) -> OCGMap:
        """Mark a group "not for dissemination"; exceptional, so a justification is required.

        Parameters
        ----------
        group : hashable
            The group id.
        justification : str
            Why the group's impact should not be shared with the partners affected (at least
            20 characters).
        ws : intelbench.Workspace, optional
            Workspace whose audit log records the marking (ALTER).

        Returns
        -------
        OCGMap
            A new result with the marking.

        Raises
        ------
        ParameterError
            If the group is unknown or the justification is missing or too short.
        """
        _check_justification(justification)
        if group not in set(self.groups["group"]):
            raise ParameterError(
                "group: not one of the mapped groups; give a value of groups.group"
            )
        g = self.groups.copy()
        hit = g["group"] == group
        g.loc[hit, "not_for_dissemination"] = True
        g.loc[hit, "nfd_justification"] = justification.strip()
        if ws is not None:
            ws.audit.record("ALTER", justification=justification.strip(),
                            record_ref=f"ocg/{group}",
                            detail={"marking": "not_for_dissemination"})
        return replace(self, groups=g)

    def _repr_html_(self) -> str:
        cols = ["group", "n_members", "leader", "harm_score", "band", "management_level",
                "coverage_reports", "areas", "partners", "not_for_dissemination"]
        view = self.groups[cols].rename(columns={
            "coverage_reports": "intelligence coverage (reports; not harm)"})
        for c in ("areas", "partners"):
            view[c] = view[c].map(lambda xs: ", ".join(map(str, xs)))
        from intelbench._display import frame_html

        return (f"<p>{len(self.groups)} group(s) mapped.</p>"
                + frame_html(view, counts=["n_members",
                                           "intelligence coverage (reports; not harm)"])
                + "".join(f"<p><i>{html.escape(n)}</i></p>" for n in self.notes))


def _check_justification(text: Any) -> None:
    if not isinstance(text, str) or len(text.strip()) < 20:
        raise ParameterError(
            "justification: a 'not for dissemination' marking is for exceptional cases and "
            "needs a justification of at least 20 characters; received "
            + ("an empty value" if not isinstance(text, str) or not text.strip()
               else f"{len(text.strip())} characters")
        )


def _membership(H: nx.Graph, membership: Any, seed: int | None, notes: list[str]) -> pd.Series:
    """Group per person; ``H`` is the analysis network (used to find groups if none given)."""
    from intelbench.network.groups import Communities, communities

    persons = [v for v, t in H.nodes(data="node_type") if t == "person"] or list(H.nodes)
    if membership is None:
        found = communities(H, "leiden", seed=seed)
        sizes = found.membership.value_counts()
        keep = sizes[sizes >= 3].index
        notes.append(
            f"groups found by Leiden (seed {seed}) on the analysis network: candidate groups, "
            "not recorded OCGs; groups under 3 people left out"
        )
        m = found.membership[found.membership.isin(keep)]
        return ("C" + m.astype(str)).rename("group")
    if isinstance(membership, str):
        values = {v: H.nodes[v].get(membership) for v in persons}
        s = pd.Series(values, dtype=object).dropna()
        if s.empty:
            raise ParameterError(
                f"membership: no person carries the node attribute {membership!r}; give an "
                "attribute name, a dict or Series node -> group, or a Communities result"
            )
        return s.rename("group")
    if isinstance(membership, Communities):
        return membership.membership.astype(object).rename("group")
    if isinstance(membership, Mapping):
        return pd.Series(dict(membership), dtype=object).rename("group")
    if isinstance(membership, pd.Series):
        return membership.astype(object).rename("group")
    raise ParameterError(
        "membership must be None, a node attribute name, a dict or Series node -> group, or a "
        f"Communities result; received {type(membership).__name__}"
    )


def _partner_lookup(partners: Any) -> dict[str, list[str]]:
    if partners is None:
        return {}
    if isinstance(partners, pd.DataFrame):
        if not {"area_code", "partner"} <= set(partners.columns):
            raise ParameterError(
                "partners: a table needs columns 'area_code' and 'partner'; columns present: "
                f"{list(partners.columns)}"
            )
        out: dict[str, list[str]] = {}
        for a, p in zip(partners["area_code"], partners["partner"], strict=True):
            out.setdefault(str(a), []).append(str(p))
        return out
    if isinstance(partners, Mapping):
        return {str(k): [v] if isinstance(v, str) else [str(x) for x in v]
                for k, v in partners.items()}
    raise ParameterError(
        f"partners must be a dict area_code -> partner(s) or a table; received "
        f"{type(partners).__name__}"
    )


def _analysis_graph(G: nx.Graph, analysis: str, notes: list[str]) -> nx.Graph:
    from intelbench.network.projection import project_persons

    if analysis not in ("social", "projection", "all"):
        raise ParameterError(
            f"analysis must be one of 'social', 'projection', 'all'; received {analysis!r}"
        )
    H = nx.Graph(G) if not G.is_multigraph() else nx.Graph(nx.Graph(G))
    if analysis == "all":
        notes.append("roles measured on the whole multi-mode network")
        return H
    persons = [v for v, t in H.nodes(data="node_type") if t == "person"]
    if analysis == "social":
        S = H.subgraph(persons).copy()
        if S.number_of_edges() > 0:
            notes.append("roles measured on the person-to-person links (social network)")
            return S
        notes.append("no person-to-person links: roles measured on the projection through "
                     "shared phones, vehicles, addresses and events")
    else:
        notes.append("roles measured on the projection through shared items")
    return project_persons(H)


def map_ocgs(
    G: nx.Graph,
    membership: Any = "ocg",
    *,
    analysis: str = "social",
    harm: HarmModel | None = None,
    assessments: Any = None,
    partners: Any = None,
    area_attr: str = "area_code",
    impact_types: Iterable[str] = ("address", "event"),
    not_for_dissemination: Mapping[Hashable, str] | None = None,
    seed: int | None = None,
) -> OCGMap:
    """Map organised crime groups: members and roles, harm, areas affected, partners to inform.

    Roles are measured on the ``analysis`` network (by default the person-to-person links):

    - **leader**: the member ranked first within the group by :func:`key_players` (score =
      mean percentile of degree, betweenness, eigenvector and weighted degree);
    - **broker**: a member (not the leader) on open two-paths that cross group lines among
      the recorded members (Gould–Fernandez itinerant, gatekeeper, representative or liaison
      roles), most such paths first;
    - **cut-point**: a member whose removal splits the group's own network (articulation point
      of the subgraph induced by the group);
    - **member**: everyone else.

    Parameters
    ----------
    G : networkx.Graph
        The association network (:func:`build_network`). It is not modified.
    membership : str, dict, pandas.Series, Communities or None
        Group of each person: a node attribute name (default ``"ocg"``), a mapping, a
        :class:`Communities` result, or None to find candidate groups with Leiden.
    analysis : {"social", "projection", "all"}
        Network the roles are measured on: person-to-person links (falling back to the
        projection when there are none), the projection through shared items, or all of ``G``.
    harm : HarmModel, optional
        The indicator table and bands (defaults are placeholders; see
        :mod:`intelbench.network.harm`).
    assessments : DataFrame or dict, optional
        The analysts' assessed indicators with their evidence: a table with columns
        ``group``, ``indicator``, ``level``, ``evidence``, or group -> indicator ->
        (level, evidence) (see :func:`intelbench.network.harm.read_assessments`). Indicators
        not assessed score 0 and are listed in ``not_assessed``.
    partners : dict or pandas.DataFrame, optional
        Area code -> partner(s) to inform (or a table with ``area_code`` and ``partner``).
    area_attr : str
        Node attribute with the area code of addresses and events.
    impact_types : iterable of str
        Node types whose areas count as a group's impact.
    not_for_dissemination : dict, optional
        Group -> justification for groups marked "not for dissemination".
    seed : int, optional
        Seed for sampled measures and for Leiden when ``membership`` is None.

    Returns
    -------
    OCGMap

    Raises
    ------
    ParameterError
        If membership cannot be read, a marking lacks a justification, ``analysis`` is not
        allowed, a partner table is malformed or an assessment is invalid (unknown group,
        indicator or level, or no evidence).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("A", "B"), ("A", "C"), ("A", "D"), ("B", "C"), ("D", "E"), ("E", "X")])
    >>> nx.set_node_attributes(G, "person", "node_type")
    >>> nx.set_node_attributes(G, {"A": "G1", "B": "G1", "C": "G1", "D": "G1", "E": "G1",
    ...                            "X": "G2"}, "ocg")
    >>> m = ib.network.map_ocgs(G)
    >>> m.groups[["group", "n_members", "leader"]].values.tolist()
    [['G1', 5, 'A'], ['G2', 1, 'X']]
    >>> m.members.set_index("node").loc["D", "roles"]
    'cut-point'
    >>> m.members.set_index("node").loc["E", "roles"]
    'broker'
    """
    from intelbench.network.brokerage import brokerage_roles
    from intelbench.network.measures import key_players

    model = harm or HarmModel()
    notes: list[str] = []
    nfd = dict(not_for_dissemination or {})
    for just in nfd.values():
        _check_justification(just)
    lookup = _partner_lookup(partners)
    H = _analysis_graph(G, analysis, notes)
    member_of = _membership(H, membership, seed, notes)
    member_of = member_of[member_of.index.isin(list(H.nodes))]
    if partners is None:
        notes.append("no partner table given: partners to inform are not listed")
    nx.set_node_attributes(H, member_of.to_dict(), "ocg_group")
    if member_of.empty:
        notes.append("no group members in the network: nothing to map")
        kp = key_players(H, seed=seed).assign(score=np.nan)
    else:
        kp = key_players(H, group="ocg_group", seed=seed)
    notes.extend(kp.attrs.get("notes", []))
    kp = kp.set_index("node")
    members_graph = H.subgraph([v for v in member_of.index if v in H])
    if members_graph.number_of_nodes():
        roles_among = brokerage_roles(members_graph, "ocg_group")
        crossing_all = roles_among[["itinerant", "gatekeeper", "representative",
                                    "liaison"]].sum(axis=1)
    else:
        crossing_all = pd.Series(dtype=float)
    types = dict(G.nodes(data="node_type"))
    impact = set(impact_types)
    group_of = member_of.to_dict()
    assessed_by_group = read_assessments(assessments, model,
                                         groups=sorted(set(member_of), key=str))
    groups_rows, member_rows, feature_rows = [], [], []
    indicator_frames, coverage_rows = [], []
    for grp, members in member_of.groupby(member_of, sort=True):
        nodes = [v for v in members.index if v in kp.index]
        sub = kp.loc[nodes].sort_values(["score", "degree"], ascending=False, kind="stable")
        leader = sub.index[0] if len(sub) else None
        crossing = crossing_all.reindex(sub.index).fillna(0)
        brokers = [v for v in crossing.sort_values(ascending=False, kind="stable").index
                   if crossing[v] > 0 and v != leader]
        inner = H.subgraph(nodes)
        inner_cuts = set(nx.articulation_points(inner)) if inner.number_of_nodes() > 2 else set()
        cuts = [v for v in sub.index if v in inner_cuts]
        member_set = set(nodes)
        areas: dict[str, int] = {}
        reports: set[Any] = set()
        outside: set[Any] = set()
        n_links = n_links_reported = 0
        for v in nodes:
            if v not in G:
                continue
            for nbr in G.adj[v]:
                t = types.get(nbr)
                data = G.get_edge_data(v, nbr) or {}
                if G.is_multigraph():
                    recs = [r for d in data.values() for r in d.get("reports", ())]
                else:
                    recs = list(data.get("reports", ()))
                reports.update(recs)
                n_links += 1
                n_links_reported += bool(recs)
                if t in impact:
                    code = G.nodes[nbr].get(area_attr)
                    if code is not None and not (isinstance(code, float) and np.isnan(code)):
                        areas[str(code)] = areas.get(str(code), 0) + 1
                if t == "person" and nbr not in member_set:
                    outside.add(nbr)
        linked = sorted({group_of[p] for p in outside if p in group_of and group_of[p] != grp},
                        key=str)
        measured = {"members": float(len(nodes)), "areas": float(len(areas)),
                    "associates": float(len(outside)), "linked_groups": float(len(linked))}
        table = model.score(measured, assessed_by_group.get(grp, {}))
        evidence = {"members": nodes, "areas": sorted(areas), "associates": sorted(outside,
                                                                                    key=str),
                    "linked_groups": linked}
        is_measured = table["basis"] == "measured"
        table.loc[is_measured, "evidence"] = [
            _listing(evidence[model.indicator(i).measure or ""], MEASURES[
                model.indicator(i).measure or ""]) for i in table.loc[is_measured, "indicator"]]
        score = float(table["points"].sum())
        shares = {dim: 100.0 * float(table.loc[table["dimension"] == dim, "points"].sum())
                  / model.max_points(dim) for dim in ("range_severity",
                                                      "capability_sophistication")}
        band, level = model.band(shares["range_severity"], shares["capability_sophistication"])
        not_assessed = table.loc[table["basis"] == "not assessed", "indicator"].tolist()
        indicator_frames.append(table.assign(group=grp))
        area_list = [a for a, _ in sorted(areas.items(), key=lambda kv: (-kv[1], kv[0]))]
        partner_list = sorted({p for a in area_list for p in lookup.get(a, [])})
        groups_rows.append({
            "group": grp, "n_members": len(nodes), "leader": leader, "brokers": brokers,
            "cut_points": cuts, "harm_score": score,
            "range_severity": shares["range_severity"],
            "capability_sophistication": shares["capability_sophistication"],
            "band": band, "management_level": level, "not_assessed": not_assessed,
            "coverage_reports": len(reports), "areas": area_list, "partners": partner_list,
            "not_for_dissemination": grp in nfd,
            "nfd_justification": nfd.get(grp, ""),
        })
        feature_rows.append({"group": grp, **measured,
                             **{f"{i}_points": float(p) for i, p in zip(
                                 table["indicator"], table["points"], strict=True)},
                             "harm_score": score})
        coverage_rows.append({
            "group": grp, "reports": len(reports), "links": n_links,
            "links_with_reports": n_links_reported,
            "link_coverage": n_links_reported / n_links if n_links else np.nan,
            "reports_per_member": len(reports) / len(nodes) if nodes else np.nan})
        for rank, v in enumerate(sub.index, start=1):
            roles = (["leader"] if v == leader else []) + (["broker"] if v in brokers else []) + (
                ["cut-point"] if v in cuts else [])
            member_rows.append({
                "group": grp, "node": v, "label": str(G.nodes[v].get("label", v)),
                "roles": "; ".join(roles or ["member"]), "group_rank": rank,
                "score": float(sub.loc[v, "score"]), "reason": sub.loc[v, "reason"],
            })
    unknown = set(nfd) - {r["group"] for r in groups_rows}
    if unknown:
        raise ParameterError(
            f"not_for_dissemination: {len(unknown)} group id(s) are not among the mapped groups"
        )
    groups = pd.DataFrame(groups_rows, columns=[
        "group", "n_members", "leader", "brokers", "cut_points", "harm_score",
        "range_severity", "capability_sophistication", "band", "management_level",
        "not_assessed", "coverage_reports", "areas", "partners", "not_for_dissemination",
        "nfd_justification"])
    groups = groups.sort_values("harm_score", ascending=False, kind="stable").reset_index(
        drop=True)
    members_df = pd.DataFrame(member_rows, columns=[
        "group", "node", "label", "roles", "group_rank", "score", "reason"])
    ind_cols = ["group", "area", "indicator", "dimension", "basis", "value", "level", "points",
                "max_points", "evidence"]
    indicators = (pd.concat(indicator_frames, ignore_index=True)[ind_cols] if indicator_frames
                  else pd.DataFrame(columns=ind_cols))
    coverage = pd.DataFrame(coverage_rows, columns=[
        "group", "reports", "links", "links_with_reports", "link_coverage",
        "reports_per_member"])
    gaps = [f"{r['group']} ({len(r['not_assessed'])})" for r in groups_rows if r["not_assessed"]]
    notes.append("harm score: points of the indicator table (measured from the network's "
                 "structure, or assessed with evidence), banded on range and severity and on "
                 "capability and sophistication; report counts are intelligence coverage, "
                 "shown apart, never harm")
    if gaps:
        notes.append("indicators not assessed, so the score is a lower bound: "
                     + ", ".join(gaps))
    return OCGMap(groups, members_df, pd.DataFrame(feature_rows), model, indicators, coverage,
                  notes)


def _listing(items: Sequence[Any], what: str, limit: int = 10) -> str:
    """Describe measured evidence: how many, what, and the first few items."""
    shown = ", ".join(map(str, items[:limit]))
    more = f" and {len(items) - limit} more" if len(items) > limit else ""
    return f"{len(items)} {what}" + (f": {shown}{more}" if items else "")
