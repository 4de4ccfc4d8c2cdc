"""Checking an HTML product by parsing it (:mod:`html.parser`, not regular expressions).

:func:`inspect_html` walks the document and sorts every ``<script>`` and ``<style>``:

- an **asset**: its body's SHA-256 is on the allow-list of :mod:`intelbench.gate.assets`
  (Leaflet, the map and link-chart scripts and styles);
- a **data block**: ``<script type="application/json">`` (never executed); its JSON is the
  product's data payload, and every string in it is sanitised like a text field;
- a **bootstrap**: the call-only script an offline map uses to hand its data to the assets. It
  may hold only ``var`` declarations and calls on a fixed vocabulary of Leaflet and map names
  with literal arguments (no function, no computed member, no assignment to a member, no other
  name), so it cannot run code of its own. Its strings are data: sanitised like text, and
  checked as HTML because Leaflet shows popups and layer names as HTML;
- anything else is refused.

Everywhere it also refuses event-handler attributes (``on...``), ``javascript:`` (and
``vbscript:``) URLs, and any reference outside the file (``src``, ``href``, ``action``,
``srcset``, CSS ``url()`` and ``@import``): only ``#fragment`` links and raster image data
URIs stay. ``<iframe srcdoc>`` documents are checked the same way, recursively.

Examples
--------
>>> from intelbench.gate.html_check import inspect_html
>>> for p in inspect_html('<p onclick="x()">Hi</p><script>alert(1)</script>').problems:
...     print(p)
an event-handler attribute onclick on <p>
a script that is neither a workbench asset nor a map bootstrap (name 'alert')
>>> inspect_html('<h1>Map</h1><script type="application/json">{"a": "Ann"}</script>').leaves
['Ann']
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from html.parser import HTMLParser
from typing import Any

from intelbench._offline import external_urls
from intelbench.gate.assets import is_asset

__all__ = ["HtmlReport", "csp_meta_spans", "inspect_html", "rewrite_html", "script_literal"]

#: Attributes whose value a browser fetches or follows.
URL_ATTRS = frozenset({
    "href", "src", "action", "formaction", "srcset", "poster", "data", "background", "cite",
    "codebase", "manifest", "ping", "xlink:href", "longdesc", "lowsrc", "dynsrc", "usemap",
    "archive", "profile", "icon", "imagesrcset",
})
#: Attributes whose value a reader sees (checked for identifiers with the visible text).
SHOWN_ATTRS = frozenset({"title", "alt", "aria-label", "placeholder", "value", "label",
                         "summary", "content"})
#: Elements that embed or fetch another document.
EMBEDS = frozenset({"object", "embed", "applet", "frame", "frameset", "base", "portal"})
JSON_TYPES = frozenset({"application/json", "application/geo+json"})
_RASTER = re.compile(r"data:image/(?:png|jpeg|jpg|gif|webp|bmp);base64,[A-Za-z0-9+/=\s]*", re.I)
_SCHEME = re.compile(r"^\s*([a-z][a-z0-9+.-]*):", re.I)
_CTRL = re.compile(r"[\x00-\x20\x7f]+")
_CSS_COMMENT = re.compile(r"/\*.*?\*/", re.S)
_CSS_URL = re.compile(r"""url\(\s*(['"]?)(.*?)\1\s*\)""", re.I | re.S)
_CSS_BAD = re.compile(r"@import|expression\s*\(|behavior\s*:|-moz-binding|javascript:", re.I)

# -- the call-only bootstrap ----------------------------------------------------------------
_TOKEN = re.compile(
    r"""(?P<arr>\[[-+\d\s.,eE]*\])|(?P<ws>\s+)|(?P<com>//[^\n]*|/\*.*?\*/)|(?P<str>"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*')"""
    r"""|(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?)|(?P<id>[A-Za-z_$][\w$]*)"""
    r"""|(?P<punct>\.\.\.|[{}()\[\],:;=.\-])|(?P<bad>.)""",
    re.S,
)
#: Names a map bootstrap may use (Leaflet and the map's drawing calls); nothing else.
VOCABULARY = frozenset({
    "var", "let", "const", "true", "false", "null", "L", "IB", "L_NO_TOUCH", "L_DISABLE_3D",
    "CRS", "EPSG3857", "map", "control", "scale", "addTo", "featureGroup", "fitBounds",
    "layers", "base_layers", "overlays", "center", "crs", "points", "rings", "geojson",
    "legend", "title", "draw",
})
_FOLIUM_ID = re.compile(r"^[a-z][a-z_]*_[0-9a-f]{32}(?:_[a-z]+)?$")


@dataclass
class _Slot:
    """A part of the document whose strings are data: a data block, a bootstrap or srcdoc."""

    kind: str  # "json", "bootstrap" or "srcdoc"
    start: int
    end: int
    payload: Any = None  # parsed JSON, token list, or (tag, attrs, HtmlReport)


@dataclass
class HtmlReport:
    """What :func:`inspect_html` found.

    Attributes
    ----------
    problems : list of str
        Why the document may not leave (empty when it may).
    text : list of str
        Visible text and shown attribute values (checked for identifiers).
    leaves : list of str
        Strings of the data payloads (data blocks, bootstrap literals, nested documents),
        in document order; :func:`rewrite_html` replaces them.
    assets : int
        Scripts and styles recognised as workbench assets.
    data_blocks, bootstraps : int
        JSON data blocks and call-only bootstraps found.
    points : bool
        Whether the payload draws individual points (a point layer or Point features).
    script_hashes : list of str
        CSP ``'sha256-...'`` sources of the scripts that run (assets and bootstraps).
    """

    problems: list[str] = field(default_factory=list)
    text: list[str] = field(default_factory=list)
    leaves: list[str] = field(default_factory=list)
    assets: int = 0
    data_blocks: int = 0
    bootstraps: int = 0
    points: bool = False
    script_hashes: list[str] = field(default_factory=list)
    slots: list[_Slot] = field(default_factory=list, repr=False)


def _csp_hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode()).digest()).decode() + "'"


def _url_problem(value: str) -> str | None:
    """Why a URL attribute value may not stay, or None ('#frag' and raster data URIs stay)."""
    v = _CTRL.sub("", html.unescape(value))
    if not v or v.startswith("#"):
        return None
    m = _SCHEME.match(v)
    if m and m.group(1).lower() in ("javascript", "vbscript"):
        return f"a {m.group(1).lower()}: URL"
    if _RASTER.fullmatch(value.strip()):
        return None
    return "a reference outside the file"


def _css_problems(css: str) -> list[str]:
    body = _CSS_COMMENT.sub(" ", css)
    out = []
    if _CSS_BAD.search(body):
        out.append("a style with @import, expression(), behavior or javascript:")
    for m in _CSS_URL.finditer(body):
        target = m.group(2).strip()
        if not (target.startswith("#") or _RASTER.fullmatch(target)):
            out.append("a style url() that refers outside the file")
    return out


def script_literal(token: str) -> str:
    """Decode a JavaScript string literal (double- or single-quoted), or raise ValueError."""
    body = token[1:-1]
    if token[0] == "'":
        body = re.sub(r'\\(.)|"', lambda m: '\\"' if m.group() == '"' else (
            "'" if m.group(1) == "'" else m.group()), body)
    try:
        value = json.loads(f'"{body}"')
    except json.JSONDecodeError as exc:
        raise ValueError(f"not a plain string literal: {token[:40]!r}") from exc
    return str(value)


def _bootstrap(body: str) -> tuple[list[tuple[str, str]] | None, str]:
    """Tokenise a call-only bootstrap; return (tokens, '') or (None, why it is not one)."""
    toks: list[tuple[str, str]] = []
    for m in _TOKEN.finditer(body):
        kind = m.lastgroup or "bad"
        text = m.group()
        if kind in ("ws", "com"):
            continue
        if kind == "bad":
            return None, f"character {text!r}"
        if kind == "id" and text not in VOCABULARY and not _FOLIUM_ID.match(text):
            return None, f"name {text!r}"
        prev = toks[-1] if toks else ("", "")
        if (text == "[" or kind == "arr") and (prev[0] == "id" or prev[1] in (")", "]")):
            return None, "a computed member access"
        if text == "=":
            before = toks[-2][1] if len(toks) > 1 else ""
            if prev[0] != "id" or before == ".":
                return None, "an assignment to a member"
        if kind == "str":
            try:
                script_literal(text)
            except ValueError as exc:
                return None, str(exc)
        toks.append((kind, text))
    return toks, ""


class _Parser(HTMLParser):
    def __init__(self, doc: str, report: HtmlReport, depth: int) -> None:
        super().__init__(convert_charrefs=True)
        self.doc, self.r, self.depth = doc, report, depth
        self.lines = [0] + [m.end() for m in re.finditer("\n", doc)]
        self.open: tuple[str, dict[str, str], int] | None = None
        self.body: list[str] = []

    def _offset(self) -> int:
        line, col = self.getpos()
        return self.lines[line - 1] + col

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=False)

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self._tag(tag, attrs, closed=True)

    def _tag(self, tag: str, attrs: list[tuple[str, str | None]], closed: bool) -> None:
        r = self.r
        a = {k.lower(): (v or "") for k, v in attrs}
        start = self._offset()
        if tag in EMBEDS:
            r.problems.append(f"an embedded object <{tag}>")
        for k, v in a.items():
            if k.startswith("on"):
                r.problems.append(f"an event-handler attribute {k} on <{tag}>")
            elif k in URL_ATTRS or (k == "content" and a.get("http-equiv", "").lower()
                                    == "refresh"):
                why = _url_problem(v.split(";", 1)[-1] if k == "content" else v)
                if why:
                    r.problems.append(f"{why} in <{tag} {k}>")
            elif k == "style":
                r.problems += [f"{p} in <{tag} style>" for p in _css_problems(v)]
            elif re.search(r"(?:java|vb)script\s*:", _CTRL.sub("", v), re.I):
                r.problems.append(f"a javascript: URL in <{tag} {k}>")
            if k in SHOWN_ATTRS and v.strip() and k != "content":
                r.text.append(v)
        if tag == "meta" and a.get("name", "").lower() in ("description", "author", "keywords"):
            r.text.append(a.get("content", ""))
        if tag == "iframe" and "srcdoc" in a:
            if self.depth >= 3:
                r.problems.append("iframes nested more than three deep")
            else:
                inner = inspect_html(a["srcdoc"], _depth=self.depth + 1)
                r.problems += [f"{p} (in an iframe)" for p in inner.problems]
                r.text += inner.text
                r.leaves += inner.leaves
                r.points = r.points or inner.points
                r.assets += inner.assets
                r.data_blocks += inner.data_blocks
                r.bootstraps += inner.bootstraps
                r.script_hashes += inner.script_hashes
                end = start + len(self.get_starttag_text() or "")
                r.slots.append(_Slot("srcdoc", start, end, (tag, attrs, inner)))
        if tag in ("script", "style") and not closed:
            self.open = (tag, a, start + len(self.get_starttag_text() or ""))
            self.body = []

    def handle_data(self, data: str) -> None:
        if self.open is not None:
            self.body.append(data)
        elif data.strip():
            self.r.text.append(data)

    def handle_comment(self, data: str) -> None:
        if data.lstrip().lower().startswith("[if") or "<script" in data.lower():
            self.r.problems.append("a conditional comment or a script in a comment")
        elif data.strip():
            self.r.text.append(data)

    def handle_endtag(self, tag: str) -> None:
        if self.open is None or tag != self.open[0]:
            return
        kind, attrs, start = self.open
        self.open = None
        body = "".join(self.body)
        end = self._offset()
        if kind == "style":
            if not is_asset(body):
                self.r.problems += _css_problems(body)
            else:
                self.r.assets += 1
            return
        self._script(attrs, body, start, end)

    def _script(self, attrs: dict[str, str], body: str, start: int, end: int) -> None:
        r = self.r
        if "src" in attrs:
            r.problems.append("a script loaded from outside the file (<script src>)")
            return
        stype = attrs.get("type", "").strip().lower()
        if stype in JSON_TYPES:
            try:
                data = json.loads(body) if body.strip() else None
            except json.JSONDecodeError:
                try:  # JSON written HTML-escaped: still data, read as the writer meant it
                    data = json.loads(html.unescape(body))
                except json.JSONDecodeError:
                    r.problems.append("a data block that is not valid JSON")
                    return
            r.data_blocks += 1
            _collect(data, r)
            r.slots.append(_Slot("json", start, end, data))
            return
        if stype not in ("", "text/javascript", "application/javascript", "module"):
            r.problems.append(f"a script of type {stype!r}")
            return
        if is_asset(body):
            r.assets += 1
            r.script_hashes.append(_csp_hash(body))
            return
        toks, why = _bootstrap(body)
        if toks is None:
            r.problems.append(f"a script that is neither a workbench asset nor a map "
                              f"bootstrap ({why})")
            return
        r.bootstraps += 1
        r.script_hashes.append(_csp_hash(body))
        solid = [(k, t) for k, t in toks if k not in ("ws", "com")]
        for i in range(2, len(solid)):  # a layer declared as {"kind": "points", ...}
            if (solid[i][0] == "str" and script_literal(solid[i][1]) == "points"
                    and solid[i - 1][1] == ":" and solid[i - 2][0] == "str"
                    and script_literal(solid[i - 2][1]) == "kind"):
                r.points = True
        for i, (kind, text) in enumerate(toks):
            if kind == "id" and text == "points" and i and toks[i - 1][1] == ".":
                r.points = True
            if kind != "str":
                continue
            value = script_literal(text)
            r.leaves.append(value)
            if "<" in value or "javascript" in value.lower():
                inner = inspect_html(value, _depth=self.depth + 1)
                r.problems += [f"{p} (in a script string)" for p in inner.problems]
        r.slots.append(_Slot("bootstrap", start, end, toks))


