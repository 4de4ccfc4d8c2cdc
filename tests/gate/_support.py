"""Support for the dissemination tests: a workspace and helpers that read every output format
back as text."""

from __future__ import annotations

import io
import re
import sqlite3
import zipfile
from pathlib import Path
from typing import Any

from tests._identity import open_as


def make_workspace(path: Path) -> Any:

    return open_as("A. Analyst", path, role="ANALYST")


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


# -- sending HTML products through the gate --------------------------------------------------
def html_request(tmp_path: Path, purpose: str, **extra: Any) -> dict[str, Any]:
    """Keyword arguments of ``ib.disseminate`` for an HTML product to a police analyst.

    The output folder and the workspace are made under ``tmp_path``; ``extra`` adds or
    replaces arguments (``known=``, ...).
    """
    from intelbench import gate as dm

    out = tmp_path / "out"
    out.mkdir(exist_ok=True)
    return dict(
        to=dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE"),
        purpose=purpose, basis="Prevent offences",
        necessity=f"Necessary and proportionate for the {purpose.lower()}",
        path=out, fmt="html", ws=make_workspace(tmp_path / "ws"), **extra,
    )


def send_released(product: Any, req: dict[str, Any]) -> Any:
    """Disseminate after a dry run, releasing every value the dry run flagged."""
    from intelbench import gate as dm

    dry = dm.disseminate(product, dry_run=True, **req)
    rel = dry.release(*dry.flagged["id"]) if len(dry.flagged) else None
    return dm.disseminate(product, release=rel, **req)
