"""Rosenblatt's perceptron (1958): a threshold unit trained by its own rule, no gradients.

ŷ = 1 if w·x + b ≥ 0 else 0 (or −1 with ±1 labels);  w ← w + η(t − ŷ)x,  b ← b + η(t − ŷ).
The rule stops changing the weights once every example is right, which happens in finitely many
epochs exactly when a straight line (a hyperplane) separates the classes: so never for XOR.
"""

from __future__ import annotations

import numpy as np

from ._checks import positive, seeded_rng, whole_number
from .train import as_table


def _as_data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    X = as_table(X)
    try:
        y = np.asarray(y, dtype=float)
    except (TypeError, ValueError):
        raise TypeError("y must be numbers: one label per example") from None
    if y.ndim != 1 or len(y) != len(X):
        raise ValueError(f"y must hold one label per example: X has {len(X)} examples, "
                         f"y has shape {y.shape}")
    return X, y


class Perceptron:
    """A single threshold unit; `fit` runs Rosenblatt's rule one example at a time.

    After `fit`: ``converged`` (an epoch with no mistakes happened), ``epochs_run``,
    ``errors_per_epoch`` (mistakes in each epoch) and ``message`` (a sentence saying which).
    """

    def __init__(self, n_in: int, lr: float = 0.1, max_epochs: int = 100, seed: int = 0) -> None:
        self.n_in = whole_number("n_in (the number of inputs)", n_in, 1)
        self.lr = positive("learning rate (lr)", lr)
        self.max_epochs = whole_number("max_epochs", max_epochs, 1)
        # small random weights (Raschka & Mirjalili's choice): all-zero ones make η irrelevant
        rng = seeded_rng(seed)
        self.w = rng.normal(0.0, 0.01, size=self.n_in)
        self.b = 0.0
        self.labels = (0.0, 1.0)
        self.converged = False
        self.epochs_run = 0
        self.errors_per_epoch: list[int] = []
        self.message = "not trained yet"

    def net_input(self, X: object) -> np.ndarray:
        """w·x + b for each row x of X."""
        X = np.asarray(X, dtype=float)
        if X.ndim != 2 or X.shape[1] != self.n_in:
            raise ValueError(f"expected a table with {self.n_in} inputs per example, "
                             f"got shape {X.shape}")
        return X @ self.w + self.b

    def predict(self, X: object) -> np.ndarray:
        """The higher label where w·x + b ≥ 0, else the lower one."""
        low, high = self.labels
        return np.where(self.net_input(X) >= 0.0, high, low)

    def fit(self, X: object, y: object) -> Perceptron:
        """Rosenblatt's rule over the examples in order, epoch after epoch, until an epoch makes
        no mistake (converged) or ``max_epochs`` have run (not converged). Returns self."""
        X, y = _as_data(X, y)
        if X.shape[1] != self.n_in:
            raise ValueError(f"expected {self.n_in} inputs per example, got {X.shape[1]}")
        found = set(np.unique(y).tolist())
        if not found <= {0.0, 1.0} and not found <= {-1.0, 1.0}:
            raise ValueError(f"perceptron labels must be 0/1 or -1/+1, got {sorted(found)}")
        self.labels = (-1.0, 1.0) if -1.0 in found else (0.0, 1.0)
        self.converged, self.errors_per_epoch = False, []
        for epoch in range(1, self.max_epochs + 1):
            mistakes = 0
            for x, t in zip(X, y, strict=True):
                change = self.lr * (t - self.predict(x[None, :])[0])
                self.w += change * x
                self.b += change
                mistakes += int(change != 0.0)
            self.errors_per_epoch.append(mistakes)
            self.epochs_run = epoch
            if mistakes == 0:
                self.converged = True
                self.message = f"converged after {epoch} epochs: every example is classified right"
                return self
        self.message = (
            f"did not converge after {self.max_epochs} epochs: {self.errors_per_epoch[-1]} of "
            f"{len(X)} examples were still misclassified in the last epoch. A perceptron draws "
            "one straight line; if no line separates the classes (as for XOR) it never converges.")
        return self

    def __repr__(self) -> str:
        return f"Perceptron({self.n_in}, lr={self.lr:g}, max_epochs={self.max_epochs})"
