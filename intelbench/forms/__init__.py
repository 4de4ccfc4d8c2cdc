"""Widget forms (the only place intelbench imports ipywidgets).

Forms load lazily: ``ib.forms.CollectionPlanForm`` imports ipywidgets on first use only.
"""

from __future__ import annotations

import importlib
from typing import Any

__all__ = ["CollectionPlanForm"]

_FORMS: dict[str, str] = {
    "CollectionPlanForm": "intelbench.forms.plan",
}


def __getattr__(name: str) -> Any:
    """Import a form class from its module on first use (PEP 562)."""
    try:
        module_name = _FORMS[name]
    except KeyError:
        raise AttributeError(f"module 'intelbench.forms' has no attribute {name!r}") from None
    value = getattr(importlib.import_module(module_name), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
