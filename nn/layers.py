"""`Neuron`, `Layer` and `MLP`: fully connected, feed-forward units made of engine Values.

Each unit computes its net input i_j = Σᵢ wᵢⱼ·oᵢ + b_j as one `linear` node, then o_j = f(i_j).
Units are numbered as on the lecture's slide: inputs 1..n, then each layer's units in order, so
the weight from unit i to unit j is named w{i}{j} (w{i}_{j} once any unit number has two digits).
"""

from __future__ import annotations

from collections.abc import Sequence
from itertools import chain
from operator import attrgetter

import numpy as np

from autograd_core import BatchValue, Value, linear

from ._checks import flag, seeded_rng, whole_number
from ._inputs import batch_array, scalars
from .activations import ACTIVATIONS, Activation, get_activation
from .init import check_init, draw_weights
from .limits import check_sizes
from .module import Module, refuse_duplicate_names

Inputs = Sequence[Value | float] | np.ndarray
_LABEL = attrgetter("label")


def _is_table(xs: object) -> bool:
    """A batch of examples: a 2-D array, or a list whose items are rows."""
    if isinstance(xs, np.ndarray):
        return xs.ndim > 1
    return isinstance(xs, list | tuple) and bool(xs) and isinstance(xs[0], Sequence | np.ndarray)


def _input_leaves(xs: object, units: Sequence[int]) -> list[Value]:
    """The inputs as Values, numbers becoming leaves labelled x1..xn; checks the count. A table
    (examples × inputs) gives one `BatchValue` leaf per input, holding that input's column."""
    if _is_table(xs):
        table = batch_array(xs, "a batch of inputs (examples × inputs)", (2,))
        if table.shape[1] != len(units):
            raise ValueError(f"expected {len(units)} inputs, got {table.shape[1]} (the batch has "
                             f"shape {table.shape}: one row per example)")
        return [BatchValue(table[:, k], label=f"x{u}") for k, u in enumerate(units)]
    items = scalars(xs, "the input")
    if len(items) != len(units):
        raise ValueError(f"expected {len(units)} inputs, got {len(items)}")
    return [x if isinstance(x, Value) else Value(x, label=f"x{u}")
            for x, u in zip(items, units, strict=True)]


def _unit_numbers(input_units: Sequence[int] | None, n_in: int) -> tuple[int, ...]:
    """The numbers of a unit's input units (1..n by default): n distinct whole numbers, since
    each names a weight (w14 is the weight from unit 1 to unit 4)."""
    if input_units is None:
        return tuple(range(1, n_in + 1))
    if isinstance(input_units, str) or not isinstance(input_units, Sequence):
        raise TypeError(f"input_units must be a list of unit numbers, got {input_units!r}")
    if len(input_units) != n_in:
        raise ValueError(f"input_units lists {len(input_units)} units for {n_in} inputs")
    units = tuple(whole_number("an input unit number", u, 1) for u in input_units)
    if len(set(units)) != n_in:
        seen: set[int] = set()
        twice = next(u for u in units if u in seen or seen.add(u))
        raise ValueError(f"input_units lists unit {twice} twice: each input is its own unit, "
                         f"and two weights w{twice}… would share a name")
    return units


def _saved_name(activation: str) -> str:
    if activation not in ACTIVATIONS:
        raise ValueError(f"cannot save a model with the custom activation {activation!r}: "
                         f"only named activations ({', '.join(ACTIVATIONS)}) can be saved")
    return activation


