"""Demo step: disseminate a sanitised table of graded intelligence to a partner under an ISA."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd

__all__ = ["demo_step"]

#: The fields the demo means to send: grading, handling, the week and the sanitised text.
FIELDS = ["date_of_intelligence", "classification", "handling", "source_eval", "intel_assess",
          "sanitised_text"]
#: How many flagged values the demo shows (and so may release).
SHOWN = 5


def _workspace(ctx: Any) -> Any:
    for key in ("ws", "workspace"):
        if ctx.shared.get(key) is not None:
            return ctx.shared[key]
    import intelbench as ib

    ws = ib.Workspace(Path(ctx.out) / "workspace", role="ANALYST")
    ctx.shared["ws"] = ws
    return ws


def demo_step(ctx: Any) -> list[str]:
    """Disseminate a sanitised table of graded intelligence to a partner under an ISA.

    The sealed source register is loaded into the workspace (the gate applies it on its own),
    the product holds only the fields meant for the partner, and of the values the text check
    flags only those shown in the dry run's lines are released; the rest are withheld.
    """
    from intelbench.gate import (
        DisseminationRecord,
        DryRun,
        Product,
        Recipient,
        disseminate,
        export_register,
        register,
    )
    from intelbench.gate.sanitise import KnownTerms
    from intelbench.gate.sealed import import_sealed_sources

    data = Path(ctx.data)
    ws = _workspace(ctx)
    if (data / "sources.csv").exists():
        n = import_sealed_sources(ws, pd.read_csv(data / "sources.csv", dtype=str),
                                  justification="demo: sealed source register")
    else:
        n = 0
    reports = pd.read_csv(data / "intel_reports.csv", dtype=str)
    ok = reports["classification"].str.upper().isin(["OFFICIAL", "OFFICIAL-SENSITIVE"])
    graded = reports[ok & (reports["handling"] == "P")].head(200)
    places: list[str] = []
    if (data / "areas.gpkg").exists():
        import pyogrio

        areas = pyogrio.read_dataframe(data / "areas.gpkg", layer="areas", read_geometry=False)
        places = sorted({w for name in areas["area_name"].astype(str) for w in name.split()})
    known = KnownTerms.from_files(
        data / "nominals.csv" if (data / "nominals.csv").exists() else None,
        vocabulary=places,
    )
    product = Product(
        graded[[c for c in FIELDS if c in graded.columns]].reset_index(drop=True),
        title="Graded intelligence: north sector, sanitised for partners",
        cited_reports=tuple(graded["urn"]),
    )
    to = Recipient("Community Safety Manager", "Northshire Community Safety Partnership",
                   "PARTNER_ISA", isa_ref="ISA-NS-012")
    request: dict[str, Any] = dict(
        to=to,
        purpose="Joint problem-solving on dwelling burglary in the north sector",
        basis="Crime and Disorder Act 1998 s.115, under ISA-NS-012",
        necessity="The partnership needs the graded picture to target prevention; fields are "
                  "limited to the minimum and text is sanitised",
        ws=ws,
        known=known,
        path=Path(ctx.out) / "disseminated",
        fmt="xlsx",
    )
    (Path(ctx.out) / "disseminated").mkdir(parents=True, exist_ok=True)
    dry = disseminate(product, dry_run=True, **request)
    assert isinstance(dry, DryRun)
    lines = [f"Sealed source register: {n} source(s) in the workspace", "Dry run:"]
    lines += [f"  {line}" for line in dry.lines()[:30]]
    shown = dry.flagged.head(SHOWN)
    lines.append(f"Flagged values shown ({len(shown)} of {len(dry.flagged)}), in context:")
    lines += [f"  {r.id} {r.kind} {r.field} x{r.rows}: {r.context}"
              for r in shown.itertuples(index=False)]
    release = dry.release(*shown["id"].tolist())
    rec = disseminate(product, release=release, **request)
    assert isinstance(rec, DisseminationRecord)
    lines.append(f"Wrote {rec.path} ({rec.size} bytes, sha256 {rec.sha256[:16]}...); "
                 f"released {rec.doc['flagged_released']} shown value(s), withheld "
                 f"{rec.doc['flagged_withheld']}")
    reg = register(ws)
    out = export_register(ws, Path(ctx.out) / "dissemination_register.csv")
    lines.append(f"Register ({len(reg)} entries, exported to {out}):")
    show = reg[["ref", "recipient_kind", "organisation", "classification", "fmt", "file"]]
    lines += [f"  {line}" for line in show.to_string(index=False).splitlines()]
    ws.audit.verify()
    lines.append("Audit chain verifies")
    ctx.shared["dissemination_record"] = rec
    return lines
