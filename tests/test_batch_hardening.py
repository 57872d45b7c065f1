"""Batches where a mistake is easy: a tangent on a batch input, batches of different sizes, and
backward() on an output that is still one number per example."""

import numpy as np
import pytest

from autograd_core import BatchValue, Value, batch_mean, batch_sum, jvp


def test_jvp_through_a_batch_mean_of_a_shared_parameter_is_its_derivative():
    # mean over e of (w + xₑ): ∂/∂w = (1/3)·(1 + 1 + 1) = 1
    w, x = Value(2.0), BatchValue([1.0, 2.0, 3.0])
    assert jvp(batch_mean(w + x), {w: 1.0}) == 1.0


def test_jvp_with_a_tangent_on_a_batch_input_moves_every_example():
    # moving every xₑ by 1: d/dt mean(w·(xₑ + t)) = w = 2 and d/dt Σₑ (xₑ + t)² = Σₑ 2xₑ = 12
    w, x = Value(2.0), BatchValue([1.0, 2.0, 3.0])
    assert jvp(batch_mean(w * x), {x: 1.0}) == 2.0
    assert jvp(batch_sum(x * x), {x: 1.0}) == 12.0
    assert jvp(batch_mean(w + x), {x: 1.0}) == 1.0  # not [1/3, 1/3, 1/3]


def test_jvp_agrees_with_reverse_mode_on_a_batch():
    w, x = Value(0.5), BatchValue([1.0, -2.0, 0.25, 4.0])
    loss = batch_mean((w * x).tanh() * x)
    loss.backward()
    assert jvp(loss, {w: 1.0}) == pytest.approx(w.grad, rel=1e-12)


def test_batches_of_different_sizes_are_refused_naming_both_sizes():
    with pytest.raises(ValueError, match=r"op 'mul' got batches of different sizes \[2, 3\]"):
        BatchValue([1.0, 2.0]) * BatchValue([1.0, 2.0, 3.0])


def test_backward_on_a_batch_output_is_refused_with_how_to_reduce_it():
    w, x = Value(2.0), BatchValue(np.array([1.0, 2.0, 3.0]))
    out = w * x
    with pytest.raises(ValueError, match=r"one per example of a batch of 3; reduce it first.*"
                                         r"batch_mean\(out\)\.backward\(\)"):
        out.backward()
    assert w.grad == 0.0 and isinstance(w.grad, float)  # nothing was accumulated
    batch_mean(out).backward()
    assert w.grad == pytest.approx(2.0)  # (1 + 2 + 3)/3
