"""Possible duplicate nominals, and merging them only when an analyst confirms it.

Candidates come from name variants (normalised names, initials, a Soundex key on surnames and
forenames), the same date of birth (also with day and month swapped) and a shared phone. The
suggestions are only suggestions: :func:`merge_nominals` requires the confirming analyst and a
reason, and records the merge in the graph's history and, given a workspace, as a COMBINE
audit entry.
"""

# ruff: noqa: N803, N806
from __future__ import annotations

import itertools
import re
import unicodedata
from collections.abc import Hashable
from datetime import UTC, datetime
from typing import Any

import networkx as nx
import pandas as pd

from intelbench.exceptions import NetworkInputError, ParameterError, SchemaError

__all__ = ["merge_nominals", "normalise_name", "soundex", "suggest_duplicates"]

_SOUNDEX = {c: str(d) for d, letters in enumerate(
    ["aeiouyhw", "bfpv", "cgjkqsxz", "dt", "l", "mn", "r"]) for c in letters}

#: Largest block of records compared pairwise; bigger blocks (very common keys) are skipped.
MAX_BLOCK = 200


def normalise_name(name: Any) -> str:
    """Lower-case a name, drop accents, punctuation and repeated spaces.

    Parameters
    ----------
    name : str
        A name (missing values give ``""``).

    Returns
    -------
    str

    Examples
    --------
    >>> ib.network.nominals.normalise_name("  O'Brien-Smyth, José ")
    'obriensmyth jose'
    """
    if name is None or (isinstance(name, float) and pd.isna(name)):
        return ""
    text = unicodedata.normalize("NFKD", str(name))
    text = "".join(c for c in text if not unicodedata.combining(c)).lower()
    text = re.sub(r"[^a-z\s]", "", text.replace(",", " "))
    return " ".join(text.split())


def soundex(name: Any) -> str:
    """American Soundex code of a name (letter + three digits; ``""`` if no letters).

    Parameters
    ----------
    name : str
        A name.

    Returns
    -------
    str

    Examples
    --------
    >>> [ib.network.nominals.soundex(n) for n in ["Robert", "Rupert", "Tymczak", "Pfister"]]
    ['R163', 'R163', 'T522', 'P236']
    """
    letters = normalise_name(name).replace(" ", "")
    if not letters:
        return ""
    first = letters[0]
    code = [first.upper()]
    prev = _SOUNDEX.get(first, "")
    for c in letters[1:]:
        d = _SOUNDEX.get(c, "")
        if c in "hw":
            continue  # h and w do not separate equal codes
        if d != "0" and d != prev:
            code.append(d)
        prev = d
    return ("".join(code) + "000")[:4]


def _dob(values: pd.Series) -> pd.Series:
    from intelbench.network.build import parse_dates

    parsed, _ = parse_dates(values)
    return parsed.dt.normalize()


