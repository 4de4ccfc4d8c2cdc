"""3x5x2 grades: parsing, rendering, swapped schemes, items, legacy grades and the policy."""

from __future__ import annotations

import itertools
import json
import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import intelbench as ib
from intelbench import grading
from intelbench.exceptions import GradingError
from intelbench.grading.grade import (
    ActionCode,
    Grade,
    Handling,
    IntelItem,
    IntelligenceAssessment,
    SanitisationCode,
    SourceEvaluation,
    report_handling,
)
from intelbench.grading.legacy import LegacyGrade
from intelbench.grading.policy import RULES, GradingPolicy

VALID_CODES = ["".join(p) for p in itertools.product("123", "ABCDE", "PC")]


def written_forms(code: str) -> list[str]:
    s, a, h = code
    forms = [code, f"{s}/{a}/{h}", f"[{code}]", f"{s}-{a}-{h}", f" {s} {a} {h} ",
             f"[{s}/{a}/{h}]", f"{s} / {a} / {h}"]
    return forms + [f.lower() for f in forms]


# ----------------------------------------------------------------------- parse and str
@pytest.mark.parametrize("code", VALID_CODES)
def test_every_valid_combination_round_trips_in_every_written_form(code: str) -> None:
    for text in written_forms(code):
        grade = Grade.parse_code(text)
        assert str(grade) == code
        assert grade.bracketed == f"[{code}]"
        assert Grade.parse_code(str(grade)) == grade
        assert Grade.parse_code(grade.bracketed) == grade


@given(st.sampled_from(VALID_CODES), st.sampled_from(["", "/", "-", " ", " / ", "  "]),
       st.booleans(), st.booleans())
def test_round_trip_property(code: str, sep: str, lower: bool, brackets: bool) -> None:
    text = sep.join(code)
    text = text.lower() if lower else text
    text = f"[{text}]" if brackets else text
    assert str(Grade.parse_code(text)) == code


def _is_valid_written(text: str) -> bool:
    t = text.strip()
    if t.startswith("[") and t.endswith("]"):
        t = t[1:-1]
    compact = re.sub(r"[\s/\-]+", "", t).upper()
    if not re.fullmatch(r"[0-9A-Za-z/\-\s]*", t):
        return False
    return compact in VALID_CODES


@settings(max_examples=400)
@given(st.text(alphabet=st.sampled_from(list("0123456789ABCDEFGPSXabcpe/-[] %.")), max_size=8))
def test_every_invalid_string_is_rejected(text: str) -> None:
    if _is_valid_written(text):
        assert str(Grade.parse_code(text)) in VALID_CODES
    else:
        with pytest.raises(GradingError):
            Grade.parse_code(text)


@settings(max_examples=200)
@given(st.text(max_size=20))
def test_arbitrary_text_is_either_a_valid_code_or_rejected(text: str) -> None:
    try:
        grade = Grade.parse_code(text)
    except GradingError as exc:
        assert "3x5x2" in str(exc)
    else:
        assert str(grade) in VALID_CODES


@pytest.mark.parametrize("bad", [None, 2, 2.0, b"2BC"])
def test_non_text_is_rejected(bad: object) -> None:
    with pytest.raises(GradingError, match="must be text"):
        Grade.parse_code(bad)  # type: ignore[arg-type]


# --------------------------------------------------------------- messages name the part
@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("4BP", r"source evaluation '4' is outside 3x5x2; allowed 1 \(Reliable\)"),
        ("2FP", r"intelligence assessment 'F' is outside 3x5x2"),
        ("2BX", r"handling code 'X' is not allowed; allowed P"),
        ("2B", r"handling code is missing"),
        ("2B4", r"handling code '4' is a 5x5x5 handling code"),
        ("", r"the grade is empty"),
        ("[]", r"the grade is empty"),
        ("80%", r"no percentage or free-text grades"),
        ("2B C%", r"percentage"),
        ("reliable", r"no free-text grades"),
        ("2.B.C", r"characters other than codes"),
        ("(2BC)", r"characters other than codes"),
        ("[2BC", r"characters other than codes"),
    ],
)
def test_rejection_names_the_part_and_what_is_allowed(text: str, expected: str) -> None:
    with pytest.raises(GradingError, match=expected):
        Grade.parse_code(text)


