"""Problem and subject profiles: the products analysts make for the tasking meeting.

Build a :class:`ProblemProfile` or :class:`SubjectProfile` from the package's analysis objects
(maps, charts, link charts, tables, ``ib.plans.gaps``), agree the terms of reference, submit
it for peer review, and send it through ``ib.disseminate`` as HTML or DOCX. Review copies
render with :meth:`Profile.to_html` and :meth:`Profile.to_docx`; a :class:`Manifest` records
the data files (SHA-256), parameters, version and seed.
"""

from __future__ import annotations

from intelbench.profiles._parts import (
    RECOMMENDATION_HEADINGS,
    FigureItem,
    ProfileWarning,
    Status,
    TableItem,
    TermsOfReference,
    cited_intelligence,
)
from intelbench.profiles.manifest import Manifest, sha256_file
from intelbench.profiles.model import ProblemProfile, Profile, SubjectProfile
from intelbench.profiles.render_docx import docx_to_pdf

__all__ = [
    "RECOMMENDATION_HEADINGS",
    "FigureItem",
    "Manifest",
    "ProblemProfile",
    "Profile",
    "ProfileWarning",
    "Status",
    "SubjectProfile",
    "TableItem",
    "TermsOfReference",
    "cited_intelligence",
    "docx_to_pdf",
    "sha256_file",
]
