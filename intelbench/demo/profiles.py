"""Build the sample force's burglary problem profile and OCG subject profile; demo step.

The build helpers take the sample force folder and a workspace, reuse analysis objects an
earlier step made (``shared``: crimes, hotspots, graph, ocg_map, reports) and compute what is
missing, recording every data file (SHA-256) and parameter in the profile's manifest. A
product type that is not available (a module not installed) raises, it never leaves a blank.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import Counter
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.exceptions import ProfileError
from intelbench.profiles._parts import FigureItem, TableItem, TermsOfReference
from intelbench.profiles.manifest import Manifest
from intelbench.profiles.model import ProblemProfile, SubjectProfile

__all__ = ["PARTNER", "build_problem_profile", "build_subject_profile", "demo_step",
           "disseminate_profile", "partner_request", "rounded"]

_GROUP = "Kestrel Lane group"


def rounded(frame: pd.DataFrame, figures: int = 3) -> pd.DataFrame:
    """Return a copy with fractional numbers rounded to ``figures`` significant figures.

    Whole-number columns and text are left as they are; ``attrs`` (column roles) are kept.

    Examples
    --------
    >>> rounded(pd.DataFrame({"z": [1.0126379, 348.90909], "n": [3, 4]})).to_dict("list")
    {'z': [1.01, 349.0], 'n': [3, 4]}
    """
    import numpy as np

    out = frame.copy()
    for c in out.columns:
        col = out[c]
        if pd.api.types.is_float_dtype(col.dtype):
            v = col.to_numpy(dtype=float)
            with np.errstate(divide="ignore", invalid="ignore"):
                mag = np.where(np.isfinite(v) & (v != 0),
                               np.floor(np.log10(np.abs(np.where(v == 0, 1, v)))), 0)
            scale = 10.0 ** (figures - 1 - mag)
            out[c] = np.round(v * scale) / scale
    out.attrs = dict(frame.attrs)
    return out


def _need(module: str) -> Any:
    import importlib

    try:
        return importlib.import_module(module)
    except ImportError as exc:
        raise ProfileError(f"profile section needs {module}, which is not available: {exc}"
                           ) from exc


def _run(steps: list[tuple[str, Callable[[], None]]], desc: str) -> None:
    import sys

    from tqdm.auto import tqdm

    # Bars in Jupyter and on a terminal; not in a log (they would interleave with its lines).
    quiet = "ipykernel" not in sys.modules and not sys.stderr.isatty()
    for name, fn in tqdm(steps, desc=desc, unit="step", leave=False, disable=quiet):
        try:
            fn()
        except ProfileError:
            raise
        except Exception as exc:
            raise ProfileError(f"{desc}: step {name!r} failed: {type(exc).__name__}: {exc}"
                               ) from exc


def _reports(data: Path, shared: dict[str, Any], m: Manifest) -> pd.DataFrame:
    from intelbench.grading.reports import read_reports

    m.add_file(data / "intel_reports.csv", "intelligence log")
    if shared.get("reports") is None:
        shared["reports"] = read_reports(data / "intel_reports.csv")
    m.step("ib.read_reports", path="intel_reports.csv")
    out: pd.DataFrame = shared["reports"]
    return out


def _gaps(ws: Any, data: Path, reports: pd.DataFrame, today: dt.date, m: Manifest) -> Any:
    plans = _need("intelbench.plans")
    m.add_file(data / "collection_plan.json", "collection plan")
    saved = [plans.load_plan(ws, pid) for pid in plans.list_plans(ws)]
    if not saved:
        saved = list(plans.read_plans(data / "collection_plan.json"))
    m.step("ib.plans.gaps", today=today.isoformat(), plans=[p.id for p in saved])
    return plans.gaps(ws, today=today, reports=reports, plans=saved)


def _citable(reports: pd.DataFrame, urns: set[str], n: int) -> list[str]:
    ok = reports[reports["urn"].isin(urns) & (reports["quarantine"].fillna("") == "")
                 & (reports["scheme"].astype(str) == "3x5x2")]
    ok = ok.sort_values(["date_of_intelligence", "urn"], ascending=[False, True])
    return ok["urn"].head(n).astype(str).tolist()


def _reference(data: Path) -> list[Path]:
    """Return the force's reference layers (roads, place names) if the data folder has them."""
    return [p for p in [data / "reference.gpkg"] if p.exists()]


