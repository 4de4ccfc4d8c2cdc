"""The public surface: lazy imports, import cost, __all__ in every module."""

from __future__ import annotations

import importlib
import json
import pkgutil
import subprocess
import sys

import intelbench

HEAVY = ["ipywidgets", "folium", "matplotlib", "branca", "playwright"]


def test_import_loads_no_ui_or_plotting_and_is_fast() -> None:
    code = (
        "import sys, time, json; t=time.perf_counter(); import intelbench; "
        "dt=time.perf_counter()-t; "
        f"print(json.dumps({{'dt': dt, 'loaded': [m for m in {HEAVY!r} if m in sys.modules]}}))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    result = json.loads(out.stdout)
    assert result["loaded"] == []
    assert result["dt"] < 1.0


def test_core_modules_load_no_ui_or_plotting() -> None:
    """Importing every non-form module still loads none of the UI or plotting libraries."""
    modules = [
        m.name
        for m in pkgutil.walk_packages(intelbench.__path__, "intelbench.")
        if not m.name.startswith("intelbench.forms") and m.name != "intelbench.__main__"
    ]
    code = (
        "import sys, json, importlib\n"
        f"for m in {modules!r}: importlib.import_module(m)\n"
        f"print(json.dumps([m for m in {HEAVY!r} if m in sys.modules]))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert json.loads(out.stdout) == []


def test_every_module_declares_all() -> None:
    for info in pkgutil.walk_packages(intelbench.__path__, "intelbench."):
        if info.name.endswith("__main__"):
            continue
        module = importlib.import_module(info.name)
        assert hasattr(module, "__all__"), info.name
        for name in module.__all__:
            assert hasattr(module, name), f"{info.name}.{name} in __all__ but missing"


def test_lazy_names_resolve() -> None:
    for name in intelbench.__all__:
        assert getattr(intelbench, name) is not None, name


def test_unknown_attribute_raises_attribute_error() -> None:
    try:
        intelbench.no_such_thing  # noqa: B018
    except AttributeError as exc:
        assert "no_such_thing" in str(exc)
    else:  # pragma: no cover
        raise AssertionError("expected AttributeError")


def test_exceptions_are_builtin_types_too() -> None:
    from intelbench import exceptions as ex

    assert issubclass(ex.GradingError, ValueError)
    assert issubclass(ex.PlanError, ValueError)
    assert issubclass(ex.SchemaError, ValueError)
    assert issubclass(ex.DisseminationRefused, PermissionError)
    for name in ex.__all__:
        cls = getattr(ex, name)
        if name != "IntelbenchWarning":
            assert issubclass(cls, ex.IntelbenchError)


def test_one_version_source() -> None:
    import importlib.metadata

    import intelbench

    assert intelbench.__version__ == importlib.metadata.version("intelbench")
