"""The compiled batch mode gives, for every parameter, the gradient the scalar path (one graph per
example) and the uncompiled batched path give; only its grouping of `linear`/`sum` nodes into
matrix products and row sums is new maths, checked here against the rule table node by node."""

import numpy as np
import pytest

import nn
from autograd_core import (
    RULES,
    BatchConstant,
    BatchValue,
    CompileError,
    Dense,
    Detached,
    Value,
    batch_mean,
    batch_sum,
    compile,
    linear,
    topological_order,
    vsum,
)
from autograd_core import array_math as A
from autograd_core.compile import _regular
from nn.compiled import CompiledTraining
from nn.train import _batch_loss

TIGHT = {"rtol": 1e-12, "atol": 1e-12}


def _rng(seed=0):
    return np.random.default_rng(seed)


# -- the new maths: a layer's linear units as one matrix product, a group of sums as a row sum --

def test_a_layer_of_linear_units_runs_as_one_matmul_with_each_units_rule_value():
    rng = _rng(1)
    X = rng.normal(size=(7, 4))
    xs = [BatchValue(X[:, i], label=f"x{i + 1}") for i in range(4)]
    W = rng.normal(size=(3, 4))
    ws = [[Value(W[j, i]) for i in range(4)] for j in range(3)]
    bs = [Value(0.1 * j) for j in range(3)]
    units = [linear(ws[j], xs, bs[j]) for j in range(3)]
    out = batch_mean(vsum([u.tanh() for u in units]))
    program = compile(out, xs)
    assert [g.op for g in program._groups].count("matmul") == 1
    program.run([X[:, i] for i in range(4)])
    for j, unit in enumerate(units):
        # the rule of `linear`, evaluated for this one unit: Σᵢ wᵢⱼ·xᵢ + bⱼ per example
        value, _ = RULES["linear"].fn(A, *[w.data for w in ws[j]], *[x.data for x in xs],
                                      bs[j].data)
        np.testing.assert_allclose(program.value(unit), value, **TIGHT)


def test_matmul_gradients_are_the_per_node_rules_summed_over_examples():
    rng = _rng(2)
    X = rng.normal(size=(5, 3))
    xs = [BatchValue(X[:, i]) for i in range(3)]
    w = [[Value(v) for v in row] for row in rng.normal(size=(4, 3))]
    b = [Value(v) for v in rng.normal(size=4)]
    units = [linear(w[j], xs, b[j]) for j in range(4)]
    out = batch_mean(vsum([u.sigmoid() * (j + 1) for j, u in enumerate(units)]))
    params = [p for row in w for p in row] + b
    out.backward()
    per_node = [p.grad for p in params]  # the uncompiled walk: each node's rule, one at a time
    program = compile(out, xs, params)
    program.run([X[:, i] for i in range(3)])
    np.testing.assert_allclose(program.grad, per_node, **TIGHT)
    # and written out: ∂L/∂w_ji = (1/n)·Σₑ (j+1)·σ'(i_j,e)·x_i,e, ∂L/∂b_j the same without x
    net = X @ np.array([[p.data for p in row] for row in w]).T + [p.data for p in b]
    s = 1 / (1 + np.exp(-net))
    delta = s * (1 - s) * np.arange(1, 5) / len(X)
    np.testing.assert_allclose(program.grad[:12], (delta.T @ X).ravel(), **TIGHT)
    np.testing.assert_allclose(program.grad[12:], delta.sum(axis=0), **TIGHT)


