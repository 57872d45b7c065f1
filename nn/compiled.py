"""`fit`'s compiled mode: the model and the loss recorded once per batch size, then replayed
(`autograd_core.compile`) with the parameters and the optimizer's state in flat arrays.

The graph is the one ``model(X)`` and the loss build for a batch; only the numbers of the
examples (the input columns and the target columns) change from batch to batch, so they are the
program's inputs. The flat arrays are the truth while training; `CompiledTraining.finish` writes
them back to the parameter Values (``data`` and ``grad``) and to the optimizer's per-parameter
state, so a model trained compiled is the same object, with the same numbers, as one trained
uncompiled.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import attrgetter

import numpy as np

from autograd_core import (
    RULES,
    BatchConstant,
    BatchValue,
    CompileError,
    Dense,
    Program,
    Value,
    anomaly,
    topological_order,
)
from autograd_core import compile as compile_graph
from autograd_core.compile import cycle_collector_paused, write_values

from .layers import MLP, Layer, Neuron
from .losses import LOSSES, binary_cross_entropy, kl_divergence
from .module import Module
from .optim import Optimizer

_DATA = attrgetter("data")
# built in, so they take the targets as the program's own inputs (a list of per-example columns;
# the class losses make their per-example masks from it as `Detached` constants)
_BUILT_IN_LOSSES = frozenset(LOSSES.values())
# Their graphs' shape depends on which numbers are exactly 0 (c·ln p is left out where p = 0):
# recorded on a few examples, they could leave out a term that other examples need.
_SHAPE_FROM_DATA = frozenset({binary_cross_entropy, kl_divergence})
# A graph is recorded on this many examples (the program then runs whole batches): recording
# runs every node uncompiled, and on a batch of 1,000 that took most of a wide network's setup.
RECORD_EXAMPLES = 2


def why_not_compiled(loss_fn: Callable[..., Value]) -> str:
    """Why fit cannot compile with this loss ('' when it can try)."""
    if anomaly.enabled:
        return "anomaly detection is on, and it checks each node as the node is made"
    if loss_fn not in _BUILT_IN_LOSSES:
        return ("a custom loss may make per-example numbers of its own from the targets, which "
                "a recorded program cannot know for another batch")
    return ""


class CompiledTraining:
    """The programs of one `fit` (one per batch size), the flat parameters and optimizer state.

    ``batch_loss(loss_fn, prediction, targets, n)`` is fit's mean loss over n examples.
    """

    def __init__(self, model: Callable[[list[Value]], Value | list[Value]],
                 loss_fn: Callable[..., Value], optimizer: Optimizer,
                 batch_loss: Callable[[Callable[..., Value], object, object, int], Value]) -> None:
        self.model, self.loss_fn, self.optimizer = model, loss_fn, optimizer
        self.batch_loss = batch_loss
        self.params = optimizer.params
        self.data = np.fromiter(map(_DATA, self.params), float, len(self.params))
        """The parameters' values while training compiled, in the order of ``params``."""
        self.state = optimizer.pack_state()
        self.last_step = np.array(optimizer.last_step)
        self.programs: dict[int, tuple[Program, list[Value]]] = {}
        self.grad = np.zeros(len(self.params))

    def _compile(self, X: np.ndarray, y: np.ndarray) -> tuple[Program, list[Value]]:
        """Record the graph for a batch of this size, with its examples' numbers as leaves."""
        with cycle_collector_paused():  # a wide network's graph is many objects and no cycles
            return self._record(X, y)

    def _record(self, X: np.ndarray, y: np.ndarray) -> tuple[Program, list[Value]]:
        n = len(X)
        r = n if self.loss_fn in _SHAPE_FROM_DATA else min(n, RECORD_EXAMPLES)
        xs = [BatchValue(X[:r, k], label=f"x{k + 1}") for k in range(X.shape[1])]
        ts = [BatchConstant(col) for col in _target_columns(y[:r])]
        layers = dense_layers(self.model, xs)
        if layers:  # the recorded graph starts from the last layer's outputs
            outs = list(layers[-1].outputs)
            prediction: Value | list[Value] = outs[0] if len(outs) == 1 else outs
        else:
            prediction = self.model(xs)
        outputs = list(prediction) if isinstance(prediction, list | tuple) else [prediction]
        loss = self.batch_loss(self.loss_fn, prediction, ts, r)
        if r < n:  # the loss's own checks of every target, on stand-in predictions
            self.loss_fn([BatchConstant(np.full(n, 0.5)) for _ in outputs], y)
        program = compile_graph(loss, xs + ts, self.params, batch_size=n, layers=layers,
                                data=self.data)
        # a layer's outputs are in the program whether the loss reads them or not
        read = set(topological_order(loss)) if layers else program
        if not all(isinstance(o, BatchValue) and o in read for o in outputs):
            raise CompileError("the loss does not depend on every output of the model for every "
                               "example")
        return program, outputs

    def _program(self, X: np.ndarray, y: np.ndarray) -> tuple[Program, list[Value]]:
        """The program for batches of this size (recorded on this batch the first time)."""
        if len(X) not in self.programs:
            try:
                self.programs[len(X)] = self._compile(X, y)
            except (ValueError, TypeError) as e:  # the uncompiled pass will say it in its words
                raise CompileError(str(e)) from e
        program, outputs = self.programs[len(X)]
        program.data[:] = self.data
        return program, outputs

    def forward_backward(self, X: np.ndarray, y: np.ndarray) -> tuple[float, np.ndarray]:
        """The batch's mean loss and the model's outputs (one row per example), leaving the
        gradient of the mean loss in ``grad``. Raises CompileError if the graph cannot be
        compiled, DomainError if an op leaves its domain (then run the batch uncompiled)."""
        program, outputs = self._program(X, y)
        loss = program.run([*X.T, *_target_columns(y)])
        self.grad = program.grad
        return loss, np.column_stack([program.value(o) for o in outputs])

    def outputs(self, X: np.ndarray, y: np.ndarray) -> np.ndarray:
        """The model's outputs on X with the current parameters (a forward pass only)."""
        program, outputs = self._program(X, y)
        program.forward([*X.T, *_target_columns(y)])
        return np.column_stack([program.value(o) for o in outputs])

    def update(self) -> None:
        """One step of the optimizer's rule on every parameter at once."""
        self.last_step = self.optimizer.step_flat(self.data, self.grad, self.state)

    def write_values(self) -> None:
        """Write the flat parameters and gradients back to the parameter Values."""
        write_values(self.params, self.data, self.grad)

    def finish(self) -> None:
        """Write every flat number back: parameters and gradients, optimizer state, last step."""
        self.write_values()
        self.optimizer.unpack_state(self.state, self.last_step)