def build_problem_profile(data: str | Path, ws: Any, *, shared: dict[str, Any] | None = None,
                          seed: int = 1, today: dt.date | None = None,
                          author: str = "Demo Analyst") -> ProblemProfile:
    """Build the sample force's burglary problem profile (DRAFT, terms agreed)."""
    import geopandas as gpd

    from intelbench.intake import read_police_uk

    geo = _need("intelbench.geo")
    data, shared = Path(data), shared if shared is not None else {}
    today = today or dt.date.today()
    m = Manifest(seed=seed)
    st: dict[str, Any] = {}

    def load() -> None:
        m.add_file(data / "crimes", "street crimes (police open data)")
        m.add_file(data / "areas.gpkg", "areas")
        m.add_file(data / "burglary_extract.csv", "burglary extract")
        if shared.get("crimes") is None:
            shared["crimes"] = read_police_uk(data / "crimes")
        m.step("ib.read_police_uk", path="crimes/")
        crimes = shared["crimes"]
        st["burglary"] = crimes[crimes["crime_type"].astype(str).str.startswith("Burglary")]
        st["areas"] = gpd.read_file(data / "areas.gpkg", layer="areas")
        st["boundary"] = gpd.read_file(data / "areas.gpkg", layer="boundary")
        st["extract"] = pd.read_csv(data / "burglary_extract.csv", dtype=str,
                                    keep_default_na=False, na_values=[""])

    def hotspots() -> None:
        from intelbench.demo.geo import burglary_figures

        st["fig"] = burglary_figures(shared, data, seed=seed)  # one computation (issue 17)
        fig = st["fig"]
        m.step("ib.geo.hotspots", crime_type="Burglary", study_area="areas.gpkg boundary",
               cell_size=f"{fig.cell_size:g} (from the data)", distance=fig.band)
        hs = shared["hotspots"]
        st["hs"] = hs
        st["map"] = geo.map(hs, areas=st["areas"], boundary=st["boundary"],
                            title="Burglary hotspots (Gi*, FDR)", reference=_reference(data))
        m.step("ib.geo.map", layers=list(st["map"].layers))

    def emerging() -> None:  # emerging hot spots by month, read in words (issue 14)
        from intelbench.geo.emerging_summary import emerging_section

        res = geo.emerging_hotspots(st["burglary"], cell_size=500)
        st["em"] = emerging_section(res, st["areas"], crime="burglary", area_name="sector")
        m.step("ib.geo.emerging_hotspots", crime_type="Burglary", cell_size=500, step="month")

    def when() -> None:
        week = geo.aoristic(st["extract"], start="from_datetime", end="to_datetime")
        m.step("ib.geo.aoristic", start="from_datetime", end="to_datetime")
        st["week"] = week
        st["day_hour"] = geo.plot_day_hour(week, title="Burglary by day and hour (aoristic)")

    def repeat() -> None:
        params = {"distance_bands": [100, 200, 300, 400], "time_bands": [7, 14, 21, 28],
                  "permutations": 99}
        st["nr"] = shared["near_repeat"]  # computed with the figures, used by the log too
        m.step("ib.geo.near_repeat", seed=seed, **params)

    def gaps_step() -> None:
        st["reports"] = _reports(data, shared, m)
        st["gaps"] = _gaps(ws, data, st["reports"], today, m)

    _run([("load", load), ("hotspots", hotspots), ("emerging", emerging), ("when", when),
          ("near repeat", repeat), ("gaps", gaps_step)], "problem profile")

    hs, burglary, areas = st["hs"], st["burglary"], st["areas"]
    fig = st["fig"]
    by_area = (burglary.groupby("lsoa_code").size().rename("count").reset_index()
               .rename(columns={"lsoa_code": "area_code"}))
    by_area = by_area.merge(areas[["area_code", "area_name", "sector", "households"]],
                            on="area_code", how="left")
    by_area["rate_per_1000"] = (1000 * by_area["count"] / by_area["households"]).round(1)
    top = by_area.sort_values("count", ascending=False).head(10).reset_index(drop=True)
    sector = by_area.groupby("sector")["count"].sum().sort_values(ascending=False)
    week = st["week"]
    day_tot = week.sum(axis=1).sort_values(ascending=False)
    hour_tot = week.sum(axis=0).sort_values(ascending=False)
    nrf = st["nr"].to_frame()
    gap_frame = st["gaps"].frame
    n_hot = fig.hot_cells
    areas_map = areas.merge(by_area[["area_code", "rate_per_1000"]], on="area_code", how="left")
    rate = "burglaries per 1,000 households"  # the legend's title on screen and on paper
    rate_map = geo.map(areas=areas_map.rename(columns={"rate_per_1000": rate}), value=rate,
                       label="area_name",
                       title="Burglary rate per 1,000 households", reference=_reference(data),
                       source="Street-level crime data, 12 months; households from areas.gpkg")
    m.step("ib.geo.map", areas="areas.gpkg", value="rate_per_1000 (as the legend title)")
    plan = json.loads((data / "collection_plan.json").read_text(encoding="utf-8"))
    members = {m_ for g in json.loads((data / "ocg_truth.json").read_text())["groups"]
               if g.get("name") == _GROUP for m_ in g["members"]}
    rep = st["reports"]
    subj = rep["subjects"].fillna("").str.split(";")
    cited = _citable(rep, set(rep.loc[subj.map(lambda s: bool(members & set(s))), "urn"]), 6)

    tor = TermsOfReference(
        requester=plan["terms_of_reference"]["requester"],
        question="Where, when and how is dwelling burglary concentrated in Northshire, and "
                 "what would reduce it?",
        scope="Northshire, the 12 months of street-level crime data; burglary extract with "
              "uncertain times", deadline=plan["terms_of_reference"]["deadline"],
        audience="Tactical Tasking and Coordination Group; Community Safety Partnership",
        delegates=("Chair, Northshire TT&CG",),
    ).agree("Chair, Northshire TT&CG", dt.date(2026, 11, 2))
    return ProblemProfile(
        title="Burglary problem profile, Northshire", tor=tor, author=author, manifest=m,
        summary=(f"{fig.recorded} located burglaries were recorded in the 12 months (street-"
                 f"level data). They concentrate in {n_hot:,} statistically significant hot "
                 f"cells (Gi*, FDR-controlled) and in the {sector.index[0]} sector "
                 f"({int(sector.iloc[0])} offences)."),
        key_findings=[
            f"{fig.hot_text}, with false-discovery-rate control.",
            f"The ten busiest areas hold {int(top['count'].sum()):,} of {fig.recorded:,} "
            "burglaries.",
            f"Busiest day {day_tot.index[0]}, busiest hour {hour_tot.index[0]}:00 (aoristic "
            "weights over each offence's time window).",
            f"Near repeat: {fig.knox_text}.",
            st["em"]["text"],
        ],
        what="Burglary (residential and business premises) recorded by Northshire Police.",
        where=f"Concentrated in the {sector.index[0]} sector; the ten busiest areas are "
              "tabled below.",
        when=f"Peaks on {day_tot.index[0]} and around {hour_tot.index[0]}:00; see the day by "
             "hour chart.",
        who="Offender and victim details are held on force systems and are not reproduced.",
        victims="Households in terraced and student housing in the hot cells (repeat and near "
                "repeat victimisation raises their risk).",
        offenders=("A local group is suspected of involvement (collection plan question on the "
                   "burglary series); not yet corroborated."),
        locations=f"{n_hot} hot cells; see the hotspot map.",
        figures=[
            FigureItem("Burglary hotspots", st["map"], f"Gi* hot and cold cells "
                       f"({fig.scale_text}), FDR-controlled, inside the force boundary; "
                       "area outlines act as the basemap.", static=hs,
                       column="gi_star"),
            FigureItem("Burglary rate by area", rate_map, "Burglaries per 1,000 households, "
                       "by area (quantile classes); roads and place names for context."),
            FigureItem("Burglary by day and hour", st["day_hour"], "Aoristic weights.",
                       section="when"),
        ],
        tables=[
            TableItem("Busiest areas", top[["area_code", "area_name", "sector", "count",
                                            "rate_per_1000"]], "Top ten areas by count."),
            TableItem("Near-repeat (Knox) test", rounded(nrf), "Observed over expected pairs."),
            TableItem("Emerging hot spots", st["em"]["table"].drop(columns=["x", "y"]),
                      "Locations (500 m cells) by space-time category (Gi* by month, FDR; "
                      "Mann-Kendall trend)."),
        ],
        gaps=gap_frame, cited=cited, reports=rep, ws=ws,
        recommendations={
            "prevention": ["Target-hardening visits to households in the hot cells."],
            "intelligence": ["Task collection against the open burglary-series question."],
            "enforcement": ["Patrols in hot cells at the peak day and hour."],
            "reassurance": ["Cocooning letters to neighbours within 100 m of each burglary."],
        },
    )