def test_units_on_the_same_inputs_with_a_bias_of_each_kind_are_two_matmuls_with_their_own_bias():
    # unit 1's bias is one number (2b), unit 2's a per-example node (x1/2), both one op from a
    # leaf: the units reach their net inputs by different rules, so they cannot share a product
    rng = _rng(3)
    X = rng.normal(size=(5, 2))
    xs = [BatchValue(X[:, i]) for i in range(2)]
    w = [[Value(v) for v in row] for row in rng.normal(size=(2, 2))]
    b = Value(0.3)
    units = [linear(w[0], xs, b * 2), linear(w[1], xs, xs[0] * 0.5)]
    out = batch_mean(vsum([u.tanh() * (j + 1) for j, u in enumerate(units)]))
    params = [p for row in w for p in row] + [b]
    program = compile(out, xs, params)
    assert [g.op for g in program._groups].count("matmul") == 2
    program.run([X[:, i] for i in range(2)])
    # by hand: i1 = X·w1 + 0.6, i2 = X·w2 + x1/2; L = mean(tanh i1 + 2·tanh i2)
    W = np.array([[p.data for p in row] for row in w])
    i1, i2 = X @ W[0] + 0.6, X @ W[1] + X[:, 0] / 2
    np.testing.assert_allclose(program.value(out), np.mean(np.tanh(i1) + 2 * np.tanh(i2)),
                               **TIGHT)
    d1, d2 = (1 - np.tanh(i1) ** 2) / len(X), 2 * (1 - np.tanh(i2) ** 2) / len(X)
    np.testing.assert_allclose(program.grad, [*(d1 @ X), *(d2 @ X), 2 * d1.sum()], **TIGHT)


def test_two_units_sharing_their_weights_get_the_sum_of_both_gradients():
    # tied weights: units 1 and 2 read the same inputs through the very same w (their biases
    # differ), so ∂L/∂wᵢ = (1/n)·Σₑ (σ'(i1) + 2σ'(i2))·xᵢ, both contributions added
    rng = _rng(4)
    X = rng.normal(size=(6, 3))
    xs = [BatchValue(X[:, i]) for i in range(3)]
    w = [Value(v) for v in rng.normal(size=3)]
    b1, b2 = Value(0.1), Value(-0.2)
    units = [linear(w, xs, b1), linear(w, xs, b2)]
    out = batch_mean(vsum([u.sigmoid() * (j + 1) for j, u in enumerate(units)]))
    program = compile(out, xs, [*w, b1, b2])
    program.run([X[:, i] for i in range(3)])
    net = X @ np.array([v.data for v in w])
    s1, s2 = 1 / (1 + np.exp(-(net + 0.1))), 1 / (1 + np.exp(-(net - 0.2)))
    d1, d2 = s1 * (1 - s1) / len(X), 2 * s2 * (1 - s2) / len(X)
    np.testing.assert_allclose(program.grad, [*((d1 + d2) @ X), d1.sum(), d2.sum()], **TIGHT)


def test_units_reading_two_inputs_through_one_weight_each_get_both_contributions():
    # iⱼ = wⱼ·x1 + wⱼ·x2 + b: each unit's one weight tied across both inputs, so
    # ∂L/∂wⱼ = (1/n)·Σₑ (j+1)·σ'(iⱼ)·(x1 + x2)
    rng = _rng(5)
    X = rng.normal(size=(6, 2))
    xs = [BatchValue(X[:, i]) for i in range(2)]
    w, b = [Value(0.4), Value(-0.3)], Value(0.1)
    units = [linear([w[j], w[j]], xs, b) for j in range(2)]
    out = batch_mean(vsum([u.sigmoid() * (j + 1) for j, u in enumerate(units)]))
    program = compile(out, xs, [*w, b])
    program.run([X[:, i] for i in range(2)])
    s = 1 / (1 + np.exp(-(np.outer(X.sum(axis=1), [0.4, -0.3]) + 0.1)))
    d = s * (1 - s) * [1, 2] / len(X)
    np.testing.assert_allclose(program.grad, [*(X.sum(axis=1) @ d), d.sum()], **TIGHT)


