"""One offline HTML page for every chart: escaping, embedded data, CSP and the marking banner.

Every string that reaches the page goes through :func:`esc` (markup) or :func:`safe_json`
(data read by the script, which puts it on the page as text only). The Content-Security-Policy
allows no address at all, so nothing on the page can make a request.
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import os
from importlib import resources
from pathlib import Path
from typing import Any

__all__ = ["CSP", "asset", "csp", "esc", "iframe", "page", "safe_json", "write_atomic"]

#: No fetch, image, font, frame or connection may leave the page; only the page's own script
#: (named by its SHA-256, see :func:`csp`) runs, never an inline handler or ``eval``.
CSP = ("default-src 'none'; script-src {scripts}; style-src 'unsafe-inline'; "
       "img-src data:; base-uri 'none'; form-action 'none'")


def csp(*scripts: str) -> str:
    """The page's Content-Security-Policy, letting exactly the script bodies ``scripts`` run.

    Examples
    --------
    >>> from intelbench.charts._page import csp
    >>> csp("x()").split("; ")[1]
    "script-src 'sha256-D6IGS8VMvCoyaR/l0h9tERrBTATY01CoPS7l6xDv0kI='"
    """
    hashes = " ".join("'sha256-" + base64.b64encode(hashlib.sha256(s.encode()).digest())
                      .decode() + "'" for s in scripts)
    return CSP.format(scripts=hashes or "'none'")


def esc(value: Any) -> str:
    """Escape a value for HTML text or a quoted attribute (the one escape function)."""
    return html.escape("" if value is None else str(value), quote=True)


def safe_json(obj: Any) -> str:
    """JSON that can sit inside ``<script type="application/json">`` whatever the strings hold."""
    text = json.dumps(obj, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return (text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def asset(name: str) -> str:
    """Text of an embedded asset (``intelbench/charts/_assets/<name>``)."""
    return resources.files("intelbench.charts").joinpath("_assets", name).read_text("utf-8")


def page(*, title: str, marking: str, body: str, data: Any, css: str, js: str,
         data_id: str) -> str:
    """A whole standalone document: marking banner top and bottom, data, style and script."""
    t, m = esc(title), esc(marking)
    script = f"\n{js}"
    return (
        '<!DOCTYPE html>\n<html lang="en-GB">\n<head>\n<meta charset="utf-8">\n'
        f'<meta http-equiv="Content-Security-Policy" content="{esc(csp(script))}">\n'
        '<meta name="viewport" content="width=device-width, initial-scale=1">\n'
        f'<meta name="classification" content="{m}">\n'
        f"<title>{m} - {t}</title>\n<style>\n{asset('common.css')}\n{css}</style>\n</head>\n"
        f'<body>\n<div class="ib-marking ib-top" role="note">{m}</div>\n'
        f'<div class="ib-root">\n<h1 class="ib-title">{t}</h1>\n{body}\n</div>\n'
        f'<div class="ib-marking ib-bottom" role="note">{m}</div>\n'
        f'<script type="application/json" id="{esc(data_id)}">{safe_json(data)}</script>\n'
        f"<script>{script}</script>\n</body>\n</html>\n"
    )


def iframe(doc: str, title: str, height: int) -> str:
    """The document in a sandboxed ``<iframe srcdoc>`` (for Jupyter's rich display)."""
    return (f'<iframe title="{esc(title)}" srcdoc="{esc(doc)}" sandbox="allow-scripts" '
            f'style="width:100%;height:{int(height)}px;border:1px solid #ccc"></iframe>')


def write_atomic(path: str | os.PathLike[str], text: str) -> Path:
    """Write ``text`` to ``path`` through a temporary file renamed into place."""
    dest = Path(path)
    dest.parent.mkdir(parents=True, exist_ok=True)
    tmp = dest.with_name(f".{dest.name}.{os.getpid()}.tmp")
    tmp.write_text(text, encoding="utf-8")
    os.replace(tmp, dest)
    return dest
