"""Grading summaries for the tasking meeting: counts, source reliability, the backlog.

:func:`grading_summary` turns an intelligence log into a :class:`GradingSummary` of small
DataFrames, an HTML view for notebooks and one chart. Legacy 5x5x5/Admiralty grades are
counted under their own scheme and never folded into 3x5x2 figures.
"""

from __future__ import annotations

import html
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.grading.checks import AWAITING_STATUSES
from intelbench.grading.grade import IntelligenceAssessment, SourceEvaluation

__all__ = ["GradingSummary", "grading_summary"]


def _codes(log: pd.DataFrame, column: str) -> pd.Series:
    if column not in log:
        return pd.Series("", index=log.index, dtype=object)
    return log[column].astype("string").str.strip().str.upper().fillna("").astype(object)


@dataclass(frozen=True)
class GradingSummary:
    """What the tasking meeting needs to know about the grades in a log.

    Attributes
    ----------
    by_grade : DataFrame
        ``grade`` (e.g. ``2BC``; ``legacy 5x5x5``, ``not graded`` or ``invalid``),
        ``reports``, ``share``; most common first.
    by_handling : DataFrame
        ``handling`` (P, C, legacy, not graded, invalid) with ``reports`` and ``share``.
    by_source : DataFrame
        ``source_eval``, ``label``, ``reports``, ``share`` over reports with a valid 3x5x2
        source evaluation.
    source_by_assessment : DataFrame
        Reports by source evaluation (rows 1-3) and assessment (columns A-E).
    untested_or_unreliable_share : float
        Share of 3x5x2-graded reports from untested (2) or not reliable (3) sources.
    awaiting : DataFrame
        Reports still waiting for evaluation (DRAFT or SUBMITTED), oldest first.
    totals : dict
        ``reports``, ``graded_3x5x2``, ``legacy``, ``awaiting``, ``invalid``.
    """

    by_grade: pd.DataFrame
    by_handling: pd.DataFrame
    by_source: pd.DataFrame
    source_by_assessment: pd.DataFrame
    untested_or_unreliable_share: float
    awaiting: pd.DataFrame
    totals: dict[str, int] = field(default_factory=dict)

    def lines(self) -> list[str]:
        """Return a short text summary (used by ``intelbench demo``)."""
        t = self.totals
        top = ", ".join(f"{g} {n}" for g, n in self.by_grade[["grade", "reports"]]
                        .head(5).itertuples(index=False))
        handling = ", ".join(f"{h} {n}" for h, n in self.by_handling[["handling", "reports"]]
                             .itertuples(index=False))
        return [
            f"reports: {t['reports']} ({t['graded_3x5x2']} graded 3x5x2, {t['legacy']} legacy, "
            f"{t['invalid']} with invalid grades)",
            f"most common grades: {top}",
            f"by handling: {handling}",
            f"from untested or not reliable sources: {self.untested_or_unreliable_share:.1%}",
            f"awaiting evaluation: {t['awaiting']}",
        ]

    def _repr_html_(self) -> str:
        from intelbench._display import frame_html

        def table(frame: pd.DataFrame) -> str:
            return frame.to_html(index=False, escape=True, border=0, float_format="{:.1%}".format)

        t = self.totals
        head = (f"<p><b>Grading summary</b>: {t['reports']} reports, {t['graded_3x5x2']} graded "
                f"3x5x2, {t['legacy']} legacy, {t['invalid']} invalid; "
                f"{self.untested_or_unreliable_share:.1%} from untested or not reliable sources; "
                f"{t['awaiting']} awaiting evaluation.</p>")
        awaiting = self.awaiting.head(10)
        return (
            "<div class='intelbench-grading-summary'>" + head
            + "<div style='display:flex;gap:2em;flex-wrap:wrap'>"
            + f"<div><b>By grade (top 10)</b>{table(self.by_grade.head(10))}</div>"
            + f"<div><b>By handling</b>{table(self.by_handling)}</div>"
            + f"<div><b>By source evaluation</b>{table(self.by_source)}</div></div>"
            + f"<div><b>Awaiting evaluation</b> ({html.escape(str(t['awaiting']))}; oldest 10)"
            + f"{frame_html(awaiting)}</div></div>"
        )

    def plot(self, ax: Any = None) -> Any:
        """Draw reports by source evaluation, stacked by assessment; return the figure."""
        import matplotlib.pyplot as plt

        if ax is None:
            fig, ax = plt.subplots(figsize=(5, 3), layout="constrained")
        else:
            fig = ax.figure
        table = self.source_by_assessment
        bottom = np.zeros(len(table))
        colours = ["#1b7837", "#7fbf7b", "#d9f0d3", "#f1b6da", "#c51b7d"]
        for colour, col in zip(colours, table.columns, strict=True):
            ax.bar([f"{s}\n{SourceEvaluation(s).label}" for s in table.index], table[col],
                   bottom=bottom, color=colour, label=col, edgecolor="white", linewidth=0.5)
            bottom += table[col].to_numpy()
        ax.set_ylabel("reports")
        ax.set_title("Reports by source evaluation and assessment", fontsize=10)
        ax.legend(title="assessment", fontsize=8, title_fontsize=8, frameon=False,
                  loc="upper right")
        return fig

    def write(self, out: str | Path) -> list[Path]:
        """Write the summary's CSV files and chart into ``out``; return their paths.

        ``grading_summary.csv`` (by grade), ``grading_by_handling.csv``,
        ``grading_awaiting.csv`` and ``grading_summary.png``.
        """
        import matplotlib.pyplot as plt

        out = Path(out)
        out.mkdir(parents=True, exist_ok=True)
        paths = [out / "grading_summary.csv", out / "grading_by_handling.csv",
                 out / "grading_awaiting.csv", out / "grading_summary.png"]
        self.by_grade.to_csv(paths[0], index=False)
        self.by_handling.to_csv(paths[1], index=False)
        self.awaiting.to_csv(paths[2], index=False)
        fig = self.plot()
        fig.savefig(paths[3], dpi=120, metadata={"Software": None})
        plt.close(fig)
        return paths


