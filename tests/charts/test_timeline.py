"""Timelines: event preparation, precision, certainty, escaping, comms input, static picture."""

from __future__ import annotations

import json
import re

import matplotlib
import pandas as pd
import pytest

import intelbench as ib
from intelbench.charts.timeline import prepare_events, timeline
from intelbench.exceptions import ParameterError, SchemaError
from tests.charts._data import (
    EVIL,
    EVIL_IMG,
    EVIL_SCRIPT,
    call_records,
    hostile_events,
    many_events,
)
from tests.offline_scan import external_fetches

matplotlib.use("Agg")


def _data(html: str) -> dict:
    m = re.search(r'<script type="application/json" id="ib-timeline-data">(.*?)</script>',
                  html, re.S)
    assert m is not None
    return json.loads(m.group(1))


def test_top_level_export_is_the_function() -> None:
    assert ib.timeline is ib.charts.timeline is timeline


def test_hand_made_events_certainty_windows_and_connectors() -> None:
    ev = pd.DataFrame({
        "subject": ["A", "B", "A", "C", "B"],
        "time": ["01/03/2025 10:00", "02/03/2025 08:00", "", "03/03/2025 12:00",
                 "04/03/2025 09:30"],
        "to": ["01/03/2025 10:00", "02/03/2025 16:00", "", "02/03/2025 12:00", ""],
        "kind": ["meeting", "burglary", "sighting", "call", "arrest"],
        "with": ["B;C", "", "", "A", None],
    })
    tl = timeline(ev, end="to", title="t")
    out = tl.events
    # time order; the row without a time and the backwards window are not placed
    assert out["subject"].tolist() == ["A", "B", "B"]
    assert out["other"].tolist() == ["B;C", "", ""]
    assert out["certainty"].tolist() == ["Controlling", "Ordered", "Controlling"]
    assert out["when"].tolist() == ["2025-03-01 10:00", "2025-03-02 08:00 to 2025-03-02 16:00",
                                    "2025-03-04 09:30"]
    assert sorted(tl.excluded["reason"]) == ["end before start",
                                             "no time: a Free item (B16), not placed"]
    assert tl.lines == ["A", "B", "C"]
    d = _data(tl.html)
    assert d["other"] == [[1, 2], [], []]
    assert d["t1"][0] is None and d["t1"][1] - d["t0"][1] == 8 * 3600 * 1000
    assert d["precision"] == "minute"
    assert out.attrs["roles"]["subject"] == "identifier"
    assert out.attrs["roles"]["start"] == "time" and out.attrs["roles"]["kind"] == "label"


def test_dates_only_are_never_shown_with_a_time() -> None:
    ev = pd.DataFrame({"subject": ["A", "B"], "date": ["2025-03-01", "2025-03-09"],
                       "kind": ["x", "y"]})
    tl = timeline(ev)
    assert tl.precision == "day"
    assert tl.events["when"].tolist() == ["2025-03-01", "2025-03-09"]
    assert set(tl.events["certainty"]) == {"Ordered"}  # a date without a time keeps its order
    assert _data(tl.html)["precision"] == "day"


def test_timezone_aware_times_shown_in_uk_local_time() -> None:
    ev = pd.DataFrame({"subject": ["A"], "time": [pd.Timestamp("2025-07-01 10:00", tz="UTC")],
                       "kind": ["call"]})
    assert timeline(ev).events["when"].tolist() == ["2025-07-01 11:00"]


def test_missing_columns_and_limits_are_refused_in_words() -> None:
    ev = pd.DataFrame({"who": ["A"], "time": ["2025-01-01 10:00"], "kind": ["x"]})
    with pytest.raises(SchemaError, match=r"subject: the events have none of the columns"):
        timeline(ev)
    with pytest.raises(SchemaError, match=r"end='to': no such column"):
        timeline(ev, subject="who", end="to")
    with pytest.raises(ParameterError, match="max_events"):
        timeline(many_events(50), max_events=10)


def test_hostile_strings_never_reach_the_page_as_markup() -> None:
    tl = timeline(hostile_events(), end="end", title=EVIL_IMG, marking="OFFICIAL " + EVIL_IMG)
    page = tl.html
    for evil in (EVIL_IMG, EVIL_SCRIPT):  # markup and a script end never appear raw
        assert evil not in page
    assert "<img" not in page and page.count("<script") == 2  # data block and the chart script
    assert "{{7*7}}" in page and "49" not in _data(page)["lines"]  # stays literal text
    d = _data(page)
    assert d["lines"][:3] == [EVIL[0], EVIL[1], EVIL[2]]  # names arrive intact, as data
    assert page.count('class="ib-marking') == 2
    assert "Content-Security-Policy" in page and "default-src &#x27;none&#x27;" in page


def test_page_is_offline(tmp_path: pytest.TempPathFactory) -> None:
    path = timeline(hostile_events()).save(tmp_path / "t.html")  # type: ignore[operator]
    assert external_fetches(path.parent) == []


def test_comms_output_feeds_timeline_directly() -> None:
    rec = call_records()
    ev = ib.comms.timeline_events(rec)
    tl = ib.timeline(ev)  # from_line, when_local, type, to_line found by name
    assert len(tl.events) == len(ev) and len(tl.excluded) == 0
    assert sorted(tl.lines) == sorted(set(ev["from_line"]) | set(ev["to_line"]))
    assert (tl.events["other"] != "").all()  # every call joins two theme lines
    assert set(tl.events["certainty"]) == {"Controlling"}
    first = ev["when_local"].iloc[0].strftime("%Y-%m-%d %H:%M")
    assert tl.events["when"].iloc[0] == first
    d = _data(tl.html)
    assert sum(len(o) for o in d["other"]) == len(ev)
    assert set(d["kinds"]) == set(ev["type"])


def test_static_picture_is_agg_safe_and_marked() -> None:
    tl = timeline(hostile_events(), end="end", marking="OFFICIAL-SENSITIVE")
    fig = tl.figure()
    texts = [t.get_text() for t in fig.texts]
    assert texts.count("OFFICIAL-SENSITIVE") == 2
    assert tl.png()[:8] == b"\x89PNG\r\n\x1a\n"
    ax = fig.axes[0]
    assert [t.get_text() for t in ax.get_yticklabels()][3] == "P-4"
    assert len(ax.collections) >= 4  # one scatter per kind, plus the window spans


def test_rich_repr_is_a_sandboxed_iframe() -> None:
    tl = timeline(hostile_events())
    rep = tl._repr_html_()
    assert rep.startswith("<iframe") and 'sandbox="allow-scripts"' in rep
    assert EVIL_IMG not in rep
    assert "4 events on" in repr(tl)


def test_input_not_mutated_and_prepare_matches_timeline() -> None:
    ev = hostile_events()
    before = ev.copy()
    placed, excluded, level = prepare_events(ev, end="end")
    pd.testing.assert_frame_equal(ev, before)
    assert level == "minute" and len(placed) == 4 and excluded.empty
