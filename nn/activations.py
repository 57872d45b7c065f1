"""Activation functions by name, each one `Value` method of the engine (its derivative is in the
engine's rule table, so it shows in traces and drawings as one node).

linear: f(x) = x;  sigmoid: σ(x) = 1/(1 + e^−x);  tanh;  relu: max(0, x);
leaky_relu: x or 0.01·x;  elu: x or e^x − 1 (Clevert et al. 2015);  softplus: ln(1 + e^x).
"""

from __future__ import annotations

from collections.abc import Callable
from operator import methodcaller

from autograd_core import Value

Activation = Callable[[Value], Value]


def identity(x: Value) -> Value:
    """The linear unit f(x) = x (regression outputs): returns its input node, adding no node."""
    return x


# methodcaller, not Value.sigmoid: the call goes to the node's own class, so a BatchValue (one
# number per example) runs its batch version of the same method.
ACTIVATIONS: dict[str, Activation] = {
    "linear": identity,
    **{name: methodcaller(name)
       for name in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus")},
}


def get_activation(name_or_callable: str | Activation) -> tuple[str, Activation]:
    """The activation's name and function, from a known name or any callable Value → Value.

    A callable that is one of `ACTIVATIONS` (or the `Value` method of that name) gets its registry
    name and function; another callable is named by its ``__name__`` ("custom" for a lambda).
    """
    if isinstance(name_or_callable, str):
        name = name_or_callable.strip().lower().replace("-", "_")
        if name not in ACTIVATIONS:
            known = ", ".join(ACTIVATIONS)
            raise ValueError(f"unknown activation {name_or_callable!r}; known names: {known}")
        return name, ACTIVATIONS[name]
    if callable(name_or_callable):
        for name, fn in ACTIVATIONS.items():
            if name_or_callable in (fn, getattr(Value, name, None)):
                return name, fn
        name = getattr(name_or_callable, "__name__", "custom")
        return ("custom" if name == "<lambda>" else name), name_or_callable
    raise TypeError(
        "activation must be a name such as 'relu' or a function of a Value, got "
        f"{type(name_or_callable).__name__}: {name_or_callable!r}"
    )
