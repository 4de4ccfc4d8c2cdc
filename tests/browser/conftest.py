"""Browser-test fixtures: Debian Chromium through Playwright, every non-local request blocked.

* ``browser_type_launch_args`` launches ``/usr/bin/chromium`` headless (never a downloaded browser).
* ``guarded_page`` is a page whose context aborts every request that is not to the loopback
  interface (or ``data:``, ``blob:``, ``file:``, ``about:``) and records it in ``blocked_requests``.
* ``page_errors`` collects uncaught JavaScript errors, ``console_errors`` console errors.
* ``voila`` is a Voilà server on 127.0.0.1 serving ``widgets/``, started and stopped by PID, with
  its own workspace folder (``INTELBENCH_WORKSPACE``) and Jupyter config/runtime folders.

A missing browser is a failure, never a skip: CI must run these tests for real.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

import pytest

from tests.browser._servers import VoilaServer, free_port, start_voila, stop_group

CHROMIUM = os.environ.get("INTELBENCH_CHROMIUM", "/usr/bin/chromium")
LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "[::1]"}
LOCAL_SCHEMES = {"data", "blob", "file", "about", "chrome-extension", "devtools"}

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
    "--disable-dev-shm-usage",
]


def is_local_url(url: str) -> bool:
    """True for URLs that stay on this machine."""
    parsed = urlparse(url)
    if parsed.scheme in LOCAL_SCHEMES:
        return True
    return parsed.scheme in {"http", "https", "ws", "wss"} and parsed.hostname in LOCAL_HOSTS


@pytest.fixture(scope="session")
def browser_type_launch_args(browser_type_launch_args: dict[str, Any]) -> dict[str, Any]:
    assert Path(CHROMIUM).exists(), (
        f"Debian chromium not found at {CHROMIUM}; `make test` installs it (apt-get chromium)"
    )
    return {**browser_type_launch_args, "executable_path": CHROMIUM, "args": CHROMIUM_ARGS}


@pytest.fixture(scope="session")
def browser_context_args(browser_context_args: dict[str, Any]) -> dict[str, Any]:
    return {**browser_context_args, "viewport": {"width": 1400, "height": 1000}}


@pytest.fixture
def blocked_requests() -> list[str]:
    return []


@pytest.fixture
def page_errors() -> list[str]:
    return []


@pytest.fixture
def console_errors() -> list[str]:
    return []


@pytest.fixture
def guarded_page(
    page: Any, blocked_requests: list[str], page_errors: list[str], console_errors: list[str]
) -> Any:
    """A page on which every non-local request is aborted and recorded."""

    def _route(route: Any) -> None:
        url = route.request.url
        if is_local_url(url):
            route.continue_()
        else:
            blocked_requests.append(url)
            route.abort()

    page.context.route("**/*", _route)
    page.on("pageerror", lambda exc: page_errors.append(str(exc)))
    page.on(
        "console",
        lambda msg: console_errors.append(msg.text) if msg.type == "error" else None,
    )
    # WebSockets are not routed by context.route in every version; record non-local ones too.
    page.on(
        "websocket",
        lambda ws: None if is_local_url(ws.url) else blocked_requests.append(ws.url),
    )
    return page


_free_port = free_port


@pytest.fixture(scope="session")
def voila(tmp_path_factory: pytest.TempPathFactory) -> Iterator[VoilaServer]:
    """Start Voilà on loopback serving ``widgets/``; stop it (by PID) at the end of the session."""
    tmp = tmp_path_factory.mktemp("voila")
    env = {**os.environ, "INTELBENCH_WORKSPACE": str(tmp / "workspace"),
           "INTELBENCH_ANALYST": "Browser Test", "INTELBENCH_ROLE": "INTEL_UNIT"}
    server = start_voila(tmp, env, timeout=60)
    try:
        yield server
    finally:
        stop_group(server.process)
        shutil.rmtree(tmp / "runtime", ignore_errors=True)