def test_letter_source_and_digit_assessment_name_the_legacy_scheme() -> None:
    with pytest.raises(GradingError) as info:
        Grade.parse_code("B2P")
    msg = str(info.value)
    assert "source evaluation 'B' is a letter" in msg
    assert "intelligence assessment '2' is a digit" in msg
    assert "5x5x5 or Admiralty" in msg
    assert "LegacyGrade" in msg


def test_letter_for_the_source_alone_is_named() -> None:
    with pytest.raises(GradingError, match="source evaluation 'A' is a letter.*5x5x5 or Admiralty"):
        Grade.parse_code("AAP")


def test_digit_for_the_assessment_alone_is_named() -> None:
    with pytest.raises(GradingError, match="intelligence assessment '3' is a digit"):
        Grade.parse_code("2 3 P")


@pytest.mark.parametrize("text", ["2B confidential", "2/B/CONFIDENTIAL", "2BConf", "1A Secret",
                                  "3-D-official"])
def test_handling_written_as_a_classification_is_the_confidential_misreading(text: str) -> None:
    with pytest.raises(GradingError, match="C means 'with conditions', not 'Confidential'"):
        Grade.parse_code(text)


def test_a1c_names_the_public_code_mix_up() -> None:
    with pytest.raises(GradingError) as info:
        Grade.parse_code("A1C")
    msg = str(info.value)
    assert "5x5x5 or Admiralty" in msg
    assert "C = 'Confidential'" in msg and "with conditions" in msg


def test_long_free_text_is_not_quoted_in_the_message() -> None:
    secret = "John Smith told us"
    with pytest.raises(GradingError) as info:
        Grade.parse_code(secret)
    assert "John" not in str(info.value)


def test_conditions_text_is_never_quoted() -> None:
    with pytest.raises(GradingError) as info:
        Grade.parse_code("2BP", conditions="Do not tell DS Jones")
    assert "Jones" not in str(info.value)


# ------------------------------------------------------------------ the grade value
def test_grade_fields_meanings_and_immutability() -> None:
    g = Grade.parse_code("3EC", conditions="No executive action", action_code="a2",
                    sanitisation_code="S2", risk_assessment_ref="RA-1", rationale="Grudge")
    assert g.source is SourceEvaluation.NOT_RELIABLE
    assert g.assessment is IntelligenceAssessment.SUSPECTED_FALSE
    assert g.handling is Handling.CONDITIONS
    assert g.action_code is ActionCode.A2 and g.sanitisation_code is SanitisationCode.S2
    assert g.meanings() == {
        "source": "3 - Not reliable",
        "assessment": "E - Suspected to be false",
        "handling": "C - Lawful sharing permitted with conditions",
        "action_code": "A2 - Covert action only; not evidence or grounds for arrest",
        "sanitisation_code": "S2 - Originator consulted before sanitisation",
    }
    with pytest.raises(AttributeError):
        g.source = SourceEvaluation.RELIABLE  # type: ignore[misc]
    assert Grade.from_dict(g.to_dict()) == g
    assert json.loads(json.dumps(g.to_dict())) == g.to_dict()