class Neuron(Module):
    """One unit j: o_j = f(Σᵢ wᵢⱼ·xᵢ + b_j). After a call, ``.net`` is i_j and ``.out`` is o_j."""

    def __init__(self, n_in: int, activation: str | Activation = "relu", *,
                 init: str = "uniform", seed: int | np.random.Generator = 0, fan_out: int = 1,
                 unit: int | None = None, input_units: Sequence[int] | None = None,
                 compact: bool | None = None) -> None:
        n_in, _ = check_sizes(n_in, [1])
        self.input_units = _unit_numbers(input_units, n_in)
        self.unit = whole_number("unit", unit, 1) if unit is not None else max(
            self.input_units) + 1
        if self.unit in self.input_units:
            raise ValueError(f"unit {self.unit} cannot be one of its own inputs "
                             f"{list(self.input_units)}")
        if compact is None:
            compact = max(self.unit, *self.input_units) < 10
        self.compact = flag("compact", compact)
        sep = "" if compact else "_"
        self.activation, self._fn = get_activation(activation)
        rng = seeded_rng(seed)
        self.w = [Value(x, label=f"w{i}{sep}{self.unit}")
                  for x, i in zip(draw_weights(check_init(init), n_in, fan_out, n_in, rng),
                                  self.input_units, strict=True)]
        self.b = Value(0.0, label=f"b{self.unit}")
        self.net: Value | None = None
        self.out: Value | None = None
        self._labels = (f"i{self.unit}", f"o{self.unit}")  # made once: forward runs per example

    def __call__(self, xs: Inputs) -> Value:
        """o_j = f(i_j) with i_j = Σᵢ wᵢⱼ·xᵢ + b_j; numbers become input leaves x1..xn."""
        return self.forward(_input_leaves(xs, self.input_units))

    def forward(self, xs: list[Value]) -> Value:
        """The unit on Values already checked (as a `Layer` passes them)."""
        self.net = linear(self.w, xs, self.b)
        self.net.label = self._labels[0]
        self.out = self._fn(self.net)
        # the linear unit returns its net input itself: that one node is then the output
        self.out.label = self._labels[1]
        return self.out

    @property
    def activation_fn(self) -> Activation:
        """The function f of o_j = f(i_j), Value → Value."""
        return self._fn

    def named_weights(self) -> list[tuple[str, Value]]:
        return [(w.label, w) for w in self.w]

    def named_biases(self) -> list[tuple[str, Value]]:
        return [(self.b.label, self.b)]

    def parameters(self) -> list[Value]:
        """The weights, then the bias."""
        return [*self.w, self.b]

    def config(self) -> dict:
        return {"n_in": len(self.w), "activation": _saved_name(self.activation),
                "unit": self.unit, "input_units": list(self.input_units), "compact": self.compact}

    def summary_rows(self) -> list[tuple[str, int, str, int, int]]:
        return [(f"unit {self.unit}", 1, self.activation, len(self.w), 1)]

    def __repr__(self) -> str:
        return f"Neuron({len(self.w)}, activation={self.activation!r}, unit={self.unit})"


class _NamedByLabels(Module):
    """A module whose parameters' names are their labels (as its named_weights and named_biases
    give them): read without making a (name, Value) pair for each of 66,000 parameters."""

    def parameter_names(self) -> list[str]:
        return self._names_of(self.parameters())

    def _names_of(self, params: list[Value]) -> list[str]:
        return list(map(_LABEL, params))


def _lay_out_by_input(neurons: list[Neuron]) -> None:
    """Make the units' weights again, input by input (the same numbers and labels), so that
    they lie in memory in the order `Layer.weights` lists them.

    Each unit made its own weights one after the other, so in memory they lay unit by unit; a
    pass in the listed order (loading a state, the optimizer's checks, compiling, writing the
    trained values back) then jumped a page for every weight of a wide layer (65,536 at width
    256), and such passes were most of a compiled fit's setup.
    """
    by_input = [[Value(w.data, label=w.label) for w in column]
                for column in zip(*[n.w for n in neurons])]
    for neuron, row in zip(neurons, zip(*by_input), strict=True):
        neuron.w = list(row)


