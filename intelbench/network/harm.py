"""OCG harm: a score from structured indicators with evidence, banded on two dimensions.

OCG mapping (domain.md A5, items 24-27) builds a numerical score from the **individuals**,
the **criminal activity**, the **geographic reach** and the **network** of a group, and puts
the group in a band for **range and severity** and for **capability and sophistication**. The
national indicator table, band labels and management tiers are not public [K], so everything
here is configuration:

- an :class:`Indicator` belongs to one of the four areas and one of the two dimensions, and has
  ordered levels, each worth some points;
- it is either **measured** from the network's structure (members, areas of activity,
  associates outside the group, other groups linked) or **assessed** by an analyst, who gives
  the level and the evidence for it (report URNs, a reference);
- a group's score is the sum of its points; each dimension's share of its maximum is banded
  (by default ``1``-``3`` for range and severity, ``a``-``c`` for capability and
  sophistication, so ``"1a"`` is the most serious, most capable group).

How many reports mention a group is **intelligence coverage**, a separate measure: it says how
much is known, not how much harm is done, and it never enters the score.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = [
    "AREAS",
    "DEFAULT_INDICATORS",
    "DIMENSIONS",
    "MEASURES",
    "HarmModel",
    "Indicator",
    "read_assessments",
]

#: The four areas of OCG mapping (domain.md A5.24).
AREAS: tuple[str, ...] = ("individuals", "criminal_activity", "geographic_reach", "network")
#: The two banding dimensions (domain.md A5.24).
DIMENSIONS: tuple[str, ...] = ("range_severity", "capability_sophistication")
#: What can be measured from the network's structure (never from how many reports there are).
MEASURES: dict[str, str] = {
    "members": "persons in the group",
    "areas": "distinct areas of the group's addresses and events",
    "associates": "persons outside the group linked to its members",
    "linked_groups": "other mapped groups its members are linked to",
}


def _levels(value: Any, name: str) -> tuple[tuple[str, float], ...]:
    items = list(value.items()) if isinstance(value, Mapping) else list(value)
    out: list[tuple[str, float]] = []
    for item in items:
        try:
            level, points = item
            pts = float(points)
        except (TypeError, ValueError):
            raise ParameterError(f"indicator {name!r}: levels must be (level, points) pairs; "
                                 f"got {item!r}") from None
        if not str(level).strip() or pts < 0 or pts != pts:
            raise ParameterError(f"indicator {name!r}: level {level!r} needs a name and "
                                 f"non-negative points; got {points!r}")
        out.append((str(level).strip(), pts))
    if len(out) < 2 or len({lv for lv, _ in out}) != len(out):
        raise ParameterError(f"indicator {name!r}: give at least two distinct levels, lowest "
                             "first")
    if out[0][1] != 0:
        raise ParameterError(f"indicator {name!r}: the first (lowest) level must be worth 0 "
                             f"points; got {out[0][1]}")
    return tuple(out)


@dataclass(frozen=True)
class Indicator:
    """One row of the indicator table.

    Attributes
    ----------
    name : str
        Identifier (``"violence_weapons"``).
    area : str
        One of :data:`AREAS`.
    dimension : str
        One of :data:`DIMENSIONS`.
    levels : sequence of (str, float)
        Ordered levels, lowest first, with their points; the lowest is worth 0.
    description : str
        What the indicator means and how to judge it.
    measure : str, optional
        For a measured indicator, one of :data:`MEASURES`; None for an assessed one.
    thresholds : sequence of (float, str)
        For a measured indicator: (lowest value, level), ascending from 0.

    Examples
    --------
    >>> ind = ib.network.harm.Indicator(
    ...     "firearms", "individuals", "range_severity",
    ...     levels=[("none", 0), ("access", 2), ("use", 4)])
    >>> ind.points("use"), ind.max_points
    (4.0, 4.0)
    """

    name: str
    area: str
    dimension: str
    levels: Sequence[tuple[str, float]]
    description: str = ""
    measure: str | None = None
    thresholds: Sequence[tuple[float, str]] = ()

    def __post_init__(self) -> None:
        name = str(self.name).strip()
        if not name:
            raise ParameterError("indicator: a name is required")
        object.__setattr__(self, "name", name)
        if self.area not in AREAS:
            raise ParameterError(f"indicator {name!r}: area must be one of {', '.join(AREAS)}; "
                                 f"got {self.area!r}")
        if self.dimension not in DIMENSIONS:
            raise ParameterError(f"indicator {name!r}: dimension must be one of "
                                 f"{', '.join(DIMENSIONS)}; got {self.dimension!r}")
        object.__setattr__(self, "levels", _levels(self.levels, name))
        names = [lv for lv, _ in self.levels]
        if self.measure is None:
            if self.thresholds:
                raise ParameterError(f"indicator {name!r}: thresholds apply only to a measured "
                                     "indicator (give measure=)")
            return
        if self.measure not in MEASURES:
            raise ParameterError(f"indicator {name!r}: measure must be one of "
                                 f"{', '.join(MEASURES)}; got {self.measure!r}")
        ths = tuple((float(t), str(lv)) for t, lv in self.thresholds)
        values = [t for t, _ in ths]
        if not ths or values[0] != 0 or values != sorted(set(values)):
            raise ParameterError(f"indicator {name!r}: thresholds must be (lowest value, level) "
                                 f"pairs, ascending and starting at 0; got {list(ths)}")
        unknown = [lv for _, lv in ths if lv not in names]
        if unknown:
            raise ParameterError(f"indicator {name!r}: thresholds name unknown level(s) "
                                 f"{unknown}; levels are {names}")
        object.__setattr__(self, "thresholds", ths)

    @property
    def measured(self) -> bool:
        """Whether the indicator is measured from the network (else assessed by an analyst)."""
        return self.measure is not None

    @property
    def max_points(self) -> float:
        """The points of the highest level."""
        return max(p for _, p in self.levels)

    @property
    def lowest(self) -> str:
        """The lowest level (worth 0)."""
        return self.levels[0][0]

    def points(self, level: str) -> float:
        """Return the points of ``level``; raise :class:`ParameterError` for an unknown one."""
        for lv, pts in self.levels:
            if lv == level:
                return pts
        raise ParameterError(f"indicator {self.name!r}: level must be one of "
                             f"{', '.join(lv for lv, _ in self.levels)}; got {level!r}")

    def level_for(self, value: float) -> str:
        """Return the level a measured value reaches."""
        level = self.thresholds[0][1]
        for threshold, lv in self.thresholds:
            if value >= threshold:
                level = lv
        return level


#: The default indicator table: placeholders in the shape of OCG mapping (domain.md A5; the
#: national table is not public). A force replaces it through ``HarmModel(indicators=...)``.
DEFAULT_INDICATORS: tuple[Indicator, ...] = (
    Indicator("size", "individuals", "capability_sophistication",
              [("none", 0), ("small", 1), ("medium", 2), ("large", 3)],
              "How many people the group has.", measure="members",
              thresholds=[(0, "none"), (1, "small"), (6, "medium"), (12, "large")]),
    Indicator("violence_weapons", "individuals", "range_severity",
              [("none", 0), ("intimidation", 1), ("violence", 2), ("firearms", 3)],
              "Threats, violence and weapons used or held by members."),
    Indicator("activity_seriousness", "criminal_activity", "range_severity",
              [("none", 0), ("lower", 1), ("serious", 2), ("most_serious", 3)],
              "The most serious activity: e.g. acquisitive crime (lower), Class A supply "
              "(serious), firearms supply, trafficking or exploitation (most serious)."),
    Indicator("community_impact", "criminal_activity", "range_severity",
              [("none", 0), ("limited", 1), ("significant", 2), ("severe", 3)],
              "Harm to communities: fear, exploitation of vulnerable people, victims."),
    Indicator("infiltration", "criminal_activity", "capability_sophistication",
              [("none", 0), ("businesses", 2), ("public_bodies", 3)],
              "Infiltration of legitimate businesses or public bodies."),
    Indicator("reach", "geographic_reach", "range_severity",
              [("none", 0), ("local", 1), ("district", 2), ("force_wide", 3)],
              "Areas of the group's addresses and events.", measure="areas",
              thresholds=[(0, "none"), (1, "local"), (3, "district"), (8, "force_wide")]),
    Indicator("beyond_force", "geographic_reach", "range_severity",
              [("none", 0), ("other_forces", 2), ("international", 3)],
              "Activity beyond the force area: other forces, or abroad."),
    Indicator("linked_groups", "network", "capability_sophistication",
              [("none", 0), ("one", 2), ("several", 3)],
              "Other mapped groups the members are linked to.", measure="linked_groups",
              thresholds=[(0, "none"), (1, "one"), (2, "several")]),
    Indicator("associates", "network", "capability_sophistication",
              [("none", 0), ("few", 1), ("many", 2)],
              "People outside the group linked to its members.", measure="associates",
              thresholds=[(0, "none"), (1, "few"), (5, "many")]),
    Indicator("resilience", "network", "capability_sophistication",
              [("none", 0), ("some", 1), ("high", 2)],
              "Resilience to disruption: replaces arrested members, counter-surveillance, "
              "secure communications."),
)

_RS_BANDS = ((60.0, "1"), (30.0, "2"), (0.0, "3"))
_CS_BANDS = ((60.0, "a"), (30.0, "b"), (0.0, "c"))
_LEVELS = {"1": "national", "2": "regional", "3": "local"}


def _bands(value: Any, name: str) -> tuple[tuple[float, str], ...]:
    out = tuple((float(t), str(lab)) for t, lab in value)
    ths = [t for t, _ in out]
    if not out or ths != sorted(ths, reverse=True) or ths[-1] != 0:
        raise ParameterError(f"{name} must be (lowest share of the maximum, label) pairs, "
                             f"highest first, ending at 0; got thresholds {ths}")
    return out


@dataclass(frozen=True)
class HarmModel:
    """The indicator table and the bands: how a group's harm is scored and banded.

    ``harm_score`` is the sum of the points of every indicator. For each dimension, the points
    of its indicators as a share (0-100) of their maximum give its band: ``range_bands`` for
    range and severity and ``capability_bands`` for capability and sophistication. The band is
    the two labels joined (``"2b"``); the management level follows the first character.

    Attributes
    ----------
    indicators : sequence of Indicator
        The indicator table (default :data:`DEFAULT_INDICATORS`, placeholders).
    range_bands, capability_bands : sequence of (float, str)
        (lowest share, label), highest first, ending at 0.
    levels : dict
        First character of the band -> management level.

    Examples
    --------
    >>> model = ib.network.HarmModel()
    >>> model.band(70.0, 10.0)
    ('1c', 'national')
    >>> sorted(model.table()["area"].unique())
    ['criminal_activity', 'geographic_reach', 'individuals', 'network']
    """

    indicators: Sequence[Indicator] = DEFAULT_INDICATORS
    range_bands: Sequence[tuple[float, str]] = _RS_BANDS
    capability_bands: Sequence[tuple[float, str]] = _CS_BANDS
    levels: Mapping[str, str] = field(default_factory=lambda: dict(_LEVELS))

    def __post_init__(self) -> None:
        inds = tuple(self.indicators)
        if not inds or not all(isinstance(i, Indicator) for i in inds):
            raise ParameterError("indicators must be a non-empty list of "
                                 "ib.network.harm.Indicator")
        names = [i.name for i in inds]
        dups = sorted({n for n in names if names.count(n) > 1})
        if dups:
            raise ParameterError(f"indicators: names must be unique; repeated {dups}")
        for dim in DIMENSIONS:
            if sum(i.max_points for i in inds if i.dimension == dim) <= 0:
                raise ParameterError(f"indicators: the {dim} dimension needs at least one "
                                     "indicator worth points")
        object.__setattr__(self, "indicators", inds)
        object.__setattr__(self, "range_bands", _bands(self.range_bands, "range_bands"))
        object.__setattr__(self, "capability_bands",
                           _bands(self.capability_bands, "capability_bands"))

    def indicator(self, name: str) -> Indicator:
        """Return the indicator called ``name``."""
        for ind in self.indicators:
            if ind.name == name:
                return ind
        raise ParameterError(f"indicator must be one of "
                             f"{', '.join(i.name for i in self.indicators)}; got {name!r}")

    def table(self) -> pd.DataFrame:
        """Return the indicator table (one row per indicator)."""
        return pd.DataFrame([{
            "indicator": i.name, "area": i.area, "dimension": i.dimension,
            "basis": "measured" if i.measured else "assessed",
            "levels": "; ".join(f"{lv}={p:g}" for lv, p in i.levels),
            "measure": i.measure or "",
            "thresholds": "; ".join(f"{t:g}+ {lv}" for t, lv in i.thresholds),
            "description": i.description} for i in self.indicators])

    def max_points(self, dimension: str) -> float:
        """Return the most points the indicators of one dimension can give."""
        return sum(i.max_points for i in self.indicators if i.dimension == dimension)

    def band(self, range_share: float, capability_share: float) -> tuple[str, str]:
        """Return the band label and management level for the two dimensions' shares."""
        rs = next(lab for t, lab in self.range_bands if range_share >= t or t == 0)
        cs = next(lab for t, lab in self.capability_bands if capability_share >= t or t == 0)
        label = f"{rs}{cs}"
        return label, self.levels.get(label[:1], "unassigned")

    def score(self, measured: Mapping[str, float],
              assessed: Mapping[str, tuple[str, str]]) -> pd.DataFrame:
        """Score one group: one row per indicator.

        Parameters
        ----------
        measured : mapping
            Measure (see :data:`MEASURES`) -> value for this group.
        assessed : mapping
            Indicator -> (level, evidence) for the assessed indicators that were assessed.

        Returns
        -------
        DataFrame
            Columns ``area``, ``indicator``, ``dimension``, ``basis`` (measured, assessed or
            not assessed), ``value`` (measured value), ``level``, ``points``, ``max_points``
            and ``evidence``.
        """
        rows = []
        for ind in self.indicators:
            value: float | None = None
            if ind.measured:
                value = float(measured.get(str(ind.measure), 0.0))
                level, basis, evidence = ind.level_for(value), "measured", ""
            elif ind.name in assessed:
                level, evidence = assessed[ind.name]
                basis = "assessed"
            else:
                level, basis, evidence = ind.lowest, "not assessed", ""
            rows.append({"area": ind.area, "indicator": ind.name, "dimension": ind.dimension,
                         "basis": basis, "value": value, "level": level,
                         "points": ind.points(level), "max_points": ind.max_points,
                         "evidence": evidence})
        return pd.DataFrame(rows)


