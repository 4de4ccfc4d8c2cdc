"""An ANB chart as a product of the dissemination gate.

:class:`AnxChart` wraps a network for i2 Analyst's Notebook with the metadata the gate checks
(title, classification, handling, cited reports). The gate takes it like any other product
(:meth:`AnxChart.to_product`, the gate's product protocol); :meth:`AnxChart.write` writes the
ANX chart with a dissemination marking in the chart's summary fields
(:func:`~intelbench.network.i2.anx_summary_fields`), which is what the gate's writer for
``.anx`` files does with the sanitised network and the marking of the disclosure.
"""

from __future__ import annotations

import os
from collections.abc import Hashable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import networkx as nx

from intelbench.network._anx import to_anx

__all__ = ["AnxChart"]


@dataclass
class AnxChart:
    """A network to go to i2 Analyst's Notebook, with the metadata of a product.

    Attributes
    ----------
    graph : networkx.Graph
        The network (the :func:`build_network` model).
    title : str
        The chart's title (keep it free of personal data).
    classification : str
        GSC marking of the chart itself; the gate raises it to the highest of its inputs.
    handling : str
        ``"P"`` or ``"C"``.
    handling_conditions : str
        Conditions under C.
    positions : dict, optional
        Node -> (x, y); by default the link-chart layout with ``seed``.
    seed : int
        Layout seed.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph()
    >>> G.add_edge("P-1", "T-1", reports=("IR-1", "IR-2"), grades=("1AP", ""))
    >>> p = ib.network.AnxChart(G, title="Phones", classification="official").to_product()
    >>> p.kind, p.classification, p.cited_reports
    ('graph', 'official', ('IR-1', 'IR-2'))
    """

    graph: nx.Graph
    title: str = "Link chart for i2 Analyst's Notebook"
    classification: str = "OFFICIAL"
    handling: str = "P"
    handling_conditions: str = ""
    positions: Mapping[Hashable, tuple[float, float]] | None = None
    seed: int = 0

    def cited_reports(self) -> tuple[str, ...]:
        """Return the report URNs on the chart's links, in order of first appearance."""
        seen: dict[str, None] = {}
        for *_, d in self.graph.edges(data=True):
            for urn in d.get("reports") or ():
                if urn:
                    seen.setdefault(str(urn), None)
        return tuple(seen)

    def to_product(self) -> Any:
        """Return the chart as a gate :class:`~intelbench.gate.Product` (kind ``"graph"``)."""
        from intelbench.gate.products import Product

        return Product(
            self.graph,
            title=self.title,
            classification=self.classification,
            handling=self.handling,
            handling_conditions=self.handling_conditions,
            cited_reports=self.cited_reports(),
            kind="graph",
        )

    def write(self, path: str | os.PathLike[str], marking: Any = None) -> Path:
        """Write the chart as ANX, with ``marking`` (the gate's ``Marking``) in its summary."""
        return to_anx(self.graph, path, positions=self.positions, seed=self.seed,
                      marking=marking)

