"""Small synthetic profiles for the unit tests (no sample force needed)."""

from __future__ import annotations

from typing import Any

import pandas as pd

import intelbench as ib

PAYLOAD = "<script>alert('x')</script>"


class FakeMap:
    """A map-like object: offline HTML with a Leaflet container (as ib.geo.map returns)."""

    html = ("<!DOCTYPE html><html><head><style>.leaflet-container{height:300px}</style>"
            "</head><body><div class='folium-map leaflet-container' id='m'>map</div>"
            "</body></html>")  # no inline script: the gate refuses scripts it does not know
    layers = ["areas"]


def reports() -> pd.DataFrame:
    """Three graded reports: OFFICIAL P, OFFICIAL-SENSITIVE P, OFFICIAL C with conditions."""
    return pd.DataFrame({
        "urn": ["IR-2026-000001", "IR-2026-000002", "IR-2026-000003"],
        "scheme": ["3x5x2"] * 3,
        "source_eval": ["1", "2", "2"],
        "intel_assess": ["B", "A", "C"],
        "handling": ["P", "P", "C"],
        "handling_conditions": ["", "", "Do not share outside the force"],
        "risk_assessment_ref": ["", "", "RA-1"],
        "classification": ["OFFICIAL", "OFFICIAL-SENSITIVE", "OFFICIAL"],
        "status": ["EVALUATED"] * 3,
    })


def chart() -> Any:
    from matplotlib.figure import Figure

    fig = Figure(figsize=(3, 2))
    ax = fig.add_subplot(1, 1, 1)
    ax.bar(["Mon", "Tue"], [3, 5])
    return fig


def tor(agreed: bool = True) -> ib.profiles.TermsOfReference:
    t = ib.profiles.TermsOfReference("TT&CG chair", "Why has burglary risen?",
                                     "Northshire, 12 months", "2026-12-18", "TT&CG",
                                     delegates=("Superintendent",))
    return t.agree("Superintendent", "2026-11-02") if agreed else t


def problem(**over: Any) -> ib.profiles.ProblemProfile:
    kw: dict[str, Any] = dict(
        title="Burglary problem profile", tor=tor(), summary="Burglary rose by a fifth.",
        key_findings=["Two hot cells"], what="Dwelling burglary", where="North sector",
        when="Evenings", who="Local offenders", victims="Students", offenders="Local group",
        locations="Terraced streets",
        figures=[ib.profiles.FigureItem("Day and hour", chart(), "Aoristic"),
                 ib.profiles.FigureItem("Hotspot map", FakeMap(), "Gi*", static=chart())],
        tables=[ib.profiles.TableItem("Areas", pd.DataFrame({"area_code": ["E01"],
                                                             "count": [4]}))],
        gaps=["Who handles the stolen goods?"],
        recommendations={"prevention": ["Target hardening"], "enforcement": ["Patrols"]},
        cited=["IR-2026-000001", "IR-2026-000002"], reports=reports(), author="A. Analyst",
    )
    kw.update(over)
    return ib.profiles.ProblemProfile(**kw)


def reviewed(p: ib.profiles.Profile) -> ib.profiles.Profile:
    return p.submit_for_review().review("DI Reviewer", role="SUPERVISOR")


def request(ws: Any, path: Any, fmt: str) -> dict[str, Any]:
    return dict(to=ib.Recipient("Chair", "Northshire Police", "POLICE_FORCE"),
                purpose="Tasking meeting", basis="policing purpose: prevent crime",
                necessity="Needed by the tasking meeting to allocate patrols.", path=path,
                fmt=fmt, ws=ws, acknowledge_conditions=True)


def send(product: Any, ws: Any, path: Any, fmt: str) -> Any:
    """Disseminate as an analyst does: dry run, read the flagged values, release them, send."""
    req = request(ws, path, fmt)
    dry = ib.disseminate(product, dry_run=True, **req)
    flagged = list(dry.flagged["id"]) if len(dry.flagged) else []
    release = dry.release(*flagged) if flagged else None
    return ib.disseminate(product, release=release, **req)
