"""An independent scanner for URLs a browser or office program would fetch from outside.

Used by the tests that prove products are offline. It reads every file, opening the zip
containers of DOCX/XLSX, and reports ``(file, url)`` for each reference to a remote host in a
fetching position: an HTML ``src``/``href``/``srcset``/``data``/``poster`` attribute, a CSS
``url(...)`` or ``@import``, a JS ``import``/``fetch``/``XMLHttpRequest.open``/tile template, or an
OOXML external relationship.
"""

from __future__ import annotations

import re
import zipfile
from pathlib import Path

LOCAL = r"(?!(?:localhost|127\.0\.0\.1|\[::1\])[:/])"
FETCHING = [
    re.compile(
        r"""(?:src|href|srcset|data|poster|action|background)\s*=\s*["']?\s*((?:https?:)?//"""
        + LOCAL
        + r"""[^"'\s>]+)""",
        re.I,
    ),
    re.compile(r"""url\(\s*["']?((?:https?:)?//""" + LOCAL + r"""[^"')\s]+)""", re.I),
    re.compile(r"""@import\s+["']((?:https?:)?//""" + LOCAL + r"""[^"']+)""", re.I),
    re.compile(
        r"""(?:import\s*\(|fetch\s*\(|\.open\s*\(\s*["'][A-Z]+["']\s*,)\s*["'`]((?:https?:)?//"""
        + LOCAL
        + r"""[^"'`]+)""",
        re.I,
    ),
    re.compile(r"""["'`](https?://""" + LOCAL + r"""[^"'`\s]*\{[xyz]\}[^"'`\s]*)""", re.I),
    re.compile(
        r"""TargetMode="External"[^>]*Target="([^"]+)"|Target="([^"]+)"[^>]*TargetMode="External\"""",
        re.I,
    ),
]
# Namespaces and doctypes are identifiers, not fetches.
IGNORED = re.compile(
    r"^(?:https?:)?//(?:www\.w3\.org|schemas\.openxmlformats\.org|purl\.org|"
    r"schemas\.microsoft\.com|ns\.adobe\.com|creativecommons\.org)/",
    re.I,
)


def _texts(path: Path) -> list[tuple[str, str]]:
    data = path.read_bytes()
    if data[:4] == b"PK\x03\x04":
        out = []
        with zipfile.ZipFile(path) as zf:
            for name in zf.namelist():
                out.append((f"{path}!{name}", zf.read(name).decode("utf-8", "replace")))
        return out
    return [(str(path), data.decode("utf-8", "replace"))]


def external_fetches(root: Path) -> list[tuple[str, str]]:
    """Return (file, url) for every external fetch found under ``root`` (a file or folder)."""
    files = [root] if root.is_file() else sorted(p for p in root.rglob("*") if p.is_file())
    found: list[tuple[str, str]] = []
    for path in files:
        for name, text in _texts(path):
            for pattern in FETCHING:
                for match in pattern.finditer(text):
                    url = next(g for g in match.groups() if g)
                    if not IGNORED.match(url):
                        found.append((name, url))
    return found
