"""The lecture's own networks: the slide's worked example, the hand-set ReLU network that solves
XOR (Goodfellow et al., Deep Learning, §6.1), and a stack of linear layers."""

from __future__ import annotations

from dataclasses import dataclass

from autograd_core import Value

from ._checks import learning_rate
from .layers import MLP
from .losses import half_squared_error, squared_error

WORKED_INPUTS = (1.0, 0.0, 1.0)
WORKED_TARGET = 1.0
WORKED_WEIGHTS = {"w14": 0.2, "w15": -0.3, "w24": 0.4, "w25": 0.1, "w34": -0.5, "w35": 0.2,
                  "w46": -0.3, "w56": -0.2, "b4": -0.4, "b5": 0.2, "b6": 0.1}
WORKED_LOSSES = {"squared": squared_error, "half-squared": half_squared_error}


def worked_example() -> MLP:
    """The slide's 3-2-1 sigmoid network: inputs 1-3, hidden units 4 and 5, output unit 6,
    weights w14 = 0.2, w15 = −0.3, w24 = 0.4, w25 = 0.1, w34 = −0.5, w35 = 0.2, w46 = −0.3,
    w56 = −0.2 and biases b4 = −0.4, b5 = 0.2, b6 = 0.1."""
    model = MLP(3, [2, 1], activation="sigmoid", output_activation="sigmoid")
    model.load_state_dict(WORKED_WEIGHTS)
    return model


@dataclass(frozen=True)
class WorkedExampleStep:
    """One forward pass, backward pass and update of the worked example.

    ``forward``: unit → {"net": i_j, "out": o_j}; ``errors``: unit → −∂E/∂i_j; per parameter
    ``gradients`` ∂E/∂w, ``old`` value, ``steps`` −lr·∂E/∂w and ``updated`` old + step;
    ``model`` carries the updated weights; ``graph`` is the loss node of the forward pass, its
    backward pass done (its parameter leaves keep the old values, for drawing).
    """

    loss_name: str
    lr: float
    model: MLP
    forward: dict[str, dict[str, float]]
    loss: float
    errors: dict[str, float]
    gradients: dict[str, float]
    old: dict[str, float]
    steps: dict[str, float]
    updated: dict[str, float]
    graph: Value

    def to_dict(self) -> dict:
        """The JSON shape of ``backprop worked-example --json``."""
        return {"forward": self.forward, "loss": self.loss, "errors": self.errors,
                "gradients": self.gradients, "updated": self.updated}


def worked_example_step(loss: str = "squared", lr: float = 0.9) -> WorkedExampleStep:
    """Forward, backward and one gradient-descent update w ← w − lr·∂E/∂w of the worked example,
    with E = (t − o₆)² ("squared", the lecture's) or ½(t − o₆)² ("half-squared", the textbooks')."""
    if loss not in WORKED_LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(WORKED_LOSSES)}")
    lr = learning_rate(lr)
    model = worked_example()
    error = WORKED_LOSSES[loss](model(WORKED_INPUTS), WORKED_TARGET)
    error.label = "E"  # the slide's name for the error, on the drawn graph's output node
    error.backward()
    neurons = [n for layer in model.layers for n in layer.neurons]
    forward = {str(n.unit): {"net": n.net.data, "out": n.out.data} for n in neurons}
    errors = {str(n.unit): -n.net.grad for n in neurons}
    params = model.named_parameters()
    gradients = {name: p.grad for name, p in params}
    old = {name: p.data for name, p in params}
    steps = {name: -lr * g for name, g in gradients.items()}
    updated = {name: old[name] + steps[name] for name in old}
    # a fresh model takes the update, so that the drawn graph keeps the values it computed with
    new_model = worked_example()
    new_model.load_state_dict(updated)
    return WorkedExampleStep(loss, float(lr), new_model, forward, error.data, errors, gradients,
                             old, steps, updated, error)


def xor_relu() -> MLP:
    """Goodfellow et al.'s XOR network: h = max(0, W·x + c), y = w·h + b with W = [[1, 1], [1, 1]],
    c = (0, −1), w = (1, −2), b = 0; exact on all four XOR points."""
    model = MLP(2, [2, 1], activation="relu", output_activation="linear")
    model.set_weights([[[1.0, 1.0], [1.0, 1.0]], [[1.0, -2.0]]], [[0.0, -1.0], [0.0]])
    return model


def linear_stack() -> MLP:
    """A 2-3-2 network with the linear (identity) activation everywhere and small integer weights:
    it equals one affine map, which `collapse_linear` returns."""
    model = MLP(2, [3, 2], activation="linear", output_activation="linear")
    model.set_weights([[[1.0, 2.0], [0.0, -1.0], [3.0, 1.0]], [[1.0, 0.0, 1.0], [2.0, -1.0, 0.0]]],
                      [[1.0, 0.0, -2.0], [0.5, -1.0]])
    return model