def test_a_layer_input_read_by_a_matmul_and_by_another_node_gets_both_contributions():
    # h = tanh(W1·x + b1) feeds the next layer (one matmul) and, squared, the loss itself:
    # L = (1/n)·Σₑ [Σₖ σ(W2·h + b2)ₖ + Σⱼ hⱼ²], so ∂L/∂h = W2ᵀ·(σ'·1) + 2h, the two added
    rng = _rng(7)
    X = rng.normal(size=(6, 3))
    W1, b1, W2, b2 = (rng.normal(size=s) for s in ((4, 3), 4, (2, 4), 2))
    xs = [BatchValue(X[:, i]) for i in range(3)]
    w1 = [[Value(v) for v in row] for row in W1]
    w2 = [[Value(v) for v in row] for row in W2]
    c1, c2 = [Value(v) for v in b1], [Value(v) for v in b2]
    h = [linear(w1[j], xs, c1[j]).tanh() for j in range(4)]
    out = batch_mean(vsum([linear(w2[k], h, c2[k]).sigmoid() for k in range(2)]
                          + [hj * hj for hj in h]))
    params = [p for row in w1 for p in row] + c1 + [p for row in w2 for p in row] + c2
    program = compile(out, xs, params)
    second = [g for g in program._groups if g.op == "matmul"][1]
    assert second.operands[1].mode == "add"  # h has more than one reader
    # … so h's rows, and only those, are zeroed before each backward pass; the net inputs W1·x
    # + b1 have one reader each (tanh), which sets their adjoints instead of adding to them
    rows_of_h = {program._row[hj][1] for hj in h}
    assert set(program._zero.tolist()) == rows_of_h
    tanh = next(g for g in program._groups if g.op == "tanh")
    assert tanh.operands[0].mode == "assign"
    program.run([X[:, i] for i in range(3)])

    def loss(flat):
        a, b, c, d = np.split(flat, [12, 16, 24])
        hh = np.tanh(X @ a.reshape(4, 3).T + b)
        return np.mean((1 / (1 + np.exp(-(hh @ c.reshape(2, 4).T + d)))).sum(axis=1)
                       + (hh ** 2).sum(axis=1))

    flat = np.concatenate([W1.ravel(), b1, W2.ravel(), b2])
    eps = 1e-6
    numeric = [(loss(flat + eps * e) - loss(flat - eps * e)) / (2 * eps)
               for e in np.eye(len(flat))]
    np.testing.assert_allclose(program.grad, numeric, rtol=1e-6, atol=1e-8)


def test_a_group_of_sums_gives_the_sum_rules_value_and_ones_as_local_derivatives():
    rng = _rng(3)
    xs = [BatchValue(rng.normal(size=6)) for _ in range(5)]
    ps = [Value(v) for v in rng.normal(size=5)]
    sums = [vsum([x * p for x, p in zip(xs, ps[k:] + ps[:k], strict=True)]) for k in range(3)]
    out = batch_mean(vsum([s * s for s in sums]))
    out.backward()
    expected = [p.grad for p in ps]
    program = compile(out, xs, ps)
    assert "rowsum" in [g.op for g in program._groups]
    program.run([x.data for x in xs])
    for s in sums:
        value, local = RULES["sum"].fn(A, *[p.data for p in s.parents])
        np.testing.assert_allclose(program.value(s), value, **TIGHT)
        assert local == (1.0,) * 5
    np.testing.assert_allclose(program.grad, expected, **TIGHT)


def test_a_sum_of_a_single_term_compiles_to_that_term():
    # Σ over one term is the term: L = mean(Σ(x·p)) = p·mean(x), ∂L/∂p = mean(x)
    x = BatchValue(_rng(4).normal(size=7))
    p = Value(0.5)
    program = compile(batch_mean(vsum([x * p])), [x], [p])
    assert "rowsum" in [g.op for g in program._groups]
    np.testing.assert_allclose(program.run([x.data]), 0.5 * np.mean(x.data), **TIGHT)
    np.testing.assert_allclose(program.grad, [np.mean(x.data)], **TIGHT)
    assert program.value(p) == 0.5  # a single number's value is that number


# -- every parameter's gradient: scalar path, batched path, compiled path ----------------------

def _every_op_graph(x1, x2, w, v, u):
    """A graph with every rule, a shared subexpression (s), parameters used twice (w as a weight
    and a bias, v in two units) and a layer whose units share a weight."""
    h1 = linear([w, v], [x1, x2], w)
    h2 = linear([w, u], [x1, x2], v)
    s = h1.tanh()
    shared = s * s + s.sigmoid() * w
    terms = [
        shared,
        (shared.exp() + 1).log() / (x1 * x1 + 1).sqrt(),
        (x2 * v).sin() - (x1 - v).abs().cos(),
        -(h2**3) + (x1 * x1 + 0.5) ** v + 2 ** (u * 0.1),
        h1.elu(0.7) + h2.leaky_relu(0.2) + h1.softplus() - h2.relu(),
        vsum([h1, h2, s]) * 0.5,
    ]
    return vsum(terms)


