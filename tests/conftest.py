"""Shared fixtures: the repository root, the shared real data and the sample force."""

from __future__ import annotations

import hashlib
import inspect
import os
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
REAL = SHARED / "real"
SAMPLES = ROOT / "data_samples"


@pytest.fixture(scope="session")
def root() -> Path:
    return ROOT


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The real public data beside the project (../shared/real); CI always has it."""
    assert REAL.is_dir(), f"expected the shared real data at {REAL}"
    return REAL


@pytest.fixture(scope="session")
def samples() -> Path:
    """The sample force written by ``make data`` (``intelbench samples``)."""
    assert (SAMPLES / ".complete").exists(), "run `make data` to write data_samples/"
    return SAMPLES


# --------------------------------------------------------------------------- store backends
#
# The store, audit, plan, report, grading and gate suites run twice: on SQLite (a workspace
# folder) and on PostgreSQL. On PostgreSQL a workspace opened on a folder is redirected to
# its own schema of the test cluster (one schema per folder, so reopening the folder reopens
# the same workspace), which runs every test that builds its workspace with a path unchanged.
# `make test` starts a private cluster (scripts/with-postgres.sh) and sets
# INTELBENCH_TEST_PG_URL and INTELBENCH_REQUIRE_PG=1: there a missing server fails the run.
# Plain pytest without the URL skips the PostgreSQL runs, saying why.

PG_URL_ENV = "INTELBENCH_TEST_PG_URL"
BACKEND_SUITES = ("store", "plans", "grading", "gate")
BACKENDS = ("sqlite", "postgresql")

#: Tests about SQLite itself (its files, WAL, raw sqlite3 tampering, killed writers): one backend.
SQLITE_ONLY_MARK = "sqlite_only"


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", f"{SQLITE_ONLY_MARK}: the test is about SQLite files; not run on PostgreSQL"
    )
    config.addinivalue_line("markers", "postgres_only: the test needs PostgreSQL")
    config.addinivalue_line(
        "markers", "one_backend: what the test checks (files a writer makes) does not depend "
        "on the store; run once, on SQLite (the store's own suites run on both)")
    config.addinivalue_line(
        "markers", "slow_store: a timing or load test of the store (runs in `make test`)"
    )


def _suite(path: Path) -> str | None:
    try:
        rel = path.resolve().relative_to(ROOT / "tests")
    except ValueError:
        return None
    return rel.parts[0] if len(rel.parts) > 1 else None


#: Words in a test's source that show it works on the SQLite file itself (raw sqlite3 tampering,
#: PRAGMAs, the file's name) or opens the folder from another process, which the redirection
#: below does not reach. Such tests run on SQLite only; PostgreSQL has its own tests of the same
#: properties in tests/store/test_postgres.py.
SQLITE_WORDS = ("sqlite3", "_raw(", "workspace.db", "DB_FILE", "PRAGMA", "subprocess",
                "sys.executable", "make_legacy", "multiprocessing")


def _about_sqlite_files(function: Any) -> bool:
    try:
        source = inspect.getsource(function)
    except (OSError, TypeError):
        return False
    return any(word in source for word in SQLITE_WORDS)


def _may_open_a_workspace(metafunc: pytest.Metafunc) -> bool:
    """A workspace needs a folder (tmp_path) or a URL; tests with neither run once."""
    names = set(metafunc.fixturenames)
    if names & {"tmp_path", "backend", "pg_url"}:
        return True
    try:
        source = inspect.getsource(metafunc.function)
    except (OSError, TypeError):
        return True
    return "Workspace" in source or "workspace" in source


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if _suite(Path(str(metafunc.definition.path))) not in BACKEND_SUITES:
        return
    if not _may_open_a_workspace(metafunc):
        return
    if "backend" not in metafunc.fixturenames:
        metafunc.fixturenames.append("backend")  # set up first by _store_backend (autouse)
    marks = {m.name for m in metafunc.definition.iter_markers()}
    if SQLITE_ONLY_MARK in marks or "one_backend" in marks or _about_sqlite_files(
            metafunc.function):
        params = ["sqlite"]
    elif "postgres_only" in marks:
        params = ["postgresql"]
    else:
        params = list(BACKENDS)
    metafunc.parametrize("backend", params, indirect=True)


def pg_url() -> str | None:
    """The test cluster's URL, or None; fails when `make test` promised one."""
    url = os.environ.get(PG_URL_ENV, "").strip()
    if not url and os.environ.get("INTELBENCH_REQUIRE_PG") == "1":
        pytest.fail(f"INTELBENCH_REQUIRE_PG=1 but {PG_URL_ENV} is not set", pytrace=False)
    return url or None


class PgSchemas:
    """Fresh PostgreSQL schemas for one test, dropped when it ends."""

    def __init__(self, url: str) -> None:
        import sqlalchemy as sa

        self.base = url
        self.engine = sa.create_engine(url, poolclass=sa.pool.NullPool)
        self.made: list[str] = []

    def url(self, label: str = "") -> str:
        """URL of a new empty schema (the same one again for the same non-empty label)."""

        worker = os.environ.get("PYTEST_XDIST_WORKER", "main")
        seed = f"{worker}|{os.getpid()}|{label or uuid.uuid4().hex}|{id(self)}"
        name = "t_" + hashlib.sha1(seed.encode()).hexdigest()[:20]
        if name not in self.made:
            with self.engine.begin() as conn:
                conn.exec_driver_sql(f'CREATE SCHEMA IF NOT EXISTS "{name}"')
            self.made.append(name)
        sep = "&" if "?" in self.base else "?"
        return f"{self.base}{sep}options=-csearch_path%3D{name}"

    def drop(self) -> None:
        with self.engine.begin() as conn:
            for name in self.made:
                conn.exec_driver_sql(f'DROP SCHEMA IF EXISTS "{name}" CASCADE')
        self.engine.dispose()


@pytest.fixture
def backend(request: pytest.FixtureRequest) -> Iterator[str]:
    """The store backend of this run of the test: "sqlite" or "postgresql" (see above)."""
    name = getattr(request, "param", "sqlite")
    if name == "sqlite":
        yield name
        return
    url = pg_url()
    if url is None:
        pytest.skip(f"no PostgreSQL test cluster ({PG_URL_ENV} unset); `make test` starts one")
    schemas = PgSchemas(url)
    monkeypatch = pytest.MonkeyPatch()  # its own: a test's monkeypatch.undo() must not undo it
    import intelbench.store.workspace as workspace_module

    monkeypatch.setattr(
        workspace_module, "_DATABASE_FOR_FOLDER", lambda folder: schemas.url(str(folder))
    )
    import intelbench.store.db as db_module

    engines: list[Any] = []
    make_engine = db_module.make_engine

    def tracked(url: str) -> Any:
        engines.append(make_engine(url))
        return engines[-1]

    monkeypatch.setattr(db_module, "make_engine", tracked)
    request.node.pg_schemas = schemas
    try:
        yield name
    finally:
        monkeypatch.undo()
        for engine in engines:
            engine.dispose()
        schemas.drop()


@pytest.fixture(autouse=True)
def _store_backend(request: pytest.FixtureRequest) -> None:
    """Bring in ``backend`` for the suites that run on both stores."""
    if "backend" in request.fixturenames:
        request.getfixturevalue("backend")
