"""Forms: the only code that imports ipywidgets. Each form is imported on first use."""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["DisseminationForm"]

_LAZY: dict[str, str] = {
    "DisseminationForm": "intelbench.forms.dissemination",
}


def __getattr__(name: str) -> Any:
    """Import a form from its module on first use (PEP 562)."""
    try:
        module = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'intelbench.forms' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