def _params():
    return Value(0.3, label="w"), Value(-0.7, label="v"), Value(0.45, label="u")


def test_every_op_graph_replayed_on_a_new_batch_gives_the_scalar_and_batched_gradients():
    rng = _rng(4)
    record, run = rng.normal(size=(6, 2)), rng.normal(size=(6, 2))
    w, v, u = params = _params()
    xs = [BatchValue(record[:, 0]), BatchValue(record[:, 1])]
    program = compile(batch_mean(_every_op_graph(*xs, *params)), xs, list(params))
    loss = program.run([run[:, 0], run[:, 1]])

    batched = batch_mean(_every_op_graph(BatchValue(run[:, 0]), BatchValue(run[:, 1]), *params))
    batched.backward()
    assert loss == pytest.approx(batched.data, rel=1e-12)
    np.testing.assert_allclose(program.grad, [p.grad for p in params], **TIGHT)

    for p in params:
        p.grad = 0.0
    losses = []
    for x1, x2 in run:
        example = _every_op_graph(Value(x1), Value(x2), *params)
        example.backward(1 / len(run))
        losses.append(example.data)
    assert loss == pytest.approx(np.mean(losses), rel=1e-12)
    np.testing.assert_allclose(program.grad, [p.grad for p in params], **TIGHT)


def _loud(model, factor):
    """The model with its output layer's weights scaled: scores of hundreds, where e^z overflows
    unless each example's scores are shifted by their largest."""
    for neuron in model.layers[-1].neurons:
        for w in neuron.w:
            w.data *= factor
    return model


CASES = {
    "tanh → sigmoid, binary cross-entropy": (
        lambda: nn.MLP(2, [5, 3, 1], activation="tanh", output_activation="sigmoid", seed=1),
        "binary_cross_entropy", lambda X: (X[:, 0] > X[:, 1]).astype(int)),
    "elu, 2 linear outputs, mse": (
        lambda: nn.MLP(3, [4, 2], activation="elu", seed=2),
        "mse", lambda X: np.column_stack([X.sum(axis=1), X[:, 0] * X[:, 1]])),
    "leaky_relu, huber": (
        lambda: nn.MLP(3, [4, 4, 1], activation="leaky_relu", seed=3),
        "huber", lambda X: 2 * X[:, 0]),
    "softplus, mae": (
        lambda: nn.MLP(3, [3, 1], activation="softplus", seed=4), "mae", lambda X: X[:, 1]),
    "relu, hinge (±1)": (
        lambda: nn.MLP(3, [6, 1], activation="relu", seed=5),
        "hinge", lambda X: np.where(X[:, 2] > 0, 1.0, -1.0)),
    "sigmoid, squared error (the lecture's)": (
        lambda: nn.MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid", seed=6),
        "squared_error", lambda X: (X[:, 0] > 0).astype(float)),
    "per-layer activations, 2 sigmoid outputs, KL divergence": (
        lambda: nn.MLP(3, [4, 3, 2], activation=["relu", "tanh"], output_activation="sigmoid",
                       seed=7),
        "kl_divergence", lambda X: 0.1 + 0.8 / (1 + np.exp(-X[:, :2]))),
    "half squared error": (
        lambda: nn.MLP(3, [3, 1], activation="tanh", seed=8), "half_squared_error",
        lambda X: np.sin(X[:, 0])),
    "tanh, 3 scores, softmax cross-entropy": (
        lambda: nn.MLP(3, [5, 3], activation="tanh", seed=9), "cross_entropy",
        lambda X: np.argmax(X, axis=1)),
    "relu, 4 scores, multiclass hinge": (
        lambda: nn.MLP(3, [6, 4], activation="relu", seed=10), "multiclass_hinge",
        lambda X: np.argmax(np.column_stack([X, -X.sum(axis=1)]), axis=1)),
    "sigmoid, 3 scores, cross-entropy, scores in the hundreds": (
        lambda: _loud(nn.MLP(3, [4, 3], activation="sigmoid", seed=11), 300.0),
        "cross_entropy", lambda X: (X[:, 0] > 0).astype(int) + (X[:, 1] > 0)),
}