class Layer(_NamedByLabels):
    """A layer of ``n_out`` units, each connected to all ``n_in`` inputs (fully connected)."""

    def __init__(self, n_in: int, n_out: int, activation: str | Activation = "relu", *,
                 init: str = "uniform", seed: int | np.random.Generator = 0,
                 first_unit: int | None = None, input_units: Sequence[int] | None = None,
                 compact: bool | None = None) -> None:
        n_out = whole_number("n_out (the number of units)", n_out, 1)
        n_in, _ = check_sizes(n_in, [n_out])
        input_units = _unit_numbers(input_units, n_in)
        first = whole_number("first_unit", first_unit, 1) if first_unit is not None else max(
            input_units) + 1
        if compact is None:
            compact = max(first + n_out - 1, *input_units) < 10
        self.compact = flag("compact", compact)
        rng = seeded_rng(seed)
        self.neurons = [Neuron(n_in, activation, init=init, seed=rng, fan_out=n_out, unit=first + k,
                               input_units=input_units, compact=compact) for k in range(n_out)]
        _lay_out_by_input(self.neurons)
        self.activation = self.neurons[0].activation
        refuse_duplicate_names(self)

    @property
    def input_units(self) -> tuple[int, ...]:
        return self.neurons[0].input_units

    @property
    def units(self) -> list[int]:
        return [n.unit for n in self.neurons]

    def __call__(self, xs: Inputs) -> Value | list[Value]:
        """Every unit's output: one Value for a one-unit layer, else a list."""
        outs = self.forward(_input_leaves(xs, self.input_units))
        return outs[0] if len(outs) == 1 else outs

    def forward(self, xs: list[Value]) -> list[Value]:
        """The units' outputs, as a list, on Values already checked."""
        return [n.forward(xs) for n in self.neurons]

    def weights(self) -> list[Value]:
        """By input unit, then by receiving unit: w14 w15 w24 w25 …, as the slide lists them."""
        # zip transposes the units' lists of weights at C speed (66,000 weights at width 256)
        return list(chain.from_iterable(zip(*[n.w for n in self.neurons])))

    def named_weights(self) -> list[tuple[str, Value]]:
        weights = self.weights()
        return list(zip(map(_LABEL, weights), weights))

    def named_biases(self) -> list[tuple[str, Value]]:
        return [(n.b.label, n.b) for n in self.neurons]

    def parameters(self) -> list[Value]:
        """The order of `named_parameters`, without making a (name, Value) pair for each: a
        network 256 wide has 66,000 parameters, and fit asks for them at every call."""
        return self.weights() + [n.b for n in self.neurons]

    def config(self) -> dict:
        return {"n_in": len(self.input_units), "n_out": len(self.neurons),
                "activation": _saved_name(self.activation), "first_unit": self.neurons[0].unit,
                "input_units": list(self.input_units), "compact": self.compact}

    def summary_rows(self) -> list[tuple[str, int, str, int, int]]:
        return [(f"units {self.units[0]}-{self.units[-1]}", len(self.neurons), self.activation,
                 len(self.named_weights()), len(self.neurons))]

    def __repr__(self) -> str:
        n_in, n_out = len(self.input_units), len(self.neurons)
        return f"Layer({n_in}, {n_out}, activation={self.activation!r})"


def _layer_activations(activation: object, output_activation: object,
                       n_layers: int) -> list[str | Activation]:
    """One activation per layer: a single one for the hidden layers (the output layer has its
    own), or a list for the hidden layers only or for every layer."""
    if not isinstance(activation, list | tuple):
        return [activation] * (n_layers - 1) + [output_activation]
    if len(activation) == n_layers - 1:
        return [*activation, output_activation]
    if len(activation) == n_layers:
        return list(activation)
    raise ValueError(f"activation lists {len(activation)} names for {n_layers} layers: give one "
                     f"per hidden layer ({n_layers - 1}) or one per layer ({n_layers})")


