"""The migrations build exactly the tables the code declares, on both backends.

A table or column added to the SQLAlchemy metadata without a migration step (or a step that
builds something the code does not declare) fails here.
"""

from __future__ import annotations

import importlib
import pkgutil
from pathlib import Path

import sqlalchemy as sa

import intelbench.store
from tests._identity import open_as


def declared_tables() -> dict[str, set[str]]:
    """Every table in every MetaData of the intelbench.store modules, with its columns."""
    tables: dict[str, set[str]] = {}
    for info in pkgutil.iter_modules(intelbench.store.__path__):
        module = importlib.import_module(f"intelbench.store.{info.name}")
        for value in vars(module).values():
            if isinstance(value, sa.MetaData):
                for table in value.tables.values():
                    tables[table.name] = {c.name for c in table.columns}
    return tables


def test_migrated_schema_matches_the_declared_metadata(tmp_path: Path) -> None:
    ws = open_as("A", tmp_path / "ws", role="ANALYST")
    inspector = sa.inspect(ws.engine)
    built = {
        name: {c["name"] for c in inspector.get_columns(name)}
        for name in inspector.get_table_names()
        if name.startswith("ib_")
    }
    declared = declared_tables()
    assert set(declared) >= {"ib_documents", "ib_audit_log", "ib_frames", "ib_frame_data"}
    missing = sorted(set(declared) - set(built))
    extra = sorted(set(built) - set(declared))
    assert not missing, f"tables declared without a migration step: {missing}"
    assert not extra, f"tables built by a migration but not declared: {extra}"
    for name, columns in declared.items():
        assert built[name] == columns, f"{name}: migration builds {built[name]}, code {columns}"
    ws.close()
