"""The speed benchmark measures the same work in both engines, and the hot path it times keeps
its contract (topological order as a recursive depth-first search would give it)."""

import random
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import micrograd  # noqa: E402, F401 (a peer measured against; in the test extra)
import micrograd_step as bench  # noqa: E402
import workloads as W  # noqa: E402
from jax_oracle import svm_demo_loss_and_grads  # noqa: E402

from autograd_core import Value, topological_order, vsum  # noqa: E402


def test_two_moons_without_noise_lie_on_two_unit_half_circles():
    points, labels = W.two_moons(n=20, noise=0.0)
    top = np.array([p for p, y in zip(points, labels, strict=True) if y == 1])
    bottom = np.array([p for p, y in zip(points, labels, strict=True) if y == -1])
    assert len(top) == len(bottom) == 10
    # upper moon: x² + y² = 1, y ≥ 0; lower moon: (x − 1)² + (y − ½)² = 1, y ≤ ½
    np.testing.assert_allclose(top[:, 0] ** 2 + top[:, 1] ** 2, 1.0, atol=1e-12)
    np.testing.assert_allclose((bottom[:, 0] - 1) ** 2 + (bottom[:, 1] - 0.5) ** 2, 1.0, atol=1e-12)
    assert (top[:, 1] >= -1e-12).all() and (bottom[:, 1] <= 0.5 + 1e-12).all()


def _numpy_loss(points: list, labels: list) -> float:
    """The demo loss in numpy, from the same initial weights (biases 0)."""
    a = np.array(points)
    layers = [np.array(w) for w in W._initial_weights(W.SEED)]
    for k, w in enumerate(layers):
        a = a @ w.T
        if k < len(layers) - 1:
            a = np.maximum(a, 0.0)
    margins = np.maximum(0.0, 1 - np.array(labels) * a[:, 0])
    return margins.mean() + W.L2 * sum((w**2).sum() for w in layers)


@pytest.mark.parametrize("engine", ["ours", "micrograd"])
def test_both_engines_compute_the_demo_loss_numpy_computes(engine):
    points, labels = W.two_moons(n=30)
    loss_fn, _ = W.MODELS[engine]()
    assert loss_fn(points, labels).data == pytest.approx(_numpy_loss(points, labels), rel=1e-12)


def test_our_training_step_is_sgd_with_the_gradient_jax_computes():
    points, labels = W.two_moons(n=30)
    loss_fn, params = W.ours_model()
    before = [p.data for p in params]
    lr = 0.5
    W.train_step(loss_fn, params, points, labels, lr)
    weights = W._initial_weights(W.SEED)
    _, weight_grads, bias_grads_jax = svm_demo_loss_and_grads(weights, points, labels, W.L2)

    # every initial weight is a distinct random number, so it names its parameter; biases start
    # at 0 and are compared as a set.  SGD: p ← p − η·∂L/∂p
    grad_of = {}
    for w, g in zip(weights, weight_grads, strict=True):
        grad_of.update(zip(np.ravel(w).tolist(), g.ravel().tolist(), strict=True))
    steps = [(b, p.data) for b, p in zip(before, params, strict=True)]
    assert len(steps) == len(grad_of) + sum(len(g) for g in bias_grads_jax)
    for b, after in steps:
        if b != 0.0:
            assert after == pytest.approx(b - lr * grad_of[b], rel=1e-9, abs=1e-12)
    bias_grads = sorted(-after / lr for b, after in steps if b == 0.0)
    expected = sorted(g for gb in bias_grads_jax for g in gb.tolist())
    assert bias_grads == pytest.approx(expected, rel=1e-9, abs=1e-12)


def test_graph_size_counts_every_node_once_in_both_engines():
    from micrograd.engine import Value as MValue

    for V, engine in ((Value, "ours"), (MValue, "micrograd")):
        x, y = V(2.0), V(3.0)
        out = x * y + x  # x, y, x·y, (x·y) + x: four nodes, x reached twice
        assert W.graph_size(out, engine) == 4


def test_micrograd_chain_hits_the_recursion_limit_and_ours_does_not(monkeypatch):
    monkeypatch.setattr(bench, "CHAIN_DEPTH", 10_000)
    ours = bench.child_chain("ours")
    assert ours["recursion_error_at"] is None and ours["works_at"]["depth"] == 10_000
    theirs = bench.child_chain("micrograd")
    assert theirs["recursion_error_at"] is not None
    assert theirs["recursion_error_at"] <= 2 * sys.getrecursionlimit()


def test_ratio_line_reports_the_median_of_per_pair_ratios():
    # pairs (ours, micrograd): ratios 6, 4, 6 → median 6, range 4–6
    line = bench.ratio_line("gc on", [(1.0, 6.0), (1.0, 4.0), (2.0, 12.0)], 5.0)
    assert "6.0×" in line and "[4.0–6.0]" in line and line.endswith("ok")
    assert bench.ratio_line("gc off", [(1.0, 3.0)], 5.0).endswith("MISSED")


def _recursive_order(output: Value) -> list[Value]:
    """The textbook recursive depth-first topological sort, parents left to right."""
    order, seen = [], set()

    def visit(node: Value) -> None:
        if node not in seen:
            seen.add(node)
            for parent in node.parents:
                visit(parent)
            order.append(node)

    visit(output)
    return order


@pytest.mark.parametrize("seed", range(25))
def test_topological_order_is_the_recursive_depth_first_order(seed):
    rng = random.Random(seed)
    nodes = [Value(rng.uniform(0.5, 2.0), label=f"x{k}") for k in range(4)]
    for _ in range(rng.randrange(5, 60)):
        picks = [rng.choice(nodes) for _ in range(rng.choice([1, 2, 3, 5]))]
        if len(picks) == 1:
            nodes.append(picks[0].tanh())
        elif len(picks) == 2:
            nodes.append(picks[0] * picks[1])
        else:
            nodes.append(vsum(picks))
    out = vsum(nodes[-3:])
    assert topological_order(out) == _recursive_order(out)
