"""PostgreSQL as the team workspace: concurrent writers, the append-only guard, upgrades.

These tests need the test cluster (`make test` starts one; see tests/conftest.py).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path

import pytest
import sqlalchemy as sa

import intelbench.store.db as _db
from intelbench.store._paths import MIGRATIONS
from intelbench.store.documents import upgrade
from tests._identity import open_as
from tests.conftest import PgSchemas, pg_url

pytestmark = pytest.mark.postgres_only

#: Seconds the four writers run (the issue's figure); INTELBENCH_CONCURRENCY_SECONDS overrides.
SECONDS = float(os.environ.get("INTELBENCH_CONCURRENCY_SECONDS", "30"))

WORKER = textwrap.dedent(
    """
    import json, sys, tempfile, time
    import pandas as pd
    import intelbench as ib
    from intelbench.gate import Recipient
    from intelbench.plans.store import save_plan
    from intelbench.store.workspace import Workspace
    from tests.plans._helpers import good_plan
    url, n, seconds = sys.argv[1], int(sys.argv[2]), float(sys.argv[3])
    __import__("os").environ["INTELBENCH_ANALYST"] = f"Analyst {n}"
    ws = Workspace(url, role="INTEL_UNIT")
    to = Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE")
    out = tempfile.mkdtemp()
    counts = {"plan": 0, "grade": 0, "dissemination": 0, "shared": 0}
    refs, graded = [], []
    end = time.monotonic() + seconds
    i = 0
    while time.monotonic() < end:
        i += 1
        save_plan(ws, good_plan(1, id=f"CP-{n}-{i % 7}"), justification=f"round {i}")
        counts["plan"] += 1
        urns = [f"IR-{n}-{i}-{j}" for j in range(3)]
        ib.reports.import_reports(ws, pd.DataFrame({
            "urn": urns, "source_eval": [None] * 3, "intel_assess": [None] * 3,
            "handling": [None] * 3, "status": ["DRAFT"] * 3}))
        for urn in urns:
            ib.reports.save_grade(ws, urn, ib.Grade.from_text("2BP"))
            graded.append(urn)
        counts["grade"] += 3
        rec = ib.disseminate(
            pd.DataFrame({"area": [f"North {n}"], "crimes": [i]}), to=to,
            purpose="Tasking the partner force", basis="policing purpose: prevent crime",
            necessity="Needed to task the partner force; counts only", path=out,
            fmt="csv", ws=ws)
        refs.append(rec.ref)
        counts["dissemination"] += 1
        save_plan(ws, good_plan(1, id="CP-shared", title=f"Shared by {n}"),
                  justification="shared plan")
        counts["shared"] += 1
    ws.close()
    print(json.dumps({"counts": counts, "refs": refs, "graded": graded}))
    """
)


@pytest.fixture
def schemas() -> Iterator[PgSchemas]:
    url = pg_url()
    if url is None:
        pytest.skip("no PostgreSQL test cluster (INTELBENCH_TEST_PG_URL unset)")
    made = PgSchemas(url)
    yield made
    made.drop()


@pytest.mark.slow_store
def test_four_analysts_write_at_once_and_nothing_is_lost(schemas: PgSchemas) -> None:
    """Plans, grades and disseminations through the public APIs, four processes at once."""
    import intelbench as ib

    url = schemas.url()
    open_as("Setup", url, role="INTEL_UNIT").close()  # schema made before the race
    root = Path(__file__).resolve().parents[2]
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(
        [str(root), *filter(None, [os.environ.get("PYTHONPATH")])])}
    procs = [
        subprocess.Popen(
            [sys.executable, "-c", WORKER, url, str(n), str(SECONDS)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env, cwd=root,
        )
        for n in range(4)
    ]
    results = []
    for p in procs:
        out, err = p.communicate(timeout=SECONDS + 240)
        assert p.returncode == 0, err[-3000:]
        results.append(json.loads(out.strip().splitlines()[-1]))
    total = {k: sum(r["counts"][k] for r in results) for k in results[0]["counts"]}
    assert all(r["counts"]["shared"] > 0 for r in results), results  # every writer got turns
    refs = [ref for r in results for ref in r["refs"]]
    graded = [urn for r in results for urn in r["graded"]]

    ws = open_as("Checker", url, role="SUPERVISOR")
    with ws.engine.connect() as conn:
        per_kind = dict(
            conn.execute(
                sa.select(_db.documents.c.kind, sa.func.count()).group_by(_db.documents.c.kind)
            ).all()
        )
        shared = conn.execute(
            sa.select(_db.documents.c.revision)
            .where(_db.documents.c.key == "CP-shared")
            .order_by(_db.documents.c.revision)
        ).scalars().all()
        audit_refs = conn.execute(
            sa.select(_db.audit_log.c.record_ref).where(
                _db.audit_log.c.action.in_(["ALTER", "COLLECT", "DISCLOSE"]))
        ).scalars().all()
    # every plan revision is kept; the shared plan has revisions 1..N, no gap, no repeat
    assert per_kind["plan"] == total["plan"] + total["shared"]
    assert shared == list(range(1, total["shared"] + 1))
    # every report was imported and graded once: two revisions each, the grade kept
    assert total["grade"] == len(graded) == len(set(graded))
    assert per_kind["report"] == 2 * len(graded)
    for urn in graded[:: max(1, len(graded) // 50)]:
        history = ib.reports.grade_history(ws, urn)
        assert history["new"].tolist() == ["2BP"], urn
    # one dissemination reference per disclosure, none repeated, all in the register
    assert len(refs) == total["dissemination"] == len(set(refs))
    assert per_kind["dissemination"] == len(refs)
    disclosed = ws.audit.entries("DISCLOSE")
    assert len(disclosed) == len(refs)
    assert disclosed["recipient"].nunique() == 1
    # each write is one audit entry naming its record; each dissemination names its reference
    assert sum(any(ref in str(r) for r in audit_refs) for ref in refs[:20]) == min(20, len(refs))
    assert ws.audit.verify()
    ws.close()


def test_audit_log_is_append_only_on_postgresql(schemas: PgSchemas) -> None:
    ws = open_as("A", schemas.url(), role="ANALYST")
    ws.put("report", "IR-1", {"n": 1}, action="COLLECT")
    for stmt in (sa.update(_db.audit_log).values(analyst="X"), sa.delete(_db.audit_log)):
        with pytest.raises(sa.exc.DatabaseError, match="append-only"):
            with ws.engine.begin() as conn:
                conn.execute(stmt)
    # with the trigger dropped, an edit is still caught by the keyed chain
    with ws.engine.begin() as conn:
        conn.exec_driver_sql("DROP TRIGGER ib_audit_log_append_only ON ib_audit_log")
        conn.execute(sa.update(_db.audit_log).values(justification="edited"))
    with pytest.raises(Exception, match="does not match"):
        ws.audit.verify()
    ws.close()


@pytest.mark.parametrize("version", range(0, len(MIGRATIONS)))
def test_every_earlier_schema_upgrades_on_postgresql(schemas: PgSchemas, version: int) -> None:
    url = schemas.url()
    engine = _db.make_engine(url)
    try:
        assert upgrade(engine, MIGRATIONS[:version], url) == version
    finally:
        engine.dispose()
    ws = open_as("A", url, role="ANALYST")
    assert ws.schema_version == MIGRATIONS[-1].version
    ws.put("plan", "CP-1", {"n": 1}, action="COLLECT")
    assert ws.get("plan", "CP-1", justification="check") == {"n": 1}
    assert ws.audit.verify()
    ws.close()


def test_workspace_folder_settings_work_with_a_postgresql_database(tmp_path: Path) -> None:
    """The redirection the suites use keeps the folder's configuration (workspace.toml)."""
    url = pg_url()
    if url is None:
        pytest.skip("no PostgreSQL test cluster")
    import intelbench.store.workspace as module

    made = PgSchemas(url)
    old = module._DATABASE_FOR_FOLDER
    module._DATABASE_FOR_FOLDER = lambda folder: made.url(str(folder))
    try:
        w = open_as("A", tmp_path / "ws", role="ANALYST")
        assert w.engine.dialect.name == "postgresql" and w.path == (tmp_path / "ws").resolve()
        w.put("plan", "CP-1", {"n": 1}, action="COLLECT")
        w.close()
        assert not (tmp_path / "ws" / "workspace.db").exists()
    finally:
        module._DATABASE_FOR_FOLDER = old
        made.drop()
