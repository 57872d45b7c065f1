"""The benchmark's workloads, written once for each engine: micrograd's demo training step
(MLP 2→16→16→1, two moons, SVM max-margin loss + L2, one SGD step) and a long chain.

Every engine draws the same initial weights from the same seed, so their losses must agree: the
runners check that, so the workloads cannot quietly drift apart. `ENGINES` lists, per engine, how
to build the model, how it holds the data (lists, numpy arrays, tensors) and its training step.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import pairwise
from typing import Any

import numpy as np

SIZES = (2, 16, 16, 1)
N_POINTS = 100
L2 = 1e-4
SEED = 1337


def two_moons(n: int = N_POINTS, noise: float = 0.1, seed: int = SEED) -> tuple[list, list]:
    """Two interleaved half circles (scikit-learn's make_moons), labels ±1, as plain floats."""
    rng = np.random.default_rng(seed)
    n_top = n // 2
    t_top = np.linspace(0, np.pi, n_top)
    t_bottom = np.linspace(0, np.pi, n - n_top)
    xs = np.concatenate([np.cos(t_top), 1 - np.cos(t_bottom)])
    ys = np.concatenate([np.sin(t_top), 0.5 - np.sin(t_bottom)])
    points = np.stack([xs, ys], axis=1) + rng.normal(scale=noise, size=(n, 2))
    labels = np.concatenate([np.ones(n_top), -np.ones(n - n_top)])
    return points.tolist(), labels.tolist()


def _initial_weights(seed: int) -> list[list[list[float]]]:
    """Per layer, per unit, the incoming weights, drawn U(−1, 1) in micrograd's order."""
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
        for n_in, n_out in pairwise(SIZES)
    ]


# -- ours ----------------------------------------------------------------------------------------

def _ours_mlp(seed: int) -> Any:
    """Our `nn.MLP`, ReLU hidden units, a linear output unit, micrograd's initial weights."""
    from nn import MLP

    model = MLP(SIZES[0], list(SIZES[1:]), activation="relu", output_activation="linear")
    weights = _initial_weights(seed)
    model.set_weights(weights, [[0.0] * len(layer) for layer in weights])
    return model


def ours_model(seed: int = SEED) -> tuple[Callable[[list, list], Any], list]:
    """Our `nn.MLP` (one `linear` node per unit), one graph per example; returns
    ``(loss(points, labels), parameters)``."""
    from autograd_core import vsum

    model = _ours_mlp(seed)
    params = model.parameters()

    def loss(points: list, labels: list) -> Any:
        """mean(relu(1 − y·score)) + λ·Σp², the max-margin loss of micrograd's demo."""
        scores = [model(row) for row in points]
        margins = [(1 - y * s).relu() for y, s in zip(labels, scores, strict=True)]
        return vsum(margins) * (1.0 / len(margins)) + L2 * vsum([p * p for p in params])

    return loss, params


def batched_model(seed: int = SEED) -> tuple[Callable[[Any, Any], Any], list]:
    """The same network and loss for a whole batch at once: ``model(X)`` on the (n, 2) array of
    points gives one graph whose nodes each compute their operation for every example
    (`BatchValue`), and `nn.losses.hinge` averages max(0, 1 − y·score) over the batch."""
    from autograd_core import vsum
    from nn.losses import hinge

    model = _ours_mlp(seed)
    params = model.parameters()

    def loss(points: Any, labels: Any) -> Any:
        """mean over the batch of max(0, 1 − y·score), + λ·Σp²."""
        return hinge(model(points), labels) + L2 * vsum([p * p for p in params])

    return loss, params


def _chain(value: type, depth: int) -> tuple[Any, Any]:
    """y = x·c·c·…·c, ``depth`` multiplications deep, in the engine whose node class is
    ``value``: returns (x, y)."""
    x, c = value(0.5), value(1.0)
    y = x
    for _ in range(depth):
        y = y * c
    return x, y


def ours_chain(depth: int) -> tuple[Any, Any]:
    """The chain in our engine."""
    from autograd_core import Value

    return _chain(Value, depth)


# -- micrograd -----------------------------------------------------------------------------------

