"""Exchange with i2 Analyst's Notebook (ANB): tabular import files and ANX chart XML.

Two routes out and back:

* **Tables** (:func:`to_anb_tables` / :func:`read_anb_tables`): an entities CSV, a links CSV
  with one row per link (entity 1 id/type/label, link type/label/date/grade/report URNs,
  entity 2 id/type/label) and ``import_mapping.json``, a plain description of which column
  goes to which ANB field. ANB's own import specification (``.ximp``) is made in ANB's
  Importer; its schema is not public, so this module does **not** write a ``.ximp`` file.
* **ANX** (:func:`to_anx` / :func:`read_anx`): ANB's XML chart format, written in the element
  order of the ANX schema. The chart declares its linking dialect (``IdReferenceLinking="false"``:
  a link's ``End1Id``/``End2Id`` name the entities' ``EntityId``), a 3x5x2 grading system
  (``GradeOne``/``GradeTwo``/``GradeThree``, index 0 = ungraded), hidden attribute classes
  named ``IB ...`` (so that none re-declares one of ANB's own, such as "Weight"), and one
  entity type per node type with its standard ANB icon (``EntityType@IconFile``). An entity is
  ``ChartItem/End/Entity`` (``Identity``, ``EntityId``, ``Icon/IconStyle Type``); a link is
  ``ChartItem/Link`` with one card per report (``Card@SourceReference`` and grade indices),
  the report URNs in ``ChartItem@SourceReference``, the grade on the item when all its reports
  share one, the first-seen date as the item date and first/last seen as date-time
  attributes. :func:`read_anx` also reads the other dialect (``End1Reference``/
  ``End2Reference`` naming ``ChartItem@Id``), UTF-16 files, and charts from other writers
  (pyanx, anxwritter). :class:`~intelbench.network.AnxChart` makes a chart a product of the
  dissemination gate, with the marking in the chart's summary fields.

Only what the graph holds for the chart is written (ids, types, labels and the link
evidence); other node attributes such as dates of birth are left out. XML is built with
ElementTree, which escapes every value; characters XML 1.0 forbids are replaced by U+FFFD.
"""

# ruff: noqa: N803  (G for graphs, as in networkx)

from __future__ import annotations

import json
import os
from pathlib import Path

import networkx as nx
import pandas as pd

from intelbench.exceptions import SchemaError
from intelbench.network._anx import anx_summary_fields, to_anx
from intelbench.network._anx_read import read_anx
from intelbench.network._i2_common import (
    _ENTITY_COLUMNS,
    _LINK_COLUMNS,
    SEP,
    _atomic_write,
    _edge_records,
    _node_info,
    _num,
    _num_text,
    _split,
    guard_cell,
    unguard_cell,
)
from intelbench.network.node_types import ANB_ENTITY_TYPES

__all__ = [
    "ANB_ENTITY_TYPES",
    "anx_summary_fields",
    "read_anb_tables",
    "read_anx",
    "to_anb_tables",
    "to_anx",
]


