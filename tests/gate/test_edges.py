"""Errors and edge cases of the gate: OS errors, folders, formats, references, CSV, GeoJSON."""

from __future__ import annotations

import json
import multiprocessing
import os
from pathlib import Path
from typing import Any

import pandas as pd
import pytest

import intelbench as ib
from intelbench import gate as dm
from intelbench.exceptions import DisseminationRefused, DisseminationWriteError, IntelbenchError
from tests._identity import open_as
from tests.gate._support import make_workspace

DATA = Path(__file__).resolve().parents[2] / "data_samples"
POLICE = dm.Recipient("DS Analyst", "Southshire Police", "POLICE_FORCE")


def request(ws: Any, path: Any, **kw: Any) -> dict[str, Any]:
    base = dict(to=POLICE, purpose="Reduce burglary in the north sector",
                basis="Prevent offences", path=path, ws=ws,
                necessity="Needed to target prevention; limited to the minimum fields")
    base.update(kw)
    return base


def counts() -> pd.DataFrame:
    return pd.DataFrame({"area": ["North", "South"], "burglaries": [12, 30]}).pipe(
        dm.with_roles, area="label", burglaries="count")


def test_a_missing_folder_is_created_and_the_format_comes_from_the_extension(
    tmp_path: Path,
) -> None:
    ws = make_workspace(tmp_path / "ws")
    rec = dm.disseminate(counts(), **request(ws, tmp_path / "new" / "deeper" / "counts.xlsx"))
    assert rec.fmt == "xlsx" and rec.path == tmp_path / "new" / "deeper" / "counts.xlsx"
    rec2 = dm.disseminate(counts(), fmt="csv", **request(ws, tmp_path / "fresh"))
    assert rec2.path.parent == tmp_path / "fresh" and rec2.path.suffix == ".csv"
    dry = dm.disseminate(counts(), dry_run=True, **request(ws, tmp_path / "n" / "x.html"))
    assert dry.ok and dry.fmt == "html" and not (tmp_path / "n").exists()


def test_every_problem_of_a_request_is_listed_at_once(tmp_path: Path) -> None:
    with pytest.raises(DisseminationRefused) as err:
        dm.disseminate(counts(), to=POLICE, path=None, fmt="pdf")
    msg = str(err.value)
    for part in ("purpose", "legal basis", "necessity", "workspace", "path", "fmt: expected"):
        assert part in msg, part


