"""Demo step: open the demo workspace under ``out/workspace``."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from intelbench.store.workspace import DB_FILE, Workspace

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["demo_step"]


def demo_step(ctx: DemoContext) -> list[str]:
    """Demo: open ``out/workspace`` as the demo workspace and share it as ``ctx.shared["ws"]``."""
    ws = Workspace(Path(ctx.out) / "workspace", role="INTEL_UNIT")
    ctx.shared["ws"] = ws
    ws.audit.verify()
    summary = ws.summary()
    docs = int(summary["documents"].sum()) if len(summary) else 0
    return [
        f"workspace {ws.path / DB_FILE if ws.path else ws.url} "
        f"(schema version {ws.schema_version}; analyst {ws.analyst}, {ws.role})",
        f"{docs} documents in {len(summary)} kinds; audit log {len(ws.audit)} entries, "
        "hash chain verifies",
    ]