@pytest.mark.parametrize("case", list(CASES))
def test_compiled_gradient_of_every_parameter_equals_scalar_and_batched_paths(case):
    make, loss, target = CASES[case]
    rng = _rng(5)
    X_record, X = rng.normal(size=(9, 3)), rng.normal(size=(9, 3))
    model = make()
    X_record, X = X_record[:, :model.n_in], X[:, :model.n_in]
    y_record, y = target(X_record), target(X)
    loss_fn = nn.LOSSES[loss]
    params = model.parameters()

    compiled = CompiledTraining(model, loss_fn, nn.SGD(params), _batch_loss)
    compiled.forward_backward(X_record, y_record)  # recorded on one batch …
    mean, outputs = compiled.forward_backward(X, y)  # … replayed on another
    grads = compiled.grad.copy()

    model.zero_grad()
    prediction = model(X)
    batched = _batch_loss(loss_fn, prediction, y, len(X))
    batched.backward()
    assert mean == pytest.approx(batched.data, rel=1e-12)
    np.testing.assert_allclose(outputs, np.column_stack(
        [o.data for o in (prediction if isinstance(prediction, list) else [prediction])]), **TIGHT)
    np.testing.assert_allclose(grads, [p.grad for p in params], **TIGHT)

    model.zero_grad()
    for row, t in zip(X, y, strict=True):
        loss_fn(model(row.tolist()), t.tolist() if np.ndim(t) else t.item()).backward(1 / len(X))
    np.testing.assert_allclose(grads, [p.grad for p in params], **TIGHT)


def _jax_mlp_gradients(model, X, y, loss):
    """JAX's loss and gradients (float64) for our MLP's weights (ReLU hidden layers): the
    oracle, written without our engine. Cross-entropy: −mean log softmax(h)_y; the multiclass
    hinge: mean Σ_{j≠y} max(0, 1 − h_y + h_j)."""
    import jax
    import jax.numpy as jnp
    from jax_oracle import as_python, layer_arrays

    rows, y = jnp.arange(len(y)), jnp.asarray(y)

    def f(params):
        h = jnp.asarray(X)
        for k, (W, b) in enumerate(params):
            h = h @ W.T + b
            h = jax.nn.relu(h) if k < len(params) - 1 else h
        if loss == "cross_entropy":
            return -jnp.mean(jax.nn.log_softmax(h)[rows, y])
        margins = jnp.maximum(0.0, 1.0 - h[rows, y][:, None] + h).at[rows, y].set(0.0)
        return jnp.mean(jnp.sum(margins, axis=1))

    params = [(jnp.asarray(W), jnp.asarray(b)) for W, b in layer_arrays(model)]
    value, grads = jax.value_and_grad(f)(params)
    return as_python(value), [g for gW, gb in grads
                              for g in (*np.asarray(gW).tolist(), np.asarray(gb).tolist())]


@pytest.mark.parametrize("loss", ["cross_entropy", "multiclass_hinge"])
def test_compiled_class_losses_replayed_on_new_targets_match_jax(loss):
    rng = _rng(7)
    model = nn.MLP(2, [8, 8, 3], activation="relu", seed=12)
    params = model.parameters()
    compiled = CompiledTraining(model, nn.LOSSES[loss], nn.SGD(params), _batch_loss)
    compiled.forward_backward(rng.normal(size=(30, 2)), rng.integers(0, 3, 30))  # recorded …
    X, y = 3 * rng.normal(size=(30, 2)), rng.integers(0, 3, 30)
    mean, _ = compiled.forward_backward(X, y)  # … and replayed on other points and classes
    compiled.write_values()

    expected, oracle = _jax_mlp_gradients(model, X, y, loss)
    assert mean == pytest.approx(expected, rel=1e-12)
    ours = []
    for layer in model.layers:
        ours += [[w.grad for w in n.w] for n in layer.neurons] + [[n.b.grad for n in layer.neurons]]
    for got, want in zip(ours, oracle, strict=True):
        np.testing.assert_allclose(got, want, **TIGHT)


