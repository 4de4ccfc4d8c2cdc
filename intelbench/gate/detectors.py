"""The patterns of the redactor.

One compiled alternation finds identifiers that hold a digit; finders work from a mark for
the others (``@``, ``://``, ``::``, a top-level domain).

Every pattern ends at a non-alphanumeric character (or the text's end), so an identifier is
found next to any punctuation mark, quote, bracket or underscore. Candidates are confirmed by
:mod:`intelbench.gate.identifiers` (Luhn, modulus 11, NINO prefixes, IP ranges, dates).
"""

from __future__ import annotations

import datetime
import datetime as _dt
import functools
import re

from intelbench.gate.identifiers import (
    date_parts,
    is_ipv4,
    is_ipv6,
    is_nino,
    luhn_ok,
    nhs_ok,
    phone_ok,
)

__all__ = [
    "ANCHORED",
    "ANCHORED_RX",
    "KIND_RXS",
    "MONTHS",
    "confirm",
    "fallback",
    "in_context",
    "find_ipv6",
    "find_urls",
    "kind_of",
    "parse_date",
]

_E = r"(?![A-Za-z0-9])"  # end of an identifier: not followed by a letter or digit
_STREET = (
    r"(?i:street|st|road|rd|avenue|ave|lane|ln|close|drive|dr|way|crescent|cres|court|ct|"
    r"place|pl|gardens|gdns|terrace|grove|hill|row|walk|square|sq|mews|parade|park|view|"
    r"rise|green|boulevard|gate|wharf|yard)"
)
_MONTH = (r"(?i:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|"
          r"sep(?:t(?:ember)?)?|oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\.?")
