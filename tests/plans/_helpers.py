"""Shared builders for the collection-plan tests."""

from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

from intelbench.plans import CollectionPlan, Question
from tests._identity import open_as

D0 = dt.date(2026, 1, 5)


def make_workspace(tmp_path: Path) -> Any:
    """A fresh workspace in ``tmp_path``."""

    return open_as("A. Analyst", tmp_path / "ws", role="ANALYST")


def good_question(qid: str = "Q1", **changes: Any) -> Question:
    q = Question(
        id=qid,
        text="Which addresses are used to store stolen goods?",
        priority="HIGH",
        gap="No known storage location",
        candidate_sources=[("ANPR", "camera coverage thin in the north"), ("COMMUNITY", "")],
        method="TASKED",
        tasked_to="DC Patel",
        deadline=D0 + dt.timedelta(days=30),
        necessity="Needed to locate the property and disrupt the fence",
        proportionality="Overt sources first; no intrusion into private life",
    )
    return q.replace(**changes) if changes else q


def good_plan(n_questions: int = 2, **changes: Any) -> CollectionPlan:
    plan = CollectionPlan(
        id="CP-2026-001",
        title="Burglary dwelling, north sector",
        owner="DS Lee",
        operation_ref="Op Kestrel",
        control_strategy="Acquisitive crime",
        requirement_level="TACTICAL",
        requirement="Identify the handlers of goods stolen in dwelling burglaries",
        terms_of_reference="Problem profile ToR 2026-01",
        created=D0,
        review_frequency_days=14,
        status="ACTIVE",
    )
    for i in range(n_questions):
        plan = plan.add_question(good_question(f"Q{i + 1}"))
    return plan.replace(**changes) if changes else plan
