"""Fail if the built documentation would make a browser fetch anything from outside.

Run by ``make docs`` after the build: ``python docs/check_offline.py docs/_build/html``. It
uses the tests' independent scanner (``tests/offline_scan.py``), which reports every remote
address in a fetching position (``src``/``href`` attributes, CSS ``url()`` and ``@import``,
script fetches). Links to ``127.0.0.1`` and ``localhost`` are allowed.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "tests"))

from offline_scan import external_fetches  # noqa: E402


def main(folder: str) -> int:
    """Scan ``folder`` and print each external fetch; return 1 if there is any."""
    site = Path(folder)
    if not (site / "index.html").is_file():
        print(f"{site}: no index.html; build the documentation first", file=sys.stderr)
        return 1
    found = external_fetches(site)
    for path, url in found:
        print(f"{path}: fetches {url}", file=sys.stderr)
    n = sum(1 for p in site.rglob("*") if p.is_file())
    print(f"{site}: {n} files, {len(found)} external fetch(es)")
    return 1 if found else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else "docs/_build/html"))
