"""The synthetic sample force "Northshire": a deterministic generator and its loaders.

Everything here is invented: the force, its places, people, phone numbers (Ofcom drama
ranges), vehicles, postcodes (area ``NX``, which does not exist) and events. The data has the
structure analysts look for: persistent hotspots, a burglary series with near repeats,
night-time-economy violence on weekend nights, seasonal change, organised crime groups with a
leader, a broker and a cut-point, and the quirks of real exports (ASB without a Crime ID,
rows with no location or at 0,0, bad rows in a force extract).

``write_samples(out, seed)`` writes the whole ``data_samples/`` layout; the same seed gives
byte-identical files. The loaders read it back.
"""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path
from typing import TYPE_CHECKING, Any

from intelbench.exceptions import ParameterError

if TYPE_CHECKING:
    import geopandas as gpd
    import pandas as pd

__all__ = [
    "FORCE_NAME",
    "areas",
    "associations",
    "boundary",
    "burglary_extract",
    "collection_plan",
    "crime_events",
    "crimes",
    "entities",
    "intel_reports",
    "nominals",
    "ocg_truth",
    "sample_path",
    "sectors",
    "sources",
    "truth",
    "write_samples",
]

#: the name used in the "Reported by" and "Falls within" columns
FORCE_NAME = "Northshire Police"
_GPKG_DATE = "2026-01-01T00:00:00Z"


def write_samples(out: Path | str, seed: int = 2026, *, scale: float = 1.0) -> list[Path]:
    """Write the synthetic Northshire force into ``out`` and return the files written.

    Parameters
    ----------
    out : Path or str
        The folder to write (created if missing). ``out/.complete`` is written last.
    seed : int
        Seed of every random choice; the same seed gives byte-identical files.
    scale : float
        Size factor for crimes, reports and the background population (1.0 gives about
        60,000 crimes, 3,000 reports and 1,500 people). The areas and the planted
        organised crime groups do not change with scale.

    Returns
    -------
    list of Path
        Every file written, ``.complete`` last.

    Raises
    ------
    ParameterError
        If ``scale`` is not in (0, 1].

    Examples
    --------
    >>> import tempfile
    >>> with tempfile.TemporaryDirectory() as tmp:
    ...     files = ib.samples.write_samples(tmp, seed=1, scale=0.02)
    ...     print(files[-1].name, len(ib.samples.areas(tmp)) >= 150)
    .complete True
    """
    if not 0 < scale <= 1:
        raise ParameterError(f"scale must be in (0, 1]; got {scale!r}")
    import numpy as np
    import pyogrio

    from intelbench.samples._area import build_geography
    from intelbench.samples._crimes import (
        build_crimes,
        write_events,
        write_extract,
        write_street_csvs,
    )
    from intelbench.samples._network import write_network
    from intelbench.samples._people import build_people
    from intelbench.samples._reports import build_reports, build_sources, collection_plan

    out = Path(out)
    out.mkdir(parents=True, exist_ok=True)
    done = out / ".complete"
    done.unlink(missing_ok=True)
    shutil.rmtree(out / "crimes", ignore_errors=True)

    def rng(k: int) -> np.random.Generator:
        return np.random.default_rng([seed, k])

    written: list[Path] = []
    geo = build_geography(rng(1))
    gpkg = out / "areas.gpkg"
    gpkg.unlink(missing_ok=True)
    pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": _GPKG_DATE})
    try:
        for layer, frame in (("areas", geo.areas), ("sectors", geo.sectors),
                             ("boundary", geo.boundary)):
            pyogrio.write_dataframe(frame, gpkg, layer=layer, driver="GPKG")
    finally:
        pyogrio.set_gdal_config_options({"OGR_CURRENT_DATE": None})
    written.append(gpkg)
    cs = build_crimes(rng(2), geo, scale)
    from intelbench.samples._emerging import plant_emerging  # emerging hot spots (issue 14)
    cs = type(cs)(plant_emerging(rng(9), geo, cs.events, cs.truth, scale), cs.truth)
    written += write_street_csvs(cs.events, geo, out)
    written.append(write_events(cs.events, out))
    path, extract_truth = write_extract(rng(3), cs.events, out)
    written.append(path)
    people = build_people(rng(4), geo, scale)
    src = build_sources(rng(5))
    reports, links, report_truth = build_reports(rng(6), people, src, scale)
    written += write_network(rng(7), people, links, out)
    from intelbench.samples._comms import write_comms  # call data records (issue 16)

    written += write_comms(rng(8), people, geo, out)
    from intelbench.samples._reference import write_reference  # roads, places (issue 15)

    written += write_reference(rng(9), geo, out)
    from intelbench.samples._beats import write_beats  # population table, beats (issue 14)

    written += write_beats(rng(10), geo, out)
    p = out / "intel_reports.csv"
    reports.to_csv(p, index=False, lineterminator="\n")
    written.append(p)
    p = out / "sources.csv"
    src.to_csv(p, index=False, lineterminator="\n")
    written.append(p)
    p = out / "collection_plan.json"
    p.write_text(json.dumps(collection_plan(people.truth, src), indent=2) + "\n",
                 encoding="utf-8")
    written.append(p)
    ev = cs.events
    t = {
        "seed": seed,
        "scale": scale,
        "force": FORCE_NAME,
        "crimes": {
            **cs.truth,
            "rows": len(ev),
            "asb_rows": int((ev["crime_type"] == "Anti-social behaviour").sum()),
            "no_location_rows": int((ev["published"] == "no_location").sum()),
            "zero_coordinate_rows": int((ev["published"] == "zero").sum()),
        },
        "burglary_extract": extract_truth,
        "intel_reports": {"rows": len(reports), **report_truth},
    }
    from intelbench.samples._retention import write_retention  # MoPI register (issue 19)

    written.append(write_retention(rng(9), out))
    p = out / "truth.json"
    p.write_text(json.dumps(t, indent=2) + "\n", encoding="utf-8")
    written.append(p)
    done.write_text(f"seed={seed} scale={scale}\n", encoding="utf-8")
    written.append(done)
    return written


