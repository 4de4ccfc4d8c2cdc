"""The day-by-hour heat matrix with filters and histograms, offline HTML and static pictures.

:func:`heat_matrix` spreads each event over its time window with the aoristic helper
(:func:`intelbench.geo.aoristic`, methods.md B6), once for all events and once per
combination of crime type, area and period, so the page can filter without recomputing: the
matrix of any filter is the sum of its combinations' matrices. The helper's precision rules
hold: times coarser than the hour (dates only, data.police.uk months) are refused unless
``spread=True`` asks for them to be spread over their whole day or month.
"""

from __future__ import annotations

import io
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.charts._heat_body import BODY
from intelbench.charts._page import asset, iframe, page, write_atomic
from intelbench.exceptions import ParameterError, SchemaError

__all__ = ["HeatMatrix", "heat_matrix"]

_PERIOD_FREQ = {"second": "s", "minute": "min", "hour": "h", "day": "D", "month": "M",
                "quarter": "Q", "year": "Y"}
_PERIODS = {"W": ("day", "W-SUN"), "M": ("month", "M"), "Q": ("quarter", "Q"),
            "Y": ("year", "Y")}
_AUTO = {"crime_type": ("crime_type", "offence", "category"),
         "area": ("sector", "area", "area_name", "area_code", "lsoa_code")}


