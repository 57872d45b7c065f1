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
WIDTH = SIZES[1]  # the hidden layers' width; the wide benchmark uses 64


def sizes(width: int = WIDTH) -> tuple[int, ...]:
    """The demo network's layer sizes with hidden layers of ``width`` units: 2 → w → w → 1."""
    return (SIZES[0], width, width, SIZES[-1])
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


def _initial_weights(seed: int, width: int = WIDTH) -> list[list[list[float]]]:
    """Per layer, per unit, the incoming weights, drawn U(−1, 1) in micrograd's order."""
    rng = random.Random(seed)
    return [
        [[rng.uniform(-1, 1) for _ in range(n_in)] for _ in range(n_out)]
        for n_in, n_out in pairwise(sizes(width))
    ]


# -- ours ----------------------------------------------------------------------------------------

def _ours_mlp(seed: int, width: int = WIDTH, output: str = "linear") -> Any:
    """Our `nn.MLP`, ReLU hidden units, a linear output unit, micrograd's initial weights."""
    from nn import MLP

    shape = sizes(width)
    model = MLP(shape[0], list(shape[1:]), activation="relu", output_activation=output)
    weights = _initial_weights(seed, width)
    model.set_weights(weights, [[0.0] * len(layer) for layer in weights])
    return model


def ours_model(seed: int = SEED, width: int = WIDTH) -> tuple[Callable[[list, list], Any], list]:
    """Our `nn.MLP` (one `linear` node per unit), one graph per example; returns
    ``(loss(points, labels), parameters)``."""
    from autograd_core import vsum

    model = _ours_mlp(seed, width)
    params = model.parameters()

    def loss(points: list, labels: list) -> Any:
        """mean(relu(1 − y·score)) + λ·Σp², the max-margin loss of micrograd's demo."""
        scores = [model(row) for row in points]
        margins = [(1 - y * s).relu() for y, s in zip(labels, scores, strict=True)]
        return vsum(margins) * (1.0 / len(margins)) + L2 * vsum([p * p for p in params])

    return loss, params


def batched_model(seed: int = SEED, width: int = WIDTH) -> tuple[Callable[[Any, Any], Any], list]:
    """The same network and loss for a whole batch at once: ``model(X)`` on the (n, 2) array of
    points gives one graph whose nodes each compute their operation for every example
    (`BatchValue`), and `nn.losses.hinge` averages max(0, 1 − y·score) over the batch."""
    from autograd_core import vsum
    from nn.losses import hinge

    model = _ours_mlp(seed, width)
    params = model.parameters()

    def loss(points: Any, labels: Any) -> Any:
        """mean over the batch of max(0, 1 − y·score), + λ·Σp²."""
        return hinge(model(points), labels) + L2 * vsum([p * p for p in params])

    return loss, params


def compiled_model(seed: int = SEED,
                   width: int = WIDTH) -> tuple[Callable[[Any, Any], Any], np.ndarray]:
    """The batched model's graph recorded once per batch size and replayed as grouped array
    operations (`autograd_core.compile`); returns ``(run(points, labels) → (loss, gradient), the
    flat parameters)``, the parameters kept flat between steps as `nn.fit` keeps them."""
    from autograd_core import BatchConstant, BatchValue, compile

    loss_of, params = batched_model(seed, width)
    flat = np.array([p.data for p in params])
    programs: dict[int, Any] = {}

    def run(points: np.ndarray, labels: np.ndarray) -> tuple[float, np.ndarray]:
        program = programs.get(len(labels))
        if program is None:  # recorded once per batch size, from the same loss code
            xs = [BatchValue(points[:, k]) for k in range(points.shape[1])]
            t = BatchConstant(labels)
            program = programs[len(labels)] = compile(loss_of(xs, [t]), [*xs, t], params)
        program.data[:] = flat
        return program.run([*points.T, labels]), program.grad

    return run, flat


def compiled_train_step(run: Callable[[Any, Any], tuple[float, np.ndarray]], flat: np.ndarray,
                        points: np.ndarray, labels: np.ndarray, lr: float) -> float:
    """`train_step` on flat parameters: one replay (forward and backward), then p ← p − η·∂L/∂p
    as one array operation. Returns the loss."""
    loss, grad = run(points, labels)
    flat -= lr * grad
    return loss


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

def micrograd_model(seed: int = SEED,
                    width: int = WIDTH) -> tuple[Callable[[list, list], Any], list]:
    """micrograd's own `MLP` and the loss of its demo notebook; returns ``(loss, parameters)``."""
    from micrograd.engine import Value
    from micrograd.nn import MLP

    model = MLP(SIZES[0], list(sizes(width)[1:]))
    for layer, weights in zip(model.layers, _initial_weights(seed, width), strict=True):
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

