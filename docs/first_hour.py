"""The "first hour" tutorial as one script: run it from the repository root.

    .venv/bin/python docs/first_hour.py

Each block between ``# [name]`` and ``# [/name]`` is shown in ``docs/tutorial.rst`` (by
``literalinclude``), with the output it printed when the tutorial was written. It reads the
real data.police.uk download beside the repository (``../shared/real/``) and writes only under
``workspaces/first_hour/`` and ``out/first_hour/`` (both git-ignored). Start from a fresh
workspace to see the same references (``DIS-...-000001``) as the tutorial.
"""

# [setup]
from pathlib import Path

import geopandas as gpd
import pandas as pd

import intelbench as ib

pd.set_option("display.width", 100)
REAL = Path("../shared/real")
OUT = Path("out/first_hour")
OUT.mkdir(parents=True, exist_ok=True)
# [/setup]

# [workspace]
ws = ib.Workspace("workspaces/first_hour", role="ANALYST")
print(ws)
# [/workspace]

# [intake]
crimes = ib.read_police_uk(REAL / "police_uk/2016-03-cumbria-street.csv")
intake = crimes.attrs["intake"]
print(intake)
print(intake.excluded[["line", "reason", "Crime type"]])
print(crimes.crs.to_epsg(), len(crimes))
# [/intake]

# [areas]
areas = gpd.read_file(REAL / "boundaries/cumbriaLSOA.shp")
areas = areas.rename(columns={"code": "area_code", "name": "area_name"})
print(len(areas), areas.crs.to_epsg())
print(crimes["lsoa_code"].isin(areas["area_code"]).all())
# [/areas]

# [types]
print(crimes["crime_type"].value_counts().head(6).to_string())
asb = crimes[crimes["crime_type"] == "Anti-social behaviour"]
# [/types]

# [rates]
by_area = ib.geo.rates(asb, areas, population=None)
top = (by_area.sort_values("count", ascending=False)
       .head(10)[["area_code", "area_name", "count", "count_per_km2"]]
       .reset_index(drop=True))
top["count_per_km2"] = top["count_per_km2"].round(1)
print(top.to_string())
# [/rates]

# [hotspots]
hs = ib.geo.hotspots(asb, cell_size=250, study_area=areas)
hot = hs[hs["fdr_significant"] & (hs["gi_star"] > 0)]
print(len(hs), "cells;", len(hot), "hot cells holding", int(hot["count"].sum()), "incidents")
print(hs["hotspot"].value_counts().to_string())
# [/hotspots]

# [map]
m = ib.geo.map(hs, areas=areas, title="Anti-social behaviour hotspots, March 2016")
print(m.save(OUT / "asb_hotspots.html"), m.layers)
# [/map]

# [profile]
tor = ib.profiles.TermsOfReference(
    requester="Chair, Cumbria TT&CG",
    question="Where is anti-social behaviour concentrated in Cumbria, and what would reduce it?",
    scope="Cumbria, street-level crime for March 2016 (data.police.uk)",
    deadline="2016-04-15",
    audience="Tactical Tasking and Coordination Group",
).agree("Chair, Cumbria TT&CG", "2016-04-04")

manifest = ib.profiles.Manifest()
manifest.add_file(REAL / "police_uk/2016-03-cumbria-street.csv", "street crimes")
manifest.add_file(REAL / "boundaries/cumbriaLSOA.shp", "LSOA boundaries")
manifest.step("ib.read_police_uk", path="2016-03-cumbria-street.csv")
manifest.step("ib.geo.rates", areas="cumbriaLSOA", population=None)
manifest.step("ib.geo.hotspots", crime_type="Anti-social behaviour", cell_size=250)

profile = ib.profiles.ProblemProfile(
    title="Anti-social behaviour problem profile, Cumbria, March 2016",
    tor=tor, author="A. Analyst", manifest=manifest,
    summary=(f"{len(asb):,} anti-social behaviour incidents were recorded in March 2016. "
             f"{len(hot)} cells of 250 m are significant hotspots (Gi*, FDR-controlled); "
             f"the ten busiest areas hold {int(top['count'].sum())} incidents."),
    key_findings=[
        f"{len(hot)} hot cells of 250 m hold {int(hot['count'].sum())} of {len(asb):,} "
        "incidents.",
        f"The busiest area is {top.loc[0, 'area_name']} ({top.loc[0, 'count']} incidents).",
    ],
    what="Anti-social behaviour recorded by Cumbria Constabulary.",
    where="Town centres of Carlisle and Barrow-in-Furness; see the map and the table.",
    when="March 2016 only; data.police.uk gives the month, not the day or hour.",
    who="Not in the open data.",
    victims="Not in the open data.",
    offenders="Not in the open data.",
    locations=f"{len(hot)} hot cells; see the hotspot map.",
    figures=[ib.profiles.FigureItem(
        "ASB hotspots", m, "Gi* hot cells (250 m), FDR-controlled; LSOA outlines act as the "
        "basemap.", static=hs, column="gi_star")],
    tables=[ib.profiles.TableItem("Busiest areas", top, "Top ten LSOAs by count.")],
    gaps=["Times of day: the open data has the month only; ask for the force extract.",
          "Repeat locations: snapped points hide repeat addresses."],
    recommendations={
        "prevention": ["Problem-solving plans for the ten busiest areas."],
        "intelligence": ["Obtain the force extract with times to test day-by-hour patterns."],
        "enforcement": ["Patrols in the hot cells."],
        "reassurance": ["Publicise the patrols in the affected neighbourhoods."],
    },
)
print(profile.validate())
# [/profile]

# [review]
(OUT / "review_copy.html").write_text(profile.to_html(), encoding="utf-8")
profile = profile.submit_for_review().review("DI B. Reviewer", comments="Agreed")
print(profile.status, profile.refusals())
print(profile.save(ws, justification="ASB profile peer reviewed"))
# [/review]

# [dryrun]
places = sorted({w for name in areas["area_name"] for w in name.replace("-", " ").split()})
request = dict(
    to=ib.Recipient("Chair", "Cumbria Constabulary TT&CG", "POLICE_FORCE"),
    purpose="Tasking patrols and problem solving against anti-social behaviour",
    basis="Policing purpose: preserve order and prevent crime",
    necessity="The tasking group needs the hotspots and busiest areas to place patrols.",
    ws=ws, known=ib.sanitise.KnownTerms(vocabulary=tuple(places)),
    path=OUT, fmt="html",
)
dry = ib.disseminate(profile, dry_run=True, **request)
print(dry)
# [/dryrun]

# [flagged]
print(sorted(set(dry.flagged["value"])))
# [/flagged]

# [refused]
try:
    ib.disseminate(profile, **request)
except ib.DisseminationRefused as exc:
    print(exc)
# [/refused]

# [send]
checked = sorted(set(dry.flagged["value"]))  # only after a person has read each one
record = ib.disseminate(profile, confirm_flagged=checked, **request)
print(record.ref, record.path.name, record.size, record.sha256[:16])
# [/send]

# [register]
reg = ib.gate.register(ws)
print(reg[["ref", "recipient_kind", "organisation", "classification", "handling", "fmt"]]
      .to_string())
# [/register]

# [audit]
print(ws.audit.entries()[["seq", "action", "record_ref", "recipient"]].to_string())
print(ws.audit.verify())
print(ws.audit.head())
# [/audit]
