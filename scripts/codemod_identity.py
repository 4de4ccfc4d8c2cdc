#!/usr/bin/env python3
"""Codemod (issue 13): the analyst is never an argument of ``Workspace``.

``ib.Workspace(path, analyst=NAME, role=ROLE)`` no longer exists: the analyst is the
operating-system user or a configured identity. This script rewrites every call that still
passes ``analyst=``, so that branches written before the change can be merged and the script
re-run:

- in test code (``tests/**/*.py``) and in doctest lines (``>>>``/``...``) anywhere, into
  ``open_as(NAME, path, role=ROLE)``, the suite's helper (``tests/_identity.py``), which sets
  ``INTELBENCH_ANALYST`` while the workspace is opened; test modules get
  ``from tests._identity import open_as`` (doctests get it from the root ``conftest.py``);
- everywhere else (library code, notebooks, docs, benchmarks), the ``analyst=`` argument is
  dropped: the identity comes from the user's configuration, as it will for a real analyst.

Calls are found as text (``Workspace(``, ``ib.Workspace(``, ``store.Workspace(``, ...), their
arguments split at top-level commas (strings, brackets and doctest continuation prefixes
respected). Assignments to ``ws.analyst``/``ws.role`` (removed setters) are listed, not
rewritten: fix them by hand. The script is idempotent.

Usage::

    python scripts/codemod_identity.py [--check] [PATHS ...]

PATHS default to ``intelbench tests notebooks demo benchmarks docs widgets`` (missing ones
are skipped). ``--check`` changes nothing and exits 1 when a call would change. After
rewriting, ``ruff check --fix --select I001,F401`` tidies the imports of the changed Python
files when ruff is installed beside this Python.
"""

from __future__ import annotations

import argparse
import io
import json
import re
import subprocess
import sys
import tokenize
from pathlib import Path

DEFAULT_PATHS = ("intelbench", "tests", "notebooks", "demo", "benchmarks", "docs", "widgets")
HELPER_IMPORT = "from tests._identity import open_as"
CALL = re.compile(r"(?<![\w.])((?:[A-Za-z_][\w]*\.)*)Workspace\(")
SETTER = re.compile(r"^\s*(?:>>> )?[\w.]*\b\w+\.(analyst|role)\s*(?:,\s*[\w.]+\s*)?=(?!=)", re.M)
DOCTEST_LINE = re.compile(r"^\s*(>>>|\.\.\.)( |$)")
SKIP_PARTS = {".venv", "node_modules", ".git", "__pycache__", "_build", ".ipynb_checkpoints"}
SELF = Path(__file__).resolve()


def _close(text: str, start: int) -> int | None:
    """Index of the ``)`` matching the ``(`` just before ``start`` (None if unbalanced)."""
    depth, i, n = 1, start, len(text)
    while i < n:
        c = text[i]
        if c in "\"'":
            triple = text[i : i + 3] in ('"""', "'''")
            quote = text[i : i + 3] if triple else c
            j = i + len(quote)
            while j < n:
                if text[j] == "\\":
                    j += 2
                    continue
                if text.startswith(quote, j):
                    break
                if not triple and text[j] == "\n":
                    break
                j += 1
            i = j + len(quote)
            continue
        if c == "#":
            while i < n and text[i] != "\n":
                i += 1
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
            if depth == 0:
                return i
        i += 1
    return None


def _split(args: str) -> list[tuple[int, int]]:
    """Spans of the top-level comma-separated arguments of ``args``."""
    spans, depth, i, begin, n = [], 0, 0, 0, len(args)
    while i < n:
        c = args[i]
        if c in "\"'":
            triple = args[i : i + 3] in ('"""', "'''")
            quote = args[i : i + 3] if triple else c
            j = i + len(quote)
            while j < n and not args.startswith(quote, j):
                j += 2 if args[j] == "\\" else 1
            i = j + len(quote)
            continue
        if c in "([{":
            depth += 1
        elif c in ")]}":
            depth -= 1
        elif c == "," and depth == 0:
            spans.append((begin, i))
            begin = i + 1
        i += 1
    spans.append((begin, n))
    return spans


