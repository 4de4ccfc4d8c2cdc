"""Finding what a browser would fetch from another host: the one helper behind "no footprint".

The gate (:mod:`intelbench.gate.checks`), the offline maps (:mod:`intelbench.geo._mapassets`)
and the offline Voilà template (:mod:`intelbench.forms._voila_template`) all ask the same
questions of a page: which tags load a remote script or stylesheet, and is any external
address left? Loopback addresses (``localhost``, ``127.0.0.1``, ``[::1]``) are not external.
The test suite keeps its own, independent scanner (``tests/offline_scan.py``).
"""

from __future__ import annotations

import re

__all__ = [
    "EXTERNAL_URL",
    "FETCHED_URL",
    "REMOTE_LINK",
    "REMOTE_SCRIPT",
    "external_urls",
    "first_remote_host",
    "strip_remote_assets",
]

_LOOPBACK = r"(?!(?:localhost|127\.0\.0\.1|\[::1\])[:/\"'\s])"

#: An address a browser would fetch: a scheme URL, or a scheme-relative ``//host`` in an
#: attribute, a CSS ``url()`` or an ``@import``; loopback hosts excepted.
EXTERNAL_URL = re.compile(
    r"""(?:(?:https?|wss?|ftp):|(?:src|href|action|poster|srcset)\s*=\s*["']?|url\(\s*["']?|"""
    r"""@import\s+["'])//""" + _LOOPBACK + r"""[^\s"'<>)]+""",
    re.I,
)
#: ``<script src="https://...">...</script>``; group 1 is the address.
REMOTE_SCRIPT = re.compile(
    r"""<script\b[^>]*\bsrc\s*=\s*["']?((?:https?:)?//""" + _LOOPBACK
    + r"""[^"'\s>]+)[^>]*>(?:\s*</script\s*>)?""",
    re.I,
)
#: ``<link href="https://...">``; group 1 is the address.
REMOTE_LINK = re.compile(
    r"""<link\b[^>]*\bhref\s*=\s*["']?((?:https?:)?//""" + _LOOPBACK + r"""[^"'\s>]+)[^>]*/?>""",
    re.I,
)
#: Only what a browser would fetch: an address in an attribute, a CSS ``url()`` or an
#: ``@import`` (a URL in a comment or in text is not fetched).
FETCHED_URL = re.compile(
    r"""(?:(?:src|href|action|poster|srcset)\s*=\s*["']?|url\(\s*["']?|@import\s+["'])"""
    r"""(?:(?:https?|wss?|ftp):)?//""" + _LOOPBACK + r"""[^\s"'<>)]+""",
    re.I,
)
_PREFIX = re.compile(r"""^(?:(?:src|href|action|poster|srcset)\s*=\s*["']?|url\(\s*["']?"""
                     r"""|@import\s+["'])""", re.I)
_HOST = re.compile(r"[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")


def external_urls(text: str, *, fetched_only: bool = False) -> list[str]:
    """Return the external addresses in ``text``, sorted and without repeats.

    Parameters
    ----------
    text : str
        HTML, CSS or script text.
    fetched_only : bool, default False
        Only addresses a browser would fetch (attributes, ``url()``, ``@import``); a URL in
        a comment or in running text is then left alone.

    Examples
    --------
    >>> external_urls('<img src="https://cdn.example.com/a.png"><a href="//x.org/b">')
    ['//x.org/b', 'https://cdn.example.com/a.png']
    >>> external_urls('<script src="http://localhost:8866/app.js"></script>')
    []
    >>> external_urls("{# see https://github.com/x/y #}", fetched_only=True)
    []
    """
    pattern = FETCHED_URL if fetched_only else EXTERNAL_URL
    return sorted({_PREFIX.sub("", m.group(0)) for m in pattern.finditer(text)})


def first_remote_host(text: str) -> str | None:
    """Return the text around the first ``//host.tld`` or ``@import`` in ``text``, or None.

    Stricter than :func:`external_urls`: a scheme-relative host inside a script string counts
    too. Used on generated pages whose own code is known.

    Examples
    --------
    >>> first_remote_host("var u = '//tiles.example.com/{z}';")
    "var u = '//tiles.example.com/{z}';"
    >>> first_remote_host("a // comment") is None
    True
    """
    if "@import" in text.lower():
        return "@import"
    start = text.find("//")
    while start != -1:
        if _HOST.match(text, start + 2):
            return text[max(0, start - 12): start + 40]
        start = text.find("//", start + 2)
    return None


def strip_remote_assets(html: str) -> str:
    """Return ``html`` without its remote ``<script src>`` and ``<link href>`` tags.

    Examples
    --------
    >>> strip_remote_assets('<link rel="stylesheet" href="https://cdn.x.org/fa.css"><p>ok</p>')
    '<p>ok</p>'
    """
    return REMOTE_LINK.sub("", REMOTE_SCRIPT.sub("", html))
