"""E.164 normalisation against methods.md B15 and against libphonenumber; IMEI and IMSI."""

from __future__ import annotations

import numpy as np
import pandas as pd
import phonenumbers
import pytest

import intelbench as ib


@pytest.mark.parametrize(("raw", "e164"), [
    ("+44 (0)161 496 0001", "+441614960001"),      # the methods.md B15 example
    ("0161 496 0001", "+441614960001"),
    ("00441614960001", "+441614960001"),
    ("441614960001", "+441614960001"),
    ("+44 0161 4960001", "+441614960001"),
    ("07700 900123", "+447700900123"),             # Ofcom drama range: well-formed UK
    ("020 7946 0123", "+442079460123"),
    ("0044 20 7946 0123", "+442079460123"),
    ("+1 (202) 555-0143", "+12025550143"),
    ("0033 1 23 45 67 89", "+33123456789"),
])
def test_normalise_valid(raw: str, e164: str) -> None:
    assert ib.comms.normalise_number(raw) == e164


@pytest.mark.parametrize("raw", ["", "Withheld", "12345", "0770090", "07700 900123 4567",
                                 "+999 1234 5678", "+44 0", "O7700 900123", None])
def test_normalise_invalid(raw: str | None) -> None:
    assert ib.comms.normalise_number(raw) is None


@pytest.mark.parametrize("raw", ["020 7031 3000", "0161 234 5000", "07911 123456",
                                 "+44 (0)113 222 4444", "0044 1632 960 001", "01865 270000"])
def test_uk_rule_agrees_with_libphonenumber(raw: str) -> None:
    """Our UK rule gives the same E.164 string as libphonenumber's parse and format."""
    ref = phonenumbers.format_number(phonenumbers.parse(raw, "GB"),
                                     phonenumbers.PhoneNumberFormat.E164)
    assert ib.comms.normalise_number(raw) == ref


def test_normalise_numbers_keeps_index_and_missing() -> None:
    s = pd.Series(["07700 900123", "bad", None], index=[10, 11, 12])
    out = ib.comms.normalise_numbers(s)
    assert out.index.tolist() == [10, 11, 12]
    assert out[10] == "+447700900123" and pd.isna(out[11]) and pd.isna(out[12])


def test_imei_luhn_and_imsi() -> None:
    assert ib.comms.is_imei("490154203237518")           # methods.md B15
    assert not ib.comms.is_imei("490154203237517")
    assert not ib.comms.is_imei("49015420323751")
    assert ib.comms.is_imsi("234150000000001") and not ib.comms.is_imsi("2341500000000012")


def test_vectorised_normalisation_agrees_with_the_scalar_rule() -> None:
    """normalise_unique (Arrow kernels) gives what normalise_number gives, value for value."""
    import random

    from intelbench.comms.numbers import normalise_unique

    rng = random.Random(7)
    pieces = [*"0123456789" * 4, *" +-()./", "\xa0", "\u0663", "a", "\t", "44", "(0)",
              "+44", "00", "+44 (0)", "+44(0)", "07", "0044", "447", "+1"]
    vals: list[str | None] = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 16)))
                              for _ in range(20_000)]
    vals += ["07700 900123", "447700900123", "+44 (0)7700 900123", "0033 1 23 45 67 89",
             "+1 202 555 0143", "00 1 202 555 0143", "12025550143", None, "", "  "]
    got = normalise_unique(np.array(vals, dtype=object)).tolist()
    expect = [ib.comms.normalise_number(v) for v in vals]
    assert got == expect
    assert sum(e is not None for e in expect) > 200
