"""Telephone numbers to E.164, and IMEI and IMSI checks (methods.md B15).

UK numbers follow the rule of methods.md B15: strip punctuation, turn ``00`` into ``+``,
``+44 (0)`` into ``+44`` and a leading ``0`` into ``+44``; the national significant number
(NSN) must then have 9 or 10 digits and start with 1, 2, 3, 5, 7, 8 or 9. Ofcom's drama
ranges (07700 900xxx, 01632 960xxx) are well-formed UK numbers and pass, although
libphonenumber marks them as not in service. A string of digits that does not start with 0
and has 10 to 15 digits is read as an MSISDN, the international form without ``+`` that
operators write (``447700900123``). Other international numbers are checked with
libphonenumber (``phonenumbers``) when it is installed, else by length (8 to 15 digits).

Work is done once per distinct value, so a column of ten million records with a hundred
thousand distinct numbers costs a hundred thousand checks.
"""

from __future__ import annotations

import re
from functools import lru_cache

import numpy as np
import pandas as pd

__all__ = ["INVALID_NUMBER", "is_imei", "is_imsi", "normalise_number", "normalise_numbers",
           "normalise_unique"]

#: the quarantine reason for a number that cannot be normalised
INVALID_NUMBER = "not a valid UK or international number (E.164)"

_PUNCT = re.compile(r"[\s\-().\/]")
_UK_NSN = re.compile(r"[1235789]\d{8,9}")


@lru_cache(maxsize=4096)
def _international_ok(e164: str) -> bool:
    try:
        import phonenumbers
    except ImportError:  # pragma: no cover - phonenumbers is in requirements
        return 8 <= len(e164) - 1 <= 15
    try:
        parsed = phonenumbers.parse(e164, None)
    except phonenumbers.NumberParseException:
        return False
    return bool(phonenumbers.is_valid_number(parsed))


def normalise_number(value: object) -> str | None:
    """Return a number in E.164 form (``+447700900123``), or None if it is not valid.

    Parameters
    ----------
    value : object
        The number as written by a provider: national (``07700 900123``), international
        (``+44 (0)7700 900123``, ``0044 7700 900123``) or MSISDN (``447700900123``).

    Returns
    -------
    str or None
        The E.164 string, or None for an empty, withheld, malformed or impossible number.

    Examples
    --------
    >>> ib.comms.normalise_number("+44 (0)161 496 0001")
    '+441614960001'
    >>> ib.comms.normalise_number("07700 900123"), ib.comms.normalise_number("447700900123")
    ('+447700900123', '+447700900123')
    >>> ib.comms.normalise_number("0033 1 23 45 67 89")
    '+33123456789'
    >>> ib.comms.normalise_number("Withheld") is None, ib.comms.normalise_number("0770090") is None
    (True, True)
    """
    if value is None or (isinstance(value, float) and np.isnan(value)):
        return None
    s = str(value).strip()
    if not s:
        return None
    s = s.replace("+44(0)", "+44").replace("+44 (0)", "+44")
    s = _PUNCT.sub("", s)
    s = s.replace("+44(0)", "+44")
    if s.startswith("+"):
        digits = s[1:]
    elif s.startswith("00"):
        digits = s[2:]
    elif s.startswith("0"):
        digits = "44" + s[1:]
    else:
        digits = s
        if not 10 <= len(digits) <= 15:
            return None
    if not digits.isdigit() or not digits.isascii() or digits.startswith("0"):
        return None
    if digits.startswith("44"):
        nsn = digits[2:]
        if nsn.startswith("0"):  # "+44 0..." written without the brackets
            nsn = nsn[1:]
        return "+44" + nsn if _UK_NSN.fullmatch(nsn) else None
    if len(digits) > 15:
        return None
    e164 = "+" + digits
    return e164 if _international_ok(e164) else None


