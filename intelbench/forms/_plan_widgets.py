"""Widget makers of the collection plan form, and the red outline of fields in error."""

from __future__ import annotations

from typing import Any

import ipywidgets as w

from intelbench.plans import Problem

__all__ = ["highlight"]

_TEXT_STYLE = {"description_width": "160px"}


def _labels(fields: dict[str, Any]) -> dict[str, str]:
    return {name: str(getattr(widget, "description", "") or name) for name, widget in
            fields.items() if getattr(widget, "description", "")}


def _text(desc: str, cls: str, area: bool = False) -> w.Text | w.Textarea:
    make = w.Textarea if area else w.Text
    # each widget its own Layout: a shared one would outline every field when one is in error
    widget = make(description=desc, continuous_update=False, layout=w.Layout(width="95%"),
                  style=_TEXT_STYLE)
    widget.add_class(cls)
    return widget


def _drop(desc: str, cls: str, options: list[tuple[str, Any]]) -> w.Dropdown:
    widget = w.Dropdown(description=desc, options=options, style=_TEXT_STYLE)
    widget.add_class(cls)
    return widget


def _button(desc: str, cls: str, style: str = "") -> w.Button:
    widget = w.Button(description=desc, button_style=style)
    widget.add_class(cls)
    return widget


def _opts(enum_cls: Any, blank: bool = False) -> list[tuple[str, Any]]:
    out: list[tuple[str, Any]] = [("(choose)", None)] if blank else []
    return out + [(m.label, m) for m in enum_cls]


def highlight(plan_fields: dict[str, Any], question_fields: dict[str, Any],
              problems: list[Problem], qid: str | None) -> None:
    """Outline in red each field with an error: the header's, and the shown question's."""
    bad_plan = {p.field for p in problems if p.severity == "error" and p.question_id is None}
    bad_q = {p.field for p in problems
             if p.severity == "error" and p.question_id is not None and p.question_id == qid}
    for fields, bad in ((plan_fields, bad_plan), (question_fields, bad_q)):
        wrong = {id(widget) for name, widget in fields.items() if name in bad}
        for widget in fields.values():
            if id(widget) in wrong:
                widget.add_class("ib-invalid")
                _border(widget, "2px solid #b00020")
            elif "ib-invalid" in widget._dom_classes:
                widget.remove_class("ib-invalid")
                _border(widget, None)


def _border(widget: Any, value: str | None) -> None:
    for side in ("border_top", "border_right", "border_bottom", "border_left"):
        setattr(widget.layout, side, value)