def sample_path(path: Path | str | None = None) -> Path:
    """Return the folder of a finished sample force.

    Parameters
    ----------
    path : Path or str, optional
        The folder. Default: ``$INTELBENCH_SAMPLES`` if set, else ``data_samples/`` beside
        the package.

    Returns
    -------
    Path
        The folder, which holds ``.complete``.

    Raises
    ------
    ParameterError
        If the folder holds no finished sample force.
    """
    if path is None:
        env = os.environ.get("INTELBENCH_SAMPLES")
        path = Path(env) if env else Path(__file__).resolve().parents[2] / "data_samples"
    p = Path(path)
    if not (p / ".complete").exists():
        raise ParameterError(
            f"path: expected a finished sample force (with .complete) at {p}; "
            "run `make data` or `intelbench samples --out <folder>`"
        )
    return p


def _layer(path: Path | str | None, layer: str) -> gpd.GeoDataFrame:
    import geopandas as gpd

    return gpd.read_file(sample_path(path) / "areas.gpkg", layer=layer)


def areas(path: Path | str | None = None) -> gpd.GeoDataFrame:
    """Return the small areas (area_code, area_name, sector, residents, households).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per area, EPSG:27700.

    Examples
    --------
    >>> areas = ib.samples.areas()
    >>> areas.crs.to_epsg(), 150 <= len(areas) <= 300, areas["area_code"].iloc[0]
    (27700, True, 'E01900001')
    """
    return _layer(path, "areas")


def sectors(path: Path | str | None = None) -> gpd.GeoDataFrame:
    """Return the sectors (sector, geometry), EPSG:27700.

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    geopandas.GeoDataFrame
        One polygon per sector.
    """
    return _layer(path, "sectors")


def boundary(path: Path | str | None = None) -> gpd.GeoDataFrame:
    """Return the force boundary (one polygon), EPSG:27700.

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    geopandas.GeoDataFrame
        One row.
    """
    return _layer(path, "boundary")


def crimes(path: Path | str | None = None) -> gpd.GeoDataFrame:
    """Return the twelve monthly street CSVs read by :func:`intelbench.intake.read_police_uk`.

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    geopandas.GeoDataFrame
        Located crimes in EPSG:27700; ``.attrs["intake"]`` holds the intake report.
    """
    from intelbench.intake import read_police_uk

    return read_police_uk(sample_path(path) / "crimes")


