"""Identifiers anchored on a run of digits, for the redactor of :mod:`intelbench.gate.redact`.

Phones, cards, NHS and NI numbers, bank details, dates, postcodes, vehicle registrations,
addresses, passports and licences all hold a digit. For each run of digits the patterns of
:mod:`intelbench.gate.detectors` are tried at the starts of the token that may hold it (the
word before, across one separator; a ``+`` or ``(``; letters joined to the digits; the
digits themselves), confirmed by their check digits and read in the context of the words
before them. Runs where no kind can start are skipped with numpy before any regex runs.
"""

from __future__ import annotations

import numpy as np

from intelbench.gate.detectors import (
    _CHECKED,
    _CTX_REF,
    _KIND_OF_GROUP,
    _KW_ALL,
    ANCHORED,
    ANCHORED_RX,
    confirm,
    fallback,
    in_context,
)
from intelbench.gate.redact_names import code3
from intelbench.gate.textscan import TextArrays

__all__ = ["anchored_spans"]

#: Kinds that :func:`~intelbench.gate.detectors.in_context` returns as they are.
_PLAIN = frozenset(k for k, _ in ANCHORED if k not in ("DATE", "DATELESS")
                   and not k.endswith("?"))

_MONTH_CODES = np.array(sorted(code3(m) for m in (
    "jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")),
    dtype=np.int64)


def _digits_alone(
    lead: np.ndarray, r: np.ndarray, n1: np.ndarray, n2: np.ndarray, n3: np.ndarray,
    n4: np.ndarray,
) -> np.ndarray:
    r"""Which runs of digits, alone as a token, may start a match that changes the output.

    Read off the patterns of :data:`~intelbench.gate.detectors.ANCHORED` that start with a
    digit, for a run of ``r`` digits led by ``lead`` and followed by ``n1`` to ``n4``. A run
    that fails all of these can at most match itself as a short LONGNUM? (under six
    characters, no context word), which changes nothing. Code points above 127 count as
    letters and digits, since case-insensitive letter classes and \d match some of them.
    """
    letter1 = (((n1 | 32) >= 97) & ((n1 | 32) <= 122)) | (n1 > 127)

    def loose(x: np.ndarray) -> np.ndarray:  # a letter or a digit, in any script
        return (((x | 32) >= 97) & ((x | 32) <= 122)) | ((x >= 48) & (x <= 57)) | (x > 127)

    sep1 = (n1 == 32) | (n1 == 45) | (n1 == 47) | (n1 == 46) | (n1 == 44)
    return (
        (lead == 48)  # PHONE "07700 900123"
        | (r >= 4)  # CARD, NHS, BANK, PASSPORT?, DATE "1985-03-12", a long LONGNUM?
        | letter1  # ADDRESS "4A Mill", DATE "12th March", DATELESS "123ABC", LICENCE "99..."
        | (n1 == 45)  # a LONGNUM? running on over dashes, "12-34-56"
        # IP, CARD, BANK, NHS, SHORTNUM?, DATE "12/03/85", "12 03 1985": a separator and a
        # digit; DATE "12 March 1985", "12, march", "12 - Mar", ADDRESS "12 Harrow Road",
        # DATELESS "123 AB": up to three separators and a letter
        | (sep1 & (loose(n2) | loose(n3) | loose(n4)))
        # ADDRESS "12,  Harrow Road": a comma or spaces before the street's name
        | (((n1 == 32) | (n1 == 44)) & ((n2 == 32) | (n2 == 44)))
    )


