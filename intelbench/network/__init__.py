"""Network analysis: association networks, key players, groups, paths and OCG mapping.
"""

from intelbench.network.brokerage import ROLES, brokerage_roles
from intelbench.network.build import NODE_TYPES, BuildSummary, build_network, parse_dates
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

__all__ = [
    "EXACT_MAX_NODES",
    "NODE_TYPES",
    "ROLES",
    "BuildSummary",
    "KeyPlayerSet",
    "betweenness",
    "bridges",
    "brokerage_roles",
    "build_network",
    "constraint",
    "effective_size",
    "eigenvector",
    "fragmentation",
    "key_player_set",
    "key_players",
    "parse_dates",
]
