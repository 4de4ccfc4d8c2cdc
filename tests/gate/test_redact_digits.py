"""The digit-run finder skips, before any regex runs, only what could not change its output.

``anchored_spans`` leaves out candidates and whole runs of digits that no pattern of
``ANCHORED`` can start at (read off the patterns). ``_reference`` below is the plain version:
every run of digits, every candidate start (the word before, a ``+`` or ``(``, letters joined
to the digits, the digits), no skipping. The two must agree on any text; hypothesis draws
texts built from the shapes each rule is about (a word and a separator before a number,
letters joined to digits, months, separators and letters after short numbers, code points
above 127).
"""

from __future__ import annotations

import random

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from intelbench.gate.detectors import _CTX_REF, ANCHORED_RX, confirm, fallback, in_context, kind_of
from intelbench.gate.redact_digits import _MONTH_CODES, anchored_spans
from intelbench.gate.sanitise import sanitise_text
from intelbench.gate.textscan import TextArrays


def _reference(t: TextArrays) -> list[tuple[int, int, str, int]]:
    """Try every candidate of every run of digits (no skipping)."""
    s, low, arr = t.s, t.low, t.arr
    out: list[tuple[int, int, str, int]] = []
    last_end = -1
    for dd in t.d_start.tolist():
        if dd < last_end:
            continue
        a0 = dd
        while a0 > 0 and dd - a0 < 6 and t.letter[a0 - 1]:
            a0 -= 1
        ap = a0 - 1 if a0 >= 1 and s[a0 - 1] in "+(" else -1
        a1 = -1
        gap = a0 - 1
        if gap >= 1 and s[gap] in " -." and t.letter[gap - 1]:
            ws = gap - 1
            while ws > 0 and t.letter[ws - 1]:
                ws -= 1
            word = s[ws:gap]
            code = (ord(word[0]) | 32) << 16
            code |= ((ord(word[1]) | 32) << 8 if len(word) > 1 else 32 << 8)
            code |= (ord(word[2]) | 32) if len(word) > 2 else 32
            month = len(word) <= 9 and code in set(_MONTH_CODES.tolist())
            if (word.isupper() and len(word) <= 5) or month or len(word) <= 2:
                a1 = ws
        best: tuple[int, int, str] | None = None
        consumed = -1
        for c in dict.fromkeys((a1, ap, a0, dd)):
            if c < 0 or c < last_end:
                continue
            am = ANCHORED_RX.match(s, c)
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
                if b - a >= 6:
                    consumed = max(consumed, b)
                continue
            if final == "REF_CTX":
                ref = _CTX_REF.search(s, max(0, a - 40), a)
                a = ref.start() if ref is not None else a
                final = "REF"
            if best is None or b > best[1]:
                best = (a, b, final)
            if c != a1:
                break
        if best is not None and best[1] >= consumed:
            out.append((best[0], best[1], best[2], 2))
            last_end = best[1]
        elif consumed > 0:
            last_end = consumed
    del arr
    return out


_D = st.text("0123456789", min_size=1, max_size=8)
_L = st.text("ABCDEGHJKLMNPRSTWXYZabcdeghmnrstuy", min_size=1, max_size=7)
_MONTH = st.sampled_from(["Jan", "march", "MARCH", "Sept", "june", "aug", "August", "may",
                          "December", "marc", "GIR", "gir"])
_SEP = st.sampled_from(["", " ", "  ", "-", ".", "/", ",", ", ", " - ", ":", "(", "+", "\x00",
                        "\n", "'"])
_ODD = st.sampled_from(["\u0663", "\u212a", "\u017f", "\u0131", "\u00e9", "\uff10", "\u00b2"])
_WORD = st.sampled_from(["dob", "born", "sort code", "acct no", "passport", "source", "a/c",
                         "s/c", "SRC", "chis", "on", "at", "the", "Road", "Lane", "Harrow",
                         "Mill", "Street", "44", "+44", "(0", "0044", "07700", "9", "99999"])
_TOKEN = st.one_of(_D, _L, _MONTH, _SEP, _ODD, _WORD,
                   st.tuples(_L, _SEP, _D, _SEP, _L).map("".join),
                   st.tuples(_D, _SEP, _MONTH, _SEP, _D).map("".join),
                   st.tuples(_MONTH, _SEP, _D, _SEP, _D).map("".join),
                   st.tuples(_L, _D, _SEP, _D).map("".join))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(_TOKEN, _SEP), max_size=30))
def test_skipping_changes_nothing(parts: list[tuple[str, str]]) -> None:
    text = "".join(a + b for a, b in parts)
    t = TextArrays.of(text)
    assert anchored_spans(t) == _reference(t), text


