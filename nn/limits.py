"""The sizes of network backprop-lab builds, checked from the declared sizes before any weight
is made: every parameter is a Python object (a `Value` of about 200 bytes, plus its part of each
graph), so a network past these limits would take minutes and gigabytes instead of failing.

Every way of making a network goes through `check_sizes`: `MLP`, `Layer`, `Neuron`, `nn.load`,
the own-network spec files and the live app; each refuses with the same ValueError.
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence

from ._checks import short_repr, whole_number

MAX_LAYERS = 1_000
"""Layers (hidden + output), counted before the list of sizes is read any further."""
MAX_PARAMETERS = 100_000
"""Weights + biases; a scalar engine trains 100,000 parameters at a few steps a second."""
MAX_SPEC_PARAMETERS = 200
"""Weights + biases of an own-network spec (lab.spec) and the live app: every number is shown,
so past this a hand calculation and its step-by-step page are no longer readable."""
MAX_SPEC_WORK = 100 * MAX_SPEC_PARAMETERS
"""Gradients a spec's run computes, epochs × examples × parameters: 100 updates of the largest
network, about a second of the scalar engine. Each example's pass counts, whether the update
comes after it or once per epoch (50,000 examples × 100 epochs would run for half an hour)."""
MAX_MODEL_FILE_BYTES = 10_000_000
"""A saved model file (JSON, indented) of MAX_PARAMETERS parameters takes about 4 MB."""


def parameter_count(n_in: int, sizes: Sequence[int]) -> int:
    """Weights and biases of a network: Σₗ (nₗ₋₁ + 1)·nₗ with n₀ = n_in (each unit's weights
    from the layer before, and its bias)."""
    return sum((a + 1) * b for a, b in zip([n_in, *sizes], sizes))


_BUILT = ("backprop-lab builds", "each is a Python object: it would take minutes and gigabytes")


def check_sizes(n_in: object, sizes: object, max_parameters: int = MAX_PARAMETERS,
                limit: tuple[str, str] = _BUILT) -> tuple[int, list[int]]:
    """``(n_in, sizes)`` as whole numbers, after checking the network they declare against the
    limits above, at most ``max_parameters`` weights and biases (`parameter_count`); ``limit``
    says in words who sets that limit and why, for the message.

    Raises:
        TypeError: a size that is not a whole number, or sizes that are not a list.
        ValueError: a size below 1, or a network past a limit (the message names it and why).
    """
    n_in = whole_number("n_in (the number of inputs)", n_in, 1)
    if isinstance(sizes, numbers.Integral) or not isinstance(sizes, Sequence) or not sizes \
            or isinstance(sizes, str | bytes):
        raise TypeError(f"sizes must be a non-empty list of layer sizes such as [4, 2], "
                        f"got {short_repr(sizes)}")
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"{len(sizes):,} layers is more than the {MAX_LAYERS:,} a network may "
                         f"have (backprop-lab's limit; nn/limits.py)")
    sizes = [whole_number(f"layer size sizes[{k}]", s, 1) for k, s in enumerate(sizes)]
    parameters = parameter_count(n_in, sizes)
    if parameters > max_parameters:
        who, why = limit
        raise ValueError(f"this network would have {parameters:,} parameters, more than the "
                         f"{max_parameters:,} {who} ({why}; nn/limits.py)")
    return n_in, sizes
