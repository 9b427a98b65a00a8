"""The rule expression language: any text is a parsed expression or one InputError, and any
parsed expression evaluates on a table or raises InputError, never another exception."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from radiochain.clinical.expressions import Evaluated, Expression
from radiochain.errors import InputError

TABLE = pd.DataFrame(
    {
        "suv": [25.0, 3.0, np.nan],
        "liver": [5.0, 5.0, 5.0],
        "site": ["bone", "liver", None],
        "count": [1, 2, 3],
    }
)


def _attempt(text: str) -> tuple[Evaluated | None, str]:
    """Parse and evaluate ``text`` on :data:`TABLE`: (result, "") or (None, the message)."""
    try:
        return Expression(text, "rule.yaml").evaluate(TABLE), ""
    except InputError as err:
        return None, str(err)


@settings(max_examples=500, deadline=None)
@given(text=st.text(max_size=200))
def test_any_text_is_an_expression_or_an_input_error(text: str) -> None:
    result, message = _attempt(text)  # any other exception fails the test
    if result is None:
        assert message.startswith("rule.yaml")
        assert "\n" not in message
    else:
        assert result.value.shape == (len(TABLE),)


NAMES = st.sampled_from(["suv", "liver", "site", "count", "missing"])
ATOMS = st.one_of(
    NAMES,
    st.integers(-5, 5).map(str),
    st.floats(allow_nan=False, allow_infinity=False, width=32).map(repr),
    st.sampled_from(["'bone'", "'x'", "0", "1e308", "1e400", "True"]),
)


def _combine(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    binary = st.tuples(
        children,
        st.sampled_from([" + ", " - ", " * ", " / ", " > ", " <= ", " == ", " != ", " and ",
                         " or ", " in ", " not in "]),
        children,
    ).map("".join)  # fmt: skip
    calls = st.tuples(st.sampled_from(["abs", "lower", "max", "min", "len"]), children).map(
        lambda p: f"{p[0]}({p[1]})"
    )
    pairs = st.tuples(st.sampled_from(["max", "min"]), children, children).map(
        lambda p: f"{p[0]}({p[1]}, {p[2]})"
    )
    lists = st.lists(children, max_size=3).map(lambda xs: "[" + ", ".join(xs) + "]")
    return st.one_of(
        binary,
        calls,
        pairs,
        lists,
        children.map(lambda c: f"not {c}"),
        children.map(lambda c: f"-{c}"),
        children.map(lambda c: f"({c})"),
    )


@settings(max_examples=600, deadline=None)
@given(text=st.recursive(ATOMS, _combine, max_leaves=8))
def test_expressions_from_the_grammar_evaluate_or_raise_input_error(text: str) -> None:
    result, message = _attempt(text)
    if result is None:
        assert "\n" not in message
    else:
        assert result.value.dtype == bool
        assert not (result.value & ~result.known).any()  # unknown is never true


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("suv >", "not a valid expression"),
        ("suv.real > 1", "Attribute"),
        ("__import__('os')", "unknown function"),
        ("max(suv) > 1", "max() takes 2"),
        ("suv == [1]", "may only follow 'in'"),
        ("not " * 60 + "suv", "nested"),
        ("suv + " * 500 + "1", "characters"),
        ("suv > 1" + "0" * 400, "finite"),
        ("\x00", "not a valid expression"),
    ],
)
def test_refused_expressions(text: str, message: str) -> None:
    with pytest.raises(InputError, match=message.replace("(", r"\(").replace(")", r"\)")):
        Expression(text, "rule.yaml")


def test_text_compared_with_numbers_names_the_column() -> None:
    with pytest.raises(InputError, match="column\\(s\\) site hold text"):
        Expression("site > 1", "rule.yaml").evaluate(TABLE)


def test_division_by_zero_has_no_value() -> None:
    # x / 0 has no value (not +inf, which would pass any '>' threshold): the row is unknown,
    # never true; a missing value stays "missing", not "undefined"
    table = TABLE.assign(liver=[5.0, 0.0, 0.0])
    result = Expression("suv / liver > 2", "r").evaluate(table)
    assert result.value.tolist() == [True, False, False]
    assert result.known.tolist() == [True, False, False]
    assert result.undefined.tolist() == [False, True, False]
    zero = Expression("(suv - suv) / (liver - liver) < 1", "r").evaluate(TABLE)  # 0/0
    assert zero.undefined.tolist() == [True, True, False]
    with pytest.raises(InputError, match="divides by 0"):
        Expression("suv / 0 > 1", "r")


@pytest.mark.parametrize("text", ["True", "5", "suv * 2", "lower(site)", "3 > 2", "not 1"])
def test_a_condition_compares_columns(text: str) -> None:
    with pytest.raises(InputError, match=r"not a condition|reads no column"):
        Expression(text, "rule.yaml").check_condition()


@pytest.mark.parametrize("text", ["suv > liver", "not (suv > 1) or site == 'bone'", "flag"])
def test_conditions_over_columns_are_accepted(text: str) -> None:
    assert Expression(text, "rule.yaml").check_condition().text == text


@pytest.mark.parametrize(
    ("text", "numeric"),
    [
        ("suv > liver", {"suv", "liver"}),
        ("site in ['bone', 'liver']", set()),
        ("lower(site) == 'bone'", set()),
        ("count == 2", {"count"}),
        ("suv * 1.5 >= liver and site == 'bone'", {"suv", "liver"}),
        ("abs(suv) != liver", {"suv"}),
    ],
)
def test_columns_read_as_numbers(text: str, numeric: set[str]) -> None:
    assert Expression(text).numeric_names == numeric
