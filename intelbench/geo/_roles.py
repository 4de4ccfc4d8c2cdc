"""Column roles of the area tables the geo helpers return (see :mod:`intelbench.gate.roles`).

A table that says what its columns are can go through the gate as the analyst made it: the
area's name and code are places, counts are aggregates, rates and shares statistics. Columns
the helper did not make and cannot place are left undeclared, for the gate to judge.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["AREA_LABEL", "area_roles"]

#: Columns of an area layer that name or code the area (ONS style LSOA11NM and LSOA11CD too).
AREA_LABEL = re.compile(r"(?i)^(name|code|area|.*_(name|code|nm|cd)|[a-z]{2,6}\d{2}(nm|nmw|cd))$")


def area_roles(out: Any, areas: Any, made: Mapping[str, str], *,
               code: str | None = None) -> dict[str, str]:
    """Roles for a table ``out`` built on the area layer ``areas``.

    Parameters
    ----------
    out : DataFrame
        The table the helper returns.
    areas : DataFrame
        The area layer it was built on: its text columns that name or code an area
        (``code``, or a name matching :data:`AREA_LABEL`) are places; roles it declares in
        ``attrs["roles"]`` are kept.
    made : mapping of str to str
        Roles of the columns the helper made (they win).
    code : str, optional
        The areas' code column.

    Examples
    --------
    >>> import pandas as pd
    >>> from intelbench.geo._roles import area_roles
    >>> a = pd.DataFrame({"LSOA11NM": ["Eden 001A"], "LSOA11CD": ["E01019312"], "who": ["x"]})
    >>> area_roles(a.assign(count=[3]), a, {"count": "count"})
    {'LSOA11NM': 'location', 'LSOA11CD': 'location', 'count': 'count'}
    """
    roles: dict[str, str] = {str(k): str(v) for k, v in
                             dict(getattr(areas, "attrs", {}).get("roles") or {}).items()}
    geom = getattr(areas, "_geometry_column_name", None)
    for c in areas.columns:
        if c == geom or c not in out.columns or str(c) in made:
            continue
        text = pd.api.types.is_object_dtype(out[c]) or pd.api.types.is_string_dtype(out[c])
        if text and (c == code or AREA_LABEL.match(str(c))):
            roles[str(c)] = "location"
    roles.update({k: v for k, v in made.items() if k in out.columns})
    return roles
