"""ANX export beside anxwritter (PyPI): one network written by both, compared element by element.

For every element path (``Chart/ChartItemCollection/ChartItem/Link``...) it lists the XML
attributes only one writer sets and the elements only one writer writes, then reads both files
back with :func:`read_anx` and says whether they give the same network. The hand-made pyanx-style
chart in ``tests/data/anx`` is compared the same way. Run:
``.venv/bin/python benchmarks/anx_interop.py``.
"""

from __future__ import annotations

import json
import tempfile
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import networkx as nx
import pandas as pd

from intelbench.network import read_anx, to_anx

ROOT = Path(__file__).resolve().parents[1]


def network() -> nx.Graph:
    G = nx.Graph()
    G.add_node("P-1", node_type="person", label="Ann")
    G.add_node("T-1", node_type="phone", label="07700 900001")
    G.add_node("V-1", node_type="vehicle", label="AB12 CDE")
    G.add_edge("P-1", "T-1", link_types=("uses",), weight=1.0, count=1, reports=("IR-1",),
               grades=("2AC",), first_seen=pd.Timestamp("2026-01-02"),
               last_seen=pd.Timestamp("2026-01-02"))
    G.add_edge("P-1", "V-1", link_types=("drives",), weight=2.0, count=2,
               reports=("IR-2", "IR-3"), grades=("1BP", ""), first_seen=None, last_seen=None)
    return G


def anxwritter_chart(path: Path) -> Path:
    import anxwritter as aw

    c = aw.ANXChart()
    c.grades_one = aw.GradeCollection(items=["1", "2", "3"])
    c.grades_two = aw.GradeCollection(items=["A", "B", "C", "D", "E"])
    c.grades_three = aw.GradeCollection(items=["P", "C"])
    c.add_icon(id="P-1", type="Person", label="Ann")
    c.add_icon(id="T-1", type="Phone", label="07700 900001")
    c.add_icon(id="V-1", type="Vehicle", label="AB12 CDE")
    c.add_link(from_id="P-1", to_id="T-1", type="uses", date="2026-01-02", source_ref="IR-1",
               grade_one=1, grade_two="A", grade_three="C")
    c.add_link(from_id="P-1", to_id="V-1", type="drives",
               cards=[aw.Card(source_ref="IR-2", grade_one=0, grade_two="B", grade_three="P"),
                      aw.Card(source_ref="IR-3")])
    c.to_anx(str(path.with_suffix("")))
    return path


def shape(path: Path) -> dict[str, set[str]]:
    """Element path -> the union of attribute names it carries anywhere in the file."""
    out: dict[str, set[str]] = {}

    def walk(el: ET.Element, prefix: str) -> None:
        here = f"{prefix}/{el.tag}" if prefix else el.tag
        out.setdefault(here, set()).update(el.attrib)
        for child in el:
            walk(child, here)

    walk(ET.parse(path).getroot(), "")
    return out


def compare(ours: Path, theirs: Path) -> dict[str, Any]:
    a, b = shape(ours), shape(theirs)
    return {
        "elements_only_ours": sorted(set(a) - set(b)),
        "elements_only_theirs": sorted(set(b) - set(a)),
        "attributes": {
            p: {"only_ours": sorted(a[p] - b[p]), "only_theirs": sorted(b[p] - a[p])}
            for p in sorted(set(a) & set(b)) if a[p] != b[p]
        },
        "encoding": {"ours": ours.read_bytes()[:2].hex(), "theirs": theirs.read_bytes()[:2].hex()},
    }


def same_network(G: nx.Graph, H: nx.Graph) -> list[str]:  # noqa: N803
    diffs = []
    if set(G) != set(H):
        diffs.append(f"nodes {sorted(set(G) ^ set(H))}")
    for u, v, d in G.edges(data=True):
        if not H.has_edge(u, v):
            diffs.append(f"edge {u}-{v} missing")
            continue
        for key in ("link_types", "count", "reports", "grades", "first_seen"):
            if d.get(key) != H.edges[u, v].get(key):
                diffs.append(f"{u}-{v} {key}: {d.get(key)!r} vs {H.edges[u, v].get(key)!r}")
    return diffs


def main() -> dict[str, Any]:
    G = network()
    with tempfile.TemporaryDirectory() as tmp:
        ours = to_anx(G, Path(tmp) / "ours.anx", seed=0)
        result: dict[str, Any] = {}
        try:
            theirs = anxwritter_chart(Path(tmp) / "anxwritter.anx")
        except ImportError:
            result["anxwritter"] = "not installed"
        else:
            result["anxwritter"] = compare(ours, theirs)
            result["anxwritter"]["read_back_differences"] = {
                "ours": same_network(G, read_anx(ours)),
                "anxwritter": same_network(G, read_anx(theirs)),
            }
        result["pyanx_style"] = compare(ours, ROOT / "tests" / "data" / "anx" / "pyanx_style.anx")
    return result


if __name__ == "__main__":
    print(json.dumps(main(), indent=1))
