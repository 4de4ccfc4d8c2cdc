"""The dissemination form, driven headlessly."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pandas as pd
import pytest

from intelbench.forms import DisseminationForm
from intelbench.gate.sanitise import KnownTerms
from tests.gate._support import make_workspace


@pytest.fixture
def form(tmp_path: Path) -> DisseminationForm:
    ws = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir()
    df = pd.DataFrame({"sanitised_text": ["Kyle Barrow rang 07700 900123"],
                       "source_ref": ["SRC-1"], "date_of_intelligence": ["2026-03-04"]})
    return DisseminationForm(ws, df, known=KnownTerms(names=("Kyle Barrow",)), path=out)


def fill(f: DisseminationForm) -> None:
    f.name.value = "Community Safety Manager"
    f.organisation.value = "Northshire CSP"
    f.kind.value = "PARTNER_ISA"
    f.isa_ref.value = "ISA-12"
    f.purpose.value = "Reduce burglary"
    f.basis.value = "Crime and Disorder Act 1998 s.115"
    f.necessity.value = "Needed for targeting prevention; minimum fields"
    f.drop.value = "source_ref"  # the analyst acknowledges the field the partner may not have


def test_errors_are_shown_in_the_status_area(form: DisseminationForm) -> None:
    dry = form.preview()
    assert dry is not None and not dry.ok
    assert "would refuse" in form.status.value and "#b00000" in form.status.value
    assert "purpose" in form.dry_run_view.value
    assert form.submit() is None
    assert "confirm" in form.status.value.lower() or "dry run" in form.status.value


def test_preview_confirm_then_send(form: DisseminationForm, tmp_path: Path) -> None:
    fill(form)
    assert form.submit() is None and "dry run for this request first" in form.status.value
    dry = form.preview()
    assert dry is not None and dry.ok, dry.problems if dry else None
    assert "[PHONE]" in form.dry_run_view.value and "never leaves" in form.dry_run_view.value
    assert form.submit() is None and "Tick" in form.status.value
    form.confirm.value = True
    form.purpose.value = "Something else entirely"  # changing the request needs a new dry run
    assert form.submit() is None
    form.preview()
    form.confirm.value = True
    rec = form.submit()
    assert rec is not None and rec.path.exists()
    assert rec.ref in form.status.value
    assert form.confirm.value is False


def test_gate_refusal_is_caught(form: DisseminationForm) -> None:
    fill(form)
    (Path(form.path.value) / "a-file").write_text("x")  # a missing folder is created; a file
    form.path.value = str(Path(form.path.value) / "a-file" / "x.csv")  # in the way is not
    form.fmt.value = "csv"
    form.preview()
    form.confirm.value = True
    rec: Any = form.submit()
    assert rec is None and "is a file, not a folder" in form.status.value


def test_buttons_are_wired(form: DisseminationForm) -> None:
    fill(form)
    form.preview_button.click()
    assert form.last_dry_run is not None and form.last_dry_run.ok
    form.confirm.value = True
    form.send_button.click()
    assert form.record is not None


def test_flagged_values_are_offered_in_context_and_only_the_chosen_ones_leave(
        tmp_path: Path) -> None:
    ws = make_workspace(tmp_path / "ws")
    out = tmp_path / "out"
    out.mkdir()
    df = pd.DataFrame({"area": ["north", "south"],
                       "sanitised_text": ["Seen near Quarry Lane with Torvald Amsel",
                                          "Van ZX9 QRT seen by Hallam Mosswood"]})
    f = DisseminationForm(ws, df, path=out)
    fill(f)
    f.drop.value = ""
    f.fmt.value = "csv"
    assert f.release_values.options == () and f.release() is None  # nothing shown yet
    dry = f.preview()
    assert dry is not None and dry.ok
    labels = dict((v, k) for k, v in f.release_values.options)
    quarry = dry.flagged.loc[dry.flagged["value"] == "Quarry", "id"].item()
    assert "Seen near" in labels[quarry] and "NAME_LIKE" in labels[quarry]  # shown in context
    assert set(f.release_kinds.options) == set(dry.flagged["kind"])
    f.release_values.value = (quarry,)
    f.release_kinds.value = ("CODE",)
    f.confirm.value = True  # choosing what to release needs no new dry run
    rec = f.submit()
    assert rec is not None, f.status.value
    text = rec.path.read_text(encoding="utf-8")
    assert "Quarry" in text and "ZX9" in text
    for withheld in ("Torvald", "Amsel", "Hallam", "Mosswood"):
        assert withheld not in text
    entry = ws.audit.entries("DISCLOSE").iloc[-1]
    assert quarry in str(entry["detail"])
