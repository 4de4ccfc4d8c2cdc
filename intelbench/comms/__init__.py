"""Communications data for subject profiles: call data records, cells and their analyses.

Terms follow methods.md B15 (A- and B-party, IMEI, IMSI, cell ID, co-location, handset swap).

- :mod:`intelbench.comms.numbers`: E.164 normalisation, IMEI and IMSI checks.
- :mod:`intelbench.comms.layouts`: provider layouts (column mappings and vocabularies).
- :mod:`intelbench.comms.records`: :func:`read_cdr` with authority, quarantine and audit.
"""

from __future__ import annotations

from intelbench.comms.cells import adjacent_cells, cell_wedges, read_cells
from intelbench.comms.layouts import LAYOUTS, NORTHCELL, VANTAGE, Layout
from intelbench.comms.numbers import is_imei, is_imsi, normalise_number, normalise_numbers
from intelbench.comms.records import RECORD_COLUMNS, Authority, CDRImport, combine, read_cdr

__all__ = [
    "LAYOUTS",
    "NORTHCELL",
    "RECORD_COLUMNS",
    "VANTAGE",
    "Authority",
    "CDRImport",
    "Layout",
    "adjacent_cells",
    "cell_wedges",
    "combine",
    "is_imei",
    "is_imsi",
    "normalise_number",
    "normalise_numbers",
    "read_cdr",
    "read_cells",
]
