"""Network analysis: association networks, key players, groups, paths and OCG mapping.
"""
from intelbench.network.build import NODE_TYPES, BuildSummary, build_network, parse_dates

__all__ = ["NODE_TYPES", "BuildSummary", "build_network", "parse_dates"]
