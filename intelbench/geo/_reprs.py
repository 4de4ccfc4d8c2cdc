"""HTML views of the repeat results for Jupyter (issue 17), at the precision they carry.

Knox ratios are shown to two decimals, expected counts (means of whole-number counts over
the permutations) to one, and pseudo p-values to the resolution the permutations give
(1 / (P + 1): two decimals for 99 permutations, three for 999). Counts are whole numbers
with thousands separators.
"""

from __future__ import annotations

import html
import math
from typing import Any

import numpy as np
import pandas as pd

__all__ = ["knox_html", "p_digits", "repeats_html"]

_STYLE = ("<style>.ib-knox td,.ib-knox th{padding:2px 8px;text-align:right}"
          ".ib-knox th{background:#f3f3f3}.ib-knox td.sig{background:#fde0dd;"
          "font-weight:bold}</style>")


def p_digits(permutations: int) -> int:
    """Decimals that a pseudo p-value from ``permutations`` permutations carries.

    Examples
    --------
    >>> p_digits(99), p_digits(999), p_digits(19)
    (2, 3, 2)
    """
    return max(1, math.ceil(math.log10(int(permutations) + 1)))


def _table(frame: pd.DataFrame, cell: Any, sig: pd.DataFrame | None = None) -> str:
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in frame.columns)
    rows = []
    for r, label in enumerate(frame.index):
        tds = []
        for c in range(frame.shape[1]):
            cls = ' class="sig"' if sig is not None and bool(sig.iat[r, c]) else ""
            tds.append(f"<td{cls}>{html.escape(cell(r, c))}</td>")
        rows.append(f"<tr><th>{html.escape(str(label))}</th>{''.join(tds)}</tr>")
    return (f'<table class="ib-knox"><tr><th>distance \\ time</th>{head}</tr>'
            + "".join(rows) + "</table>")


def knox_html(result: Any, alpha: float = 0.05) -> str:
    """The Knox table of a :class:`~intelbench.geo.repeat.NearRepeatResult` as HTML.

    Each cell shows the Knox ratio and its p-value, shaded where the ratio is above 1 at
    ``alpha``; a second table gives observed and expected pairs.
    """
    nd = p_digits(result.permutations)
    ratio, p = result.ratio, result.p_value
    obs, exp = result.observed, result.expected
    sig = (p <= alpha) & (ratio > 1)

    def rp(r: int, c: int) -> str:
        v = ratio.iat[r, c]
        rtxt = "n/a" if not np.isfinite(v) else f"{v:.2f}"
        return f"{rtxt} (p {p.iat[r, c]:.{nd}f})"

    def oe(r: int, c: int) -> str:
        return f"{int(obs.iat[r, c]):,} / {exp.iat[r, c]:,.1f}"

    seed = "" if result.seed is None else f", seed {result.seed}"
    head = (f"<b>Knox test (near repeat)</b>: {result.n_events:,} events, "
            f"{result.permutations} permutations{seed}; cells: ratio (p), shaded where "
            f"significantly above 1 at {alpha:g}. Smallest possible p: "
            f"{1 / (result.permutations + 1):.{nd}f}.")
    notes = "".join(f"<li>{html.escape(n)}</li>" for n in result.notes)
    excl = (f"<p>{len(result.excluded):,} rows left out (see <code>.excluded</code>).</p>"
            if len(result.excluded) else "")
    return (_STYLE + f"<div><p>{head}</p>" + _table(ratio, rp, sig)
            + "<p>Observed / expected pairs</p>" + _table(ratio, oe) + excl
            + (f"<ul>{notes}</ul>" if notes else "") + "</div>")


def repeats_html(result: Any, top: int = 10) -> str:
    """A :class:`~intelbench.geo.repeat.RepeatVictimisation` summary as HTML."""
    s = result.summary
    share = float(s.get("share_of_crime", float("nan")))
    rate = float(s.get("repeat_rate", float("nan")))
    lines = [
        f"{int(s.get('events', 0)):,} events at {int(s.get('locations', 0)):,} locations",
        f"{int(s.get('repeat_locations', 0)):,} locations hit twice or more hold "
        f"{int(s.get('events_at_repeat_locations', 0)):,} events ({share:.0%} of crime)",
        f"{int(s.get('repeat_events', 0)):,} repeat events (repeat rate {rate:.0%})",
    ]
    freq = result.frequency.copy()
    for col in freq.columns:
        if "share" in str(col):
            freq[col] = [f"{v:.0%}" for v in freq[col]]
    gaps = result.time_to_repeat_table.copy()
    for col in gaps.columns:
        if "share" in str(col):
            gaps[col] = [f"{v:.0%}" for v in gaps[col]]
    locs = result.locations.head(top).copy()
    for col in ("x", "y"):
        if col in locs.columns:
            locs[col] = locs[col].round(0).astype("Int64")
    return (_STYLE + "<div><p><b>Repeat victimisation</b></p><ul>"
            + "".join(f"<li>{html.escape(t)}</li>" for t in lines) + "</ul>"
            + "".join(f"<p class='ib-note'>Note: {html.escape(str(n))}</p>"
                      for n in getattr(result, "notes", []))
            + "<p>Locations by number of events</p>"
            + freq.to_html(classes="ib-knox", border=0)
            + "<p>Time to the next event at the same location</p>"
            + (gaps.to_html(classes="ib-knox", border=0) if len(gaps)
               else "<p><i>not computed (see the notes)</i></p>")
            + f"<p>Most-hit locations (top {min(top, len(result.locations))})</p>"
            + locs.to_html(index=False, classes="ib-knox", border=0) + "</div>")
