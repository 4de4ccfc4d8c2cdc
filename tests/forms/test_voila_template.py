"""The offline Voilà template: derived from the installed lab template, no external fetches."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from intelbench.forms._voila_template import TEMPLATE_NAME, write_offline_template


def _fake_prefix(tmp_path: Path) -> Path:
    lab = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "lab"
    dest = tmp_path / "share" / "jupyter" / "voila" / "templates" / "lab"
    shutil.copytree(lab, dest)
    return tmp_path


def test_offline_template_has_no_external_fetch(tmp_path: Path) -> None:
    prefix = _fake_prefix(tmp_path)
    out = write_offline_template(prefix)
    assert out.name == TEMPLATE_NAME
    text = (out / "index.html.j2").read_text()
    assert not re.search(r"(href|src)\s*=\s*[\"']https?://", text)
    assert "html_head_js_mermaidjs" in text
    assert (out / "conf.json").read_text() == '{"base_template": "lab"}'


def test_installed_template_is_current() -> None:
    """`make venv` wrote the template into this environment."""
    installed = Path(sys.prefix) / "share/jupyter/voila/templates" / TEMPLATE_NAME / "index.html.j2"
    assert installed.exists()
    assert "fontawesome" not in installed.read_text()
