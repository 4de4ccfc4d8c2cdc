"""Forms: thin ipywidgets front ends over the core (the only package that imports ipywidgets).

Each form is imported on first use, so ``import intelbench.forms`` stays light. To add a form,
add one line to :data:`_FORMS`.
"""

from __future__ import annotations

import importlib
from typing import Any

#: public form name -> module that defines it
_FORMS: dict[str, str] = {
    "GradingForm": "intelbench.forms.grading",
    "GradingApp": "intelbench.forms.grading",
    "CollectionPlanForm": "intelbench.forms.plan",
    "DisseminationForm": "intelbench.forms.dissemination",
    "ReviewForm": "intelbench.forms.retention",
}

__all__ = sorted(_FORMS)


def __getattr__(name: str) -> Any:
    """Import a form from its module on first use (PEP 562)."""
    if name not in _FORMS:
        raise AttributeError(f"module 'intelbench.forms' has no attribute {name!r}")
    value = getattr(importlib.import_module(_FORMS[name]), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
