"""Sphinx configuration for the intelbench documentation (``make docs``).

The API reference is generated at build time from each public module's ``__all__`` (see
``_write_api_pages``), so a name added to a module appears in the reference without editing
these files, and a broken docstring fails the build (``-W``). Nothing is fetched from the
internet: no intersphinx, no CDN theme, no MathJax.
"""

from __future__ import annotations

import importlib
import inspect
import os
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
# Document the source tree next to this file, whatever intelbench the venv has installed.
sys.path.insert(0, str(ROOT))
os.environ.setdefault("MPLBACKEND", "Agg")

import intelbench  # noqa: E402

project = "intelbench"
author = "The intelbench developers"
copyright = "2026, The intelbench developers"
version = release = intelbench.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "numpydoc",
]
exclude_patterns = ["_build"]
templates_path: list[str] = []
root_doc = "index"
language = "en"
nitpicky = False

# --- autodoc / numpydoc --------------------------------------------------------------------
autodoc_default_options = {"member-order": "bysource"}
autodoc_typehints = "none"  # numpydoc's Parameters sections carry the types
autodoc_inherit_docstrings = False
autosummary_generate = False
numpydoc_show_class_members = False  # members are documented by autoclass :members:
numpydoc_class_members_toctree = False
numpydoc_validation_checks: set[str] = set()  # ruff's pydocstyle (numpy) checks style
numpydoc_xref_param_type = False
numpydoc_attributes_as_param_list = True

# --- HTML: the default theme, every asset local ---------------------------------------------
html_theme = "alabaster"
html_theme_options = {
    "description": "A JupyterLab workbench for police intelligence analysts",
    "show_powered_by": False,
    "show_relbars": True,
    "fixed_sidebar": False,
    "page_width": "1160px",
    "sidebar_width": "240px",
}
html_sidebars = {"**": ["about.html", "navigation.html", "relations.html", "searchbox.html"]}
html_static_path: list[str] = []
html_show_sourcelink = False
html_copy_source = False
html_last_updated_fmt = None

# The public modules of the API reference, in reading order: (module, heading).
API_MODULES: list[tuple[str, str]] = [
    ("intelbench.store", "Workspace and audit log"),
    ("intelbench.intake", "Intake: data.police.uk and force extracts"),
    ("intelbench.intake.bulk", "Intake: ten years through DuckDB and Parquet"),
    ("intelbench.intake.engines", "Intake: choosing pandas or DuckDB"),
    ("intelbench.intake.cube", "Intake: emerging hot spots from the SQL cube"),
    ("intelbench.grading", "Grading (3x5x2)"),
    ("intelbench.plans", "Collection plans"),
    ("intelbench.geo", "Where and when (geo)"),
    ("intelbench.network", "Networks"),
    ("intelbench.network.chart_style", "Link charts: icons and link styles"),
    ("intelbench.network.chart_attrs", "Link charts: analysis on the chart"),
    ("intelbench.network.chart_layouts", "Link charts: saved layouts"),
    ("intelbench.network.chart_widget", "Link charts: the JupyterLab widget"),
    ("intelbench.comms", "Communications data"),
    ("intelbench.gate", "The dissemination gate"),
    ("intelbench.profiles", "Problem and subject profiles"),
    ("intelbench.retention", "Review, retention and disposal (MoPI)"),
    ("intelbench.charts", "Charts: timelines and heat matrices"),
    ("intelbench.forms", "Forms"),
]


def _defining_module(module: object, name: str, value: object) -> str | None:
    """Return the submodule of a package that defines the constant ``name``, or None."""
    pkg = getattr(module, "__name__", "")
    for modname, mod in sorted(sys.modules.items()):
        if not modname.startswith(pkg + ".") or mod is None:
            continue
        if getattr(mod, name, None) is value and name in getattr(mod, "__all__", ()):
            return modname
    return None


def _attr_doc(where: str, name: str) -> list[str]:
    """Return the ``#:`` comment above ``name`` in module ``where`` (empty if none)."""
    from sphinx.pycode import ModuleAnalyzer

    try:
        docs = ModuleAnalyzer.for_module(where).find_attr_docs()
    except Exception:  # a module without source: no comment to show
        return []
    return [line for line in docs.get(("", name), []) if line.strip()]


