"""Stratification rules: published criteria as data, every reason, safe expressions."""

from __future__ import annotations

import json
from pathlib import Path

import pandas as pd
import pytest

from radiochain.clinical._data import sources
from radiochain.clinical.expressions import Expression
from radiochain.clinical.stratify import (
    builtin_rules,
    load_rule,
    parse_rule,
    resolve_rules,
    stratify,
)
from radiochain.errors import InputError

LESIONS = pd.DataFrame(
    {
        "patient": ["p1", "p1", "p2", "p2", "p3", "p3"],
        "lesion": ["L1", "L2", "L1", "L2", "L1", "L2"],
        "site": ["bone", "lymph_node", "liver", "bone", "lymph_node", "bone"],
        "size_mm": [12, 30, 15, 8, 30, 15],
        "suvmax_psma": [25.0, 14.0, 3.0, 30.0, 22.0, 12.0],
        "suv_liver": [5.0] * 6,
        "suvmax_fdg": [2.0, 3.0, 9.0, 2.0, 3.0, 8.0],
        "suvmax_sstr": [1.0, 1.0, 12.0, 1.0, 1.0, 1.0],
    }
)


def status(result: pd.DataFrame, patient: str, rule: str) -> str:
    row = result[(result["patient"] == patient) & (result["rule"] == rule)]
    return str(row["status"].iloc[0])


def test_every_bundled_rule_has_a_citation_and_criteria() -> None:
    rules = builtin_rules()
    expected = {
        "vision",
        "therap",
        "netter-1",
        "netter-2",
        "netpet-p5",
        "dll3-nepc",
        "dual-psma-sstr",
        "dual-psma-dll3",
    }
    assert expected <= set(rules)
    for rule in rules.values():
        assert rule.citation
        assert rule.criteria
        assert rule.agents


def test_every_criterion_is_sourced_or_flagged() -> None:
    # a threshold either names a source row (sources.csv) or is flagged as not verified
    known = sources()
    for rule in builtin_rules().values():
        for crit in rule.criteria:
            assert crit.source or not crit.verified, (rule.name, crit.id)
            if crit.source:
                assert crit.source in known, (rule.name, crit.id, crit.source)


def test_netpet_is_referenced_to_background_not_liver() -> None:
    # NETPET grades against background (Cancer Imaging 2022, Table 1); liver is Zidan's scheme
    lesions = pd.DataFrame(
        {
            "patient": ["a", "a", "b", "b"],
            "lesion": ["L1", "L2", "L1", "L2"],
            "site": ["liver", "bone", "liver", "bone"],
            "size_mm": [20, 12, 20, 12],
            "suvmax_sstr": [30.0, 4.0, 30.0, 1.5],
            "suvmax_fdg": [2.0, 6.0, 2.0, 6.0],
            "suv_liver": [8.0] * 4,
            "suv_background_sstr": [2.0] * 4,
            "suv_background_fdg": [1.5] * 4,
        }
    )
    result = stratify(lesions, resolve_rules(["netpet-p5"])).table
    # a: L2 SSTR 4 is above background (2) although below liver (8): not P5
    assert status(result, "a", "netpet-p5") == "eligible"
    # b: L2 SSTR 1.5 <= background with FDG 6 > background: P5, PRRT alone unsuitable
    assert status(result, "b", "netpet-p5") == "not eligible"
    without = stratify(lesions.drop(columns=["suv_background_fdg"]), resolve_rules(["netpet-p5"]))
    assert set(without.table["status"]) == {"not evaluable"}
    sources_of = result["sources"].iloc[0]
    assert "Cancer Imaging" in sources_of["no-fdg-positive-sstr-negative"]


def test_verified_must_be_a_boolean(tmp_path: Path) -> None:
    path = tmp_path / "rule.yaml"
    path.write_text(
        "rule: r\nagent: a\ncitation: c\ncriteria:\n"
        "  - id: x\n    patient: age_y > 1\n    verified: 'false'\n",
        encoding="utf-8",
    )
    with pytest.raises(InputError, match="true or false"):
        load_rule(path)


def test_vision_and_therap() -> None:
    result = stratify(LESIONS, resolve_rules(["vision", "therap"])).table
    assert status(result, "p1", "vision") == "eligible"
    # p2: liver lesion 15 mm with PSMA below liver -> excluded by VISION
    assert status(result, "p2", "vision") == "not eligible"
    # p3: bone lesion FDG 8 (> liver 5) with PSMA 12 is not discordant (> 10) -> TheraP ok
    assert status(result, "p3", "therap") == "eligible"
    reasons = result[(result["patient"] == "p2") & (result["rule"] == "vision")]["reasons"].iloc[0]
    assert any(
        r.startswith("fail no-psma-negative-measurable-lesion") and "L1" in r for r in reasons
    )
    assert len(reasons) == 2  # every criterion is reported


def test_dual_psma_sstr_needs_sstr_to_add_coverage() -> None:
    result = stratify(LESIONS, resolve_rules(["dual-psma-sstr"])).table
    assert status(result, "p2", "dual-psma-sstr") == "eligible"
    assert status(result, "p1", "dual-psma-sstr") == "not eligible"


