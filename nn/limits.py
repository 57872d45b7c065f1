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

MAX_LAYERS = 100
"""Layers (hidden + output); vanishing-gradient demonstrations need tens, not hundreds."""
MAX_UNITS_PER_LAYER = 1_000
"""Units in one layer, and inputs of the network."""
MAX_PARAMETERS = 100_000
"""Weights + biases; a scalar engine trains 100,000 parameters at a few steps a second."""
MAX_MODEL_FILE_BYTES = 10_000_000
"""A saved model file (JSON, indented) of MAX_PARAMETERS parameters takes about 4 MB."""


def _whole(name: str, n: object) -> int:
    n = whole_number(name, n, 1)
    if n > MAX_UNITS_PER_LAYER:
        raise ValueError(f"{name} is {n:,}, more than the {MAX_UNITS_PER_LAYER:,} units "
                         f"a layer may have (backprop-lab's limit; nn/limits.py)")
    return n


def check_sizes(n_in: object, sizes: object) -> tuple[int, list[int]]:
    """``(n_in, sizes)`` as whole numbers, after checking the network they declare against the
    limits above: parameters Σₗ (nₗ₋₁ + 1)·nₗ with n₀ = n_in.

    Raises:
        TypeError: a size that is not a whole number, or sizes that are not a list.
        ValueError: a size below 1, or a network past a limit (the message names it and why).
    """
    n_in = _whole("n_in (the number of inputs)", n_in)
    if isinstance(sizes, numbers.Integral) or not isinstance(sizes, Sequence) or not sizes \
            or isinstance(sizes, str | bytes):
        raise TypeError(f"sizes must be a non-empty list of layer sizes such as [4, 2], "
                        f"got {short_repr(sizes)}")
    if len(sizes) > MAX_LAYERS:
        raise ValueError(f"{len(sizes):,} layers is more than the {MAX_LAYERS} a network may "
                         f"have (backprop-lab's limit; nn/limits.py)")
    sizes = [_whole(f"layer size sizes[{k}]", s) for k, s in enumerate(sizes)]
    widths = [n_in, *sizes]
    parameters = sum((a + 1) * b for a, b in zip(widths, sizes))
    if parameters > MAX_PARAMETERS:
        raise ValueError(
            f"this network would have {parameters:,} parameters, more than the "
            f"{MAX_PARAMETERS:,} backprop-lab builds (each is a Python object: it would take "
            f"minutes and gigabytes; nn/limits.py)")
    return n_in, sizes
