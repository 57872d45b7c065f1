"""The graph walks: topological order, reverse-mode accumulation ``parent.grad += local · adjoint``,
and forward mode (jvp), on shapes that break naive engines: a million nodes deep or wide, fan-out,
the same parent twice, and repeated calls of `backward`.
"""

from __future__ import annotations

import math

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jax_oracle import value_and_grads

from autograd_core import (
    Value,
    backward_walk,
    jvp,
    topological_order,
    vsum,
    zero_grad,
    zero_grad_graph,
)

MILLION = 10**6


def test_a_chain_a_million_nodes_deep_goes_backward_without_recursion_error():
    # x followed by 999 999 negations: y = (−1)^999999·x = −x, so ∂y/∂x = −1
    x = Value(3.0)
    y = x
    for _ in range(MILLION - 1):
        y = -y
    assert len(topological_order(y)) == MILLION
    y.backward()
    assert y.data == -3.0
    assert x.grad == -1.0


def test_a_graph_of_a_million_nodes_goes_backward_without_recursion_error():
    # a binary tree of additions over 2¹⁹ leaves: 2²⁰ − 1 nodes; y = Σ leaves, ∂y/∂leaf = 1
    leaves = [Value(float(i)) for i in range(2**19)]
    level = leaves
    while len(level) > 1:
        level = [a + b for a, b in zip(level[::2], level[1::2], strict=True)]
    y = level[0]
    assert len(topological_order(y)) == 2**20 - 1 >= MILLION
    y.backward()
    assert y.data == (2**19 - 1) * 2**19 / 2
    assert all(leaf.grad == 1.0 for leaf in leaves)


def test_gradients_of_inputs_accumulate_across_backward_calls_as_in_pytorch():
    # PyTorch's rule (torch.Tensor.backward: "the graph is differentiated ... accumulated into
    # .grad"): each call adds its gradient, here JAX's d(x²)/dx at 3, to the leaf's
    _, (once,) = value_and_grads(lambda t: t * t, 3.0)
    x = Value(3.0)
    y = x * x
    y.backward()
    assert x.grad == once == 6.0  # d(x²)/dx = 2x
    y.backward()
    assert x.grad == once + once == 12.0


def test_zero_grad_resets_what_backward_accumulated():
    x, w = Value(3.0), Value(-2.0)
    y = (x * w).tanh()
    y.backward()
    y.backward()
    zero_grad([x, w])
    assert (x.grad, w.grad) == (0.0, 0.0)
    y.backward()
    zero_grad_graph(y)
    assert all(node.grad == 0.0 for node in topological_order(y))


def test_intermediate_adjoints_are_recomputed_by_each_walk_not_doubled():
    # u = x², y = sin u: ū = cos u both times, while x̄ accumulates 2·(cos u · 2x)
    x = Value(0.5)
    u = x * x
    y = u.sin()
    y.backward()
    y.backward()
    assert u.grad == pytest.approx(math.cos(0.25), abs=1e-15)
    assert x.grad == pytest.approx(2 * math.cos(0.25) * 2 * 0.5, abs=1e-15)


def test_the_seed_of_backward_scales_every_gradient():
    x = Value(2.0)
    y = x.log()
    y.backward(grad=3.0)
    assert x.grad == pytest.approx(3.0 / 2.0)  # 3 · d(ln x)/dx = 3/x


def test_fan_out_adds_the_contributions_of_every_use():
    # y = Σₖ k·x for k = 1…10: each use sends k, so ∂y/∂x = 1 + 2 + … + 10 = 55
    x = Value(1.5)
    y = vsum([x * k for k in range(1, 11)])
    y.backward()
    assert x.grad == 55.0


def test_the_same_parent_twice_x_times_x_gets_both_contributions():
    x = Value(-4.0)
    y = x * x
    assert y.parents == (x, x)
    y.backward()
    assert x.grad == -8.0  # 2x