def test_missing_values_make_a_patient_not_evaluable() -> None:
    lesions = LESIONS.copy()
    lesions.loc[0, "suvmax_fdg"] = None
    result = stratify(lesions, resolve_rules(["therap"])).table
    assert status(result, "p1", "therap") == "not evaluable"


def test_netter2_uses_patient_level_labs() -> None:
    patients = pd.DataFrame({"patient": ["p2"], "ki67_percent": [15.0], "age_y": [60]})
    lesions = LESIONS[LESIONS["patient"] == "p2"].assign(suvmax_sstr=[12.0, 9.0])
    result = stratify(lesions, resolve_rules(["netter-2"]), patients).table
    assert status(result, "p2", "netter-2") == "eligible"


def test_dll3_fraction_rule() -> None:
    lesions = pd.DataFrame(
        {
            "patient": ["p"] * 5,
            "lesion": list("abcde"),
            "site": ["bone"] * 5,
            "size_mm": [10] * 5,
            "suv_liver": [4.0] * 5,
            "suvmax_dll3": [9, 9, 9, 9, 1.0],
        }
    )
    assert stratify(lesions, resolve_rules(["dll3-nepc"])).table["eligible"].iloc[0]
    lesions.loc[3, "suvmax_dll3"] = 2.0
    assert not stratify(lesions, resolve_rules(["dll3-nepc"])).table["eligible"].iloc[0]


def test_missing_core_column_is_one_clear_error() -> None:
    with pytest.raises(InputError, match="column\\(s\\) size_mm missing"):
        stratify(LESIONS.drop(columns=["size_mm"]))


def test_explicit_rule_with_missing_uptake_column_is_an_error() -> None:
    with pytest.raises(InputError, match="no column\\(s\\) suvmax_fdg"):
        stratify(LESIONS.drop(columns=["suvmax_fdg"]), resolve_rules(["therap"]), strict=True)


def test_unknown_rule() -> None:
    with pytest.raises(InputError, match="unknown rule\\(s\\) nope"):
        resolve_rules(["nope"])


def test_user_rule_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.yaml"
    path.write_text(
        "rule: lupsma-phase2\nagent: lu177-psma-617\ncitation: Hofman et al. 2018\n"
        "criteria:\n  - id: all-high\n    lesions: suvmax_psma >= 1.5 * suv_liver\n"
        "    require: all\n",
        encoding="utf-8",
    )
    rule = load_rule(path)
    result = stratify(LESIONS, [rule]).table
    assert status(result, "p1", "lupsma-phase2") == "eligible"
    assert status(result, "p2", "lupsma-phase2") == "not eligible"


@pytest.mark.parametrize(
    "text",
    [
        "__import__('os').system('echo hi')",
        "suv.real > 1",
        "[x for x in y]",
        "open('f')",
        "lambda: 1",
    ],
)
def test_expressions_reject_anything_but_the_small_language(text: str) -> None:
    with pytest.raises(InputError):
        Expression(text, "test")


def test_expression_handles_missing_values_as_unknown() -> None:
    table = pd.DataFrame({"a": [1.0, None, 3.0], "b": [0.0, 0.0, 5.0]})
    result = Expression("a > b").evaluate(table)
    assert result.known.tolist() == [True, False, True]
    assert result.value.tolist() == [True, False, False]


# ---------------------------------------------------------------- tables as users write them


def test_text_in_a_lab_column_names_file_row_and_field() -> None:
    from radiochain.clinical.tables import parse_table

    labs = parse_table("patient,ki67_percent\np1,10\np2,high\n")
    with pytest.raises(InputError, match=r"labs.csv: row 3: field 'ki67_percent' = 'high'"):
        stratify(LESIONS, resolve_rules(["netter-1"]), labs, patients_source="labs.csv")


def test_a_rule_comparing_a_text_column_with_numbers_is_named() -> None:
    rule = parse_rule(
        {
            "rule": "mine",
            "agent": "a",
            "citation": "c",
            "criteria": [{"id": "k", "lesions": "site > 1"}],
        },
        "mine.yaml",
    )
    with pytest.raises(InputError, match=r"les.csv: row 2: field 'site' = 'bone'.*rule mine"):
        stratify(LESIONS, [rule], source="les.csv")


def test_patient_table_checks() -> None:
    from radiochain.clinical.stratify import check_patient_table

    with pytest.raises(InputError, match="column patient missing"):
        check_patient_table(pd.DataFrame({"id": ["p1"]}), "labs.csv")
    with pytest.raises(InputError, match="'p1' has a row already"):
        check_patient_table(pd.DataFrame({"patient": ["p1", "p1"]}), "labs.csv")


def test_missing_column_hints_and_json() -> None:
    from radiochain.clinical.stratify import missing_column_hints

    table = LESIONS.rename(columns={"suvmax_psma": "SUVmax_PSMA"})
    hints = missing_column_hints(resolve_rules(["vision"]), table, None, "les.csv")
    assert hints == [
        "les.csv: no column 'suvmax_psma' (read by vision); did you mean 'SUVmax_PSMA'?"
    ]
    result = stratify(LESIONS, resolve_rules(["vision", "therap"]))
    payload = result.to_dict()
    json.dumps(payload, allow_nan=False)
    assert set(payload["eligible_agents"]) == {"p1", "p2", "p3"}  # type: ignore[arg-type]
    assert len(payload["results"]) == 6  # type: ignore[arg-type]


