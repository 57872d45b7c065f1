"""The lecture's own networks built by hand: the ReLU network that solves
XOR (Goodfellow et al., Deep Learning, §6.1), and a stack of linear layers."""

from __future__ import annotations

from .layers import MLP


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
