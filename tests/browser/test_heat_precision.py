"""The heat-matrix page shows its numbers at the precision they carry (issue 17).

Aoristic weights are fractional: a matrix cell shows one decimal place below 10 and whole
numbers above (``<0.1`` for a trace), tooltips and labels three significant figures; event
counts are whole numbers with thousands separators. The page's rule is checked against
:mod:`intelbench._display` and on a hand-built matrix whose weights are known.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from intelbench._display import count, num
from intelbench.charts import heat_matrix

pytestmark = pytest.mark.browser


def _events() -> pd.DataFrame:
    """Weights known by hand (January 2025; the 6th is a Monday).

    * 1,234 events at Mon 08:00 exactly: Mon 08 = 1234.
    * 1 event Mon 10:00-16:00: 1/6 in each of Mon 10..15.
    * 37 events Tue 09:00-12:00: 37/3 = 12.33 in each of Tue 09..11.
    * 1 event Wed 00:00 - Sat 00:00: 1/72 = 0.0139 in each of its 72 hours.
    """
    rows = ([("06/01/2025 08:00", "06/01/2025 08:00")] * 1234
            + [("06/01/2025 10:00", "06/01/2025 16:00")]
            + [("07/01/2025 09:00", "07/01/2025 12:00")] * 37
            + [("08/01/2025 00:00", "11/01/2025 00:00")])
    return pd.DataFrame(rows, columns=["from_datetime", "to_datetime"])


def _open(page: Any, tmp_path: Path) -> Any:
    hm = heat_matrix(_events())
    page.goto(hm.save(tmp_path / "heat.html").resolve().as_uri())
    page.wait_for_function("window.intelbenchHeat && intelbenchHeat.ready", timeout=60_000)
    return hm


def test_heat_page_labels_at_their_precision(
    guarded_page: Any, blocked_requests: list[str], page_errors: list[str], tmp_path: Path
) -> None:
    hm = _open(guarded_page, tmp_path)
    page = guarded_page
    # the reference: the helper's own weights
    assert float(hm.matrix.loc["Mon", 8]) == 1234
    assert abs(float(hm.matrix.loc["Tue", 9]) - 37 / 3) < 1e-9
    cells = page.locator("#ib-heat td").all_text_contents()
    titles = page.eval_on_selector_all("#ib-heat td", "els => els.map(e => e.title)")
    at = {(d, h): 24 * i + h for i, d in enumerate(["Mon", "Tue", "Wed", "Thu", "Fri", "Sat",
                                                     "Sun"]) for h in range(24)}
    assert cells[at["Mon", 8]] == "1,234"
    assert titles[at["Mon", 8]] == "Mon 08:00-09:00: 1,234 events (aoristic weight)"
    assert cells[at["Mon", 10]] == "0.2"
    assert titles[at["Mon", 10]].endswith(": 0.167 events (aoristic weight)")
    assert cells[at["Tue", 9]] == "12"
    assert titles[at["Tue", 9]] == "Tue 09:00-10:00: 12.3 events (aoristic weight)"
    assert cells[at["Wed", 0]] == "<0.1"
    assert titles[at["Wed", 0]].endswith(": 0.0139 events (aoristic weight)")
    assert cells[at["Sun", 0]] == ""
    assert titles[at["Sun", 0]].endswith(": 0 events (aoristic weight)")
    # totals: counts are whole, with separators
    assert page.locator("#ib-status").text_content() == "1,273 events"
    assert (page.locator("#ib-scale").text_content()
            == "darkest cell: 1,234 events (aoristic weight)")
    period = page.eval_on_selector_all("#ib-h-period rect title", "e => e.map(x => x.textContent)")
    assert period == ["2025-01: 1,273"]
    day = page.eval_on_selector_all("#ib-h-day rect title", "e => e.map(x => x.textContent)")
    # Mon 1234 + 1; Tue 37; Wed, Thu, Fri 24/72 = 0.333 each; Sat, Sun none
    assert day == ["Mon: 1,235", "Tue: 37", "Wed: 0.333", "Thu: 0.333", "Fri: 0.333",
                   "Sat: 0", "Sun: 0"]
    hour = page.eval_on_selector_all("#ib-h-hour rect title", "e => e.map(x => x.textContent)")
    # hour 08: 1234 + 3/72; hour 10: 1/6 + 37/3 + 3/72
    assert hour[8] == "08: 1,234" and hour[10] == "10: 12.5"
    every = cells + titles + day + hour + period
    # no fraction with more than 3 significant figures, no whole number without separators
    decimals = [m for t in every for m in re.findall(r"\d+\.\d+", t)]
    assert decimals and all(len(m.replace(".", "").lstrip("0")) <= 3 for m in decimals)
    assert not [t for t in every[:-1] if re.search(r"(?<![\d:.])\d{4,}", t)]
    assert page_errors == [] and blocked_requests == []


def test_heat_page_rule_is_the_display_rule(guarded_page: Any, tmp_path: Path) -> None:
    _open(guarded_page, tmp_path)
    # exact binary ties (1.125, 0.0625, 2.5, 1234.5) round to the even digit, as in Python
    values = [0.0, 1.5e-9, 0.000123456, 0.0138888, 0.0625, 0.125, 0.16666, 1.125,
              1.0126379571521316, 2.5, 9.996, 12.3456, 99.95, 123.456, 1234.5, 3290.0,
              1_234_567.8, -0.4, -3.5]
    shown = guarded_page.evaluate(
        "vs => vs.map(v => [intelbenchHeat.format.weight(v), intelbenchHeat.format.count(v)])",
        values)
    assert shown == [[num(v), count(v)] for v in values]
    cell = guarded_page.evaluate("vs => vs.map(intelbenchHeat.format.cell)", values)
    assert cell == ["", "<0.1", "<0.1", "<0.1", "0.1", "0.1", "0.2", "1.1", "1.0", "2.5",
                    "10", "12", "100", "123", "1,234", "3,290", "1,234,568", "", ""]