def suggest_duplicates(
    nominals: pd.DataFrame,
    links: pd.DataFrame | None = None,
    *,
    id_col: str = "nominal_id",
    surname: str = "surname",
    forenames: str = "forenames",
    dob: str = "dob",
    min_score: float = 0.5,
) -> pd.DataFrame:
    """Suggest pairs of nominal records that may be the same person.

    Parameters
    ----------
    nominals : pandas.DataFrame
        One row per nominal (``id_col``, ``surname``, ``forenames``, ``dob``). Not modified.
    links : pandas.DataFrame, optional
        Association table (``source``, ``target``, ``source_type``, ``target_type``); persons
        linked to the same phone are candidates.
    id_col, surname, forenames, dob : str
        Column names.
    min_score : float
        Smallest score returned (0-1).

    Returns
    -------
    pandas.DataFrame
        One row per candidate pair, best first: ``id_a``, ``id_b``, ``score`` (0-1) and
        ``reasons`` (why they look alike, and any evidence against).

    Raises
    ------
    SchemaError
        If a required column is missing.

    Examples
    --------
    >>> noms = pd.DataFrame({"nominal_id": ["P-1", "P-2", "P-3"],
    ...                      "surname": ["Smith", "Smyth", "Jones"],
    ...                      "forenames": ["John", "J", "Mary"],
    ...                      "dob": ["1990-04-01", "1990-04-01", "1985-01-01"]})
    >>> ib.network.suggest_duplicates(noms)[["id_a", "id_b", "score"]].values.tolist()
    [['P-1', 'P-2', 0.65]]
    """
    for col in (id_col, surname, forenames):
        if col not in nominals.columns:
            raise SchemaError(
                f"nominals: required column {col!r} is missing; columns present: "
                f"{list(nominals.columns)}"
            )
    df = pd.DataFrame({
        "id": nominals[id_col].astype("string").str.strip().to_numpy(dtype=object),
        "sn": [normalise_name(x) for x in nominals[surname].tolist()],
        "fn": [normalise_name(x) for x in nominals[forenames].tolist()],
    })
    df["dob"] = _dob(nominals[dob]).to_numpy() if dob in nominals.columns else pd.NaT
    df = df.drop_duplicates("id").reset_index(drop=True)
    df["sx"] = [soundex(x) for x in df["sn"]]
    df["f1"] = [x.split(" ")[0] if x else "" for x in df["fn"]]
    df["fi"] = [x[:1] for x in df["f1"]]
    df["fsx"] = [soundex(x) for x in df["f1"]]
    pos = {v: i for i, v in enumerate(df["id"])}
    pairs: dict[tuple[int, int], set[str]] = {}

    def block(keys: pd.Series, why: str) -> None:
        for _, members in pd.Series(range(len(df)))[keys.notna() & (keys != "")].groupby(
            keys[keys.notna() & (keys != "")], sort=False
        ):
            idx = members.to_list()
            if 2 <= len(idx) <= MAX_BLOCK:
                for a, b in itertools.combinations(sorted(idx), 2):
                    pairs.setdefault((a, b), set()).add(why)

    block(df["sx"] + df["fi"], "name key")
    block(df["dob"].astype("string"), "dob")
    block(df["fn"] + "|" + df["sn"].where(df["sn"] != "", None), "name")
    if links is not None and {"source", "target", "source_type", "target_type"} <= set(
        links.columns
    ):
        st = links["source_type"].astype("string").str.lower()
        tt = links["target_type"].astype("string").str.lower()
        pp = pd.concat([
            pd.DataFrame({"p": links["source"][(st == "person") & (tt == "phone")],
                          "t": links["target"][(st == "person") & (tt == "phone")]}),
            pd.DataFrame({"p": links["target"][(tt == "person") & (st == "phone")],
                          "t": links["source"][(tt == "person") & (st == "phone")]}),
        ]).astype("string").dropna().drop_duplicates()
        pp = pp[pp["p"].isin(pos.keys())]
        for _, members in pp.groupby("t", sort=False)["p"]:
            idx = sorted({pos[p] for p in members})
            if 2 <= len(idx) <= MAX_BLOCK:
                for a, b in itertools.combinations(idx, 2):
                    pairs.setdefault((a, b), set()).add("phone")
    rows = []
    rec = df.to_dict("records")
    for (a, b), why in pairs.items():
        ra, rb = rec[a], rec[b]
        score = 0.0
        reasons = []
        if ra["sn"] and ra["sn"] == rb["sn"]:
            score += 0.25
            reasons.append("same surname")
        elif ra["sx"] and ra["sx"] == rb["sx"]:
            score += 0.2
            reasons.append(f"surnames sound alike (Soundex {ra['sx']})")
        if ra["fn"] and ra["fn"] == rb["fn"]:
            score += 0.2
            reasons.append("same forenames")
        elif ra["f1"] and ra["f1"] == rb["f1"]:
            score += 0.15
            reasons.append("same first forename")
        elif ra["fi"] and ra["fi"] == rb["fi"] and (len(ra["f1"]) == 1 or len(rb["f1"]) == 1):
            score += 0.1
            reasons.append("forename initial matches")
        elif ra["fsx"] and ra["fsx"] == rb["fsx"]:
            score += 0.1
            reasons.append("forenames sound alike")
        da, db = ra["dob"], rb["dob"]
        if not pd.isna(da) and not pd.isna(db):
            if da == db:
                score += 0.35
                reasons.append("same date of birth")
            elif da.year == db.year and da.day == db.month and da.month == db.day:
                score += 0.2
                reasons.append("date of birth with day and month swapped")
            else:
                score -= 0.3
                reasons.append("different dates of birth")
        if "phone" in why:
            score += 0.25
            reasons.append("linked to the same phone")
        score = round(min(max(score, 0.0), 1.0), 4)
        if score >= min_score:
            rows.append({"id_a": ra["id"], "id_b": rb["id"], "score": score,
                         "reasons": "; ".join(reasons)})
    out = pd.DataFrame(rows, columns=["id_a", "id_b", "score", "reasons"])
    return out.sort_values(["score", "id_a", "id_b"], ascending=[False, True, True],
                           kind="stable").reset_index(drop=True)