def test_a_detached_shift_is_recomputed_for_each_batch_and_sends_no_gradient():
    z1, z2 = BatchValue([0.0, 1.0]), BatchValue([2.0, 0.5])
    w = Value(1.0, label="w")
    scores = [z1 * w, z2 * w]
    loss = batch_mean(-nn.log_softmax(scores)[0])
    program = compile(loss, [z1, z2], [w])
    # scores 1000 and 999: e^1000 overflows unless each example is shifted by its own largest
    value = program.run([np.array([1000.0, 0.0]), np.array([999.0, 3.0])])
    first = np.array([1000.0, 0.0]) - np.logaddexp([1000.0, 0.0], [999.0, 3.0])
    assert value == pytest.approx(-first.mean(), rel=1e-12)
    shift = next(v for v in topological_order(loss) if isinstance(v, Detached))
    assert shift.sources == tuple(scores)
    np.testing.assert_allclose(program.value(shift), [1000.0, 3.0], **TIGHT)
    # ∂L/∂w = mean over examples of (z₁ − Σⱼ pⱼ·zⱼ)·(−1), the shift adding nothing
    p = np.exp(-np.logaddexp(0, np.array([999.0, 3.0]) - [1000.0, 0.0]))
    zs = np.array([[1000.0, 999.0], [0.0, 3.0]])
    expected = -np.mean(zs[:, 0] - (p * zs[:, 0] + (1 - p) * zs[:, 1]))
    assert program.grad[0] == pytest.approx(expected, rel=1e-9)


# -- refusals and recompiling -------------------------------------------------------------------

def test_per_example_numbers_that_are_not_inputs_are_refused_in_words():
    x = BatchValue([1.0, 2.0])
    shift = BatchConstant([0.5, 0.25])
    with pytest.raises(CompileError, match="not among the inputs"):
        compile(batch_mean(x * Value(2.0) - shift), [x])


def test_a_parameter_listed_twice_is_refused_naming_it():
    w, v, x = Value(1.0, label="w"), Value(2.0, label="v"), BatchValue([1.0, 2.0])
    with pytest.raises(CompileError, match="listed twice") as refused:
        compile(batch_mean(w * v * x), [x], [w, v, w])
    assert repr(w) in str(refused.value) and repr(v) not in str(refused.value)


@pytest.mark.parametrize("not_a_leaf", ["w·2", "a batch"])
def test_a_parameter_that_is_not_a_leaf_holding_one_number_is_refused(not_a_leaf):
    w, x = Value(2.0), BatchValue([1.0, 2.0, 3.0])
    param = w * 2.0 if not_a_leaf == "w·2" else BatchValue([1.0, 2.0, 3.0])
    with pytest.raises(CompileError, match="a parameter must be a leaf Value holding one number"):
        compile(batch_mean(w * x), [x], [param])


def test_consecutive_rows_are_read_as_a_slice_and_others_as_an_index_array():
    from autograd_core.compile import _index

    assert _index([3, 4, 5]) == slice(3, 6)  # a view of the buffer, no copy
    assert _index([7]) == slice(7, 8)
    np.testing.assert_array_equal(_index([5, 3]), [5, 3])
    np.testing.assert_array_equal(_index([3, 5, 6]), [3, 5, 6])


def test_a_constant_is_sent_no_adjoint_since_nobody_reads_it():
    from autograd_core.compile import ONE

    # L = mean(w·x·c) with c a constant: ∂L/∂w = c·mean(x) = 3·2 = 6; c's own adjoint (which
    # would be w·mean(x) = 4) is never computed
    x, w, c = BatchValue([1.0, 2.0, 3.0]), Value(2.0), Value(3.0)
    program = compile(batch_mean(w * x * c), [x], [w])
    program.run([np.array([1.0, 2.0, 3.0])])
    assert program.grad.tolist() == [6.0]
    kind, row = program._row[c]
    assert kind == ONE and program._adjoints[ONE][row, 0] == 0.0


def test_a_program_refuses_another_batch_size_and_says_to_compile_again():
    x = BatchValue([1.0, 2.0, 3.0])
    program = compile(batch_mean(x * Value(2.0)), [x])
    with pytest.raises(ValueError, match="compiled for batches of 3 examples.*compile again"):
        program.run([np.ones(4)])
    with pytest.raises(ValueError, match="takes 1 input arrays, got 2"):
        program.run([np.ones(3), np.ones(3)])