def normalise_unique(values: pd.Series | np.ndarray | pd.Index) -> np.ndarray:
    """Normalise distinct values to E.164 with vectorised string kernels.

    The same rule as :func:`normalise_number`, applied with Arrow string kernels to every
    value of printable ASCII; other values (non-ASCII spaces or digits) and international
    numbers, which need libphonenumber, go through :func:`normalise_number` one by one.

    Parameters
    ----------
    values : array-like of str
        Numbers as text (missing values allowed), best once each.

    Returns
    -------
    numpy.ndarray
        Object array of E.164 strings, None where a value is missing or not valid.

    Examples
    --------
    >>> ib.comms.numbers.normalise_unique(["07700 900123", "+44 (0)161 496 0001", "bad",
    ...                                    "0033 1 23 45 67 89", None]).tolist()
    ['+447700900123', '+441614960001', None, '+33123456789', None]
    """
    s = pd.Series(np.asarray(values, dtype=object), dtype="str")
    out = np.full(len(s), None, dtype=object)
    present = s.notna().to_numpy()
    simple = present & s.str.fullmatch(r"[ -~]*").fillna(False).to_numpy(dtype=bool)
    for i in np.flatnonzero(present & ~simple):
        out[i] = normalise_number(s.iloc[i])
    idx = np.flatnonzero(simple)
    if not len(idx):
        return out
    t = s.iloc[idx].reset_index(drop=True).str.strip()
    t = t.str.replace("+44(0)", "+44", regex=False).str.replace("+44 (0)", "+44", regex=False)
    t = t.str.replace(r"[ \-().\/]", "", regex=True)
    plus = t.str.startswith("+").to_numpy(dtype=bool)
    dz = t.str.startswith("00").to_numpy(dtype=bool) & ~plus
    zero = t.str.startswith("0").to_numpy(dtype=bool) & ~plus & ~dz
    bare = ~plus & ~dz & ~zero
    digits = t.copy()
    digits[plus] = t[plus].str.slice(1)
    digits[dz] = t[dz].str.slice(2)
    digits[zero] = "44" + t[zero].str.slice(1)
    n_len = digits.str.len().to_numpy(dtype=np.int64)
    ok = digits.str.fullmatch(r"[1-9][0-9]*").to_numpy(dtype=bool).copy()
    ok &= ~(bare & ((n_len < 10) | (n_len > 15)))
    uk = ok & digits.str.startswith("44").to_numpy(dtype=bool)
    nsn = digits[uk].str.slice(2)
    lead0 = nsn.str.startswith("0").to_numpy(dtype=bool)
    nsn[lead0] = nsn[lead0].str.slice(1)
    good = nsn.str.fullmatch(r"[1235789][0-9]{8,9}").to_numpy(dtype=bool)
    uk_pos = idx[np.flatnonzero(uk)]
    out[uk_pos[good]] = ("+44" + nsn[good]).to_numpy(dtype=object)
    intl = ok & ~uk & (n_len <= 15)
    for i, d in zip(idx[intl], digits[intl]):
        e164 = "+" + d
        out[i] = e164 if _international_ok(e164) else None
    return out


def normalise_numbers(values: pd.Series) -> pd.Series:
    """Normalise a column of numbers to E.164, once per distinct value.

    Parameters
    ----------
    values : pandas.Series
        Numbers as text (missing values allowed).

    Returns
    -------
    pandas.Series
        E.164 strings, missing where a value is empty or not valid; same index.

    Examples
    --------
    >>> s = pd.Series(["07700 900123", "07700900123", "bad", None])
    >>> ib.comms.normalise_numbers(s).tolist()
    ['+447700900123', '+447700900123', nan, nan]
    """
    codes, uniques = pd.factorize(values, use_na_sentinel=True)
    mapped = np.append(normalise_unique(np.asarray(uniques, dtype=object)),
                       np.array([None], dtype=object))
    out = mapped[codes]  # code -1 (missing) picks the trailing None
    return pd.Series(out, index=values.index, dtype=object).where(lambda s: s.notna(), np.nan)


def _luhn_ok(digits: str) -> bool:
    total = 0
    for i, ch in enumerate(reversed(digits)):
        d = ord(ch) - 48
        if i % 2:
            d *= 2
            if d > 9:
                d -= 9
        total += d
    return total % 10 == 0


def is_imei(value: object) -> bool:
    """Return True for a 15-digit IMEI whose last digit is its Luhn check digit.

    Parameters
    ----------
    value : object
        The IMEI as text.

    Returns
    -------
    bool
        Whether it is 15 ASCII digits (8-digit TAC, 6-digit serial, check digit) passing Luhn.

    Examples
    --------
    >>> ib.comms.is_imei("490154203237518"), ib.comms.is_imei("490154203237519")
    (True, False)
    """
    s = str(value)
    return len(s) == 15 and s.isascii() and s.isdigit() and _luhn_ok(s)


def is_imsi(value: object) -> bool:
    """Return True for an IMSI: 6 to 15 digits (MCC, MNC, MSIN).

    Parameters
    ----------
    value : object
        The IMSI as text.

    Returns
    -------
    bool
        Whether it is 6 to 15 ASCII digits.

    Examples
    --------
    >>> ib.comms.is_imsi("234150000000001"), ib.comms.is_imsi("23415x")
    (True, False)
    """
    s = str(value)
    return 6 <= len(s) <= 15 and s.isascii() and s.isdigit()
