"""The dissemination gate: the one way a product leaves the workbench.

:func:`disseminate` checks the request, the handling code, the classification and the
recipient, sanitises deny-by-default, writes the product with its marking and records the
disclosure in the register and the audit log.

- :mod:`intelbench.gate.disseminate`: :func:`disseminate`, :class:`Recipient`, the register.
- :mod:`intelbench.gate.checks`: the checks a request must pass before anything is written.
- :mod:`intelbench.gate.products`: what can be sent (tables, maps, graphs, documents).
- :mod:`intelbench.gate.policy`, :mod:`intelbench.gate.sanitise`,
  :mod:`intelbench.gate.sanitise_frame`, :mod:`intelbench.gate.redact`: sanitisation.
- :mod:`intelbench.gate.writers`: CSV, XLSX, GeoJSON, GeoPackage, HTML, DOCX and PNG.
- :mod:`intelbench.gate.osint`: the register of open-source queries.
"""

from __future__ import annotations

from intelbench.gate.checks import FORMATS, POLICING_PURPOSES
from intelbench.gate.disseminate import (
    DisseminationRecord,
    DryRun,
    Recipient,
    disseminate,
    export_register,
    register,
)
from intelbench.gate.products import Product, as_product, register_product_adapter

__all__ = [
    "FORMATS",
    "POLICING_PURPOSES",
    "DisseminationRecord",
    "DryRun",
    "Product",
    "Recipient",
    "as_product",
    "disseminate",
    "export_register",
    "register",
    "register_product_adapter",
]
