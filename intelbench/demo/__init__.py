"""The ``intelbench`` command and its demo: every capability run on the sample force.

Each module here is one demo step (or two) that imports the library and writes products
under ``out/``; no library module imports this package. :mod:`intelbench.demo.cli` holds the
command line and the list of steps, :data:`~intelbench.demo.cli.DEMO_STEPS`.
"""

from __future__ import annotations

__all__: list[str] = []
