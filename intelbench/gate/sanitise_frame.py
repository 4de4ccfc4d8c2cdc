"""Vectorised sanitisation of tables, GeoDataFrames and graphs under a policy."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np
import pandas as pd

from intelbench.exceptions import SanitisationError, SchemaError
from intelbench.gate.policy import KnownTerms, SanitisationPolicy, is_never_leave, make_redactor
from intelbench.gate.redact import Finding, ScanResult
from intelbench.gate.result import FLAG_COLUMNS, FieldReport, SanitisationResult, flag_id
from intelbench.gate.roles import NEVER_LEAVE_ROLES, declared_roles, role_of

__all__ = ["FLAG_COLUMNS", "FieldReport", "SanitisationResult", "flag_id",
           "original_sentences", "sanitise_frame", "sanitise_graph"]

_PERSON_COLS = re.compile(r"handler|officer|submitter|analyst|author|reviewer|controller|name")
_LONG_TEXT_COLS = re.compile(r"original|unsanitised|unsanitized|raw_text")
_HOUSE_NO = re.compile(r"^\s*(?:(?:flat|apartment|unit)\s+\d+[a-z]?,?\s+)?\d{1,4}[a-z]?,?\s+", re.I)
_PLACE_TEXT = {"location", "address", "street"}
_X = ("easting", "x")
_Y = ("northing", "y")


def _sealed_terms(df: pd.DataFrame, cols: list[str]) -> tuple[dict[str, str], list[str]]:
    """Short values of never-leave columns become terms; long-text columns are compared by row."""
    terms: dict[str, str] = {}
    long_cols: list[str] = []
    for c in cols:
        if _LONG_TEXT_COLS.search(str(c).lower()):
            long_cols.append(c)
            continue
        col = df[c].dropna().astype(str).str.strip()
        uniq = col[(col.str.len() >= 3) & (col.str.len() <= 80)].unique()
        if len(uniq) > 50_000:
            continue
        kind = "NAME" if _PERSON_COLS.search(str(c).lower()) else "REF"
        for v in uniq.tolist():
            terms[v] = kind
            if kind == "NAME":
                parts = [p for p in v.split() if p.rstrip(".").upper() not in _RANKS and
                         not p.isdigit()]
                if len(parts) >= 2:
                    terms[" ".join(parts)] = "NAME"
    return terms, long_cols


_RANKS = {"DC", "DS", "DI", "DCI", "PC", "PS", "SGT", "INSP", "MR", "MRS", "MS", "MISS", "DR"}


def _generalise_time(s: pd.Series, resolution: str) -> tuple[pd.Series, int]:
    """Generalise times to ``resolution``, converting each distinct value once."""
    codes, uniques = pd.factorize(s, sort=False)
    if len(uniques) > 0.5 * len(s):
        return _generalise_values(s, resolution)
    gen, _ = _generalise_values(pd.Series(uniques), resolution)
    values = np.empty(len(gen) + 1, dtype=object)  # the last one for missing values
    values[:-1] = gen.to_numpy(dtype=object)
    out = pd.Series(values[codes], index=s.index, dtype=object, name=s.name)
    return out, int((s.notna().to_numpy() & pd.isna(out).to_numpy()).sum())


def _generalise_values(s: pd.Series, resolution: str) -> tuple[pd.Series, int]:
    if pd.api.types.is_datetime64_any_dtype(s):
        dt = s
    else:
        dt = pd.to_datetime(s, errors="coerce", format="ISO8601")
        rest = s.notna() & dt.isna()
        if rest.any():  # UK style day-first strings (dd/mm/yyyy HH:MM)
            dt = dt.astype("datetime64[ns]")
            dt[rest] = pd.to_datetime(s[rest], errors="coerce", format="mixed", dayfirst=True)
    if getattr(dt.dt, "tz", None) is not None:
        dt = dt.dt.tz_localize(None)
    lost = int((s.notna() & dt.isna()).sum())
    if resolution == "date":
        out = dt.dt.strftime("%Y-%m-%d")
    elif resolution == "week":
        iso = dt.dt.isocalendar()
        out = iso["year"].astype("string") + "-W" + iso["week"].astype("string").str.zfill(2)
    else:
        out = dt.dt.strftime("%Y-%m")
    return out.astype(object).where(dt.notna(), None), lost


def _snap(v: np.ndarray, size: float) -> np.ndarray:
    return np.floor(v / size) * size + size / 2.0


def _generalise_places(
    out: pd.DataFrame, policy: SanitisationPolicy, areas: Any, res: SanitisationResult
) -> pd.DataFrame:
    mode = policy.place_resolution
    size = policy.grid_size if mode == "grid" else 50.0
    cols = {c.lower(): c for c in out.columns}
    geom_name = getattr(out, "_geometry_column_name", None)
    if geom_name is not None and geom_name in out.columns:
        import geopandas as gpd

        gs: Any = out.geometry
        is_point = (gs.geom_type == "Point").to_numpy()
        if is_point.any():
            if gs.crs is None:
                raise SanitisationError(
                    "geometry: expected a CRS to generalise points; got none (set_crs first)"
                )
            pts = gs[is_point].to_crs(27700)
            if mode == "area":
                if areas is None:
                    raise SanitisationError(
                        "areas: place_resolution 'area' needs an areas GeoDataFrame; got None"
                    )
                a = areas.to_crs(27700)[["area_code", "geometry"]].reset_index(drop=True)
                joined = gpd.sjoin(
                    gpd.GeoDataFrame(geometry=pts.reset_index(drop=True)), a, how="left",
                    predicate="within",
                )
                joined = joined[~joined.index.duplicated()]
                idx = joined["index_right"].to_numpy()
                ok = ~pd.isna(idx)
                newgeom = np.array([None] * len(idx), dtype=object)
                newgeom[ok] = a.geometry.to_numpy()[idx[ok].astype(int)]
                snapped = gpd.GeoSeries(newgeom, crs=27700)
                res.generalised.append(f"{geom_name}: points replaced by their area")
            else:
                snapped = gpd.points_from_xy(
                    _snap(pts.x.to_numpy(), size), _snap(pts.y.to_numpy(), size), crs=27700
                )
                snapped = gpd.GeoSeries(snapped, crs=27700)
                res.generalised.append(f"{geom_name}: points snapped to {size:g} m grid centres")
            back = snapped.to_crs(gs.crs).to_numpy()
            arr = gs.to_numpy().copy()
            arr[is_point] = back
            out[geom_name] = gpd.GeoSeries(arr, index=out.index, crs=gs.crs)
    for xs, ys in ((_X[0], _Y[0]), (_X[1], _Y[1])):
        if xs in cols and ys in cols:
            x = pd.to_numeric(out[cols[xs]], errors="coerce").to_numpy(dtype=float)
            y = pd.to_numeric(out[cols[ys]], errors="coerce").to_numpy(dtype=float)
            if mode == "area":
                out = out.drop(columns=[cols[xs], cols[ys]])
                res.dropped[cols[xs]] = res.dropped[cols[ys]] = "place generalised to area"
            else:
                out[cols[xs]], out[cols[ys]] = _snap(x, size), _snap(y, size)
                res.generalised.append(f"{cols[xs]}, {cols[ys]}: snapped to {size:g} m grid")
    if "longitude" in cols and "latitude" in cols:
        lon = pd.to_numeric(out[cols["longitude"]], errors="coerce").to_numpy(dtype=float)
        lat = pd.to_numeric(out[cols["latitude"]], errors="coerce").to_numpy(dtype=float)
        if mode == "area":
            out = out.drop(columns=[cols["longitude"], cols["latitude"]])
            res.dropped[cols["longitude"]] = res.dropped[cols["latitude"]] = (
                "place generalised to area"
            )
        else:
            from pyproj import Transformer

            fwd = Transformer.from_crs(4326, 27700, always_xy=True)
            e, n = fwd.transform(lon, lat)
            lon2, lat2 = fwd.transform(_snap(e, size), _snap(n, size), direction="INVERSE")
            out[cols["longitude"]], out[cols["latitude"]] = np.round(lon2, 6), np.round(lat2, 6)
            res.generalised.append(f"longitude, latitude: snapped to {size:g} m grid")
    if mode == "street":
        for c in out.columns:
            if str(c).lower() in _PLACE_TEXT and not pd.api.types.is_numeric_dtype(out[c]):
                out[c] = out[c].map(lambda v: _HOUSE_NO.sub("", v) if isinstance(v, str) else v)
                res.generalised.append(f"{c}: house numbers removed (street)")
    return out


def _suppress(out: pd.DataFrame, policy: SanitisationPolicy, res: SanitisationResult) -> None:
    k = policy.suppress_below
    if k is None:
        return
    for c in list(out.columns):
        name = str(c).lower()
        if not (name in policy.count_fields or name.endswith("_count")):
            continue
        v = pd.to_numeric(out[c], errors="coerce")
        if not pd.api.types.is_numeric_dtype(out[c]):
            continue
        small = (v >= 1) & (v < k)
        n_primary = int(small.sum())
        if n_primary == 0:
            continue
        mask: Any = small.copy()
        if n_primary == 1 and len(v) > 1:
            rest = v[~mask & (v > 0)]
            if len(rest):
                mask[rest.idxmin()] = True
                res.secondary_suppressed += 1
        col = out[c].astype(object)
        col[mask.to_numpy()] = policy.suppressed_marker
        out[c] = col
        res.suppressed += n_primary
    if res.suppressed:
        res.notes.append(
            f"{policy.suppressed_marker} = suppressed: a count from 1 to {k - 1}, or a further "
            "count suppressed so that a small one cannot be worked out from a total"
        )


#: A value with nothing left but withheld flags (and spaces or punctuation between them).
_NOTHING_LEFT = re.compile(r"(?:\[FLAGGED\]|[\W_])*\[FLAGGED\](?:\[FLAGGED\]|[\W_])*")

#: Public geography in a place column (declared, or named as one): ONS (GSS) codes such as
#: E01019239, and the "007C" of an LSOA or MSOA name such as "Carlisle 007C".
PUBLIC_AREA_CODE = re.compile(r"[EWSNLMKJ]\d{8}|\d{3}[A-Z]{1,2}")
#: Grades in a marking column: 3x5x2 (``1AP``, ``2B``), legacy 5x5x5 (``B21``), Admiralty (``A1``).
GRADE_CODE = re.compile(r"[1-3][A-E][PC]?|[A-E][1-5][1-5]?|[A-F][1-6]")


def _process(red: Any, vals: list[str], flag: str | None,
             release: Callable[[str, str], bool]) -> tuple[Any, list[tuple[int, int, Finding]]]:
    """Redact ``vals``, scanning each distinct value once.

    Code columns repeat a few values and free text repeats whole reports; a column of nearly
    all distinct values is scanned as it is.

    Returns the scan (``flags`` left empty) and the flags as (first row, rows, finding): one
    entry per flag in each distinct value, with the first row holding that value and the
    number of rows that do.
    """
    if not vals:
        return red.scan_many(vals, flag=flag, release=release), []
    codes, uniques = pd.factorize(np.asarray(vals, dtype=object), sort=False)
    if len(uniques) > 0.9 * len(vals):
        r = red.scan_many(vals, flag=flag, release=release)
        return ScanResult(r.clean, r.counts, [], []), [(i, 1, f) for i, f in r.flags]
    keys = [str(k) for k in uniques]
    r = red.scan_many(keys, flag=flag, release=release)
    weights = np.bincount(codes, minlength=len(keys))
    counts: Counter[str] = Counter()
    for i, k in r.hits:
        counts[k] += int(weights[i])
    flags: list[tuple[int, int, Finding]] = []
    if r.flags:
        # the first row of each distinct value (factorize numbers values as they first occur)
        first = np.full(len(keys), len(codes), dtype=np.int64)
        np.minimum.at(first, codes, np.arange(len(codes)))
        flags = [(int(first[u]), int(weights[u]), f) for u, f in r.flags]
    clean = np.asarray(r.clean, dtype=object)[codes].tolist()
    return ScanResult(clean, counts, [], []), flags


def _sentences(text: str) -> list[str]:
    """Normalised sentences of at least 40 characters (the unit of original wording)."""
    t = " ".join(text.lower().split())
    t = t.replace("! ", ". ").replace("? ", ". ").replace("; ", ". ").replace(": ", ". ")
    return [p for piece in t.split(". ") if len(p := piece.rstrip(".!?;: ")) >= 40]


def original_sentences(texts: Any) -> frozenset[str]:
    """Build the set of original-report sentences a free text may not repeat."""
    out: set[str] = set()
    for t in texts:
        if isinstance(t, str) and len(t) >= 40:
            out.update(_sentences(t))
    return frozenset(out)


def _context(text: str, a: int, b: int) -> str:
    lo, hi = max(0, a - 40), min(len(text), b + 40)
    return ("..." if lo else "") + text[lo:a] + "<<" + text[a:b] + ">>" + text[b:hi] + (
        "..." if hi < len(text) else "")


def sanitise_frame(
    df: pd.DataFrame,
    policy: SanitisationPolicy,
    *,
    known: KnownTerms | None = None,
    areas: Any = None,
    roles: Mapping[str, str] | None = None,
    release: Callable[[str, str, str], bool] | None = None,
    originals: frozenset[str] = frozenset(),
    name: str = "",
) -> SanitisationResult:
    """Sanitise a table for a recipient: deny by default, redact, generalise, suppress.

    Parameters
    ----------
    df : DataFrame or GeoDataFrame
        The table; it is not changed.
    policy : SanitisationPolicy
        The recipient's policy (see :func:`policy_for`).
    known : KnownTerms, optional
        Names and references the workspace knows. Values of the table's own never-leave
        columns (source references, handlers, officers) are added, and each row's original
        text is withheld wherever it appears in an allowed field of that row.
    areas : GeoDataFrame, optional
        Areas (``area_code``, geometry) for ``place_resolution="area"``.
    roles : mapping of str to str, optional
        Column roles (see :mod:`intelbench.gate.roles`), on top of ``df.attrs["roles"]``;
        columns with no role get an inferred one.
    release : callable (field, kind, value) -> bool, optional
        Which flagged values a person released. Every other flagged value is withheld
        (``[FLAGGED]``): deny by default.
    originals : frozenset of str
        Sentences of original report wording (see :func:`original_sentences`); a text that
        repeats one is withheld whatever its column is called.
    name : str
        The table's name in reports (a section of a document).

    Returns
    -------
    SanitisationResult
        ``content`` is a new table with a fresh index holding only allowed fields, and the
        report of what was dropped, redacted, flagged, generalised and suppressed; ``fields``
        says, field by field, its role and whether it was kept, dropped or generalised.

    Examples
    --------
    >>> df = pd.DataFrame({"source_ref": ["SRC-0042"], "offence": ["Burglary"],
    ...                    "sanitised_text": ["Call 07700 900123 (SRC-0042)"],
    ...                    "date_of_intelligence": ["2026-03-04"]})
    >>> res = ib.sanitise.sanitise_frame(df, ib.sanitise.policy_for("PARTNER_ISA"))
    >>> res.frame.iloc[0].to_dict()
    {'offence': 'Burglary', 'sanitised_text': 'Call [PHONE] ([REF])', \
'date_of_intelligence': '2026-W10'}
    >>> res.dropped
    {'source_ref': 'never leaves (source)'}
    """
    if not isinstance(df, pd.DataFrame):
        raise SchemaError(f"df: expected a pandas DataFrame; got {type(df).__name__}")
    res = SanitisationResult(content=None)
    geom_name = getattr(df, "_geometry_column_name", None)
    declared = {**declared_roles(df), **{str(k): v for k, v in (roles or {}).items()}}
    keep: list[Any] = []
    never: list[Any] = []
    role: dict[str, str] = {}
    guessed: dict[str, bool] = {}  # role guessed from the values alone, not named anywhere
    for c in df.columns:
        key = "geometry" if c == geom_name else str(c).strip().lower()
        if c == geom_name:
            r, why = "geometry", "the table's geometry"
        else:
            r, why = role_of(c, df[c], declared)
        role[str(c)] = r
        guessed[str(c)] = why.startswith("inferred:")
        if is_never_leave(key) or r in NEVER_LEAVE_ROLES:
            never.append(c)
            res.dropped[str(c)] = f"never leaves ({r})"
            res.fields.append(FieldReport(str(c), r, why, "dropped", res.dropped[str(c)]))
        elif policy.releases(r) or policy.allows(key):
            keep.append(c)
            res.fields.append(FieldReport(str(c), r, why, "kept", (
                f"{r} is released to {policy.kind.value}" if policy.releases(r)
                else f"named in the {policy.kind.value} policy")))
        else:
            res.dropped[str(c)] = f"{r} is not released to {policy.kind.value}"
            res.fields.append(FieldReport(str(c), r, why, "dropped", res.dropped[str(c)]))
    if len(set(map(str, keep))) != len(keep):
        raise SchemaError("df: expected unique column names; got duplicates")
    if len(df.columns) and not [c for c in keep if c != geom_name]:
        res.hollow.append(
            f"table {name.rstrip('.') or 'product'!r}: no field may go to a {policy.kind.value}"
            " recipient (" + "; ".join(f"{k}: {v}" for k, v in res.dropped.items()) + ")")
    sealed, long_cols = _sealed_terms(df, never)
    out = df[keep].copy()
    if geom_name is not None and geom_name not in keep:
        out = pd.DataFrame(out)
    out = out.reset_index(drop=True)
    originals_by_row = [df[c].reset_index(drop=True) for c in long_cols]
    generalised: set[str] = set()

    # times
    if policy.time_resolution is not None:
        for c in out.columns:
            if c == geom_name:
                continue
            s = out[c]
            if (str(c).lower() in policy.time_fields or pd.api.types.is_datetime64_any_dtype(s)
                    or (role[str(c)] == "time" and str(c) in declared)):
                out[c], lost = _generalise_time(s, policy.time_resolution)
                note = f"{c}: times generalised to {policy.time_resolution}"
                if lost:
                    note += f" ({lost} values that are not times removed)"
                res.generalised.append(note)
                generalised.add(str(c))
    # places
    if policy.place_resolution is not None:
        out = _generalise_places(out, policy, areas, res)
    all_originals = originals  # the table's own original text is compared row by row

    # free text
    red = make_redactor(known, policy.patterns, sealed)
    flagged: list[tuple[str, int, int, str, str, str, int, int, str]] = []
    for c in out.columns:
        if c == geom_name or str(c) in generalised:
            continue
        s = out[c]
        if not (s.dtype == object or isinstance(s.dtype, pd.StringDtype | pd.CategoricalDtype)):
            continue
        r = role[str(c)]
        s = s.astype(object)
        present = s.notna().to_numpy()
        vals = [v if type(v) is str else str(v) for v in s[present].tolist()]
        lens = np.fromiter(map(len, vals), dtype=np.int64, count=len(vals))
        withheld = 0
        if originals_by_row or all_originals:
            rows = np.flatnonzero(present)
            long_enough = np.flatnonzero(lens >= 12).tolist()
            for orig in originals_by_row:
                o = orig.to_numpy(dtype=object)[rows]
                for i in long_enough:
                    ov = o[i]
                    if isinstance(ov, str) and len(ov) >= 12:
                        key = ov.strip().lower()
                        if len(key) >= 12 and key in vals[i].lower():
                            vals[i] = "[WITHHELD]"
                            withheld += 1
            if all_originals:
                for i in long_enough:
                    if len(vals[i]) >= 40 and any(
                            t in all_originals for t in _sentences(vals[i])):
                        vals[i] = "[WITHHELD]"
                        withheld += 1
        # Names are looked for in free text and personal data, in long text, and in any text
        # column whose role neither the product nor the column's name gives (deny by
        # default: a column of names under an unknown heading must not pass as "labels").
        flag = "all" if r in ("free_text", "personal") or guessed.get(str(c), False) or (
            vals and (np.mean([len(v) for v in vals]) if withheld else lens.mean()) > 30) else (
            None if r in ("identifier", "time") else "digits")
        field_name = f"{name}{c}"
        # Codes that are not identifiers: in a place column (declared, or named as one),
        # ONS area codes and LSOA-style name suffixes are public geography; in a marking
        # column, grades (1AP, legacy B21, Admiralty A1) are the workbench's own codes.
        known_codes = (PUBLIC_AREA_CODE if r == "location"
                       else GRADE_CODE if r == "marking" else None)

        def is_known_code(kind: str, value: str,
                          _codes: re.Pattern[str] | None = known_codes) -> bool:
            return _codes is not None and kind == "CODE" and _codes.fullmatch(value) is not None

        def rel(kind: str, value: str, _f: str = field_name) -> bool:
            return is_known_code(kind, value) or (release is not None and release(_f, kind, value))

        sr, sflags = _process(red, vals, flag, rel)
        if known_codes is not None:  # not flagged (res.notes are the recipient's notes)
            sflags = [x for x in sflags if not is_known_code(x[2].kind, x[2].value)]
        counts = sr.counts
        if withheld:
            counts["WITHHELD"] += withheld
        for kind, n in counts.items():
            res.redactions[(str(c), kind)] += n
        idx = np.flatnonzero(present)
        for i, n, f in sflags:
            flagged.append((str(c), int(idx[i]), n, f.kind, f.value, vals[i], f.start, f.end,
                            f.action))
        if sflags and all(_NOTHING_LEFT.fullmatch(v) for v in sr.clean):
            shown = sorted({f.value for _, _, f in sflags if f.action != "released"})
            res.hollow.append(
                f"field {c!r}: every value would be withheld as flagged ("
                + ", ".join(shown[:5]) + (" ..." if len(shown) > 5 else "")
                + "); release the values after a dry run, or take the field out of the product")
        newcol = np.fromiter(s.tolist(), dtype=object, count=len(s))  # tuples stay 1-D
        newcol[present] = sr.clean
        out[c] = newcol
    if flagged:
        res.flagged = _flag_table_counted(flagged, name)
    _suppress(out, policy, res)
    res.content = out
    return res


def _flag_table(rows: list[tuple[str, int, str, str, str, str]], prefix: str) -> pd.DataFrame:
    """One row per distinct (field, kind, value): first row, rows, context, id, released.

    ``rows`` holds one (field, row, kind, value, context, action) per flag found.
    """
    first: dict[tuple[str, str, str], list[Any]] = {}
    for f, r, k, v, ctx, act in rows:
        rec = first.get((f, k, v))
        if rec is None:
            first[(f, k, v)] = [f, r, 1, k, v, ctx, act]
        else:
            rec[2] += 1
    return _flag_frame(list(first.values()), prefix)


def _flag_table_counted(
    rows: list[tuple[str, int, int, str, str, str, int, int, str]], prefix: str
) -> pd.DataFrame:
    """Build the table of :func:`_flag_table` from counted flags.

    ``rows`` holds (field, first row, rows, kind, value, text, start, end, action); the
    context is cut from the text only for the first row of each value.
    """
    first: dict[tuple[str, str, str], list[Any]] = {}
    for f, r, n, k, v, text, a, b, act in rows:
        rec = first.get((f, k, v))
        if rec is None:
            first[(f, k, v)] = [f, r, n, k, v, _context(text, a, b), act]
        else:
            rec[2] += n
    return _flag_frame(list(first.values()), prefix)


def _flag_frame(rows: list[list[Any]], prefix: str) -> pd.DataFrame:
    out = pd.DataFrame(rows, columns=["field", "row", "rows", "kind", "value", "context",
                                      "action"])
    out["id"] = [flag_id(prefix + f, k, v) for f, k, v in
                 zip(out["field"], out["kind"], out["value"])]
    out["released"] = out["action"] == "released"
    return out[["id", "field", "row", "rows", "kind", "value", "context", "released"]]


def sanitise_graph(
    G: Any,  # noqa: N803
    policy: SanitisationPolicy,
    *,
    known: KnownTerms | None = None,
    release: Callable[[str, str, str], bool] | None = None,
) -> SanitisationResult:
    """Sanitise a networkx graph: node and edge attributes as fields, node ids as text.

    Parameters
    ----------
    G : networkx.Graph
        The graph; it is not changed.
    policy : SanitisationPolicy
        The recipient's policy.
    known : KnownTerms, optional
        Names and references the workspace knows.
    release : callable (field, kind, value) -> bool, optional
        Flagged values a person released (see :func:`sanitise_frame`).

    Returns
    -------
    SanitisationResult
        ``content`` is a new graph of the same class. Node ids are redacted like free text
        (made unique with a suffix if two become the same); attributes not allowed are removed.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.Graph([("Kyle Barrow", "07700 900123", {"link_type": "uses_phone"})])
    >>> res = ib.sanitise.sanitise_graph(G, ib.sanitise.policy_for("POLICE_FORCE"),
    ...                                  known=ib.sanitise.KnownTerms(names=("Kyle Barrow",)))
    >>> sorted(res.content.nodes), list(res.content.edges(data=True))[0][2]
    (['[NAME]', '[PHONE]'], {'link_type': 'uses_phone'})
    """
    res = SanitisationResult(content=None)
    nodes = list(G.nodes)
    node_frame = pd.DataFrame([dict(d) for _, d in G.nodes(data=True)], index=range(len(nodes)))
    node_frame.insert(0, "__id__", [str(n) for n in nodes])
    nres = sanitise_frame(node_frame, policy.with_fields("__id__"), known=known,
                          release=release, name="node.")
    res.merge(nres, "node.")
    ids = nres.frame["__id__"].tolist()
    seen: Counter[str] = Counter(ids)
    used: Counter[str] = Counter()
    new_ids = []
    for i in ids:
        if seen[i] > 1:
            used[i] += 1
            new_ids.append(f"{i}-{used[i]}")
        else:
            new_ids.append(i)
    mapping = dict(zip(nodes, new_ids))
    H = G.__class__()  # noqa: N806
    attrs = nres.frame.drop(columns=["__id__"])
    for nid, rec in zip(new_ids, attrs.to_dict("records")):
        H.add_node(nid, **{str(k): v for k, v in rec.items() if not _isnull(v)})
    edges = list(G.edges(data=True))
    if edges:
        eframe = pd.DataFrame([dict(d) for *_, d in edges], index=range(len(edges)))
        eres = sanitise_frame(eframe, policy, known=known, release=release, name="edge.")
        res.merge(eres, "edge.")
        for (u, v, _), rec in zip(edges, eres.frame.to_dict("records")):
            H.add_edge(
                mapping[u], mapping[v], **{str(k): x for k, x in rec.items() if not _isnull(x)}
            )
    res.content = H
    return res


def _isnull(v: Any) -> bool:
    try:
        return bool(pd.isna(v))
    except (TypeError, ValueError):
        return False
