"""`fit`'s history of weight changes, against a step worked by hand."""

import numpy as np
import pytest

from nn import MLP, fit


def test_weight_change_is_the_largest_parameter_step_of_each_epoch():
    # one linear unit y = w·x + b with w = 0.5, b = 0; one example x = 2, t = 3; loss (y − t)².
    # Epoch 1: y = 1, ∂L/∂w = 2(y − t)·x = −8, ∂L/∂b = 2(y − t) = −4; with η = 0.1
    # w ← 0.5 + 0.8 = 1.3, b ← 0 + 0.4 = 0.4: the largest change is 0.8.
    # Epoch 2: y = 1.3·2 + 0.4 = 3 = t, so the gradient is 0 and nothing moves.
    m = MLP(1, [1], output_activation="linear", seed=0)
    m.load_state_dict({"w12": 0.5, "b2": 0.0})
    h = fit(m, np.array([[2.0]]), np.array([3.0]), loss="mse", optimizer="sgd", lr=0.1,
            epochs=2, progress=False)
    assert h.weight_change == pytest.approx([0.8, 0.0], abs=1e-12)
    assert m.state_dict() == pytest.approx({"w12": 1.3, "b2": 0.4}, abs=1e-12)