@dataclass(frozen=True)
class HeatMatrix:
    """A day-by-hour heat matrix with its filters, histograms and page.

    Attributes
    ----------
    html : str
        The offline page (filters for crime type, area and period; matrix; histograms).
    matrix : pandas.DataFrame
        The 7×24 aoristic matrix of every valid event (rows ``Mon``..``Sun``, columns hours
        0..23); ``excluded``, ``flagged`` and ``notes`` as from ``ib.geo.aoristic``.
    groups : pandas.DataFrame
        One row per combination: ``crime_type``, ``area``, ``period``, ``events`` and the 168
        weights in ``w000``..``w167`` (Monday 00:00 first); roles in ``attrs["roles"]``.
    title, marking : str
        Title and the banner shown top and bottom.
    """

    html: str = field(repr=False)
    matrix: pd.DataFrame = field(repr=False)
    groups: pd.DataFrame = field(repr=False)
    title: str = "Day by hour"
    marking: str = "OFFICIAL"
    data: dict[str, Any] = field(default_factory=dict, repr=False)

    def widget(self) -> Any:
        """Return a JupyterLab widget of this matrix whose filters sync with Python.

        See :func:`intelbench.charts.widget.heat_widget` (needs ``anywidget``).
        """
        from intelbench.charts.widget import heat_widget

        return heat_widget(self)

    def filtered(self, crime_type: str = "", area: str = "", start: str = "",
                 end: str = "") -> pd.DataFrame:
        """Return the 7×24 matrix of one filter, as the page computes it.

        Parameters
        ----------
        crime_type, area : str
            One value, or ``""`` for all.
        start, end : str
            First and last period (``"2025-02"``), or ``""`` for the first or last.

        Returns
        -------
        pandas.DataFrame
            Rows ``Mon``..``Sun``, columns hours 0..23, summed aoristic weights.
        """
        from intelbench.geo.temporal import DAYS

        g = self.groups
        keep = np.ones(len(g), dtype=bool)
        if crime_type:
            keep &= (g["crime_type"] == crime_type).to_numpy()
        if area:
            keep &= (g["area"] == area).to_numpy()
        periods = sorted(set(g["period"]))
        lo = periods.index(start) if start in periods else 0
        hi = periods.index(end) if end in periods else len(periods) - 1
        keep &= g["period"].isin(periods[min(lo, hi):max(lo, hi) + 1]).to_numpy()
        wcols = [f"w{i:03d}" for i in range(168)]
        values = g.loc[keep, wcols].to_numpy().sum(axis=0).reshape(7, 24)
        out = pd.DataFrame(values, index=pd.Index(DAYS, name="day"),
                           columns=pd.Index(range(24), name="hour"))
        out.attrs = {"roles": {str(h): "count" for h in range(24)}}
        return out

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the HTML page to ``path`` (atomically); return the path."""
        return write_atomic(path, self.html)

    def figure(self) -> Any:
        """Draw the matrix, then histograms by hour, day and period (a matplotlib Figure)."""
        from intelbench.charts._heat_static import heat_figure

        return heat_figure(self)

    def png(self, *, dpi: int = 120) -> bytes:
        """PNG bytes of :meth:`figure`."""
        buf = io.BytesIO()
        self.figure().savefig(buf, format="png", dpi=dpi, metadata={"Software": "intelbench"},
                              bbox_inches="tight")
        return buf.getvalue()

    def _repr_html_(self) -> str:
        return iframe(self.html, self.title, 720)

    def __repr__(self) -> str:
        return (f"HeatMatrix({self.title!r}, {float(self.matrix.to_numpy().sum()):.0f} events, "
                f"{len(self.groups)} filter combinations)")


def _auto(events: pd.DataFrame, given: str | None, role: str) -> str | None:
    if given is not None:
        if given not in events.columns:
            raise SchemaError(f"{role}={given!r}: no such column; the events have columns "
                              f"[{', '.join(map(str, list(events.columns)[:20]))}]")
        return given
    return next((c for c in _AUTO[role] if c in events.columns), None)


def _labels(values: pd.Series | None, n: int) -> np.ndarray:
    if values is None:
        return np.full(n, "All", dtype=object)
    s = values.astype(object).where(values.notna(), "(none)")
    return s.map(lambda v: str(v).strip() or "(none)").to_numpy(dtype=object)


def heat_matrix(
    events: pd.DataFrame,
    start: str = "from_datetime",
    end: str | None = "to_datetime",
    *,
    crime_type: str | None = None,
    area: str | None = None,
    period: str = "M",
    spread: bool = False,
    missing_end: str = "exclude",
    title: str = "Day by hour (aoristic)",
    marking: str = "OFFICIAL",
    max_groups: int = 5000,
) -> HeatMatrix:
    """Day-by-hour heat matrix with filters for crime type, area and period.

    Parameters
    ----------
    events : DataFrame
        One row per event. Not modified.
    start, end : str
        Columns with the earliest and latest time of each event (``end=None``: exact times).
    crime_type, area : str, optional
        Filter columns; found by name when not given (``crime_type``/``offence``;
        ``sector``/``area``/``area_name``/``area_code``); without one the filter is absent.
    period : {"M", "W", "Q", "Y"}
        The period filter and histogram: months, weeks, quarters or years (of each event's
        start); it must not be finer than the data.
    spread : bool
        Spread times coarser than the hour evenly over their day or month (the chart then
        shows the calendar, not when crime happened); refused without it.
    missing_end : {"exclude", "start"}
        A row with a start but no end: left out, or taken as an exact time.
    title, marking : str
        Title and banner.
    max_groups : int
        Refuse more filter combinations than this (choose a coarser area, e.g. sector).

    Returns
    -------
    HeatMatrix

    Raises
    ------
    SchemaError
        A column is missing, or the times are coarser than the hour without ``spread``, or
        coarser than ``period``.
    ParameterError
        ``period`` is unknown, or there are more than ``max_groups`` combinations.

    Examples
    --------
    >>> ev = pd.DataFrame({"from": ["06/01/2025 08:00", "07/01/2025 22:00"],
    ...     "to": ["06/01/2025 16:00", "07/01/2025 22:00"], "offence": ["Burglary", "<b>"]})
    >>> hm = ib.charts.heat_matrix(ev, start="from", end="to")
    >>> float(hm.matrix.loc["Mon", 8]), float(hm.matrix.to_numpy().sum())
    (0.125, 2.0)
    >>> hm.groups[["crime_type", "period", "events"]].values.tolist()
    [['<b>', '2025-01', 1.0], ['Burglary', '2025-01', 1.0]]
    >>> "<b>" in hm.html
    False
    """
    from intelbench.geo._events import parse_datetimes, require_column
    from intelbench.geo._precision import LEVELS, time_precision
    from intelbench.geo.temporal import aoristic

    if period not in _PERIODS:
        raise ParameterError(f"period must be one of {list(_PERIODS)}, received {period!r}")
    if not isinstance(max_groups, int) or max_groups < 1:
        raise ParameterError(f"max_groups must be a whole number >= 1; got {max_groups!r}")
    if missing_end not in ("exclude", "start"):
        raise ParameterError(
            f"missing_end must be one of ['exclude', 'start'], received {missing_end!r}")
    # The helper refuses coarse times (without spread) and lists the rows it cannot use.
    overall = aoristic(events, start=start, end=end, missing_end=missing_end,  # type: ignore[arg-type]
                       spread=spread)
    s_parsed, _ = parse_datetimes(require_column(events, start, "start"), "start")
    e_name = end if end is not None else start
    e_col = require_column(events, e_name, "end")
    e_parsed = s_parsed if end is None else parse_datetimes(e_col, "end")[0]
    level = max(time_precision(e_col, e_parsed).level,
                time_precision(events[start], s_parsed).level, key=LEVELS.index)
    need_level, pfreq = _PERIODS[period]
    if LEVELS.index(level) > LEVELS.index(need_level):
        fits = {"month": "M", "quarter": "Q"}.get(level, "Y")
        raise SchemaError(f"column {start!r} gives times to the {level} only; a period "
                          f"filter by {need_level} (period={period!r}) needs times to the "
                          f"{need_level} or finer. Use period={fits!r}.")
    # Each group is passed to the same helper with its times typed at the data's precision,
    # so a small group is judged as precise as the whole column (not re-guessed from a few).
    freq = _PERIOD_FREQ[level]
    work = pd.DataFrame({"_s": s_parsed.dt.to_period(freq),
                         "_e": e_parsed.dt.to_period(freq)}, index=events.index)
    ct_col, ar_col = _auto(events, crime_type, "crime_type"), _auto(events, area, "area")
    n = len(events)
    work["crime_type"] = _labels(events[ct_col] if ct_col else None, n)
    work["area"] = _labels(events[ar_col] if ar_col else None, n)
    per = s_parsed.dt.to_period(pfreq)
    work["period"] = np.where(per.isna(), "(no date)", per.astype(str).to_numpy(dtype=object))
    if period == "W":
        work["period"] = [p.split("/")[0] if p != "(no date)" else p for p in work["period"]]
    keys = ["crime_type", "area", "period"]
    n_groups = int(work.groupby(keys, sort=False).ngroups)
    if n_groups > max_groups:
        raise ParameterError(
            f"max_groups: {n_groups} combinations of crime type, area and period, more than "
            f"max_groups={max_groups}; use a coarser area column (area='sector') or period, "
            "or raise max_groups")
    rows = []
    for key, sub in work.groupby(keys, sort=True):
        week = aoristic(sub, start="_s", end="_e" if end is not None else None,
                        missing_end=missing_end, spread=spread)  # type: ignore[arg-type]
        flat = week.to_numpy().ravel()
        if flat.sum() > 0:
            rows.append([*key, float(flat.sum()), *flat.tolist()])
    wcols = [f"w{i:03d}" for i in range(168)]
    groups = pd.DataFrame(rows, columns=[*keys, "events", *wcols])
    groups.attrs = {"roles": {"crime_type": "label", "area": "location", "period": "time",
                              "events": "count", **dict.fromkeys(wcols, "count")}}
    overall.attrs = {"roles": {str(h): "count" for h in range(24)}}
    data = {
        "crimeTypes": sorted(set(groups["crime_type"])),
        "areas": sorted(set(groups["area"])),
        "periods": sorted(set(groups["period"])),
        "hasCrimeType": ct_col is not None, "hasArea": ar_col is not None,
        "crimeTypeName": ct_col or "", "areaName": ar_col or "",
        "g": {"c": groups["crime_type"].tolist(), "a": groups["area"].tolist(),
              "p": groups["period"].tolist(), "n": groups["events"].round(6).tolist(),
              # 6 decimals: summed over many cells, the page's 3 significant figures hold
              "w": np.round(groups[wcols].to_numpy(), 6).tolist()},
        "notes": list(getattr(overall, "notes", [])),
        "excluded": int(len(getattr(overall, "excluded", []))),
        "period": period,
    }
    doc = page(title=title, marking=marking, body=BODY, data=data,
               css=asset("heatmatrix.css"), js=asset("heatmatrix.js"), data_id="ib-heat-data")
    return HeatMatrix(html=doc, matrix=overall, groups=groups, title=title, marking=marking,
                      data=data)
