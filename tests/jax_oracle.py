"""JAX on the CPU, in float64: the tests' independent oracle for values and gradients.

JAX's reverse mode shares no code with ours, and its CPU wheels on the package index carry no
CUDA (PyTorch's Linux wheels there pull several GB of it). tests/conftest.py turns float64 on
before any test runs (``jax_enable_x64``); without it JAX would compute in float32.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import jax
import jax.numpy as jnp
import numpy as np


def as_python(a: Any) -> Any:
    """A JAX scalar as a float, an array as a numpy array."""
    a = np.asarray(a)
    return float(a) if a.ndim == 0 else a


def value_and_grads(f: Callable[..., Any], *args: Any) -> tuple[Any, list[Any]]:
    """f(x₁, …, xₙ) and [∂f/∂x₁, …, ∂f/∂xₙ] by JAX's reverse mode; each xᵢ a number or an array
    (its gradient then has its shape); f must return one number."""
    arrays = [jnp.asarray(a, dtype=jnp.float64) for a in args]
    value, grads = jax.value_and_grad(f, argnums=tuple(range(len(arrays))))(*arrays)
    return as_python(value), [as_python(g) for g in grads]


def layer_arrays(model: Any) -> list[tuple[np.ndarray, np.ndarray]]:
    """Each layer of an `nn.MLP` as (W, b) arrays: W[u, i] the weight from input i to unit u,
    b[u] unit u's bias, so a layer computes act(W·h + b)."""
    return [(np.array([[w.data for w in n.w] for n in layer.neurons]),
             np.array([n.b.data for n in layer.neurons])) for layer in model.layers]


def assert_layer_grads(model: Any, grads: list, rel: float, abs: float) -> None:
    """Every weight's and bias's .grad in `model` equals JAX's (gW, gb) of its layer."""
    import pytest

    for (gW, gb), layer in zip(grads, model.layers, strict=True):
        for u, n in enumerate(layer.neurons):
            assert [w.grad for w in n.w] == pytest.approx(gW[u].tolist(), rel=rel, abs=abs)
            assert n.b.grad == pytest.approx(float(gb[u]), rel=rel, abs=abs)


def svm_demo_loss_and_grads(weights: list, points: list, labels: list,
                            l2: float) -> tuple[float, list, list]:
    """micrograd's demo loss in JAX: mean(relu(1 − y·score)) + l2·Σp² for a ReLU MLP with the
    given weights (per layer, out × in) and zero biases; the loss, then ∂/∂W and ∂/∂b per layer."""
    def loss(ws: list, bs: list) -> Any:
        a = jnp.asarray(points)
        for k, (w, b) in enumerate(zip(ws, bs, strict=True)):
            a = a @ w.T + b
            a = jax.nn.relu(a) if k < len(ws) - 1 else a
        margins = jax.nn.relu(1 - jnp.asarray(labels) * a[:, 0])
        return margins.mean() + l2 * sum((p**2).sum() for p in ws + bs)

    ws = [jnp.asarray(w, dtype=jnp.float64) for w in weights]
    bs = [jnp.zeros(len(w)) for w in weights]
    value, (gw, gb) = jax.value_and_grad(loss, argnums=(0, 1))(ws, bs)
    return as_python(value), [np.asarray(g) for g in gw], [np.asarray(g) for g in gb]
