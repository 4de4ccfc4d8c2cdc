"""Open a workspace as a given analyst, for tests, doctests and notebooks run by the suite.

Who is working is never an argument of the public API (issue 13): ``ib.Workspace`` takes the
operating-system user or a configured identity (``INTELBENCH_ANALYST``, the user's
``config.toml`` ``[identity]`` table). Tests need several people in one process, so
:func:`open_as` configures the identity the way an analyst would, through the environment
variable, for the opening only, and puts it back; the workspace (and its audit entries) then
say the name came from ``env INTELBENCH_ANALYST``. ``scripts/codemod_identity.py`` rewrites
``Workspace(path, analyst=NAME, ...)`` calls into ``open_as(NAME, path, ...)``.

Examples
--------
>>> import tempfile
>>> from tests._identity import open_as
>>> ws = open_as("a.analyst", tempfile.mkdtemp(), role="ANALYST")
>>> ws.analyst, ws.whoami().analyst_source
('a.analyst', 'environment variable INTELBENCH_ANALYST')
"""

from __future__ import annotations

import os
import threading
from typing import Any

from intelbench.store.workspace import Workspace

__all__ = ["open_as"]

_LOCK = threading.Lock()


def open_as(analyst: str, path_or_url: Any, **kwargs: Any) -> Workspace:
    """Open ``Workspace(path_or_url, **kwargs)`` with ``INTELBENCH_ANALYST=analyst`` set.

    The variable is set only while the workspace is opened (the identity is resolved then),
    and restored afterwards, so nothing leaks into other tests.

    Parameters
    ----------
    analyst : str
        Who the test is acting as.
    path_or_url : str or Path
        As for :class:`~intelbench.store.workspace.Workspace`.
    **kwargs
        Passed on (``role=``).

    Returns
    -------
    Workspace
    """
    with _LOCK:
        saved = os.environ.get("INTELBENCH_ANALYST")
        os.environ["INTELBENCH_ANALYST"] = analyst
        try:
            return Workspace(path_or_url, **kwargs)
        finally:
            if saved is None:
                os.environ.pop("INTELBENCH_ANALYST", None)
            else:
                os.environ["INTELBENCH_ANALYST"] = saved
