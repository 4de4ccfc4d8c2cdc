"""Support for the dissemination tests: a workspace (the real one once the store lands) and
helpers that read every output format back as text."""

from __future__ import annotations

import copy
import hashlib
import io
import json
import re
import sqlite3
import zipfile
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd


class _FakeAudit:
    """Append-only, hash-chained audit log with the store's API (used until the store lands)."""

    ACTIONS = {"COLLECT", "ALTER", "CONSULT", "DISCLOSE", "COMBINE", "ERASE", "OSINT_QUERY"}

    def __init__(self, analyst: str) -> None:
        self._rows: list[dict[str, Any]] = []
        self._analyst = analyst

    def record(self, action: str, *, justification: str, record_ref: str,
               recipient: str | None = None, detail: dict | None = None) -> dict[str, Any]:
        assert action in self.ACTIONS, action
        assert justification, "justification required"
        prev = self._rows[-1]["hash"] if self._rows else "0" * 64
        row = {"seq": len(self._rows) + 1, "at": datetime.now(UTC).isoformat(), "action": action,
               "analyst": self._analyst, "justification": justification,
               "record_ref": record_ref, "recipient": recipient,
               "detail": json.dumps(detail or {}, sort_keys=True, default=str), "prev": prev}
        row["hash"] = hashlib.sha256(json.dumps(row, sort_keys=True).encode()).hexdigest()
        self._rows.append(row)
        return dict(row)

    def verify(self) -> bool:
        prev = "0" * 64
        for row in self._rows:
            body = {k: v for k, v in row.items() if k != "hash"}
            assert body["prev"] == prev
            digest = hashlib.sha256(json.dumps(body, sort_keys=True).encode()).hexdigest()
            assert digest == row["hash"]
            prev = row["hash"]
        return True

    def entries(self, action: str | None = None) -> pd.DataFrame:
        df = pd.DataFrame(self._rows)
        if action is not None and len(df):
            df = df[df["action"] == action]
        return df.reset_index(drop=True)


class FakeWorkspace:
    def __init__(self, path: Path, analyst: str = "A. Analyst", role: str = "ANALYST") -> None:
        self.path, self.analyst, self.role = Path(path), analyst, role
        self._docs: dict[tuple[str, str], list[dict]] = {}
        self.audit = _FakeAudit(analyst)

    def put(self, kind: str, key: str, doc: dict, *, action: str = "ALTER",
            justification: str = "", audit: bool = True) -> int:
        json.dumps(doc, default=str)
        revs = self._docs.setdefault((kind, key), [])
        revs.append(copy.deepcopy(doc))
        if audit:
            self.audit.record(action, justification=justification or "saved", record_ref=key)
        return len(revs)

    def get(self, kind: str, key: str, revision: int | None = None) -> dict:
        revs = self._docs[(kind, key)]
        return copy.deepcopy(revs[-1] if revision is None else revs[revision - 1])

    def keys(self, kind: str) -> list[str]:
        return sorted(k for (kd, k) in self._docs if kd == kind)

    def exists(self, kind: str, key: str) -> bool:
        return (kind, key) in self._docs


def make_workspace(path: Path) -> Any:
    import intelbench as ib

    try:
        Workspace = ib.Workspace
    except AttributeError:
        return FakeWorkspace(path)
    return Workspace(path, analyst="A. Analyst", role="ANALYST")


# -- reading outputs back ------------------------------------------------------------------
def extracted_text(path: Path) -> str:
    """All text a person or program could get out of the file, whatever its format."""
    data = path.read_bytes()
    parts = [data.decode("utf-8", errors="ignore"), data.decode("latin-1")]
    suffix = path.suffix.lower()
    if suffix in (".xlsx", ".docx"):
        with zipfile.ZipFile(io.BytesIO(data)) as z:
            for name in z.namelist():
                parts.append(z.read(name).decode("utf-8", errors="ignore"))
    elif suffix == ".gpkg":
        con = sqlite3.connect(path)
        try:
            q = "select name from sqlite_master where type='table'"
            tables = [r[0] for r in con.execute(q)]
            for t in tables:
                for row in con.execute(f'select * from "{t}"'):
                    parts.append(" ".join(str(v) for v in row if not isinstance(v, bytes)))
        finally:
            con.close()
    elif suffix == ".png":
        parts.append(png_text(data))
    return "\n".join(parts)


def png_text(data: bytes) -> str:
    """Text chunks (tEXt, zTXt, iTXt) of a PNG."""
    import struct
    import zlib

    out = []
    pos = 8
    while pos < len(data):
        (length,) = struct.unpack(">I", data[pos:pos + 4])
        ctype = data[pos + 4:pos + 8]
        body = data[pos + 8:pos + 8 + length]
        if ctype == b"tEXt":
            out.append(body.replace(b"\x00", b" ").decode("latin-1"))
        elif ctype == b"zTXt":
            key, _, rest = body.partition(b"\x00")
            out.append(key.decode("latin-1") + " " + zlib.decompress(rest[1:]).decode("latin-1"))
        elif ctype == b"iTXt":
            out.append(body.replace(b"\x00", b" ").decode("utf-8", errors="ignore"))
        pos += 12 + length
    return "\n".join(out)


_SEPS = re.compile(r"[\s.\-_/,()+]+")


def squash(text: str) -> str:
    """Lower-case and drop common separators, so '07700 900-123' and '07700900123' compare equal."""
    return _SEPS.sub("", text.lower())


def leaks(path: Path, secrets: list[str]) -> list[str]:
    """The planted secrets found in the file (raw bytes or extracted text), ignoring case and
    separators."""
    text = squash(extracted_text(path))
    return [s for s in secrets if squash(s) and squash(s) in text]
