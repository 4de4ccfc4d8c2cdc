"""Reference (context) layers for maps: roads, buildings and place names a force supplies.

A force holds its own copies of Ordnance Survey OpenMap Local or Open Zoomstack (or any
GeoPackage with ``roads``, ``buildings`` and ``places`` layers). :func:`read_reference` reads
them, clipped to the map's extent, and normalises their classes so that :func:`intelbench.geo.map`
and :func:`intelbench.geo.print_map` draw them beneath the analysis. A force's internal tile
server can be used instead, but only when named explicitly with :class:`TileServer`: there is no
default tile URL, and nothing here contacts the internet.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import numpy as np

from intelbench.exceptions import ParameterError, SchemaError

__all__ = [
    "PLACE_KINDS",
    "ROAD_CLASSES",
    "Reference",
    "TileServer",
    "area_places",
    "read_reference",
]

#: Road classes, most important first: (colour, line width in px, smallest zoom drawn).
ROAD_CLASSES: dict[str, tuple[str, float, float]] = {
    "motorway": ("#8d8d8d", 3.2, 0),
    "a_road": ("#a3a3a3", 2.4, 0),
    "b_road": ("#b8b8b8", 1.7, 10),
    "minor": ("#c9c9c9", 1.2, 12),
    "local": ("#d8d8d8", 0.9, 13.5),
}
#: Place kinds, most important first, and the smallest zoom at which their names show.
PLACE_KINDS: dict[str, float] = {
    "city": 0, "district": 0, "town": 8, "suburb": 12, "village": 11, "hamlet": 13,
}
_CLASS_COLS = ("class", "road_class", "type", "classification", "CLASSIFICA", "roadclass")
_NAME_COLS = ("name", "name1", "DISTNAME", "NAME", "road_name", "roadname", "distname")
_PUBLIC_TILES = re.compile(
    r"(openstreetmap\.org|arcgisonline\.com|googleapis\.com|mapbox\.com|cartocdn\.com|"
    r"stamen\.com|thunderforest\.com|opentopomap\.org)", re.I)


@dataclass(frozen=True)
class TileServer:
    """A force's internal tile server, named explicitly (there is no default).

    Parameters
    ----------
    url : str
        An ``http(s)`` template with ``{z}``, ``{x}`` and ``{y}``.
    attribution : str
        Shown on the map as text (never HTML).

    Raises
    ------
    ParameterError
        For a URL that is not ``http(s)``, lacks the tile placeholders or names a public
        tile service (maps must not reach the internet).

    Examples
    --------
    >>> TileServer("https://tiles.force.local/{z}/{x}/{y}.png", "Force GIS").attribution
    'Force GIS'
    >>> TileServer("javascript:alert(1)", "x")  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    intelbench.exceptions.ParameterError: tiles: expected an internal http(s) URL ...
    """

    url: str
    attribution: str = "internal tiles"

    def __post_init__(self) -> None:
        check_tiles(self.url)


def check_tiles(url: str) -> str:
    """Return ``url`` if it is an internal ``http(s)`` tile template, else raise."""
    u = str(url)
    ok = (re.match(r"^https?://[A-Za-z0-9.\-\[\]:]+/", u) is not None
          and all(p in u for p in ("{z}", "{x}", "{y}"))
          and not re.search(r"[\s<>\"'`\\]", u))
    if not ok:
        raise ParameterError("tiles: expected an internal http(s) URL template with {z}, {x} "
                             f"and {{y}}; got {u!r}")
    if _PUBLIC_TILES.search(u):
        raise ParameterError(f"tiles: {u!r} is a public tile service; maps never go online. "
                             "Name the force's internal tile server.")
    return u


@dataclass(frozen=True)
class Reference:
    """Context layers in EPSG:27700: roads (``road_class``, ``name``), buildings, places.

    Attributes
    ----------
    roads, buildings, places : GeoDataFrame or None
        ``roads`` has ``road_class`` (one of :data:`ROAD_CLASSES`) and ``name``;
        ``places`` has ``name`` and ``kind`` (one of :data:`PLACE_KINDS`).
    source : str
        Where the layers came from, for the data-source line of maps and print layouts.
    """

    roads: Any = None
    buildings: Any = None
    places: Any = None
    source: str = ""

    def clip(self, bounds: tuple[float, float, float, float]) -> Reference:
        """Return the layers cut to ``bounds`` (minx, miny, maxx, maxy in EPSG:27700)."""
        import shapely

        box = shapely.box(*bounds)
        out: dict[str, Any] = {}
        for name in ("roads", "buildings", "places"):
            g = getattr(self, name)
            if g is None:
                out[name] = None
                continue
            g = g[g.intersects(box)]
            if name != "places" and len(g):
                g = g.copy()
                g["geometry"] = g.geometry.intersection(box)
                g = g[~g.geometry.is_empty]
            out[name] = g
        return replace(self, **out)

    def __repr__(self) -> str:
        n = {k: (0 if getattr(self, k) is None else len(getattr(self, k)))
             for k in ("roads", "buildings", "places")}
        return (f"Reference(roads={n['roads']}, buildings={n['buildings']}, "
                f"places={n['places']}, source={self.source!r})")


def _pick(frame: Any, options: tuple[str, ...]) -> str | None:
    lower = {str(c).lower(): c for c in frame.columns}
    for o in options:
        if o in frame.columns:
            return o
        if o.lower() in lower:
            return str(lower[o.lower()])
    return None


def _road_class(value: Any) -> str:
    v = str(value).lower().replace("-", " ").replace("_", " ")
    if "motorway" in v:
        return "motorway"
    if "a road" in v or "primary" in v or "trunk" in v or v.startswith("a "):
        return "a_road"
    if "b road" in v or v.startswith("b "):
        return "b_road"
    if "minor" in v or "secondary" in v or "tertiary" in v:
        return "minor"
    return "local"


def _place_kind(value: Any) -> str:
    v = str(value).lower()
    for k in ("city", "district", "town", "suburb", "village", "hamlet"):
        if k in v:
            return k
    if "urban" in v or "neighbourhood" in v:
        return "suburb"
    return "village"


def _to_bng(g: Any, path: Path, layer: str) -> Any:
    if g.crs is None:
        raise SchemaError(f"{path}: layer {layer!r} has no CRS; expected EPSG:27700 or a "
                          "CRS that can be transformed to it")
    return g.to_crs(27700) if g.crs.to_epsg() != 27700 else g


def read_reference(path: str | Path, *, bbox: tuple[float, float, float, float] | None = None,
                   roads: str = "roads", buildings: str = "buildings", places: str = "places",
                   source: str | None = None) -> Reference:
    """Read reference layers from a GeoPackage (OS OpenMap Local, Zoomstack or similar).

    Parameters
    ----------
    path : str or Path
        The GeoPackage.
    bbox : tuple of float, optional
        (minx, miny, maxx, maxy) in the file's CRS: read only what falls in it.
    roads, buildings, places : str
        Layer names (Zoomstack calls them ``roads_local``, ``local_buildings``, ``names``).
        Missing layers are skipped; at least one must exist.
    source : str, optional
        Data-source text (default: the file name).

    Returns
    -------
    Reference
        Layers in EPSG:27700 with ``road_class``, ``kind`` and ``name`` normalised from the
        ``class``/``type``/``CLASSIFICA`` and ``name``/``name1``/``DISTNAME`` columns.

    Raises
    ------
    FileNotFoundError
        If ``path`` does not exist.
    SchemaError
        If none of the layers is in the file, or a places layer has no name column.

    Examples
    --------
    >>> ref = read_reference(ib.samples.sample_path() / "reference.gpkg")
    >>> sorted(ref.roads["road_class"].unique())[:2], "town" in set(ref.places["kind"])
    (['a_road', 'b_road'], True)
    """
    import geopandas as gpd
    import pyogrio

    p = Path(path)
    if not p.exists():
        raise FileNotFoundError(f"{p}: no such reference GeoPackage")
    have = {str(name) for name, _ in pyogrio.list_layers(p)}
    wanted = {"roads": roads, "buildings": buildings, "places": places}
    if not set(wanted.values()) & have:
        raise SchemaError(f"{p}: expected a layer named {roads!r}, {buildings!r} or {places!r}; "
                          f"the file has {sorted(have)}")
    out: dict[str, Any] = {}
    for key, layer in wanted.items():
        if layer not in have:
            out[key] = None
            continue
        g = _to_bng(gpd.read_file(p, layer=layer, bbox=bbox), p, layer)
        if key == "roads":
            cc, nc = _pick(g, _CLASS_COLS), _pick(g, _NAME_COLS)
            g = gpd.GeoDataFrame(
                {"road_class": [_road_class(v) for v in g[cc]] if cc else "local",
                 "name": g[nc].fillna("").astype(str) if nc else ""},
                geometry=g.geometry.values, crs=g.crs)
        elif key == "places":
            nc, kc = _pick(g, _NAME_COLS), _pick(g, ("kind", *_CLASS_COLS))
            if nc is None:
                raise SchemaError(f"{p}: layer {layer!r} needs a name column (one of "
                                  f"{', '.join(_NAME_COLS)}); got {list(g.columns)}")
            g = gpd.GeoDataFrame(
                {"name": g[nc].fillna("").astype(str),
                 "kind": [_place_kind(v) for v in g[kc]] if kc else "village"},
                geometry=g.geometry.representative_point().values, crs=g.crs)
            g = g[g["name"].str.strip() != ""]
        out[key] = g.reset_index(drop=True)
    return Reference(**out, source=source if source is not None else p.name)


def area_places(areas: Any, name: str = "name", *, pattern: str = r"^(.*?)\s+\d{3}[A-Z]?$",
                share: float = 0.25) -> Any:
    """Place labels made from area names such as LSOAs ("Carlisle 007C" -> "Carlisle").

    Areas whose names share a prefix are grouped; the label goes on the centre of the group's
    smallest areas (the most densely settled part, usually the main town), as a ``district``.

    Parameters
    ----------
    areas : GeoDataFrame
        Polygons with a name column.
    name : str
        The name column.
    pattern : str
        Regular expression whose first group is the place part of a name.
    share : float
        Share of each group's smallest areas used to place the label.

    Returns
    -------
    GeoDataFrame
        ``name``, ``kind`` (``"district"``) and a point per group, in EPSG:27700.

    Raises
    ------
    SchemaError
        If ``name`` is not a column of ``areas``.

    Examples
    --------
    >>> import geopandas as gpd, shapely
    >>> a = gpd.GeoDataFrame({"name": ["Eden 001A", "Eden 002B"]},
    ...                      geometry=[shapely.box(0, 0, 10, 10), shapely.box(10, 0, 20, 10)],
    ...                      crs=27700)
    >>> area_places(a)["name"].tolist()
    ['Eden']
    """
    import geopandas as gpd

    if name not in areas.columns:
        raise SchemaError(f"area_places: column {name!r} not in areas; got "
                          f"{[str(c) for c in areas.columns]}")
    a = areas.to_crs(27700) if areas.crs is not None and areas.crs.to_epsg() != 27700 else areas
    rx = re.compile(pattern)
    keys = [(m.group(1) if (m := rx.match(str(v))) else str(v)) for v in a[name]]
    rows, pts = [], []
    area = a.geometry.area.to_numpy()
    cent = a.geometry.representative_point()
    keys_arr = np.asarray(keys, dtype=object)
    for k in dict.fromkeys(keys):
        idx = np.flatnonzero(keys_arr == k)
        n = max(1, int(math.ceil(share * len(idx))))
        small = idx[np.argsort(area[idx])[:n]]
        xs, ys = cent.x.to_numpy()[small], cent.y.to_numpy()[small]
        w = 1.0 / np.maximum(area[small], 1.0)
        rows.append({"name": k, "kind": "district"})
        pts.append((float(np.average(xs, weights=w)), float(np.average(ys, weights=w))))
    return gpd.GeoDataFrame(rows, geometry=gpd.points_from_xy(*zip(*pts)) if pts else [],
                            crs=27700)


def as_references(obj: Any) -> tuple[list[Any], TileServer | None]:
    """Normalise ``reference=``: paths, :class:`Reference`, place frames and one TileServer."""
    import geopandas as gpd

    items = obj if isinstance(obj, list | tuple) else [obj]
    refs: list[Any] = []
    tiles: TileServer | None = None
    for it in items:
        if it is None:
            continue
        if isinstance(it, TileServer):
            if tiles is not None:
                raise ParameterError("reference: give at most one TileServer")
            tiles = it
        elif isinstance(it, str | Path):
            refs.append(Path(it))
        elif isinstance(it, Reference):
            refs.append(it)
        elif isinstance(it, gpd.GeoDataFrame) and {"name", "kind"} <= set(it.columns):
            refs.append(Reference(places=_to_bng(it, Path("places"), "places")))
        else:
            raise ParameterError(
                "reference: expected a GeoPackage path, a Reference, a places GeoDataFrame "
                f"(name, kind) or a TileServer; got {type(it).__name__}")
    return refs, tiles
