"""Timelines with theme lines (i2 style): events in time, one line per subject or theme.

:func:`timeline` puts each event on the theme line of its subject (methods.md B16), draws it
with an icon for its kind, joins the lines of an event with two subjects (a meeting, a call)
with a connector, and draws an uncertain time (a from/to window) as a span. The result is one
offline HTML page (script, style and data embedded; the page's security policy allows no
request) with zoom and pan in time and details on click, plus a static matplotlib picture for
DOCX. Times are shown no finer than the data gives them: dates-only data is never shown with
an hour.
"""

from __future__ import annotations

import io
import os
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.charts._page import asset, iframe, page, write_atomic
from intelbench.charts._styles import kind_style
from intelbench.exceptions import ParameterError, SchemaError

__all__ = ["CERTAINTIES", "Timeline", "prepare_events", "timeline"]

#: i2 time certainty (B16): Controlling has a date and a time; Ordered keeps its place in the
#: sequence (a date only, or a from/to window); Free has no usable time and is not placed.
CERTAINTIES = ("Controlling", "Ordered", "Free")

_CANDIDATES: dict[str, tuple[str, ...]] = {
    "subject": ("subject", "theme", "from_line", "line", "nominal"),
    "time": ("time", "when_local", "when", "date", "start", "from_datetime"),
    "kind": ("kind", "type", "event_type"),
    "other": ("with", "other", "to_line"),
}
_FORMATS = {"second": "%Y-%m-%d %H:%M:%S", "minute": "%Y-%m-%d %H:%M", "hour": "%Y-%m-%d %H:00",
            "day": "%Y-%m-%d", "month": "%Y-%m", "quarter": "%Y-%m", "year": "%Y"}
_COLUMNS = ["subject", "other", "start", "end", "kind", "certainty", "when"]
_ROLES = {"subject": "identifier", "other": "identifier", "start": "time", "end": "time",
          "kind": "label", "certainty": "label", "when": "time"}


def _pick(frame: pd.DataFrame, given: str | None, role: str, required: bool = True
          ) -> str | None:
    cols = [str(c) for c in frame.columns]
    if given is not None:
        if given not in frame.columns:
            raise SchemaError(f"{role}={given!r}: no such column; the events have columns "
                              f"[{', '.join(cols[:20])}]")
        return given
    for name in _CANDIDATES[role]:
        if name in frame.columns:
            return name
    if not required:
        return None
    raise SchemaError(f"{role}: the events have none of the columns "
                      f"{list(_CANDIDATES[role])}; pass {role}=<column> (columns are "
                      f"[{', '.join(cols[:20])}])")


def _parse(values: pd.Series, name: str) -> tuple[pd.Series, pd.Series, str]:
    """Parse a time column: (naive UK wall-clock datetimes, reason per row, precision level)."""
    from intelbench.geo._events import parse_datetimes
    from intelbench.geo._precision import time_precision

    if isinstance(values.dtype, pd.DatetimeTZDtype):
        values = values.dt.tz_convert("Europe/London")
    parsed, reason = parse_datetimes(values, name)
    level = time_precision(values, parsed).level
    if level in ("second", "minute", "hour") and _dates_only(values, parsed):
        level = "day"
    return parsed, reason, level


def _dates_only(values: pd.Series, parsed: pd.Series) -> bool:
    """Text dates with no time of day (``01/03/2025``), or ``datetime.date`` objects."""
    ok = parsed.notna()
    if not ok.any() or values.dtype.kind == "M" or isinstance(values.dtype, pd.PeriodDtype):
        return False
    if (parsed[ok] != parsed[ok].dt.normalize()).any():
        return False
    text = values[ok].map(lambda v: v if isinstance(v, str) else None)
    if text.isna().any():
        import datetime as dt

        return bool(values[ok].map(lambda v: isinstance(v, dt.date)
                                   and not isinstance(v, dt.datetime)).all())
    return bool((~text.str.contains(":", regex=False)).all())


def _others(value: Any) -> list[str]:
    if isinstance(value, (list, tuple, set, frozenset, np.ndarray)):
        items = [str(v) for v in value]
    elif value is None or (not isinstance(value, str) and pd.isna(value)):
        return []
    else:
        items = str(value).split(";")
    return [v.strip() for v in items if v is not None and str(v).strip()]


