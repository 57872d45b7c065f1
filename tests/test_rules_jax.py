"""Every primitive against JAX in float64: the value, and the gradient from jax.grad.

Inputs come from the same per-op domains as the sympy checks (``OPS`` in test_rules_oracles.py);
here JAX's autodiff (CPU, float64) is the independent oracle. At the kinks (relu, abs,
leaky_relu, elu at 0) no oracle can differentiate, so there the convention itself is compared
with the one PyTorch's backward functions define (quoted from its source below).
"""

from __future__ import annotations

from collections.abc import Callable

import jax
import jax.numpy as jnp
import pytest
from hypothesis import given
from hypothesis import strategies as st
from jax_oracle import value_and_grads
from test_rules_oracles import OPS, SETTINGS, build, close

from autograd_core import RULES, Value


def _linear(t: list, p: tuple) -> object:
    n = len(t) // 2
    return (jnp.stack(t[:n]) * jnp.stack(t[n:2 * n])).sum() + t[-1]


JAX: dict[str, Callable[[list, tuple], object]] = {
    "add": lambda t, p: t[0] + t[1],
    "sub": lambda t, p: t[0] - t[1],
    "mul": lambda t, p: t[0] * t[1],
    "div": lambda t, p: t[0] / t[1],
    "neg": lambda t, p: -t[0],
    "pow": lambda t, p: t[0] ** p[0],
    "pow_xy": lambda t, p: t[0] ** t[1],
    "exp": lambda t, p: jnp.exp(t[0]),
    "log": lambda t, p: jnp.log(t[0]),
    "sqrt": lambda t, p: jnp.sqrt(t[0]),
    "sin": lambda t, p: jnp.sin(t[0]),
    "cos": lambda t, p: jnp.cos(t[0]),
    "tanh": lambda t, p: jnp.tanh(t[0]),
    "sigmoid": lambda t, p: jax.nn.sigmoid(t[0]),
    "relu": lambda t, p: jax.nn.relu(t[0]),
    "leaky_relu": lambda t, p: jax.nn.leaky_relu(t[0], negative_slope=p[0]),
    "elu": lambda t, p: jax.nn.elu(t[0], alpha=p[0]),
    "softplus": lambda t, p: jax.nn.softplus(t[0]),
    "abs": lambda t, p: jnp.abs(t[0]),
    "linear": _linear,
    "sum": lambda t, p: jnp.stack(t).sum(),
    "batch_sum": lambda t, p: t[0].sum(),
}


def jax_value_and_grads(op: str, xs: tuple[float, ...], ps: tuple[float, ...]):
    return value_and_grads(lambda *t: JAX[op](list(t), ps), *xs)


def test_every_op_in_the_rule_table_has_a_jax_twin():
    assert set(JAX) == set(RULES)


@pytest.mark.parametrize("op", sorted(JAX))
@SETTINGS
@given(data=st.data())
def test_value_and_gradient_equal_jaxs(op, data):
    xs, ps = data.draw(OPS[op].case, label="inputs, params")
    node, leaves = build(op, (xs, ps))
    node.backward()
    value, grads = jax_value_and_grads(op, xs, ps)
    terms = len(xs) * max(1.0, *map(abs, xs)) ** 2 if OPS[op].sums else 0.0
    assert close(node.data, value, rtol=1e-9, atol=2e-9 + 1e-15 * terms)
    for leaf, want in zip(leaves, grads, strict=True):
        assert close(leaf.grad, want, rtol=1e-9, atol=2e-9), (leaf.label, leaf.grad, want)


# PyTorch's backward at x = 0, from aten/src/ATen/native (Activation.cpp, UnaryOps): relu is
# threshold_backward, `x <= 0 ? 0 : grad`; abs is grad·sgn(x), sgn(0) = 0; leaky_relu is
# `x > 0 ? grad : grad·negative_slope`; elu (is_result false) is `x <= 0 ? grad·α·e^x : grad`.
PYTORCH_SLOPE_AT_0: dict[str, Callable[[float], float]] = {
    "relu": lambda a: 0.0,
    "abs": lambda a: 0.0,
    "leaky_relu": lambda a: a,
    "elu": lambda a: a,
}


@pytest.mark.parametrize("op, method", [
    ("relu", lambda v, a: v.relu()),
    ("abs", lambda v, a: v.abs()),
    ("leaky_relu", lambda v, a: v.leaky_relu(a)),
    ("elu", lambda v, a: v.elu(a)),
])
@pytest.mark.parametrize("alpha", [0.01, 0.2, 1.0, 2.5])
def test_slope_at_the_kink_x_0_is_the_one_pytorch_uses(op, method, alpha):
    x = Value(0.0)
    method(x, alpha).backward()
    assert x.grad == PYTORCH_SLOPE_AT_0[op](alpha)


@pytest.mark.parametrize("op", ["relu", "elu"])
def test_jax_agrees_with_that_convention_where_it_defines_one(op):
    # a check on the quoted table: JAX's relu and elu take the same slope at 0 as PyTorch's (its
    # abs and leaky_relu take 1 there, so they cannot speak for PyTorch's)
    for alpha in (0.2, 2.5):
        _, (grad,) = jax_value_and_grads(op, (0.0,), (alpha,))
        assert grad == PYTORCH_SLOPE_AT_0[op](alpha)
