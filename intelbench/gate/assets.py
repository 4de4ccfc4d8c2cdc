"""The allow-list of the workbench's own embedded assets, by SHA-256.

An HTML product may hold a ``<script>`` or ``<style>`` element only if its body is one of the
workbench's own assets: Leaflet (from XStatic-Leaflet, as shipped and as the offline map
inlines it), the map drawing script and style, and every ``.js`` and ``.css`` file in an asset
folder of the installed package (any folder under ``intelbench/`` whose name contains
``assets``, such as ``intelbench/network/_chart_assets``). A new asset file dropped into such a
folder is recognised without editing this module.

The list is built at first use from the installed package files, not written at install time:
the trust root is the same either way (the bytes the package ships), but a list computed from
the files cannot go stale when an asset changes in an editable install, and nothing outside the
package has to be written or kept in step. Whoever can change the package's asset files could
change the gate's code too. ``python -m intelbench.gate.assets`` prints the list for review.

Examples
--------
>>> from intelbench.gate.assets import asset_hashes, is_asset
>>> len(asset_hashes()) > 0, is_asset("alert(1)")
(True, False)
"""

from __future__ import annotations

import functools
import hashlib
import re
from collections.abc import Iterator
from pathlib import Path

__all__ = ["asset_files", "asset_hashes", "digest", "is_asset"]

_PACKAGE = Path(__file__).resolve().parents[1]
_SUFFIXES = (".js", ".css")


def digest(body: str) -> str:
    """SHA-256 (hex) of an asset body, ignoring surrounding whitespace."""
    return hashlib.sha256(body.strip().encode("utf-8")).hexdigest()


def asset_files() -> list[Path]:
    """Return the ``.js`` and ``.css`` files in the package's asset folders (sorted)."""
    out: list[Path] = []
    for folder in _PACKAGE.rglob("*"):
        if folder.is_dir() and "assets" in folder.name.lower() and "__pycache__" not in str(
            folder
        ):
            out += [p for p in folder.rglob("*") if p.suffix.lower() in _SUFFIXES and p.is_file()]
    return sorted(set(out))


#: A comment naming a web address, as the offline map strips them from what it inlines.
_URL_COMMENT = re.compile(r"/\*[^*]*https?://[^*]*\*/")


def _variants(text: str) -> Iterator[str]:
    """Yield the exact forms an asset is inlined in.

    These transform the reference, never a candidate: a candidate must match one of them
    byte for byte, bar outer whitespace.
    """
    for t in (text, _URL_COMMENT.sub("", text)):
        yield t
        yield t.replace("</script", "<\\/script")


def _leaflet_bodies() -> Iterator[str]:
    """Leaflet as shipped, and as the offline map inlines it (with the map's own script)."""
    try:
        import xstatic.pkg.leaflet as xl
    except ImportError:  # pragma: no cover - the lock always has it
        return
    base = Path(xl.BASE_DIR)
    for name in ("leaflet.js", "leaflet.css"):
        if (base / name).is_file():
            yield (base / name).read_text(encoding="utf-8")
    try:
        from intelbench.geo import _mapassets as ma
    except ImportError:  # pragma: no cover - geo ships with the package
        return
    for name in ("IB_JS", "IB_CSS"):
        value = getattr(ma, name, None)
        if isinstance(value, str):
            yield value
    assets = getattr(ma, "leaflet_assets", None)
    if callable(assets):
        yield from (v for v in assets() if isinstance(v, str))


@functools.cache
def asset_hashes() -> frozenset[str]:
    """Return the SHA-256 of every asset body the gate lets through (computed once)."""
    found: set[str] = set()
    for path in asset_files():
        for v in _variants(path.read_text(encoding="utf-8")):
            found.add(digest(v))
    for body in _leaflet_bodies():
        for v in _variants(body):
            found.add(digest(v))
    return frozenset(found)


def is_asset(body: str) -> bool:
    """Whether a script or style body is one of the workbench's own assets."""
    return digest(body) in asset_hashes()


if __name__ == "__main__":  # pragma: no cover - a review aid
    for p in asset_files():
        print(digest(p.read_text(encoding="utf-8")), p.relative_to(_PACKAGE.parent))
    print(f"{len(asset_hashes())} allowed SHA-256 values")
