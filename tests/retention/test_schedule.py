"""MoPI schedule rules (issue 19 section 4; domain.md item 32)."""

from __future__ import annotations

import datetime as dt

import pytest

from intelbench.exceptions import RetentionError
from intelbench.grading.marking import is_legacy_record
from intelbench.retention import RetentionSchedule

D = dt.date


def test_group_from_type_and_offence() -> None:
    s = RetentionSchedule()
    assert s.group("intelligence", "Murder") == 1
    assert s.group("MAPPA", "theft") == 1  # the record type decides
    assert s.group("PDP", "criminal damage") == 1
    assert s.group("intelligence", "robbery") == 2
    assert s.group("intelligence", "burglary") == 3
    assert s.group("undetected crime", "burglary") == 4
    assert s.group("undetected crime", "wounding") == 2  # longer if serious


def test_unknown_offence_is_an_error_not_a_default_group() -> None:
    with pytest.raises(RetentionError, match="'jaywalking' is not in the schedule"):
        RetentionSchedule().group("intelligence", "jaywalking")


def test_review_periods_and_trigger_reset() -> None:
    s = RetentionSchedule()
    assert s.next_review(1, "2010-05-01") == D(2020, 5, 1)  # G1: every 10 years
    assert s.next_review(2, "2010-05-01") == D(2020, 5, 1)
    assert s.next_review(3, "2010-05-01") == D(2016, 5, 1)  # G3: 6 years
    assert s.next_review(4, "2010-05-01") == D(2016, 5, 1)
    assert s.next_review(3, "2010-05-01", last_trigger="2015-02-01") == D(2021, 2, 1)
    assert s.next_review(3, "2010-05-01", last_review="2019-03-03",
                         last_trigger="2015-02-01") == D(2025, 3, 3)


def test_the_period_table_is_configurable_and_checked() -> None:
    s = RetentionSchedule(review_years={1: 10, 2: 8, 3: 5, 4: 7},
                          offence_groups={"poaching": 3})
    assert s.next_review(3, "2020-01-01") == D(2025, 1, 1)
    assert s.group("intelligence", "Poaching") == 3
    with pytest.raises(RetentionError, match="groups 1-4"):
        RetentionSchedule(review_years={1: 10, 2: 10, 3: 6})
    with pytest.raises(RetentionError, match="whole number of years"):
        RetentionSchedule(review_years={1: 10, 2: 10, 3: 0, 4: 6})
    with pytest.raises(RetentionError, match="groups must be 1-4"):
        RetentionSchedule(offence_groups={"theft": 5})


def test_states_on_a_day() -> None:
    s = RetentionSchedule()
    day = D(2026, 11, 30)
    assert s.state(D(2026, 11, 29), day, decision=None) == "OVERDUE"
    assert s.state(D(2026, 12, 30), day, decision=None) == "DUE"  # within 30 days
    assert s.state(D(2026, 12, 31), day, decision=None) == "SCHEDULED"
    assert s.state(D(2030, 1, 1), day, decision="RETAIN") == "RETAINED"
    assert s.state(D(2020, 1, 1), day, decision="DISPOSE") == "DISPOSED"


def test_group_1_kept_until_the_subject_is_100() -> None:
    s = RetentionSchedule()
    day = D(2026, 11, 30)
    assert "until the subject is 100 (on 2026-12-01)" in str(
        s.disposal_problem(1, "1926-12-01", day))
    assert s.disposal_problem(1, "1926-11-30", day) is None
    assert "date of birth is unknown" in str(s.disposal_problem(1, None, day))
    assert s.disposal_problem(3, None, day) is None


def test_legacy_record_rule() -> None:
    assert is_legacy_record({"created_at": "2014-04-01", "scheme": "3x5x2"})
    assert not is_legacy_record({"created_at": "2014-04-02", "scheme": "3x5x2"})
    assert is_legacy_record({"created_at": "2020-01-01", "scheme": "5x5x5"})
    assert is_legacy_record({"created_at": "2020-01-01", "scheme": "Admiralty"})