def to_anb_tables(
    G: nx.Graph,
    folder: str | os.PathLike[str],
    *,
    node_type: str = "node_type",
    label: str = "label",
) -> dict[str, Path]:
    """Write entity and link tables for ANB's tabular import, with the column mapping.

    Parameters
    ----------
    G : networkx.Graph
        The network (the :func:`build_network` model). It is not modified.
    folder : str or path-like
        Output folder (created if missing).
    node_type, label : str
        Node attributes holding the type and the label.

    Returns
    -------
    dict
        ``{"entities": Path, "links": Path, "mapping": Path}``: ``entities.csv`` (one row per
        node), ``links.csv`` (one row per link; several report URNs and their grades are
        joined with ``"; "`` in the same order) and ``import_mapping.json`` (which column is
        the identity, type, label, date, grade... of each ANB end and link). UTF-8 with BOM.
        A cell a spreadsheet could run as a formula (a leading ``=``, ``+``, ``-``, ``@``, tab
        or carriage return, unless the value is a plain number such as ``+447700900123``)
        gets a leading ``'``, as does a cell already starting with ``'``;
        :func:`read_anb_tables` removes it again, so the round trip is exact.

    Examples
    --------
    >>> import networkx as nx, tempfile
    >>> G = nx.Graph()
    >>> G.add_node("P-1", node_type="person", label="Ann")
    >>> G.add_node("T-1", node_type="phone", label="07700 900001")
    >>> G.add_edge("P-1", "T-1", link_types=("uses",), reports=("IR-1",), grades=("B2",))
    >>> files = ib.network.to_anb_tables(G, tempfile.mkdtemp())
    >>> pd.read_csv(files["links"])[["entity1_id", "link_type", "grade", "entity2_id"]]
      entity1_id link_type grade entity2_id
    0        P-1      uses    B2        T-1
    """
    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    ent_rows = []
    for v in G.nodes():
        t, lab = _node_info(G, v, node_type, label)
        ent_rows.append(
            {
                "entity_id": str(v),
                "entity_type": t,
                "anb_type": ANB_ENTITY_TYPES.get(t, t.title() or "Entity"),
                "label": lab,
            }
        )
    entities = pd.DataFrame(ent_rows, columns=_ENTITY_COLUMNS)
    link_rows = []
    for r in _edge_records(G, node_type, label):
        link_rows.append(
            {
                "entity1_id": str(r["u"]),
                "entity1_type": r["t1"],
                "entity1_label": r["l1"],
                "link_type": SEP.join(r["types"]),
                "link_label": SEP.join(r["types"]),
                "link_date": r["first_seen"],
                "first_seen": r["first_seen"],
                "last_seen": r["last_seen"],
                "weight": _num_text(r["weight"]),
                "count": _num_text(r["count"]),
                "grade": SEP.join(r["grades"]),
                "report_urns": SEP.join(r["reports"]),
                "entity2_id": str(r["v"]),
                "entity2_type": r["t2"],
                "entity2_label": r["l2"],
            }
        )
    links = pd.DataFrame(link_rows, columns=_LINK_COLUMNS)
    paths = {
        "entities": out / "entities.csv",
        "links": out / "links.csv",
        "mapping": out / "import_mapping.json",
    }
    for name, frame in (("entities", entities), ("links", links)):
        guarded = frame.map(lambda x: guard_cell(x) if isinstance(x, str) else x)
        # CRLF rows (RFC 4180), so that a value holding a CR or LF is quoted and reads back whole
        text = guarded.to_csv(index=False, lineterminator="\r\n")
        _atomic_write(paths[name], text.encode("utf-8-sig"))
    mapping = {
        "about": (
            "Column mapping for importing links.csv into i2 Analyst's Notebook with its Importer "
            "(an 'entity - link - entity' design). This is a description for setting up the ANB "
            "import specification by hand; it is not an ANB .ximp file."
        ),
        "file": "links.csv",
        "encoding": "UTF-8 with BOM",
        "delimiter": ",",
        "line_ending": "CRLF",
        "header_rows": 1,
        "multi_value_separator": SEP,
        "formula_guard": (
            "A value starting with =, +, -, @, a tab or a carriage return (other than a plain "
            "number) or with ' is written with a leading ' so that a spreadsheet shows it as "
            "text; remove that one ' when importing (read_anb_tables does)."
        ),
        "entity_types": ANB_ENTITY_TYPES,
        "end1": {
            "identity": "entity1_id",
            "type": "entity1_type (ANB type via entity_types)",
            "label": "entity1_label",
        },
        "link": {
            "type": "link_type",
            "label": "link_label",
            "date": "link_date (YYYY-MM-DD)",
            "attributes": {
                "Grade": "grade",
                "Report URNs": "report_urns",
                "First seen": "first_seen",
                "Last seen": "last_seen",
                "Weight": "weight",
                "Count": "count",
            },
        },
        "end2": {
            "identity": "entity2_id",
            "type": "entity2_type (ANB type via entity_types)",
            "label": "entity2_label",
        },
        "entities_file": {
            "file": "entities.csv",
            "identity": "entity_id",
            "type": "anb_type",
            "label": "label",
            "note": "for entities without links",
        },
    }
    _atomic_write(
        paths["mapping"], json.dumps(mapping, indent=2, ensure_ascii=False).encode("utf-8")
    )
    return paths


