"""`collapse_linear`: a stack of linear layers is one affine map (the lecture's point that a chain
of linear functions is linear): W = W_L ⋯ W_1, b = W_L ⋯ W_2·b_1 + ⋯ + b_L."""

from __future__ import annotations

import numpy as np

from .layers import MLP


def collapse_linear(model: MLP) -> tuple[np.ndarray, np.ndarray]:
    """(W, b) with model(x) = W·x + b, for an MLP whose every layer has the linear activation."""
    if not isinstance(model, MLP):
        raise TypeError(f"collapse_linear takes an MLP, got {type(model).__name__}")
    W, b = np.eye(model.n_in), np.zeros(model.n_in)
    for k, layer in enumerate(model.layers):
        if layer.activation != "linear":
            raise ValueError(f"layer {k + 1} uses the {layer.activation} activation; only a stack "
                             "of linear layers collapses into one affine map")
        Wk = np.array([[w.data for w in n.w] for n in layer.neurons])
        bk = np.array([n.b.data for n in layer.neurons])
        W, b = Wk @ W, Wk @ b + bk
    return W, b