def build_subject_profile(data: str | Path, ws: Any, *, shared: dict[str, Any] | None = None,
                          group: str = _GROUP, seed: int = 1, today: dt.date | None = None,
                          author: str = "Demo Analyst") -> SubjectProfile:
    """Build the subject profile of a planted OCG (DRAFT, terms agreed)."""
    import geopandas as gpd

    net = _need("intelbench.network")
    geo = _need("intelbench.geo")
    data, shared = Path(data), shared if shared is not None else {}
    today = today or dt.date.today()
    m = Manifest(seed=seed)
    st: dict[str, Any] = {}

    def network() -> None:
        for f, role in (("associations.csv", "associations"), ("entities.csv", "entities"),
                        ("nominals.csv", "nominals"), ("ocg_truth.json", "OCG membership")):
            m.add_file(data / f, role)
        if shared.get("graph") is None:
            shared["graph"] = net.build_network(
                pd.read_csv(data / "associations.csv", dtype=str),
                pd.read_csv(data / "entities.csv", dtype=str),
                nominals=pd.read_csv(data / "nominals.csv", dtype=str))
        m.step("ib.network.build_network", nominals=True)

    def ocg() -> None:
        if shared.get("ocg_map") is None:
            truth = json.loads((data / "ocg_truth.json").read_text())
            membership = {x: g["name"] for g in truth["groups"] for x in g["members"]}
            shared["ocg_map"] = net.map_ocgs(shared["graph"], membership=membership, seed=seed)
        m.step("ib.network.map_ocgs", membership="ocg_truth.json", seed=seed)
        groups = shared["ocg_map"].groups
        if group not in set(groups["group"]):
            raise ProfileError(f"group: expected one of {', '.join(map(str, groups['group']))};"
                               f" got {group!r}")
        st["row"] = groups[groups["group"] == group].iloc[0]
        mem = shared["ocg_map"].members
        st["members"] = mem[mem["group"] == group].drop(columns=["label"])

    def chart() -> None:
        graph = shared["graph"]
        ids = list(st["members"]["node"])
        # members coloured by group and labelled by role (leader, broker, cut-point), the most
        # important labels first (intelbench.network.chart_attrs)
        annotate = _need("intelbench.network.chart_attrs").annotate_for_chart
        graph = annotate(graph, ocg=shared["ocg_map"])
        st["chart"] = net.link_chart(graph, focus=ids, radius=1, seed=seed, colour_by="ocg",
                                     title=f"{group}: members and who and what links to them")
        m.step("ib.network.link_chart", focus=f"{len(ids)} members", radius=1, seed=seed)

    def places() -> None:
        m.add_file(data / "areas.gpkg", "areas")
        areas = gpd.read_file(data / "areas.gpkg", layer="areas")
        mine = areas[areas["area_code"].isin(set(st["row"]["areas"]))].copy()
        mine["group_area"] = 1
        st["areas"], st["mine"] = areas, mine
        st["map"] = geo.map(areas=areas, boundary=mine, title=f"{group}: areas of activity",
                            reference=_reference(data))
        m.step("ib.geo.map", areas="areas.gpkg", boundary=f"{len(mine)} group areas")

    def gaps_step() -> None:
        st["reports"] = _reports(data, shared, m)
        st["gaps"] = _gaps(ws, data, st["reports"], today, m)

    def comms() -> None:  # call data records, when the sample force has them
        if (data / "comms" / "authorities.csv").exists():
            from intelbench.comms.profile_section import sample_section
            st["comms"] = sample_section(data / "comms", ws, group, m)

    _run([("network", network), ("OCG map", ocg), ("link chart", chart),
          ("places", places), ("comms", comms), ("gaps", gaps_step)], "subject profile")
    cs = st.get("comms")
    cfig, ctab = cs.items() if cs is not None else ([], [])
    ctab = [replace(t, frame=rounded(t.frame)) for t in ctab]

    graph, row, members = shared["graph"], st["row"], st["members"]
    ids = set(members["node"])
    kinds: Counter[str] = Counter()
    link_types: Counter[str] = Counter()
    urns: set[str] = set()
    for u in ids:
        for v, attrs in graph[u].items():
            kinds[str(graph.nodes[v].get("node_type"))] += 1
            for t in attrs.get("link_types", ()):
                link_types[str(t)] += 1
            urns |= set(attrs.get("reports", ()))
    rep = st["reports"]
    cited = _citable(rep, urns, 8)
    # timeline of the group's key events (intelbench.charts); every report drawn is cited
    tl = _need("intelbench.charts").subject_timeline(rep, list(members["node"]), group, today)
    m.step("ib.charts.subject_timeline", members=len(ids), years=2)
    cited += [u for u in tl.events["urn"] if u not in cited]
    brokers = ", ".join(map(str, row["brokers"])) or "none found"
    cuts = ", ".join(map(str, row["cut_points"])) or "none found"
    gap_frame = st["gaps"].frame
    plan = json.loads((data / "collection_plan.json").read_text(encoding="utf-8"))
    t = plan["terms_of_reference"]
    tor = TermsOfReference(t["requester"], t["question"], t["scope"], t["deadline"],
                           t["audience"]).agree(t["requester"], dt.date(2026, 11, 2))
    table = rounded(members[["node", "roles", "group_rank", "score"]].copy())
    table["roles"] = table["roles"].map(lambda r: ", ".join(map(str, r))
                                        if isinstance(r, list | tuple) else str(r))
    static = st["areas"].assign(group_area=st["areas"]["area_code"].isin(
        set(st["mine"]["area_code"])).astype(int))
    return SubjectProfile(
        title=f"Subject profile: {group}", tor=tor, author=author, manifest=m, subject=group,
        summary=(f"The {group} has {int(row['n_members'])} members, harm score "
                 f"{float(row['harm_score']):.0f} (band {row['band']}, "
                 f"{row['management_level']} management), active in {len(row['areas'])} areas."),
        key_findings=[
            f"Leader by network position: {row['leader']}.",
            f"Broker(s): {brokers}; cut-point(s): {cuts}.",
            f"{kinds.get('phone', 0)} links to phones and {kinds.get('vehicle', 0)} to "
            "vehicles.",
            *(cs.key_findings if cs is not None else []),
        ],
        criminal_activity="Link types on members' links: " + ", ".join(
            f"{k} ({n})" for k, n in link_types.most_common(6)) + ".",
        geography=f"Active in {len(row['areas'])} areas (map).",
        communications=f"{kinds.get('phone', 0)} member-to-phone links."
        + (f" {cs.text}" if cs is not None else ""),
        finance="No financial intelligence held (see gaps).",
        associations=f"{len(ids)} members; {sum(kinds.values())} links from members.",
        strengths="Dense core around the leader; members use several phones.",
        weaknesses=f"Cut-point(s) {cuts}: removing them splits the group.",
        risks=f"Harm band {row['band']}; violence and supply risks as graded in the reports.",
        ranking=f"Band {row['band']}: {row['management_level']} management.",
        resource_options=[
            f"Disruption focused on the cut-point(s) {cuts}.",
            "Tasked collection against the open HIGH questions of the collection plan.",
            "Partnership work in the group's areas of activity.",
        ],
        figures=[FigureItem("Link chart", st["chart"], "Members and their direct links; "
                            "every entity labelled by its reference (and network role) only."),
                 FigureItem("Areas of activity", st["map"], "Areas where the group is active.",
                            static=static, column="group_area"),
                 FigureItem("Timeline of key events", tl, tl.caption), *cfig],
        tables=[TableItem("Members by network role", table, "Reference, role, rank, score."),
                *ctab],
        gaps=gap_frame, cited=cited, reports=rep, ws=ws,
        recommendations={
            "prevention": ["Work with partners on the areas of activity."],
            "intelligence": ["Answer the open HIGH questions of the collection plan."],
            "enforcement": [f"Consider disruption focused on cut-point(s) {cuts}."],
            "reassurance": ["Community engagement in the areas of activity."],
        },
    )


