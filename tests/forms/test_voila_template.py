"""The offline Voilà template: derived from the installed lab template, no external fetches."""

from __future__ import annotations

import re
import shutil
import sys
from pathlib import Path

from intelbench.forms._voila_template import TEMPLATE_NAME, app_descriptions, write_offline_template


def _fake_prefix(tmp_path: Path) -> Path:
    for name in ("lab", "base"):
        installed = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / name
        shutil.copytree(installed, tmp_path / "share" / "jupyter" / "voila" / "templates" / name)
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


def test_base_pages_are_copied_in_and_stripped(tmp_path: Path) -> None:
    base = Path(sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "base"
    out = write_offline_template(_fake_prefix(tmp_path))
    page = (out / "page.html").read_text()
    assert f"voila/templates/{TEMPLATE_NAME}/_base_page.html" in page
    assert "voila/templates/base/" not in "".join(p.read_text() for p in out.glob("*.html"))
    base_page = (out / "_base_page.html").read_text()
    assert "font-awesome" in (base / "page.html").read_text()
    assert "font-awesome" not in base_page and "cdn.jsdelivr" not in base_page


def test_home_page_lists_the_apps_with_their_sentences(tmp_path: Path) -> None:
    import json

    apps = tmp_path / "apps"
    apps.mkdir()
    nb = {"cells": [{"cell_type": "markdown", "source": ["# Grade a report\n", "\n",
                                                         "Pick a report, then grade it. More."]},
                    {"cell_type": "code", "source": ["x = 1"]}]}
    (apps / "grading.ipynb").write_text(json.dumps(nb))
    (apps / "bare.ipynb").write_text(json.dumps({"cells": []}))
    described = app_descriptions(apps)
    assert described == {"bare": {"title": "bare", "summary": ""},
                         "grading": {"title": "Grade a report",
                                     "summary": "Pick a report, then grade it."}}
    out = write_offline_template(_fake_prefix(tmp_path / "p"), apps=apps)
    tree = (out / "tree.html").read_text()
    assert (out / "tree-lab.html").read_text() == tree
    assert "Pick a report, then grade it." in tree and "<script" not in tree
