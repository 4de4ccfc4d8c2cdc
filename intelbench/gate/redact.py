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
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from intelbench._vocab import COMMON_WORDS
from intelbench.exceptions import ParameterError
from intelbench.gate.detectors import (
    _CTX_REF,
    _EMAIL_RX,
    _EMAIL_START,
    _HANDLE_RX,
    _KW_ALL,
    _NAME_LEFT,
    _NAME_RIGHT,
    _SRC_RX,
    ANCHORED_RX,
    confirm,
    fallback,
    find_ipv6,
    find_urls,
    in_context,
    kind_of,
)

__all__ = [
    "LABELS",
    "Finding",
    "Redactor",
    "ScanResult",
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
    "URL": "[URL]",
    "IP": "[IP]",
    "HANDLE": "[HANDLE]",
    "NINO": "[NINO]",
    "NHS": "[NHS]",
    "PASSPORT": "[PASSPORT]",
    "LICENCE": "[LICENCE]",
    "FLAGGED": "[FLAGGED]",
}

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
    def _scan(
        self, s: str, flag: str | None = "all"
    ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """Find redaction spans (non-overlapping, sorted) and, if ``flag``, flags in ``s``.

        ``flag`` is ``"all"`` (name-like words, long digit runs, letter-digit codes),
        ``"digits"`` (long digit runs and letter-digit codes) or None.
        """
        spans: list[tuple[int, int, str, int]] = []  # start, end, kind, priority
        if s.isascii():
            arr = np.frombuffer(s.encode("ascii"), dtype=np.uint8)
            low = s.lower()
        else:
            arr = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
            low = s.lower()
            if len(low) != len(s):  # a rare character changed length when lower-cased
                low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
        n = len(s)
        upper = (arr >= 65) & (arr <= 90)
        letter = upper | ((arr >= 97) & (arr <= 122))
        digit = (arr >= 48) & (arr <= 57)
        w_start, w_end = _runs(letter)
        d_start, d_end = _runs(digit)
        # 1. known names and references (case-insensitive, separators free)
        if self._term_rx is not None and len(w_start):
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
                if kind == "NAME":
                    a, b = self._widen_name(s, a, b)
                spans.append((a, b, kind, 0))
        elif self._other_rx is not None:
            for m in self._other_rx.finditer(low):
                a, b = m.span()
                if b > a and not (a and low[a - 1].isalnum()) and not (
                        b < n and low[b].isalnum()):
                    spans.append((a, b, self._terms.get(normalise_term(m.group()), "REF"), 0))
        # 2. marked kinds: e-mail and handles ("@"), web addresses, IPv6, source references
        at = s.find("@")
        while at != -1:
            lead = _EMAIL_START.search(s, max(0, at - 64), at)
            em = _EMAIL_RX.match(s, lead.start()) if lead is not None else None
            if em is not None:
                spans.append((em.start(), em.end(), "EMAIL", -1))
            else:
                hm = _HANDLE_RX.match(s, at)
                if hm is not None and (at == 0 or not (s[at - 1].isalnum() or s[at - 1] in "._")):
                    spans.append((at, hm.end(), "HANDLE", -1))
            at = s.find("@", at + 1)
        if "." in s or ":" in s:
            spans += [(a, b, "URL", -1) for a, b in find_urls(s, low)]
        if "::" in s or s.count(":") >= 2:
            spans += [(a, b, "IP", -1) for a, b in find_ipv6(s)]
        for word in ("src", "chis", "csr"):
            i = low.find(word)
            while i != -1:
                rm = _SRC_RX.match(low, i)
                if rm is not None and (i == 0 or not low[i - 1].isalnum()):
                    spans.append((i, rm.end(), "REF", 0))
                i = low.find(word, i + 1)
        # 3. digit-anchored kinds, tried at the start of the token holding each digit run
        spans += self._anchored(s, low, arr, letter, upper, d_start, d_end, w_start, w_end)
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
        kept = _merge(spans)
        if flag is None:
            return kept, []
        flags = self._flag_scan(s, upper, letter, digit, w_start, w_end, d_start, kept, flag)
        return kept, flags

    def _widen_name(self, s: str, a: int, b: int) -> tuple[int, int]:
        """Widen a known name over capitalised name-like words next to it."""
        while True:
            m = _NAME_RIGHT.match(s, b)
            if m is None or m.group(1).lower() in self._vocab:
                break
            b = m.end()
        while a > 0:
            m = _NAME_LEFT.search(s, max(0, a - 40), a)
            if m is None or m.group(1).lower() in self._vocab:
                break
            a = m.start()
        return a, b

    @staticmethod
    def _anchored(
        s: str,
        low: str,
        arr: np.ndarray,
        letter: np.ndarray,
        upper: np.ndarray,
        d: np.ndarray,
        e: np.ndarray,
        w_start: np.ndarray,
        w_end: np.ndarray,
    ) -> list[tuple[int, int, str, int]]:
        if not len(d):
            return []
        back = np.zeros(len(d), dtype=np.int64)
        ok = np.ones(len(d), dtype=bool)
        for j in range(1, 7):
            pos = d - j
            ok &= (pos >= 0) & letter[np.maximum(pos, 0)]
            back += ok
        t0 = d - back
        before = arr[np.maximum(t0 - 1, 0)]
        tp = np.where((t0 >= 1) & ((before == 43) | (before == 40)), t0 - 1, -1)
        # the word before, across one space, dash or dot ("ABC 123", "March 12", "SMITH 80...")
        t1 = np.full(len(d), -1, dtype=np.int64)
        if len(w_end):
            gap = t0 - 1
            idx = np.minimum(np.searchsorted(w_end, gap), len(w_end) - 1)
            sep_ok = (gap >= 1) & np.isin(arr[np.maximum(gap, 0)], (32, 45, 46))
            ws_ = w_start[idx]
            size = gap - ws_
            all_up = np.ones(len(d), dtype=bool)
            top = len(arr) - 1
            for k in range(5):
                all_up &= (k >= size) | upper[np.minimum(ws_ + k, top)]
            low3 = ((arr[ws_] | 32).astype(np.int64) << 16
                    | (arr[np.minimum(ws_ + 1, len(arr) - 1)] | 32).astype(np.int64) << 8
                    | (arr[np.minimum(ws_ + 2, len(arr) - 1)] | 32).astype(np.int64))
            month = np.isin(low3, _MONTH_CODES) & (size <= 9)
            hit = sep_ok & (w_end[idx] == gap) & ((all_up & (size <= 5)) | month | (size <= 2))
            t1 = np.where(hit, ws_, -1)
        # skip digit runs where no kind can start: nothing before them, no leading 0, shorter
        # than 4 digits, not followed by a separator and a digit, a letter or a capital, and no
        # context word (DOB, sort code, account, passport, source) in the 48 characters before
        top = len(arr) - 1
        n1 = arr[np.minimum(e, top)] * (e <= top)
        n2 = arr[np.minimum(e + 1, top)] * (e + 1 <= top)
        n2_digit = (n2 >= 48) & (n2 <= 57)
        n2_upper = (n2 >= 65) & (n2 <= 90)
        n1_letter = ((n1 | 32) >= 97) & ((n1 | 32) <= 122)
        keep = ((t0 != d) | (tp >= 0) | (t1 >= 0) | (arr[d] == 48) | (e - d >= 4) | n1_letter
                | (np.isin(n1, (47, 46, 45, 32)) & n2_digit) | ((n1 == 32) & n2_upper))
        if not keep.all():
            kw: list[int] = []
            for w in _KW_ALL:
                i = low.find(w)
                while i != -1:
                    kw.append(i)
                    i = low.find(w, i + 1)
            if kw:
                kws = np.sort(np.array(kw, dtype=np.int64))
                keep |= np.searchsorted(kws, d) > np.searchsorted(kws, d - 48)
            d, t0, tp, t1 = d[keep], t0[keep], tp[keep], t1[keep]
        out: list[tuple[int, int, str, int]] = []
        last_end = -1
        match = ANCHORED_RX.match
        for dd, a0, ap, a1 in zip(d.tolist(), t0.tolist(), tp.tolist(), t1.tolist()):
            if dd < last_end:
                continue
            best: tuple[int, int, str] | None = None
            consumed = -1
            for c in dict.fromkeys((a1, ap, a0, dd)):
                if c < 0 or c < last_end:
                    continue
                am = match(s, c)
                if am is None:
                    continue
                kind = kind_of(am)
                a, b = am.span()
                if not confirm(kind, am.group()):
                    found = fallback(s, c, kind)
                    if found is None:
                        continue
                    kind, a, b = found
                final = in_context(s, low, kind, a, b)
                if final is None:
                    if b - a >= 6:  # a plain date or number: consumed, not redacted
                        consumed = max(consumed, b)
                    continue
                if final == "REF_CTX":
                    ref = _CTX_REF.search(s, max(0, a - 40), a)
                    a = ref.start() if ref is not None else a
                    final = "REF"
                if best is None or b > best[1]:
                    best = (a, b, final)
                if c != a1:  # only a match from the word before competes with later ones
                    break
            if best is not None and best[1] >= consumed:
                out.append((best[0], best[1], best[2], 2))
                last_end = best[1]
            elif consumed > 0:
                last_end = consumed
        return out

    def _flag_scan(
        self,
        s: str,
        upper: np.ndarray,
        letter: np.ndarray,
        digit: np.ndarray,
        w_start: np.ndarray,
        w_end: np.ndarray,
        d_start: np.ndarray,
        kept: list[tuple[int, int, str]],
        flag: str,
    ) -> list[tuple[int, int, str]]:
        cand: list[tuple[int, int, str]] = []
        if len(d_start):
            t_start, t_end = _runs(letter | digit)
            nd = np.searchsorted(d_start, t_end) - np.searchsorted(d_start, t_start)
            nl = np.searchsorted(w_start, t_end) - np.searchsorted(w_start, t_start)
            long = (nd > 0) & (nl == 0) & (t_end - t_start >= 6)
            mixed = (nd > 0) & (nl > 0)
            cand += [(a, b, "LONG_DIGITS") for a, b in
                     zip(t_start[long].tolist(), t_end[long].tolist())
                     if not (a and s[a - 1] == "-" and _URN_HEAD.search(s, max(0, a - 10), a))]
            cand += [(a, b, "CODE") for a, b in
                     zip(t_start[mixed].tolist(), t_end[mixed].tolist())]
        if flag == "all" and len(w_start):
            keep = upper[w_start] & (w_end - w_start >= 3)
            vocab = self._vocab
            cand += [
                (a, b, "NAME_LIKE")
                for a, b in zip(w_start[keep].tolist(), w_end[keep].tolist())
                if s[a:b].lower() not in vocab
                and not (a and s[a - 1].isdigit()) and not (b < len(s) and s[b].isdigit())
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
    def redact(self, text: str, *, withhold_flagged: bool = False) -> tuple[str, list[Finding]]:
        """Redact one text; return the clean text and the findings (redactions, then flags).

        Positions refer to ``text``. With ``withhold_flagged`` flagged values are replaced by
        ``[FLAGGED]`` too.
        """
        kept, flags = self._scan(text)
        findings = [Finding(k, text[a:b], a, b, "redacted") for a, b, k in kept]
        findings += [Finding(k, text[a:b], a, b, "flagged") for a, b, k in flags]
        if withhold_flagged and flags:
            kept = _merge([(a, b, k, 0) for a, b, k in kept]
                          + [(a, b, "FLAGGED", 1) for a, b, _ in flags])
        return self._apply(text, kept), findings

    def scan_many(
        self,
        values: Sequence[str],
        *,
        flag: str | None = "all",
        release: Callable[[str, str], bool] | None = None,
    ) -> ScanResult:
        """Redact and flag many texts in one scan.

        Parameters
        ----------
        values : sequence of str
            The texts.
        flag : {"all", "digits", None}
            Which flags to raise (see :meth:`_scan`).
        release : callable (kind, value) -> bool, optional
            Which flagged values a person released; every other flagged value is withheld
            (replaced by ``[FLAGGED]``). None withholds none (flags are only reported).
        """
        if not values:
            return ScanResult([], Counter(), [], [])
        s = SEP.join(v.replace(SEP, " ") for v in values)
        kept, flags = self._scan(s, flag)
        starts = [0]
        for v in values[:-1]:
            starts.append(starts[-1] + len(v) + 1)
        found: list[tuple[int, Finding]] = []
        withheld: list[tuple[int, int, str, int]] = []
        for a, b, k in flags:
            i = bisect.bisect_right(starts, a) - 1
            value = s[a:b]
            released = release is None or release(k, value)
            found.append((i, Finding(k, value, a - starts[i], b - starts[i],
                                     "released" if release is not None and released
                                     else "flagged")))
            if not released:
                withheld.append((a, b, "FLAGGED", 1))
        hits = [(bisect.bisect_right(starts, a) - 1, k) for a, _, k in kept]
        if withheld:
            kept = _merge([(a, b, k, 0) for a, b, k in kept] + withheld)
        clean = self._apply(s, kept).split(SEP)
        return ScanResult(clean, Counter(k for _, k in hits), found, hits)

    def process_many(
        self, values: Sequence[str]
    ) -> tuple[list[str], Counter[str], list[tuple[int, Finding]]]:
        """Redact and flag many texts in one scan (flags reported, not withheld).

        Returns
        -------
        clean : list of str
            The redacted texts, in order.
        counts : Counter
            Redactions per kind.
        flags : list of (int, Finding)
            Flags with the index of the text they are in (positions within that text).
        """
        r = self.scan_many(values)
        return r.clean, r.counts, r.flags

    def contains_sensitive(self, text: str) -> Counter[str]:
        """Count what :meth:`redact` would replace in ``text``, without changing it."""
        kept, _ = self._scan(text, None)
        return Counter(k for _, _, k in kept)


@dataclass
class ScanResult:
    """What :meth:`Redactor.scan_many` found.

    Attributes
    ----------
    clean : list of str
        The redacted texts.
    counts : Counter
        Redactions per kind.
    flags : list of (int, Finding)
        Flagged values with the index of their text; ``action`` is ``"released"`` for those a
        person released, else ``"flagged"`` (withheld when a release rule was given).
    hits : list of (int, str)
        Each redaction: index of its text and kind.
    """

    clean: list[str]
    counts: Counter[str]
    flags: list[tuple[int, Finding]]
    hits: list[tuple[int, str]]


def _runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the starts and ends (exclusive) of the runs of True in ``mask``."""
    if not len(mask):
        e = np.zeros(0, dtype=np.int64)
        return e, e
    prev = np.empty_like(mask)
    prev[0] = False
    prev[1:] = mask[:-1]
    nxt = np.empty_like(mask)
    nxt[-1] = False
    nxt[:-1] = mask[1:]
    return np.flatnonzero(mask & ~prev), np.flatnonzero(mask & ~nxt) + 1


def _merge(spans: list[tuple[int, int, str, int]]) -> list[tuple[int, int, str]]:
    """Sort spans and merge overlapping ones (the earlier, higher-priority kind names it)."""
    spans = sorted(spans, key=lambda x: (x[0], x[3], -x[1]))
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
    return kept


#: The head of a workbench URN ("IR-2026-"): its serial number is a reference, not a flag.
_URN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,4}-\d{4}-$")
_MONTH_CODES = np.array(sorted(_code(m) for m in (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    dtype=np.int64)
