"""Static (printable) pictures of a heat matrix: matplotlib only, imported when drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from intelbench.charts.heatmatrix import HeatMatrix

__all__ = ["heat_figure"]


def heat_figure(hm: HeatMatrix) -> Any:
    from matplotlib.figure import Figure

    from intelbench.geo.temporal import plot_day_hour

    fig = Figure(figsize=(10, 7.2))
    grid = fig.add_gridspec(2, 3, height_ratios=[1.5, 1])
    ax = fig.add_subplot(grid[0, :])
    plot_day_hour(hm.matrix, title=hm.title, ax=ax)
    m = np.asarray(hm.matrix, dtype=float)
    h = fig.add_subplot(grid[1, 0])
    h.bar(range(24), m.sum(axis=0), color="#b35806")
    h.set_xticks(range(0, 24, 3), [f"{x:02d}" for x in range(0, 24, 3)], fontsize=7)
    h.set_title("By hour of day", fontsize=9)
    d = fig.add_subplot(grid[1, 1])
    d.bar(range(7), m.sum(axis=1), color="#b35806")
    d.set_xticks(range(7), [str(x) for x in hm.matrix.index], fontsize=7)
    d.set_title("By day of week", fontsize=9)
    p = fig.add_subplot(grid[1, 2])
    per = hm.groups.groupby("period")["events"].sum().sort_index()
    p.bar(range(len(per)), per.to_numpy(), color="#542788")
    step = max(1, len(per) // 6)
    p.set_xticks(range(0, len(per), step), [str(x) for x in per.index[::step]], fontsize=7,
                 rotation=30)
    p.set_title("By period (events)", fontsize=9)
    for a in (h, d, p):
        a.tick_params(axis="y", labelsize=7)
    for y, va in ((0.995, "top"), (0.005, "bottom")):
        fig.text(0.5, y, hm.marking, ha="center", va=va, color="white", fontsize=8,
                 fontweight="bold", bbox={"facecolor": "#b00000", "edgecolor": "none"})
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    return fig
