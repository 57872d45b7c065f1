"""One scalar graph evaluated for a whole batch equals the same graph built once per example.

Random graphs (hypothesis recipes over every op of the rule table) are built twice: once with
BatchValue inputs (one number per example) and plain-Value parameters, once per example with
plain Values only. Every node value, every input gradient, and every parameter gradient (the sum
of the per-example gradients, as ∂(Σₑ yₑ)/∂w = Σₑ ∂yₑ/∂w) must agree to 1e-12.
"""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st

from autograd_core import RULES, BatchValue, Value, batch_sum, linear, vsum

TOL = 1e-12

# How each op of the rule table enters a random graph: its arity and a builder that works on
# plain Values and on batches alike. Where an op has a domain, its operand is first moved into it
# (|a| + 0.5 > 0, b² + 0.5 ≠ 0), so every drawn graph is defined for every example.
BUILDERS = {
    "add": (2, lambda a, b, c: a + b),
    "sub": (2, lambda a, b, c: a - b),
    "mul": (2, lambda a, b, c: a * b),
    "div": (2, lambda a, b, c: a / (b * b + 0.5)),
    "neg": (1, lambda a, b, c: -a),
    "pow": (1, lambda a, b, c: a ** c if float(c).is_integer() else (a.abs() + 0.5) ** c),
    "pow_xy": (2, lambda a, b, c: (a.abs() + 0.5) ** b.tanh()),
    "exp": (1, lambda a, b, c: a.sin().exp()),
    "log": (1, lambda a, b, c: (a * a + 0.5).log()),
    "sqrt": (1, lambda a, b, c: (a * a + 0.1).sqrt()),
    "sin": (1, lambda a, b, c: a.sin()),
    "cos": (1, lambda a, b, c: a.cos()),
    "tanh": (1, lambda a, b, c: a.tanh()),
    "sigmoid": (1, lambda a, b, c: a.sigmoid()),
    "relu": (1, lambda a, b, c: a.relu()),
    "leaky_relu": (1, lambda a, b, c: a.leaky_relu(0.1)),
    "elu": (1, lambda a, b, c: a.elu(0.7)),
    "softplus": (1, lambda a, b, c: a.softplus()),
    "abs": (1, lambda a, b, c: a.abs()),
    "linear": (2, None),  # built in `build` from parameters and nodes
    "sum": (2, lambda a, b, c: vsum([a, b, a])),
    "batch_sum": (0, None),  # the final reduction of every batched graph
}


def test_every_op_of_the_rule_table_has_a_recipe():
    assert set(BUILDERS) == set(RULES)


N_INPUTS, N_PARAMS = 2, 2
step = st.tuples(
    st.sampled_from([op for op in BUILDERS if op != "batch_sum"]),
    st.integers(0, 100), st.integers(0, 100),
    st.sampled_from([2.0, 3.0, 0.5, -1.5]),
    st.sampled_from(["node", "number", "number-left", "array"]),
)
finite = st.floats(-2.0, 2.0, allow_nan=False)


def build(recipe, inputs, params, shift):
    """The graph of a recipe: each step makes a node from earlier ones; returns all nodes."""
    nodes = list(inputs) + list(params)
    for op, i, j, c, operand in recipe:
        a, b = nodes[i % len(nodes)], nodes[j % len(nodes)]
        if op == "linear":
            node = linear(params, [a, b], params[0])
        else:
            node = BUILDERS[op][1](a, b, c)
        # a number, or per-example numbers (an array, as targets are), on either side
        if operand == "number":
            node = node - 0.3
        elif operand == "number-left":
            node = 1.3 - node
        elif operand == "array":
            node = node + (shift - inputs[0])
        nodes.append(node)
    # the output depends on the example (a graph of parameters alone is one number, not B)
    nodes.append(nodes[-1] + inputs[0])
    return nodes


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(step, min_size=1, max_size=10),
       st.integers(1, 5).flatmap(lambda n: st.lists(
           st.lists(finite, min_size=N_INPUTS + 1, max_size=N_INPUTS + 1),
           min_size=n, max_size=n)),
       st.lists(finite, min_size=N_PARAMS, max_size=N_PARAMS))
def test_random_graph_on_a_batch_equals_the_graph_per_example(recipe, rows, param_data):
    table = np.array(rows)
    X, shift = table[:, :N_INPUTS], table[:, N_INPUTS]  # shift: per-example numbers (ndarray)

    xs = [BatchValue(X[:, k], label=f"x{k + 1}") for k in range(N_INPUTS)]
    ws = [Value(p) for p in param_data]
    nodes = build(recipe, xs, ws, shift)
    assume(all(np.all(np.isfinite(np.atleast_1d(n.data))) for n in nodes))
    batch_sum(nodes[-1]).backward()

    per_example_param_grads = []
    for e in range(len(X)):
        xs_e = [Value(X[e, k]) for k in range(N_INPUTS)]
        ws_e = [Value(p) for p in param_data]
        nodes_e = build(recipe, xs_e, ws_e, float(shift[e]))
        nodes_e[-1].backward()
        for node, node_e in zip(nodes, nodes_e, strict=True):
            expected = node_e.data
            got = node.data[e] if isinstance(node.data, np.ndarray) else node.data
            assert math.isclose(got, expected, rel_tol=TOL, abs_tol=TOL), (node.op, got, expected)
        for x, x_e in zip(xs, xs_e, strict=True):
            got = x.grad[e] if isinstance(x.grad, np.ndarray) else x.grad
            assert math.isclose(got, x_e.grad, rel_tol=TOL, abs_tol=TOL)
        per_example_param_grads.append([w.grad for w in ws_e])

    for k, w in enumerate(ws):
        terms = [g[k] for g in per_example_param_grads]
        expected = math.fsum(terms)
        scale = TOL * (1.0 + math.fsum(abs(t) for t in terms))
        assert isinstance(w.grad, float)
        assert abs(w.grad - expected) <= scale, (w.grad, expected)