def test_an_empty_lesion_table_is_refused() -> None:
    with pytest.raises(InputError, match="no rows below the header"):
        stratify(LESIONS.iloc[:0], resolve_rules(["vision"]), source="les.csv")


def test_rule_files_are_read_safely(tmp_path: Path) -> None:
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"{n}: &{n} [{', '.join([f'*{p}'] * 10)}]\n" for p, n in zip("abcde", "bcdef", strict=True)
    )
    for name, data, message in (
        ("bomb.yaml", bomb.encode(), "100,000"),
        ("latin.yaml", "rule: café\n".encode("latin-1"), "not UTF-8"),
        ("list.yaml", b"criteria: 5\nrule: r\nagent: a\ncitation: c\n", "must be a list"),
    ):
        (tmp_path / name).write_bytes(data)
        with pytest.raises(InputError, match=message):
            load_rule(tmp_path / name)


def _rule_file(folder: Path, name: str, lesions: str, require: str = "any") -> Path:
    path = folder / f"{name}.yaml"
    path.write_text(
        f"rule: {name}\nagent: lu177-psma-617\ncitation: test rule\n"
        f"criteria:\n  - id: c\n    lesions: '{lesions}'\n    require: '{require}'\n",
        encoding="utf-8",
    )
    return path


def test_division_by_zero_makes_a_patient_not_evaluable(tmp_path: Path) -> None:
    # suv_liver = 0: the ratio has no value, so nothing is known about the lesion; it must not
    # count as a pass (x/0 = inf > 2 made p2 "eligible")
    lesions = LESIONS.assign(suv_liver=[5.0, 5.0, 0.0, 0.0, 5.0, 5.0])
    rule = load_rule(_rule_file(tmp_path, "ratio", "suvmax_psma / suv_liver > 2"))
    result = stratify(lesions, [rule]).table
    assert status(result, "p1", "ratio") == "eligible"
    assert status(result, "p2", "ratio") == "not evaluable"
    reasons = result.loc[result["patient"] == "p2", "reasons"].iloc[0]
    assert "a division by zero) for L1, L2" in reasons[0]
    with pytest.raises(InputError, match="divides by 0"):
        load_rule(_rule_file(tmp_path, "zero", "suvmax_psma / 0 > 1"))


def test_a_patient_criterion_dividing_by_zero_is_unknown() -> None:
    rule = parse_rule(
        {
            "rule": "lab",
            "agent": "x",
            "citation": "test",
            "criteria": [{"id": "ratio", "patient": "suvmax_psma / suv_liver > 2"}],
        }
    )
    result = stratify(LESIONS.assign(suv_liver=0.0), [rule]).table
    assert set(result["status"]) == {"not evaluable"}
    assert "division by zero" in result["reasons"].iloc[0][0]


@pytest.mark.parametrize(
    ("require", "message"),
    [
        ("fraction >= 1.5", "can never hold"),
        ("count >= 1.5", "whole number"),
        ("count >= 1.2.3", "not understood"),
        ("fraction >= .", "not understood"),
    ],
)
def test_requirements_that_cannot_mean_anything(tmp_path: Path, require: str, message: str) -> None:
    with pytest.raises(InputError, match=message):
        load_rule(_rule_file(tmp_path, "r", "suvmax_psma > suv_liver", require))


@pytest.mark.parametrize("condition", ["True", "5", "suvmax_psma * 2", "2 > 1"])
def test_a_criterion_must_be_a_condition_over_columns(tmp_path: Path, condition: str) -> None:
    with pytest.raises(InputError, match=r"not a condition|reads no column"):
        load_rule(_rule_file(tmp_path, "r", condition))


def test_rule_and_rule_file_both_apply(tmp_path: Path) -> None:
    mine = _rule_file(tmp_path, "mine", "suvmax_psma > suv_liver")
    assert [r.name for r in resolve_rules(["vision"], [mine])] == ["vision", "mine"]
    assert [r.name for r in resolve_rules(["mine", "vision"], [mine])] == ["mine", "vision"]
    every = [r.name for r in resolve_rules(None, [mine])]
    assert every[-1] == "mine"
    assert "vision" in every
    assert len(every) == len(set(every))


def test_a_user_rule_may_not_take_a_bundled_or_another_users_name(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="'vision' has the name of a bundled rule"):
        resolve_rules(None, [_rule_file(tmp_path, "vision", "suvmax_psma > suv_liver")])
    first = _rule_file(tmp_path, "mine", "suvmax_psma > suv_liver")
    (tmp_path / "copy").mkdir()
    second = _rule_file(tmp_path / "copy", "mine", "suvmax_psma > 2")
    with pytest.raises(InputError, match="has the name of the rule in"):
        resolve_rules(None, [first, second])
