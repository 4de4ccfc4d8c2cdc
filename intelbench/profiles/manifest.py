"""Reproducibility manifest of a profile: data files with hashes, analysis steps, version, seed.

A profile records every data file it was built from (path and SHA-256), the parameters of each
analysis step, the package version and the seed, so that re-running the notebook with the same
files reproduces it. The manifest is embedded in every rendering as an appendix.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = ["DataFile", "Manifest", "Step", "sha256_file"]

_CHUNK = 1 << 20


def sha256_file(path: str | Path) -> str:
    """Return the SHA-256 hex digest of a file (or of every file under a folder, in order).

    Parameters
    ----------
    path : str or Path
        A file, or a folder whose files are hashed in sorted relative-path order (names and
        contents both count).

    Returns
    -------
    str
        64 hex characters.

    Raises
    ------
    ParameterError
        If ``path`` does not exist.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> p = pathlib.Path(tempfile.mkdtemp()) / "a.txt"
    >>> _ = p.write_bytes(b"abc")
    >>> ib.profiles.manifest.sha256_file(p)[:16]
    'ba7816bf8f01cfea'
    """
    p = Path(path)
    if not p.exists():
        raise ParameterError(f"path: expected an existing file or folder; got {str(p)!r}")
    h = hashlib.sha256()
    files = [p] if p.is_file() else sorted(x for x in p.rglob("*") if x.is_file())
    for f in files:
        if p.is_dir():
            h.update(str(f.relative_to(p).as_posix()).encode() + b"\0")
        with f.open("rb") as fh:
            while chunk := fh.read(_CHUNK):
                h.update(chunk)
    return h.hexdigest()


def _jsonable(value: Any) -> Any:
    """Parameters as plain JSON values (tuples to lists, dates and paths to text)."""
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        items = [_jsonable(v) for v in value]
        return sorted(items, key=str) if isinstance(value, set | frozenset) else items
    if value is None or isinstance(value, bool | int | float | str):
        return value
    if hasattr(value, "item") and callable(value.item):  # numpy scalars
        try:
            return _jsonable(value.item())
        except (TypeError, ValueError):
            pass
    return str(value)


@dataclass(frozen=True)
class DataFile:
    """One data file a profile was built from.

    Attributes
    ----------
    role : str
        What the file is for (``"crimes"``, ``"reports"``, ...).
    path : str
        The path as given (relative paths stay relative, so a manifest is portable).
    sha256 : str
        SHA-256 of the contents at the time it was recorded.
    bytes : int
        Size (for a folder, the total of its files).
    """

    role: str
    path: str
    sha256: str
    bytes: int


@dataclass(frozen=True)
class Step:
    """One analysis step: what was called and with which parameters.

    Attributes
    ----------
    name : str
        The call, e.g. ``"ib.geo.hotspots"``.
    params : dict
        Its parameters as JSON values.
    """

    name: str
    params: dict[str, Any]


@dataclass
class Manifest:
    """What a profile was built from, so that it can be rebuilt.

    Attributes
    ----------
    seed : int or None
        The seed every random step used.
    version : str
        The intelbench version.
    files : list of DataFile
        The data files, with hashes.
    steps : list of Step
        The analysis steps, in order, with their parameters.
    created : str
        When the manifest was started (ISO 8601, UTC).

    Examples
    --------
    >>> m = ib.profiles.Manifest(seed=1)
    >>> m.step("ib.geo.hotspots", cell_size=150, alpha=0.05)
    >>> m.steps[0].params
    {'cell_size': 150, 'alpha': 0.05}
    """

    seed: int | None = None
    version: str = ""
    files: list[DataFile] = field(default_factory=list)
    steps: list[Step] = field(default_factory=list)
    created: str = ""

    def __post_init__(self) -> None:
        if not self.version:
            from intelbench import __version__

            self.version = __version__
        if not self.created:
            self.created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")

    def add_file(self, path: str | Path, role: str = "data") -> DataFile:
        """Hash a data file (or folder) and record it.

        Parameters
        ----------
        path : str or Path
            The file or folder.
        role : str
            What it is for.

        Returns
        -------
        DataFile
        """
        p = Path(path)
        digest = sha256_file(p)
        size = p.stat().st_size if p.is_file() else sum(
            f.stat().st_size for f in p.rglob("*") if f.is_file())
        entry = DataFile(str(role), str(path), digest, int(size))
        self.files = [f for f in self.files if not (f.path == entry.path and f.role == role)]
        self.files.append(entry)
        return entry

    def step(self, name: str, **params: Any) -> None:
        """Record an analysis step and its parameters.

        Parameters
        ----------
        name : str
            The call (``"ib.geo.hotspots"``).
        **params
            Its parameters (converted to JSON values).
        """
        if not str(name).strip():
            raise ParameterError("step name: expected a non-empty call name; got ''")
        self.steps.append(Step(str(name), _jsonable(params)))

    def verify(self, base: str | Path | None = None) -> list[str]:
        """Re-hash every recorded file and list those that changed or are missing.

        Parameters
        ----------
        base : str or Path, optional
            Folder relative paths are resolved against (default: the working directory).

        Returns
        -------
        list of str
            One line per file that no longer matches; empty when the data is unchanged.
        """
        out = []
        for f in self.files:
            p = Path(f.path)
            if base is not None and not p.is_absolute():
                p = Path(base) / p
            if not p.exists():
                out.append(f"{f.role}: {f.path} is missing")
            elif sha256_file(p) != f.sha256:
                out.append(f"{f.role}: {f.path} has changed (SHA-256 differs)")
        return out

    def to_dict(self) -> dict[str, Any]:
        """Return the manifest as JSON values."""
        return {
            "version": self.version,
            "seed": self.seed,
            "created": self.created,
            "files": [f.__dict__.copy() for f in self.files],
            "steps": [{"name": s.name, "params": s.params} for s in self.steps],
        }

    @classmethod
    def from_dict(cls, doc: dict[str, Any]) -> Manifest:
        """Rebuild a manifest saved with :meth:`to_dict`."""
        return cls(
            seed=doc.get("seed"),
            version=str(doc.get("version") or ""),
            files=[DataFile(**f) for f in doc.get("files", [])],
            steps=[Step(s["name"], dict(s.get("params") or {})) for s in doc.get("steps", [])],
            created=str(doc.get("created") or ""),
        )

    def files_frame(self) -> pd.DataFrame:
        """Return the data files as a table: role, path, sha256, bytes."""
        return pd.DataFrame([f.__dict__ for f in self.files],
                            columns=["role", "path", "sha256", "bytes"])

    def steps_frame(self) -> pd.DataFrame:
        """Return the analysis steps as a table: step, parameters (compact JSON)."""
        return pd.DataFrame(
            [(s.name, json.dumps(s.params, sort_keys=True)) for s in self.steps],
            columns=["step", "parameters"],
        )

    def lines(self) -> list[str]:
        """Human-readable summary lines (version, seed, counts)."""
        return [
            f"intelbench version {self.version}; seed {self.seed}; manifest started "
            f"{self.created}.",
            f"{len(self.files)} data file(s) with SHA-256; {len(self.steps)} analysis step(s).",
        ]