#: The demo's partner recipient and the request fields a partner needs (an ISA and its basis).
PARTNER: dict[str, Any] = {
    "to": ("Community safety analyst", "Northshire Community Safety Partnership",
           "PARTNER_ISA", "ISA-NS-2026-04"),
    "purpose": "Partnership burglary prevention planning",
    "basis": "Crime and Disorder Act 1998 s115, under information sharing agreement "
             "ISA-NS-2026-04",
    "necessity": "Needed by the partnership to target prevention work at the hot areas.",
}


def partner_request() -> dict[str, Any]:
    """Return the request fields of :data:`PARTNER`, with its Recipient built."""
    from intelbench.gate.disseminate import Recipient

    name, org, kind, isa = PARTNER["to"]
    return {**PARTNER, "to": Recipient(name, org, kind, isa_ref=isa)}


def disseminate_profile(profile: Any, ws: Any, out: str | Path, fmt: str,
                        show: Any = None, **request: Any) -> Any:
    """Send a peer-reviewed profile through the gate, releasing only the flagged values shown.

    ``profile`` is a :class:`Profile` (its static document) or ``profile.interactive()`` (the
    document with its live map, link chart and timeline pages). A dry run lists the values
    the gate's text check flagged; each is shown in its context (through ``show``, one line
    per value) and only those shown are released by their id. Without ``show`` nothing is
    shown and every flagged value is withheld.
    """
    from intelbench.gate.disseminate import Recipient, disseminate

    req: dict[str, Any] = {
        "to": Recipient("Chair", "Northshire Police TT&CG", "POLICE_FORCE"),
        "purpose": "Tasking and coordination of burglary and organised crime work",
        "basis": "policing purpose: prevent and detect crime",
        "necessity": "Needed by the tasking meeting to allocate resources proportionately.",
        "acknowledge_conditions": True,
    }
    req.update(request)
    dry: Any = disseminate(profile, path=out, fmt=fmt, ws=ws, dry_run=True, **req)
    shown: list[str] = []
    if show is not None:
        for r in dry.flagged.itertuples(index=False):
            show(f"  flagged {r.id} {r.kind} in {r.field}: {r.context}")
            shown.append(str(r.id))
    release = dry.release(*shown) if shown else None
    return disseminate(profile, path=out, fmt=fmt, ws=ws, release=release, **req)


