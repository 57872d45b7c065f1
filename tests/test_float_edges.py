"""Every op of the rule table at the edges of the float range: a value of inf, 0 or NaN, or a
DomainError naming the op, never a raw ZeroDivisionError or OverflowError (nor from backward)."""

import itertools
import math

import numpy as np
import pytest

from autograd_core import RULES, BatchValue, DomainError, Value, apply, parse, trace
from autograd_core.batch import apply_batch

EDGES = [0.0, -0.0, 5e-324, -5e-324, 1e-200, -1e-200, 1.0, -1.5, 1e200, -1e200, 1.7e308,
         -1.7e308, math.inf, -math.inf, math.nan]


def _arity(op):
    rule = RULES[op]
    return (3 if op == "linear" else 2) if rule.arity is None else rule.arity


def _cases():
    for op, rule in RULES.items():
        for args in itertools.product(EDGES, repeat=_arity(op) + len(rule.params)):
            yield op, args[:_arity(op)], args[_arity(op):]


CASES = list(_cases())


@pytest.mark.parametrize("op", sorted(RULES))
def test_every_op_at_the_float_edges_gives_a_number_or_a_domain_error(op):
    for name, args, params in CASES:
        if name != op:
            continue
        try:
            y = apply(op, *[Value(a) for a in args], params=params)
        except DomainError:
            continue
        y.backward()


@pytest.mark.parametrize("op", sorted(RULES))
def test_every_op_at_the_float_edges_on_a_batch_gives_numbers_or_a_domain_error(op):
    rows = [(args, params) for name, args, params in CASES if name == op]
    columns = list(zip(*[args for args, _ in rows]))
    with np.errstate(all="ignore"):
        for params in sorted({p for _, p in rows}):
            try:
                apply_batch(op, *[BatchValue(np.array(c)) for c in columns], params=params)
            except DomainError:
                pass


def test_one_over_a_tiny_x_has_an_infinite_derivative_not_a_zero_division():
    # d(1/x)/dx = −1/x²: for x = 1e-200 the true value −1e400 is past the float range
    y, inputs = parse("1/x", x=1e-200)
    t = trace(y, inputs=list(inputs.values()))
    assert t.output == pytest.approx(1e200) and t.gradients["x"] == -math.inf


def test_x_over_y_with_a_tiny_y_has_the_quotient_rule_derivative():
    # ∂(x/y)/∂y = −x/y² = −(1e-190)/(1e-200)² = −1e210: finite, although y² underflows to 0
    x, y = Value(1e-190), Value(1e-200)
    (x / y).backward()
    assert y.grad == pytest.approx(-1e210, rel=1e-12)


def test_backward_with_a_seed_past_the_float_range_is_a_value_error():
    x = Value(2.0)
    with pytest.raises(ValueError, match="too large for a float"):
        (x * 3).backward(10**400)