def test_grade_constructor_coerces_codes_and_rejects_bad_ones() -> None:
    assert str(Grade(1, "b", "p")) == "1BP"  # type: ignore[arg-type]
    with pytest.raises(GradingError, match="source evaluation must be one of 1 \\(Reliable\\)"):
        Grade("4", "B", "P")  # type: ignore[arg-type]
    with pytest.raises(GradingError, match="handling code must be one of P.*not 'Confidential'"):
        Grade("1", "B", "Confidential")  # type: ignore[arg-type]
    with pytest.raises(GradingError, match="is a letter.*5x5x5 or Admiralty"):
        Grade("B", "B", "P")  # type: ignore[arg-type]
    with pytest.raises(GradingError, match="is a digit.*5x5x5 or Admiralty"):
        Grade("1", 2, "P")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("kwargs", "named"),
    [({"action_code": "A1"}, "action_code"), ({"sanitisation_code": "S1"}, "sanitisation_code"),
     ({"conditions": "x"}, "conditions")],
)
def test_rule5_codes_and_conditions_only_under_c(kwargs: dict[str, str], named: str) -> None:
    with pytest.raises(GradingError, match=f"{named} given with handling code P"):
        Grade.parse_code("1AP", **kwargs)  # type: ignore[arg-type]
    assert Grade.parse_code("1AC", **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(("field", "value"), [("action_code", "A4"), ("sanitisation_code", "S3")])
def test_unknown_action_and_sanitisation_codes_are_rejected(field: str, value: str) -> None:
    with pytest.raises(GradingError, match="must be one of"):
        Grade.parse_code("1AC", **{field: value})  # type: ignore[arg-type]


def test_labels_are_configurable_but_codes_fixed() -> None:
    policy = GradingPolicy(labels={"source": {"3": "Unreliable"}})
    assert grading.code_meanings(policy)["source"]["3"] == "Unreliable"
    assert grading.code_meanings()["source"]["3"] == "Not reliable"
    assert Grade.parse_code("3AP", rationale="r").meanings(policy)["source"] == "3 - Unreliable"
    with pytest.raises(GradingError, match="labels\\['source'\\] code"):
        GradingPolicy(labels={"source": {"4": "Maybe"}})
    with pytest.raises(GradingError, match="labels: field must be one of"):
        GradingPolicy(labels={"colour": {"1": "x"}})


# ------------------------------------------------------------------------------ items
def test_each_item_carries_its_own_grade_and_report_takes_most_restrictive() -> None:
    items = [
        IntelItem(1, "a", Grade.from_text("1AP")),
        IntelItem(2, "b", Grade.from_text("2BC", conditions="No arrest", action_code="A3",
                                          sanitisation_code="S1", risk_assessment_ref="RA-1")),
        IntelItem(3, "c", Grade.from_text("2CC", conditions="Originator only", action_code="A1",
                                          sanitisation_code="S2", risk_assessment_ref="RA-2")),
        IntelItem(4, "d", Grade.from_text("2CC", conditions="No arrest",
                                          risk_assessment_ref="RA-3")),
    ]
    rh = report_handling(items)
    assert rh.handling is Handling.CONDITIONS
    assert rh.conditions == ("No arrest", "Originator only")
    assert rh.action_code is ActionCode.A1
    assert rh.sanitisation_code is SanitisationCode.S2
    all_p = report_handling(items[:1])
    assert all_p.handling is Handling.PERMITTED and all_p.conditions == ()
    with pytest.raises(GradingError, match="at least one"):
        report_handling([])


def test_rule3_item_without_grade_is_rejected() -> None:
    with pytest.raises(GradingError, match="every item carries its own 3x5x2 grade"):
        IntelItem(1, "text", "2BC")  # type: ignore[arg-type]
    with pytest.raises(GradingError, match="seq"):
        IntelItem(0, "text", Grade.parse_code("2BP"))


# ----------------------------------------------------------------------------- legacy
def test_legacy_grades_are_kept_verbatim_and_shown_with_their_scheme() -> None:
    lg = LegacyGrade("5x5x5", "b/2/4")
    assert lg.verbatim == "b/2/4"
    assert (lg.source, lg.information, lg.handling) == ("B", "2", "4")
    assert lg.describe() == {
        "scheme": "5x5x5", "source": "B - Mostly reliable",
        "information": "2 - Known personally to the source but not to the person reporting",
        "handling": "4 - Originating agency only"}
    assert str(lg) == "b/2/4 (5x5x5)"
    adm = LegacyGrade("nato", "F6")
    assert adm.scheme.value == "ADMIRALTY" and adm.handling is None
    assert adm.describe()["source"] == "F - Cannot be judged"


def test_legacy_grades_are_never_a_grade_and_conversion_is_flagged() -> None:
    lg = LegacyGrade("5x5x5", "E34")
    approx = lg.to_3x5x2_approximate()
    assert approx.approximate is True
    assert approx.original is lg and lg.verbatim == "E34"
    assert (approx.source, approx.assessment, approx.handling) == (
        SourceEvaluation.UNTESTED, IntelligenceAssessment.CORROBORATED, Handling.CONDITIONS)
    assert str(approx).startswith("~2BC (approximate")
    assert not isinstance(approx, Grade)
    with pytest.raises(GradingError):
        Grade.parse_code(lg.verbatim)  # never silently read as 3x5x2


@pytest.mark.parametrize(
    ("scheme", "verbatim", "expected", "lossy"),
    [("5x5x5", "A11", "1AP", True), ("5x5x5", "B24", "2AC", True), ("5x5x5", "C31", "3BP", True),
     ("5x5x5", "D45", "3DC", False), ("5x5x5", "E5", "2E?", False),
     ("ADMIRALTY", "A1", "1B?", True), ("ADMIRALTY", "B2", "2C?", True),
     ("ADMIRALTY", "C3", "3C?", True),
     ("ADMIRALTY", "F6", "2D?", True), ("ADMIRALTY", "E5", "3E?", True)],
)
def test_documented_crosswalk(scheme: str, verbatim: str, expected: str, lossy: bool) -> None:
    approx = LegacyGrade(scheme, verbatim).to_3x5x2_approximate()  # type: ignore[arg-type]
    got = approx.source.value + approx.assessment.value + (approx.handling.value
                                                           if approx.handling else "?")
    assert got == expected
    assert bool(approx.notes) is lossy


@pytest.mark.parametrize(("scheme", "bad"), [("5x5x5", "F24"), ("5x5x5", "B6"),
                                             ("ADMIRALTY", "G1"), ("ADMIRALTY", "B24"),
                                             ("5x5x5", "")])
def test_rule1_legacy_grade_must_fit_its_scheme(scheme: str, bad: str) -> None:
    with pytest.raises(GradingError, match="does not fit its scheme; allowed"):
        LegacyGrade(scheme, bad)  # type: ignore[arg-type]


def test_legacy_scheme_must_be_legacy() -> None:
    with pytest.raises(GradingError, match="use ib.Grade for 3x5x2"):
        LegacyGrade("3x5x2", "2BC")  # type: ignore[arg-type]
    with pytest.raises(GradingError, match="scheme must be one of"):
        LegacyGrade("7x7", "B2")  # type: ignore[arg-type]


# ----------------------------------------------------------------------------- policy
def test_default_policy_follows_domain_defaults() -> None:
    p = GradingPolicy()
    assert p.conditions_required_for_c and p.risk_assessment_required_for_c
    assert p.rationale_sources == {SourceEvaluation.NOT_RELIABLE}
    assert p.rationale_assessments == {IntelligenceAssessment.SUSPECTED_FALSE}
    assert p.regrade_roles == {"INTEL_UNIT", "SUPERVISOR"}
    assert set(RULES) >= {"scheme", "free_text", "item_grade", "conditions", "codes_need_c",
                          "risk_assessment", "rationale", "legacy"}


def test_rule4_c_requires_conditions() -> None:
    p = GradingPolicy()
    problems = p.check(Grade.parse_code("2BC", risk_assessment_ref="RA-1"))
    assert [(x.rule, x.field) for x in problems] == [("conditions", "handling_conditions")]
    assert p.check(Grade.parse_code("2BC", conditions="x", risk_assessment_ref="RA-1")) == []
    relaxed = GradingPolicy(conditions_required_for_c=False)
    assert relaxed.check(Grade.parse_code("2BC", risk_assessment_ref="RA-1")) == []


def test_rule6_c_requires_risk_assessment_configurable() -> None:
    g = Grade.parse_code("2BC", conditions="x")
    assert [x.rule for x in GradingPolicy().check(g)] == ["risk_assessment"]
    assert GradingPolicy(risk_assessment_required_for_c=False).check(g) == []


@pytest.mark.parametrize(("code", "trigger"), [("3AP", "source evaluation 3"),
                                               ("1EP", "intelligence assessment E"),
                                               ("3EP", "source evaluation 3 and intelligence "
                                                       "assessment E")])
def test_rule7_source3_or_e_requires_rationale(code: str, trigger: str) -> None:
    problems = GradingPolicy().check(Grade.parse_code(code))
    assert [x.rule for x in problems] == ["rationale"]
    assert problems[0].message.startswith(trigger + " requires a grade rationale")
    assert GradingPolicy().check(Grade.parse_code(code, rationale="Known liar")) == []


def test_rationale_triggers_are_configurable() -> None:
    p = GradingPolicy(rationale_sources=["2", "3"], rationale_assessments=[])
    assert [x.rule for x in p.check(Grade.parse_code("2AP"))] == ["rationale"]
    assert p.check(Grade.parse_code("1EP")) == []


def test_enforce_lists_every_problem_and_from_text_applies_the_policy() -> None:
    with pytest.raises(GradingError) as info:
        Grade.from_text("3EC", policy=GradingPolicy())
    msg = str(info.value)
    assert "conditions" in msg and "risk-assessment" in msg and "rationale" in msg
    ok = Grade.from_text("3EC", conditions="c", risk_assessment_ref="RA", rationale="r",
                         policy=GradingPolicy())
    assert str(ok) == "3EC"


# ------------------------------------------- issue 19.1: one policy wherever a grade is made
def test_parse_code_is_a_pure_parser_and_from_text_applies_the_default_policy() -> None:
    # the two cases: C without conditions, source 3 without a rationale
    for code in ("2BC", "3BP"):
        assert str(Grade.parse_code(code)) == code  # a parser reads the code, nothing more
        assert Grade.parse(code) == Grade.parse_code(code)  # parse is the same pure parser
        with pytest.raises(GradingError, match="breaks the grading policy"):
            Grade.from_text(code)  # no policy given: the default policy applies
    with pytest.raises(GradingError, match="pure parser and takes no policy"):
        Grade.parse("2BC", policy=GradingPolicy())
    relaxed = GradingPolicy(risk_assessment_required_for_c=False)
    assert str(Grade.from_text("2BC", conditions="No arrest", policy=relaxed)) == "2BC"
    with pytest.raises(GradingError, match="risk-assessment"):
        Grade.from_text("2BC", conditions="No arrest")


def test_an_item_of_a_report_applies_the_policy() -> None:
    for code in ("2BC", "3BP"):
        with pytest.raises(GradingError, match=r"item 1: grade .* breaks the grading policy"):
            IntelItem(1, "text", Grade.parse_code(code))
    relaxed = GradingPolicy(conditions_required_for_c=False,
                            risk_assessment_required_for_c=False)
    assert IntelItem(1, "text", Grade.parse_code("2BC"), policy=relaxed).grade.code == "2BC"


def test_cross_walk_b_is_the_less_favourable_2_and_flagged_approximate() -> None:
    for scheme, verbatim, word in (("5x5x5", "B2", "Mostly reliable"),
                                   ("ADMIRALTY", "B2", "Usually reliable")):
        approx = LegacyGrade(scheme, verbatim).to_3x5x2_approximate()  # type: ignore[arg-type]
        assert approx.source is SourceEvaluation.UNTESTED  # 2, not 1
        assert approx.approximate is True and str(approx).startswith("~2")
        assert any(word in n and "less favourable 2" in n for n in approx.notes)


def test_policy_round_trips_through_dict_and_json(tmp_path) -> None:  # type: ignore[no-untyped-def]
    p = GradingPolicy(force="Northshire", risk_assessment_required_for_c=False,
                      rationale_sources=[3, 2], regrade_roles=["supervisor"],
                      labels={"source": {"3": "Unreliable"}})
    assert GradingPolicy.from_dict(p.to_dict()) == p
    path = tmp_path / "policy.json"
    p.to_json(path)
    assert GradingPolicy.from_json(path) == p
    assert GradingPolicy.from_json(p.to_json()) == p
    assert p.may_regrade("Supervisor") and not p.may_regrade("INTEL_UNIT")
    assert not p.may_regrade(None)
    assert hash(p) == hash(GradingPolicy.from_dict(p.to_dict()))


@pytest.mark.parametrize(
    ("doc", "match"),
    [({"colour": 1}, "unknown keys"), ({"regrade_roles": "SUPERVISOR"}, "collection"),
     ({"regrade_roles": []}, "at least one role"),
     ({"conditions_required_for_c": "yes"}, "True or False"),
     ({"rationale_sources": ["4"]}, "rationale_sources must be one of")],
)
def test_bad_policies_are_rejected(doc: dict[str, object], match: str) -> None:
    with pytest.raises(GradingError, match=match):
        GradingPolicy.from_dict(doc)


def test_bad_policy_json_is_rejected() -> None:
    with pytest.raises(GradingError, match="not valid JSON"):
        GradingPolicy.from_json("{nope")
    with pytest.raises(GradingError, match="expected a JSON object"):
        GradingPolicy.from_json("[1]")


def test_public_names() -> None:
    assert ib.Grade is Grade and ib.LegacyGrade is LegacyGrade
    assert ib.GradingPolicy is GradingPolicy
    assert ib.grading.GradingPolicy is GradingPolicy
    assert ib.grading.LegacyGrade is LegacyGrade
    with pytest.raises(AttributeError):
        ib.grading.nothing_here  # noqa: B018