def demo_step(ctx: Any) -> list[str]:
    """Demo: both profiles, peer reviewed, as HTML and DOCX through the gate.

    Uses ``ctx.shared`` objects (ws, crimes, hotspots, graph, ocg_map, reports) from earlier
    steps when present. Writes under ``ctx.out / "profiles"`` and returns where.
    """
    from intelbench.store.workspace import Workspace

    ws = ctx.shared.get("ws")
    if ws is None:
        ws = Workspace(Path(ctx.out) / "workspace", role="ANALYST")
        ctx.shared["ws"] = ws
    today = ctx.shared.get("today") or dt.date.today()
    out = Path(ctx.out) / "profiles"
    out.mkdir(parents=True, exist_ok=True)
    lines: list[str] = []
    built = [build_problem_profile(ctx.data, ws, shared=ctx.shared, today=today),
             build_subject_profile(ctx.data, ws, shared=ctx.shared, today=today)]
    for prof in built:
        ready = prof.submit_for_review().review("DI Peer Reviewer", role="SUPERVISOR",
                                                comments="demo review")
        ready.save(ws, justification="demo: profile peer reviewed")
        # static HTML and DOCX, then the interactive HTML (live map, link chart, timeline)
        sends: list[tuple[Any, str, str, dict[str, Any]]] = [
            (ready, "html", "static", {}), (ready, "docx", "static", {}),
            (ready.interactive(), "html", "interactive", {})]
        if prof.product_type == "PROBLEM_PROFILE":  # the partnership is in its audience
            sends.append((ready.interactive(), "html", "interactive, partner",
                          partner_request()))
        for product, fmt, what, req in sends:
            rec = disseminate_profile(product, ws, out, fmt, show=lines.append, **req)
            lines.append(f"{prof.product_type.lower()} ({what}): {rec.path} ({rec.ref}, "
                         f"{rec.doc['classification']}, handling {rec.doc['handling']}, "
                         f"to {rec.doc['organisation']}, {rec.size} bytes)")
        ctx.shared.setdefault("profiles", []).append(ready)
    from intelbench.gate.disseminate import export_register

    reg = export_register(ws, out / "dissemination_register.csv")
    lines.append(f"dissemination register: {reg}")
    return lines
