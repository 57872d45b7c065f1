"""The benchmarks' named peer, PyTorch, computes the same work as ours: run by `make bench`
(which installs PyTorch's CPU build) before any timing, not by `make test`, whose oracle is JAX
(tests/jax_oracle.py). Its float64 workload gives our batched step's loss, gradients and
update; its float32 one the same loss to about seven digits; its training loop reaches 97% on
two moons in the same epochs as nn.fit."""

import sys
from pathlib import Path

import numpy as np
import torch

sys.path.insert(0, str(Path(__file__).resolve().parent))

import batched_step as batched  # noqa: E402
import compiled_step as compiled  # noqa: E402
import workloads as W  # noqa: E402

LR = 0.5


def test_pytorch_float64_demo_loss_and_gradients_equal_our_batched_paths():
    points, labels = W.two_moons(100)
    batched_loss, batched_params = W.batched_model()
    b = batched_loss(*W.ENGINES["batched"].data(points, labels))
    b.backward()
    torch_loss, torch_params = _torch_after_backward("float64", 100)
    assert abs(b.data - torch_loss) <= 1e-9
    ours = sorted(p.grad for p in batched_params)
    theirs = sorted(torch.cat([t.grad.flatten() for t in torch_params]).tolist())
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)


def _torch_after_backward(dtype: str, n: int) -> tuple:
    """Our benchmark's PyTorch workload after one forward and backward pass: its loss and its
    parameters (weight, bias of each Linear layer)."""
    engine = W.ENGINES["torch64" if dtype == "float64" else "torch32"]
    loss_fn, params = engine.model()
    points, labels = W.two_moons(n)
    loss = loss_fn(*engine.data(points, labels))
    loss.backward()
    return loss.item(), params


def test_pytorch_step_is_sgd_and_lands_where_the_batched_step_lands():
    points, labels = W.two_moons()
    engine = W.ENGINES["torch64"]
    loss_fn, torch_params = engine.model()
    before = [t.detach().clone() for t in torch_params]
    loss_fn(*engine.data(points, labels)).backward()
    grads = [t.grad.clone() for t in torch_params]
    engine.step(loss_fn, torch_params, *engine.data(points, labels), LR)
    for t, old, g in zip(torch_params, before, grads, strict=True):  # p ← p − η·∂L/∂p
        np.testing.assert_allclose(t.detach().numpy(), (old - LR * g).numpy(), rtol=0, atol=1e-15)

    batched_loss, batched_params = W.batched_model()
    W.train_step(batched_loss, batched_params, *W._as_arrays(points, labels), LR)
    ours = sorted(p.data for p in batched_params)
    theirs = sorted(torch.cat([t.detach().flatten() for t in torch_params]).tolist())
    np.testing.assert_allclose(ours, theirs, rtol=0, atol=1e-9)


def test_pytorch_float32_loss_is_float64s_to_about_seven_digits():
    loss64, _ = _torch_after_backward("float64", 100)
    loss32, _ = _torch_after_backward("float32", 100)
    assert loss32 != loss64  # a different precision really ran
    assert abs(loss32 - loss64) <= batched.SAME_LOSS_FLOAT32 * loss64


def test_nn_fit_and_pytorch_reach_97_percent_on_two_moons_in_the_same_epochs():
    points, labels = W.two_moons(compiled.TRAIN_POINTS)
    args = (points, labels, compiled.TRAIN_LR, compiled.TRAIN_ACCURACY, compiled.MAX_EPOCHS)
    (ours, ours_accuracy), (theirs, torch_accuracy) = (W.ours_fit(*args, compiled=True),
                                                       W.torch_fit(*args))
    assert ours() == theirs() < compiled.MAX_EPOCHS
    assert ours_accuracy() == torch_accuracy() >= 0.97