_LEAD = re.compile(r"^(?:\s|\.\.\.(?= |$))*")


def _arg_text(piece: str) -> str:
    """Return an argument without its leading whitespace and doctest continuation prefixes."""
    return piece[_LEAD.match(piece).end() :].rstrip()  # type: ignore[union-attr]


def _rewrite_call(args: str) -> tuple[str, str] | None:
    """Return (analyst expression, the other arguments) or None when there is no analyst=."""
    spans = _split(args)
    for k, (a, b) in enumerate(spans):
        text = _arg_text(args[a:b])
        m = re.match(r"analyst\s*=\s*", text)
        if not m:
            continue
        value = text[m.end() :].strip()
        if k + 1 < len(spans):  # drop this argument and the comma after it
            nxt = spans[k + 1][0]
            rest = args[:a] + (args[nxt:].lstrip(" ") if a == 0 else args[nxt:])
        else:  # the last argument: drop it and the comma before it
            cut = args.rfind(",", 0, a) if k > 0 else a
            rest = args[:cut] + (args[b:] if k > 0 else "")
        return value, rest
    return None


def _string_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the string literals of Python source (empty if it does not parse)."""
    starts = [0]
    for line in text.split("\n"):
        starts.append(starts[-1] + len(line) + 1)
    spans = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(text).readline):
            if tok.type == tokenize.STRING:
                (r0, c0), (r1, c1) = tok.start, tok.end
                spans.append((starts[r0 - 1] + c0, starts[r1 - 1] + c1))
    except (tokenize.TokenError, IndentationError, SyntaxError):
        return []
    return spans


def transform(
    text: str, *, helper: bool, code_helper: bool, strings: list[tuple[int, int]] | None = None
) -> tuple[str, int]:
    """Rewrite the Workspace calls of ``text``; return the new text and how many changed.

    ``helper``: doctest lines become ``open_as(...)`` calls (else ``analyst=`` is dropped);
    ``code_helper``: the same for ordinary code lines. A call inside a string literal
    ``strings`` (a script run in a subprocess, say) that is not a doctest line gets a line
    before it that sets ``INTELBENCH_ANALYST``, and loses its ``analyst=``.
    """
    strings = strings or []
    out, pos, changed = [], 0, 0
    for m in CALL.finditer(text):
        if m.start() < pos:
            continue
        line_start = text.rfind("\n", 0, m.start()) + 1
        line = text[line_start : m.start()]
        if re.search(r"\b(class|def)\s*$", line) or "import" in line:
            continue
        close = _close(text, m.end())
        if close is None:
            continue
        args = text[m.end() : close]
        found = _rewrite_call(args)
        if found is None:
            continue
        value, rest = found
        in_doctest = bool(DOCTEST_LINE.match(text[line_start : m.start()] + " "))
        in_string = any(a <= m.start() < b for a, b in strings)
        use_helper = helper if in_doctest else code_helper
        if in_string and not in_doctest and line_start >= pos:
            indent = re.match(r"[ \t]*", text[line_start : m.start()]).group(0)  # type: ignore[union-attr]
            out.append(text[pos:line_start])
            out.append(f'{indent}__import__("os").environ["INTELBENCH_ANALYST"] = {value}\n')
            pos = line_start
            new = f"{m.group(1)}Workspace({rest})"
        elif use_helper:
            sep = ", " if rest.strip(" \n.") else ""
            new = f"open_as({value}{sep}{rest})"
        else:
            new = f"{m.group(1)}Workspace({rest})"
        out.append(text[pos : m.start()])
        out.append(new)
        pos = close + 1
        changed += 1
    out.append(text[pos:])
    return "".join(out), changed


def _add_import(text: str) -> str:
    """Add the helper's import after the module's top-level imports (ruff then sorts it)."""
    if HELPER_IMPORT in text or "open_as(" not in text:
        return text
    lines = text.split("\n")
    last, i = None, 0
    while i < len(lines):
        line = lines[i]
        if line.startswith(("import ", "from ")):
            if line.rstrip().endswith("("):
                while not lines[i].startswith(")"):
                    i += 1
            last = i
        elif line and not line[0].isspace() and not line.startswith(("#", '"', "'")) and (
            last is not None
        ):
            break
        i += 1
    lines.insert(0 if last is None else last + 1, HELPER_IMPORT)
    return "\n".join(lines)


def _is_test(path: Path) -> bool:
    return "tests" in path.parts


def rewrite_file(path: Path, check: bool) -> int:
    """Rewrite one file in place (unless ``check``); return the number of calls changed."""
    if path.resolve() == SELF or path.name == "_identity.py":
        return 0
    raw = path.read_text(encoding="utf-8")
    if "Workspace(" not in raw or "analyst" not in raw:
        return 0
    if path.suffix == ".ipynb":
        nb = json.loads(raw)
        total = 0
        for cell in nb.get("cells", []):
            if cell.get("cell_type") != "code":
                continue
            src = cell["source"]
            joined = "".join(src) if isinstance(src, list) else src
            new, n = transform(joined, helper=False, code_helper=False)
            if n:
                total += n
                cell["source"] = new.splitlines(keepends=True) if isinstance(src, list) else new
        if total and not check:
            path.write_text(json.dumps(nb, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        return total
    if path.suffix == ".py":
        test = _is_test(path)
        new, n = transform(raw, helper=True, code_helper=test, strings=_string_spans(raw))
        if n and test:
            new = _add_import(new)
    else:  # .rst, .md, .txt: examples for people; identity from their configuration
        new, n = transform(raw, helper=False, code_helper=False)
    if n and not check:
        path.write_text(new, encoding="utf-8")
    return n


def _files(paths: list[str]) -> list[Path]:
    found: list[Path] = []
    for p in map(Path, paths):
        if not p.exists():
            continue
        items = [p] if p.is_file() else sorted(p.rglob("*"))
        for f in items:
            if f.is_file() and f.suffix in (".py", ".ipynb", ".rst", ".md", ".txt") and not (
                SKIP_PARTS & set(f.parts)
            ):
                found.append(f)
    return found


def main(argv: list[str] | None = None) -> int:
    """Rewrite (or with ``--check`` only count) the calls under the given paths."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[1])
    parser.add_argument("paths", nargs="*", default=list(DEFAULT_PATHS))
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if needed")
    args = parser.parse_args(argv)
    changed: list[Path] = []
    total = 0
    setters: list[str] = []
    for f in _files(args.paths):
        n = rewrite_file(f, args.check)
        if n:
            changed.append(f)
            total += n
            print(f"{f}: {n} call(s)")
        if f.suffix == ".py" and f.resolve() != SELF:
            text = f.read_text(encoding="utf-8")
            for m in SETTER.finditer(text):
                if "self." in m.group(0) or "audit." in m.group(0):
                    continue
                line = text.count("\n", 0, m.start()) + 1
                setters.append(f"{f}:{line}: {m.group(0).strip()}")
    print(f"{total} Workspace call(s) in {len(changed)} file(s) "
          f"{'would change' if args.check else 'rewritten'}")
    for s in setters:
        print(f"assignment to a removed setter (fix by hand): {s}")
    py = [str(f) for f in changed if f.suffix == ".py"]
    ruff = Path(sys.executable).with_name("ruff")
    if py and not args.check and ruff.exists():
        subprocess.run([str(ruff), "check", "--fix", "-q", "--select", "I001,F401", *py],
                       check=False)
    return 1 if args.check and total else 0


if __name__ == "__main__":
    sys.exit(main())
