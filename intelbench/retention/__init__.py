"""Review, retention and disposal of police information (MoPI groups 1-4).

- :mod:`intelbench.retention.schedule`: :class:`RetentionSchedule`, the configurable period
  table, how a record's group follows from its type and offence, the legacy-record rule.
- :mod:`intelbench.retention.register`: the register (``ib_retention``): :func:`register`,
  :func:`trigger` (new information resets the review date), :func:`decide` (RETAIN with a
  reason and next review date, or DISPOSE: the content is erased, the decision audited).
- :mod:`intelbench.retention.review`: :func:`review_queue` (due and overdue records) and
  :func:`retention_report` for the data protection officer.
- :mod:`intelbench.retention.sample`: :func:`load_sample_retention` runs the sample force's
  register (every group and state) into a workspace.
"""

from __future__ import annotations

from intelbench.retention.register import REVIEW_ROLES, decide, register, register_frame, trigger
from intelbench.retention.review import (
    RetentionReport,
    ReviewQueue,
    register_states,
    retention_report,
    review_queue,
)
from intelbench.retention.schedule import GROUPS, STATES, RetentionSchedule

__all__ = [
    "GROUPS",
    "REVIEW_ROLES",
    "STATES",
    "RetentionReport",
    "RetentionSchedule",
    "ReviewQueue",
    "decide",
    "register",
    "register_frame",
    "register_states",
    "retention_report",
    "review_queue",
    "trigger",
]