def _merge_edge(a: dict[str, Any], b: dict[str, Any]) -> dict[str, Any]:
    out = dict(a)
    for key in ("weight", "count", "n_links"):
        if key in a or key in b:
            out[key] = (a.get(key) or 0) + (b.get(key) or 0)
    if "link_types" in a or "link_types" in b:
        types = set(a.get("link_types", ())) | set(b.get("link_types", ()))
        out["link_types"] = tuple(sorted(types))
    for key, pick in (("first_seen", min), ("last_seen", max)):
        vals = [v for v in (a.get(key), b.get(key)) if v is not None and not pd.isna(v)]
        out[key] = pick(vals) if vals else None
    prov = dict.fromkeys(
        list(zip(a.get("reports", ()), a.get("grades", ()), strict=False))
        + list(zip(b.get("reports", ()), b.get("grades", ()), strict=False))
    )
    if prov:
        out["reports"] = tuple(p[0] for p in prov)
        out["grades"] = tuple(p[1] for p in prov)
    return out


def merge_nominals(
    G: nx.Graph,
    keep: Hashable,
    drop: Hashable,
    *,
    confirmed_by: str,
    reason: str,
    ws: Any = None,
) -> nx.Graph:
    """Merge two nominal nodes that an analyst has confirmed are the same person.

    The links of ``drop`` move to ``keep`` (parallel links are combined: weights and counts
    summed, dates widened, reports and grades kept). ``keep`` records ``merged_from``. The
    merge is appended to ``graph["history"]`` and, when ``ws`` is given, recorded in its audit
    log as COMBINE.

    Parameters
    ----------
    G : networkx.Graph
        The network. It is not modified; a new graph is returned.
    keep, drop : node
        The surviving and the absorbed node.
    confirmed_by : str
        The analyst who confirmed the match (required).
    reason : str
        Why they are the same person (required; also the audit justification).
    ws : intelbench.Workspace, optional
        Workspace whose audit log records the merge.

    Returns
    -------
    networkx.Graph

    Raises
    ------
    ParameterError
        If ``confirmed_by`` or ``reason`` is empty, or ``keep`` equals ``drop``.
    NetworkInputError
        If a node is not in the graph or the two nodes are of different types.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("P-1", "T-1"), ("P-2", "T-1"), ("P-2", "V-1")])
    >>> H = ib.network.merge_nominals(G, "P-1", "P-2", confirmed_by="A. Analyst",
    ...                               reason="same DOB and phone; custody photo")
    >>> sorted(H["P-1"]), "P-2" in H, H.graph["history"][-1]["action"]
    (['T-1', 'V-1'], False, 'COMBINE')
    """
    if not isinstance(confirmed_by, str) or not confirmed_by.strip():
        raise ParameterError(
            "confirmed_by must name the analyst who confirmed the match; received an empty value"
        )
    if not isinstance(reason, str) or not reason.strip():
        raise ParameterError("reason must say why the records match; received an empty value")
    for name, node in (("keep", keep), ("drop", drop)):
        if node not in G:
            raise NetworkInputError(f"{name}: the node is not in the graph; give a node id in G")
    if keep == drop:
        raise ParameterError("keep and drop must be different nodes; received the same node twice")
    tk, td = G.nodes[keep].get("node_type"), G.nodes[drop].get("node_type")
    if tk != td:
        raise NetworkInputError(
            f"keep and drop must be of the same node_type; received {tk!r} and {td!r}"
        )
    H = G.copy()
    H.graph["history"] = list(G.graph.get("history", []))
    moved = 0
    if H.is_multigraph():
        for _, nbr, key, data in list(H.edges(drop, keys=True, data=True)):
            if nbr != keep:
                H.add_edge(keep, nbr, key=key, **data)
                moved += 1
    else:
        for nbr in list(H.adj[drop]):
            if nbr == keep:
                continue
            data = H.edges[drop, nbr]
            merged = _merge_edge(H.edges[keep, nbr], data) if H.has_edge(keep, nbr) else dict(data)
            H.add_edge(keep, nbr, **merged)
            moved += 1
    H.remove_node(drop)
    H.nodes[keep]["merged_from"] = (*G.nodes[keep].get("merged_from", ()), drop)
    entry = {
        "action": "COMBINE", "keep": keep, "drop": drop, "confirmed_by": confirmed_by.strip(),
        "reason": reason.strip(), "links_moved": moved,
        "at": datetime.now(UTC).isoformat(timespec="seconds"),
    }
    H.graph["history"].append(entry)
    if ws is not None:
        ws.audit.record(
            "COMBINE",
            justification=reason.strip(),
            record_ref=f"nominal:{keep}",
            detail={"keep": str(keep), "drop": str(drop), "confirmed_by": confirmed_by.strip(),
                    "links_moved": moved},
        )
    return H