def _text(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(map(str, value))
    try:
        if pd.isna(value):
            return ""
    except (TypeError, ValueError):
        pass
    if isinstance(value, pd.Timestamp):
        return value.isoformat()
    return str(value)


def prepare_events(
    events: pd.DataFrame,
    subject: str | None = None,
    time: str | None = None,
    kind: str | None = None,
    end: str | None = None,
    *,
    other: str | None = None,
    details: Sequence[str] | None = None,
) -> tuple[pd.DataFrame, pd.DataFrame, str]:
    """Check and normalise timeline events; return (events, excluded, precision level).

    Columns are found by name when not given: subject from ``subject``, ``theme``,
    ``from_line``...; time from ``time``, ``when_local``, ``when``, ``date``...; kind from
    ``kind`` or ``type``; the second subject(s) of a meeting or call from ``with``, ``other``
    or ``to_line`` (several separated by ``;`` or given as a list). ``end`` (the end of an
    uncertain time) is used only when named.

    Returns
    -------
    tuple
        The placed events (columns ``subject``, ``other``, ``start``, ``end``, ``kind``,
        ``certainty``, ``when`` then the detail columns, in time order, roles in
        ``attrs["roles"]``), the rows not placed (with ``reason``) and the precision level
        of the times (``"minute"``, ``"day"``...).

    Examples
    --------
    >>> ev = pd.DataFrame({"subject": ["A", "B"], "time": ["01/03/2025", "05/03/2025"],
    ...                    "kind": ["meeting", "arrest"], "with": ["B", None]})
    >>> placed, excluded, level = ib.charts.prepare_events(ev)
    >>> placed[["subject", "other", "when", "certainty"]].values.tolist()
    [['A', 'B', '2025-03-01', 'Ordered'], ['B', '', '2025-03-05', 'Ordered']]
    >>> level, len(excluded)
    ('day', 0)
    """
    if not isinstance(events, pd.DataFrame):
        raise SchemaError(f"events: expected a DataFrame, received {type(events).__name__}")
    s_col = _pick(events, subject, "subject")
    t_col = _pick(events, time, "time")
    k_col = _pick(events, kind, "kind")
    o_col = _pick(events, other, "other", required=False)
    assert s_col is not None and t_col is not None and k_col is not None
    if end is not None and end not in events.columns:
        raise SchemaError(f"end={end!r}: no such column; the events have columns "
                          f"[{', '.join(map(str, list(events.columns)[:20]))}]")
    e_col = end
    start, reason, level = _parse(events[t_col], "time")
    reason = reason.replace({"missing time": "no time: a Free item (B16), not placed"})
    finish, e_level = start.copy(), level
    if e_col is not None:
        finish, e_reason, e_level = _parse(events[e_col], "end")
        missing_end = e_reason == "missing end"
        finish = finish.where(~missing_end, start)
        e_reason = e_reason.where(~missing_end, "")
        reason = reason.where(reason != "", e_reason)
    subj = events[s_col].map(_text).str.strip()
    reason = reason.where(~((subj == "") & (reason == "")), "missing subject")
    ok = (reason == "").to_numpy().copy()
    backwards = ok & (finish < start).to_numpy()
    reason[backwards] = "end before start"
    ok &= ~backwards
    used = {s_col, t_col, k_col, o_col, e_col} - {None}
    detail_cols = [c for c in (details if details is not None else events.columns)
                   if c not in used]
    missing = [c for c in detail_cols if c not in events.columns]
    if missing:
        raise SchemaError(f"details: no column {', '.join(map(str, missing))} in the events")
    src = events.loc[ok]
    st, fi = start[ok], finish[ok]
    window = (fi > st).to_numpy()
    coarse = level in ("day", "month", "quarter", "year")
    certainty = np.where(window | coarse, "Ordered", "Controlling")
    # each column is shown as finely as it gives times, never finer
    s_text, f_text = st.dt.strftime(_FORMATS[level]), fi.dt.strftime(_FORMATS[e_level])
    when = np.where(window & (s_text != f_text).to_numpy(),
                    s_text.to_numpy(dtype=object) + " to " + f_text.to_numpy(dtype=object),
                    s_text.to_numpy(dtype=object))
    subjects = subj[ok].to_numpy(dtype=object)
    lists = (src[o_col].map(_others) if o_col else pd.Series([[]] * len(src), index=src.index))
    others = [";".join(x for x in o if x != s) for o, s in zip(lists, subjects, strict=True)]
    out = pd.DataFrame({
        "subject": subjects, "other": others, "start": st.to_numpy(),
        "end": fi.to_numpy(), "kind": src[k_col].map(_text).replace("", "event").to_numpy(),
        "certainty": certainty, "when": when,
    })
    given = {str(k): str(v) for k, v in dict(events.attrs.get("roles") or {}).items()}
    roles = dict(_ROLES)
    for c in detail_cols:
        # a detail column named like a timeline column keeps its values under "<name>_given"
        name = str(c) if str(c) not in _COLUMNS else f"{c}_given"
        out[name] = src[c].map(_text).to_numpy(dtype=object)
        if str(c) in given:
            roles[name] = given[str(c)]
    out = out.sort_values(["start", "subject"], kind="mergesort").reset_index(drop=True)
    out.attrs = {"roles": roles, "precision": level}
    from intelbench.geo._events import excluded_table

    excluded = excluded_table(events, reason)
    return out, excluded, level


@dataclass(frozen=True)
class Timeline:
    """An interactive timeline: theme lines, event icons, connectors and uncertain spans.

    Attributes
    ----------
    html : str
        The whole offline HTML page (script, style and data embedded).
    events : pandas.DataFrame
        The events drawn, one row each (see :func:`prepare_events`); roles in
        ``attrs["roles"]``.
    lines : list of str
        The theme lines, top to bottom.
    excluded : pandas.DataFrame
        Rows not placed, with ``reason`` (no time: Free items; end before start...).
    title, marking : str
        Title and the marking banner shown top and bottom.
    caption : str
        What the timeline shows and how to read it (for a profile or a report).
    precision : str
        How finely the data gives times (``"minute"``, ``"day"``...); nothing finer is shown.
    """

    html: str = field(repr=False)
    events: pd.DataFrame = field(repr=False)
    lines: list[str]
    excluded: pd.DataFrame = field(repr=False)
    title: str = "Timeline"
    marking: str = "OFFICIAL"
    precision: str = "minute"
    caption: str = ""

    def save(self, path: str | os.PathLike[str]) -> Path:
        """Write the HTML page to ``path`` (atomically); return the path."""
        return write_atomic(path, self.html)

    def figure(self, *, width: float = 10.0) -> Any:
        """Draw the timeline as a static matplotlib Figure (for DOCX and print)."""
        from intelbench.charts._timeline_static import timeline_figure

        return timeline_figure(self, width=width)

    def png(self, *, dpi: int = 120) -> bytes:
        """PNG bytes of :meth:`figure` (no personal data in the metadata)."""
        buf = io.BytesIO()
        self.figure().savefig(buf, format="png", dpi=dpi, metadata={"Software": "intelbench"},
                              bbox_inches="tight")
        return buf.getvalue()

    def _repr_html_(self) -> str:
        return iframe(self.html, self.title, 80 + min(560, 40 * len(self.lines) + 200))

    def __repr__(self) -> str:
        return (f"Timeline({self.title!r}, {len(self.events)} events on {len(self.lines)} "
                f"theme lines, {len(self.excluded)} not placed)")


def _line_order(ev: pd.DataFrame, order: Iterable[str] | None) -> list[str]:
    seen: dict[str, None] = {}
    for s, o in zip(ev["subject"], ev["other"], strict=True):
        seen.setdefault(s, None)
        for x in o.split(";") if o else ():
            seen.setdefault(x, None)
    if order is None:
        return list(seen)
    given = [str(x) for x in order]
    return given + [x for x in seen if x not in set(given)]


def _ms(values: pd.Series) -> list[float]:
    ns = values.to_numpy(dtype="datetime64[ns]").astype(np.int64)
    return (ns // 1_000_000).astype(float).tolist()


def timeline(
    events: pd.DataFrame,
    subject: str | None = None,
    time: str | None = None,
    kind: str | None = None,
    end: str | None = None,
    *,
    other: str | None = None,
    details: Sequence[str] | None = None,
    lines: Iterable[str] | None = None,
    title: str = "Timeline",
    marking: str = "OFFICIAL",
    caption: str = "",
    max_events: int = 100_000,
) -> Timeline:
    """Draw events on theme lines: an offline interactive timeline and a static picture.

    Each subject (a person, a phone, a theme) gets a horizontal theme line; each event is an
    icon on its subject's line at its time, shaped and coloured by its kind. An event with a
    second subject (a meeting, a call: ``with``/``other``/``to_line``) is joined to the other
    line by a connector. An uncertain time, a from/to window (``end``), is drawn as a span
    from its start to its end (i2 "Ordered"). Drag or use the arrows to pan in time, the
    wheel or buttons to zoom, click an event for its details. Everything on the page is text:
    subject names, kinds and details are never read as markup.

    Parameters
    ----------
    events : DataFrame
        One row per event. Not modified. ``ib.comms.timeline_events(...)`` output can be
        passed as it is (``from_line``, ``when_local``, ``type``, ``to_line``).
    subject, time, kind : str, optional
        Columns of the theme line, the time (or start of the window) and the event kind;
        found by name when not given (see :func:`prepare_events`).
    end : str, optional
        Column with the end of each event's time window (uncertain times).
    other : str, optional
        Column with the other subject(s) of the event (connectors between theme lines).
    details : sequence of str, optional
        Columns shown in the details pane (default: every other column).
    lines : iterable of str, optional
        Theme lines in this order, top first (default: in order of first appearance).
    title : str
        Title shown on the chart.
    marking : str
        Marking banner shown at the top and bottom of the page and the picture.
    caption : str
        What the timeline shows (kept as ``.caption`` for profiles and reports).
    max_events : int
        Refuse more events than this (browser memory).

    Returns
    -------
    Timeline
        ``.html``, ``.save(path)``, ``.figure()``, ``.png()``, ``.events``; displays itself
        in JupyterLab.

    Raises
    ------
    SchemaError
        A column is missing.
    ParameterError
        More events than ``max_events``.

    Examples
    --------
    >>> ev = pd.DataFrame({"subject": ["P-1", "P-2"], "kind": ["meeting", "<b>x</b>"],
    ...     "time": ["2025-03-01 10:00", "2025-03-02 12:30"], "with": ["P-2", ""]})
    >>> tl = ib.timeline(ev, title="Test")
    >>> tl.lines, len(tl.events), "<b>x</b>" in tl.html
    (['P-1', 'P-2'], 2, False)
    >>> tl.events["certainty"].tolist()
    ['Controlling', 'Controlling']
    """
    if not isinstance(max_events, int) or max_events < 1:
        raise ParameterError(f"max_events must be a whole number >= 1; got {max_events!r}")
    ev, excluded, level = prepare_events(events, subject, time, kind, end, other=other,
                                         details=details)
    if len(ev) > max_events:
        raise ParameterError(
            f"max_events: {len(ev)} events to draw, more than max_events={max_events}; "
            "filter by subject or period first, or raise max_events")
    names = _line_order(ev, lines)
    index = {n: i for i, n in enumerate(names)}
    kinds = list(dict.fromkeys(ev["kind"]))
    styles = [kind_style(k, i) for i, k in enumerate(kinds)]
    kindex = {k: i for i, k in enumerate(kinds)}
    detail_cols = [c for c in ev.columns if c not in _COLUMNS]
    oth = [[index[x] for x in o.split(";")] if o else [] for o in ev["other"]]
    window = (ev["end"] > ev["start"]).to_numpy()
    data = {
        "lines": names,
        "kinds": kinds,
        "shapes": [s for s, _ in styles],
        "colours": [c for _, c in styles],
        "precision": level,
        "t0": _ms(ev["start"]),
        "t1": [t if w else None for t, w in zip(_ms(ev["end"]), window, strict=True)],
        "line": [index[s] for s in ev["subject"]],
        "kind": [kindex[k] for k in ev["kind"]],
        "other": oth,
        "when": ev["when"].tolist(),
        "certainty": ev["certainty"].tolist(),
        "detailKeys": [str(c) for c in detail_cols],
        "details": [ev[c].tolist() for c in detail_cols],
        "excluded": int(len(excluded)),
    }
    body = (
        '<div class="ib-bar">'
        '<button type="button" id="ib-left" title="Pan earlier">&larr;</button>'
        '<button type="button" id="ib-right" title="Pan later">&rarr;</button>'
        '<button type="button" id="ib-zoom-in" title="Zoom in">+</button>'
        '<button type="button" id="ib-zoom-out" title="Zoom out">&minus;</button>'
        '<button type="button" id="ib-fit">Fit</button>'
        '<span id="ib-status" role="status"></span></div>\n'
        '<div class="ib-main"><div class="ib-stage" id="ib-stage">'
        '<canvas id="ib-canvas"></canvas></div>'
        '<div class="ib-side"><h3>Legend</h3><ul id="ib-legend"></ul>'
        '<div id="ib-details"><p class="ib-hint">Click an event for its details.</p></div>'
        "</div></div>"
    )
    doc = page(title=title, marking=marking, body=body, data=data, css=asset("timeline.css"),
               js=asset("timeline.js"), data_id="ib-timeline-data")
    return Timeline(html=doc, events=ev, lines=names, excluded=excluded, title=title,
                    marking=marking, precision=level, caption=caption)
