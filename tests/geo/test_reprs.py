"""Jupyter views of the repeat results (issue 17): bands labelled, no false precision."""

from __future__ import annotations

import re

import pandas as pd

from intelbench.geo import near_repeat, repeat_victimisation
from intelbench.geo._reprs import p_digits

from ._geodata import REAL


def test_knox_table_html_labels_bands_and_rounds() -> None:
    nrc = pd.read_csv(REAL / "nearrepeat" / "test_data.csv")
    nr = near_repeat(nrc, [100, 200, 300], [2, 4], date="date_single", permutations=19,
                     seed=1, convention="nrc")
    page = nr._repr_html_()
    for label in [*map(str, nr.ratio.index), *map(str, nr.ratio.columns)]:
        assert label in page
    # ratios to two decimals, p-values to the permutation resolution (19 -> 2 decimals)
    cells = re.findall(r"<td[^>]*>([^<]*) \(p ([0-9.]+)\)</td>", page)
    assert len(cells) == nr.ratio.size
    for ratio, p in cells:
        assert ratio == "n/a" or re.fullmatch(r"\d+\.\d\d", ratio)
        assert re.fullmatch(r"\d\.\d\d", p)
    sig = nr.significant().to_numpy().sum()
    assert page.count('class="sig"') == sig
    assert f"{nr.n_events:,} events" in page
    assert p_digits(99) == 2 and p_digits(999) == 3


def test_repeat_victimisation_html() -> None:
    ev = pd.DataFrame({
        "x": [0, 0, 0, 10, 10, 20, 30],
        "y": [0, 0, 0, 5, 5, 0, 0],
        "date": ["01/01/2025", "08/01/2025", "20/01/2025", "02/02/2025", "02/03/2025",
                 "05/01/2025", None],
    })
    page = repeat_victimisation(ev)._repr_html_()
    assert "7 events at 4 locations" in page
    assert "(71% of crime)" in page and "repeat rate 43%" in page
    assert "0-7" in page and "over 365" in page
    assert "0.714" not in page and "0.428" not in page  # shares as whole percentages
