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
    kw: list[int] = []
    for w in _KW_ALL:
        i = low.find(w)
        while i != -1:
            kw.append(i)
            i = low.find(w, i + 1)
    kws = np.sort(np.array(kw, dtype=np.int64))
    if not keep.all():
        if kw:
            keep |= np.searchsorted(kws, d) > np.searchsorted(kws, d - 48)
        d, t0, tp, t1 = d[keep], t0[keep], tp[keep], t1[keep]
    # Every pattern opens with (?<![A-Za-z0-9]): a candidate after a letter or digit cannot
    # match, so it is not tried. The digits themselves are a candidate only when no letter
    # is joined to them, and then they are t0.
    alnum = letter | t.digit
    cands = []
    for c in (t1, tp, t0):
        ok = (c >= 0) & ((c == 0) | ~alnum[np.maximum(c - 1, 0)])
        # whether a context word starts in the 40 characters before (else in_context need
        # not look)
        near = np.searchsorted(kws, c) > np.searchsorted(kws, c - 40)
        cands.append((np.where(ok, c, -1), near))
    live = (cands[0][0] >= 0) | (cands[1][0] >= 0) | (cands[2][0] >= 0)
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
                if b - a >= 6:  # a plain date or number: consumed, not redacted
                    consumed = max(consumed, b)
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