def read_assessments(assessments: Any, model: HarmModel,
                     groups: Sequence[Any] | None = None) -> dict[Any, dict[str, tuple[str, str]]]:
    """Check and read the analysts' indicator assessments.

    Parameters
    ----------
    assessments : DataFrame, mapping or None
        A table with columns ``group``, ``indicator``, ``level`` and ``evidence`` (one row per
        group and indicator), or a mapping group -> indicator -> (level, evidence) or
        ``{"level": ..., "evidence": ...}``.
    model : HarmModel
        The indicator table the assessments use.
    groups : sequence, optional
        The mapped groups; an assessment of any other group is refused.

    Returns
    -------
    dict
        group -> indicator -> (level, evidence).

    Raises
    ------
    ParameterError
        Naming the row (or group and indicator) and what is wrong: an unknown group or
        indicator, a measured indicator given by hand, an unknown level, a level above the
        lowest without evidence, or the same indicator twice.

    Examples
    --------
    >>> model = ib.network.HarmModel()
    >>> a = ib.network.harm.read_assessments(
    ...     {"G1": {"violence_weapons": ("firearms", "IR-2026-000041; IR-2026-000057")}}, model)
    >>> a["G1"]["violence_weapons"][0]
    'firearms'
    """
    if assessments is None:
        return {}
    if isinstance(assessments, pd.DataFrame):
        need = ["group", "indicator", "level", "evidence"]
        missing = [c for c in need if c not in assessments.columns]
        if missing:
            raise ParameterError(f"assessments: missing column(s) {missing}; expected {need}")
        items = [(f"assessments row {i}", r["group"], r["indicator"], r["level"], r["evidence"])
                 for i, r in zip(assessments.index, assessments.to_dict("records"), strict=True)]
    elif isinstance(assessments, Mapping):
        items = []
        for grp, by_ind in assessments.items():
            if not isinstance(by_ind, Mapping):
                raise ParameterError(f"assessments[{grp!r}]: expected a mapping indicator -> "
                                     f"(level, evidence); got {type(by_ind).__name__}")
            for ind, val in by_ind.items():
                where = f"assessments[{grp!r}][{ind!r}]"
                if isinstance(val, Mapping):
                    level, evidence = val.get("level"), val.get("evidence")
                elif isinstance(val, (tuple, list)) and len(val) == 2:
                    level, evidence = val
                else:
                    raise ParameterError(f"{where}: expected (level, evidence) or a dict with "
                                         f"'level' and 'evidence'; got {val!r}")
                items.append((where, grp, ind, level, evidence))
    else:
        raise ParameterError("assessments must be a table (group, indicator, level, evidence) "
                             f"or a mapping; got {type(assessments).__name__}")
    known = None if groups is None else set(groups)
    out: dict[Any, dict[str, tuple[str, str]]] = {}
    for where, grp, ind_name, level, evidence in items:
        if known is not None and grp not in known:
            raise ParameterError(f"{where}: group {grp!r} is not among the mapped groups")
        ind = model.indicator(str(ind_name))
        if ind.measured:
            raise ParameterError(f"{where}: indicator {ind.name!r} is measured from the network "
                                 f"({MEASURES[str(ind.measure)]}); it is not assessed by hand")
        level_text = "" if level is None or level != level else str(level).strip()
        points = ind.points(level_text)
        ev = "" if evidence is None or evidence != evidence else str(evidence).strip()
        if points > 0 and not ev:
            raise ParameterError(f"{where}: level {level_text!r} of {ind.name!r} needs its "
                                 "evidence (report URNs or a reference); none was given")
        if ind.name in out.setdefault(grp, {}):
            raise ParameterError(f"{where}: indicator {ind.name!r} is assessed twice for group "
                                 f"{grp!r}")
        out[grp][ind.name] = (level_text, ev)
    return out
