"""The mark that tells the dissemination gate a frame holds communications data."""

from __future__ import annotations

from typing import Any, TypeVar

__all__ = ["KIND", "KIND_ATTR", "mark"]

#: the attribute the gate reads
KIND_ATTR = "intelbench_kind"
#: its value on every frame :mod:`intelbench.comms` reads or returns
KIND = "communications_data"

F = TypeVar("F")


def mark(frame: F) -> F:
    """Set ``frame.attrs["intelbench_kind"] = "communications_data"`` and return the frame.

    Parameters
    ----------
    frame : DataFrame or GeoDataFrame
        A frame read or derived from communications data (changed in place: it is the
        function's own new frame, never a caller's input).

    Returns
    -------
    the same frame
    """
    attrs: Any = getattr(frame, "attrs", None)
    if attrs is not None:
        attrs[KIND_ATTR] = KIND
    return frame