def micrograd_model(seed: int = SEED) -> tuple[Callable[[list, list], Any], list]:
    """micrograd's own `MLP` and the loss of its demo notebook; returns ``(loss, parameters)``."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(SIZES[0], list(SIZES[1:]))
    for layer, weights in zip(model.layers, _initial_weights(seed), strict=True):
        for neuron, ws in zip(layer.neurons, weights, strict=True):
            for p, w in zip(neuron.w, ws, strict=True):
                p.data = w
    params = model.parameters()

    def loss(points: list, labels: list) -> Any:
        scores = list(map(model, [list(map(Value, row)) for row in points]))
        margins = [(1 + -y * s).relu() for y, s in zip(labels, scores, strict=True)]
        return sum(margins) * (1.0 / len(margins)) + L2 * sum(p * p for p in params)

    return loss, params


def micrograd_chain(depth: int) -> tuple[Any, Any]:
    """The same chain in micrograd."""
    from micrograd.engine import Value

    return _chain(Value, depth)


# -- PyTorch: batched tensors ---------------------------------------------------------------------

def torch_model(seed: int = SEED, dtype: str = "float64") -> tuple[Callable[[Any, Any], Any], list]:
    """The same network as `torch.nn.Linear` layers on a 2-D input, in ``dtype``; the loss takes
    the points as an (n, 2) tensor and the labels as an (n,) tensor. One thread, as our engine:
    on a busy 2-core machine PyTorch's second thread waits for a core and a step takes 50 ms."""
    import torch

    torch.set_num_threads(1)

    dims = list(pairwise(SIZES))
    linears = [torch.nn.Linear(n_in, n_out, dtype=getattr(torch, dtype)) for n_in, n_out in dims]
    with torch.no_grad():
        for layer, weights in zip(linears, _initial_weights(seed), strict=True):
            layer.weight.copy_(torch.tensor(weights, dtype=layer.weight.dtype))
            layer.bias.zero_()
    hidden = [m for layer in linears[:-1] for m in (layer, torch.nn.ReLU())]
    net = torch.nn.Sequential(*hidden, linears[-1])
    params = list(net.parameters())

    def loss(points: Any, labels: Any) -> Any:
        margins = torch.relu(1 - labels * net(points)[:, 0])
        return margins.mean() + L2 * sum((p * p).sum() for p in params)

    return loss, params


def torch_train_step(loss_fn: Callable[[Any, Any], Any], params: list, points: Any, labels: Any,
                     lr: float) -> Any:
    """`train_step` in PyTorch's idiom (gradients reset to None, the update without recording)."""
    import torch

    loss = loss_fn(points, labels)
    for p in params:
        p.grad = None
    loss.backward()
    with torch.no_grad():
        for p in params:
            p -= lr * p.grad
    return loss


def train_step(loss_fn: Callable[[list, list], Any], params: list, points: list, labels: list,
               lr: float) -> Any:
    """One step, the same code for both engines: forward, zero the gradients, backward, and SGD
    p ← p − η·∂L/∂p. Returns the loss node, its graph attached: the caller decides when the
    graph is freed (`runner.median_seconds` keeps it past the clock when gc is off)."""
    loss = loss_fn(points, labels)
    for p in params:
        p.grad = 0.0
    loss.backward()
    for p in params:
        p.data -= lr * p.grad
    return loss


def loss_value(loss: Any) -> float:
    """The number in a step's loss: a node's ``data`` or a tensor's ``item()``."""
    return float(loss.item() if hasattr(loss, "item") else loss.data)


def graph_size(output: Any, engine: str) -> int:
    """How many nodes (leaves included) ``output`` depends on, counted the same way for both."""
    attr = {"ours": "parents", "micrograd": "_prev"}[engine]
    seen, stack = {id(output)}, [output]
    while stack:
        for parent in getattr(stack.pop(), attr):
            if id(parent) not in seen:
                seen.add(id(parent))
                stack.append(parent)
    return len(seen)


MODELS = {"ours": ours_model, "micrograd": micrograd_model}
CHAINS = {"ours": ours_chain, "micrograd": micrograd_chain}


def _as_arrays(points: list, labels: list) -> tuple[Any, Any]:
    return np.asarray(points, dtype=float), np.asarray(labels, dtype=float)


def _as_tensors(dtype: str) -> Callable[[list, list], tuple[Any, Any]]:
    def convert(points: list, labels: list) -> tuple[Any, Any]:
        import torch

        kind = getattr(torch, dtype)
        return torch.tensor(points, dtype=kind), torch.tensor(labels, dtype=kind)
    return convert


@dataclass(frozen=True)
class Engine:
    """One way to run the demo step: ``model()`` → (loss, parameters); ``data(points, labels)``
    puts plain lists in the form its loss takes (converted once, outside the timed steps);
    ``step`` is its training step, with the signature of `train_step`."""

    model: Callable[[], tuple[Callable[[Any, Any], Any], list]]
    data: Callable[[list, list], tuple[Any, Any]]
    step: Callable[..., float]
    needs: str  # the module that must be importable


ENGINES = {
    "micrograd": Engine(micrograd_model, lambda p, y: (p, y), train_step, "micrograd"),
    "scalar": Engine(ours_model, lambda p, y: (p, y), train_step, "nn"),
    "batched": Engine(batched_model, _as_arrays, train_step, "nn"),
    "torch64": Engine(partial(torch_model, dtype="float64"), _as_tensors("float64"),
                      torch_train_step, "torch"),
    "torch32": Engine(partial(torch_model, dtype="float32"), _as_tensors("float32"),
                      torch_train_step, "torch"),
}
