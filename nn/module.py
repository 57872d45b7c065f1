"""`Module`: named parameters, zero_grad and state as JSON, in PyTorch's habits.

A model's state is ``{name: number}``; loading checks every name and number before changing
anything, so a bad state or file leaves the model as it was.
"""

from __future__ import annotations

import json
import math
import numbers
from collections import deque
from collections.abc import Callable, Iterable, Mapping
from itertools import repeat
from os import PathLike

from autograd_core import Value, zero_grad
from autograd_core.compile import cycle_collector_paused

from ._checks import plain_name, short_repr

FORMAT = "backprop-lab model"
VERSION = 1


class Module:
    """Base of `Neuron`, `Layer` and `MLP`: subclasses list their weights and biases by name."""

    def named_weights(self) -> list[tuple[str, Value]]:
        raise NotImplementedError

    def named_biases(self) -> list[tuple[str, Value]]:
        raise NotImplementedError

    def config(self) -> dict:
        """The constructor arguments that rebuild this module's shape (for `save`)."""
        raise NotImplementedError

    def summary_rows(self) -> list[tuple[str, int, str, int, int]]:
        """One row per layer: (name, units, activation, weights, biases)."""
        raise NotImplementedError

    def named_parameters(self) -> list[tuple[str, Value]]:
        """(name, Value) for every weight, then every bias, in a stable order (w14 … w56, b4 …)."""
        return self.named_weights() + self.named_biases()

    def parameters(self) -> list[Value]:
        """Every trainable Value, in the order of `named_parameters`."""
        return [p for _, p in self.named_parameters()]

    def parameter_names(self) -> list[str]:
        """The names of `parameters()`, in the same order (w14 … w56, b4 …)."""
        return [name for name, _ in self.named_parameters()]

    def _names_of(self, params: list[Value]) -> list[str]:
        """The names of ``params``, which are this module's `parameters()` in their order."""
        return self.parameter_names()

    def zero_grad(self) -> None:
        """Reset every parameter's gradient to 0 (gradients accumulate across backward calls)."""
        zero_grad(self.parameters())

    def count_parameters(self) -> dict[str, int]:
        """Counts as the lecture counts: weights, biases, their total, and layers (hidden +
        output, input excluded)."""
        weights, biases = len(self.named_weights()), len(self.named_biases())
        return {"weights": weights, "biases": biases, "total": weights + biases,
                "layers": len(self.summary_rows())}

    def summary(self, print_fn: Callable[[str], object] = print) -> str:
        """A Keras-style table of layers and parameter counts; printed, and returned."""
        rows = self.summary_rows()
        head = ("Layer", "Units", "Activation", "Weights", "Biases", "Param #")
        cells = [head] + [(n, str(u), a, str(w), str(b), str(w + b)) for n, u, a, w, b in rows]
        widths = [max(len(r[k]) for r in cells) + 3 for k in range(len(head))]

        def line(row: tuple[str, ...]) -> str:
            return "".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip()

        rule = sum(widths)
        c = self.count_parameters()
        text = "\n".join(
            [f"Model: {self!r}", "_" * rule, line(head), "=" * rule]
            + [line(r) for r in cells[1:]]
            + ["=" * rule,
               f"Total params: {c['total']} ({_count(c['weights'], 'weight')}, "
               f"{_count(c['biases'], 'bias')})",
               f"Layers: {c['layers']} (hidden + output; the input layer is not counted)"]
        )
        print_fn(text)
        return text

    def state_dict(self) -> dict[str, float]:
        """{parameter name: value}, e.g. {"w14": 0.2, …, "b6": 0.1}."""
        return {name: p.data for name, p in self.named_parameters()}

    def load_state_dict(self, state: Mapping[str, float], strict: bool = True) -> None:
        """Set the parameters from ``state``, a dict name → finite number (as PyTorch's).

        With ``strict=True`` (the default) it must name exactly this model's parameters; with
        ``strict=False`` it may set only some of them (``{"w14": 0.5}``), but every name must
        still be one of the model's. Raises ValueError naming the missing, unknown or non-numeric
        entries; then nothing changes.
        """
        if not isinstance(state, Mapping):
            raise TypeError(f"a state must be a dict of name -> number, got {type(state).__name__}")
        if not isinstance(strict, bool):
            raise TypeError(f"strict must be True or False, got {strict!r}")
        with cycle_collector_paused():  # a wide network has 66,000 parameters
            values = self.parameters()
            names = self._names_of(values)
        if type(state) is dict and list(state) == names:  # this model's names in its order
            self._set_data(names, values, list(state.values()))
            return
        params = dict(zip(names, values, strict=True))
        unknown = [str(n) for n in state if n not in params]
        missing = [n for n in params if n not in state] if strict else []
        for name in unknown:  # "w14" with a zero-width space would read as "w14 not in it"
            plain_name("a parameter name", name)
        if missing or unknown:
            parts = [f"the state has {len(state)} parameters, this model has {len(params)}"]
            if missing:
                parts.append(f"missing: {_first_few(missing)}")
            if unknown:
                parts.append(f"not in this model: {_first_few(unknown)}")
            raise ValueError("; ".join(parts))
        names = [n for n in params if n in state]
        self._set_data(names, [params[n] for n in names], [state[n] for n in names])

    @staticmethod
    def _set_data(names: list[str], params: list[Value], values: list[object]) -> None:
        """Each parameter's ``data`` from ``values`` (all in the same order), after checking them
        all (ValueError naming the first that is not a finite number)."""
        values = _finite_numbers(values, names)
        deque(map(setattr, params, repeat("data"), values), maxlen=0)

    def save(self, path: str | PathLike) -> None:
        """Write the model's shape and parameters to ``path`` as JSON; `nn.load` reads it back."""
        text = json.dumps({"format": FORMAT, "version": VERSION, "kind": type(self).__name__,
                           "config": self.config(), "state": self.state_dict()}, indent=2)
        with open(path, "w", encoding="utf-8") as f:
            f.write(text + "\n")


