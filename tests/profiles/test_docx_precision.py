"""Profile DOCX tables show numbers and dates at the precision they carry (issue 17).

The Word table must read as the HTML table does (:func:`render_html.table_html`): both go
through :mod:`intelbench._display`.
"""

from __future__ import annotations

import io
import re

import numpy as np
import pandas as pd

import intelbench as ib
from intelbench.profiles.render_html import table_html
from tests.profiles import _factory as fx


def _frame() -> pd.DataFrame:
    f = pd.DataFrame({
        "month": pd.period_range("2016-03", periods=3, freq="M"),
        "first_of_month": pd.to_datetime(["2016-03-01", "2016-04-01", "2016-05-01"]),
        "ratio": [1.0126379571521316, 0.000123456, 0.5],
        "burglaries": [3290.0, 12.0, 7.5],
        "year": [2016, 2016, 2016],
        "easting": [345678.25, 345679.5, 345680.125],
    })
    f.attrs["roles"] = {"month": "time", "first_of_month": "time", "ratio": "statistic",
                        "burglaries": "count", "year": "label", "easting": "location"}
    return f


def _docx_table(frame: pd.DataFrame) -> list[list[str]]:
    from docx import Document

    p = fx.problem(tables=[ib.profiles.TableItem("Precision", frame)])
    doc = Document(io.BytesIO(p.to_docx()))
    for t in doc.tables:
        head = [c.text for c in t.rows[0].cells]
        if head == [str(c) for c in frame.columns]:
            return [head] + [[c.text for c in r.cells] for r in t.rows[1:]]
    raise AssertionError("the profile table is not in the DOCX")


def test_docx_table_cells_at_their_precision() -> None:
    rows = _docx_table(_frame())
    col = {name: i for i, name in enumerate(rows[0])}
    body = rows[1:]
    assert [r[col["ratio"]] for r in body] == ["1.01", "0.000123", "0.5"]
    # a declared count is whole with separators, even where a value is fractional
    assert [r[col["burglaries"]] for r in body] == ["3,290", "12", "8"]
    assert [r[col["month"]] for r in body] == ["Mar 2016", "Apr 2016", "May 2016"]
    assert [r[col["first_of_month"]] for r in body] == ["Mar 2016", "Apr 2016", "May 2016"]
    # a year is no count, and a coordinate keeps every digit
    assert [r[col["year"]] for r in body] == ["2016"] * 3
    assert [r[col["easting"]] for r in body] == ["345678.25", "345679.5", "345680.125"]
    text = " ".join(c for r in body for c in r)
    assert "1.0126" not in text and "00:00:00" not in text and "2016-03" not in text


def test_docx_table_reads_as_the_html_table() -> None:
    # coordinates included: both renderers fall back to one formatter (cell_text)
    frame = _frame()
    html_cells = [re.sub(r"<[^>]+>", "", c)
                  for c in re.findall(r"<td>(.*?)</td>", table_html(frame))]
    docx_cells = [c for r in _docx_table(frame)[1:] for c in r]
    assert docx_cells == html_cells


def test_html_table_keeps_every_digit_of_a_coordinate() -> None:
    # render_html used to round a coordinate to whole metres (345678.25 -> "345,678")
    f = pd.DataFrame({"easting": [345678.25, 345680.125, 345681.0],
                      "lat": [54.123456789, 54.5, float("nan")],
                      "x": [np.float64(300000.75), np.float64(1.0), np.float64(2.5)]})
    cells = re.findall(r"<td>(.*?)</td>", table_html(f))
    assert cells == ["345678.25", "54.123456789", "300000.75",
                     "345680.125", "54.5", "1",
                     "345681", "", "2.5"]
    docx = [c for r in _docx_table(f)[1:] for c in r]
    assert docx == cells


def test_docx_missing_values_stay_empty() -> None:
    f = pd.DataFrame({"ratio": [1.0126379571521316, float("nan")],
                      "n": pd.array([3290, None], dtype="Int64")})
    f.attrs["roles"] = {"ratio": "statistic", "n": "count"}
    assert _docx_table(f)[1:] == [["1.01", "3,290"], ["", ""]]