def anchored_spans(t: TextArrays) -> list[tuple[int, int, str, int]]:
    """Spans (start, end, kind, priority 2) of the digit-anchored identifiers in ``t``.

    Examples
    --------
    >>> from intelbench.gate.redact_digits import anchored_spans
    >>> from intelbench.gate.textscan import TextArrays
    >>> anchored_spans(TextArrays.of("ring 07700 900123 re AB12 CDE on 3 May"))
    [(5, 17, 'PHONE', 2), (21, 29, 'VRM', 2)]
    """
    s, low, arr, letter, upper = t.s, t.low, t.arr, t.letter, t.upper
    d, e, w_start, w_end = t.d_start, t.d_end, t.w_start, t.w_end
    if not len(d):
        return []
    top = len(arr) - 1

    def at(pos: np.ndarray) -> np.ndarray:
        """Return the code point at each position (0 past the end)."""
        return arr[np.minimum(pos, top)].astype(np.int64) * (pos <= top)

    def is_letter(x: np.ndarray) -> np.ndarray:
        return ((x | 32) >= 97) & ((x | 32) <= 122)

    def is_digit(x: np.ndarray) -> np.ndarray:
        return (x >= 48) & (x <= 57)

    back = np.zeros(len(d), dtype=np.int64)
    ok = np.ones(len(d), dtype=bool)
    for j in range(1, 7):
        pos = d - j
        ok &= (pos >= 0) & letter[np.maximum(pos, 0)]
        back += ok
    t0 = d - back
    before = arr[np.maximum(t0 - 1, 0)]
    tp = np.where((t0 >= 1) & ((before == 43) | (before == 40)), t0 - 1, -1)
    r = e - d  # digits in the run
    n1, n2, n3, n4 = at(e), at(e + 1), at(e + 2), at(e + 3)
    # Characters a case-insensitive letter class or \d may also match beyond ASCII (the
    # Kelvin sign is a "k", Arabic-Indic digits are digits): any code point above 127.
    wide1, wide2 = n1 > 127, n2 > 127
    # the word before, across one space, dash or dot ("ABC 123", "March 12", "SMITH 80...")
    t1 = np.full(len(d), -1, dtype=np.int64)
    if len(w_end):
        gap = t0 - 1
        idx = np.minimum(np.searchsorted(w_end, gap), len(w_end) - 1)
        sep = arr[np.maximum(gap, 0)]
        sep_ok = (gap >= 1) & np.isin(sep, (32, 45, 46))
        ws_ = w_start[idx]
        size = gap - ws_
        all_up = np.ones(len(d), dtype=bool)
        for k in range(5):
            all_up &= (k >= size) | upper[np.minimum(ws_ + k, top)]
        low3 = ((arr[ws_] | 32).astype(np.int64) << 16
                | (arr[np.minimum(ws_ + 1, top)] | 32).astype(np.int64) << 8
                | (arr[np.minimum(ws_ + 2, top)] | 32).astype(np.int64))
        month = np.isin(low3, _MONTH_CODES) & (size <= 9)
        hit = sep_ok & (w_end[idx] == gap) & ((all_up & (size <= 5)) | month | (size <= 2))
        # What can start at that word and run on across the separator into these digits
        # (read off the patterns of ANCHORED; the digits must follow the separator at once):
        space, dash = sep == 32, sep == 45
        can = (t0 == d) & (
            # LICENCE: five letters, an optional space, six digits
            ((size == 5) & space & ((r >= 6) | wide1))
            # NINO: two letters, [ -]?, two digits, [ -]?, two digits ...
            | ((size == 2) & (space | dash) & ((r >= 4) | wide1 | (
                (r == 2) & ((n1 == 32) | (n1 == 45)) & (is_digit(n2) | wide2))))
            # VRM "ABC 123D" and POSTCODE "GIR 0AA": three letters, [ -]?, one to three digits
            | ((size == 3) & (space | dash) & (r <= 3))
            # DATELESS "AB 123": one to three capitals, an optional space, a digit from 1
            | (all_up & (size <= 3) & space & (arr[d] != 48))
            # DATE "March 12, 1985", "Mar.12 1985"
            | (month & (space | (sep == 46)))
        )
        t1 = np.where(hit & can, ws_, -1)
    # Every pattern opens with (?<![A-Za-z0-9]): a candidate after a letter or digit cannot
    # match, so it is not tried.
    alnum = letter | t.digit

    def start_ok(c: np.ndarray) -> np.ndarray:
        return (c >= 0) & ((c == 0) | ~alnum[np.maximum(c - 1, 0)])

    c1 = np.where(start_ok(t1), t1, -1)
    # only PHONE starts at "+" or "(": "+44...", "(0...", "(+44", "(0044"
    first = at(t0)
    cp = np.where(start_ok(tp) & ((first == 48) | (first == 52)), tp, -1)
    # Letters joined to the digits: four or more can only be LICENCE ("SMIT9...", "SMITH"
    # and six digits) or a month ("June12 1985").
    low3_0 = ((at(t0) | 32) << 16) | ((at(t0 + 1) | 32) << 8) | (at(t0 + 2) | 32)
    joined_ok = ((back <= 3) | np.isin(low3_0, _MONTH_CODES)
                 | ((back == 4) & (arr[d] == 57)) | ((back == 5) & ((r >= 6) | wide1)))
    # Digits alone (no letter joined, nothing before): only a few shapes of what follows
    # let a pattern match more than the digits, or match them at all (see _digits_alone)
    alone = (t0 == d) & (c1 < 0) & (cp < 0)
    c0_ok = start_ok(t0) & np.where(t0 == d, ~alone | _digits_alone(arr[d], r, n1, n2, n3, n4),
                                    joined_ok)
    kw: list[int] = []
    for w in _KW_ALL:
        i = low.find(w)
        while i != -1:
            kw.append(i)
            i = low.find(w, i + 1)
    kws = np.sort(np.array(kw, dtype=np.int64))
    if kw:  # a context word (DOB, sort code, account, passport, source) in the 48 before
        c0_ok |= alone & (np.searchsorted(kws, d) > np.searchsorted(kws, d - 48))
    c0 = np.where(c0_ok, t0, -1)
    cands = []
    for c in (c1, cp, c0):
        # whether a context word starts in the 40 characters before (else in_context need
        # not look)
        near = np.searchsorted(kws, c) > np.searchsorted(kws, c - 40)
        cands.append((c, near))
    live = (c1 >= 0) | (cp >= 0) | (c0 >= 0)
    rows = zip(d[live].tolist(), *(x[live].tolist() for pair in cands for x in pair))
    out: list[tuple[int, int, str, int]] = []
    last_end = 0
    match = ANCHORED_RX.match
    for dd, c1, k1, cp, kp, c0, k0 in rows:
        if dd < last_end:
            continue
        best: tuple[int, int, str] | None = None
        consumed = -1
        for c, words in ((c1, k1), (cp, kp), (c0, k0)):
            if c < last_end:  # also a candidate that is not one (-1)
                continue
            am = match(s, c)
            if am is None:
                continue
            kind = _KIND_OF_GROUP[am.lastgroup or ""]
            a, b = am.span()
            if kind in _CHECKED and not confirm(kind, am.group()):
                found = fallback(s, c, kind)
                if found is None:
                    continue
                kind, a, b = found
            final = kind if kind in _PLAIN else in_context(s, low, kind, a, b, words)
            if final is None:
                if b - a >= 6 and b > consumed:  # a plain date or number: consumed, not
                    consumed = b  # redacted
                continue
            if final == "REF_CTX":
                ref = _CTX_REF.search(s, max(0, a - 40), a)
                a = ref.start() if ref is not None else a
                final = "REF"
            if best is None or b > best[1]:
                best = (a, b, final)
            if c != c1:  # only a match from the word before competes with later ones
                break
        if best is not None and best[1] >= consumed:
            out.append((best[0], best[1], best[2], 2))
            last_end = best[1]
        elif consumed > 0:
            last_end = consumed
    return out
