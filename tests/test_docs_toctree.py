"""Every API page docs/conf.py generates is listed in the reference toctree.

Sphinx with ``-W`` refuses a page that no toctree includes; this test says which page in the
unit stage, before the docs build.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def test_every_generated_api_page_is_in_the_reference_toctree() -> None:
    tree = ast.parse((ROOT / "docs" / "conf.py").read_text(encoding="utf-8"))
    modules = next(
        ast.literal_eval(node.value) for node in ast.walk(tree)
        if isinstance(node, ast.AnnAssign) and getattr(node.target, "id", "") == "API_MODULES"
    )
    pages = {name.rsplit(".", 1)[-1] for name, _ in modules}
    listed = set(re.findall(r"^\s+api/(\w+)\s*$",
                            (ROOT / "docs" / "reference.rst").read_text(encoding="utf-8"), re.M))
    assert pages - listed == set(), f"add to docs/reference.rst: {sorted(pages - listed)}"