def read_anb_tables(
    entities_csv: str | os.PathLike[str], links_csv: str | os.PathLike[str]
) -> pd.DataFrame:
    """Read ANB entity/link tables back into a link table for :func:`build_network`.

    Each link row is expanded to one row per report URN (grade alongside) and per link type;
    the link's ``count`` goes on its first row (0 on the others), so ``build_network`` gives
    back the same weights, counts, types, dates, reports and grades.

    Parameters
    ----------
    entities_csv, links_csv : str or path-like
        Files written by :func:`to_anb_tables` (or an ANB export with the same columns); the
        formula guard of :func:`to_anb_tables` (a leading `'`) is removed.

    Returns
    -------
    pandas.DataFrame
        Columns ``source``, ``target``, ``source_type``, ``target_type``, ``link_type``,
        ``first_seen``, ``last_seen``, ``count``, ``report_urn``, ``grade``. The node table
        (``entity_id``, ``entity_type``, ``label``) is in ``attrs["nodes"]``.

    Raises
    ------
    SchemaError
        If a required column is missing.

    Examples
    --------
    >>> import networkx as nx, tempfile
    >>> G = nx.Graph()
    >>> G.add_node("P-1", node_type="person", label="Ann")
    >>> G.add_node("T-1", node_type="phone", label="07700 900001")
    >>> G.add_edge("P-1", "T-1", link_types=("uses",), count=2, reports=("IR-1", "IR-2"),
    ...            grades=("B2", "C3"))
    >>> f = ib.network.to_anb_tables(G, tempfile.mkdtemp())
    >>> ib.network.read_anb_tables(f["entities"], f["links"])[["source", "count", "report_urn"]]
      source  count report_urn
    0    P-1      2       IR-1
    1    P-1      0       IR-2
    """
    ents = pd.read_csv(entities_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    links = pd.read_csv(links_csv, dtype=str, keep_default_na=False, encoding="utf-8-sig")
    ents, links = ents.map(unguard_cell), links.map(unguard_cell)
    for name, frame, cols in (
        ("entities", ents, ["entity_id", "entity_type", "label"]),
        ("links", links, ["entity1_id", "entity2_id", "link_type"]),
    ):
        missing = [c for c in cols if c not in frame.columns]
        if missing:
            raise SchemaError(f"{name} table: missing column(s) {missing}; need {cols}")
    types = dict(zip(ents["entity_id"], ents["entity_type"], strict=True))
    rows = []
    for r in links.to_dict("records"):
        link_types = _split(r.get("link_type")) or ("association",)
        reports = _split(r.get("report_urns"))
        grades = _split(r.get("grade"))
        n = max(len(reports), len(link_types), 1)
        cnt = _num(r.get("count"))
        for j in range(n):
            rows.append(
                {
                    "source": r["entity1_id"],
                    "target": r["entity2_id"],
                    "source_type": r.get("entity1_type") or types.get(r["entity1_id"], ""),
                    "target_type": r.get("entity2_type") or types.get(r["entity2_id"], ""),
                    "link_type": link_types[j % len(link_types)],
                    "first_seen": r.get("first_seen") or r.get("link_date") or None,
                    "last_seen": r.get("last_seen") or None,
                    "count": (1 if cnt is None else cnt) if j == 0 else 0,
                    "report_urn": reports[j] if j < len(reports) else None,
                    "grade": (grades[j] or None) if j < len(grades) else None,
                }
            )
    out = pd.DataFrame(
        rows,
        columns=[
            "source",
            "target",
            "source_type",
            "target_type",
            "link_type",
            "first_seen",
            "last_seen",
            "count",
            "report_urn",
            "grade",
        ],
    )
    out.attrs["nodes"] = ents[["entity_id", "entity_type", "label"]].copy()
    return out