def test_skipping_changes_nothing_on_fixed_shapes() -> None:
    cases = ["on 12 34 56 C", "AB 12-34-56-D", "SMITH 853155 J99AB", "Mar 12, 1985",
             "June12 1985", "SMIT9803155J99AB", "ABC 123D", "GIR 0AA", "AB 123", "(0113) 496",
             "+44 7700 900123", "12 march 1985", "12, March 1985", "12-mar-1985", "4A Mill Lane",
             "12,  Harrow Road", "3 - March 1985", "dob 1 2 1985", "a/c 12345678",
             "x 12\u0663\u0663 y", "passport 123", "SRC-0012", "at 14:30 Kyle12 Barrow",
             "ABC-123D", "SMITH803155J99AB", "Mar.12 1985", "12----AB12CDE",
             "seen 1\u0663 March 1985", "GIR-0AA", "on 12", "(12) 34", "+12 34"]
    for text in cases:
        t = TextArrays.of(text)
        assert anchored_spans(t) == _reference(t), text


def _shaped(rng: random.Random) -> str:
    """One token of a shape the skipping rules are about."""
    def digits(n: int) -> str:
        return "".join(rng.choice("0123456789") for _ in range(n))

    def letters(n: int) -> str:
        pool = "ABCDEFGHJKLMNPRSTUVWXYZ" if rng.random() < 0.6 else "abcdefghjkmnprstuvwxyz"
        return "".join(rng.choice(pool) for _ in range(n))

    def sep() -> str:
        return rng.choice(["", " ", "-", ".", "/", ",", ", ", " - ", "  ", ":", "(", ")", "--",
                           "\x00", "---"])

    months = ["jan", "Jan", "JANUARY", "feb", "Mar", "march", "MARCH", "apr", "April", "may",
              "June", "jun", "July", "aug", "August", "Sept", "september", "Oct", "nov",
              "December", "marc", "junk", "GIR", "gir"]
    odd = ["\u0663", "\u212a", "\u017f", "\u0131", "\u00e9", "\uff10", "\u00b2"]
    forms = [
        lambda: letters(rng.randint(1, 6)) + sep() + digits(rng.randint(1, 7)) + sep()
        + letters(rng.randint(0, 3)),
        lambda: digits(rng.randint(1, 3)) + sep() + rng.choice(months) + sep()
        + digits(rng.choice([2, 4])),
        lambda: rng.choice(months) + sep() + digits(rng.randint(1, 2))
        + rng.choice(["", "th", "st", ","]) + sep() + digits(4),
        lambda: rng.choice(["+44", "(0", "(+44", "+4", "(1", "+7", "0044", "(0)"]) + sep()
        + digits(rng.randint(2, 11)),
        lambda: digits(rng.randint(1, 4)) + rng.choice(["", "A", "b"]) + rng.choice(["", ","])
        + " " * rng.randint(1, 3) + rng.choice(["Mill", "harrow", "Old Mill", "Green"]) + " "
        + rng.choice(["Lane", "Road", "rd", "Street", "x"]),
        lambda: letters(rng.randint(4, 6)) + digits(rng.randint(1, 7)) + sep()
        + digits(rng.randint(0, 6)),
        lambda: "9" * rng.randint(1, 5) + letters(rng.randint(0, 4)) + digits(rng.randint(0, 7)),
        lambda: letters(2) + sep() + digits(2) + sep() + digits(2) + sep() + digits(2) + sep()
        + rng.choice("ABCDE"),
        lambda: digits(rng.randint(1, 3)) + rng.choice(odd) + digits(rng.randint(0, 3))
        + sep() + rng.choice(months) + " " + digits(4),
        lambda: digits(rng.randint(1, 3)) + sep() + sep() + sep() + letters(rng.randint(1, 8))
        + digits(rng.randint(0, 3)) + letters(rng.randint(0, 3)),
        lambda: rng.choice(["dob", "born", "sort code", "acct no", "passport", "source", "a/c",
                            "s/c", "chis"]) + sep() + digits(rng.randint(1, 10)) + sep()
        + digits(rng.randint(0, 8)),
        lambda: rng.choice(["the", "at", "on", "seen", "Kyle", "x"]),
    ]
    return rng.choice(forms)()


def test_skipping_changes_nothing_on_many_drawn_texts() -> None:
    rng = random.Random(20261127)
    for _ in range(3000):
        text = "".join(_shaped(rng) + rng.choice([" ", "", ", ", ". ", "\n", " - "])
                       for _ in range(rng.randint(1, 8)))
        t = TextArrays.of(text)
        assert anchored_spans(t) == _reference(t), text


def test_dates_of_birth_in_lower_case_or_after_a_comma_are_redacted() -> None:
    """These were skipped by the earlier prefilter and left in the text."""
    for text in ("seen 12 march 1985 at the shop", "seen 12, March 1985", "seen 12-mar-1985",
                 "seen 3 - March 1985", "seen 12 sept 1985", "seen 1st, jan 1979"):
        clean, _ = sanitise_text(text)
        assert "[DOB]" in clean and "198" not in clean and "197" not in clean, (text, clean)
