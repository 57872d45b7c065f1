"""The one formula writer: an expression in symbols ("o4·(1 − o4)·w46·δ6") or with the numbers
put in ("0.332·(1 − 0.332)·(−0.3)·0.262").

One convention everywhere (checker, tables, frames, pages, the app): a sum's terms joined by
" + " and " − ", a product by "·"; an operand in parentheses only where precedence needs them;
a negative number inside a larger formula always in parentheses, "(−0.3)"; minus signs are the
true "−"; zero is "0", never "−0"; a function of a single name or number reads "σ(i4)",
"tanh(i3)".
"""

from __future__ import annotations

from collections.abc import Callable

from autograd_core import RULES
from autograd_core.trace import render_rule_text

from .expressions import Const, Expr, Op, Ref
from .numbers import number

# how tightly each op binds: a sum 1, a product 2, a minus sign 3, a power 4, a function 5
_SUM, _PRODUCT, _NEG, _POWER, _ATOM = 1, 2, 3, 4, 6
_INFIX = {"add": (" + ", _SUM), "sub": (" − ", _SUM), "mul": ("·", _PRODUCT),
          "div": (" / ", _PRODUCT)}
_SUPERSCRIPTS = {2.0: "²", 3.0: "³"}
_FUNCTIONS = {"exp": "exp", "log": "ln", "tanh": "tanh", "sin": "sin", "cos": "cos",
              "softplus": "softplus", "relu": "relu"}


def default_format(x: float) -> str:
    """A number as formulas show it unless told otherwise: 4 significant figures, "−", no −0."""
    return number(x, 4) if x == 0 or abs(x) >= 1e-3 else f"{x:.3g}".replace("-", "−")


def write(expr: Expr, value_of: Callable[[str], float] | None = None,
          fmt: Callable[[float], str] = default_format) -> str:
    """``expr`` in symbols (``value_of`` None) or with every name replaced by its number
    (a Ref's through ``value_of``, a named Const's own value)."""
    return _write(expr, value_of, fmt)[0]


def _leaf(text: str, x: float | None) -> tuple[str, int]:
    # a negative number inside a formula is bracketed; the caller drops them at the top
    return (f"({text})", _ATOM) if x is not None and text.startswith("−") else (text, _ATOM)


def _write(e: Expr, value_of: Callable[[str], float] | None,
           fmt: Callable[[float], str]) -> tuple[str, int]:
    if isinstance(e, Const):
        if e.name and value_of is None:
            return e.name, _ATOM
        if e.value == 0.5 and not e.name and value_of is None:
            return "½", _ATOM  # the textbooks' ½(t − o)²
        return _leaf(fmt(e.value), e.value)
    if isinstance(e, Ref):
        if value_of is None:
            return e.name, _ATOM
        x = value_of(e.key)
        return _leaf(fmt(x), x)
    parts = [_write(a, value_of, fmt) for a in e.args]
    if e.op in _INFIX:
        sign, level = _INFIX[e.op]
        (a, pa), (b, pb) = parts
        # a − (b − c), a/(b·c): the right operand of − and / needs brackets at equal precedence
        right = pb < level or (pb == level and e.op in ("sub", "div"))
        # (1 / o6)·o6: a quotient multiplied is bracketed, as " / " reads looser than "·"
        left = pa < level or (e.op == "mul" and isinstance(e.args[0], Op)
                              and e.args[0].op == "div")
        if level == _SUM:
            a = top(a)  # a sum's first term needs no brackets: "−0.3 − 0.9·(−0.087)"
        return f"{_wrap(a, left)}{sign}{_wrap(b, right)}", level
    if e.op in ("sum", "linear"):
        names = [p for p, _ in parts]
        if e.op == "linear":
            n = (len(names) - 1) // 2
            terms = [f"{_wrap(w, pw < _PRODUCT)}·{_wrap(x, px < _PRODUCT)}"
                     for (w, pw), (x, px) in zip(parts[:n], parts[n:2 * n], strict=True)]
            names = terms + [parts[-1][0]]
        return " + ".join(names), _SUM
    if e.op == "neg":
        a, pa = parts[0]
        return f"−{_wrap(a, pa < _PRODUCT)}", _NEG
    if e.op == "pow":
        a, pa = parts[0]
        c = e.params[0]
        power = _SUPERSCRIPTS.get(c, f"^{fmt(c)}")
        return f"{_wrap(a, pa <= _POWER)}{power}", _POWER
    if e.op == "pow_xy":
        (a, pa), (b, pb) = parts
        return f"{_wrap(a, pa <= _POWER)}^{_wrap(b, pb < _ATOM)}", _POWER
    args = [top(p) for p, _ in parts]  # a function's brackets hold a lone negative number
    if e.op == "sigmoid":
        return f"σ({args[0]})", _ATOM
    if e.op == "sqrt":
        a, pa = parts[0]
        return f"√{_wrap(a, pa < _ATOM)}", _ATOM
    if e.op == "abs":
        return f"|{args[0]}|", _ATOM
    if e.op in _FUNCTIONS:
        return f"{_FUNCTIONS[e.op]}({args[0]})", _ATOM
    # an op with parameters (leaky_relu, elu): the rule table's own text
    return render_rule_text(RULES[e.op].expr, [p for p, _ in parts], e.params), _ATOM


def _wrap(text: str, needed: bool) -> str:
    return f"({text})" if needed else text


def top(text: str) -> str:
    """A formula standing alone: a lone bracketed negative number loses its brackets."""
    if text.startswith("(−") and text.endswith(")") and text.count("(") == 1:
        return text[1:-1]
    return text