def test_a_graph_of_two_batch_sizes_is_refused_naming_both():
    a, b, w = BatchValue([1.0, 2.0, 3.0]), BatchValue([1.0, 2.0, 3.0, 4.0]), Value(2.0)
    with pytest.raises(CompileError, match=r"mixes batches of sizes \[3, 4\]"):
        compile(batch_sum(a * w) + batch_sum(b * w), [a, b])


def test_an_op_leaving_its_domain_in_a_replay_raises_domain_error_naming_the_op():
    x = BatchValue([1.0, 2.0])
    program = compile(batch_mean((x * Value(1.0)).log()), [x])
    with pytest.raises(ValueError, match="op 'log'.*outside its domain"):
        program.run([np.array([1.0, -1.0])])


def test_the_value_view_follows_the_flat_parameters_both_ways():
    w = Value(2.0, label="w")
    x = BatchValue([1.0, 3.0])
    program = compile(batch_mean(w * x * w), [x], [w])  # L = (1/2)·Σₑ w²·xₑ
    program.data[:] = [5.0]
    assert program.run([np.array([1.0, 3.0])]) == pytest.approx(25 * 2.0)
    program.write_values()
    assert (w.data, w.grad) == (5.0, pytest.approx(2 * 5.0 * 2.0))  # ∂L/∂w = 2w·mean(x)
    w.data = -1.0
    program.read_values()
    assert program.data.tolist() == [-1.0]


# -- Dense: a layer given to compile instead of recorded unit by unit --

JAX_ACTIVATIONS = {None: lambda z: z, "tanh": "tanh", "relu": "relu", "sigmoid": "sigmoid",
                   "softplus": "softplus"}


def _two_layers(rng):
    """A 3 → 4 → 1 network's weights and biases, as arrays and as parameter Values."""
    arrays = [rng.normal(size=(4, 3)), rng.normal(size=4), rng.normal(size=(1, 4)),
              rng.normal(size=1)]
    W1, b1, W2, b2 = arrays
    values = ([[Value(v) for v in row] for row in W1], [Value(v) for v in b1],
              [[Value(v) for v in row] for row in W2], [Value(v) for v in b2])
    return arrays, values


@pytest.mark.parametrize("op", list(JAX_ACTIVATIONS))
def test_dense_layers_give_the_recorded_units_numbers_bit_for_bit_and_jaxs_gradients(op):
    import jax
    import jax.numpy as jnp
    from jax_oracle import value_and_grads

    rng = _rng(21)
    X, t = rng.normal(size=(9, 3)), rng.normal(size=9)
    (W1, b1, W2, b2), (w1, c1, w2, c2) = _two_layers(rng)
    params = [w for row in w1 for w in row] + c1 + [w for row in w2 for w in row] + c2

    def act(v):
        return v if op is None else getattr(v, op)()

    # recorded unit by unit on two examples: one linear node per unit, then its activation …
    xs, ts = [BatchValue(X[:2, i]) for i in range(3)], BatchConstant(t[:2])
    out = linear(w2[0], [act(linear(w1[j], xs, c1[j])) for j in range(4)], c2[0])
    recorded = compile(batch_mean((out - ts) ** 2), [*xs, ts], params, batch_size=9)
    # … and given as two layers, the recorded graph starting from their outputs
    xs, ts = [BatchValue(X[:2, i]) for i in range(3)], BatchConstant(t[:2])
    hidden, o = [BatchValue(np.zeros(2)) for _ in range(4)], BatchValue(np.zeros(2))
    layers = [Dense(w1, c1, xs, hidden, op), Dense(w2, c2, hidden, [o])]
    dense = compile(batch_mean((o - ts) ** 2), [*xs, ts], params, batch_size=9, layers=layers)

    loss = dense.run([*X.T, t])
    assert loss == recorded.run([*X.T, t])
    assert np.array_equal(dense.grad, recorded.grad)
    assert np.array_equal(dense.value(o), recorded.value(out))

    f = JAX_ACTIVATIONS[op]
    f = getattr(jax.nn, f) if isinstance(f, str) else f

    def oracle(W1, b1, W2, b2):
        return jnp.mean(((f(X @ W1.T + b1) @ W2.T + b2)[:, 0] - t) ** 2)

    want, (gW1, gb1, gW2, gb2) = value_and_grads(oracle, W1, b1, W2, b2)
    assert loss == pytest.approx(want, rel=1e-12)
    np.testing.assert_allclose(dense.grad, np.concatenate(
        [np.ravel(gW1), gb1, np.ravel(gW2), gb2]), **TIGHT)


