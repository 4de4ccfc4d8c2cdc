"""Demo step: grade-check the sample intelligence log and write its grading summary."""

from __future__ import annotations

from typing import TYPE_CHECKING

from intelbench.grading.checks import validate_grades
from intelbench.grading.overview import grading_summary
from intelbench.grading.reports import read_reports

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["demo_step"]


def demo_step(ctx: DemoContext) -> list[str]:
    """Demo: grade-check the sample intelligence log and write its grading summary.

    Writes ``grading_summary.csv``, ``grading_problems.csv`` and ``grading_summary.png``
    into ``ctx.out`` and returns the lines to print.
    """
    log = read_reports(ctx.data / "intel_reports.csv")
    ctx.shared["reports"] = log
    summary = grading_summary(log)
    problems = validate_grades(log)
    written = summary.write(ctx.out)
    problems.to_csv(ctx.out / "grading_problems.csv", index=False)
    lines = summary.lines()
    lines.append(f"grade problems: {len(problems)} (by rule: "
                 + ", ".join(f"{k} {v}" for k, v in problems["rule"].value_counts()
                             .sort_index().items()) + ")")
    lines.extend(f"wrote {p}" for p in [*written, ctx.out / "grading_problems.csv"])
    return lines
