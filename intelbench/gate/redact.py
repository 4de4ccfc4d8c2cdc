"""Text redaction patterns and the vectorised redactor used by :mod:`intelbench.gate.sanitise`.

One compiled alternation finds every built-in kind in a single scan. Columns are redacted by
joining their values with NUL (which no pattern can match or cross), scanning once and splitting
back, so the cost is one regex pass per column rather than one Python call per row and pattern.
Known names and sealed references are compiled into a character trie so that hundreds of names
cost about as much as one.
"""

from __future__ import annotations

import bisect
import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from intelbench._vocab import COMMON_WORDS
from intelbench.exceptions import ParameterError

__all__ = [
    "LABELS",
    "Finding",
    "Redactor",
    "normalise_term",
]

SEP = "\x00"

#: kind -> replacement token written in place of a redacted value.
LABELS: dict[str, str] = {
    "NAME": "[NAME]",
    "REF": "[REF]",
    "EMAIL": "[EMAIL]",
    "IBAN": "[BANK]",
    "BANK": "[BANK]",
    "CARD": "[CARD]",
    "DOB": "[DOB]",
    "PHONE": "[PHONE]",
    "POSTCODE": "[POSTCODE]",
    "VRM": "[VRM]",
    "ADDRESS": "[ADDRESS]",
    "WITHHELD": "[WITHHELD]",
}

_STREET = (
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|terrace|grove|hill|row|walk|square|sq|mews|parade|park|view|"
    r"rise|green|boulevard|gate|wharf|yard)"
)
_MONTH = r"(?i:jan|feb|mar|apr|may|jun|jul|aug|sep|sept|oct|nov|dec)[a-z]*\.?"

