"""Write an offline copy of Voilà's ``lab`` template that loads nothing from the internet.

Voilà's ``lab`` template links Font Awesome from a CDN. Every page that an analyst opens must
stay on the machine, so ``make venv`` derives a template named ``intelbench`` from the
*installed* ``lab`` template with every external ``<link>``/``<script>`` removed, and writes it
into the venv's Jupyter data folder, where Voilà finds it (``voila --template=intelbench``).
"""

from __future__ import annotations

import json
import shutil
import sys
from pathlib import Path

from intelbench._offline import external_urls, strip_remote_assets

__all__ = ["TEMPLATE_NAME", "find_lab_template", "write_offline_template"]

TEMPLATE_NAME = "intelbench"

def find_lab_template(prefix: Path | None = None) -> Path:
    """Return the folder of the installed Voilà ``lab`` template."""
    base = Path(prefix or sys.prefix) / "share" / "jupyter" / "voila" / "templates" / "lab"
    if not (base / "index.html.j2").exists():
        raise FileNotFoundError(f"Voilà's lab template not found at {base}")
    return base


def write_offline_template(prefix: Path | None = None) -> Path:
    """Derive the offline ``intelbench`` template from the installed ``lab`` template.

    Parameters
    ----------
    prefix : Path, optional
        The environment prefix (default: this interpreter's ``sys.prefix``).

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
    print(write_offline_template())
