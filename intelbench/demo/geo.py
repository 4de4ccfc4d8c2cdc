"""The geotime demo step: a burglary hotspot map and a day-by-hour chart into ``out/``.

Every burglary figure the demo log states and the problem profile repeats (how many
burglaries, how many hot cells, the Knox ratio) comes from one computation,
:func:`burglary_figures`, kept in the run's shared dictionary, so that one run cannot
report two numbers for the same thing (issue 17).
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.geo._maplayers import aggregate
from intelbench.geo.hotspots import hotspots
from intelbench.geo.maps import map
from intelbench.geo.repeat import near_repeat
from intelbench.geo.temporal import aoristic, plot_day_hour

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["BurglaryFigures", "burglary_figures", "burglary_points", "hotspots_step",
           "map_step"]

#: Neighbourhood (Gi* distance band, metres) of the burglary hot spots: about a
#: kilometre, the scale of a patrol area an analyst briefs from; the cell size comes from
#: the data (issue 14).
HOTSPOT_BAND = 900.0

#: Near-repeat bands of the demo and the profile (metres, days).
NEAR_REPEAT_BANDS = ([100, 200, 300, 400], [7, 14, 21, 28])


@dataclass(frozen=True)
class BurglaryFigures:
    """The burglary figures of one run, computed once and read by the log and the profile.

    Attributes
    ----------
    recorded : int
        Burglaries in the street-level data (data.police.uk), the input of the hot spots.
    hot_cells, cold_cells : int
        Cells classed hot / cold at 95% or more (Gi*, FDR q < 0.05).
    cells : int
        Cells analysed (every cell of the force boundary, empty ones included).
    located : int
        Rows of the force burglary extract located inside the force (near-repeat input).
    left_out : int
        Extract rows left out (no usable location or outside the force).
    knox_ratio, knox_p : float
        Knox ratio and pseudo p within 100 m and 7 days (NaN when the folder has no
        burglary extract or boundary, as in a street-data-only folder).
    permutations : int
        Permutations behind ``knox_p``.
    cell_size, band : float
        The scale of the hot spot analysis (metres): the cell side, chosen from the data
        (the mean distance between neighbouring incident locations), and the neighbourhood
        (distance band, :data:`HOTSPOT_BAND`, or three cells where the cell is wider); see
        ``hotspots.attrs["hotspots"]["scale"]``.
    """

    recorded: int
    hot_cells: int
    cold_cells: int
    cells: int
    located: int
    left_out: int
    knox_ratio: float
    knox_p: float
    permutations: int
    cell_size: float = float("nan")
    band: float = float("nan")

    @property
    def scale_text(self) -> str:
        """The scale of the hot spot analysis in words."""
        return (f"cells of {self.cell_size:,.0f} m, the mean distance between neighbouring "
                f"burglary locations; neighbourhood {self.band:,.0f} m")

    @property
    def knox_text(self) -> str:
        """The Knox result as the log and the profile both print it."""
        return (f"Knox ratio {self.knox_ratio:.2f} within 100 m and 7 days "
                f"(p = {self.knox_p:.2f}, {self.permutations} permutations)")

    @property
    def hot_text(self) -> str:
        """The hot-cell count as the log and the profile both print it."""
        return (f"{self.hot_cells:,} hot cells of {self.cell_size:,.0f} m (Gi*, 95%; "
                f"neighbourhood {self.band:,.0f} m)")


def _band_for(points: Any) -> float:
    """Return the hot spot neighbourhood: HOTSPOT_BAND, or three cells if cells are wider.

    A sparse month of real data (Cumbria's 186 burglaries) gives cells of a kilometre.
    """
    from intelbench.geo._events import prepare_points
    from intelbench.geo._scale import cell_size_from_points

    cell = cell_size_from_points(prepare_points(points).xy).value
    return max(HOTSPOT_BAND, 3.0 * cell)


def _burglary_crimes(shared: dict[str, Any], data: Path) -> Any:
    crimes = shared.get("crimes")
    if crimes is None:
        from intelbench.intake import read_police_uk

        crimes = read_police_uk(data / "crimes")
        shared["crimes"] = crimes
    type_col = "crime_type" if "crime_type" in crimes.columns else "Crime type"
    return crimes[crimes[type_col].astype(str).str.startswith("Burglary")]


def burglary_figures(shared: dict[str, Any], data: str | Path, *, seed: int = 1
                     ) -> BurglaryFigures:
    """Compute (once per run) the burglary figures the demo log and the profile report.

    The hot spots (``shared["hotspots"]``), the located extract points
    (``shared["burglary_points"]``) and the near-repeat result (``shared["near_repeat"]``)
    are kept in ``shared`` too, so later steps draw the same objects.
    """
    cached = shared.get("burglary_figures")
    if isinstance(cached, BurglaryFigures):
        return cached
    import geopandas as gpd

    data = Path(data)
    burglary = _burglary_crimes(shared, data)
    if shared.get("hotspots") is None:
        # The cell size comes from the data (the mean distance between neighbouring
        # incident locations, as ArcGIS's Optimized Hot Spot Analysis chooses it), the
        # neighbourhood is about a kilometre (HOTSPOT_BAND), and the force boundary is the
        # study area, so empty cells inside the force count as cells with no burglary
        # (issue 14). A fixed 150 m grid with queen neighbours gave four isolated cells,
        # which read as sparse in a briefing; the band chosen by incremental spatial
        # autocorrelation (2.7 km on the sample force) covers whole towns and misses the
        # planted persistent hot spot.
        study_area = None
        if (data / "areas.gpkg").exists():
            study_area = gpd.read_file(data / "areas.gpkg", layer="boundary")
        shared["hotspots"] = hotspots(burglary, distance=_band_for(burglary),
                                      study_area=study_area)
    hs = shared["hotspots"]
    extract = shared.get("burglary")
    if extract is None and (data / "burglary_extract.csv").exists():
        extract = pd.read_csv(data / "burglary_extract.csv", dtype=str,
                              keep_default_na=False, na_values=[""])
    nr = None
    pts: Any = []
    left_out: Any = []
    if extract is not None and (data / "areas.gpkg").exists():
        boundary = gpd.read_file(data / "areas.gpkg", layer="boundary")
        pts, left_out = burglary_points(extract, boundary)
        shared["burglary_points"], shared["burglary_left_out"] = pts, left_out
        nr = near_repeat(pts, *NEAR_REPEAT_BANDS, date="from_datetime", permutations=99,
                         seed=seed)
        shared["near_repeat"] = nr
    sig = hs["fdr_significant"].astype(bool)
    fig = BurglaryFigures(
        recorded=int(len(burglary)),
        hot_cells=int((sig & (hs["gi_star"] > 0)).sum()),
        cold_cells=int((sig & (hs["gi_star"] < 0)).sum()),
        cells=int(len(hs)),
        located=int(len(pts)),
        left_out=int(len(left_out)),
        knox_ratio=float(nr.ratio.to_numpy()[1, 0]) if nr is not None else float("nan"),
        knox_p=float(nr.p_value.to_numpy()[1, 0]) if nr is not None else float("nan"),
        permutations=int(nr.permutations) if nr is not None else 0,
        cell_size=float(hs.attrs.get("hotspots", {}).get("cell_size", float("nan"))),
        band=float(hs.attrs.get("hotspots", {}).get("distance", float("nan"))),
    )
    shared["burglary_figures"] = fig
    return fig


def hotspots_step(ctx: DemoContext) -> list[str]:
    """Demo: Gi* hotspots of burglary in the sample force, written as GeoPackage and CSV."""
    fig = burglary_figures(ctx.shared, ctx.data)
    hs = ctx.shared["hotspots"]
    ctx.out.mkdir(parents=True, exist_ok=True)
    gpkg = ctx.out / "hotspots_burglary.gpkg"
    csv = ctx.out / "hotspots_burglary.csv"
    hs_out = hs.copy()
    hs_out["hotspot"] = hs_out["hotspot"].astype(str)
    hs_out.to_file(gpkg, layer="hotspots", driver="GPKG")
    hs_out.drop(columns="geometry").to_csv(csv, index=False)
    lines = [
        f"{fig.recorded:,} burglaries in the street-level data on {fig.cells:,} cells; "
        f"{fig.hot_text}; {fig.cold_cells:,} cold cells (FDR-controlled)",
        f"scale of analysis: {fig.scale_text} "
        f"({hs.attrs.get('hotspots', {}).get('scale', 'not recorded')})",
        f"wrote {gpkg}",
        f"wrote {csv}",
    ]
    lines.extend(hs.attrs.get("notes", []))
    return lines


def burglary_points(extract: pd.DataFrame, boundary: Any) -> tuple[Any, pd.DataFrame]:
    """Rows of the burglary extract inside the force boundary as EPSG:27700 points.

    Returns the points and the rows left out, each with a ``reason`` (no usable easting or
    northing, or a location outside the force boundary).
    """
    import geopandas as gpd

    x = pd.to_numeric(extract["easting"], errors="coerce")
    y = pd.to_numeric(extract["northing"], errors="coerce")
    pts = gpd.GeoDataFrame(extract, geometry=gpd.points_from_xy(x, y), crs=27700)
    reason = pd.Series("", index=extract.index, dtype=object)
    reason[x.isna() | y.isna()] = "missing or unreadable easting/northing"
    inside = pts.within(boundary.to_crs(27700).union_all())
    reason[(reason == "") & ~inside] = "location outside the force boundary"
    left_out = extract[reason != ""].copy()
    left_out.insert(0, "reason", reason[reason != ""])
    return pts[reason == ""], left_out


def map_step(ctx: DemoContext) -> list[str]:
    """Demo: a hotspot map and a day-by-hour chart of the sample force's burglary."""
    import geopandas as gpd

    gpkg = ctx.data / "areas.gpkg"
    areas = gpd.read_file(gpkg, layer="areas")
    boundary = gpd.read_file(gpkg, layer="boundary")
    if (ctx.data / "crimes").exists():
        # one computation for every figure this run reports (log and profile alike)
        fig = burglary_figures(ctx.shared, ctx.data)
        pts, left_out = ctx.shared["burglary_points"], ctx.shared["burglary_left_out"]
        nr = ctx.shared["near_repeat"]
    else:  # an extract-only folder: no street-level data, no shared figures
        fig = None
        extract0 = ctx.shared.get("burglary")
        if extract0 is None:
            extract0 = pd.read_csv(ctx.data / "burglary_extract.csv", dtype=str,
                                   keep_default_na=False, na_values=[""])
        pts, left_out = burglary_points(extract0, boundary)
        nr = near_repeat(pts, *NEAR_REPEAT_BANDS, date="from_datetime", permutations=99,
                         seed=1)
    # The intake step's checked extract when it ran (its quarantine holds the bad rows);
    # otherwise the raw file, whose bad rows the helpers below report themselves.
    extract = ctx.shared.get("burglary")
    if extract is None:
        extract = pd.read_csv(ctx.data / "burglary_extract.csv", dtype=str,
                              keep_default_na=False, na_values=[""])
    lines: list[str] = [f"{len(pts):,} rows of the burglary extract located in the force; "
                        f"{len(left_out)} rows left out with reasons (geo_burglary_unlocated.csv)"]
    left_out.to_csv(ctx.out / "geo_burglary_unlocated.csv", index=False)

    hs = ctx.shared.get("hotspots")
    if hs is not None:
        m = map(hs, areas=areas, boundary=boundary, title="Burglary hotspots (Gi*, FDR)")
        lines.append("hotspot map from the Gi* step (ctx.shared['hotspots'])")
    else:
        cells, size = aggregate(pts, 250.0)
        m = map(grid=cells, areas=areas, boundary=boundary, title="Burglary per 250 m cell")
        lines.append(f"no Gi* result shared; mapped burglary counts per {size:g} m cell")
    map_path = m.save(ctx.out / "geo_burglary_hotspots.html")
    lines.append(f"{map_path} ({len(m.html) / 1e6:.1f} MB, offline, layers: {', '.join(m.layers)})")

    week = aoristic(extract, start="from_datetime", end="to_datetime")
    chart = plot_day_hour(week, title="Burglary by day and hour (aoristic)")
    png = ctx.out / "geo_burglary_day_hour.png"
    chart.savefig(png, dpi=120)
    lines.append(f"{png} ({week.to_numpy().sum():.0f} events; "
                 f"{len(week.excluded)} rows excluded with reasons)")
    week.excluded.to_csv(ctx.out / "geo_burglary_day_hour_excluded.csv", index=False)

    knox = ctx.out / "geo_burglary_near_repeat.csv"
    nr.to_frame().to_csv(knox, index=False)
    if fig is not None:
        lines.append(f"{knox}: {fig.knox_text}")
    else:
        lines.append(f"{knox}: Knox ratio {float(nr.ratio.to_numpy()[1, 0]):.2f} within 100 m "
                     f"and 7 days (p = {float(nr.p_value.to_numpy()[1, 0]):.2f}, "
                     f"{nr.permutations} permutations)")
    return lines