def _entry(modname: str, name: str, value: object) -> list[str]:
    full = f"{modname}.{name}"
    if inspect.isclass(value):
        return [f".. autoclass:: {full}", "   :members:", ""]
    if callable(value) and not inspect.ismodule(value):
        return [f".. autofunction:: {full}", ""]
    if inspect.ismodule(value):
        return []
    # A re-exported constant: autodoc would find no ``#:`` comment under the package's name, so
    # the comment is read from the module that defines it and shown as the description.
    # (``py:data`` rather than ``autodata``, which would show the docstring of the value's
    # type, such as ``tuple``'s, for a constant without a comment.)
    out = [f".. py:data:: {name}", f"   :module: {modname}"]
    text = repr(value)
    if len(text) <= 160 and "\n" not in text:
        out.append(f"   :value: {text}")
    else:
        out.append(f"   :type: {type(value).__name__}")
    out.append("")
    where = _defining_module(sys.modules[modname], name, value) or modname
    body = _attr_doc(where, name)
    if where != modname:
        body.append(f"Defined in :mod:`{where}`.")
    out += [f"   {line}" for line in body] + [""]
    return out


def _module_page(modname: str, heading: str) -> str:
    module = importlib.import_module(modname)
    names = list(getattr(module, "__all__", []))
    values = {n: getattr(module, n) for n in names}
    lines = [heading, "=" * len(heading), "", f".. automodule:: {modname}", "   :no-members:", ""]
    public = [n for n in names if not inspect.ismodule(values[n])]
    # Classes and functions in the summary table (a constant's summary would be its type's).
    summary = [n for n in public if callable(values[n])]
    if summary:
        lines += [".. currentmodule:: " + modname, "", ".. autosummary::", ""]
        lines += [f"   {n}" for n in summary]
        lines.append("")
    for kind, test in (("Classes", inspect.isclass),
                       ("Functions", lambda v: callable(v) and not inspect.isclass(v)),
                       ("Constants", lambda v: not callable(v) and not inspect.ismodule(v))):
        chosen = [n for n in public if test(values[n])]
        if not chosen:
            continue
        lines += [kind, "-" * len(kind), ""]
        for n in chosen:
            lines += _entry(modname, n, values[n])
    return "\n".join(lines) + "\n"


def _documented(module: str, attr: str) -> str:
    """Return the name under which the reference documents ``module.attr``."""
    value = getattr(importlib.import_module(module), attr)
    for modname, _ in API_MODULES:
        package = importlib.import_module(modname)
        if attr in getattr(package, "__all__", ()) and getattr(package, attr) is value:
            return f"{modname}.{attr}"
    return f"{module}.{attr}"


def _top_page() -> str:
    """Write the top-level page: the lazy names linked to their home, and the exceptions."""
    import intelbench.exceptions as exc_mod

    lines = ["The ``intelbench`` namespace", "=" * 28, "", ".. automodule:: intelbench",
             "   :no-members:", "", "Entry points", "------------", "",
             "``import intelbench as ib`` gives these names; each is imported from its module on",
             "first use.", "", ".. list-table::", "   :header-rows: 1", "   :widths: 30 70", "",
             "   * - ``ib.`` name", "     - defined in"]
    for name, (module, attr) in sorted(intelbench._LAZY.items()):
        target = f":mod:`{module}`" if attr is None else f":obj:`{_documented(module, attr)}`"
        lines += [f"   * - ``ib.{name}``", f"     - {target}"]
    lines += ["", "Exceptions", "----------", "",
              ".. automodule:: intelbench.exceptions", "   :no-members:", ""]
    for name in exc_mod.__all__:
        lines += [f".. autoexception:: intelbench.exceptions.{name}", "   :show-inheritance:", ""]
    return "\n".join(lines) + "\n"


def _write_api_pages() -> None:
    out = HERE / "api"
    out.mkdir(exist_ok=True)
    pages = {"intelbench.rst": _top_page()}
    for modname, heading in API_MODULES:
        pages[modname.split(".")[-1] + ".rst"] = _module_page(modname, heading)
    for fname, text in pages.items():
        path = out / fname
        # Rewrite only on change, so Sphinx rebuilds only what changed.
        if not path.exists() or path.read_text(encoding="utf-8") != text:
            path.write_text(text, encoding="utf-8")


_write_api_pages()
