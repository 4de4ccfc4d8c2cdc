"""intelbench: a JupyterLab workbench for police intelligence analysts.

The top-level namespace is curated and lazy: ``import intelbench`` loads only this file and
:mod:`intelbench.exceptions`. Each public name is imported from its module on first use, so
the heavy scientific stack (and never ipywidgets, folium or matplotlib) loads only when an
analyst reaches for it.
"""

from __future__ import annotations

import importlib
from typing import Any

from intelbench.exceptions import (
    AuditIntegrityError,
    CRSError,
    DisseminationRefused,
    DocumentNotFoundError,
    GradingError,
    IntelbenchError,
    IntelbenchWarning,
    NetworkInputError,
    ParameterError,
    PlanError,
    ProfileError,
    SanitisationError,
    SchemaError,
    StoreError,
)

__version__ = "0.1.0"

# public name -> (module, attribute); attribute None means the module itself.
_LAZY: dict[str, tuple[str, str | None]] = {
    # Each capability adds its modules and curated entry points here.
    "network": ("intelbench.network", None),
    "store": ("intelbench.store", None),
    "audit": ("intelbench.store.audit", None),
    "Workspace": ("intelbench.store", "Workspace"),
    "samples": ("intelbench.samples", None),
    "intake": ("intelbench.intake", None),
    "io": ("intelbench.intake", None),
    "comms": ("intelbench.comms", None),
    "read_police_uk": ("intelbench.intake", "read_police_uk"),
    "read_table": ("intelbench.intake", "read_table"),
    "geo": ("intelbench.geo", None),
    "grading": ("intelbench.grading", None),
    "reports": ("intelbench.grading.reports", None),
    "forms": ("intelbench.forms", None),
    "Grade": ("intelbench.grading", "Grade"),
    "GradingPolicy": ("intelbench.grading.policy", "GradingPolicy"),
    "LegacyGrade": ("intelbench.grading.legacy", "LegacyGrade"),
    "validate_grades": ("intelbench.grading.checks", "validate_grades"),
    "grading_summary": ("intelbench.grading.overview", "grading_summary"),
    "read_reports": ("intelbench.grading.reports", "read_reports"),
    "plans": ("intelbench.plans", None),
    "CollectionPlan": ("intelbench.plans", "CollectionPlan"),
    "Question": ("intelbench.plans", "Question"),
    "sanitise": ("intelbench.gate.sanitise", None),
    "gate": ("intelbench.gate", None),
    "osint": ("intelbench.gate.osint", None),
    "Recipient": ("intelbench.gate", "Recipient"),
    "disseminate": ("intelbench.gate", "disseminate"),
    "profiles": ("intelbench.profiles", None),
    "retention": ("intelbench.retention", None),
    "charts": ("intelbench.charts", None),
    "timeline": ("intelbench.charts.timeline", "timeline"),
}

__all__ = [
    "AuditIntegrityError",
    "CRSError",
    "DisseminationRefused",
    "DocumentNotFoundError",
    "GradingError",
    "IntelbenchError",
    "IntelbenchWarning",
    "NetworkInputError",
    "ParameterError",
    "PlanError",
    "ProfileError",
    "SanitisationError",
    "SchemaError",
    "StoreError",
    "__version__",
    *sorted(_LAZY),
]


def __getattr__(name: str) -> Any:
    """Import a public name from its module on first use (PEP 562)."""
    try:
        module_name, attr = _LAZY[name]
    except KeyError:
        raise AttributeError(f"module 'intelbench' has no attribute {name!r}") from None
    module = importlib.import_module(module_name)
    value = module if attr is None else getattr(module, attr)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))



def _frame_html(frame: Any) -> Any:
    from intelbench._display import frame_html_or_default

    return frame_html_or_default(frame)


def _show_frames_at_their_precision() -> None:
    """In IPython, show DataFrames with numbers and dates at the precision they carry.

    Registered by name, so pandas is not imported here; see :mod:`intelbench._display`.
    """
    import sys

    ipython = sys.modules.get("IPython")
    shell = ipython.get_ipython() if ipython is not None else None
    if shell is not None and hasattr(shell, "display_formatter"):
        html = shell.display_formatter.formatters["text/html"]
        for module in ("pandas", "pandas.core.frame"):  # DataFrame.__module__ by version
            html.for_type_by_name(module, "DataFrame", _frame_html)


_show_frames_at_their_precision()
