"""Offline assets for maps: Leaflet inlined from XStatic-Leaflet, our drawing script, and
the post-processing that strips every CDN tag folium writes.

Nothing here imports folium; maps.py does that inside its functions.
"""

from __future__ import annotations

import base64
import functools
import json
import math
import re
from pathlib import Path
from typing import Any

from intelbench._offline import REMOTE_LINK, REMOTE_SCRIPT, first_remote_host
from intelbench.exceptions import SanitisationError
from intelbench.geo._mapjs import IB_CSS, IB_JS

__all__ = ["IB_JS", "offline_html", "script_json", "leaflet_assets"]


def _data_dir() -> Path:
    try:
        import xstatic.pkg.leaflet as xl
    except ImportError as exc:  # pragma: no cover - the lock always has it
        raise ImportError(
            "maps need XStatic-Leaflet: pip install 'intelbench[maps]'"
        ) from exc
    return Path(xl.BASE_DIR)


def _data_uri(path: Path) -> str:
    return "data:image/png;base64," + base64.b64encode(path.read_bytes()).decode("ascii")


@functools.cache
def leaflet_assets() -> tuple[str, str, str]:
    """Return (leaflet.js, leaflet.css with images as data URIs, default-icon script)."""
    d = _data_dir()
    js = (d / "leaflet.js").read_text(encoding="utf-8").replace("</script", "<\\/script")
    # the attribution prefix would otherwise be a link off the machine
    js = js.replace('<a href="https://leafletjs.com" title=', "<a title=")
    css = (d / "leaflet.css").read_text(encoding="utf-8")

    def inline(match: re.Match[str]) -> str:
        name = match.group(1)
        img = d / "images" / name
        return f"url({_data_uri(img)})" if img.exists() else match.group(0)

    css = re.sub(r"url\(images/([A-Za-z0-9_.-]+)\)", inline, css)
    icons = {
        "iconUrl": _data_uri(d / "images" / "marker-icon.png"),
        "iconRetinaUrl": _data_uri(d / "images" / "marker-icon-2x.png"),
        "shadowUrl": _data_uri(d / "images" / "marker-shadow.png"),
    }
    icon_js = (
        "L.Icon.Default.prototype.options.imagePath = '';\n"
        f"L.Icon.Default.mergeOptions({json.dumps(icons)});"
    )
    return js, css, icon_js


def _clean(obj: Any) -> Any:
    if isinstance(obj, float):
        return obj if math.isfinite(obj) else None
    if isinstance(obj, dict):
        return {str(k): _clean(v) for k, v in obj.items()}
    if isinstance(obj, list | tuple):
        return [_clean(v) for v in obj]
    return obj


def script_json(obj: Any) -> str:
    """JSON that is safe inside a ``<script>`` element and as a JS expression.

    ``<``, ``>`` and ``&`` become ``\\u003c`` etc. so no ``</script>`` or HTML comment can
    close the element, and ``/`` becomes ``\\/`` so no data can spell a URL; quotes,
    backslashes are escaped by JSON itself, a backtick is inert inside a double-quoted
    string, and U+2028/2029 are escaped by ``ensure_ascii``.
    """
    text = json.dumps(_clean(obj), ensure_ascii=True, separators=(",", ":"), allow_nan=False)
    text = text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
    return text.replace("/", "\\/")


_URL_COMMENT = re.compile(r"/\*[^*]*https?://[^*]*\*/")


def offline_html(rendered: str, *, allowed_tiles: str | None = None) -> str:
    """Replace folium's CDN tags with inlined Leaflet and drop every other CDN asset.

    Raises
    ------
    SanitisationError
        If anything a browser would fetch from another host is left in the page.
    """
    js, css, icon_js = leaflet_assets()
    state = {"js": False, "css": False}

    def script(match: re.Match[str]) -> str:
        url = match.group(1)
        if url.endswith("/leaflet.js") and not state["js"]:
            state["js"] = True
            return f"<script>{js}</script>\n<script>{icon_js}</script>\n<script>{IB_JS}</script>"
        return ""  # jquery, bootstrap, awesome-markers: not used by these maps

    def link(match: re.Match[str]) -> str:
        url = match.group(1)
        if url.endswith("/leaflet.css") and not state["css"]:
            state["css"] = True
            return f"<style>{css}</style>\n<style>{IB_CSS}</style>"
        return ""

    out = REMOTE_SCRIPT.sub(script, rendered)
    out = REMOTE_LINK.sub(link, out)
    out = _URL_COMMENT.sub("", out)  # folium's CSS workaround comments name bug trackers
    if not (state["js"] and state["css"]):
        raise SanitisationError(
            "map HTML: folium did not reference leaflet.js/leaflet.css as expected; "
            "cannot inline Leaflet"
        )
    # The only remote fetch allowed is the analyst's own (internal) tile URL, which lives in
    # a JS string, not in an attribute; scan what remains without the inlined Leaflet.
    probe = out.replace(js, "").replace(css, "")
    if allowed_tiles:
        probe = probe.replace(allowed_tiles, "")
    hit = first_remote_host(probe)
    if hit:
        raise SanitisationError(
            "map HTML: an external reference was left in the page "
            f"(near {hit!r}); refusing to produce a map that would go online"
        )
    return out
