"""Small data sets for the lecture's experiments, as numpy arrays (no sklearn needed).

Every function returns ``(X, y)``: X has shape (n, 2) of floats, y has shape (n,) of integer
class labels 0, 1, …. The random ones are seeded (numpy's ``default_rng(seed)``), so the same
call gives the same points every time.
"""

from __future__ import annotations

import numbers

import numpy as np

from ._checks import seeded_rng, whole_number

_GATE_INPUTS = np.array([[0.0, 0.0], [0.0, 1.0], [1.0, 0.0], [1.0, 1.0]])


def _gate(outputs: list[int]) -> tuple[np.ndarray, np.ndarray]:
    return _GATE_INPUTS.copy(), np.array(outputs, dtype=int)


def and_gate() -> tuple[np.ndarray, np.ndarray]:
    """The truth table of x1 AND x2: X (4, 2) in {0, 1}, y (4,) = [0, 0, 0, 1]."""
    return _gate([0, 0, 0, 1])


def or_gate() -> tuple[np.ndarray, np.ndarray]:
    """The truth table of x1 OR x2: X (4, 2) in {0, 1}, y (4,) = [0, 1, 1, 1]."""
    return _gate([0, 1, 1, 1])


def xor(n: int | None = None, noise: float = 0.0,
        seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """The truth table of x1 XOR x2: X (4, 2), y (4,) = [0, 1, 1, 0]; no straight line separates
    the 1s from the 0s, so a perceptron cannot learn it and a network with a hidden layer can.

    With ``n``: n points on the four corners (each class gets half, shared by its two corners),
    plus Gaussian noise of standard deviation ``noise``: a cloud around each corner, as
    TensorFlow Playground's XOR.
    """
    if n is None:
        return _gate([0, 1, 1, 0])
    n = whole_number("n", n, 4)
    X, y = _gate([0, 1, 1, 0])
    rng = seeded_rng(seed)
    parts = [np.repeat(X[y == c], _split(count, 2), axis=0)
             for c, count in enumerate(_split(n, 2))]
    return _finish(parts, rng, _check_noise(noise))


def _check_noise(noise: object) -> float:
    if isinstance(noise, bool) or not isinstance(noise, numbers.Real) or not noise >= 0:
        raise ValueError(f"noise is a standard deviation and must be 0 or more, got {noise!r}")
    return float(noise)


def _split(n: int, k: int) -> list[int]:
    """n points into k classes as evenly as possible (the first classes get one more)."""
    return [n // k + (1 if c < n % k else 0) for c in range(k)]


def _finish(parts: list[np.ndarray], rng: np.random.Generator,
            noise: float) -> tuple[np.ndarray, np.ndarray]:
    X = np.concatenate(parts)
    y = np.concatenate([np.full(len(p), c, dtype=int) for c, p in enumerate(parts)])
    X = X + rng.normal(0.0, noise, size=X.shape) if noise else X
    order = rng.permutation(len(X))  # classes interleaved, so a mini-batch sees both
    return X[order], y[order]


def moons(n: int = 100, noise: float = 0.1, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two interleaving half circles: class 0 on (cos θ, sin θ), class 1 on (1 − cos θ,
    0.5 − sin θ), θ evenly in [0, π], plus Gaussian noise of standard deviation ``noise``."""
    n = whole_number("n", n, 2)
    rng = seeded_rng(seed)
    n0, n1 = _split(n, 2)
    t0, t1 = np.linspace(0, np.pi, n0), np.linspace(0, np.pi, n1)
    upper = np.column_stack([np.cos(t0), np.sin(t0)])
    lower = np.column_stack([1 - np.cos(t1), 0.5 - np.sin(t1)])
    return _finish([upper, lower], rng, _check_noise(noise))


def circles(n: int = 100, noise: float = 0.05, factor: float = 0.5,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Two concentric circles: class 0 of radius 1, class 1 of radius ``factor`` (0 < factor < 1),
    angles evenly spaced, plus Gaussian noise."""
    n = whole_number("n", n, 2)
    if isinstance(factor, bool) or not isinstance(factor, numbers.Real) or not 0 < factor < 1:
        raise ValueError(f"factor is the inner radius and must be between 0 and 1, got {factor!r}")
    rng = seeded_rng(seed)
    parts = []
    for radius, count in zip((1.0, float(factor)), _split(n, 2), strict=True):
        t = np.linspace(0, 2 * np.pi, count, endpoint=False)
        parts.append(radius * np.column_stack([np.cos(t), np.sin(t)]))
    return _finish(parts, rng, _check_noise(noise))


def blobs(n: int = 100, centers: int = 3, std: float = 1.0, box: float = 10.0,
          seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Gaussian clusters: ``centers`` centres drawn uniformly in [−box, box]², each with its share
    of the n points, normally spread with standard deviation ``std``."""
    n = whole_number("n", n, 1)
    k = whole_number("centers", centers, 1)
    if n < k:
        raise ValueError(f"n must be at least the number of centers ({k}), got {n}")
    rng = seeded_rng(seed)
    middles = rng.uniform(-box, box, size=(k, 2))
    parts = [np.tile(c, (count, 1)) for c, count in zip(middles, _split(n, k), strict=True)]
    return _finish(parts, rng, _check_noise(std))


def spirals(n: int = 100, classes: int = 2, noise: float = 0.2,
            seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    """Interleaved spiral arms (the cs231n data set): arm c at radius r ∈ [0, 1] has angle
    4r + 2πc/classes, plus Gaussian noise of ``noise`` radians on the angle."""
    n = whole_number("n", n, 2)
    k = whole_number("classes", classes, 2)
    noise = _check_noise(noise)
    rng = seeded_rng(seed)
    parts = []
    for c, count in enumerate(_split(n, k)):
        r = np.linspace(0.0, 1.0, count)
        t = 4 * r + 2 * np.pi * c / k + rng.normal(0.0, noise, size=count)
        parts.append(np.column_stack([r * np.sin(t), r * np.cos(t)]))
    return _finish(parts, rng, 0.0)