def _torch_net(seed: int, dtype: str, width: int) -> Any:
    """The network as `torch.nn.Linear` layers with ReLU between them, in ``dtype``, from the
    same initial weights (biases 0). One thread, as our engine: on a busy 2-core machine
    PyTorch's second thread waits for a core and a step takes 50 ms."""
    import torch

    torch.set_num_threads(1)
    dims = list(pairwise(sizes(width)))
    linears = [torch.nn.Linear(n_in, n_out, dtype=getattr(torch, dtype)) for n_in, n_out in dims]
    with torch.no_grad():
        for layer, weights in zip(linears, _initial_weights(seed, width), strict=True):
            layer.weight.copy_(torch.tensor(weights, dtype=layer.weight.dtype))
            layer.bias.zero_()
    hidden = [m for layer in linears[:-1] for m in (layer, torch.nn.ReLU())]
    return torch.nn.Sequential(*hidden, linears[-1])


def torch_model(seed: int = SEED, dtype: str = "float64",
                width: int = WIDTH) -> tuple[Callable[[Any, Any], Any], list]:
    """The same network and loss in PyTorch; the loss takes the points as an (n, 2) tensor and
    the labels as an (n,) tensor."""
    import torch

    net = _torch_net(seed, dtype, width)
    params = list(net.parameters())

    def loss(points: Any, labels: Any) -> Any:
        margins = torch.relu(1 - labels * net(points)[:, 0])
        return margins.mean() + L2 * sum((p * p).sum() for p in params)

    return loss, params


# -- training two moons to an accuracy: nn.fit against a PyTorch loop ----------------------------

def ours_fit(points: list, labels: list, lr: float, accuracy: float, max_epochs: int,
             compiled: bool, seed: int = SEED) -> tuple[Callable[[], int], Callable[[], float]]:
    """Training as users run it: `nn.fit` with Adam, binary cross-entropy on a sigmoid output,
    full batch, stopping once the misclassification rate is ≤ 1 − ``accuracy`` (the lecture's
    criterion). Returns ``train() → epochs``, each call from the same initial weights, and
    ``accuracy()`` of the model as it is (measured outside the timing)."""
    import nn

    X, y = np.asarray(points), (np.asarray(labels) > 0).astype(int)
    model = _ours_mlp(seed, output="sigmoid")
    start = model.state_dict()

    def train() -> int:
        model.load_state_dict(start)
        return nn.fit(model, X, y, loss="binary_cross_entropy",
                      optimizer=nn.Adam(model.parameters(), lr=lr), epochs=max_epochs,
                      max_error_rate=1 - accuracy, progress=False, compiled=compiled).epochs

    return train, lambda: nn.evaluate(model, X, y)["accuracy"]


def torch_fit(points: list, labels: list, lr: float, accuracy: float, max_epochs: int,
              seed: int = SEED) -> tuple[Callable[[], int], Callable[[], float]]:
    """The same training in PyTorch's idiom, float64: `torch.optim.Adam`, `binary_cross_entropy`
    of the sigmoid output, the accuracy of each epoch's forward pass, confirmed after the update
    as `nn.fit` confirms it."""
    import torch

    net = _torch_net(seed, "float64", WIDTH)
    start = {k: v.clone() for k, v in net.state_dict().items()}
    X = torch.tensor(points, dtype=torch.float64)
    t = (torch.tensor(labels) > 0).to(torch.float64)

    def right(p: Any) -> float:
        return ((p >= 0.5).to(torch.float64) == t).to(torch.float64).mean().item()

    def accuracy_now() -> float:
        with torch.no_grad():
            return right(torch.sigmoid(net(X)[:, 0]))

    def train() -> int:
        net.load_state_dict(start)
        opt = torch.optim.Adam(net.parameters(), lr=lr)
        for epoch in range(1, max_epochs + 1):
            p = torch.sigmoid(net(X)[:, 0])
            loss = torch.nn.functional.binary_cross_entropy(p, t)
            reached = right(p.detach()) >= accuracy
            opt.zero_grad()
            loss.backward()
            opt.step()
            if reached and accuracy_now() >= accuracy:
                return epoch
        return max_epochs

    return train, accuracy_now


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
    """The number in a step's loss: a node's ``data``, a tensor's ``item()``, or a number."""
    if isinstance(loss, float):
        return loss
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
    "compiled": Engine(compiled_model, _as_arrays, compiled_train_step, "nn"),
    "torch64": Engine(partial(torch_model, dtype="float64"), _as_tensors("float64"),
                      torch_train_step, "torch"),
    "torch32": Engine(partial(torch_model, dtype="float32"), _as_tensors("float32"),
                      torch_train_step, "torch"),
}