def _csv(path: Path | str | None, name: str, **kw: Any) -> pd.DataFrame:
    import pandas as pd

    return pd.read_csv(sample_path(path) / name, keep_default_na=False, na_values=[""], **kw)


def crime_events(path: Path | str | None = None) -> pd.DataFrame:
    """Return the force's event list with true times and places (``crime_events.csv``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        event_id, crime_id, month, datetime (parsed), easting, northing, crime_type,
        area_code.
    """
    return _csv(path, "crime_events.csv", parse_dates=["datetime"], dtype={"crime_id": str})


def burglary_extract(path: Path | str | None = None) -> pd.DataFrame:
    """Return the raw burglary extract, every column as text (bad rows included).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        crime_ref, crime_id, offence, from_datetime, to_datetime, easting, northing,
        area_code, premises; read it through :func:`intelbench.intake.read_table` to check it.
    """
    return _csv(path, "burglary_extract.csv", dtype=str)


def intel_reports(path: Path | str | None = None) -> pd.DataFrame:
    """Return the intelligence log (``intel_reports.csv``), every column as text.

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        One row per report; empty cells are empty strings.
    """
    return _csv(path, "intel_reports.csv", dtype=str).fillna("")


def nominals(path: Path | str | None = None) -> pd.DataFrame:
    """Return the nominal register (``nominals.csv``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        nominal_id, surname, forenames, dob, gender, address_id, postcode.
    """
    return _csv(path, "nominals.csv", dtype=str)


def entities(path: Path | str | None = None) -> pd.DataFrame:
    """Return every network entity (``entities.csv``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        entity_id, entity_type, label, easting, northing, area_code.
    """
    return _csv(path, "entities.csv", dtype={"entity_id": str, "label": str})


def associations(path: Path | str | None = None) -> pd.DataFrame:
    """Return the association links (``associations.csv``), bad rows included.

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        source, target, source_type, target_type, link_type, first_seen, last_seen, count,
        report_urn, grade. ``ocg_truth()["bad_links"]`` lists the deliberately bad rows.
    """
    return _csv(path, "associations.csv", dtype={"grade": str, "report_urn": str})


def sources(path: Path | str | None = None) -> pd.DataFrame:
    """Return the sealed source register (``sources.csv``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    pandas.DataFrame
        source_ref, source_name, handler, source_type, registered, status.
    """
    return _csv(path, "sources.csv", dtype=str)


def _json(path: Path | str | None, name: str) -> dict[str, Any]:
    result: dict[str, Any] = json.loads((sample_path(path) / name).read_text(encoding="utf-8"))
    return result


def ocg_truth(path: Path | str | None = None) -> dict[str, Any]:
    """Return the planted network structure (``ocg_truth.json``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    dict
        ``groups`` (name, members, leader, cut_point, cut_off), ``broker``, ``duplicates``,
        ``bad_links`` and ``measured_on``.

    Examples
    --------
    >>> truth = ib.samples.ocg_truth()
    >>> [len(g["members"]) for g in truth["groups"]]
    [15, 12, 10]
    >>> truth["bad_links"]["counts"]
    {'last_seen before first_seen': 3, 'self-link': 2, 'unknown node': 2}
    """
    return _json(path, "ocg_truth.json")


def truth(path: Path | str | None = None) -> dict[str, Any]:
    """Return the ground truth of crimes, extract and reports (``truth.json``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    dict
        ``crimes`` (hotspots, burglary series, NTE, counts), ``burglary_extract``
        (bad rows with line numbers) and ``intel_reports`` (deliberate defects).
    """
    return _json(path, "truth.json")


def collection_plan(path: Path | str | None = None) -> dict[str, Any]:
    """Return the example collection plan (``collection_plan.json``).

    Parameters
    ----------
    path : Path or str, optional
        The sample folder (see :func:`sample_path`).

    Returns
    -------
    dict
        The plan: title, owner, requirement, terms of reference, questions and so on.
    """
    return _json(path, "collection_plan.json")
