"""The geotime demo step: a burglary hotspot map and a day-by-hour chart into ``out/``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

from intelbench.geo._maplayers import aggregate
from intelbench.geo.hotspots import hotspots
from intelbench.geo.maps import map
from intelbench.geo.repeat import near_repeat
from intelbench.geo.temporal import aoristic, plot_day_hour

if TYPE_CHECKING:
    from intelbench.demo.cli import DemoContext

__all__ = ["burglary_points", "hotspots_step", "map_step"]


def hotspots_step(ctx: DemoContext) -> list[str]:
    """Demo: Gi* hotspots of burglary in the sample force, written as GeoPackage and CSV."""
    crimes = ctx.shared.get("crimes")
    if crimes is None:
        import intelbench as ib

        crimes = ib.read_police_uk(ctx.data / "crimes")
        ctx.shared["crimes"] = crimes
    type_col = "crime_type" if "crime_type" in crimes.columns else "Crime type"
    burglary = crimes[crimes[type_col].astype(str).str.startswith("Burglary")]
    hs = hotspots(burglary, cell_size=150)
    ctx.shared["hotspots"] = hs
    ctx.out.mkdir(parents=True, exist_ok=True)
    gpkg = ctx.out / "hotspots_burglary.gpkg"
    csv = ctx.out / "hotspots_burglary.csv"
    hs_out = hs.copy()
    hs_out["hotspot"] = hs_out["hotspot"].astype(str)
    hs_out.to_file(gpkg, layer="hotspots", driver="GPKG")
    hs_out.drop(columns="geometry").to_csv(csv, index=False)
    hot = int((hs["gi_bin"] > 0).sum())
    cold = int((hs["gi_bin"] < 0).sum())
    lines = [
        f"{len(burglary):,} burglaries on {len(hs):,} cells of 150 m; "
        f"{hot} hot and {cold} cold cells (FDR-controlled)",
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

    # The intake step's checked extract when it ran (its quarantine holds the bad rows);
    # otherwise the raw file, whose bad rows the helpers below report themselves.
    extract = ctx.shared.get("burglary")
    if extract is None:
        extract = pd.read_csv(ctx.data / "burglary_extract.csv", dtype=str,
                              keep_default_na=False, na_values=[""])
    gpkg = ctx.data / "areas.gpkg"
    areas = gpd.read_file(gpkg, layer="areas")
    boundary = gpd.read_file(gpkg, layer="boundary")
    pts, left_out = burglary_points(extract, boundary)
    lines: list[str] = [f"{len(pts)} burglaries located in the force; {len(left_out)} rows "
                        "left out with reasons (geo_burglary_unlocated.csv)"]
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
    fig = plot_day_hour(week, title="Burglary by day and hour (aoristic)")
    png = ctx.out / "geo_burglary_day_hour.png"
    fig.savefig(png, dpi=120)
    lines.append(f"{png} ({week.to_numpy().sum():.0f} events; "
                 f"{len(week.excluded)} rows excluded with reasons)")
    week.excluded.to_csv(ctx.out / "geo_burglary_day_hour_excluded.csv", index=False)

    nr = near_repeat(pts, [100, 200, 300, 400], [7, 14, 21, 28], date="from_datetime",
                     permutations=99, seed=1)
    knox = ctx.out / "geo_burglary_near_repeat.csv"
    nr.to_frame().to_csv(knox, index=False)
    top = float(nr.ratio.to_numpy()[1, 0])
    p_top = float(nr.p_value.to_numpy()[1, 0])
    lines.append(f"{knox}: Knox ratio within 100 m and 7 days = {top:.2f} "
                 f"(p = {p_top:.2f}, {nr.permutations} permutations)")
    return lines
