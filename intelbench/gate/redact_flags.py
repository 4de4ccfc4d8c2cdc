"""What the redactor cannot vouch for, for a person to confirm (:mod:`intelbench.gate.redact`).

Three kinds of flag, never inside a span already redacted:

- ``LONG_DIGITS``: a token of six or more digits and no letter (a workbench URN's serial
  number excepted);
- ``CODE``: a token mixing letters and digits;
- ``NAME_LIKE``: a capitalised word of three or more letters that is not in the vocabulary
  (only when ``flag="all"``).
"""

from __future__ import annotations

import re

import numpy as np

from intelbench.gate.textscan import TextArrays, runs

__all__ = ["flag_spans"]

#: The head of a workbench URN ("IR-2026-"): its serial number is a reference, not a flag.
_URN_HEAD = re.compile(r"(?<![A-Za-z0-9])[A-Z]{2,4}-\d{4}-$")


def flag_spans(
    t: TextArrays,
    kept: list[tuple[int, int, str]],
    flag: str,
    vocab: set[str] | frozenset[str],
) -> list[tuple[int, int, str]]:
    """Sorted flags (start, end, kind) of ``t`` outside the redacted spans ``kept``.

    Parameters
    ----------
    t : TextArrays
        The text.
    kept : list of (start, end, kind)
        Redacted spans, sorted and not overlapping.
    flag : {"all", "digits"}
        ``"all"`` adds name-like words to long digit runs and letter-digit codes.
    vocab : set of str
        Lower-case words that are not name-like.

    Examples
    --------
    >>> from intelbench.gate.redact_flags import flag_spans
    >>> from intelbench.gate.textscan import TextArrays
    >>> flag_spans(TextArrays.of("Darren paid 12345678 to X9Y"), [], "all", {"paid"})
    [(0, 6, 'NAME_LIKE'), (12, 20, 'LONG_DIGITS'), (24, 27, 'CODE')]
    """
    s, upper, letter, digit = t.s, t.upper, t.letter, t.digit
    w_start, w_end, d_start = t.w_start, t.w_end, t.d_start
    if kept:
        k_start = np.fromiter((k[0] for k in kept), dtype=np.int64, count=len(kept))
        k_end = np.fromiter((k[1] for k in kept), dtype=np.int64, count=len(kept))

    def outside(pos: np.ndarray) -> np.ndarray:
        """Which positions are not inside a redacted span."""
        if not kept:
            return np.ones(len(pos), dtype=bool)
        i = np.searchsorted(k_start, pos, side="right") - 1
        return ~((i >= 0) & (pos < k_end[np.maximum(i, 0)]))

    cand: list[tuple[int, int, str]] = []
    if len(d_start):
        t_start, t_end = runs(letter | digit)
        # tokens holding a digit, a letter (each run of either starts inside one token)
        has_d = np.zeros(len(t_start), dtype=bool)
        has_d[np.searchsorted(t_start, d_start, side="right") - 1] = True
        has_l = np.zeros(len(t_start), dtype=bool)
        if len(w_start):
            has_l[np.searchsorted(t_start, w_start, side="right") - 1] = True
        long = has_d & ~has_l & (t_end - t_start >= 6)
        long[long] = outside(t_start[long])
        mixed = has_d & has_l
        mixed[mixed] = outside(t_start[mixed])
        cand += [(a, b, "LONG_DIGITS") for a, b in
                 zip(t_start[long].tolist(), t_end[long].tolist())
                 if not (a and s[a - 1] == "-" and _URN_HEAD.search(s, max(0, a - 10), a))]
        cand += [(a, b, "CODE") for a, b in
                 zip(t_start[mixed].tolist(), t_end[mixed].tolist())]
    if flag == "all" and len(w_start):
        keep = upper[w_start] & (w_end - w_start >= 3)
        keep[keep] = outside(w_start[keep])
        cand += [
            (a, b, "NAME_LIKE")
            for a, b in zip(w_start[keep].tolist(), w_end[keep].tolist())
            if s[a:b].lower() not in vocab
            and not (a and s[a - 1].isdigit()) and not (b < len(s) and s[b].isdigit())
        ]
    return sorted(cand)
