"""Known names and references in text, for the redactor of :mod:`intelbench.gate.redact`.

The terms (nominals, sources, officers, source references) are compiled into one regular
expression shaped as a character trie, so that hundreds of names cost about as much as one.
It is tried only at the starts of words whose first three letters begin some term, found for
all words at once with numpy. Matching ignores case and the separators between words
(space, comma, dot, dash, apostrophe, slash). A name found is widened over capitalised
name-like words next to it ("Kyle" known, "Kyle Anthony BARROW" redacted).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping

import numpy as np

from intelbench.gate.detectors import _NAME_LEFT, _NAME_RIGHT
from intelbench.gate.textscan import TextArrays

__all__ = ["TermFinder", "normalise_term", "trie_regex"]

_TERM_SPLIT = re.compile(r"[\s,._\-'/]+")
_TERM_SEP = r"[\s,._\-'/]*"


def normalise_term(text: str) -> str:
    """Lower-case ``text`` and collapse separators, the key used to look up known terms.

    Examples
    --------
    >>> from intelbench.gate.redact_names import normalise_term
    >>> normalise_term("BARROW, Kyle")
    'barrow kyle'
    """
    return " ".join(t for t in _TERM_SPLIT.split(text.lower()) if t)


def code3(prefix: str) -> int:
    """Pack up to three lower-case ASCII letters into an integer (missing letters are 0)."""
    c = [ord(ch) for ch in prefix[:3]] + [0, 0, 0]
    return (c[0] << 16) | (c[1] << 8) | c[2]


def trie_regex(terms: Iterable[str]) -> str:
    """Return a regex matching any of ``terms`` (normalised), sharing prefixes through a trie.

    Examples
    --------
    >>> from intelbench.gate.redact_names import trie_regex
    >>> trie_regex(["amy", "amir", "am"])
    'am(?:(?:ir|y))?'
    """
    trie: dict[str, dict] = {}
    for term in terms:
        node = trie
        for ch in term:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, dict]) -> str:
        end = "" in node
        alts = []
        for ch in sorted(k for k in node if k):
            piece = _TERM_SEP if ch == " " else re.escape(ch)
            alts.append(piece + build(node[ch]))
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 else "(?:" + "|".join(alts) + ")"
        return "(?:" + body + ")?" if end else body

    return build(trie)


class TermFinder:
    """Find known terms in text.

    Parameters
    ----------
    terms : mapping of str to str
        Known terms -> kind (``"NAME"`` or ``"REF"``).
    vocab : set of str
        Lower-case words that are not name-like when capitalised (a known name is not widened
        over them).

    Examples
    --------
    >>> from intelbench.gate.redact_names import TermFinder
    >>> from intelbench.gate.textscan import TextArrays
    >>> f = TermFinder({"kyle barrow": "NAME", "src-0042": "REF"}, {"the"})
    >>> f.find(TextArrays.of("saw Anthony KYLE barrow and SRC 0042"))
    [(4, 23, 'NAME', 0), (28, 36, 'REF', 0)]
    """

    def __init__(self, terms: Mapping[str, str], vocab: set[str] | frozenset[str]) -> None:
        self.terms: dict[str, str] = {}
        for k, v in terms.items():
            key = normalise_term(str(k))
            if key:
                self.terms[key] = v
        self.vocab = vocab
        keys = set(self.terms)
        self._term_rx = re.compile(trie_regex(sorted(keys))) if keys else None
        # Terms are tried only at word starts whose first three letters begin some term;
        # terms that do not start with an ASCII letter are scanned for everywhere.
        codes: set[int] = set()
        other: list[str] = []
        for key in keys:
            lead = re.match(r"[a-z]{1,3}", key)
            if lead is None:
                other.append(key)
            else:
                codes.add(code3(lead.group()))
        self._term_codes = np.array(sorted(codes), dtype=np.int64)
        self._other_rx = re.compile(trie_regex(sorted(other))) if other else None
        self._kinds: dict[str, str] = {}  # matched text -> kind, filled as texts are scanned

    def find(self, t: TextArrays) -> list[tuple[int, int, str, int]]:
        """Spans (start, end, kind, priority 0) of known terms in ``t``, names widened."""
        s, low, arr = t.s, t.low, t.arr
        w_start, w_end = t.w_start, t.w_end
        n = len(s)
        spans: list[tuple[int, int, str, int]] = []
        if self._term_rx is not None and len(w_start):
            # the first three letters of each word, lower-cased and packed into one integer
            size = w_end - w_start
            last = len(arr) - 1
            c0 = (arr[w_start] | 32).astype(np.int64)
            c1 = np.where(size > 1, arr[np.minimum(w_start + 1, last)] | 32, 0).astype(np.int64)
            c2 = np.where(size > 2, arr[np.minimum(w_start + 2, last)] | 32, 0).astype(np.int64)
            code = (c0 << 16) | (c1 << 8) | c2
            starts = w_start[np.isin(code, self._term_codes)].tolist()
            match = self._term_rx.match
            matches = [match(low, p) for p in starts]
            if self._other_rx is not None:
                matches += list(self._other_rx.finditer(low))
            kinds = self._kinds
            for m in matches:
                if m is None:
                    continue
                a, b = m.span()
                if b == a or (a and low[a - 1].isalnum()) or (b < n and low[b].isalnum()):
                    continue
                g = m.group()
                kind = kinds.get(g)
                if kind is None:
                    kind = kinds[g] = self.terms.get(normalise_term(g), "NAME")
                if kind == "NAME":
                    a, b = self.widen(s, a, b)
                spans.append((a, b, kind, 0))
        elif self._other_rx is not None:
            for m in self._other_rx.finditer(low):
                a, b = m.span()
                if b > a and not (a and low[a - 1].isalnum()) and not (
                        b < n and low[b].isalnum()):
                    spans.append((a, b, self.terms.get(normalise_term(m.group()), "REF"), 0))
        return spans

    def widen(self, s: str, a: int, b: int) -> tuple[int, int]:
        """Widen a known name over capitalised name-like words next to it."""
        while True:
            m = _NAME_RIGHT.match(s, b)
            if m is None or m.group(1).lower() in self.vocab:
                break
            b = m.end()
        while a > 0:
            m = _NAME_LEFT.search(s, max(0, a - 40), a)
            if m is None or m.group(1).lower() in self.vocab:
                break
            a = m.start()
        return a, b
