"""The audit chain's arithmetic: entry hashes (plain and keyed) and the check of a whole log.

Entries written before a workspace was bound to an audit key (workspaces made by earlier
versions) keep their plain SHA-256 chain and are checked as before; every entry from
``keyed_from`` on is an HMAC-SHA-256 under the audit key over the same canonical JSON, linked
to the previous entry's hash. :func:`check_rows` walks the log once and names the first bad
entry: an edit, a deletion, an insertion, a move, a re-chaining without the key, a
truncation below an anchored head, or entries added outside the store.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from collections.abc import Iterable, Mapping
from typing import Any, NoReturn

from intelbench.exceptions import AuditIntegrityError
from intelbench.store.anchor import AnchorRecord
from intelbench.store.db import GENESIS_HASH, canonical_json, sha256_hex

__all__ = [
    "HASHED_FIELDS",
    "check_rows",
    "entry_hash",
    "entry_mac",
    "entry_text",
    "fail",
    "mac_text",
]

#: The fields an entry's hash covers, in the order they are shown.
HASHED_FIELDS = (
    "seq",
    "timestamp",
    "analyst",
    "role",
    "action",
    "justification",
    "record_ref",
    "recipient",
    "detail",
    "prev_hash",
)


def entry_hash(fields: Mapping[str, Any]) -> str:
    """Plain SHA-256 over the canonical JSON of an entry's hashed fields (entries before the key).

    Parameters
    ----------
    fields : mapping
        At least ``seq, timestamp, analyst, role, action, justification, record_ref,
        recipient, detail, prev_hash``; other keys (such as ``hash``) are ignored.

    Returns
    -------
    str
        64 hex digits.

    Examples
    --------
    >>> from intelbench.store.chain import entry_hash
    >>> fields = dict(seq=1, timestamp="2026-01-01T00:00:00+00:00", analyst="A", role="ANALYST",
    ...               action="COLLECT", justification="", record_ref="plan/p1@1", recipient=None,
    ...               detail={}, prev_hash="0" * 64)
    >>> len(entry_hash(fields))
    64
    """
    return sha256_hex(canonical_json({name: fields[name] for name in HASHED_FIELDS}))


def entry_mac(fields: Mapping[str, Any], key: bytes) -> str:
    """HMAC-SHA-256 under ``key`` over the canonical JSON of an entry's hashed fields.

    Examples
    --------
    >>> from intelbench.store.chain import entry_hash, entry_mac
    >>> fields = dict(seq=1, timestamp="2026-01-01T00:00:00+00:00", analyst="A", role="ANALYST",
    ...               action="COLLECT", justification="", record_ref="plan/p1@1", recipient=None,
    ...               detail={}, prev_hash="0" * 64)
    >>> entry_mac(fields, b"k" * 32) != entry_hash(fields)
    True
    """
    text = canonical_json({name: fields[name] for name in HASHED_FIELDS})
    return hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()


_ENC = json.encoder.encode_basestring  # the str encoder json.dumps uses with ensure_ascii=False


def entry_text(fields: Mapping[str, Any], detail_json: str) -> str:
    """Return the canonical JSON of an entry's hashed fields, its detail given serialised.

    The same text as ``canonical_json`` of the fields (sorted keys, compact separators), built
    directly: the store serialises each entry's detail once, for the row and the hash alike.
    ``detail_json`` must be the canonical JSON of ``fields["detail"]``.

    Examples
    --------
    >>> from intelbench.store.chain import entry_text
    >>> from intelbench.store.db import canonical_json
    >>> fields = dict(seq=1, timestamp="2026-01-01T00:00:00+00:00", analyst="Ä", role="ANALYST",
    ...               action="COLLECT", justification='say "why"', record_ref="plan/p1@1",
    ...               recipient=None, detail={"n": 1}, prev_hash="0" * 64)
    >>> entry_text(fields, canonical_json(fields["detail"])) == canonical_json(fields)
    True
    """
    recipient = fields["recipient"]
    return (
        f'{{"action":{_ENC(fields["action"])},"analyst":{_ENC(fields["analyst"])},'
        f'"detail":{detail_json},"justification":{_ENC(fields["justification"])},'
        f'"prev_hash":{_ENC(fields["prev_hash"])},'
        f'"recipient":{"null" if recipient is None else _ENC(recipient)},'
        f'"record_ref":{_ENC(fields["record_ref"])},"role":{_ENC(fields["role"])},'
        f'"seq":{int(fields["seq"])},"timestamp":{_ENC(fields["timestamp"])}}}'
    )


def mac_text(key: bytes, text: str) -> str:
    """HMAC-SHA-256 under ``key`` of the UTF-8 bytes of ``text``, as 64 hex digits."""
    return hmac.digest(key, text.encode("utf-8"), "sha256").hex()


def _row_text(row: Any) -> str:
    """Return the canonical JSON of a stored row (stored values are JSON-native already)."""
    fields = {
        "seq": int(row.seq),
        "timestamp": row.timestamp,
        "analyst": row.analyst,
        "role": row.role,
        "action": row.action,
        "justification": row.justification,
        "record_ref": row.record_ref,
        "recipient": row.recipient,
        "detail": json.loads(row.detail),
        "prev_hash": row.prev_hash,
    }
    return json.dumps(
        fields, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
    )


def fail(seq: int, message: str) -> NoReturn:
    """Raise :class:`AuditIntegrityError` naming entry ``seq`` (also set as ``.seq``)."""
    err = AuditIntegrityError(f"audit log does not verify: {message} [first bad entry: seq {seq}]")
    err.seq = seq  # type: ignore[attr-defined]
    raise err


def check_rows(
    rows: Iterable[Any],
    *,
    key: bytes | None,
    keyed_from: int | None,
    anchors: list[AnchorRecord],
    expected_head: tuple[int, str] | None = None,
) -> tuple[int, str]:
    """Check stored rows in ``seq`` order; return the last ``(seq, hash)`` or raise.

    Parameters
    ----------
    rows : iterable
        Rows of the audit table, ordered by ``seq``.
    key : bytes or None
        The audit key (needed when any entry is keyed).
    keyed_from : int or None
        The first keyed entry (None: none is keyed).
    anchors : list of AnchorRecord
        Signed heads kept outside the workspace; each anchored entry must still have the
        anchored hash, and the log must reach the furthest one.
    expected_head : (int, str), optional
        A head kept by the caller, checked like an anchor.
    """
    pinned: dict[int, tuple[str, str]] = {}
    for rec in anchors:
        pinned[rec.seq] = (rec.hash, f"the anchored head of {rec.time} ({rec.reason})")
    if expected_head is not None:
        pinned[int(expected_head[0])] = (str(expected_head[1]), "the expected head")
    expected = 1
    prev = GENESIS_HASH
    for row in rows:
        seq = int(row.seq)
        if seq != expected:
            if seq > expected:
                fail(expected, f"entry {expected} is missing (the next entry is {seq})")
            fail(seq, f"entry {seq} is out of sequence (expected entry {expected})")
        if row.prev_hash != prev:
            fail(
                seq,
                f"entry {seq} does not link to entry {seq - 1} (an entry was inserted, "
                "deleted, moved or rewritten at or before this point)",
            )
        try:
            text = _row_text(row)
        except (ValueError, TypeError):
            fail(seq, f"entry {seq} cannot be read (its detail is not valid JSON)")
        plain = sha256_hex(text)
        if keyed_from is not None and seq >= keyed_from:
            if key is None:
                fail(seq, f"entry {seq} is keyed but no audit key is available")
            digest = hmac.new(key, text.encode("utf-8"), hashlib.sha256).hexdigest()
            if not hmac.compare_digest(digest, str(row.hash)):
                if plain == row.hash:
                    fail(
                        seq,
                        f"entry {seq} carries a plain SHA-256 where the keyed hash belongs: the "
                        "chain was recomputed without the audit key (re-chained)",
                    )
                fail(seq, f"entry {seq} does not match its keyed hash (it was edited)")
        elif plain != row.hash:
            fail(seq, f"entry {seq} does not match its hash (it was edited)")
        if seq in pinned and pinned[seq][0] != row.hash:
            fail(seq, f"entry {seq} does not match {pinned[seq][1]}: it was rewritten")
        prev = str(row.hash)
        expected += 1
    last = expected - 1
    if pinned:
        furthest = max(pinned)
        if furthest > last:
            fail(
                last + 1,
                f"entry {last + 1} is missing: the log ends at entry {last} but "
                f"{pinned[furthest][1]} is entry {furthest} (the log was truncated)",
            )
    return last, prev