MONTHS = {m: i + 1 for i, m in enumerate(
    ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"))}
_SEP = r"[ \-.()]{0,2}"

# At one start, the first alternative that matches (and is confirmed) wins. Kinds ending in
# "?" need the words before them to say what they are (DOB, sort code, account, passport).
ANCHORED: list[tuple[str, str]] = [
    ("IBAN", r"[A-Z]{2}\d{2}(?:[ ]?[A-Z0-9]{4}){3,7}(?:[ ]?[A-Z0-9]{1,4})?" + _E),
    ("LICENCE", r"(?i:[A-Z9]{5}[ ]?\d{6}[ ]?[A-Z9]{2}\d[A-Z]{2})" + _E),
    ("NINO", r"(?i:[A-Z]{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?\d{2}[ \-]?[A-D])" + _E),
    ("PHONE", r"(?:\(?(?:\+|00)[ ]?44\)?" + _SEP + r"(?:\(0\)" + _SEP + r")?|\(0|0)"
              r"(?:\d" + _SEP + r"){8,9}\d(?!\d)"),
    ("IP", r"\d{1,3}(?:\.\d{1,3}){3}(?![0-9]|\.\d)"),
    ("CARD", r"\d(?:[ \-]?\d){11,18}(?!\d)"),
    # IMSI (15 digits), IMEI (14 or 15) and IMEISV (16) written as one run; a Luhn-valid
    # run is already taken as a card above, and either way it is withheld
    ("DEVICE", r"\d{14,16}(?!\d)"),
    ("BANK", r"\d{2}[ \-]?\d{2}[ \-]?\d{2}[ ,;/:]{0,3}\d{8}(?!\d)"),
    ("NHS", r"\d{3}[ \-]?\d{3}[ \-]?\d{4}(?!\d)"),
    ("DATE", r"(?:\d{4}[\-/.]\d{1,2}[\-/.]\d{1,2}|\d{1,2}[ ]\d{1,2}[ ]\d{4}"
             r"|\d{1,2}[/.\-]\d{1,2}[/.\-](?:\d{4}|\d{2})"
             r"|\d{1,2}(?i:st|nd|rd|th)?[ \-/.,]{0,3}" + _MONTH + r"[ \-/.,]{0,3}(?:\d{4}|'?\d{2})"
             r"|" + _MONTH + r"[ ]{0,2}\d{1,2}(?i:st|nd|rd|th)?,?[ ]{0,2}\d{4})(?![0-9])"),
    ("POSTCODE", r"(?i:(?:[A-Z]{1,2}\d[A-Z\d]?|GIR)[ \-]?\d[A-Z]{2})" + _E),
    ("VRM", r"(?:(?i:[A-Z]{2}\d{2}[ \-]?[A-Z]{3})|(?i:[A-Z]\d{1,3}[ \-]?[A-Z]{3})"
            r"|(?i:[A-Z]{3}[ \-]?\d{1,3}[ \-]?[A-Z]))" + _E),
    ("ADDRESS", r"\d{1,4}[A-Za-z]?,?[ ]+(?:[A-Z][A-Za-z'\-]+[ ]+){1,3}" + _STREET + _E),
    ("SHORTNUM?", r"\d{2}[ \-]?\d{2}[ \-]?\d{2}(?!\d)"),
    ("PASSPORT?", r"(?:[A-Z]{2}\d{7}|[A-Z]\d{6}|\d{6}[A-Z]|\d{9})" + _E),
    ("DATELESS", r"(?:[A-Z]{1,3}[ ]?[1-9]\d{0,3}|[1-9]\d{0,3}[ ]?[A-Z]{1,3})" + _E),
    ("LONGNUM?", r"\d{2,}[A-Za-z0-9\-]*\b"),
]
_GROUP = {k: "k" + str(i) for i, (k, _) in enumerate(ANCHORED)}
_KIND_OF_GROUP = {v: k for k, v in _GROUP.items()}
ANCHORED_RX = re.compile(
    r"(?<![A-Za-z0-9])(?:" + "|".join(f"(?P<{_GROUP[k]}>{rx})" for k, rx in ANCHORED) + ")"
)
#: Each kind's pattern alone, tried in order when the combined match is not confirmed.
KIND_RXS: list[tuple[str, re.Pattern[str]]] = [
    (k, re.compile(r"(?<![A-Za-z0-9])(?:" + rx + ")")) for k, rx in ANCHORED
]


def kind_of(m: re.Match[str]) -> str:
    """Return the kind of a match of :data:`ANCHORED_RX`."""
    return _KIND_OF_GROUP[m.lastgroup or ""]


# Words that may follow or precede a number without making it a dateless registration.
_NOT_PLATE = frozenset({
    "AM", "PM", "GMT", "BST", "UTC", "KM", "MPH", "KG", "MG", "CM", "MM", "ML", "HRS", "MIN",
    "MINS", "SEC", "NO", "NR", "NOS", "PT", "PTS", "YR", "YRS", "FT", "IN", "ST", "ND", "RD",
    "TH", "GB", "MB", "KB", "TB", "AD", "BC", "OF", "AT", "TO", "ON", "BY", "OR", "AND",
    "THE", "FOR", "UK", "HM", "HMP", "A", "I",
})
_TWO_DIGIT_YEAR_PIVOT = 30
_ORDINAL = re.compile(r"(\d)(st|nd|rd|th)")
_NUMS = re.compile(r"\d+")
_MONTH_WORD = re.compile(r"(?<![a-z])(?:" + "|".join(MONTHS) + ")")


@functools.lru_cache(maxsize=65536)
def parse_date(text: str) -> _dt.date | None:
    """Read a date written as numbers (day first, or ISO) or with a month name.

    Examples
    --------
    >>> from intelbench.gate.detectors import parse_date
    >>> parse_date("12/03/1985"), parse_date("1985-03-12"), parse_date("March 12th, 1985")
    (datetime.date(1985, 3, 12), datetime.date(1985, 3, 12), datetime.date(1985, 3, 12))
    """
    low = _ORDINAL.sub(r"\1", text.lower())
    nums = _NUMS.findall(low)
    mm = _MONTH_WORD.search(low)
    month = MONTHS[mm.group()] if mm is not None else None
    if month is not None:
        if len(nums) != 2:
            return None
        return date_parts(int(nums[0]), month, _year(int(nums[1])))
    if len(nums) != 3:
        return None
    if len(nums[0]) == 4:
        return date_parts(int(nums[2]), int(nums[1]), int(nums[0]))
    return date_parts(int(nums[0]), int(nums[1]), _year(int(nums[2])))


def _year(y: int) -> int:
    if y >= 100:
        return y
    return 2000 + y if y <= _TWO_DIGIT_YEAR_PIVOT else 1900 + y


def confirm(kind: str, text: str) -> bool:
    """Whether a candidate of ``kind`` is what it looks like (check digits, ranges, rules)."""
    if kind == "PHONE":
        return phone_ok(text)
    if kind == "CARD":
        return 12 <= sum(c.isdigit() for c in text) <= 19 and luhn_ok(text)
    if kind == "NHS":
        return nhs_ok(text)
    if kind == "NINO":
        return is_nino(text)
    if kind == "IP":
        return is_ipv4(text)
    if kind == "LICENCE":
        t = re.sub(r"\s", "", text)
        mm, dd = int(t[6:8]), int(t[8:10])
        return (1 <= mm <= 12 or 51 <= mm <= 62) and 1 <= dd <= 31
    if kind == "DATE":
        return parse_date(text) is not None
    if kind == "DATELESS":
        letters = "".join(c for c in text if c.isalpha())
        return len(text.replace(" ", "")) >= 4 and letters not in _NOT_PLATE
    return True


#: The kinds :func:`confirm` may turn down (for any other it returns True).
_CHECKED = frozenset({"PHONE", "CARD", "NHS", "NINO", "IP", "LICENCE", "DATE", "DATELESS"})


# -- finders from a mark ----------------------------------------------------------------------
_URL_TAIL = re.compile(r"[^\s<>\"'`\x00]*")
_SCHEME_LEFT = re.compile(r"[A-Za-z][A-Za-z0-9+.\-]{0,15}$")
_DOMAIN_LEFT = re.compile(r"(?:[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?\.)*"
                          r"[A-Za-z0-9](?:[A-Za-z0-9\-]{0,61}[A-Za-z0-9])?$")
_TLD = re.compile(
    r"\.(?i:com|net|org|info|biz|io|me|tv|ly|gg|app|co|uk|eu|onion)(?![A-Za-z0-9\-])"
)
_TRIM = ".,;:!?)]}'\"*"


def _trim(s: str, a: int, b: int) -> int:
    while b > a and s[b - 1] in _TRIM:
        if s[b - 1] == ")" and s[a:b].count("(") >= s[a:b].count(")"):
            break
        b -= 1
    return b


def find_urls(s: str, low: str) -> list[tuple[int, int]]:
    """Spans of web addresses: with a scheme, starting ``www.``, or a host on a known TLD."""
    out: list[tuple[int, int]] = []
    for mark in ("://", "www."):
        i = low.find(mark)
        while i != -1:
            if mark == "://":
                left = _SCHEME_LEFT.search(s, max(0, i - 16), i)
                a = left.start() if left is not None else i
            else:
                a = i
            if a == i and mark == "://" or (a > 0 and s[a - 1].isalnum() and mark == "www."):
                i = low.find(mark, i + 1)
                continue
            tail = _URL_TAIL.match(s, i + len(mark))
            b = _trim(s, a, tail.end() if tail is not None else i + len(mark))
            out.append((a, b))
            i = low.find(mark, max(b, i + 1))
    for m in _TLD.finditer(s):
        left = _DOMAIN_LEFT.search(s, max(0, m.start() - 120), m.start())
        if left is None or left.start() == m.start():
            continue
        a = left.start()
        if a > 0 and (s[a - 1].isalnum() or s[a - 1] == "@"):
            continue
        host = s[a:m.end()]
        if host.replace(".", "").isdigit():
            continue
        b = m.end()
        if b < len(s) and s[b] == "/":
            tail = _URL_TAIL.match(s, b)
            b = _trim(s, a, tail.end() if tail is not None else b)
        out.append((a, b))
    return out


_V6_CORE = re.compile(r"[0-9A-Fa-f:.]+(?:%[A-Za-z0-9]+)?")
_V6_LEFT = re.compile(r"[0-9A-Fa-f:]*$")


def find_ipv6(s: str) -> list[tuple[int, int]]:
    """Spans of IPv6 addresses (found around each ``:``-separated hex group, then checked)."""
    out: list[tuple[int, int]] = []
    i = s.find(":")
    last = -1
    while i != -1:
        if i < last:
            i = s.find(":", last)
            continue
        if s.find(":", i + 1, i + 6) == -1:  # an address has a second ":" within 5 characters
            last = i + 1
            i = s.find(":", i + 1)
            continue
        left = _V6_LEFT.search(s, max(0, i - 40), i)
        a = left.start() if left is not None else i
        m = _V6_CORE.match(s, a)
        if m is not None:
            b = m.end()
            text = s[a:b].rstrip(".:")
            while text and not is_ipv6(text) and text.count(":") >= 2:
                cut = max(text.rfind(":"), text.rfind("."))
                if cut <= 0:
                    break
                text = text[:cut]
            ok = (text.count(":") >= 2 and is_ipv6(text)
                  and (a == 0 or not s[a - 1].isalnum()))
            if ok:
                out.append((a, a + len(text)))
                last = a + len(text)
            else:
                last = max(b, i + 1)
        i = s.find(":", max(i + 1, last))
    return out


def fallback(s: str, c: int, failed: str) -> tuple[str, int, int] | None:
    """Try the kinds after ``failed`` one by one at ``c``; return the first confirmed match."""
    after = False
    for kind, rx in KIND_RXS:
        if not after:
            after = kind == failed
            continue
        m = rx.match(s, c)
        if m is not None and confirm(kind, m.group()):
            return kind, m.start(), m.end()
    return None


def in_context(
    s: str, low: str, kind: str, a: int, b: int, words: bool = True
) -> str | None:
    """Return the final kind of a confirmed match, using the words before it; None to leave it.

    ``words=False`` says that no context word (:data:`_KW_ALL`) starts in the 40 characters
    before ``a``, so only the rules that do not need one are applied (the same answer,
    without looking).
    """
    if kind == "DATELESS":
        return "VRM"
    if kind == "DATE" or kind.endswith("?"):
        ctx = low[max(0, a - 40):a] if words else ""
        if (words and kind == "LONGNUM?" and any(w in ctx for w in _KW_REF)
                and _CTX_REF.search(ctx)):
            return "REF_CTX"
        if kind == "DATE":
            if words and any(w in ctx for w in _KW_DOB) and _CTX_DOB.search(ctx):
                return "DOB"
            when = parse_date(s[a:b])
            if when is not None and when.year <= _DOB_BEFORE:
                return "DOB"
            return None
        if kind == "SHORTNUM?":
            dashed = _DASHED.fullmatch(s, a, b) is not None
            if dashed or words and any(w in ctx for w in _KW_SORT) and _CTX_SORT.search(ctx):
                return "BANK"
            if words and any(w in ctx for w in _KW_DOB) and _CTX_DOB.search(ctx):
                return "DOB"
            return None
        if not words:
            return None
        if kind == "PASSPORT?":
            return "PASSPORT" if "passport" in ctx else None
        if any(w in ctx for w in _KW_ACCOUNT) and _CTX_ACCOUNT.search(ctx):
            return "BANK"
        if "passport" in ctx and sum(ch.isdigit() for ch in s[a:b]) >= 6:
            return "PASSPORT"
        return None
    return kind


_DASHED = re.compile(r"\d{2}-\d{2}-\d{2}")
_DOB_BEFORE = datetime.date.today().year - 10
_EMAIL_RX = re.compile(r"[A-Za-z0-9._%+\-]+@[A-Za-z0-9\-]+(?:\.[A-Za-z0-9\-]+)*\.[A-Za-z]{2,}")
_EMAIL_START = re.compile(r"[A-Za-z0-9._%+\-]{1,64}$")
_HANDLE_RX = re.compile(r"@[A-Za-z0-9_](?:[A-Za-z0-9_.]{0,28}[A-Za-z0-9_])?")
_SRC_RX = re.compile(r"(?:src|chis|csr)[\s\-_#:/]{0,3}(?=[a-z0-9]*\d)[a-z0-9]{2,10}(?![a-z0-9])")
_NAME_RIGHT = re.compile(r"[ \-]((?:[A-Z][a-z'\-]+|[A-Z]{2,}))(?![A-Za-z0-9])")
_NAME_LEFT = re.compile(r"(?<![A-Za-z0-9])((?:[A-Z][a-z'\-]+|[A-Z]{2,}))[ \-]$")
_CTX_DOB = re.compile(r"(?i:\b(?:dob|d\.o\.b|date of birth|born(?: on)?))[\s:.\-()]*$")
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
_KW_ALL = _KW_REF + _KW_DOB + _KW_SORT + _KW_ACCOUNT + ("passport",)
