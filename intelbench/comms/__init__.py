"""Communications data for subject profiles: call data records, cells and their analyses.

Terms follow methods.md B15 (A- and B-party, IMEI, IMSI, cell ID, co-location, handset swap).
Every analysis takes a records frame and returns a new frame.

- :mod:`~intelbench.comms.numbers`: E.164 normalisation, IMEI and IMSI checks.
- :mod:`~intelbench.comms.layouts`: provider layouts (column mappings and vocabularies).
- :mod:`~intelbench.comms.records`: :func:`read_cdr` with authority, quarantine and audit.
- :mod:`~intelbench.comms.cells`: the cell-site table, adjacency and sector wedges.
- :mod:`~intelbench.comms.contacts`: top contacts, first and last contact, abrupt gaps.
- :mod:`~intelbench.comms.common`: common contacts, chains, links for ``build_network``.
- :mod:`~intelbench.comms.patterns`: day x hour, bursts, call-backs.
- :mod:`~intelbench.comms.handsets`: IMEI-IMSI pairs and handset or SIM changes.
- :mod:`~intelbench.comms.replacement`: replacement-phone detection.
- :mod:`~intelbench.comms.colocation`: co-location (possible meetings) with both records.
- :mod:`~intelbench.comms.timeline`: timeline events; labelled daily counts for partners.
- :mod:`~intelbench.comms.cellmap`: the cells a number used, as wedges on an offline map.
- :mod:`~intelbench.comms.profile_section`: the communications section of a subject profile.

Every frame these functions read or return carries ``attrs["intelbench_kind"] ==
"communications_data"`` (:data:`KIND`), which the dissemination gate acts on.
"""

from __future__ import annotations

from intelbench.comms._kind import KIND, KIND_ATTR
from intelbench.comms.cellmap import CellSiteMap, cell_site_map, cell_usage
from intelbench.comms.cells import adjacent_cells, cell_wedges, read_cells
from intelbench.comms.colocation import colocation, meetings
from intelbench.comms.common import (
    call_links,
    common_contacts,
    contact_chains,
    contact_graph,
    unique_events,
)
from intelbench.comms.contacts import contact_gaps, contact_pairs, top_contacts
from intelbench.comms.handsets import handset_changes, pairings
from intelbench.comms.layouts import LAYOUTS, NORTHCELL, VANTAGE, Layout
from intelbench.comms.numbers import (
    is_imei,
    is_imsi,
    normalise_number,
    normalise_numbers,
    normalise_unique,
)
from intelbench.comms.patterns import bursts, callbacks, day_hour
from intelbench.comms.profile_section import CommsSection, profile_section
from intelbench.comms.records import RECORD_COLUMNS, Authority, CDRImport, combine, read_cdr
from intelbench.comms.replacement import replacement_phones
from intelbench.comms.timeline import daily_counts, number_labels, timeline_events

__all__ = [
    "KIND",
    "KIND_ATTR",
    "LAYOUTS",
    "NORTHCELL",
    "RECORD_COLUMNS",
    "VANTAGE",
    "Authority",
    "CDRImport",
    "CellSiteMap",
    "CommsSection",
    "Layout",
    "adjacent_cells",
    "bursts",
    "call_links",
    "callbacks",
    "cell_site_map",
    "cell_usage",
    "cell_wedges",
    "colocation",
    "combine",
    "common_contacts",
    "contact_chains",
    "contact_gaps",
    "contact_graph",
    "contact_pairs",
    "daily_counts",
    "day_hour",
    "handset_changes",
    "is_imei",
    "is_imsi",
    "meetings",
    "normalise_number",
    "normalise_numbers",
    "normalise_unique",
    "number_labels",
    "pairings",
    "profile_section",
    "read_cdr",
    "read_cells",
    "replacement_phones",
    "timeline_events",
    "top_contacts",
    "unique_events",
]
