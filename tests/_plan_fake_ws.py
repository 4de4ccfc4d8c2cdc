"""An in-memory stand-in for ``ib.Workspace`` (the BRIEF API), used until the store lands."""

from __future__ import annotations

import copy
import datetime as dt
from typing import Any

import pandas as pd

from intelbench.exceptions import StoreError


class _MissingError(StoreError, KeyError):
    pass


class _Audit:
    def __init__(self) -> None:
        self.log: list[dict[str, Any]] = []

    def record(self, action: str, **kw: Any) -> dict[str, Any]:
        entry = {"action": action, **kw}
        self.log.append(entry)
        return entry


class FakeWorkspace:
    def __init__(self, analyst: str = "A. Analyst") -> None:
        self.analyst = analyst
        self.role = "ANALYST"
        self.path = None
        self.docs: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.audit = _Audit()
        self.clock = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)

    def put(self, kind: str, key: str, doc: dict, *, action: str = "ALTER",
            justification: str = "", audit: bool = True) -> int:
        revs = self.docs.setdefault((kind, key), [])
        self.clock += dt.timedelta(minutes=1)
        revs.append({"revision": len(revs) + 1, "saved_at": self.clock, "analyst": self.analyst,
                     "doc": copy.deepcopy(doc)})
        if audit:
            self.audit.record(action, justification=justification, record_ref=f"{kind}/{key}")
        return len(revs)

    def get(self, kind: str, key: str, revision: int | None = None) -> dict:
        revs = self.docs.get((kind, key))
        if not revs:
            raise _MissingError(f"{kind}/{key}")
        if revision is None:
            return copy.deepcopy(revs[-1]["doc"])
        for r in revs:
            if r["revision"] == revision:
                return copy.deepcopy(r["doc"])
        raise _MissingError(f"{kind}/{key}@{revision}")

    def history(self, kind: str, key: str) -> pd.DataFrame:
        revs = self.docs.get((kind, key), [])
        return pd.DataFrame(copy.deepcopy(revs),
                            columns=["revision", "saved_at", "analyst", "doc"])

    def keys(self, kind: str) -> list[str]:
        return sorted(k for (c, k), v in self.docs.items() if c == kind and v)

    def exists(self, kind: str, key: str) -> bool:
        return bool(self.docs.get((kind, key)))

    def delete(self, kind: str, key: str, *, justification: str) -> None:
        self.docs.pop((kind, key), None)
        self.audit.record("ERASE", justification=justification, record_ref=f"{kind}/{key}")
