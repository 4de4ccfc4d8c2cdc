"""Calls as timeline events between theme lines (methods.md B16), and partner summaries.

In an i2-style timeline each number is a theme line and each call or SMS is a dated link
joining two theme lines at its time. Call data records give date and time, so every event
is "Controlling". For a partner, communications data goes out aggregated (counts by day,
no numbers) with numbers replaced by labels (Phone A, Phone B, ...) that are consistent
within one product.
"""

from __future__ import annotations

import string
from collections.abc import Iterable

import pandas as pd

from intelbench.comms._kind import mark
from intelbench.comms.common import unique_events

__all__ = ["daily_counts", "number_labels", "timeline_events"]


def timeline_events(records: pd.DataFrame, numbers: Iterable[str] | None = None
                    ) -> pd.DataFrame:
    """Return calls and SMS as timeline events between theme lines.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    numbers : iterable of str, optional
        Only events touching these numbers.

    Returns
    -------
    pandas.DataFrame
        ``when`` (UTC), ``when_local`` (UK), ``from_line``, ``to_line`` (theme lines: the
        numbers), ``type``, ``duration_s`` and ``certainty`` ("Controlling": date and time
        known), in time order; an event between two targets appears once.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 10:00", tz="UTC")
    >>> rec = pd.DataFrame({"target": ["+447700900001", "+447700900002"],
    ...     "other": ["+447700900002", "+447700900001"], "type": "voice",
    ...     "direction": ["out", "in"], "start": t, "duration_s": 60})
    >>> ev = ib.comms.timeline_events(rec)
    >>> ev[["from_line", "to_line", "certainty"]].values.tolist()
    [['+447700900001', '+447700900002', 'Controlling']]
    >>> str(ev["when_local"].iloc[0])
    '2025-09-01 11:00:00+01:00'
    """
    ev = unique_events(records)
    if numbers is not None:
        wanted = set(numbers)
        ev = ev[ev["caller"].isin(wanted) | ev["callee"].isin(wanted)]
    out = pd.DataFrame({"when": ev["start"], "when_local": ev["start"].dt.tz_convert(
        "Europe/London"), "from_line": ev["caller"], "to_line": ev["callee"],
        "type": ev["type"], "duration_s": ev["duration_s"], "certainty": "Controlling"})
    return mark(out.sort_values("when", kind="mergesort").reset_index(drop=True))


def number_labels(numbers: Iterable[str]) -> dict[str, str]:
    """Return a label per number (Phone A, Phone B, ..., Phone AA), in order of first sight.

    Parameters
    ----------
    numbers : iterable of str
        Numbers in the order they appear in the product.

    Returns
    -------
    dict
        number -> label; the same number always gets the same label.

    Examples
    --------
    >>> ib.comms.number_labels(["+447700900002", "+447700900001", "+447700900002"])
    {'+447700900002': 'Phone A', '+447700900001': 'Phone B'}
    """
    labels: dict[str, str] = {}
    letters = string.ascii_uppercase
    for n in numbers:
        if n in labels:
            continue
        k = len(labels)
        tag = ""
        while True:
            tag = letters[k % 26] + tag
            k = k // 26 - 1
            if k < 0:
                break
        labels[n] = f"Phone {tag}"
    return labels


def daily_counts(records: pd.DataFrame, labels: dict[str, str] | None = None) -> pd.DataFrame:
    """Aggregate records for a partner: counts by UK date per target, numbers as labels.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records.
    labels : dict, optional
        number -> label (from :func:`number_labels`); default labels targets in sorted order.

    Returns
    -------
    pandas.DataFrame
        ``phone`` (label), ``date``, ``voice``, ``sms``, ``data``: no numbers, no times,
        no cells.

    Examples
    --------
    >>> t = pd.Timestamp("2025-09-01 23:30", tz="UTC")
    >>> rec = pd.DataFrame({"target": "+447700900001", "type": ["voice", "sms"],
    ...                     "start": [t, t - pd.Timedelta("2h")]})
    >>> ib.comms.daily_counts(rec).values.tolist()
    [['Phone A', '2025-09-01', 0, 1, 0], ['Phone A', '2025-09-02', 1, 0, 0]]
    """
    tgt = records["target"].astype(str)
    labels = labels or number_labels(sorted(set(tgt)))
    date = records["start"].dt.tz_convert("Europe/London").dt.strftime("%Y-%m-%d")
    frame = pd.DataFrame({"phone": tgt.map(labels), "date": date,
                          "type": records["type"].astype(str)})
    tab = pd.crosstab([frame["phone"], frame["date"]], frame["type"])
    tab = tab.reindex(columns=["voice", "sms", "data"], fill_value=0)
    tab.columns.name = None
    return mark(tab.reset_index())
