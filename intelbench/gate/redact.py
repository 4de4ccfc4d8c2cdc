"""The vectorised redactor used by :mod:`intelbench.gate.sanitise`.

Columns are redacted by joining their values with NUL (which no pattern can match or cross),
scanning once and splitting back, so the cost is one scan per column rather than one Python
call per row and pattern. The scan is in four parts, one module each:

- :mod:`intelbench.gate.redact_names`: names and references the workspace knows;
- marked kinds, here: e-mail addresses and handles (``@``), web addresses, IPv6 addresses,
  source references written with ``SRC``, ``CHIS`` or ``CSR``;
- :mod:`intelbench.gate.redact_digits`: identifiers anchored on a run of digits;
- :mod:`intelbench.gate.redact_flags`: what a person must confirm.

:mod:`intelbench.gate.textscan` computes the character classes they share, once.
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
    _EMAIL_RX,
    _EMAIL_START,
    _HANDLE_RX,
    _SRC_RX,
    find_ipv6,
    find_urls,
)
from intelbench.gate.redact_digits import anchored_spans
from intelbench.gate.redact_flags import flag_spans
from intelbench.gate.redact_names import TermFinder, normalise_term
from intelbench.gate.textscan import TextArrays

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
    "DEVICE": "[DEVICE]",
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
        self._vocab = COMMON_WORDS | {w.lower() for v in vocabulary for w in str(v).split()}
        self._names = TermFinder(terms or {}, self._vocab)
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

    # -- the scan ------------------------------------------------------------------------
    def _scan(
        self, s: str, flag: str | None = "all"
    ) -> tuple[list[tuple[int, int, str]], list[tuple[int, int, str]]]:
        """Find redaction spans (non-overlapping, sorted) and, if ``flag``, flags in ``s``.

        ``flag`` is ``"all"`` (name-like words, long digit runs, letter-digit codes),
        ``"digits"`` (long digit runs and letter-digit codes) or None.
        """
        t = TextArrays.of(s)
        low = t.low
        # 1. known names and references (case-insensitive, separators free)
        spans = self._names.find(t)
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
        spans += anchored_spans(t)
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
        flags = flag_spans(t, kept, flag, self._vocab)
        return kept, flags

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
        lens = np.fromiter(map(len, values), dtype=np.int64, count=len(values)) + 1
        starts_arr = np.concatenate(([0], np.cumsum(lens[:-1])))
        starts = starts_arr.tolist()
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
        which = np.searchsorted(starts_arr, np.fromiter(
            (k[0] for k in kept), dtype=np.int64, count=len(kept)), side="right") - 1
        hits = list(zip(which.tolist(), (k[2] for k in kept)))
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
