"""Grading summaries for the tasking meeting, and the demo step on the sample force."""

from __future__ import annotations

import pandas as pd
import pytest

import intelbench as ib
from intelbench.exceptions import SchemaError

LOG = pd.DataFrame({
    "urn": [f"IR-{i}" for i in range(8)],
    "created_at": pd.to_datetime(["2026-01-0" + str(i + 1) for i in range(8)]),
    "scheme": ["3x5x2"] * 6 + ["5x5x5", "ADMIRALTY"],
    "source_eval": ["1", "1", "2", "3", "B", None, None, None],
    "intel_assess": ["A", "A", "B", "E", "2", None, None, None],
    "handling": ["P", "P", "C", "C", "P", None, None, None],
    "legacy_grade": [None] * 6 + ["E24", "F6"],
    "status": ["EVALUATED", "EVALUATED", "SUBMITTED", "EVALUATED", "EVALUATED", "DRAFT",
               "EVALUATED", "EVALUATED"],
})


def test_counts_shares_and_backlog_are_hand_checked() -> None:
    s = ib.grading_summary(LOG)
    assert s.totals == {"reports": 8, "graded_3x5x2": 4, "legacy": 2, "awaiting": 2,
                        "invalid": 1}
    by_grade = dict(zip(s.by_grade["grade"], s.by_grade["reports"], strict=True))
    assert by_grade == {"1AP": 2, "2BC": 1, "3EC": 1, "invalid": 1, "not graded": 1,
                        "legacy 5x5x5": 1, "legacy Admiralty": 1}
    assert s.by_grade.iloc[0]["grade"] == "1AP"
    assert s.by_handling["handling"].tolist()[:2] == ["P", "C"]
    assert s.by_handling.set_index("handling")["reports"].to_dict()["P"] == 2
    # 4 valid 3x5x2 source evaluations (the letter "B" is not one): 2 of them are 2 or 3
    assert s.by_source["reports"].tolist() == [2, 1, 1]
    assert s.untested_or_unreliable_share == pytest.approx(0.5)
    assert s.awaiting["urn"].tolist() == ["IR-2", "IR-5"]
    assert int(s.source_by_assessment.to_numpy().sum()) == 4
    assert s.source_by_assessment.loc["3", "E"] == 1
    # legacy grades are never folded into the 3x5x2 counts
    assert "E" not in s.by_source["source_eval"].tolist()


def test_html_escapes_and_plot_draws() -> None:
    log = LOG.assign(urn=["<script>x</script>"] + LOG["urn"].tolist()[1:],
                     status=["SUBMITTED"] + LOG["status"].tolist()[1:])
    s = ib.grading_summary(log)
    page = s._repr_html_()
    assert "<script>x" not in page and "&lt;script&gt;" in page
    import matplotlib.pyplot as plt

    fig = s.plot()
    assert len(fig.axes[0].patches) == 15  # 3 sources x 5 assessments
    plt.close(fig)


def test_missing_columns_are_named() -> None:
    with pytest.raises(SchemaError, match="handling"):
        ib.grading_summary(LOG.drop(columns=["handling"]))
