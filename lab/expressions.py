"""Expressions over a calculation's quantities, in the primitive operations of the rule table.

Each number a student is asked for has an expression over the numbers it is computed from
(o4 = σ(i4), δ4 = o4(1 − o4)·w46·δ6, …). The grader evaluates it with the student's own values
(that is "error carried forward"), the exercise page gets it as data and evaluates it in the
browser with the same primitives, and the formula writer prints it. Values come from
``RULES[op].fn`` only, so an expression cannot disagree with the engine.

A leaf is a `Ref` (another quantity: the student's value, or the value its own expression gives
where the student wrote none) or a `Const` (a given number: an input x, a target t, η, a spec's
starting weight).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import Any

from autograd_core import RULES, scalar_math


@dataclass(frozen=True)
class Const:
    """A given number; ``name`` is how a formula writes it (x1, t, η, w14), "" for a literal."""

    value: float
    name: str = ""


@dataclass(frozen=True)
class Ref:
    """Another quantity, by its key (an answers-file name such as ``o4`` or ``new_w46@1``);
    ``name`` is how a formula writes it (o4, δ6, w46)."""

    key: str
    name: str


@dataclass(frozen=True)
class Op:
    """A primitive of ``RULES`` applied to ``args`` (with its ``params``, e.g. pow's c)."""

    op: str
    args: tuple[Expr, ...]
    params: tuple[float, ...] = ()


Expr = Const | Ref | Op


class NotSymbolic(Exception):
    """A rule's derivative branches on its input's sign (relu, abs, …): no expression for it."""


def evaluate(expr: Expr, value_of: Callable[[str], float]) -> float:
    """The value of ``expr``, each `Ref` read through ``value_of``; each op's value from
    ``RULES[op].fn`` (a DomainError where the rule refuses, e.g. ln of a negative number)."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Ref):
        return value_of(expr.key)
    args = [evaluate(a, value_of) for a in expr.args]
    return RULES[expr.op].fn(scalar_math, *args, *expr.params)[0]


def refs(expr: Expr) -> Iterator[Ref]:
    """Every `Ref` in ``expr``, left to right (repeats included)."""
    yield from _leaves(expr, Ref)


def consts(expr: Expr) -> Iterator[Const]:
    """Every `Const` in ``expr``, left to right (repeats included)."""
    yield from _leaves(expr, Const)


def _leaves(expr: Expr, kind: type) -> Iterator[Any]:
    if isinstance(expr, kind):
        yield expr
    elif isinstance(expr, Op):
        for a in expr.args:
            yield from _leaves(a, kind)


def substitute(expr: Expr, by: Mapping[Any, Expr]) -> Expr:
    """``expr`` with every sub-expression (or Ref key) found in ``by`` replaced (and folded
    again: o·o written o² once both are the same name)."""
    if expr in by:
        return by[expr]
    if isinstance(expr, Ref) and expr.key in by:
        return by[expr.key]
    if isinstance(expr, Op):
        return op(expr.op, *(substitute(a, by) for a in expr.args), params=expr.params)
    return expr


def to_data(expr: Expr) -> Any:
    """The expression as JSON for the page: a Ref is its key (a string), a Const its number, an
    op ``[op, [params...], arg, ...]``."""
    if isinstance(expr, Const):
        return expr.value
    if isinstance(expr, Ref):
        return expr.key
    return [expr.op, list(expr.params), *(to_data(a) for a in expr.args)]


# ---------------------------------------------------------------- building, with folding
def _is(e: Expr, x: float) -> bool:
    return isinstance(e, Const) and not e.name and e.value == x


def num(x: float) -> Const:
    """A literal number."""
    return Const(float(x))


def op(name: str, *args: Expr, params: tuple[float, ...] = ()) -> Expr:
    """``name(args)``, folded where the result is plain: x·1 = x, x + 0 = x, −(−x) = x,
    x^1 = x, literals computed (so that derivatives built by the rule table read as a person
    writes them)."""
    if all(isinstance(a, Const) and not a.name for a in args):
        return num(RULES[name].fn(scalar_math, *(a.value for a in args), *params)[0])
    if name == "mul":
        a, b = args
        if _is(a, 0.0) or _is(b, 0.0):
            return num(0.0)
        if _is(a, 1.0):
            return b
        if _is(b, 1.0):
            return a
        if _is(a, -1.0):
            return op("neg", b)
        if _is(b, -1.0):
            return op("neg", a)
        if isinstance(a, Const) and not a.name and isinstance(b, Op) and b.op == "mul" \
                and isinstance(b.args[0], Const) and not b.args[0].name:
            return op("mul", num(a.value * b.args[0].value), b.args[1])  # ½·2·x = x
        if a == b and isinstance(a, Ref):
            return Op("pow", (a,), (2.0,))  # o·o is o²
        if isinstance(a, Op) and a.op == "neg":
            return op("neg", op("mul", a.args[0], b))
        if isinstance(b, Op) and b.op == "neg":
            return op("neg", op("mul", a, b.args[0]))
    if name == "add":
        a, b = args
        if _is(a, 0.0):
            return b
        if _is(b, 0.0):
            return a
        if isinstance(b, Op) and b.op == "neg":
            return op("sub", a, b.args[0])
    if name == "sub":
        a, b = args
        if _is(b, 0.0):
            return a
        if _is(a, 0.0):
            return op("neg", b)
        if isinstance(b, Op) and b.op == "neg":
            return op("add", a, b.args[0])
    if name == "neg":
        (a,) = args
        if isinstance(a, Op) and a.op == "neg":
            return a.args[0]
    if name == "div" and _is(args[1], 1.0):
        return args[0]
    if name == "pow" and params == (1.0,):
        return args[0]
    if name == "pow" and params == (0.0,):
        return num(1.0)
    return Op(name, tuple(args), tuple(params))


class _Sym:
    """An expression that the rule table's functions can compute with (``+ − · /`` and ``m``'s
    functions), so that a rule's local derivatives come out as expressions."""

    __slots__ = ("e",)

    def __init__(self, e: Expr) -> None:
        self.e = e

    @staticmethod
    def of(x: Any) -> Expr:
        return x.e if isinstance(x, _Sym) else num(x)

    def __add__(self, o: Any) -> _Sym:
        return _Sym(op("add", self.e, _Sym.of(o)))

    def __radd__(self, o: Any) -> _Sym:
        return _Sym(op("add", _Sym.of(o), self.e))

    def __sub__(self, o: Any) -> _Sym:
        return _Sym(op("sub", self.e, _Sym.of(o)))

    def __rsub__(self, o: Any) -> _Sym:
        return _Sym(op("sub", _Sym.of(o), self.e))

    def __mul__(self, o: Any) -> _Sym:
        return _Sym(op("mul", self.e, _Sym.of(o)))

    def __rmul__(self, o: Any) -> _Sym:
        return _Sym(op("mul", _Sym.of(o), self.e))

    def __truediv__(self, o: Any) -> _Sym:
        return _Sym(op("div", self.e, _Sym.of(o)))

    def __rtruediv__(self, o: Any) -> _Sym:
        return _Sym(op("div", _Sym.of(o), self.e))

    def __neg__(self) -> _Sym:
        return _Sym(op("neg", self.e))

    def _compare(self, o: Any) -> Any:
        # a domain check (y == 0, x < 0) is not decided here; a branch on it is NotSymbolic
        return _UNDECIDED

    __lt__ = __le__ = __gt__ = __ge__ = __eq__ = _compare  # type: ignore[assignment]

    __hash__ = None  # type: ignore[assignment]