def test_a_parameter_meeting_a_batch_gets_the_sum_of_its_per_example_gradients():
    # y_e = w·x_e with x = (1, 2, 3): ∂(Σₑ yₑ)/∂w = 1 + 2 + 3 = 6, and ∂yₑ/∂xₑ = w = 0.5
    x = BatchValue(np.array([1.0, 2.0, 3.0]), label="x")
    w = Value(0.5, label="w")
    batch_sum(w * x).backward()
    assert w.grad == 6.0
    assert x.grad.tolist() == [0.5, 0.5, 0.5]


def test_the_slides_sigmoid_unit_on_a_batch_matches_the_hand_calculation():
    # o = σ(w·x + b) with w = 0.2, b = −0.4: for x = 1, i = −0.2, o = 1/(1 + e^0.2) = 0.450166;
    # for x = 3, i = 0.2, o = 0.549834. E = Σₑ (1 − oₑ)²; ∂E/∂b = Σₑ −2(1 − oₑ)·oₑ(1 − oₑ).
    x = BatchValue(np.array([1.0, 3.0]), label="x1")
    w, b = Value(0.2), Value(-0.4)
    o = linear([w], [x], b).sigmoid()
    assert o.data == pytest.approx([0.450166, 0.549834], abs=1e-6)
    batch_sum((1.0 - o) ** 2).backward()
    outs = (0.4501660026875221, 0.549833997312478)
    expected_b = sum(-2 * (1 - oe) * oe * (1 - oe) for oe in outs)
    assert b.grad == pytest.approx(expected_b, rel=1e-12)


def test_a_plain_value_on_the_left_of_a_batch_makes_a_batch():
    # Python lets a subclass's reflected operator go first: Value ⊕ BatchValue is batched
    x = BatchValue(np.array([1.0, 2.0]))
    assert isinstance(Value(3.0) - x, BatchValue)
    assert (Value(3.0) - x).data.tolist() == [2.0, 1.0]
    assert isinstance(2.0 ** x, BatchValue)
    assert isinstance(np.array([1.0, 1.0]) - x, BatchValue)


def test_a_constant_on_the_left_of_a_batch_computes_for_every_example():
    from autograd_core import Constant
    batch = BatchValue(np.array([1.0, 2.0]))
    result = Constant(3.0) - batch  # Constant and BatchValue are sibling classes
    assert isinstance(result, BatchValue)
    assert result.data.tolist() == [2.0, 1.0]


def test_a_plain_value_with_an_array_says_to_make_it_a_batch():
    with pytest.raises(TypeError, match=r"use BatchValue\(array\)"):
        Value(2.0) - np.array([1.0, 2.0])


def test_forward_mode_on_a_batch_equals_the_reverse_mode_gradient_of_the_mean():
    from autograd_core import batch_mean, jvp
    xs = np.array([1.0, 2.0, 3.0])
    w = Value(0.5)
    loss = batch_mean((w * BatchValue(xs)).sigmoid())
    loss.backward()
    # d/dw mean σ(w·x) = mean σ'(w·x)·x, by hand
    s = 1 / (1 + np.exp(-0.5 * xs))
    by_hand = float(np.mean(s * (1 - s) * xs))
    assert w.grad == pytest.approx(by_hand, abs=1e-15)
    assert jvp(loss, {w: 1.0}) == pytest.approx(by_hand, abs=1e-15)


@pytest.mark.parametrize("make, words", [
    (lambda x: x.log(), r"log is defined only for x > 0, got log\(-3\.0\)"),
    (lambda x: x.sqrt(), r"sqrt is defined only for x >= 0, got sqrt\(-3\.0\)"),
    (lambda x: 1.0 / (x + 3.0), r"division by zero: 1\.0 / 0\.0"),
])
def test_a_number_outside_an_ops_domain_is_named_with_its_example_not_the_whole_batch(make,
                                                                                        words):
    from autograd_core import DomainError
    xs = np.linspace(1.0, 2.0, 1000)
    xs[567] = -3.0  # the one example outside the domain of log, sqrt and 1/(x + 3)
    with pytest.raises(DomainError, match=words + r".*in example 567 of the batch of 1000") as e:
        make(BatchValue(xs, label="x"))
    assert len(str(e.value)) < 200  # one example's numbers, not a thousand
