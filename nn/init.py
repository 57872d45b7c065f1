"""Seeded weight initialisation: micrograd's uniform, Xavier/Glorot uniform and He normal.

Biases start at 0 under every scheme (as micrograd, Glorot & Bengio 2010 and He et al. 2015 do).
"""

from __future__ import annotations

import numpy as np

INITS = ("uniform", "xavier", "he")


def check_init(init: str) -> str:
    """``init`` itself if it names a known scheme, else a ValueError listing the known ones."""
    if init not in INITS:
        raise ValueError(f"unknown init {init!r}; choose one of {', '.join(INITS)}")
    return init


def draw_weights(init: str, fan_in: int, fan_out: int, count: int,
                 rng: np.random.Generator) -> list[float]:
    """``count`` weights of a layer with ``fan_in`` inputs and ``fan_out`` units.

    uniform: U(−1, 1); xavier: U(−a, a) with a = √(6 / (fan_in + fan_out)); he: N(0, 2 / fan_in).
    """
    check_init(init)
    if init == "uniform":
        draws = rng.uniform(-1.0, 1.0, count)
    elif init == "xavier":
        limit = np.sqrt(6.0 / (fan_in + fan_out))
        draws = rng.uniform(-limit, limit, count)
    else:
        draws = rng.normal(0.0, np.sqrt(2.0 / fan_in), count)
    return [float(d) for d in draws]
