"""What a teacher asks of a network in training: dead ReLU units, vanishing gradients, steps.

- A ReLU unit whose net input is negative for every example outputs 0 everywhere; its local
  derivative is then 0 too, so no gradient reaches its weights and it never recovers ("dies").
- Each layer a gradient passes back through multiplies it by f'(net)·w; σ' ≤ 1/4, so through a
  deep sigmoid stack the first layers' gradients shrink geometrically (vanishing gradients).
"""

from __future__ import annotations

import math

import numpy as np

from .layers import MLP
from .optim import Optimizer
from .train import as_table


def _check_mlp(model: object, what: str) -> None:
    if not isinstance(model, MLP):
        raise TypeError(f"{what} looks at the layers of an MLP such as nn.MLP(2, [4, 1]), "
                        f"got {type(model).__name__}")


def dead_relu_units(model: MLP, X: object) -> list[int]:
    """The unit numbers (as on the slide) of the units whose output is exactly 0 on every row
    of X: dead units. Only units that can output 0 everywhere (ReLU ones) will be listed."""
    _check_mlp(model, "dead_relu_units")
    model(as_table(X))  # one batched pass: each unit's .out holds its output for every row
    units = [neuron for layer in model.layers for neuron in layer.neurons]
    return [n.unit for n in units if not np.any(n.out.data != 0.0)]


def gradient_norms_per_layer(model: MLP) -> list[float]:
    """Per layer (hidden layers, then output), √(Σ ∂L/∂θ²) over its weights and biases: the size
    of the gradient the last ``backward`` left there."""
    _check_mlp(model, "gradient_norms_per_layer")
    return [math.sqrt(math.fsum(p.grad**2 for p in layer.parameters())) for layer in model.layers]


def weight_change_per_step(model: MLP, optimizer: Optimizer) -> dict[str, float]:
    """Parameter name → the change Δθ the optimizer's last ``step`` made to it."""
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"weight_change_per_step needs the optimizer object that made the step, "
                        f"such as nn.SGD(model.parameters(), lr=0.1), got "
                        f"{type(optimizer).__name__}")
    steps = {id(p): d for p, d in zip(optimizer.params, optimizer.last_step, strict=True)}
    missing = [name for name, p in model.named_parameters() if id(p) not in steps]
    if missing:
        raise ValueError(f"the optimizer does not update {', '.join(missing)}: build it with "
                         "this model's parameters (model.parameters())")
    return {name: steps[id(p)] for name, p in model.named_parameters()}