def _collect(data: Any, r: HtmlReport) -> None:
    if isinstance(data, str):
        r.leaves.append(data)
    elif isinstance(data, dict):
        if data.get("type") in ("Point", "MultiPoint"):
            r.points = True
        for v in data.values():  # keys are field names, not data
            _collect(v, r)
    elif isinstance(data, list):
        for v in data:
            _collect(v, r)


def inspect_html(doc: str, *, _depth: int = 0) -> HtmlReport:
    """Parse an HTML product and report what may not leave, its text and its data strings.

    Parameters
    ----------
    doc : str
        A whole document or a fragment.

    Returns
    -------
    HtmlReport
    """
    report = HtmlReport()
    parser = _Parser(doc, report, _depth)
    parser.feed(doc)
    parser.close()
    if parser.open is not None:
        report.problems.append(f"an unclosed <{parser.open[0]}>")
    urls = [u for leaf in report.leaves for u in external_urls(leaf)]
    if urls:
        report.problems.append(f"{len(urls)} external address(es) in the data")
    report.problems = list(dict.fromkeys(report.problems))
    return report


class _MetaFinder(HTMLParser):
    """Find the ``<meta http-equiv="Content-Security-Policy">`` tags of a document."""

    def __init__(self, doc: str) -> None:
        super().__init__(convert_charrefs=True)
        self.lines = [0] + [m.end() for m in re.finditer("\n", doc)]
        self.spans: list[tuple[int, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k.lower(): (v or "") for k, v in attrs}
        if tag == "meta" and a.get("http-equiv", "").strip().lower() == \
                "content-security-policy":
            line, col = self.getpos()
            start = self.lines[line - 1] + col
            self.spans.append((start, start + len(self.get_starttag_text() or "")))

    handle_startendtag = handle_starttag


def csp_meta_spans(doc: str) -> list[tuple[int, int]]:
    """Return the (start, end) offsets of every Content-Security-Policy ``<meta>`` in ``doc``.

    The gate removes them and writes its own single policy, which lets only the scripts it
    recognised run.

    Examples
    --------
    >>> from intelbench.gate.html_check import csp_meta_spans
    >>> doc = '<head><meta http-equiv="Content-Security-Policy" content="x"></head>'
    >>> [doc[a:b] for a, b in csp_meta_spans(doc)]
    ['<meta http-equiv="Content-Security-Policy" content="x">']
    """
    finder = _MetaFinder(doc)
    finder.feed(doc)
    finder.close()
    return finder.spans


def _safe(text: str) -> str:
    return (text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
            .replace("/", "\\/").replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _map_json(data: Any, fix: Callable[[str], str]) -> Any:
    if isinstance(data, str):
        return fix(data)
    if isinstance(data, dict):
        return {k: _map_json(v, fix) for k, v in data.items()}
    if isinstance(data, list):
        return [_map_json(v, fix) for v in data]
    return data


def rewrite_html(doc: str, report: HtmlReport, clean: dict[str, str]) -> str:
    """Return ``doc`` with each payload string ``s`` replaced by ``clean.get(s, s)``."""
    if not clean:
        return doc

    def fix(s: str) -> str:
        return clean.get(s, s)

    out: list[str] = []
    pos = 0
    for slot in sorted(report.slots, key=lambda s: s.start):
        out.append(doc[pos:slot.start])
        if slot.kind == "json":
            text = json.dumps(_map_json(slot.payload, fix), ensure_ascii=False,
                              separators=(",", ":"), allow_nan=False)
            out.append(_safe(text))
        elif slot.kind == "bootstrap":
            body = doc[slot.start:slot.end]
            parts: list[str] = []
            last = 0
            for m in _TOKEN.finditer(body):
                if m.lastgroup == "str":
                    value = script_literal(m.group())
                    if fix(value) != value:
                        parts += [body[last:m.start()], _safe(json.dumps(fix(value)))]
                        last = m.end()
            out.append("".join(parts) + body[last:])
        else:
            tag, attrs, inner = slot.payload
            srcdoc = dict(attrs).get("srcdoc") or ""
            new = [(k, rewrite_html(srcdoc, inner, clean) if k == "srcdoc" else v)
                   for k, v in attrs]
            out.append(f"<{tag}" + "".join(
                f' {k}="{html.escape(v, quote=True)}"' if v is not None else f" {k}"
                for k, v in new) + ">")
        pos = slot.end
    out.append(doc[pos:])
    return "".join(out)
