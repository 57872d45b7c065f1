"""The lecture's own networks: the slide's worked example, the hand-set ReLU network that solves
XOR (Goodfellow et al., Deep Learning, §6.1), and a stack of linear layers."""

from __future__ import annotations

from ._checks import learning_rate
from .layers import MLP
from .spec import lecture
from .stepping import StepRecord, step

_LECTURE = lecture()
WORKED_INPUTS = _LECTURE.examples[0].x
WORKED_TARGET = _LECTURE.examples[0].t[0]
WORKED_WEIGHTS = dict(_LECTURE.weights)
WORKED_LOSSES = ("squared", "half-squared")


def worked_example() -> MLP:
    """The slide's 3-2-1 sigmoid network: inputs 1-3, hidden units 4 and 5, output unit 6,
    weights w14 = 0.2, w15 = −0.3, w24 = 0.4, w25 = 0.1, w34 = −0.5, w35 = 0.2, w46 = −0.3,
    w56 = −0.2 and biases b4 = −0.4, b5 = 0.2, b6 = 0.1
    (the spec file nn/specs/worked_example.toml)."""
    return _LECTURE.model()


def worked_example_step(loss: str = "squared", lr: float = 0.9) -> StepRecord:
    """Forward, backward and one gradient-descent update w ← w − lr·∂E/∂w of the worked example,
    with E = (t − o₆)² ("squared", the lecture's) or ½(t − o₆)² ("half-squared", the textbooks'):
    the first record of `nn.step` on the lecture's spec."""
    if loss not in WORKED_LOSSES:
        raise ValueError(f"unknown loss {loss!r}; choose one of {', '.join(WORKED_LOSSES)}")
    return step(_LECTURE.with_settings(loss=loss, lr=learning_rate(lr)))[0]


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
