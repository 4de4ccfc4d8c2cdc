"""A time helper called on data.police.uk output names the time column it should use."""

from __future__ import annotations

from pathlib import Path

import pytest

import intelbench as ib
from intelbench.exceptions import SchemaError


def test_trends_on_police_uk_output_points_to_the_month_column(real_data: Path) -> None:
    crimes = ib.read_police_uk(real_data / "police_uk" / "2016-03-cumbria-street.csv")
    with pytest.raises(SchemaError, match=r"its time column is 'month': pass date='month'"):
        ib.geo.trends(crimes)
    monthly = ib.geo.trends(crimes, date="month")
    assert monthly["count"].tolist() == [3322]  # 3,326 rows less 4 with no location


def test_no_hint_when_the_frame_has_no_time_column() -> None:
    import pandas as pd

    with pytest.raises(SchemaError) as err:
        ib.geo.trends(pd.DataFrame({"a": [1]}))
    assert "pass date=" not in str(err.value)
