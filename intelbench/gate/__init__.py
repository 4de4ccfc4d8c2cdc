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
- :mod:`intelbench.gate.roles`: column roles; :mod:`intelbench.gate.release`: releasing
  flagged values; :mod:`intelbench.gate.sealed`: the sealed-source register;
  :mod:`intelbench.gate.detectors`, :mod:`intelbench.gate.identifiers`: identifier patterns
  and check digits.
- :mod:`intelbench.gate.html_check`, :mod:`intelbench.gate.html_product`,
  :mod:`intelbench.gate.assets`: HTML products parsed, the workbench's own assets recognised
  by SHA-256, interactive payloads sanitised.
- :mod:`intelbench.gate.handling`: handling codes in every written form;
  :mod:`intelbench.gate.nfd`: NFD marks on an OCG that cover its members;
  :mod:`intelbench.gate.public_points`: counts per LSOA or grid cell for the public;
  :mod:`intelbench.gate.comms_data`: communications data aggregated with labelled numbers.
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
from intelbench.gate.release import Release
from intelbench.gate.roles import ROLES, with_roles
from intelbench.gate.sealed import import_sealed_sources, load_sealed, seal_source

__all__ = [
    "FORMATS",
    "POLICING_PURPOSES",
    "DisseminationRecord",
    "DryRun",
    "Product",
    "ROLES",
    "Recipient",
    "Release",
    "as_product",
    "disseminate",
    "export_register",
    "import_sealed_sources",
    "load_sealed",
    "register",
    "register_product_adapter",
    "seal_source",
    "with_roles",
]