def test_x_cubed_through_shared_nodes_has_slope_3_x_squared():
    x = Value(2.0)
    sq = x * x
    y = sq * x + sq * 0  # sq used twice, x three times
    y.backward()
    assert x.grad == 12.0  # d(x³)/dx = 3x² at x = 2


def test_topological_order_puts_inputs_first_and_each_node_after_its_parents():
    a, b, c = Value(1.0, "a"), Value(2.0, "b"), Value(3.0, "c")
    ab = a * b
    s = ab + c
    y = s * ab
    order = topological_order(y)
    assert order == [a, b, ab, c, s, y]  # depth first, parents left to right
    position = {node: i for i, node in enumerate(order)}
    assert all(position[p] < position[n] for n in order for p in n.parents)


def test_topological_order_is_the_same_every_time_and_for_every_build():
    def build() -> Value:
        xs = [Value(float(i), label=f"x{i}") for i in range(6)]
        return vsum([xs[5] * xs[0], xs[3].sin(), xs[1] + xs[4], xs[2].exp(), xs[0] * xs[3]])

    first = [(n.label, n.op, n.data) for n in topological_order(build())]
    y = build()
    assert [(n.label, n.op, n.data) for n in topological_order(y)] == first
    assert topological_order(y) == topological_order(y)


def test_backward_walk_visits_the_output_first_and_the_inputs_last():
    x1, x2 = Value(2.0), Value(5.0)
    y = x1.log() + x1 * x2 - x2.sin()
    assert list(backward_walk(y)) == list(reversed(topological_order(y)))


def f(x1: Value, x2: Value, x3: Value) -> Value:
    return (x1 * x2).sin() + x3.exp() / (1 + x1 * x1) - x2 * x3.tanh()


@settings(max_examples=60, deadline=None)
@given(point=st.tuples(*[st.floats(-2, 2)] * 3), tangent=st.tuples(*[st.floats(-3, 3)] * 3))
def test_jvp_is_the_gradient_dotted_with_the_tangent(point, tangent):
    xs = [Value(p) for p in point]
    y = f(*xs)
    y.backward()
    directional = jvp(y, dict(zip(xs, tangent, strict=True)))
    assert directional == pytest.approx(
        sum(x.grad * t for x, t in zip(xs, tangent, strict=True)), rel=1e-12, abs=1e-12)
    # and, independently, the central difference along the tangent direction
    h = 1e-6

    def along(s: float) -> float:
        return f(*[Value(p + s * t) for p, t in zip(point, tangent, strict=True)]).data

    assert directional == pytest.approx((along(h) - along(-h)) / (2 * h), rel=1e-5, abs=1e-6)


def test_jvp_of_inputs_not_given_counts_them_as_constant():
    x, w = Value(3.0), Value(2.0)
    y = x * w
    assert jvp(y, {x: 1.0}) == 2.0  # ∂(xw)/∂x = w


@pytest.mark.parametrize(
    ("tangents", "words"),
    [
        ({"x": 1.0}, "keyed by the input Values"),  # a name would otherwise give a silent 0
        ([1.0], "as a dict"),
        ("abc", "as a dict"),
    ],
)
def test_jvp_refuses_tangents_not_keyed_by_values_naming_the_problem(tangents, words):
    y = Value(3.0, label="x") * 2.0
    with pytest.raises(TypeError, match=words):
        jvp(y, tangents)


@pytest.mark.parametrize("bad", ["1", None, True, [1.0]])
def test_jvp_refuses_a_tangent_that_is_not_a_real_number(bad):
    x = Value(3.0, label="x")
    with pytest.raises(TypeError, match="tangent of x must be a real number"):
        jvp(x * 2.0, {x: bad})


@pytest.mark.parametrize("seed", ["1", None, True])
def test_backward_refuses_a_seed_that_is_not_a_real_number(seed):
    with pytest.raises(TypeError, match="seed of backward .* must be a real number"):
        (Value(2.0) * 3.0).backward(seed)