def test_a_full_disk_becomes_an_intelbench_error_with_nothing_left(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno
    import importlib

    mod = importlib.import_module("intelbench.gate.disseminate")

    ws = make_workspace(tmp_path / "ws")

    def full(fmt: str, content: Any, kind: str, path: Path, m: Any) -> None:
        path.write_bytes(b"half")
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(mod, "write", full)
    out = tmp_path / "out" / "sub"
    with pytest.raises(DisseminationWriteError, match="No space left") as err:
        dm.disseminate(counts(), fmt="csv", **request(ws, out))
    assert isinstance(err.value, IntelbenchError) and isinstance(err.value, OSError)
    assert not (tmp_path / "out").exists()  # the folder it made is gone too
    assert ws.keys("dissemination") == []


def test_a_failing_register_leaves_no_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    import sqlite3

    ws = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir()

    def locked(*a: Any, **k: Any) -> None:
        raise sqlite3.OperationalError("database is locked")

    monkeypatch.setattr(ws, "put", locked)
    with pytest.raises(DisseminationWriteError, match="database is locked"):
        dm.disseminate(counts(), fmt="csv", **request(ws, out))
    assert list(out.iterdir()) == []


def _worker(args: tuple[str, str, int]) -> list[str]:
    ws_path, out, n = args
    ws = open_as("A. Analyst", ws_path, role="ANALYST")
    refs = []
    for i in range(n):
        frame = counts().assign(burglaries=[i, os.getpid() % 97 + 1])
        refs.append(dm.disseminate(frame, fmt="csv", **request(ws, out)).ref)
    return refs


def test_references_stay_unique_across_two_processes(tmp_path: Path) -> None:
    make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir()
    ctx = multiprocessing.get_context("spawn")
    with ctx.Pool(2) as pool:
        got = pool.map(_worker, [(str(tmp_path / "ws"), str(out), 4)] * 2)
    refs = [r for part in got for r in part]
    assert len(refs) == 8 and len(set(refs)) == 8
    assert len([p for p in out.iterdir() if p.suffix == ".csv"]) == 8


def test_a_csv_loads_with_plain_pandas_and_carries_its_marking(tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    rec = dm.disseminate(counts(), **request(ws, tmp_path / "out" / "counts.csv"))
    back = pd.read_csv(rec.path)
    assert list(back.columns) == ["marking", "area", "burglaries"]
    assert back["burglaries"].tolist() == [12, 30]
    assert back["marking"].str.startswith(f"OFFICIAL | {rec.ref} | Handling code P").all()
    note = (tmp_path / "out" / "counts.marking.txt").read_text()
    assert "OFFICIAL" in note and rec.ref in note and rec.doc["sidecar"] == "counts.marking.txt"


@pytest.mark.parametrize("fmt", ["geojson", "gpkg"])
def test_police_uk_output_exports_as_geojson_and_geopackage(tmp_path: Path, fmt: str) -> None:
    crimes = ib.read_police_uk(DATA / "crimes" / "2025-09")
    crimes = crimes[crimes.geometry.notna()].head(50)[["month", "crime_type", "geometry"]]
    assert isinstance(crimes["month"].dtype, pd.PeriodDtype)
    ws = make_workspace(tmp_path / "ws")
    rec = dm.disseminate(crimes, fmt=fmt, **request(ws, tmp_path / "out"))
    if fmt == "geojson":
        data = json.loads(rec.path.read_text())
        assert data["features"][0]["properties"]["month"] == "2025-09"
    else:
        import pyogrio

        back = pyogrio.read_dataframe(rec.path)
        assert set(back["month"]) == {"2025-09"}


def test_sanitisation_result_explains_itself_in_html() -> None:
    from intelbench.gate.sanitise import policy_for, sanitise_frame

    df = pd.DataFrame({"sanitised_text": ["Seen with Darren <b>near</b> 07700 900123"],
                       "count": [3]}).pipe(dm.with_roles, sanitised_text="free_text",
                                           count="count")
    res = sanitise_frame(df, policy_for("POLICE_FORCE"))
    page = res._repr_html_()
    assert "Fields" in page and "Redactions" in page and "PHONE" in page
    assert "Darren" in page and "&lt;b&gt;" in page and "<b>near" not in page


def _cdr() -> pd.DataFrame:
    frame = pd.DataFrame({
        "target": ["+447700900001"] * 4,
        "other": ["+447700900002", "+447700900003", "+447700900002", "+447700900002"],
        "start": pd.to_datetime(["2026-01-05 10:00", "2026-01-05 11:00", "2026-01-06 09:00",
                                 "2026-01-06 21:00"], utc=True),
        "imei": ["356938035643809"] * 4, "cell_id": ["C1", "C2", "C1", "C1"],
        "duration_s": [60, 30, 10, 5]})
    frame.attrs["intelbench_kind"] = "communications_data"
    return frame


def test_communications_data_is_refused_to_partners_unless_allowed(tmp_path: Path) -> None:
    from intelbench.gate.policy import policy_for

    ws = make_workspace(tmp_path / "ws")
    partner = dm.Recipient("CSM", "Northshire CSP", "PARTNER_ISA", isa_ref="ISA-12")
    req = request(ws, tmp_path / "out", to=partner, fmt="csv",
                  basis="Crime and Disorder Act 1998 s.115 under ISA-12")
    with pytest.raises(DisseminationRefused, match="communications data is sensitive"):
        dm.disseminate(_cdr(), **req)
    allow = policy_for("PARTNER_ISA").replace(allow_communications_data=True)
    rec = dm.disseminate(_cdr(), policy=allow, **req)
    back = pd.read_csv(rec.path)
    text = rec.path.read_text()
    for secret in ("7700900001", "7700900002", "356938035643809", "C1", "60"):
        assert secret not in text.replace(" ", "")
    assert set(back["target"]) == {"Phone A"} and set(back["other"]) == {"Phone B", "Phone C"}
    assert back["count"].sum() == 4 and "count" in back.columns
    assert "Communications data" in (tmp_path / "out" / rec.doc["sidecar"]).read_text()


def test_points_go_to_the_public_as_suppressed_counts_per_lsoa_or_cell(tmp_path: Path) -> None:
    crimes = ib.read_police_uk(DATA / "crimes" / "2025-09")
    crimes = crimes[crimes.geometry.notna()][["month", "crime_type", "lsoa_code", "geometry"]]
    ws = make_workspace(tmp_path / "ws")
    public = dm.Recipient("Residents", "Force website", "PUBLIC")
    rec = dm.disseminate(crimes, fmt="csv", **request(ws, tmp_path / "out", to=public))
    back = pd.read_csv(rec.path, dtype=str)
    assert list(back.columns) == ["marking", "lsoa_code", "crime_type", "month", "count"]
    text = rec.path.read_text()
    for c in ("longitude", "latitude", "POINT", "geometry"):
        assert c not in text
    counts = pd.to_numeric(back["count"], errors="coerce")
    assert not ((counts > 0) & (counts < 5)).any()  # small counts suppressed
    assert (back["count"] == "[c]").any()
    # without codes, a 500 m grid
    pts = crimes.drop(columns=["lsoa_code"]).head(400)
    rec2 = dm.disseminate(pts, fmt="csv", **request(ws, tmp_path / "out2", to=public))
    assert "grid_cell" in pd.read_csv(rec2.path).columns
    with pytest.raises(DisseminationRefused, match="points never go to the public"):
        dm.disseminate(pts, fmt="geojson", **request(ws, tmp_path / "out3", to=public))
