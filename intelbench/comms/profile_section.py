"""The communications section of a subject profile, built from call data records.

:func:`profile_section` runs the analyses a subject profile reports (top contacts, common
contacts bridging groups, replacement phones, handset and SIM changes, possible meetings)
and returns the text, key findings, tables and a cell-site wedge map, ready for
:class:`intelbench.profiles.model.SubjectProfile`. Every table is marked as communications
data (``attrs["intelbench_kind"]``) so the dissemination gate applies its rule to it.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from intelbench.comms._kind import mark
from intelbench.comms.cellmap import CellSiteMap, cell_site_map
from intelbench.comms.colocation import colocation, meetings
from intelbench.comms.common import common_contacts
from intelbench.comms.contacts import top_contacts
from intelbench.comms.handsets import handset_changes
from intelbench.comms.replacement import replacement_phones
from intelbench.exceptions import ParameterError

__all__ = ["CommsSection", "profile_section", "sample_section"]


@dataclass
class CommsSection:
    """What the communications analyses give a subject profile.

    Attributes
    ----------
    text : str
        The ``communications`` aspect of the profile.
    key_findings : list of str
        One line per finding.
    tables : list of (title, frame, caption)
        Tables for the profile (each frame marked as communications data).
    figures : list of (title, object, caption)
        The cell-site wedge map (a :class:`~intelbench.comms.cellmap.CellSiteMap`).
    wedges : geopandas.GeoDataFrame or None
        The wedges drawn (a static stand-in for the map in DOCX and PDF).
    """

    text: str
    key_findings: list[str] = field(default_factory=list)
    tables: list[tuple[str, pd.DataFrame, str]] = field(default_factory=list)
    figures: list[tuple[str, Any, str]] = field(default_factory=list)
    wedges: Any = None

    def items(self) -> tuple[list[Any], list[Any]]:
        """Return (figures, tables) as profile items (``FigureItem``, ``TableItem``)."""
        from intelbench.profiles._parts import FigureItem, TableItem

        figures = [FigureItem(t, obj, cap, static=self.wedges, column="records")
                   for t, obj, cap in self.figures]
        tables = [TableItem(t, frame, cap) for t, frame, cap in self.tables]
        return figures, tables

    def _repr_html_(self) -> str:
        import html

        items = "".join(f"<li>{html.escape(k)}</li>" for k in self.key_findings)
        return (f"<div><b>Communications</b>: {html.escape(self.text)}<ul>{items}</ul>"
                f"{len(self.tables)} table(s), {len(self.figures)} figure(s)</div>")


def _label(number: str, people: Mapping[str, str]) -> str:
    return f"{number} ({people[number]})" if number in people else number


def profile_section(records: pd.DataFrame, cells: pd.DataFrame, *,
                    groups: Mapping[str, str] | None = None,
                    people: Mapping[str, str] | None = None,
                    subject: str | None = None, top: int = 3,
                    window: str = "15min", within: float = 1500.0,
                    boundary: Any = None) -> CommsSection:
    """Build the communications section of a subject profile.

    Parameters
    ----------
    records : pandas.DataFrame
        Call data records (:func:`~intelbench.comms.records.combine` of the imports).
    cells : pandas.DataFrame
        The cell-site table.
    groups : mapping of str to str, optional
        Target number -> group; common contacts that bridge groups are reported.
    people : mapping of str to str, optional
        Target number -> person reference, added beside numbers in the text.
    subject : str, optional
        The subject group: its numbers are mapped (default: every target).
    top : int
        Top contacts per target in the table.
    window, within : str, float
        Co-location window and mast distance (see
        :func:`~intelbench.comms.colocation.colocation`).
    boundary : GeoDataFrame, optional
        An outline for the cell-site map.

    Returns
    -------
    CommsSection
        Text, key findings, tables and the cell-site map.

    Raises
    ------
    ParameterError
        If there are no records, or ``subject`` names no group in ``groups``.
    """
    if len(records) == 0:
        raise ParameterError("records: no call data records to profile")
    people = dict(people or {})
    groups = dict(groups or {})
    targets = sorted(set(records["target"].astype(str)))
    if subject is not None:
        mine = sorted(n for n, g in groups.items() if g == subject)
        if not mine:
            raise ParameterError(f"subject: no target number is in group {subject!r}")
    else:
        mine = targets
    findings: list[str] = []
    tables: list[tuple[str, pd.DataFrame, str]] = []
    tc = top_contacts(records, n=top)
    tc = tc[tc["target"].astype(str).isin(mine)]
    tables.append(("Top contacts", mark(tc[["target", "other", "contacts", "voice", "sms",
                                              "duration_s", "first", "last", "rank"]]
                                          .reset_index(drop=True)),
                   f"The {top} most frequent contacts of each of the subject's numbers."))
    cc = common_contacts(records, groups=groups or None)
    if groups:
        bridge = cc[cc["n_groups"] >= 2]
        for b in bridge.to_dict("records"):
            findings.append(f"{b['other']} is in contact with {b['n_targets']} target numbers "
                            f"in {b['n_groups']} groups ({', '.join(b['groups'])}): a possible "
                            "broker.")
        tables.append(("Common contacts bridging groups",
                       mark(bridge[["other", "n_targets", "n_groups", "groups", "contacts",
                                    "first", "last"]].reset_index(drop=True)),
                       "Numbers in contact with targets of more than one group."))
    rp = replacement_phones(records)
    if len(rp):
        r0 = rp.iloc[0]
        findings.append(
            f"{_label(r0['new'], people)} appears to replace {_label(r0['old'], people)}: "
            f"{int(r0['n_shared'])} shared contacts (Jaccard {r0['jaccard']:.2f}), "
            f"{r0['gap_days']:.0f} days apart.")
        tables.append(("Replacement phones", mark(rp.head(5).drop(columns=["shared"])
                                                  .reset_index(drop=True)),
                       "New numbers whose contacts take over a dropped number's."))
    ch = handset_changes(records)
    for c in ch.to_dict("records"):
        when = pd.Timestamp(c["after"]).tz_convert("Europe/London").date()
        findings.append(f"{_label(str(c['target']), people)}: {c['change']} change on {when}.")
    if len(ch):
        tables.append(("Handset and SIM changes", mark(ch.reset_index(drop=True)),
                       "IMEI-IMSI pairs that changed, with the records either side."))
    mt = meetings(colocation(records, cells, window=window, within=within))
    if len(mt):
        m0 = mt.iloc[0]
        findings.append(
            f"Possible meeting on {m0['date']}: {_label(m0['number_a'], people)} and "
            f"{_label(m0['number_b'], people)} on cells {', '.join(m0['cells'])} within "
            f"{window} (usual share {m0['usual']:.2f}).")
        tables.append(("Possible meetings (co-location)",
                       mark(mt.head(10).reset_index(drop=True)),
                       f"Two numbers on masts within {within:.0f} m and {window}; least usual "
                       "places first; both records are cited in the co-location table."))
    cmap: CellSiteMap = cell_site_map(records, cells, mine, boundary=boundary,
                                      title="Cells used by the subject's numbers")
    n_files = records["source"].nunique() if "source" in records.columns else 0
    auths = sorted(set(records["authority"].astype(str))) if "authority" in records else []
    text = (f"{len(records):,} call data records of {len(targets)} target numbers"
            + (f" from {n_files} provider files" if n_files else "")
            + (f" under {len(auths)} authorisations (IPA 2016 Part 3)" if auths else "")
            + f"; {len(mine)} numbers attributed to the subject. "
            + (" ".join(findings[:2]) if findings else "No notable change or meeting found."))
    figures = [("Cells used", cmap, "Sector wedges of the cells the subject's numbers used, "
                "shaded by records; an arc of likely location, not a point.")]
    return CommsSection(text=text, key_findings=findings, tables=tables, figures=figures,
                        wedges=cmap.wedges)


def sample_section(folder: str | Path, ws: Any, subject: str, manifest: Any = None
                   ) -> CommsSection:
    """Read the sample force's call data records and build the section for one group.

    Parameters
    ----------
    folder : str or Path
        The sample force's ``comms`` folder (``authorities.csv``, ``cells.csv``, ``cdr/``
        and ``truth.json``, whose ``targets`` attribute numbers to people and groups).
    ws : intelbench.Workspace
        Each import is audited there as COLLECT.
    subject : str
        The group profiled.
    manifest : intelbench.profiles.manifest.Manifest, optional
        Files read and steps run are recorded there.

    Returns
    -------
    CommsSection
        As :func:`profile_section`.
    """
    from intelbench.comms.cells import read_cells
    from intelbench.comms.records import Authority, combine, read_cdr

    folder = Path(folder)
    cells = read_cells(folder / "cells.csv")
    index = pd.read_csv(folder / "authorities.csv", dtype=str).to_dict("records")
    imports = [read_cdr(folder / str(r["file"]), str(r["layout"]), workspace=ws, cells=cells,
                        authority=Authority(str(r["authority"]), r["start"], r["end"],
                                            targets=[str(r["target"])]))
               for r in index]
    targets = json.loads((folder / "truth.json").read_text(encoding="utf-8"))["targets"]
    groups = {n: str(v["group"]) for n, v in targets.items()}
    people = {n: str(v["person"]) for n, v in targets.items()}
    if manifest is not None:
        manifest.add_file(folder, "call data records (IPA 2016 Part 3)")
        manifest.step("ib.comms.read_cdr", files=len(imports),
                      quarantined=sum(len(i.rejected) for i in imports))
        manifest.step("ib.comms.profile_section", subject=subject, window="15min",
                      within=1500.0)
    return profile_section(combine(imports), cells, groups=groups, people=people,
                           subject=subject)
