"""Command line: ``intelbench samples`` and ``intelbench demo``.

The demo runs every capability the package has on the sample force and writes its products
under ``out/``. Each capability contributes a step: a function ``(ctx) -> lines`` in a module
of :mod:`intelbench.demo` that writes its files and returns the lines to print. Steps are
listed in :data:`DEMO_STEPS` in the order an analyst would work.
"""

from __future__ import annotations

import argparse
import importlib
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

__all__ = ["DEMO_STEPS", "DemoContext", "main", "run_demo"]

#: (title, "module:function") for each step of the demo, in order.
DEMO_STEPS: list[tuple[str, str]] = [
    ("Workspace", "intelbench.demo.store:demo_step"),
    ("Sample force and intake", "intelbench.demo.intake:demo_step"),
    ("Collection plans and gaps", "intelbench.demo.plans:demo_step"),
    ("Grading summary for the tasking meeting", "intelbench.demo.grading:demo_step"),
    ("Burglary hotspots (Gi*)", "intelbench.demo.geo:hotspots_step"),
    ("Where and when: burglary hotspot map, day by hour", "intelbench.demo.geo:map_step"),
    ("Subject profile: network, key players and OCG map", "intelbench.demo.network:network_step"),
    ("Link chart and i2 Analyst's Notebook export", "intelbench.demo.network:chart_step"),
    ("Dissemination gate", "intelbench.demo.gate:demo_step"),
    ("Problem and subject profiles through the gate", "intelbench.demo.profiles:demo_step"),
]


@dataclass
class DemoContext:
    """What every demo step shares: the data folder, the output folder and a scratch dict.

    Attributes
    ----------
    data : Path
        The sample force folder (``data_samples/``).
    out : Path
        Where products are written (``out/``).
    shared : dict
        Objects one step makes for a later one (the workspace, the crimes frame, ...).
    """

    data: Path
    out: Path
    shared: dict[str, Any] = field(default_factory=dict)


def run_demo(data: Path, out: Path, steps: Sequence[tuple[str, str]] = DEMO_STEPS,
             emit: Callable[[str], None] | None = None) -> list[str]:
    """Run each demo step in order and return the report lines.

    Parameters
    ----------
    data : Path
        The sample force folder.
    out : Path
        The output folder; created if missing.
    steps : sequence of (title, "module:function")
        The steps to run.
    emit : callable, optional
        Called with each line as soon as its step ends (the command line passes
        ``tqdm.write``, so lines never break a progress bar).

    Returns
    -------
    list of str
        Lines describing what each step wrote.
    """
    out.mkdir(parents=True, exist_ok=True)
    ctx = DemoContext(data=Path(data), out=Path(out))
    lines: list[str] = []
    for title, target in steps:
        module_name, func_name = target.split(":")
        func = getattr(importlib.import_module(module_name), func_name)
        t0 = time.perf_counter()
        step_lines = func(ctx)
        new = [f"== {title} ({time.perf_counter() - t0:.1f} s)", *(f"   {x}" for x in step_lines)]
        lines.extend(new)
        if emit is not None:
            for line in new:
                emit(line)
    return lines


def _cmd_samples(args: argparse.Namespace) -> int:
    from intelbench.samples import write_samples

    written = write_samples(Path(args.out), seed=args.seed)
    for path in written:
        print(path)
    return 0


def _cmd_demo(args: argparse.Namespace) -> int:
    import os

    if not sys.stderr.isatty():  # progress bars only on a terminal, never in a log file
        os.environ.setdefault("TQDM_DISABLE", "1")
    from tqdm.auto import tqdm

    run_demo(Path(args.data), Path(args.out), emit=lambda line: tqdm.write(line, file=sys.stdout))
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of the ``intelbench`` command."""
    parser = argparse.ArgumentParser(prog="intelbench", description=__doc__.splitlines()[0])
    sub = parser.add_subparsers(dest="command", required=True)
    p_samples = sub.add_parser("samples", help="write the synthetic sample force")
    p_samples.add_argument("--out", default="data_samples")
    p_samples.add_argument("--seed", type=int, default=2026)
    p_samples.set_defaults(func=_cmd_samples)
    p_demo = sub.add_parser("demo", help="run every capability on the sample force")
    p_demo.add_argument("--data", default="data_samples")
    p_demo.add_argument("--out", default="out")
    p_demo.set_defaults(func=_cmd_demo)
    args = parser.parse_args(argv)
    result: int = args.func(args)
    return result


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
