"""Network analysis: association networks, key players, groups, paths and OCG mapping.

Graphs are plain ``networkx`` graphs; igraph and scipy do the heavy measures behind the scenes.
Every function takes the graph first and returns a new object; inputs are never modified.

Graph model (the contract for charts, i2 interop and every other consumer)
-----------------------------------------------------------------------------
:func:`build_network` returns an undirected ``networkx.Graph`` (or ``MultiGraph`` with
``multigraph=True``, one edge per node pair **and link type**, key = the link type).

**Node key**: the entity id as a string (``"P-0042"``, a phone or vehicle id, ...).

**Node attributes**

=================  ========================================================================
``node_type``      one of :data:`NODE_TYPES`: person, phone, vehicle, address, organisation,
                   event (None only if the type could not be read)
``label``          display text (from the node table's ``label`` column; the id otherwise)
other columns      every other column of the node table (e.g. ``area_code`` on addresses and
                   events) and, for persons, of the ``nominals`` table (``surname``,
                   ``forenames``, ``dob``, ...); missing values are left out
``merged_from``    tuple of ids absorbed by :func:`merge_nominals` (only after a merge)
=================  ========================================================================

**Edge attributes**

=================  ========================================================================
``weight``         float; the summed ``count`` column (calls, co-offences) or, with
                   ``weight_from="links"``, the number of link rows
``count``          summed ``count`` column (int when whole; 1 per row when absent)
``n_links``        number of link rows aggregated into the edge
``link_types``     tuple of distinct link types, sorted (``("association",)`` if no column)
``first_seen``     earliest first-seen date (``pandas.Timestamp`` / ``datetime``) or None
``last_seen``      latest last-seen date or None
``reports``        tuple of distinct report URNs (provenance), in order of first appearance
``grades``         tuple of the grades aligned with ``reports`` (``""`` where none)
=================  ========================================================================

**Graph attributes**: ``quarantine`` (DataFrame of the link rows set aside, with ``row``, the
original columns and ``reason``), ``n_quarantined``, ``build`` (:class:`BuildSummary`),
``history`` (list of dicts, e.g. COMBINE merges) and ``weight_from``.

Derived graphs keep the node attributes: :func:`project_persons` adds edges with ``weight``
(items shared), ``shared`` and ``via``; :func:`ego_network` records ``ego``/``radius``;
:func:`network_as_of` records ``as_of``.

Sizes and thresholds
--------------------
Betweenness and closeness are exact up to :data:`EXACT_MAX_NODES` nodes (igraph; values equal
networkx's normalised ones). Above it betweenness is sampled (``k`` sources, ``seed``, with a
standard error from batches) and closeness is skipped; :func:`key_players` says so in
``attrs["notes"]``, ``attrs["sampled"]`` and ``attrs["skipped"]``.
"""

from intelbench.network.anx_chart import AnxChart
from intelbench.network.brokerage import ROLES, brokerage_roles
from intelbench.network.build import NODE_TYPES, BuildSummary, build_network, parse_dates
from intelbench.network.charts import LinkChart, chart_layout, link_chart
from intelbench.network.groups import (
    Communities,
    MembershipComparison,
    Stability,
    communities,
    community_stability,
    compare_membership,
)
from intelbench.network.i2 import read_anb_tables, read_anx, to_anb_tables, to_anx
from intelbench.network.keyplayers import KeyPlayerSet, fragmentation, key_player_set
from intelbench.network.measures import (
    EXACT_MAX_NODES,
    betweenness,
    bridges,
    constraint,
    effective_size,
    eigenvector,
    key_players,
)
from intelbench.network.nominals import merge_nominals, suggest_duplicates
from intelbench.network.ocg import HarmModel, OCGMap, map_ocgs
from intelbench.network.paths import PathResult, ego_network, network_as_of, shortest_paths
from intelbench.network.projection import project_persons

__all__ = [
    "EXACT_MAX_NODES",
    "NODE_TYPES",
    "ROLES",
    "AnxChart",
    "BuildSummary",
    "Communities",
    "HarmModel",
    "KeyPlayerSet",
    "LinkChart",
    "MembershipComparison",
    "OCGMap",
    "PathResult",
    "Stability",
    "betweenness",
    "bridges",
    "brokerage_roles",
    "build_network",
    "chart_layout",
    "communities",
    "community_stability",
    "compare_membership",
    "constraint",
    "effective_size",
    "ego_network",
    "eigenvector",
    "fragmentation",
    "key_player_set",
    "key_players",
    "link_chart",
    "map_ocgs",
    "merge_nominals",
    "network_as_of",
    "parse_dates",
    "project_persons",
    "read_anb_tables",
    "read_anx",
    "shortest_paths",
    "suggest_duplicates",
    "to_anb_tables",
    "to_anx",
]
