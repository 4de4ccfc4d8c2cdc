"""The dissemination form: recipient, purpose and basis in; dry run shown; sent on confirmation.

The form holds widgets and calls :func:`intelbench.gate.disseminate.disseminate`. Errors are
caught and shown in the status area (ipywidgets swallows exceptions raised in callbacks), and
the logic is in plain methods (:meth:`DisseminationForm.preview`,
:meth:`DisseminationForm.submit`) that tests call directly.
"""

from __future__ import annotations

import html
from pathlib import Path
from typing import Any

import ipywidgets as widgets

from intelbench.exceptions import IntelbenchError
from intelbench.gate.checks import FORMATS
from intelbench.gate.disseminate import DisseminationRecord, DryRun, Recipient, disseminate
from intelbench.gate.policy import KnownTerms, RecipientKind
from intelbench.gate.products import as_product
from intelbench.gate.release import Release

__all__ = ["DisseminationForm"]


class DisseminationForm(widgets.VBox):
    """A form that disseminates one product through the gate.

    Parameters
    ----------
    ws : Workspace
        The workspace whose audit log and register record the disclosure.
    product : object
        Anything :func:`intelbench.disseminate` accepts.
    known : KnownTerms, optional
        Names and references the workspace knows.
    path : str or Path
        The folder the file is written to.

    Attributes
    ----------
    status : ipywidgets.HTML
        The visible status area (errors and results).
    dry_run_view : ipywidgets.HTML
        The last dry run.
    last_dry_run : DryRun or None
        The last dry run.
    record : DisseminationRecord or None
        The disclosure, once made.
    """

    def __init__(
        self,
        ws: Any,
        product: Any,
        *,
        known: KnownTerms | None = None,
        path: str | Path = "out",
    ) -> None:
        self.ws = ws
        self.product = as_product(product)
        self.known = known
        self.last_dry_run: DryRun | None = None
        self.record: DisseminationRecord | None = None
        self._previewed: tuple[Any, ...] | None = None
        lay = widgets.Layout(width="95%")
        style = {"description_width": "11em"}
        self.name = widgets.Text(description="Recipient", layout=lay, style=style)
        self.organisation = widgets.Text(description="Organisation", layout=lay, style=style)
        self.kind = widgets.Dropdown(
            description="Kind", options=[k.value for k in RecipientKind],
            value=RecipientKind.PARTNER_ISA.value, style=style,
        )
        self.isa_ref = widgets.Text(description="ISA reference", layout=lay, style=style)
        self.gateway = widgets.Text(description="Statutory gateway", layout=lay, style=style)
        self.purpose = widgets.Textarea(description="Purpose", layout=lay, style=style)
        self.basis = widgets.Text(description="Legal basis", layout=lay, style=style)
        self.necessity = widgets.Textarea(
            description="Necessity and proportionality", layout=lay, style=style
        )
        formats = FORMATS[self.product.kind or "table"]
        self.fmt = widgets.Dropdown(description="Format", options=list(formats),
                                    value=formats[0], style=style)
        self.path = widgets.Text(description="Folder", value=str(path), layout=lay, style=style)
        self.drop = widgets.Text(
            description="Drop fields", layout=lay, style=style,
            placeholder="fields this recipient may not have, comma-separated (see the dry run)")
        self.acknowledge = widgets.Checkbox(description="I acknowledge the handling conditions")
        # Flagged values are withheld unless a person releases them, one by one or by class,
        # after seeing them in context in the dry run (the options are filled by preview()).
        self.release_values = widgets.SelectMultiple(
            description="Release values", options=[], rows=6, layout=lay, style=style)
        self.release_kinds = widgets.SelectMultiple(
            description="Release classes", options=[], rows=3, layout=lay, style=style)
        self.confirm = widgets.Checkbox(description="I have read the dry run; send it")
        self.preview_button = widgets.Button(description="Dry run", icon="eye")
        self.send_button = widgets.Button(description="Disseminate", button_style="danger",
                                          icon="paper-plane")
        self.status = widgets.HTML(value="")
        self.dry_run_view = widgets.HTML(value="")
        self.preview_button.on_click(lambda _b: self.preview())
        self.send_button.on_click(lambda _b: self.submit())
        super().__init__([
            widgets.HTML(f"<h3>Disseminate: {html.escape(self.product.title)}</h3>"),
            self.name, self.organisation, self.kind, self.isa_ref, self.gateway, self.purpose,
            self.basis, self.necessity, self.fmt, self.path, self.drop, self.acknowledge,
            widgets.HBox([self.preview_button]), self.dry_run_view, self.release_values,
            self.release_kinds, self.confirm, self.send_button, self.status,
        ])

    # -- logic -------------------------------------------------------------------------------
    def recipient(self) -> Recipient:
        """Return the recipient the form describes."""
        return Recipient(
            self.name.value.strip(), self.organisation.value.strip(), self.kind.value,
            isa_ref=self.isa_ref.value.strip() or None,
            statutory_gateway=self.gateway.value.strip() or None,
        )

    def request(self) -> dict[str, Any]:
        """Return the keyword arguments the form passes to the gate."""
        return {
            "to": self.recipient(),
            "purpose": self.purpose.value.strip(),
            "basis": self.basis.value.strip(),
            "necessity": self.necessity.value.strip(),
            "path": self.path.value.strip() or None,
            "fmt": self.fmt.value,
            "ws": self.ws,
            "acknowledge_conditions": bool(self.acknowledge.value),
            "drop": [f.strip() for f in self.drop.value.split(",") if f.strip()],
            "known": self.known,
        }

    def release(self) -> Release | None:
        """Return the flagged values the person chose to release from the last dry run."""
        ids, kinds = list(self.release_values.value), list(self.release_kinds.value)
        if self.last_dry_run is None or not (ids or kinds):
            return None
        return self.last_dry_run.release(*ids, kinds=kinds)

    def _offer_release(self, dry: DryRun) -> None:
        """List each flagged value with its class, field and context, and each class shown."""
        flagged = dry.flagged
        if not len(flagged):
            self.release_values.options, self.release_kinds.options = [], []
            return
        context = flagged["context"] if "context" in flagged else flagged["value"]
        self.release_values.options = [
            (f"{i}: {k} {v!r} in {f}: ...{c}...", str(i)) for i, k, v, f, c in zip(
                flagged["id"], flagged["kind"], flagged["value"], flagged["field"], context)]
        self.release_kinds.options = sorted(set(flagged["kind"].astype(str)))

    def _key(self) -> tuple[Any, ...]:
        req = self.request()
        return tuple((k, repr(v)) for k, v in req.items() if k not in ("ws", "known"))

    def _show(self, text: str, ok: bool) -> None:
        colour = "#1a7f37" if ok else "#b00000"
        self.status.value = (
            f'<div role="status" style="color:{colour};font-weight:bold">'
            f"{html.escape(text)}</div>"
        )

    def preview(self) -> DryRun | None:
        """Run the dry run, show it, and remember the request it was made for."""
        try:
            dry = disseminate(self.product, dry_run=True, **self.request())
        except (IntelbenchError, ValueError, OSError) as exc:
            self._show(f"Dry run failed: {exc}", ok=False)
            return None
        assert isinstance(dry, DryRun)
        self.last_dry_run = dry
        self._previewed = self._key()
        self.dry_run_view.value = dry._repr_html_()
        self._offer_release(dry)
        if dry.ok:
            self._show("The gate would accept this request. Read the dry run, then confirm.", True)
        else:
            n = sum(len(v) for v in dry.problems.values())
            self._show(f"The gate would refuse this request ({n} problem(s)); see the dry run.",
                       ok=False)
        return dry

    def submit(self) -> DisseminationRecord | None:
        """Disseminate, if the dry run was shown for this exact request and confirmed."""
        if self._previewed is None or self._previewed != self._key():
            self._show("Run the dry run for this request first.", ok=False)
            return None
        if not self.confirm.value:
            self._show("Tick 'I have read the dry run; send it' to disseminate.", ok=False)
            return None
        try:
            rec = disseminate(self.product, release=self.release(), **self.request())
        except (IntelbenchError, ValueError, OSError) as exc:
            self._show(str(exc), ok=False)
            return None
        assert isinstance(rec, DisseminationRecord)
        self.record = rec
        self.confirm.value = False
        self._show(f"Disseminated as {rec.ref}: {rec.path.name} (sha256 {rec.sha256[:12]}...)",
                   ok=True)
        return rec
