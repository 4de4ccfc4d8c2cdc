"""The character classes of one text, computed once for every finder of the redactor.

The redactor scans a column as one long string (values joined by NUL). Each finder
(:mod:`intelbench.gate.redact_names`, :mod:`intelbench.gate.redact_digits`,
:mod:`intelbench.gate.redact_flags`) works from the same numpy views of it: the code point of
each character, which are ASCII letters, capitals and digits, and where the runs of letters
and of digits start and end.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

__all__ = ["TextArrays", "runs"]


def runs(mask: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Return the starts and ends (exclusive) of the runs of True in ``mask``.

    Examples
    --------
    >>> from intelbench.gate.textscan import runs
    >>> [a.tolist() for a in runs(np.array([True, True, False, True]))]
    [[0, 3], [2, 4]]
    """
    if not len(mask):
        e = np.zeros(0, dtype=np.int64)
        return e, e
    edge = np.diff(mask.view(np.int8), prepend=np.int8(0), append=np.int8(0))
    return np.flatnonzero(edge == 1), np.flatnonzero(edge == -1)


@dataclass(frozen=True)
class TextArrays:
    """A text with its lower-case form and numpy views of its character classes.

    Attributes
    ----------
    s, low : str
        The text and its lower-case form (same length; a character whose lower case is longer
        is kept as it is).
    arr : ndarray
        Code point of each character (uint8 for ASCII text, else uint32).
    upper, letter, digit : ndarray of bool
        ASCII capitals, ASCII letters, ASCII digits.
    w_start, w_end, d_start, d_end : ndarray of int
        Starts and ends (exclusive) of the runs of letters and of digits.

    Examples
    --------
    >>> from intelbench.gate.textscan import TextArrays
    >>> t = TextArrays.of("AB12 cd")
    >>> t.w_start.tolist(), t.d_start.tolist(), t.low
    ([0, 5], [2], 'ab12 cd')
    """

    s: str
    low: str
    arr: np.ndarray
    upper: np.ndarray
    letter: np.ndarray
    digit: np.ndarray
    w_start: np.ndarray
    w_end: np.ndarray
    d_start: np.ndarray
    d_end: np.ndarray

    @classmethod
    def of(cls, s: str) -> TextArrays:
        """Compute the arrays of ``s``."""
        if s.isascii():
            arr = np.frombuffer(s.encode("ascii"), dtype=np.uint8)
            low = s.lower()
        else:
            arr = np.frombuffer(s.encode("utf-32-le"), dtype=np.uint32)
            low = s.lower()
            if len(low) != len(s):  # a rare character changed length when lower-cased
                low = "".join(c if len(c.lower()) != 1 else c.lower() for c in s)
        upper = (arr >= 65) & (arr <= 90)
        letter = upper | ((arr >= 97) & (arr <= 122))
        digit = (arr >= 48) & (arr <= 57)
        w_start, w_end = runs(letter)
        d_start, d_end = runs(digit)
        return cls(s, low, arr, upper, letter, digit, w_start, w_end, d_start, d_end)
