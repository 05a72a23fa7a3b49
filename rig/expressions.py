"""The expected answer of a practical's question, as a formula over the student's own results
table: ``slope(log10(K_o_mM), V_mV)``, ``at("rest", "R_in_MOhm") / at("drug", "R_in_MOhm")``.

A name is a column of the table (every row that has it, in the order recorded); ``at(step, key)``
is one value, the newest recorded in that step; numbers and + − × ÷ ** work as in Python, and the
functions in ``FUNCTIONS``. Nothing else parses (no attributes, no indexing, no other names), so
a practical file can hold formulas but never code. A formula is checked when the file is loaded
(``check``) and evaluated on a table (``evaluate``); a value missing from the table makes
ExpressionError, which says which.
"""
import ast
import math

import numpy as np

from engine.kernel import nernst_mV


class ExpressionError(ValueError):
    """A formula that cannot be read, or cannot be evaluated on this table."""


def _slope(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 2 or x.size != y.size or np.ptp(x) == 0:
        raise ExpressionError(f"slope needs two or more points with different x (got {x.size})")
    return float(np.polyfit(x, y, 1)[0])


def _intercept(x, y):
    x, y = np.asarray(x, float), np.asarray(y, float)
    if x.size < 2 or x.size != y.size or np.ptp(x) == 0:
        raise ExpressionError(f"intercept needs two or more points with different x (got {x.size})")
    return float(np.polyfit(x, y, 1)[1])


def _values(x):
    x = np.atleast_1d(np.asarray(x, float))
    if not x.size:
        raise ExpressionError("no values recorded for this")
    return x


FUNCTIONS = {
    "slope": _slope,  # of the least-squares line of y against x
    "intercept": _intercept,
    "mean": lambda x: float(_values(x).mean()),
    "first": lambda x: float(_values(x)[0]),
    "last": lambda x: float(_values(x)[-1]),
    "min": lambda x: float(_values(x).min()),
    "max": lambda x: float(_values(x).max()),
    "log10": np.log10,
    "ln": np.log,
    "exp": np.exp,
    "sqrt": np.sqrt,
    "abs": np.abs,
    "nernst_mV": nernst_mV,  # (z, outside_mM, inside_mM, temperature_C)
    # -1, 0 or +1 (0 within ``band`` of zero): which way something moved, for a choice's options
    "sign": lambda x, band=0.0: float(np.sign(x)) if abs(x) > band else 0.0,
}
OPERATORS = {ast.Add: lambda a, b: a + b, ast.Sub: lambda a, b: a - b, ast.Mult: lambda a, b: a * b,
             ast.Div: lambda a, b: a / b, ast.Pow: lambda a, b: a ** b}


def check(formula):
    """The parsed formula, or ExpressionError saying what in it is not allowed."""
    if not isinstance(formula, str):
        raise ExpressionError(f"{formula!r} is not a formula: write it in quotes")
    try:
        tree = ast.parse(formula, mode="eval")
    except SyntaxError as e:
        raise ExpressionError(f"{formula!r} is not a formula: {e.msg}") from None
    for node in ast.walk(tree):
        allowed = isinstance(node, (ast.Expression, ast.BinOp, ast.UnaryOp, ast.USub, ast.UAdd, ast.Name, ast.Load,
                                    ast.Call, ast.Constant, *OPERATORS))
        if not allowed:
            raise ExpressionError(f"{formula!r}: {type(node).__name__.lower()} is not allowed in a formula")
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in {*FUNCTIONS, "at"}):
            raise ExpressionError(f"{formula!r}: only {', '.join([*FUNCTIONS, 'at'])} can be called")
        if isinstance(node, ast.Call) and node.keywords:
            raise ExpressionError(f"{formula!r}: write a function's arguments in order, without names")
        if isinstance(node, ast.Constant) and not isinstance(node.value, (int, float, str)):
            raise ExpressionError(f"{formula!r}: {node.value!r} is not a number")
    return tree


def evaluate(formula, rows):
    """The value of ``formula`` on the results table ``rows`` (dicts with a ``step`` key)."""
    tree = check(formula)
    try:
        value = np.asarray(_eval(tree.body, rows, formula), float).reshape(-1)
    except (TypeError, ZeroDivisionError) as e:
        raise ExpressionError(f"{formula!r} cannot be evaluated: {e}") from None
    if value.size != 1:  # a column of several rows where one number is asked for
        raise ExpressionError(f"{formula!r} gives {value.size} values, not one number: use mean(), last() or at()")
    value = float(value[0])
    if not math.isfinite(value):
        raise ExpressionError(f"{formula!r} is not a number on these results ({value})")
    return value


def _eval(node, rows, formula):
    if isinstance(node, ast.Constant):
        return node.value
    if isinstance(node, ast.Name):
        column = [row[node.id] for row in rows if row.get(node.id) is not None]
        if not column:
            raise ExpressionError(f"{formula!r}: nothing recorded yet for {node.id}")
        return np.asarray(column, float)
    if isinstance(node, ast.UnaryOp):
        value = _eval(node.operand, rows, formula)
        return -value if isinstance(node.op, ast.USub) else value
    if isinstance(node, ast.BinOp):
        return OPERATORS[type(node.op)](_eval(node.left, rows, formula), _eval(node.right, rows, formula))
    args = [_eval(arg, rows, formula) for arg in node.args]
    if node.func.id == "at":
        return _at(rows, *args, formula=formula)
    return FUNCTIONS[node.func.id](*args)


def _at(rows, step=None, key=None, *rest, formula):
    if not isinstance(step, str) or not isinstance(key, str) or rest:
        raise ExpressionError(f"{formula!r}: at takes a step's id and a key, both in quotes")
    found = [row[key] for row in rows if row.get("step") == step and row.get(key) is not None]
    if not found:
        raise ExpressionError(f"{formula!r}: nothing recorded for {key} in step {step!r}")
    value = found[-1]
    if isinstance(value, float) and math.isnan(value):
        raise ExpressionError(f"{formula!r}: {key} in step {step!r} is not a number")
    return value
