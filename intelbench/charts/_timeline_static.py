"""The static (printable) picture of a timeline: matplotlib only, imported when drawing."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np

from intelbench.charts._styles import MPL_MARKERS, kind_style

if TYPE_CHECKING:
    from intelbench.charts.timeline import Timeline

__all__ = ["timeline_figure"]

_TICK_FORMATS = ("day", "month", "quarter", "year")


def timeline_figure(tl: Timeline, *, width: float = 10.0) -> Any:
    import matplotlib.dates as mdates
    from matplotlib.figure import Figure

    ev = tl.events
    n_lines = max(len(tl.lines), 1)
    fig = Figure(figsize=(width, min(2.2 + 0.38 * n_lines, 14)))
    ax = fig.add_subplot()
    index = {n: i for i, n in enumerate(tl.lines)}
    y = ev["subject"].map(index).to_numpy(dtype=float)
    x0 = mdates.date2num(ev["start"].to_numpy())
    x1 = mdates.date2num(ev["end"].to_numpy())
    for i in range(n_lines):
        ax.axhline(i, color="#bbb", linewidth=0.8, zorder=0)
    segs_x: list[float] = []
    segs_y: list[float] = []
    for xi, yi, others in zip(x0, y, ev["other"], strict=True):
        for o in others.split(";") if others else ():
            segs_x += [float(xi), float(xi), np.nan]
            segs_y += [float(yi), float(index[o]), np.nan]
    if segs_x:
        ax.plot(segs_x, segs_y, color="#666", linewidth=0.6, alpha=0.6, zorder=1)
    window = x1 > x0
    kinds = list(dict.fromkeys(ev["kind"]))
    for pos, kind in enumerate(kinds):
        shape, colour = kind_style(kind, pos)
        sel = (ev["kind"] == kind).to_numpy()
        w = sel & window
        if w.any():
            ax.hlines(y[w], x0[w], x1[w], colors=colour, linewidth=5, alpha=0.3, zorder=2)
        ax.scatter(x0[sel], y[sel], marker=MPL_MARKERS[shape], c=colour,
                   s=70 if shape == "star" else 30, zorder=3,
                   edgecolors="white", linewidths=0.4, label=f"{kind} ({int(sel.sum())})")
    ax.set_yticks(range(len(tl.lines)), [s if len(s) <= 24 else s[:23] + "\u2026"
                                         for s in tl.lines], fontsize=8)
    ax.set_ylim(n_lines - 0.5, -0.5)
    locator = mdates.AutoDateLocator(minticks=3, maxticks=9)
    if tl.precision in _TICK_FORMATS and len(ev):
        # dates-only data: keep the axis at least a fortnight wide so no tick falls on an hour
        lo, hi = float(np.nanmin(x0)), float(np.nanmax(x1))
        if hi - lo < 14:
            mid = (lo + hi) / 2
            ax.set_xlim(mid - 7, mid + 7)
    ax.xaxis.set_major_formatter(mdates.ConciseDateFormatter(locator))
    ax.xaxis.set_major_locator(locator)
    ax.tick_params(axis="x", labelsize=8)
    ax.grid(axis="x", color="#eee")
    if kinds:
        ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1), fontsize=7, frameon=False)
    ax.set_title(tl.title, fontsize=11)
    fig.text(0.5, 0.995, tl.marking, ha="center", va="top", color="white", fontsize=8,
             fontweight="bold", bbox={"facecolor": "#b00000", "edgecolor": "none"})
    fig.text(0.5, 0.005, tl.marking, ha="center", va="bottom", color="white", fontsize=8,
             fontweight="bold", bbox={"facecolor": "#b00000", "edgecolor": "none"})
    fig.tight_layout(rect=(0, 0.04, 1, 0.96))
    return fig