def _counts(values: pd.Series, name: str) -> pd.DataFrame:
    counts = values.value_counts()
    frame = pd.DataFrame({name: counts.index.astype(str), "reports": counts.to_numpy()})
    frame["share"] = frame["reports"] / max(len(values), 1)
    return frame.sort_values(["reports", name], ascending=[False, True],
                             kind="stable").reset_index(drop=True)


def grading_summary(log: pd.DataFrame) -> GradingSummary:
    """Summarise the grades of an intelligence log for the tasking meeting.

    Parameters
    ----------
    log : DataFrame
        The log (:func:`intelbench.read_reports` or a frame with ``source_eval``,
        ``intel_assess``, ``handling`` and optionally ``scheme``, ``status``, ``urn``,
        ``created_at``). Not modified.

    Returns
    -------
    GradingSummary

    Examples
    --------
    >>> log = pd.DataFrame({"urn": ["IR-1", "IR-2", "IR-3", "IR-4"],
    ...                     "scheme": ["3x5x2", "3x5x2", "3x5x2", "5x5x5"],
    ...                     "source_eval": ["1", "2", "3", None],
    ...                     "intel_assess": ["A", "B", "C", None],
    ...                     "handling": ["P", "C", "P", None],
    ...                     "legacy_grade": [None, None, None, "B24"],
    ...                     "status": ["EVALUATED", "SUBMITTED", "EVALUATED", "EVALUATED"]})
    >>> s = ib.grading_summary(log)
    >>> round(s.untested_or_unreliable_share, 3), s.totals["awaiting"]
    (0.667, 1)
    >>> s.by_handling
         handling  reports  share
    0           P        2   0.50
    1           C        1   0.25
    2  legacy 5x5x5        1   0.25
    """
    for column in ("source_eval", "intel_assess", "handling"):
        if column not in log:
            raise SchemaError(f"log: missing required column {column!r}; expected "
                              "source_eval, intel_assess and handling")
    s, a, h = _codes(log, "source_eval"), _codes(log, "intel_assess"), _codes(log, "handling")
    scheme = _codes(log, "scheme").str.replace(" ", "", regex=False).replace(
        {"": "3X5X2", "NATO": "ADMIRALTY"})
    legacy = scheme.isin(["5X5X5", "ADMIRALTY"])
    valid = (~legacy & s.isin(["1", "2", "3"]) & a.isin(list("ABCDE")) & h.isin(["P", "C"]))
    ungraded = ~legacy & (s == "") & (a == "") & (h == "")
    legacy_label = "legacy " + scheme.str.lower().replace({"admiralty": "Admiralty"})
    grade = np.select([valid, legacy, ungraded], [s + a + h, legacy_label, "not graded"],
                      "invalid")
    handling = np.select([valid, legacy, ungraded], [h, legacy_label, "not graded"], "invalid")
    by_grade = _counts(pd.Series(grade, index=log.index), "grade")
    by_handling = _counts(pd.Series(handling, index=log.index), "handling")
    by_handling["_o"] = by_handling["handling"].map({"P": 0, "C": 1}).fillna(2)
    by_handling = by_handling.sort_values(["_o", "reports"], ascending=[True, False],
                                          kind="stable").drop(columns="_o").reset_index(drop=True)
    src_valid = ~legacy & s.isin(["1", "2", "3"])
    src_counts = s[src_valid].value_counts().reindex(["1", "2", "3"], fill_value=0)
    by_source = pd.DataFrame({"source_eval": ["1", "2", "3"],
                              "label": [m.label for m in SourceEvaluation],
                              "reports": src_counts.to_numpy()})
    n_src = int(src_valid.sum())
    by_source["share"] = by_source["reports"] / max(n_src, 1)
    share = float(src_counts[["2", "3"]].sum() / n_src) if n_src else float("nan")
    cross = pd.crosstab(s[valid], a[valid]).reindex(
        index=["1", "2", "3"], columns=[m.value for m in IntelligenceAssessment], fill_value=0)
    cross.index.name, cross.columns.name = "source_eval", "intel_assess"
    status = _codes(log, "status")
    waiting = status.isin(list(AWAITING_STATUSES))
    keep = [c for c in ("urn", "created_at", "status", "source_type", "submitter") if c in log]
    awaiting = log.loc[waiting, keep]
    if "created_at" in awaiting:
        awaiting = awaiting.sort_values("created_at", kind="stable")
    totals = {"reports": int(len(log)), "graded_3x5x2": int(valid.sum()),
              "legacy": int(legacy.sum()), "awaiting": int(waiting.sum()),
              "invalid": int((grade == "invalid").sum())}
    return GradingSummary(by_grade=by_grade, by_handling=by_handling, by_source=by_source,
                          source_by_assessment=cross, untested_or_unreliable_share=share,
                          awaiting=awaiting.reset_index(drop=True), totals=totals)
