"""Check digits and format rules of UK identifiers, used by the redactor to confirm a match.

The rules follow ``methods.md`` B14: National Insurance numbers (HMRC NIM39110), NHS numbers
(modulus 11), payment cards (Luhn), IPv4 and IPv6 (Python :mod:`ipaddress`), dates. Patterns
that find candidates live in :mod:`intelbench.gate.redact`; these functions decide whether a
candidate is the identifier it looks like.
"""

from __future__ import annotations

import datetime as _dt
import ipaddress
import re

__all__ = [
    "CLASSES",
    "date_parts",
    "is_ipv4",
    "is_ipv6",
    "is_nino",
    "luhn_ok",
    "nhs_ok",
    "phone_ok",
]

#: Identifier classes the redactor covers, with the token written in their place.
CLASSES: dict[str, str] = {
    "NAME": "known names (nominals, sources, officers) and capitalised words next to them",
    "REF": "covert source references (sealed register, SRC-/CHIS- references)",
    "PHONE": "UK phone numbers (+44, 0044, (0), spaces, dashes, dots, brackets)",
    "VRM": "vehicle registrations: current, prefix, suffix and dateless formats",
    "POSTCODE": "postcodes with or without the space",
    "DOB": "dates of birth (numeric, ISO and month-name forms)",
    "EMAIL": "e-mail addresses",
    "URL": "web addresses (scheme, www. or a known top-level domain)",
    "IP": "IPv4 and IPv6 addresses",
    "HANDLE": "social-media handles (@name)",
    "NINO": "National Insurance numbers",
    "NHS": "NHS numbers (modulus 11 check digit)",
    "CARD": "payment card numbers (Luhn)",
    "DEVICE": "IMSI, IMEI and IMEISV numbers (a run of 14 to 16 digits)",
    "BANK": "sort codes and account numbers, IBANs",
    "PASSPORT": "UK passport numbers (with context)",
    "LICENCE": "GB driving-licence numbers",
    "ADDRESS": "house number and street",
}

_NINO_BAD_PREFIX = frozenset({"BG", "GB", "KN", "NK", "NT", "TN", "ZZ"})
_DIGITS = re.compile(r"\d")


def is_nino(text: str) -> bool:
    """Whether ``text`` (separators allowed) is a valid National Insurance number.

    Examples
    --------
    >>> from intelbench.gate.identifiers import is_nino
    >>> [is_nino(x) for x in ("AB123456C", "QQ123456A", "GB123456A", "AO123456A", "AB123456E")]
    [True, False, False, False, False]
    """
    t = re.sub(r"[\s\-]", "", text).upper()
    if not re.fullmatch(r"[A-Z]{2}\d{6}[A-D]", t):
        return False
    a, b = t[0], t[1]
    if a in "DFIQUV" or b in "DFIQUVO":
        return False
    return t[:2] not in _NINO_BAD_PREFIX


def nhs_ok(text: str) -> bool:
    """Whether the 10 digits in ``text`` pass the NHS modulus 11 check.

    Examples
    --------
    >>> from intelbench.gate.identifiers import nhs_ok
    >>> nhs_ok("1234567881"), nhs_ok("1234567880"), nhs_ok("943 476 5919"), nhs_ok("1000000010")
    (True, False, True, False)
    """
    d = [int(c) for c in _DIGITS.findall(text)]
    if len(d) != 10:
        return False
    total = sum(x * w for x, w in zip(d[:9], range(10, 1, -1)))
    check = 11 - total % 11
    if check == 11:
        check = 0
    return check != 10 and check == d[9]


def luhn_ok(text: str) -> bool:
    """Whether the digits in ``text`` pass the Luhn check (cards have 12 to 19 digits).

    Examples
    --------
    >>> from intelbench.gate.identifiers import luhn_ok
    >>> luhn_ok("4111 1111 1111 1111"), luhn_ok("79927398713"), luhn_ok("79927398710")
    (True, True, False)
    """
    d = [int(c) for c in _DIGITS.findall(text)]
    if len(d) < 2:
        return False
    total = 0
    for i, x in enumerate(reversed(d)):
        if i % 2:
            x *= 2
            if x > 9:
                x -= 9
        total += x
    return total % 10 == 0


def phone_ok(text: str) -> bool:
    """Whether ``text`` is a UK number: 0 or +44/0044 then 9 or 10 digits not starting with 0.

    Examples
    --------
    >>> from intelbench.gate.identifiers import phone_ok
    >>> phone_ok("+44 (0)113 496 0000"), phone_ok("07700 900123"), phone_ok("0123 45")
    (True, True, False)
    """
    t = text.strip()
    digits = "".join(_DIGITS.findall(t))
    if t.lstrip("(").startswith("+") or t.lstrip("(").startswith("00"):
        digits = digits[2:] if digits.startswith("44") else digits[4:]
        if digits.startswith("0"):  # +44 (0)...
            digits = digits[1:]
    elif digits.startswith("0"):
        digits = digits[1:]
    else:
        return False
    return 9 <= len(digits) <= 10 and digits[0] != "0"


def is_ipv4(text: str) -> bool:
    """Whether ``text`` is a dotted-quad IPv4 address (each part 0-255).

    Examples
    --------
    >>> from intelbench.gate.identifiers import is_ipv4
    >>> is_ipv4("192.168.0.1"), is_ipv4("256.1.1.1")
    (True, False)
    """
    parts = text.split(".")
    return len(parts) == 4 and all(p.isdigit() and len(p) <= 3 and int(p) <= 255 for p in parts)


def is_ipv6(text: str) -> bool:
    """Whether ``text`` is an IPv6 address (RFC 4291 text forms, as :mod:`ipaddress` reads them).

    Examples
    --------
    >>> from intelbench.gate.identifiers import is_ipv6
    >>> is_ipv6("2001:db8::1"), is_ipv6("14:30:00")
    (True, False)
    """
    try:
        ipaddress.IPv6Address(text.split("%")[0])
    except ValueError:
        return False
    return True


def date_parts(day: int, month: int, year: int) -> _dt.date | None:
    """Return the date, or None when day, month and year make no date.

    Examples
    --------
    >>> from intelbench.gate.identifiers import date_parts
    >>> date_parts(29, 2, 2024), date_parts(31, 4, 2024)
    (datetime.date(2024, 2, 29), None)
    """
    try:
        return _dt.date(year, month, day)
    except ValueError:
        return None