class _Undecided:
    def __and__(self, o: Any) -> _Undecided:
        return self

    __rand__ = __and__

    def __bool__(self) -> bool:
        raise NotSymbolic("a branch")


_UNDECIDED = _Undecided()


def _unary(name: str) -> staticmethod:
    return staticmethod(lambda x: _Sym(op(name, _Sym.of(x))))


class _SymbolicMath:
    """The rule table's math namespace ``m`` over expressions (see `scalar_math`)."""

    inf, nan = math.inf, math.nan
    exp, log, sqrt, sin, cos = (_unary(n) for n in ("exp", "log", "sqrt", "sin", "cos"))
    tanh, sigmoid, softplus = _unary("tanh"), _unary("sigmoid"), _unary("softplus")

    @staticmethod
    def power(x: Any, c: Any) -> _Sym:
        if isinstance(c, _Sym):
            return _Sym(op("pow_xy", _Sym.of(x), c.e))
        return _Sym(op("pow", _Sym.of(x), params=(float(c),)))

    @staticmethod
    def where(cond: Any, a: Any, b: Any) -> Any:
        if isinstance(cond, _Undecided):
            raise NotSymbolic("a branch")
        return a if cond else b

    @staticmethod
    def any_(cond: Any) -> bool:
        return False  # the domain was checked when the right numbers were computed

    @staticmethod
    def not_integer(x: Any) -> bool:
        return not float(x).is_integer() if not isinstance(x, _Sym) else False

    def __getattr__(self, name: str) -> Any:
        raise NotSymbolic(name)  # maximum, positive, expm1, …: a branch on the sign


def local_derivatives(name: str, args: tuple[Expr, ...],
                      params: tuple[float, ...] = ()) -> tuple[Expr, tuple[Expr, ...]]:
    """``name(args)`` and its local derivatives ∂/∂argₖ as expressions, from the rule table's
    own function; NotSymbolic for a rule that branches on its input."""
    value, derivs = RULES[name].fn(_SymbolicMath(), *(_Sym(a) for a in args), *params)
    return _Sym.of(value), tuple(_Sym.of(d) for d in derivs)
