"""Learning-rate schedules: callables epoch t (0, 1, 2, …) → learning rate.

step decay      lr₀·factorᶠˡᵒᵒʳ⁽ᵗ/ᵉᵛᵉʳʸ⁾   (reduce by a factor every few epochs)
exponential     lr₀·e^(−k·t)
1/t decay       lr₀/(1 + k·t)           (with lr₀ = k = 1 this is the lecture's rule of thumb
                                         η = 1/t, t counting passes through the data from 1)
"""

from __future__ import annotations

import math
import numbers

from ._checks import positive, whole_number


class Schedule:
    """Base: checks the epoch, then asks the subclass for the rate."""

    def __init__(self, lr0: float) -> None:
        self.lr0 = positive("initial learning rate lr0", lr0)

    def __call__(self, epoch: int) -> float:
        if isinstance(epoch, bool) or not isinstance(epoch, numbers.Integral):
            raise TypeError(f"epoch must be a whole number, got {epoch!r}")
        if epoch < 0:
            raise ValueError(f"epoch counts from 0 and cannot be negative, got {epoch}")
        return self.rate(int(epoch))

    def rate(self, epoch: int) -> float:
        raise NotImplementedError


class StepDecay(Schedule):
    """lr₀·factor^⌊t / every⌋: the rate is multiplied by ``factor`` every ``every`` epochs."""

    def __init__(self, lr0: float, factor: float = 0.5, every: int = 10) -> None:
        super().__init__(lr0)
        self.factor = positive("factor", factor)
        if self.factor >= 1:
            raise ValueError(f"factor must be below 1 to decay the rate, got {self.factor}")
        self.every = whole_number("every (epochs between decays)", every, 1)

    def rate(self, epoch: int) -> float:
        return self.lr0 * self.factor ** (epoch // self.every)

    def __repr__(self) -> str:
        return f"StepDecay(lr0={self.lr0:g}, factor={self.factor:g}, every={self.every})"


class ExponentialDecay(Schedule):
    """lr₀·e^(−k·t)."""

    def __init__(self, lr0: float, k: float = 0.1) -> None:
        super().__init__(lr0)
        self.k = positive("decay rate k", k)

    def rate(self, epoch: int) -> float:
        return self.lr0 * math.exp(-self.k * epoch)

    def __repr__(self) -> str:
        return f"ExponentialDecay(lr0={self.lr0:g}, k={self.k:g})"


class InverseTimeDecay(Schedule):
    """lr₀/(1 + k·t); lr₀ = k = 1 gives η = 1/t with t = epoch + 1, the lecture's rule of thumb."""

    def __init__(self, lr0: float = 1.0, k: float = 1.0) -> None:
        super().__init__(lr0)
        self.k = positive("decay rate k", k)

    def rate(self, epoch: int) -> float:
        return self.lr0 / (1 + self.k * epoch)

    def __repr__(self) -> str:
        return f"InverseTimeDecay(lr0={self.lr0:g}, k={self.k:g})"