def dense_layers(model: Module, xs: list[Value]) -> list[Dense]:
    """An `MLP`'s layers as `Dense` layers for the compiler (each layer's `linear` units and
    their activation, one matrix product and one op), with stand-ins for each layer's outputs on
    the examples ``xs``; [] if the model is not a plain MLP whose activations are single ops of
    the rule table (it is then recorded unit by unit)."""
    if type(model) is not MLP or any(type(layer) is not Layer for layer in model.layers):
        return []
    layers: list[Dense] = []
    inputs, h = xs, np.array([x.data for x in xs])
    for layer in model.layers:
        neurons = layer.neurons
        activation = _activation_op(neurons)
        if activation is None:
            return []
        # read in the order the weights lie in memory (by input, `Layer.weights`), then turned
        W = np.fromiter(map(_DATA, layer.weights()), float,
                        len(neurons) * len(inputs)).reshape(len(inputs), -1).T
        net = W @ h + np.array([[n.b.data] for n in neurons])
        # the units' own activation on all their net inputs at once (one node, elementwise)
        o = neurons[0].activation_fn(BatchValue(net.ravel())).data.reshape(net.shape)
        outs = [BatchValue(row, label=f"o{n.unit}") for row, n in zip(o, neurons, strict=True)]
        layers.append(Dense([n.w for n in neurons], [n.b for n in neurons], inputs, outs,
                            *activation))
        inputs, h = outs, np.array([o.data for o in outs])
    return layers


def _activation_op(neurons: list[Neuron]) -> tuple[str | None, tuple[float, ...]] | None:
    """The op of the rule table (and its parameters) that the units' shared activation adds on
    top of their net input: (None, ()) for the identity, None if it is not one op."""
    fn = neurons[0].activation_fn
    if any(type(n) is not Neuron or n.activation_fn is not fn for n in neurons):
        return None
    probe = BatchValue(np.full(1, 0.5))  # inside the domain of every op of one argument
    out = fn(probe)
    if out is probe:
        return None, ()
    if isinstance(out, Value) and out.parents == (probe,) and out.op in RULES:
        return out.op, out.params
    return None


def _target_columns(y: np.ndarray) -> Sequence[np.ndarray]:
    """The targets as one float array per output column."""
    return [y.astype(float)] if y.ndim == 1 else list(y.T.astype(float))
