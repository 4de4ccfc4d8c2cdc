"""Event icons (shape and colour) by kind, shared by the HTML timeline and its static picture."""

from __future__ import annotations

__all__ = ["KIND_STYLES", "MPL_MARKERS", "PALETTE", "SHAPES", "kind_style"]

#: Shapes the timeline script can draw (and their matplotlib markers for the static picture).
SHAPES = ("circle", "square", "triangle", "diamond", "star", "hexagon", "cross", "house")
MPL_MARKERS = {"circle": "o", "square": "s", "triangle": "^", "diamond": "D", "star": "*",
               "hexagon": "h", "cross": "X", "house": "p"}
#: Colours for kinds without a fixed style, in order (colour-blind-safe Okabe-Ito, then Tol).
PALETTE = ("#0072B2", "#E69F00", "#009E73", "#CC79A7", "#D55E00", "#56B4E9", "#882255",
           "#44AA99", "#999933", "#332288")
#: Fixed icons for the kinds analysts meet most (calls, meetings, offences, sightings...).
KIND_STYLES: dict[str, tuple[str, str]] = {
    "voice": ("circle", "#0072B2"),
    "call": ("circle", "#0072B2"),
    "sms": ("square", "#56B4E9"),
    "data": ("triangle", "#999933"),
    "meeting": ("diamond", "#CC79A7"),
    "association": ("diamond", "#CC79A7"),
    "family": ("hexagon", "#882255"),
    "offence": ("star", "#D55E00"),
    "offending": ("star", "#D55E00"),
    "arrest": ("cross", "#332288"),
    "sighting": ("triangle", "#009E73"),
    "vehicle": ("triangle", "#009E73"),
    "address": ("house", "#E69F00"),
    "phone": ("square", "#44AA99"),
    "report": ("circle", "#555555"),
}


def kind_style(kind: str, position: int) -> tuple[str, str]:
    """Return (shape, colour) of a kind; unknown kinds take shapes and colours in turn."""
    key = kind.strip().lower()
    if key in KIND_STYLES:
        return KIND_STYLES[key]
    return SHAPES[position % len(SHAPES)], PALETTE[position % len(PALETTE)]
