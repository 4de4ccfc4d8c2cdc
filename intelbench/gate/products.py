"""The product protocol of the dissemination gate.

Anything the gate accepts becomes a :class:`Product`: content plus the metadata the gate needs
(classification, handling, conditions, action and sanitisation codes, cited reports, a
not-for-dissemination flag). Tables, GeoDataFrames, networkx graphs, HTML strings, matplotlib
figures and objects with ``to_dict()`` are wrapped as they are; other product types (maps, link
charts, profiles) plug in by defining ``to_product()`` returning a :class:`Product`, or by
registering an adapter with :func:`register_product_adapter`.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import pandas as pd

from intelbench.exceptions import ParameterError

__all__ = [
    "CLASSIFICATIONS",
    "KINDS",
    "Product",
    "as_product",
    "content_kind",
    "normalise_classification",
    "register_product_adapter",
]

#: GSC markings the gate understands, lowest first.
CLASSIFICATIONS: tuple[str, ...] = ("OFFICIAL", "OFFICIAL-SENSITIVE", "SECRET", "TOP SECRET")
LEGACY_GPMS = {"UNCLASSIFIED", "NOT PROTECTIVELY MARKED", "NPM", "PROTECT", "RESTRICTED",
               "CONFIDENTIAL"}
#: Product kinds and what their content is.
KINDS: dict[str, str] = {
    "table": "pandas DataFrame",
    "geotable": "GeoDataFrame",
    "graph": "networkx graph",
    "html": "standalone HTML document or fragment (str)",
    "figure": "matplotlib Figure",
    "document": "dict of sections (from to_dict())",
}


def normalise_classification(value: object) -> str:
    """Return the GSC marking named by ``value``, or raise ParameterError.

    Examples
    --------
    >>> from intelbench.gate.products import normalise_classification
    >>> normalise_classification("official sensitive"), normalise_classification("TOP_SECRET")
    ('OFFICIAL-SENSITIVE', 'TOP SECRET')
    """
    text = " ".join(str(value or "").upper().replace("_", " ").replace("-", " ").split())
    if text == "OFFICIAL SENSITIVE":
        return "OFFICIAL-SENSITIVE"
    if text in CLASSIFICATIONS:
        return text
    if text in LEGACY_GPMS:
        raise ParameterError(
            f"classification: {text!r} is a legacy GPMS marking; expected one of "
            f"{', '.join(CLASSIFICATIONS)} (re-mark under the GSC first)"
        )
    raise ParameterError(
        f"classification: expected one of {', '.join(CLASSIFICATIONS)}; got {value!r}"
    )


def content_kind(obj: Any) -> str | None:
    """Return the product kind of a raw content object, or None if it is not supported."""
    if isinstance(obj, pd.DataFrame):
        return "geotable" if getattr(obj, "_geometry_column_name", None) in obj.columns else "table"
    if hasattr(obj, "adj") and hasattr(obj, "nodes") and hasattr(obj, "edges"):
        return "graph"
    if isinstance(obj, str):
        return "html"
    if hasattr(obj, "savefig") and hasattr(obj, "get_axes"):
        return "figure"
    if isinstance(obj, dict):
        return "document"
    return None


@dataclass
class Product:
    """Content to disseminate, with the metadata the gate checks.

    Attributes
    ----------
    content : object
        A DataFrame, GeoDataFrame, networkx graph, HTML string, matplotlib Figure or dict.
    title : str
        The product's title (goes into the file; keep it free of personal data).
    classification : str
        GSC marking of the product itself; the gate raises it to the highest of its inputs.
    handling : str
        ``"P"`` or ``"C"``.
    handling_conditions : str
        Conditions under C; carried into the file.
    action_codes, sanitisation_codes : tuple of str
        A1-A3 and S1-S2 (valid only under C).
    cited_reports : tuple of str
        URNs of the intelligence reports the product rests on.
    not_for_dissemination : bool
        Blocks sharing.
    nfd_justification : str
        Why it may not be shared.
    product_id : str or None
        Identifier recorded in the audit log; derived from the content's hash when None.
    kind : str or None
        One of :data:`KINDS`; inferred from the content when None.
    roles : dict of str to str or None
        Column roles of a table product (see :mod:`intelbench.gate.roles`), on top of those
        the table declares in ``attrs["roles"]``.

    Examples
    --------
    >>> p = ib.gate.Product(pd.DataFrame({"count": [3]}), title="Counts")
    >>> p.kind, p.product_id.startswith("PRD-")
    ('table', True)
    """

    content: Any
    title: str = "Intelligence product"
    classification: str = "OFFICIAL"
    handling: str = "P"
    handling_conditions: str = ""
    action_codes: tuple[str, ...] = ()
    sanitisation_codes: tuple[str, ...] = ()
    cited_reports: tuple[str, ...] = ()
    not_for_dissemination: bool = False
    nfd_justification: str = ""
    product_id: str | None = None
    kind: str | None = None
    roles: dict[str, str] | None = None

    def __post_init__(self) -> None:
        if self.kind is None:
            self.kind = content_kind(self.content)
        if self.kind not in KINDS:
            raise ParameterError(
                f"product kind: expected one of {', '.join(KINDS)} (content "
                f"{', '.join(KINDS.values())}); got {type(self.content).__name__}"
            )
        self.action_codes = tuple(self.action_codes)
        self.sanitisation_codes = tuple(self.sanitisation_codes)
        self.cited_reports = tuple(self.cited_reports)
        if self.product_id is None:
            self.product_id = "PRD-" + content_hash(self.content, self.kind)[:12]

    def to_product(self) -> Product:
        """Return self (the protocol every product type implements)."""
        return self


def content_hash(content: Any, kind: str | None) -> str:
    """SHA-256 of a canonical form of the content (used for product ids)."""
    h = hashlib.sha256()
    if kind in ("table", "geotable"):
        frame = pd.DataFrame(content)
        if kind == "geotable":
            frame = frame.assign(**{content.geometry.name: content.geometry.to_wkb(hex=True)})
        h.update(pd.util.hash_pandas_object(frame.astype(str), index=False).to_numpy().tobytes())
        h.update("|".join(map(str, content.columns)).encode())
    elif kind == "graph":
        h.update(repr(sorted(map(str, content.nodes(data=True)))).encode())
        h.update(repr(sorted(map(str, content.edges(data=True)))).encode())
    elif kind == "html":
        h.update(str(content).encode())
    elif kind == "figure":
        h.update(str(id(content)).encode())
    else:
        h.update(json.dumps(content, sort_keys=True, default=str).encode())
    return h.hexdigest()


_ADAPTERS: list[tuple[type, Callable[[Any], Product]]] = []


def register_product_adapter(cls: type, adapter: Callable[[Any], Product]) -> None:
    """Teach the gate a new product type: ``adapter(obj)`` must return a :class:`Product`.

    Prefer a ``to_product()`` method on your class; an adapter is for types you do not own.
    """
    _ADAPTERS.append((cls, adapter))


def as_product(obj: Any, **meta: Any) -> Product:
    """Wrap any supported object as a :class:`Product` (metadata in ``meta`` override).

    Parameters
    ----------
    obj : object
        A Product, an object with ``to_product()``, a registered type, a DataFrame,
        GeoDataFrame, networkx graph, HTML string, matplotlib Figure, dict, an object whose
        ``html`` attribute is a standalone page (``ib.geo.map``, ``ib.network.link_chart``),
        or an object with ``to_dict()`` (collection plans).
    **meta
        Product attributes to set (title, classification, handling, ...).

    Returns
    -------
    Product
    """
    if isinstance(obj, Product):
        product = obj
    elif hasattr(obj, "to_product") and callable(obj.to_product):
        product = obj.to_product()
        if not isinstance(product, Product):
            raise ParameterError(
                f"to_product(): expected a Product; got {type(product).__name__}"
            )
    else:
        for cls, adapter in _ADAPTERS:
            if isinstance(obj, cls):
                product = adapter(obj)
                break
        else:
            if content_kind(obj) is None and isinstance(getattr(obj, "html", None), str):
                # an interactive map or link chart: its standalone HTML page
                product = Product(obj.html, title=str(getattr(obj, "title", None)
                                                      or "Interactive map"), kind="html")
            elif content_kind(obj) is None and hasattr(obj, "to_dict") and callable(obj.to_dict):
                doc = obj.to_dict()
                product = Product(doc, title=str(doc.get("title") or type(obj).__name__),
                                  **_doc_meta(doc))
            else:
                product = Product(obj)
    if meta:
        fields = {k: v for k, v in meta.items() if v is not None}
        product = Product(**{**product.__dict__, **fields})
    return product


def _doc_meta(doc: dict[str, Any]) -> dict[str, Any]:
    meta: dict[str, Any] = {}
    for key in ("classification", "handling", "handling_conditions"):
        if doc.get(key):
            meta[key] = doc[key]
    if doc.get("not_for_dissemination"):
        meta["not_for_dissemination"] = True
    cited: Iterable[str] = doc.get("cited_reports") or ()
    if cited:
        meta["cited_reports"] = tuple(cited)
    return meta
