"""Demo step: read the sample force's street CSVs and burglary extract, with intake reports."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from intelbench.intake import (
    BURGLARY_EXTRACT,
    BURGLARY_EXTRACT_ORDER,
    IntakeReport,
    read_police_uk,
    read_table,
)

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["demo_step"]


def demo_step(ctx: DemoContext) -> list[str]:
    """Demo: read the sample crimes and the burglary extract, write the intake reports."""
    data, out = Path(ctx.data), Path(ctx.out)
    crimes = read_police_uk(data / "crimes")
    intake: IntakeReport = crimes.attrs["intake"]
    extract = read_table(data / "burglary_extract.csv", schema=BURGLARY_EXTRACT,
                         order=BURGLARY_EXTRACT_ORDER)
    ctx.shared["crimes"] = crimes
    ctx.shared["burglary"] = extract.data
    ctx.shared["intake"] = intake
    p_report = out / "intake_report.csv"
    intake.to_frame().to_csv(p_report, index=False)
    p_excl = out / "intake_excluded.csv"
    intake.excluded[["file", "line", "reason"]].to_csv(p_excl, index=False)
    p_quar = out / "burglary_quarantine.csv"
    extract.quarantine.to_csv(p_quar, index=False)
    counts = ", ".join(f"{k} {v}" for k, v in intake.counts().items())
    return [
        f"street CSVs: {len(intake.files)} files, {intake.rows_read:,} rows read, "
        f"{intake.rows_kept:,} mapped; kept out: {counts}",
        f"burglary extract: {len(extract.data):,} good rows, {len(extract.rejected)} rows "
        f"quarantined ({len(extract.quarantine)} values)",
        f"wrote {p_report}", f"wrote {p_excl}", f"wrote {p_quar}",
    ]
