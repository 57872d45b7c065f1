"""The batched benchmark measures the same work in every engine: the batched demo step gives the
scalar path's loss, gradients and update, and PyTorch's; and its arithmetic (ratios, mini-batches,
the same-loss check) is right on hand-worked numbers. (bench/test_peers.py, run by make bench,
checks the PyTorch workloads, the benchmark's peer.)"""

import re
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import batched_step as bench  # noqa: E402
import runner  # noqa: E402
import workloads as W  # noqa: E402
from jax_oracle import svm_demo_loss_and_grads  # noqa: E402

LR = 0.5


def _demo_graphs(n: int) -> tuple:
    """Loss and parameters after one forward and backward pass, scalar path and batched path."""
    points, labels = W.two_moons(n)
    scalar_loss, scalar_params = W.ours_model()
    batched_loss, batched_params = W.batched_model()
    s = scalar_loss(points, labels)
    b = batched_loss(*W.ENGINES["batched"].data(points, labels))
    s.backward()
    b.backward()
    return s, scalar_params, b, batched_params


@pytest.mark.parametrize("n", [100, 37])
def test_batched_demo_loss_and_every_gradient_equal_the_scalar_paths(n):
    s, scalar_params, b, batched_params = _demo_graphs(n)
    assert isinstance(b.data, float)
    assert abs(b.data - s.data) <= 1e-12
    assert len(batched_params) == len(scalar_params) == 2 * 16 + 16 * 16 + 16 + 16 + 16 + 1
    for ps, pb in zip(scalar_params, batched_params, strict=True):
        assert ps.data == pb.data  # the same starting weight
        assert abs(pb.grad - ps.grad) <= 1e-12


def test_a_batched_sgd_step_moves_every_weight_as_the_scalar_step_does():
    points, labels = W.two_moons()
    scalar_loss, scalar_params = W.ours_model()
    batched_loss, batched_params = W.batched_model()
    before = [p.data for p in scalar_params]
    W.train_step(scalar_loss, scalar_params, points, labels, LR)
    W.train_step(batched_loss, batched_params, *W._as_arrays(points, labels), LR)
    moved = 0
    for old, ps, pb in zip(before, scalar_params, batched_params, strict=True):
        assert abs(pb.data - ps.data) <= 1e-12
        moved += pb.data != old
    # the L2 term pulls on every nonzero weight, so at least all 336 weights move
    assert moved >= 2 * 16 + 16 * 16 + 16


def _unit_position(name: str) -> tuple[int, int, int]:
    """(layer, unit, input) of a weight named w{i}_{j}: units 1–2 are inputs, 3–18 layer 1,
    19–34 layer 2, 35 the output (numbered as on the lecture's slide)."""
    i, j = map(int, re.fullmatch(r"w(\d+)_(\d+)", name).groups())
    starts = [3, 19, 35]  # first unit of each layer
    layer = max(k for k, s in enumerate(starts) if j >= s)
    first_input = 1 if layer == 0 else starts[layer - 1]
    return layer, j - starts[layer], i - first_input


def test_batched_demo_loss_and_gradients_equal_jaxs():
    _, _, b, batched_params = _demo_graphs(100)
    points, labels = W.two_moons(100)
    loss, weight_grads, bias_grads = svm_demo_loss_and_grads(W._initial_weights(W.SEED), points,
                                                             labels, W.L2)
    assert abs(b.data - loss) <= 1e-9
    # JAX's gradients: (out × in) per layer, then the bias per unit; ours are named by unit numbers
    names = [name for name, _ in W._ours_mlp(W.SEED).named_parameters()]
    checked = 0
    for name, p in zip(names, batched_params, strict=True):
        if name.startswith("w"):
            layer, unit, inp = _unit_position(name)
            assert p.data == W._initial_weights(W.SEED)[layer][unit][inp]
            assert abs(p.grad - weight_grads[layer][unit, inp]) <= 1e-9
        else:  # b{j}: the bias of unit j
            layer, unit, _ = _unit_position(f"w1_{name[1:]}")
            assert abs(p.grad - bias_grads[layer][unit]) <= 1e-9
        checked += 1
    assert checked == sum(g.size for g in weight_grads + bias_grads) == 337


def test_ratios_are_taken_per_round_then_summarised_by_median_and_range():
    # micrograd 0.9 s vs 3 ms → 300×; 1.2 s vs 4 ms → 300×; 0.5 s vs 2 ms → 250×
    ratios = runner.pair_ratios([0.9, 1.2, 0.5], [0.003, 0.004, 0.002])
    assert ratios == pytest.approx([300.0, 300.0, 250.0], rel=1e-12)
    assert runner.ratio_summary(ratios) == pytest.approx((300.0, 250.0, 300.0), rel=1e-12)
    # an even count: the median is the mean of the middle two, (2 + 4) / 2 = 3
    assert runner.ratio_summary([1.0, 2.0, 4.0, 8.0]) == (3.0, 1.0, 8.0)
    assert bench.ratio_text([0.9, 1.2, 0.5], [0.003, 0.004, 0.002]).split() == [
        "300.0×", "[250.0–300.0]"]


@pytest.mark.parametrize("slow, fast, words", [
    ([1.0, 2.0], [1.0], "same number"),
    ([], [], "same number"),
    ([1.0], [0.0], "positive"),
])
def test_ratio_of_mismatched_or_zero_times_is_refused_in_words(slow, fast, words):
    with pytest.raises(ValueError, match=words):
        runner.pair_ratios(slow, fast)


@pytest.mark.parametrize("n, batch_size, sizes", [
    (1000, 100, [100] * 10),
    (1000, 1000, [1000]),
    (250, 100, [100, 100, 50]),
])
def test_an_epoch_uses_every_example_exactly_once(n, batch_size, sizes):
    batches = bench.epoch_batches(n, batch_size)
    assert [len(b) for b in batches] == sizes
    assert sorted(np.concatenate(batches).tolist()) == list(range(n))


def test_mini_batches_are_shuffled_so_both_moons_appear_in_each():
    points, labels = W.two_moons(1000)
    for idx in bench.epoch_batches(1000, 100):
        assert {labels[i] for i in idx} == {1.0, -1.0}


def test_a_batch_size_of_zero_is_refused_in_words():
    with pytest.raises(ValueError, match="batch size"):
        bench.epoch_batches(1000, 0)


def test_engines_that_start_from_different_losses_stop_the_benchmark(capsys):
    bench.check_same_loss({"scalar": [1.25], "batched": [1.25 + 1e-13]}, "demo")
    assert "same loss" in capsys.readouterr().out
    with pytest.raises(SystemExit, match="differ"):
        bench.check_same_loss({"scalar": [1.25], "batched": [1.2501]}, "demo")
    with pytest.raises(SystemExit, match="float32"):
        bench.check_same_loss({"torch64": [1.25], "torch32": [1.26]}, "demo")
