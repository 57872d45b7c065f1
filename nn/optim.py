"""Optimizers: the update rules on the lecture's slide (cs231n notation), per-parameter state.

vanilla   x += −lr·dx
momentum  v = μ·v − lr·dx;  x += v            (Nesterov: x += −μ·v_prev + (1 + μ)·v)
AdaGrad   cache += dx²;  x += −lr·dx / (√cache + eps)
RMSprop   cache = ρ·cache + (1 − ρ)·dx²;  x += −lr·dx / (√cache + eps)
Adam      m = β1·m + (1 − β1)·dx;  v = β2·v + (1 − β2)·dx²;  x += −lr·m̂ / (√v̂ + eps)

How these relate to ``torch.optim`` (the tests check the first steps give the same numbers):

- Momentum: μ is cs231n's "momentum" and the slide's friction coefficient, a number in [0, 1):
  the fraction of the velocity kept from one step to the next (μ = 0: all of it is lost, which is
  vanilla SGD; μ near 1: little is lost). PyTorch keeps a buffer b = μ·b + dx and steps x −= lr·b;
  with a constant lr, v = −lr·b at every step, so the two give the same x. (With a schedule that
  changes lr the slide's velocity keeps the old lr inside it; PyTorch's buffer does not.)
  The slide's "larger values mean greater friction" names μ as cs231n does (the friction
  coefficient); in the update a larger μ damps the velocity less, so the drag proper is 1 − μ.
- Nesterov: the slide's form equals PyTorch's ``nesterov=True`` (x −= lr·(dx + μ·b)) the same way.
- AdaGrad, RMSprop (ρ is PyTorch's ``alpha``): the same formulas and the same eps placement.
- Adam: with bias correction (the default, as in PyTorch) m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ);
  ``bias_correction=False`` is the slide's form, m̂ = m and v̂ = v.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from itertools import repeat

import numpy as np

from autograd_core import Value, zero_grad
from autograd_core.compile import cycle_collector_paused

from ._checks import fraction, positive


def _parameters(params: Iterable[Value]) -> list[Value]:
    if hasattr(params, "parameters") and not isinstance(params, list | tuple):
        raise TypeError("an optimizer takes the model's parameters: pass model.parameters(), "
                        "not the model itself")
    try:
        ps = list(params)
    except TypeError:
        raise TypeError(f"an optimizer takes a list of Values (model.parameters()), "
                        f"got {type(params).__name__}") from None
    if not ps:
        raise ValueError("an optimizer needs at least one parameter, got an empty list")
    if not all(map(isinstance, ps, repeat(Value))):  # 66,000 of them in a wide network
        k, p = next((k, p) for k, p in enumerate(ps) if not isinstance(p, Value))
        raise TypeError(f"parameter {k} is a {type(p).__name__}, not a Value: an optimizer "
                        "can only update Values (use model.parameters())")
    if len(set(ps)) != len(ps):  # Values hash by identity
        raise ValueError("the same parameter appears twice in the list: it would be updated twice")
    return ps


def _sqrt(x: float | np.ndarray) -> float | np.ndarray:
    """√x of one number or of every entry (both correctly rounded, so the two paths agree)."""
    return np.sqrt(x) if isinstance(x, np.ndarray) else math.sqrt(x)


class Optimizer:
    """Holds the parameters, the learning rate and each parameter's state; `step` applies the
    rule of the subclass to every parameter, using the gradients the last `backward` left.

    After each step, ``last_step[k]`` is the change made to parameter k (for diagnostics).
    """

    def __init__(self, params: Iterable[Value], lr: float) -> None:
        self.params = _parameters(params)
        self.lr = lr
        # The state is kept either per parameter (`state`) or, after a compiled fit, as one
        # array per quantity (`pack_state`'s); each is made from the other only when asked for:
        # a wide network has 66,000 parameters, and a compiled fit never needs the dicts.
        self._state: list[dict[str, float]] | None = None
        self._packed: dict[str, np.ndarray | float] = {}
        self.last_step: list[float] = [0.0] * len(self.params)

    @property
    def state(self) -> list[dict[str, float]]:
        """Each parameter's state, in the order of ``params``: the quantities its rule keeps
        (v, cache, m, …) by name, empty before the first step."""
        if self._state is None:
            n = len(self.params)
            columns = [np.broadcast_to(v, n).tolist() for v in self._packed.values()]
            with cycle_collector_paused():  # one dict per parameter
                self._state = ([dict(zip(self._packed, row)) for row in zip(*columns)]
                               if columns else [{} for _ in range(n)])
            self._packed = {}
        return self._state

    @property
    def lr(self) -> float:
        """The learning rate η (a schedule may change it between epochs)."""
        return self._lr

    @lr.setter
    def lr(self, value: float) -> None:
        self._lr = positive("learning rate (lr)", value)

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0 (gradients otherwise add up across backward)."""
        zero_grad(self.params)

    def step(self) -> None:
        """Update every parameter once with its gradient."""
        for k, (p, state) in enumerate(zip(self.params, self.state, strict=True)):
            if not math.isfinite(p.grad):
                raise self._overflow(k, p.grad)
            delta = self._delta(p.grad, state)
            p.data += delta
            self.last_step[k] = delta

    def _overflow(self, k: int, grad: float) -> ValueError:
        return ValueError(f"the gradient of parameter {k} ({self.params[k].label or 'unnamed'}) "
                          f"is {grad}: the loss has overflowed; try a smaller learning rate")

    def step_flat(self, data: np.ndarray, grad: np.ndarray,
                  state: dict[str, np.ndarray | float]) -> np.ndarray:
        """`step` for every parameter at once (the compiled mode): ``data += Δ`` with the same
        rule, on flat arrays in the order of ``params``; ``state`` is `pack_state`'s. Returns Δ."""
        bad = ~np.isfinite(grad)
        if bad.any():
            k = int(np.argmax(bad))
            raise self._overflow(k, float(grad[k]))
        delta = self._delta(grad, state)
        data += delta
        return delta

    def pack_state(self) -> dict[str, np.ndarray]:
        """The per-parameter state as one array per quantity (v, cache, m, …), for `step_flat`."""
        if self._state is None:
            return {key: np.array(v) if isinstance(v, np.ndarray) else v
                    for key, v in self._packed.items()}
        keys = dict.fromkeys(key for s in self._state for key in s)
        return {key: np.array([s.get(key, 0.0) for s in self._state]) for key in keys}

    def unpack_state(self, state: dict[str, np.ndarray | float], last_step: np.ndarray) -> None:
        """Take back `step_flat`'s state and last Δ (`state` then shows them per parameter, as
        `step` keeps them)."""
        n = len(self.params)
        self._packed = {key: np.array(np.broadcast_to(v, n)) if isinstance(v, np.ndarray)
                        else float(v) for key, v in state.items()}
        self._state = None  # made from the arrays if someone reads it
        self.last_step = np.broadcast_to(last_step, n).tolist()

    def _delta(self, dx: float, state: dict[str, float]) -> float:
        raise NotImplementedError

    def __repr__(self) -> str:
        return f"{type(self).__name__}(lr={self.lr:g}, {len(self.params)} parameters)"