def test_a_layers_weights_at_regular_steps_are_found_whatever_its_shape():
    # index[j][i] = start + s0·j + s1·i, written out by hand; a view reads them in place
    assert _regular(np.array([[7, 8, 9, 10]])) == (7, 1, 1)  # one unit, four inputs
    assert _regular(np.array([[5], [6], [7]])) == (5, 1, 1)  # three units, one input
    # as an MLP lists them, w14 w15 w24 w25 w34 w35: unit j's weight from input i at j + 2·i
    assert _regular(np.array([[0, 2, 4], [1, 3, 5]])) == (0, 1, 2)
    # listed unit by unit instead, w14 w24 w15 w25: unit j's weight from input i at 2·j + i
    assert _regular(np.array([[0, 1], [2, 3]])) == (0, 2, 1)
    # one unit of two inputs whose weights are every other parameter
    assert _regular(np.array([[3, 5]])) == (3, 1, 2)
    assert _regular(np.array([[0, 1], [1, 2]])) is None  # row 1 twice: not one weight each
    assert _regular(np.array([[0, 2], [1, 4]])) is None  # 4 is not 0 + 1 + 2


def test_a_dense_layer_with_weights_listed_out_of_order_reads_them_where_they_are():
    # the parameters in an order with no regular layout: the layer gathers its weights
    rng = _rng(22)
    X, t = rng.normal(size=(6, 3)), rng.normal(size=6)
    (W1, b1, W2, b2), (w1, c1, w2, c2) = _two_layers(rng)
    flat = [w for row in w1 for w in row] + c1 + [w for row in w2 for w in row] + c2
    order = rng.permutation(len(flat))
    params = [flat[k] for k in order]
    xs, ts = [BatchValue(X[:, i]) for i in range(3)], BatchConstant(t)
    hidden, o = [BatchValue(np.zeros(6)) for _ in range(4)], BatchValue(np.zeros(6))
    layers = [Dense(w1, c1, xs, hidden, "tanh"), Dense(w2, c2, hidden, [o])]
    program = compile(batch_mean((o - ts) ** 2), [*xs, ts], params, layers=layers)
    assert not any(g.views for g in program._groups)
    program.run([*X.T, t])
    h = np.tanh(X @ W1.T + b1)
    r = (h @ W2.T + b2)[:, 0] - t  # by hand: ∂/∂W2 = mean(2r·h), ∂/∂b1 = mean(2r·W2·(1 − h²))
    by_hand = np.concatenate([(2 * r[:, None, None] * (W2 * (1 - h**2))[:, :, None]
                               * X[:, None, :]).mean(0).ravel(),
                              (2 * r[:, None] * W2 * (1 - h**2)).mean(0),
                              (2 * r[:, None] * h).mean(0), [(2 * r).mean()]])
    np.testing.assert_allclose(program.grad, by_hand[order], **TIGHT)


def test_a_dense_layer_refuses_weights_that_are_not_parameters_and_inputs_it_cannot_read():
    x, w, b, o = BatchValue([1.0, 2.0]), Value(0.5), Value(0.0), BatchValue([0.0, 0.0])
    loss = batch_mean(o * o)
    with pytest.raises(CompileError, match="among the parameters"):
        compile(loss, [x], [b], layers=[Dense([[w]], [b], [x], [o])])
    with pytest.raises(CompileError, match="inputs must be the program's inputs"):
        compile(loss, [], [w, b], layers=[Dense([[w]], [b], [x], [o])])
    with pytest.raises(CompileError, match="one weight per input"):
        compile(loss, [x], [w, b], layers=[Dense([[w, w]], [b], [x], [o])])
    c = Value(0.0)
    with pytest.raises(CompileError, match="got 1 lists, 2 biases and 1 outputs"):
        compile(loss, [x], [w, b, c], layers=[Dense([[w]], [b, c], [x], [o])])
    with pytest.raises(CompileError, match="an op of one argument"):
        compile(loss, [x], [w, b], layers=[Dense([[w]], [b], [x], [o], "mul")])
