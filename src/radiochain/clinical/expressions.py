"""A small, safe expression language for stratification rules, evaluated column-wise.

Rule files write conditions such as ``suvmax_psma > suv_liver and size_mm >= 10`` or
``site in ['lymph_node', 'liver']``. The text is parsed with :mod:`ast` and only a whitelist of
node types is accepted (comparisons, ``and``/``or``/``not``, ``+ - * /``, numbers, strings,
lists, column names and a few named functions); nothing is ever passed to ``eval``. Evaluation is
vectorized over a :class:`pandas.DataFrame`: every name is a column, and a comparison involving a
missing value (NaN) is *unknown*, reported separately so a rule can say "not evaluable" instead
of silently failing.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Callable
from dataclasses import dataclass
from functools import cached_property
from typing import Any

import numpy as np
import pandas as pd

from radiochain.errors import InputError, elide

MAX_LENGTH = 2000
"""Longest expression a rule may hold [characters] (a condition is one line)."""
MAX_DEPTH = 40
"""Deepest nesting of operations in an expression."""

_COMPARE: dict[type[ast.cmpop], Callable[[Any, Any], Any]] = {
    ast.Gt: operator.gt,
    ast.GtE: operator.ge,
    ast.Lt: operator.lt,
    ast.LtE: operator.le,
    ast.Eq: operator.eq,
    ast.NotEq: operator.ne,
}
_ARITH: dict[type[ast.operator], Callable[[Any, Any], Any]] = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: operator.mul,
    ast.Div: operator.truediv,
}
_FUNCTIONS: dict[str, Callable[..., Any]] = {
    "abs": np.abs,
    "max": np.maximum,
    "min": np.minimum,
    "lower": lambda s: _lower(s),
}


def _lower(values: Any) -> Any:
    """Text in lower case, as an object array (missing values None, never a pandas NA)."""
    lowered = pd.Series(values).astype("string").str.lower()
    return np.array([None if pd.isna(v) else str(v) for v in lowered], dtype=object)


_ARITY = {"abs": 1, "max": 2, "min": 2, "lower": 1}
_ORDER = (ast.Gt, ast.GtE, ast.Lt, ast.LtE)


@dataclass(frozen=True)
class Evaluated:
    """Result of an expression on a table: ``value`` where known, ``known`` False where a
    value it needs is missing or its arithmetic has no finite result (a division by zero);
    ``undefined`` True on the rows of the latter."""

    value: np.ndarray
    known: np.ndarray
    undefined: np.ndarray


@dataclass(frozen=True)
class Expression:
    """A parsed, validated expression.

    Parameters
    ----------
    text : str
        The expression, e.g. ``"suvmax_psma > 1.5 * suv_liver"``.
    where : str
        Where the text comes from (file and field), for error messages.
    """

    text: str
    where: str = "expression"

    def __post_init__(self) -> None:
        if not isinstance(self.text, str):
            raise InputError(f"{self.where}: {elide(self.text)!r} is not an expression (text)")
        if len(self.text) > MAX_LENGTH:
            raise InputError(
                f"{self.where}: the expression has {len(self.text):,} characters, more than "
                f"{MAX_LENGTH:,} (split the condition into several criteria)"
            )
        try:
            tree = ast.parse(self.text.strip(), mode="eval")
        except SyntaxError as err:
            raise InputError(
                f"{self.where}: {elide(self.text)!r} is not a valid expression "
                f"({elide(err.msg, 60)}); write e.g. 'suvmax_psma > suv_liver and size_mm >= 10'"
            ) from None
        except (ValueError, RecursionError, MemoryError):
            raise InputError(
                f"{self.where}: {elide(self.text)!r} is not a valid expression (nested too "
                "deeply or a number too long)"
            ) from None
        _check(tree.body, self)
        object.__setattr__(self, "_tree", tree.body)

    def describe(self) -> str:
        """The expression and where it comes from, elided for a message."""
        return f"{self.where}: {elide(self.text)!r}"

    def check_condition(self) -> Expression:
        """Refuse an expression that is not a condition over columns: it must be a comparison,
        a column, or ``and``/``or``/``not`` of these, and read at least one column (``True``,
        ``5`` or ``3 > 2`` would hold, or not, for every patient alike).

        Raises
        ------
        InputError
            Not a condition, or one that reads no column.
        """
        example = "write a comparison over columns, e.g. 'suvmax_psma > suv_liver'"
        tree: ast.expr = self.__dict__["_tree"]
        stack = [tree]
        while stack:
            node = stack.pop()
            if isinstance(node, ast.BoolOp):
                stack.extend(node.values)
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
                stack.append(node.operand)
            elif not isinstance(node, ast.Compare | ast.Name):
                raise InputError(f"{self.describe()} is not a condition ({example})")
        if not self.names:
            raise InputError(
                f"{self.describe()} reads no column, so it is the same for every patient "
                f"({example})"
            )
        return self

    @cached_property
    def numeric_names(self) -> frozenset[str]:
        """Column names the expression reads as numbers: operands of ``+ - * /``, of ``<``,
        ``<=``, ``>``, ``>=``, of a numeric constant in ``==``/``!=``, and of abs/min/max."""
        tree: ast.expr = self.__dict__["_tree"]
        found: set[str] = set()
        for node in ast.walk(tree):
            operands: list[ast.expr] = []
            if isinstance(node, ast.BinOp):
                operands = [node.left, node.right]
            elif isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
                operands = [node.operand]
            elif isinstance(node, ast.Call) and _name(node.func) in ("abs", "min", "max"):
                operands = list(node.args)
            elif isinstance(node, ast.Compare):
                sides = [node.left, *node.comparators]
                for k, op in enumerate(node.ops):
                    pair = sides[k : k + 2]
                    numeric = any(
                        isinstance(x, ast.Constant) and isinstance(x.value, int | float)
                        for x in pair
                    )
                    if isinstance(op, _ORDER) or (isinstance(op, ast.Eq | ast.NotEq) and numeric):
                        operands += pair
            found |= {x.id for x in operands if isinstance(x, ast.Name)}
        return frozenset(found - set(_FUNCTIONS))

    @cached_property
    def names(self) -> frozenset[str]:
        """Column names the expression reads."""
        tree: ast.expr = self.__dict__["_tree"]
        return frozenset(
            node.id
            for node in ast.walk(tree)
            if isinstance(node, ast.Name) and node.id not in _FUNCTIONS
        )

    def evaluate(self, table: pd.DataFrame) -> Evaluated:
        """Evaluate on every row of ``table`` (one column per name).

        Raises
        ------
        InputError
            A name is not a column of ``table``.
        """
        missing = sorted(self.names - set(table.columns))
        if missing:
            raise InputError(
                f"{self.where}: column(s) {elide(', '.join(missing))} not in the table "
                f"(columns: {elide(', '.join(map(str, table.columns)), 120)})"
            )
        known = np.ones(len(table), dtype=bool)
        for name in self.names:
            known &= table[name].notna().to_numpy()
        undefined = np.zeros(len(table), dtype=bool)
        try:
            with np.errstate(all="ignore"):
                value = _eval(self.__dict__["_tree"], table, undefined)
                array = np.broadcast_to(np.asarray(value), (len(table),)).astype(bool)
        except (TypeError, ValueError, ArithmeticError, NotImplementedError) as err:
            text = sorted(n for n in self.names if not _is_numeric(table[n]))
            hint = (
                f"column(s) {', '.join(text)} hold text; write numbers there"
                if text
                else "text and numbers are mixed"
            )
            raise InputError(
                f"{self.describe()} cannot be evaluated ({hint}; "
                f"{elide(' '.join(str(err).split()), 60)})"
            ) from None
        undefined &= known  # a missing value is reported as missing, not as undefined
        known &= ~undefined
        return Evaluated(value=array & known, known=known, undefined=undefined)


def _name(node: ast.AST) -> str | None:
    return node.id if isinstance(node, ast.Name) else None


def _is_numeric(series: pd.Series) -> bool:
    return bool(pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series))


def _depth(node: ast.AST) -> int:
    """Nesting depth of an expression tree (iteratively: a deep tree cannot overflow)."""
    deepest, stack = 0, [(node, 1)]
    while stack:
        current, level = stack.pop()
        deepest = max(deepest, level)
        stack.extend((child, level + 1) for child in ast.iter_child_nodes(current))
    return deepest


def _check(node: ast.AST, expr: Expression) -> None:
    allowed = (
        ast.BoolOp,
        ast.And,
        ast.Or,
        ast.UnaryOp,
        ast.Not,
        ast.USub,
        ast.Compare,
        ast.BinOp,
        ast.Constant,
        ast.Name,
        ast.Load,
        ast.List,
        ast.Tuple,
        ast.In,
        ast.NotIn,
        ast.Call,
        *_COMPARE,
        *_ARITH,
    )
    if _depth(node) > MAX_DEPTH:
        raise InputError(f"{expr.describe()} is nested more than {MAX_DEPTH} levels deep")
    lists_allowed = {
        id(right)
        for sub in ast.walk(node)
        if isinstance(sub, ast.Compare)
        for op, right in zip(sub.ops, sub.comparators, strict=True)
        if isinstance(op, ast.In | ast.NotIn)
    }
    called = {id(sub.func) for sub in ast.walk(node) if isinstance(sub, ast.Call)}
    for sub in ast.walk(node):
        if isinstance(sub, ast.Name) and sub.id in _FUNCTIONS and id(sub) not in called:
            raise InputError(f"{expr.describe()}: {sub.id} is a function (write {sub.id}(...))")
        if not isinstance(sub, allowed):
            raise InputError(
                f"{expr.describe()} uses {type(sub).__name__}, which rules may not use "
                "(allowed: comparisons, and/or/not, + - * /, numbers, 'text', [lists], "
                "column names, abs/min/max/lower)"
            )
        if isinstance(sub, ast.Call):
            _check_call(sub, expr)
        if isinstance(sub, ast.List | ast.Tuple):
            if id(sub) not in lists_allowed:
                raise InputError(
                    f"{expr.describe()}: a [list] may only follow 'in' or 'not in' "
                    "(e.g. site in ['liver', 'bone'])"
                )
            if any(isinstance(e, ast.List | ast.Tuple) for e in sub.elts):
                raise InputError(f"{expr.describe()}: lists inside lists are not allowed")
        if isinstance(sub, ast.Constant) and not isinstance(sub.value, int | float | str | bool):
            raise InputError(f"{expr.describe()}: constant {elide(sub.value)!r} not allowed")
        if isinstance(sub, ast.Constant) and not _finite_constant(sub.value):
            raise InputError(f"{expr.describe()}: a number must be finite (and below 1e308)")
        if (
            isinstance(sub, ast.BinOp)
            and isinstance(sub.op, ast.Div)
            and isinstance(sub.right, ast.Constant)
            and isinstance(sub.right.value, int | float)
            and sub.right.value == 0
        ):
            raise InputError(f"{expr.describe()} divides by 0, which has no value")


def _finite_constant(value: object) -> bool:
    if isinstance(value, str | bool):
        return True
    try:
        return bool(np.isfinite(float(value)))  # type: ignore[arg-type]
    except OverflowError:
        return False


def _check_call(call: ast.Call, expr: Expression) -> None:
    name = _name(call.func)
    if name not in _FUNCTIONS or call.keywords:
        raise InputError(
            f"{expr.describe()} calls an unknown function (allowed: {', '.join(_FUNCTIONS)})"
        )
    if len(call.args) != _ARITY[name] or any(isinstance(a, ast.Starred) for a in call.args):
        raise InputError(
            f"{expr.describe()}: {name}() takes {_ARITY[name]} argument(s), not {len(call.args)}"
        )


def _column(table: pd.DataFrame, name: str) -> Any:
    series = table[name]
    if pd.api.types.is_numeric_dtype(series) or pd.api.types.is_bool_dtype(series):
        return series.to_numpy(dtype=float, na_value=np.nan)
    text = series.astype("string").str.strip()
    return np.array([None if pd.isna(v) else str(v) for v in text], dtype=object)


def _eval(node: ast.expr, table: pd.DataFrame, undefined: np.ndarray) -> Any:
    """The value of ``node`` on every row; rows where arithmetic has no finite result (a
    division by zero) are set in ``undefined``."""
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        return _column(table, node.id)
    if isinstance(node, ast.List | ast.Tuple):
        return [_eval(e, table, undefined) for e in node.elts]
    if isinstance(node, ast.BoolOp):
        values = [np.asarray(_eval(v, table, undefined), dtype=bool) for v in node.values]
        combine = np.logical_and if isinstance(node.op, ast.And) else np.logical_or
        result = values[0]
        for v in values[1:]:
            result = combine(result, v)
        return result
    if isinstance(node, ast.UnaryOp):
        operand = _eval(node.operand, table, undefined)
        if isinstance(node.op, ast.Not):
            return np.logical_not(np.asarray(operand, dtype=bool))
        return -np.asarray(operand, dtype=float)
    if isinstance(node, ast.BinOp):
        result = _ARITH[type(node.op)](
            _numeric(_eval(node.left, table, undefined)),
            _numeric(_eval(node.right, table, undefined)),
        )
        undefined |= np.broadcast_to(~np.isfinite(result), undefined.shape)
        return result
    if isinstance(node, ast.Call):
        assert isinstance(node.func, ast.Name)
        return _FUNCTIONS[node.func.id](*[_eval(a, table, undefined) for a in node.args])
    if isinstance(node, ast.Compare):
        left = _eval(node.left, table, undefined)
        combined: Any = np.ones(len(table), dtype=bool)
        for op, right_node in zip(node.ops, node.comparators, strict=True):
            right = _eval(right_node, table, undefined)
            if isinstance(op, ast.In | ast.NotIn):
                options = right if isinstance(right, list) else [right]
                inside = pd.Series(np.broadcast_to(left, (len(table),))).isin(options)
                part = inside.to_numpy() if isinstance(op, ast.In) else ~inside.to_numpy()
            else:
                with np.errstate(invalid="ignore"):
                    part = np.asarray(_COMPARE[type(op)](left, right), dtype=bool)
            combined = combined & part
            left = right
        return combined
    raise AssertionError(f"unchecked node {type(node).__name__}")  # pragma: no cover


def _numeric(value: Any) -> Any:
    """A number or a column as floats (so that 1/0 is inf, as for a column, not an error)."""
    return np.asarray(value, dtype=float)