class SGD(Optimizer):
    """Vanilla x += −lr·dx; with momentum μ: v = μ·v − lr·dx, x += v (Nesterov as an option)."""

    def __init__(self, params: Iterable[Value], lr: float = 0.1, momentum: float = 0.0,
                 nesterov: bool = False) -> None:
        super().__init__(params, lr)
        self.momentum = fraction(
            "momentum", momentum, "the fraction of the velocity kept each step; 0 is vanilla SGD")
        if nesterov and self.momentum == 0:
            raise ValueError("nesterov=True needs a momentum above 0 (it looks ahead along the "
                             "velocity, and with momentum 0 there is none)")
        self.nesterov = bool(nesterov)

    def _delta(self, dx: float, state: dict[str, float]) -> float:
        if self.momentum == 0:
            return -self.lr * dx
        v_prev = state.get("v", 0.0)
        v = self.momentum * v_prev - self.lr * dx
        state["v"] = v
        if self.nesterov:
            return -self.momentum * v_prev + (1 + self.momentum) * v
        return v


class AdaGrad(Optimizer):
    """cache += dx²; x += −lr·dx / (√cache + eps): steps shrink fastest where slopes are steep."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, eps: float = 1e-10) -> None:
        super().__init__(params, lr)
        self.eps = positive("eps", eps)

    def _delta(self, dx: float, state: dict[str, float]) -> float:
        cache = state.get("cache", 0.0) + dx * dx
        state["cache"] = cache
        return -self.lr * dx / (_sqrt(cache) + self.eps)


class RMSprop(Optimizer):
    """cache = ρ·cache + (1 − ρ)·dx²; x += −lr·dx / (√cache + eps) (ρ: the slide's decay_rate)."""

    def __init__(self, params: Iterable[Value], lr: float = 0.01, decay_rate: float = 0.99,
                 eps: float = 1e-8) -> None:
        super().__init__(params, lr)
        self.decay_rate = fraction(
            "decay_rate", decay_rate, "the fraction of the running average of dx² kept each step")
        self.eps = positive("eps", eps)

    def _delta(self, dx: float, state: dict[str, float]) -> float:
        rho = self.decay_rate
        cache = rho * state.get("cache", 0.0) + (1 - rho) * dx * dx
        state["cache"] = cache
        return -self.lr * dx / (_sqrt(cache) + self.eps)


class Adam(Optimizer):
    """m = β1·m + (1 − β1)·dx; v = β2·v + (1 − β2)·dx²; x += −lr·m̂ / (√v̂ + eps), where
    m̂ = m/(1 − β1ᵗ), v̂ = v/(1 − β2ᵗ) with bias correction (default), else m̂ = m, v̂ = v.
    """

    def __init__(self, params: Iterable[Value], lr: float = 0.001, beta1: float = 0.9,
                 beta2: float = 0.999, eps: float = 1e-8, bias_correction: bool = True) -> None:
        super().__init__(params, lr)
        self.beta1 = fraction("beta1", beta1, "the decay of the running mean of dx")
        self.beta2 = fraction("beta2", beta2, "the decay of the running mean of dx²")
        self.eps = positive("eps", eps)
        self.bias_correction = bool(bias_correction)

    def _delta(self, dx: float, state: dict[str, float]) -> float:
        b1, b2 = self.beta1, self.beta2
        t = state.get("t", 0.0) + 1
        m = b1 * state.get("m", 0.0) + (1 - b1) * dx
        v = b2 * state.get("v", 0.0) + (1 - b2) * dx * dx
        state.update(t=t, m=m, v=v)
        if self.bias_correction:
            # the running means start at 0, so early on they are too small by (1 − βᵗ)
            m, v = m / (1 - b1**t), v / (1 - b2**t)
        return -self.lr * m / (_sqrt(v) + self.eps)


OPTIMIZERS: dict[str, type[Optimizer]] = {
    "sgd": SGD, "adagrad": AdaGrad, "rmsprop": RMSprop, "adam": Adam,
}