class MLP(_NamedByLabels):
    """A multi-layer perceptron: layers of sizes ``sizes`` after ``n_in`` inputs (hidden layers
    use ``activation``, the last layer ``output_activation``), weights drawn by ``init`` from a
    numpy Generator seeded with ``seed``."""

    def __init__(self, n_in: int, sizes: Sequence[int], activation: object = "relu",
                 output_activation: str | Activation = "linear", init: str = "uniform",
                 seed: int = 0) -> None:
        self.n_in, sizes = check_sizes(n_in, sizes)
        activations = _layer_activations(activation, output_activation, len(sizes))
        if not isinstance(activation, list | tuple):
            get_activation(activation)  # checked even when no hidden layer uses it (sizes [1])
        check_init(init)
        rng = seeded_rng(seed)
        compact = self.n_in + sum(sizes) < 10
        self.layers: list[Layer] = []
        units = tuple(range(1, self.n_in + 1))
        for size, act in zip(sizes, activations, strict=True):
            layer = Layer(len(units), size, act, init=init, seed=rng, first_unit=units[-1] + 1,
                          input_units=units, compact=compact)
            self.layers.append(layer)
            units = tuple(layer.units)

    def __call__(self, xs: Inputs) -> Value | list[Value]:
        """The network's output: a Value for one output unit, else a list of Values. On a table
        of examples (a 2-D array) each is a `BatchValue`: the same graph, for every example."""
        outs = _input_leaves(xs, self.layers[0].input_units)
        for layer in self.layers:
            outs = layer.forward(outs)
        return outs[0] if len(outs) == 1 else outs

    def named_weights(self) -> list[tuple[str, Value]]:
        return [item for layer in self.layers for item in layer.named_weights()]

    def parameters(self) -> list[Value]:
        """Every layer's weights, then every layer's biases: the order of `named_parameters`."""
        return list(chain.from_iterable([layer.weights() for layer in self.layers]
                                        + [[n.b for n in layer.neurons] for layer in self.layers]))

    def named_biases(self) -> list[tuple[str, Value]]:
        return [item for layer in self.layers for item in layer.named_biases()]

    def set_weights(self, weights: Sequence, biases: Sequence) -> None:
        """Set every parameter from nested lists: `weights[layer][unit][input]` and
        `biases[layer][unit]`.

        Raises ValueError on a wrong shape or a non-number; then nothing changes.
        """
        state: dict[str, object] = {}
        _check_length(weights, len(self.layers), "weights", "one per layer")
        _check_length(biases, len(self.layers), "biases", "one per layer")
        for k, layer in enumerate(self.layers):
            meaning = f"one per unit of layer {k + 1}"
            _check_length(weights[k], len(layer.neurons), f"weights[{k}]", meaning)
            _check_length(biases[k], len(layer.neurons), f"biases[{k}]", meaning)
            for u, neuron in enumerate(layer.neurons):
                row = weights[k][u]
                _check_length(row, len(neuron.w), f"weights[{k}][{u}]",
                              f"one per input of unit {neuron.unit}")
                state.update({w.label: x for w, x in zip(neuron.w, row, strict=True)})
                state[neuron.b.label] = biases[k][u]
        self.load_state_dict(state)

    def config(self) -> dict:
        return {"n_in": self.n_in, "sizes": [len(layer.neurons) for layer in self.layers],
                "activation": [_saved_name(layer.activation) for layer in self.layers]}

    def summary_rows(self) -> list[tuple[str, int, str, int, int]]:
        names = [f"hidden {k + 1}" for k in range(len(self.layers) - 1)] + ["output"]
        return [(name, *layer.summary_rows()[0][1:])
                for name, layer in zip(names, self.layers, strict=True)]

    def __repr__(self) -> str:
        sizes = [len(layer.neurons) for layer in self.layers]
        acts = [layer.activation for layer in self.layers]
        return f"MLP({self.n_in}, {sizes}, activations={acts})"


def _check_length(items: object, n: int, what: str, meaning: str) -> None:
    if isinstance(items, str | bytes) or not isinstance(items, Sequence | np.ndarray):
        raise ValueError(f"{what} must be a list ({meaning}), got {type(items).__name__}")
    if len(items) != n:
        raise ValueError(f"{what} should have {n} entries ({meaning}), got {len(items)}")
