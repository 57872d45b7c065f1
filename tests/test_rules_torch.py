"""Every primitive against PyTorch in float64: the value, and the gradient from torch.autograd.

Inputs come from the same per-op domains as the sympy checks (``OPS`` in test_rules_oracles.py);
here PyTorch's autograd is the independent oracle. At the kinks (relu, abs, leaky_relu, elu at 0)
no oracle can differentiate, so there the convention itself is compared with PyTorch's.
"""

from __future__ import annotations

from collections.abc import Callable

import pytest
import torch
from hypothesis import given
from hypothesis import strategies as st
from test_rules_oracles import OPS, SETTINGS, build, close

from autograd_core import RULES, Value

F = torch.nn.functional


def _linear(t: list, p: tuple) -> object:
    n = len(t) // 2
    return (torch.stack(t[:n]) * torch.stack(t[n:2 * n])).sum() + t[-1]


TORCH: dict[str, Callable[[list, tuple], object]] = {
    "add": lambda t, p: t[0] + t[1],
    "sub": lambda t, p: t[0] - t[1],
    "mul": lambda t, p: t[0] * t[1],
    "div": lambda t, p: t[0] / t[1],
    "neg": lambda t, p: -t[0],
    "pow": lambda t, p: t[0] ** p[0],
    "pow_xy": lambda t, p: t[0] ** t[1],
    "exp": lambda t, p: torch.exp(t[0]),
    "log": lambda t, p: torch.log(t[0]),
    "sqrt": lambda t, p: torch.sqrt(t[0]),
    "sin": lambda t, p: torch.sin(t[0]),
    "cos": lambda t, p: torch.cos(t[0]),
    "tanh": lambda t, p: torch.tanh(t[0]),
    "sigmoid": lambda t, p: torch.sigmoid(t[0]),
    "relu": lambda t, p: torch.relu(t[0]),
    "leaky_relu": lambda t, p: F.leaky_relu(t[0], negative_slope=p[0]),
    "elu": lambda t, p: F.elu(t[0], alpha=p[0]),
    # F.softplus returns x itself above x = 20, off from ln(1 + e^x) by e^−20 ≈ 2e−9 at most.
    "softplus": lambda t, p: F.softplus(t[0]),
    "abs": lambda t, p: torch.abs(t[0]),
    "linear": _linear,
    "sum": lambda t, p: torch.stack(t).sum(),
    "batch_sum": lambda t, p: t[0].sum(),
}


def torch_value_and_grads(op: str, xs: tuple[float, ...], ps: tuple[float, ...]):
    ts = [torch.tensor(x, dtype=torch.float64, requires_grad=True) for x in xs]
    y = TORCH[op](ts, ps)
    grads = torch.autograd.grad(y, ts, allow_unused=True)
    return y.item(), [0.0 if g is None else g.item() for g in grads]


def test_every_op_in_the_rule_table_has_a_pytorch_twin():
    assert set(TORCH) == set(RULES)


@pytest.mark.parametrize("op", sorted(TORCH))
@SETTINGS
@given(data=st.data())
def test_value_and_gradient_equal_pytorchs(op, data):
    xs, ps = data.draw(OPS[op].case, label="inputs, params")
    node, leaves = build(op, (xs, ps))
    node.backward()
    value, grads = torch_value_and_grads(op, xs, ps)
    terms = len(xs) * max(1.0, *map(abs, xs)) ** 2 if OPS[op].sums else 0.0
    assert close(node.data, value, rtol=1e-9, atol=2e-9 + 1e-15 * terms)
    for leaf, want in zip(leaves, grads, strict=True):
        assert close(leaf.grad, want, rtol=1e-9, atol=2e-9), (leaf.label, leaf.grad, want)


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
    value, (grad,) = torch_value_and_grads(op, (0.0,), (alpha,))
    assert x.grad == grad