# Every built-in kind except e-mail holds a digit within four characters of where it starts, so
# these are tried only at candidate starts found around digit runs (see ``Redactor._scan``).
# At one start the first alternative that matches wins. DATE, SHORTNUM and LONGNUM are
# redacted only when the words before them say what they are (DOB, sort code, account, source).
_ANCHORED: list[tuple[str, str]] = [
    ("IBAN", r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,4})?\b"),
    (
        "PHONE",
        r"(?:(?:\+|00)[ ]?44[ ]?(?:\(0\)[ ]?)?|\(0|0)"
        r"\d{2,4}\)?[ \-]?\d{3,4}[ \-]?\d{3,4}(?!\d)",
    ),
    ("CARD", r"\d{4}(?:[ \-]?\d{4}){2}[ \-]?\d{1,7}\b"),
    ("BANK", r"\d{2}-\d{2}-\d{2}[ ,]+\d{8}\b"),
    (
        "DATE",
        r"(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{2}-\d{2}"
        r"|\d{1,2}(?:st|nd|rd|th)?[ \t]+" + _MONTH + r"[ \t]+\d{4})(?!\d)",
    ),
    ("POSTCODE", r"(?i:(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \-]?\d[A-Z]{2}\b)"),
    (
        "VRM",
        r"(?i:[A-Z]{2}\d{2}[ \-]?[A-Z]{3}\b)"
        r"|[A-Z]\d{1,3}[ \-]?[A-Z]{3}\b"
        r"|[A-Z]{3}[ \-]?\d{1,3}[ \-]?[A-Z]\b",
    ),
    (
        "ADDRESS",
        r"\d{1,4}[A-Za-z]?,?[ ]+(?:[A-Z][A-Za-z'\-]+[ ]+){1,3}" + _STREET + r"\b",
    ),
    ("SHORTNUM", r"\d{2}[ \-]?\d{2}[ \-]?\d{2}(?!\d)"),
    ("LONGNUM", r"\d{2,}[A-Za-z0-9\-]*\b"),
]
_ANCHORED_RX = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(f"(?P<{k}>{rx})" for k, rx in _ANCHORED) + ")"
)
_EMAIL_RX = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_EMAIL_START = re.compile(r"[A-Za-z0-9._%+\-]{1,64}$")
_CTX_DOB = re.compile(r"(?i:\b(?:dob|d\.o\.b|date of birth|born(?: on)?))[\s:.\-]*$")
_CTX_SORT = re.compile(r"(?i:\b(?:sort[ \-]?code|s/c))[\s:.\-]*$")
_CTX_ACCOUNT = re.compile(
    r"(?i:\b(?:acc(?:oun)?t(?: ?(?:no|number|num))?|a/c))[\s:.#\-]*$"
)
_CTX_REF = re.compile(
    r"(?i:\b(?:chis|src|source|informant|csr)[ \-_#:/]*(?:ref(?:erence)?[ \-_#:/]*)?)$"
)
_KW_REF = ("chis", "src", "source", "informant", "csr")
_KW_DOB = ("dob", "d.o.b", "birth", "born")
_KW_SORT = ("sort", "s/c")
_KW_ACCOUNT = ("acc", "a/c")
_LEAD = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz+(")

_FLAG_NAME = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)?(?:['\-][A-Z][a-z]+)?\b")
_FLAG_DIGITS = re.compile(r"\d{6,}")
_TERM_SPLIT = re.compile(r"[\s,._\-'/]+")
_TERM_SEP = r"[\s,._\-'/]*"


def normalise_term(text: str) -> str:
    """Lower-case ``text`` and collapse separators, the key used to look up known terms."""
    return " ".join(t for t in _TERM_SPLIT.split(text.lower()) if t)


def _code(prefix: str) -> int:
    """Pack up to three lower-case ASCII letters into an integer (missing letters are 0)."""
    c = [ord(ch) for ch in prefix[:3]] + [0, 0, 0]
    return (c[0] << 16) | (c[1] << 8) | c[2]


def _trie_regex(terms: Iterable[str]) -> str:
    """Return a regex matching any of ``terms`` (normalised), sharing prefixes through a trie."""
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


@dataclass(frozen=True)
class Finding:
    """One thing the text check found.

    Attributes
    ----------
    kind : str
        NAME, REF, EMAIL, BANK, CARD, DOB, PHONE, POSTCODE, VRM, ADDRESS, WITHHELD, a force
        pattern's label, or for flags NAME_LIKE / LONG_DIGITS.
    value : str
        The text found (kept in memory for the person confirming; never logged).
    start, end : int
        Position in the text the finding refers to (the input for redactions, the cleaned text
        for flags).
    action : str
        ``"redacted"`` or ``"flagged"`` (needs a person's confirmation).
    """

    kind: str
    value: str
    start: int
    end: int
    action: str


class Redactor:
    """Compiled redaction for a set of known terms, force patterns and a vocabulary.

    Parameters
    ----------
    terms : mapping of str to str
        Known sensitive terms (names, source references) -> kind (``"NAME"`` or ``"REF"``).
    patterns : sequence of (label, regex)
        Force-added patterns; matches are replaced by ``[label]``.
    vocabulary : iterable of str
        Extra words that are not name-like when capitalised (area names, local terms).
    """

    def __init__(
        self,
        terms: Mapping[str, str] | None = None,
        patterns: Sequence[tuple[str, str]] = (),
        vocabulary: Iterable[str] = (),
    ) -> None:
        self._terms: dict[str, str] = {}
        for k, v in (terms or {}).items():
            key = normalise_term(str(k))
            if key:
                self._terms[key] = v
        keys = set(self._terms)
        self._term_rx = re.compile(_trie_regex(sorted(keys))) if keys else None
        # Terms are tried only at word starts whose first three letters begin some term;
        # terms that do not start with an ASCII letter are scanned for everywhere.
        codes: set[int] = set()
        other: list[str] = []
        for key in keys:
            lead = re.match(r"[a-z]{1,3}", key)
            if lead is None:
                other.append(key)
            else:
                codes.add(_code(lead.group()))
        self._term_codes = np.array(sorted(codes), dtype=np.int64)
        self._other_rx = re.compile(_trie_regex(sorted(other))) if other else None
        self._extra: list[tuple[str, re.Pattern[str]]] = []
        for label, rx in patterns:
            try:
                compiled = re.compile(rx)
            except re.error as exc:
                raise ParameterError(
                    f"force pattern {label!r}: expected a valid regular expression; got {exc}"
                ) from None
            if compiled.search(""):
                raise ParameterError(
                    f"force pattern {label!r}: expected a pattern that cannot match empty text"
                )
            self._extra.append((str(label), compiled))
        self._vocab = COMMON_WORDS | {w.lower() for v in vocabulary for w in str(v).split()}

    # -- the scan ------------------------------------------------------------------------
    def _scan(self, s: str) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """Find redaction spans (non-overlapping, sorted) and flags in ``s``."""
        spans: list[tuple[int, int, str, int]] = []  # start, end, kind, priority
        arr = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
        upper = (arr >= 65) & (arr <= 90)
        letter = upper | ((arr >= 97) & (arr <= 122))
        w_edge = np.diff(letter.astype(np.int8), prepend=0, append=0)
        w_start = np.flatnonzero(w_edge == 1)
        w_end = np.flatnonzero(w_edge == -1)
        # 1. known names and references (case-insensitive, separators free)
        if self._term_rx is not None:
            low = s.lower()
            if len(low) != len(s):  # a rare character changed length when lower-cased
                low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
            n = len(s)
            lower = np.where(letter, arr | 32, 0).astype(np.int64)
            size = w_end - w_start
            last = len(arr) - 1
            c1 = np.where(size > 1, lower[np.minimum(w_start + 1, last)], 0)
            c2 = np.where(size > 2, lower[np.minimum(w_start + 2, last)], 0)
            code = (lower[w_start] << 16) | (c1 << 8) | c2
            starts = w_start[np.isin(code, self._term_codes)].tolist()
            matches = [self._term_rx.match(low, p) for p in starts]
            if self._other_rx is not None:
                matches += list(self._other_rx.finditer(low))
            for m in matches:
                if m is None:
                    continue
                a, b = m.span()
                if b == a or (a and low[a - 1].isalnum()) or (b < n and low[b].isalnum()):
                    continue
                kind = self._terms.get(normalise_term(m.group()), "NAME")
                spans.append((a, b, kind, 0))
        # 2. e-mail addresses, found from their "@"
        at = s.find("@")
        while at != -1:
            lead = _EMAIL_START.search(s, max(0, at - 64), at)
            if lead is not None:
                em = _EMAIL_RX.match(s, lead.start())
                if em is not None:
                    spans.append((em.start(), em.end(), "EMAIL", -1))
            at = s.find("@", at + 1)
        # 3. digit-anchored kinds, tried only where a digit run starts
        digit = (arr >= 48) & (arr <= 57)
        edge = np.diff(digit.astype(np.int8), prepend=0, append=0)
        run_start = np.flatnonzero(edge == 1)
        run_end = np.flatnonzero(edge == -1)
        plan = self._candidates(s, arr, letter, upper, run_start, run_end)
        last_end = -1
        for d, t, suffix_vrm in plan:
            if d < last_end:
                continue
            cands = [t] if t == d else [t, d]
            if suffix_vrm:
                cands.insert(0, d - 4)
            for c in cands:
                am = _ANCHORED_RX.match(s, c)
                if am is None:
                    continue
                kind = am.lastgroup or ""
                a, b = am.span()
                if kind in ("DATE", "SHORTNUM", "LONGNUM"):
                    ctx = s[max(0, a - 40) : a]
                    low = ctx.lower()
                    ref = (
                        _CTX_REF.search(ctx)
                        if kind == "LONGNUM" and any(w in low for w in _KW_REF)
                        else None
                    )
                    if ref is not None:
                        kind, a = "REF", a - (len(ctx) - ref.start())
                    elif kind == "DATE" and any(w in low for w in _KW_DOB) and _CTX_DOB.search(ctx):
                        kind = "DOB"
                    elif kind != "LONGNUM" and any(w in low for w in _KW_SORT) and _CTX_SORT.search(
                        ctx
                    ):
                        kind = "BANK"
                    elif (
                        kind != "DATE"
                        and any(w in low for w in _KW_ACCOUNT)
                        and _CTX_ACCOUNT.search(ctx)
                    ):
                        kind = "BANK"
                    else:
                        last_end = b
                        break
                spans.append((a, b, kind, 2))
                last_end = b
                break
        # 4. force patterns
        for label, rx in self._extra:
            for fm in rx.finditer(s):
                a, b = fm.span()
                if SEP in fm.group():  # crossed a value boundary: match inside each value
                    for piece in re.finditer(r"[^\x00]+", fm.group()):
                        for m2 in rx.finditer(piece.group()):
                            o = a + piece.start()
                            spans.append((o + m2.start(), o + m2.end(), label, 3))
                elif b > a:
                    spans.append((a, b, label, 3))
        spans.sort(key=lambda x: (x[0], x[3], -x[1]))
        kept: list[tuple[int, int, str]] = []
        end = -1
        for a, b, kind, _ in spans:
            if a >= end:
                kept.append((a, b, kind))
                end = b
            elif b > end and kept:  # overlapping: widen the kept span
                ka, _, kk = kept[-1]
                kept[-1] = (ka, b, kk)
                end = b
        flags = self._flag_scan(s, upper, w_start, w_end, run_start, run_end, kept)
        return kept, flags

    @staticmethod
    def _candidates(
        s: str,
        arr: np.ndarray,
        letter: np.ndarray,
        upper: np.ndarray,
        run_start: np.ndarray,
        run_end: np.ndarray,
    ) -> list[tuple[int, int, bool]]:
        """Digit runs where a built-in kind could start: (run start, token start, suffix VRM).

        A run is skipped only when no kind can start there: no letter, "+" or "(" just before
        it, it does not start with 0, it is not a 4-digit group followed by more digits (cards)
        nor 12 or more digits, no capital letter follows within three characters (addresses,
        dates with month names), no dash follows (sort codes), it is not after three capitals
        and a space (old-style registrations), and no context word (DOB, sort code, account,
        source) is in the 40 characters before it.
        """
        n = len(arr)
        if not len(run_start):
            return []
        lead = letter | (arr == 43) | (arr == 40)
        d = run_start
        back = np.zeros(len(d), dtype=np.int64)
        ok = np.ones(len(d), dtype=bool)
        for j in range(1, 5):
            pos = d - j
            ok &= (pos >= 0) & lead[np.maximum(pos, 0)]
            back += ok
        t = d - back
        length = run_end - d
        first = arr[d]
        after = [arr[np.minimum(run_end + k, n - 1)] for k in range(2)]
        cap_after = np.zeros(len(d), dtype=bool)
        for k in range(4):
            cap_after |= upper[np.minimum(run_end + k, n - 1)] & (run_end + k < n)
        dash_after = (after[0] == 45) & (run_end < n)
        card = (length == 4) & (run_end < n) & (
            ((after[0] == 32) | (after[0] == 45)) & (after[1] >= 48) & (after[1] <= 57)
            | (after[0] >= 48) & (after[0] <= 57)
        )
        p4, p3, p2, p1 = (np.maximum(d - k, 0) for k in (4, 3, 2, 1))
        suffix_vrm = (d >= 4) & upper[p4] & upper[p3] & upper[p2] & (arr[p1] == 32)
        low = s.lower()
        if len(low) != len(s):
            low = s
        kw: list[int] = []
        for w in _KW_REF + _KW_DOB + _KW_SORT + _KW_ACCOUNT:
            i = low.find(w)
            while i != -1:
                kw.append(i)
                i = low.find(w, i + 1)
        near = np.zeros(len(d), dtype=bool)
        if kw:
            kws = np.sort(np.array(kw, dtype=np.int64))
            near = np.searchsorted(kws, d) > np.searchsorted(kws, d - 48)
        keep = (
            (t != d) | (first == 48) | card | (length >= 12) | cap_after | dash_after
            | suffix_vrm | near
        )
        return list(zip(d[keep].tolist(), t[keep].tolist(), suffix_vrm[keep].tolist()))

    def _flag_scan(
        self,
        s: str,
        upper: np.ndarray,
        w_start: np.ndarray,
        w_end: np.ndarray,
        run_start: np.ndarray,
        run_end: np.ndarray,
        kept: list[tuple[int, int, str]],
    ) -> list[tuple[int, int, str]]:
        keep = upper[w_start] & (w_end - w_start >= 3)
        long = (run_end - run_start) >= 6
        cand = [
            (a, b, "NAME_LIKE")
            for a, b in zip(w_start[keep].tolist(), w_end[keep].tolist())
            if s[a:b].lower() not in self._vocab
        ]
        cand += [
            (a, b, "LONG_DIGITS")
            for a, b in zip(run_start[long].tolist(), run_end[long].tolist())
        ]
        if not cand or not kept:
            return sorted(cand)
        starts = np.array([k[0] for k in kept])
        ends = np.array([k[1] for k in kept])
        pos = np.array([c[0] for c in cand])
        i = np.searchsorted(starts, pos, side="right") - 1
        inside = (i >= 0) & (pos < ends[np.maximum(i, 0)])
        return sorted(c for c, hide in zip(cand, inside.tolist()) if not hide)

    @staticmethod
    def _apply(s: str, kept: list[tuple[int, int, str]]) -> str:
        out: list[str] = []
        pos = 0
        for a, b, kind in kept:
            out.append(s[pos:a])
            out.append(LABELS.get(kind, f"[{kind}]"))
            pos = b
        out.append(s[pos:])
        return "".join(out)

    # -- public --------------------------------------------------------------------------
    def redact(self, text: str) -> tuple[str, list[Finding]]:
        """Redact one text; return the clean text and the findings (redactions, then flags).

        Positions of redactions refer to ``text``; flags refer to ``text`` too.
        """
        kept, flags = self._scan(text)
        findings = [Finding(k, text[a:b], a, b, "redacted") for a, b, k in kept]
        findings += [Finding(k, text[a:b], a, b, "flagged") for a, b, k in flags]
        return self._apply(text, kept), findings

    def process_many(
        self, values: Sequence[str]
    ) -> tuple[list[str], Counter[str], list[tuple[int, Finding]]]:
        """Redact and flag many texts in one scan.

        Returns
        -------
        clean : list of str
            The redacted texts, in order.
        counts : Counter
            Redactions per kind.
        flags : list of (int, Finding)
            Flags with the index of the text they are in (positions within that text).
        """
        if not values:
            return [], Counter(), []
        s = SEP.join(v.replace(SEP, " ") for v in values)
        kept, flags = self._scan(s)
        counts: Counter[str] = Counter(k for _, _, k in kept)
        starts = [0]
        for v in values[:-1]:
            starts.append(starts[-1] + len(v) + 1)
        found: list[tuple[int, Finding]] = []
        for a, b, k in flags:
            i = bisect.bisect_right(starts, a) - 1
            found.append((i, Finding(k, s[a:b], a - starts[i], b - starts[i], "flagged")))
        clean = self._apply(s, kept).split(SEP)
        return clean, counts, found

    def contains_sensitive(self, text: str) -> Counter[str]:
        """Count what :meth:`redact` would replace in ``text``, without changing it."""
        kept, _ = self._scan(text)
        return Counter(k for _, _, k in kept)
