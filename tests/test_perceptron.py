"""Rosenblatt's perceptron: learns AND and OR, and says it cannot learn XOR."""

import numpy as np
import pytest

from nn import datasets
from nn.perceptron import Perceptron


@pytest.mark.parametrize("gate", [datasets.and_gate, datasets.or_gate])
def test_perceptron_learns_and_and_or(gate):
    X, y = gate()
    p = Perceptron(2, lr=0.1, max_epochs=50).fit(X, y)
    assert p.converged
    assert p.errors_per_epoch[-1] == 0
    assert p.predict(X).tolist() == y.tolist()
    assert "converged after" in p.message


def test_perceptron_on_xor_reports_it_did_not_converge():
    X, y = datasets.xor()
    p = Perceptron(2, lr=0.1, max_epochs=30).fit(X, y)
    assert not p.converged
    assert p.epochs_run == 30
    assert all(e > 0 for e in p.errors_per_epoch)
    assert "did not converge after 30 epochs" in p.message
    assert "XOR" in p.message
    # given far longer it still never has a clean epoch: no line separates XOR's classes
    assert not Perceptron(2, lr=0.1, max_epochs=500).fit(X, y).converged


def test_one_rosenblatt_update_by_hand():
    # w = (0, 0), b = 0 after resetting; x = (1, 1), t = 0: net 0 → ŷ = 1, so
    # w ← w + 0.5·(0 − 1)·(1, 1) = (−0.5, −0.5), b ← −0.5; the next epoch has no mistake.
    p = Perceptron(2, lr=0.5, max_epochs=5)
    p.w[:] = 0.0
    p.fit([[1.0, 1.0]], [0])
    assert p.w.tolist() == [-0.5, -0.5]
    assert p.b == -0.5
    assert p.errors_per_epoch == [1, 0]


def test_plus_minus_one_labels_are_kept():
    X, y = datasets.and_gate()
    y_pm = 2 * y - 1
    p = Perceptron(2, max_epochs=50).fit(X, y_pm)
    assert p.converged
    assert p.predict(X).tolist() == y_pm.tolist()


@pytest.mark.parametrize("X, y, message", [
    ([1.0, 0.0], [1], "2-D table"),
    ([[1.0, 0.0]], [1, 0], "one label per example"),
    ([[1.0, 0.0, 3.0]], [1], "expected 2 inputs per example, got 3"),
    ([[1.0, 0.0]], [2], "labels must be 0/1 or -1/\\+1"),
    ([[np.nan, 0.0]], [1], "nan or infinity"),
])
def test_bad_training_data_is_explained(X, y, message):
    with pytest.raises(ValueError, match=message):
        Perceptron(2).fit(X, y)


def test_bad_settings_are_explained():
    with pytest.raises(ValueError, match="must be positive"):
        Perceptron(2, lr=-1)
    with pytest.raises(ValueError, match="max_epochs must be at least 1"):
        Perceptron(2, max_epochs=0)
    with pytest.raises(ValueError, match="n_in .* must be at least 1"):
        Perceptron(0)
    with pytest.raises(ValueError, match="X must be a table of numbers"):
        Perceptron(2).fit([["a", "b"]], [1])  # the same check and words as nn.fit
    with pytest.raises(TypeError, match="y must be numbers"):
        Perceptron(2).fit([[1.0, 2.0]], ["a"])