def refuse_duplicate_names(module: Module) -> None:
    """A ValueError if two parameters of ``module`` share a name: saving and loading would put
    one trained value into both (as w1_11 and w11_1 could both read w111 with compact names)."""
    seen: set[str] = set()
    twice = [name for name, _ in module.named_parameters() if name in seen or seen.add(name)]
    if twice:
        raise ValueError(f"two parameters would both be named {twice[0]!r}"
                         f"{f' (and {len(twice) - 1} more names twice)' if len(twice) > 1 else ''}"
                         "; use compact=False (w1_11) or distinct unit numbers")


def _count(n: int, noun: str) -> str:
    """'1 bias', '3 biases', '1 weight', '8 weights'."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}{'es' if noun.endswith('s') else 's'}"


def _first_few(names: list[str], shown: int = 5) -> str:
    """'w14, w15' or, for a long list, its first few names and how many there are in all."""
    head = ", ".join(n if len(n) <= 20 else f"{n[:20]}…" for n in names[:shown])
    return head if len(names) <= shown else f"{head} … ({len(names):,} in all)"


def _finite_numbers(xs: list[object], names: Iterable[str]) -> list[float]:
    """Each x as a finite float (`_finite_number`), at once when all are already such floats."""
    if set(map(type, xs)) <= {float} and all(map(math.isfinite, xs)):
        return xs  # type: ignore[return-value]
    return [_finite_number(x, name) for x, name in zip(xs, names, strict=True)]


def _finite_number(x: object, name: str) -> float:
    if isinstance(x, bool) or not isinstance(x, numbers.Real):
        raise ValueError(f"parameter {name} must be a number, got {type(x).__name__}: "
                         f"{short_repr(x)}")
    try:
        value = float(x)
    except OverflowError:  # a whole number of hundreds of digits (JSON allows it)
        raise ValueError(f"parameter {name} must be a finite number, got a whole number of "
                         f"{len(str(abs(x)))} digits") from None
    if not math.isfinite(value):
        raise ValueError(f"parameter {name} must be a finite number, got {x}")
    return value
