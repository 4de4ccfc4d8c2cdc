"""Charts an analyst briefs from: timelines with theme lines and day-by-hour heat matrices.

- :func:`timeline` (also ``ib.timeline``): events on theme lines, connectors for meetings and
  calls, uncertain times as spans; offline HTML plus a static picture.
- :func:`report_events`, :func:`group_timeline`: timeline events from the intelligence log for
  a group's subjects.
- :func:`heat_matrix`: an aoristic day-by-hour matrix with filters and histograms, offline
  HTML plus static pictures; :func:`heat_widget` (``HeatMatrix.widget()``), the same chart as
  a JupyterLab widget whose filters sync with Python (needs ``anywidget``).
"""

from __future__ import annotations

from intelbench.charts.heatmatrix import HeatMatrix, heat_matrix
from intelbench.charts.reports import (
    group_timeline,
    report_events,
    report_marking,
    subject_timeline,
)
from intelbench.charts.timeline import CERTAINTIES, Timeline, prepare_events, timeline
from intelbench.charts.widget import heat_widget

__all__ = [
    "CERTAINTIES",
    "HeatMatrix",
    "Timeline",
    "group_timeline",
    "heat_matrix",
    "heat_widget",
    "prepare_events",
    "report_events",
    "report_marking",
    "subject_timeline",
    "timeline",
]
