"""Write an offline copy of Voilà's ``lab`` template that loads nothing from the internet.

Voilà's ``lab`` template links Font Awesome from a CDN. Every page that an analyst opens must
stay on the machine, so ``make venv`` derives a template named ``intelbench`` from the
*installed* ``lab`` template with every external ``<link>``/``<script>`` removed, and writes it
into the venv's Jupyter data folder, where Voilà finds it (``voila --template=intelbench``).

The ``base`` pages the lab template extends are copied in and stripped too (the base page links
Font Awesome from a CDN), and the home page (the folder listing) is replaced by a page rendered
on the server, without script, that lists each app with the sentence that says what it is for
(the first markdown cell of each app notebook: its heading and first paragraph).
"""

from __future__ import annotations

import json
import re
import shutil
import sys
from pathlib import Path

from intelbench._offline import external_urls, strip_remote_assets

__all__ = ["TEMPLATE_NAME", "app_descriptions", "find_lab_template", "write_offline_template"]

TEMPLATE_NAME = "intelbench"

_BASE_EXTENDS = re.compile(r"""(extends\s+["'])voila/templates/base/([\w.-]+)(["'])""")

_TREE = """{% extends "page.html" %}
{% block title %}intelbench forms{% endblock %}
{% block stylesheets %}
  {{ super() }}
  <style>
    body { background-color: var(--jp-layout-color0); font-family: var(--jp-ui-font-family); }
    .ib-apps { width: 80%; margin: 40px auto; }
    .ib-apps h1 { font-size: 1.4em; }
    .ib-apps li { margin: 0.8em 0; list-style: none; }
    .ib-apps a { font-weight: bold; font-size: 1.1em; }
    .ib-apps p { margin: 0.2em 0 0 0; color: var(--jp-ui-font-color1); }
  </style>
{% endblock %}
{% block body %}
{% set apps = APPS_JSON %}
<main class="ib-apps">
  <h1>intelbench forms</h1>
  <p>Each app runs on this machine; nothing is fetched from the internet.</p>
  <ul>
  {% if breadcrumbs|length > 1 %}
    <li><a href="{{ breadcrumbs[-2][0] }}">..</a></li>
  {% endif %}
  {% for content in contents.content %}
    {% if content.type == 'notebook' %}
      {% set stem = content.name[:-6] %}
      {% set app = apps.get(stem, {}) %}
      <li><a href="{{ base_url }}voila/render/{{ content.path }}">{{ app.get('title') or stem }}</a>
          <p>{{ app.get('summary') or content.name }}</p></li>
    {% elif content.type == 'directory' %}
      <li><a href="{{ base_url }}voila/tree/{{ content.path }}">{{ content.name }}/</a></li>
    {% endif %}
  {% endfor %}
  </ul>
</main>
{% endblock %}
"""


def app_descriptions(apps: Path) -> dict[str, dict[str, str]]:
    """Return each app notebook's title and summary from its first markdown cell.

    Parameters
    ----------
    apps : Path
        The folder of app notebooks (``widgets/``).

    Returns
    -------
    dict
        Notebook stem -> ``{"title": heading, "summary": first paragraph}``.
    """
    out: dict[str, dict[str, str]] = {}
    for nb_path in sorted(Path(apps).glob("*.ipynb")):
        cells = json.loads(nb_path.read_text(encoding="utf-8")).get("cells", [])
        text = next(("".join(c.get("source", "")) for c in cells
                     if c.get("cell_type") == "markdown"), "")
        lines = [ln.strip() for ln in text.splitlines()]
        title = next((ln.lstrip("#").strip() for ln in lines if ln.startswith("#")), nb_path.stem)
        body = [ln for ln in lines if ln and not ln.startswith("#")]
        summary = " ".join(body).split(". ")[0].rstrip(".")
        out[nb_path.stem] = {"title": title, "summary": summary + "." if summary else ""}
    return out


def find_lab_template(prefix: Path | None = None) -> Path:
    """Return the folder of the installed Voilà ``lab`` template."""
    base = Path(prefix or sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "lab"
    if not (base / "index.html.j2").exists():
        raise FileNotFoundError(f"Voilà's lab template not found at {base}")
    return base


def write_offline_template(prefix: Path | None = None, apps: Path | None = None) -> Path:
    """Derive the offline ``intelbench`` template from the installed ``lab`` template.

    Parameters
    ----------
    prefix : Path, optional
        The environment prefix (default: this interpreter's ``sys.prefix``).
    apps : Path, optional
        The folder of app notebooks whose titles and summaries the home page lists.

    Returns
    -------
    Path
        The folder written.

    Raises
    ------
    RuntimeError
        If an external URL is left in the template after stripping.
    """
    lab = find_lab_template(prefix)
    dest = lab.parent / TEMPLATE_NAME
    tmp = lab.parent / f".{TEMPLATE_NAME}.tmp"
    shutil.rmtree(tmp, ignore_errors=True)
    shutil.copytree(lab, tmp)
    # The base pages that lab's pages extend come in too, so that they can be stripped.
    for path in list(tmp.glob("*.html")):
        for name in _BASE_EXTENDS.findall(path.read_text(encoding="utf-8")):
            shutil.copyfile(lab.parent / "base" / name[1], tmp / f"_base_{name[1]}")
        path.write_text(_BASE_EXTENDS.sub(rf"\1voila/templates/{TEMPLATE_NAME}/_base_\2\3",
                                          path.read_text(encoding="utf-8")), encoding="utf-8")
    described = app_descriptions(apps) if apps is not None else {}
    tree = _TREE.replace("APPS_JSON", json.dumps(described, ensure_ascii=False))
    for name in ("tree.html", "tree-lab.html"):
        (tmp / name).write_text(tree, encoding="utf-8")
    for path in tmp.rglob("*"):
        if path.is_file() and path.suffix in {".j2", ".html"}:
            text = strip_remote_assets(path.read_text(encoding="utf-8"))
            left = external_urls(text, fetched_only=True)
            if left:
                raise RuntimeError(f"external URL left in {path.name}: {left[0]}")
            path.write_text(text, encoding="utf-8")
    # nbconvert's lab template would import Mermaid from a CDN when a page has a diagram.
    index = tmp / "index.html.j2"
    index.write_text(
        index.read_text(encoding="utf-8")
        + "\n{%- block html_head_js_mermaidjs -%}{%- endblock html_head_js_mermaidjs -%}\n",
        encoding="utf-8",
    )
    # Inherit everything else (base macros, nbconvert's lab template) from Voilà's lab template.
    (tmp / "conf.json").write_text(json.dumps({"base_template": "lab"}), encoding="utf-8")
    shutil.rmtree(dest, ignore_errors=True)
    tmp.rename(dest)
    return dest


if __name__ == "__main__":  # pragma: no cover
    print(write_offline_template(apps=Path(sys.argv[1]) if len(sys.argv) > 1 else None))
