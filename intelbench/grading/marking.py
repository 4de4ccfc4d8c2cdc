"""Security markings of intelligence records: Government Security Classifications only.

Since 2 April 2014 the Government Security Classifications (GSC) have three tiers, OFFICIAL,
SECRET and TOP SECRET; OFFICIAL-SENSITIVE is OFFICIAL with a SENSITIVE marking (domain.md
A6.29). They replaced the GPMS markings (UNCLASSIFIED, PROTECT, RESTRICTED, CONFIDENTIAL).

- A **new** record carries a GSC marking only.
- A **legacy** record keeps its GPMS marking verbatim, read-only: nothing rewrites it, and
  the dissemination gate refuses it at export. A record is legacy when it was created before
  the GSC took effect, or is graded in a legacy scheme (5x5x5 or Admiralty, kept in
  ``scheme`` or, after a re-grade, ``legacy_scheme``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import numpy as np
import pandas as pd

__all__ = [
    "GSC_EFFECTIVE",
    "GSC_MARKINGS",
    "LEGACY_MARKINGS",
    "is_legacy_record",
    "legacy_record_mask",
    "marking_problem",
    "normalise_marking",
]

#: The GSC markings a new record may carry, lowest first.
GSC_MARKINGS: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
#: GPMS markings that only legacy records keep (SECRET and TOP SECRET carried over).
LEGACY_MARKINGS: tuple[str, ...] = ("UNCLASSIFIED", "PROTECT", "RESTRICTED", "CONFIDENTIAL")
#: The day the GSC took effect (domain.md A6.29).
GSC_EFFECTIVE = dt.date(2014, 4, 2)

_LEGACY_SCHEMES = frozenset({"5X5X5", "ADMIRALTY", "NATO"})


def normalise_marking(value: Any) -> str:
    """Return a marking in its usual spelling (``"top-secret"`` -> ``"TOP SECRET"``).

    Missing values give ``""``; unknown text is returned upper-cased.

    Examples
    --------
    >>> ib.grading.marking.normalise_marking(" official sensitive ")
    'OFFICIAL-SENSITIVE'
    """
    if value is None or (isinstance(value, float) and value != value) or value is pd.NA:
        return ""
    text = " ".join(str(value).upper().replace("_", " ").replace("-", " ").split())
    if text == "OFFICIAL SENSITIVE":
        return "OFFICIAL-SENSITIVE"
    return text


def _blank(value: Any) -> bool:
    return value is None or value is pd.NA or value is pd.NaT or (
        isinstance(value, float) and value != value) or (
        isinstance(value, str) and not value.strip())


def _created(value: Any) -> dt.date | None:
    if _blank(value):
        return None
    try:
        stamp = pd.Timestamp(value)
    except (ValueError, TypeError):
        return None
    return None if stamp is pd.NaT else stamp.date()


def is_legacy_record(doc: Mapping[str, Any], *, gsc_effective: dt.date = GSC_EFFECTIVE
                     ) -> bool:
    """Whether a record is legacy: created before the GSC, or graded in a legacy scheme.

    Examples
    --------
    >>> from intelbench.grading.marking import is_legacy_record
    >>> is_legacy_record({"created_at": "2012-05-01 08:00", "scheme": "3x5x2"})
    True
    >>> is_legacy_record({"created_at": "2026-05-01 08:00", "scheme": "3x5x2"})
    False
    >>> is_legacy_record({"created_at": None, "scheme": "5x5x5"})
    True
    """
    for key in ("scheme", "legacy_scheme"):
        if not _blank(doc.get(key)) and str(doc.get(key)).strip().upper() in _LEGACY_SCHEMES:
            return True
    created = _created(doc.get("created_at"))
    return created is not None and created < gsc_effective


def legacy_record_mask(frame: pd.DataFrame, *, gsc_effective: dt.date = GSC_EFFECTIVE
                       ) -> np.ndarray:
    """:func:`is_legacy_record` for every row of a frame, vectorised."""
    n = len(frame)
    out = np.zeros(n, dtype=bool)
    for key in ("scheme", "legacy_scheme"):
        if key in frame:
            col = frame[key].astype("string").str.strip().str.upper()
            out |= col.isin(list(_LEGACY_SCHEMES)).fillna(False).to_numpy(dtype=bool)
    if "created_at" in frame:
        created = pd.to_datetime(frame["created_at"], errors="coerce")
        early = (created < pd.Timestamp(gsc_effective)).fillna(False)
        out |= early.to_numpy(dtype=bool)
    return out


def marking_problem(value: Any, *, legacy: bool) -> str:
    """Return what is wrong with a record's marking (``""`` when it is allowed).

    A new record must carry a GSC marking; a legacy record may also keep a GPMS marking.
    An empty marking is left to other checks (the gate requires one at export).

    Examples
    --------
    >>> from intelbench.grading.marking import marking_problem
    >>> marking_problem("RESTRICTED", legacy=True)
    ''
    >>> marking_problem("RESTRICTED", legacy=False)[:60]
    "classification 'RESTRICTED' is a legacy GPMS marking; a new "
    """
    mark = normalise_marking(value)
    if mark == "" or mark in GSC_MARKINGS:
        return ""
    allowed = ", ".join(GSC_MARKINGS)
    if mark in LEGACY_MARKINGS:
        if legacy:
            return ""
        return (f"classification {mark!r} is a legacy GPMS marking; a new record carries a "
                f"Government Security Classification ({allowed}). GPMS markings stay, "
                f"verbatim and read-only, only on legacy records (created before "
                f"{GSC_EFFECTIVE:%d %B %Y} or graded in 5x5x5/Admiralty)")
    return f"classification {str(value).strip()!r} is not a marking; allowed {allowed}"
