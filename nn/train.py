"""The training loop: repeat forward pass, backward pass, update, until a stopping criterion.

The lecture's stopping criteria, checked after each epoch (one pass through the data):
the misclassification rate is at or below ``max_error_rate``; the largest change of any weight
during the epoch is below ``tol``; ``epochs`` epochs have run. A mini-batch's loss is the mean of
its examples' losses, so its gradient is the mean of theirs: ∂L/∂w = (1/B)·Σᵦ ∂Lᵦ/∂w.
By default a mini-batch is one forward pass of the whole table (`BatchValue`s: the same graph,
every node computed for all its examples at once) and one backward pass; compiled (the default
where the loss allows it), that graph is recorded once per batch size and replayed as a few
array operations a layer (`autograd_core.compile`), with the same numbers.
"""

from __future__ import annotations

import inspect
import math
import sys
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from operator import is_

import numpy as np

from autograd_core import BatchValue, CompileError, DomainError, PerBatch, Value, batch_mean
from autograd_core.compile import cycle_collector_paused

from ._checks import finite_number, flag, positive, seeded_rng, whole_number
from .compiled import CompiledTraining, why_not_compiled
from .losses import LOSSES, InfiniteLossError
from .module import Module
from .optim import OPTIMIZERS, Optimizer

LossFn = Callable[..., Value]
# (outputs: one row per example, one column per output unit; targets: y's rows) → right or wrong
Rule = Callable[[np.ndarray, np.ndarray], np.ndarray]


@dataclass
class History:
    """What happened in each epoch (loss and accuracy as measured during the epoch's pass, the
    learning rate used, the largest change of any parameter), and why training stopped."""

    loss: list[float] = field(default_factory=list)
    accuracy: list[float | None] = field(default_factory=list)
    lr: list[float] = field(default_factory=list)
    weight_change: list[float] = field(default_factory=list)
    stopped_because: str = ""
    compiled: bool = False
    not_compiled_because: str = ""

    @property
    def epochs(self) -> int:
        """How many epochs ran."""
        return len(self.loss)

    def as_dict(self) -> dict:
        """Plain numbers and strings, ready for ``json.dumps``."""
        return {**asdict(self), "epochs": self.epochs}


def _loss_function(loss: str | LossFn) -> LossFn:
    if isinstance(loss, str):
        if loss not in LOSSES:
            raise ValueError(f"unknown loss {loss!r}: choose one of {', '.join(LOSSES)}")
        return LOSSES[loss]
    if not callable(loss):
        raise TypeError(f"loss must be a loss name or a function (prediction, target) → Value, "
                        f"got {type(loss).__name__}")
    return loss


def _optimizer(model: Module, optimizer: Optimizer | str, lr: float | None) -> Optimizer:
    if isinstance(optimizer, str):
        if optimizer not in OPTIMIZERS:
            raise ValueError(f"unknown optimizer {optimizer!r}: choose one of "
                             f"{', '.join(OPTIMIZERS)}, or pass an optimizer object")
        kind = OPTIMIZERS[optimizer]
        return kind(model.parameters()) if lr is None else kind(model.parameters(), lr=lr)
    if not isinstance(optimizer, Optimizer):
        raise TypeError(f"optimizer must be a name ({', '.join(OPTIMIZERS)}) or an optimizer such "
                        f"as nn.SGD(model.parameters(), lr=0.1), got {type(optimizer).__name__}")
    if lr is not None:
        raise ValueError("give the learning rate to the optimizer object, not to fit (lr=...)")
    params = model.parameters()
    # the same list first (as fit's callers build it): a wide network has 66,000 parameters
    same = len(params) == len(optimizer.params) and all(map(is_, params, optimizer.params))
    if not same and set(map(id, optimizer.params)) != set(map(id, params)):
        raise ValueError("the optimizer updates other parameters than the model's: "
                         "build it with this model's parameters (model.parameters())")
    return optimizer


def as_table(X: object) -> np.ndarray:
    """X as a 2-D float array (examples × inputs); ValueError if it is not one, or holds nan."""
    try:
        X = np.asarray(X, dtype=float)
    except (TypeError, ValueError):
        raise ValueError("X must be a table of numbers (examples × inputs), with only finite "
                         "numbers in it") from None
    if X.ndim != 2:
        raise ValueError(f"X must be a 2-D table (examples × inputs), got shape {X.shape}")
    if len(X) == 0:
        raise ValueError("X has no examples")
    if not np.isfinite(X).all():
        raise ValueError("X must contain only finite numbers (no nan or infinity)")
    return X


def _data(X: object, y: object) -> tuple[np.ndarray, np.ndarray]:
    X, y = as_table(X), np.asarray(y)
    if y.ndim not in (1, 2) or len(y) != len(X):
        raise ValueError(f"y must hold one target per example: X has {len(X)} examples, "
                         f"y has shape {y.shape}")
    if y.dtype.kind not in "iuf" or not np.isfinite(y).all():
        raise ValueError("y must contain only finite numbers (no nan, infinity or text)")
    return X, y


def _targets(y: np.ndarray) -> list:
    """Per example: a class index (int) or number for a 1-D y, a list of numbers for a 2-D y."""
    if y.ndim == 2:
        return [[float(v) for v in row] for row in y]
    return [int(v) for v in y] if y.dtype.kind in "iu" else [float(v) for v in y]


def _outputs(prediction: Value | Sequence[Value]) -> np.ndarray:
    """The output numbers as a table: one row per example (one for a scalar pass), one column
    per output unit."""
    outs = prediction if isinstance(prediction, list | tuple) else [prediction]
    return np.column_stack([np.atleast_1d(o.data) for o in outs])


def accuracy_rule(y: np.ndarray, n_outputs: int) -> Rule | None:
    """How an output counts as right: one output with 0/1 targets: o ≥ 0.5; with −1/+1 targets:
    the sign of o; several outputs: the argmax against a class index or a one-hot row. None for
    targets that are not class labels (regression). The rule takes a table of outputs (one row
    per example) and the examples' rows of y, and says per example whether it is right."""
    values = set(np.unique(y).tolist())
    if n_outputs == 1 and (y.ndim == 1 or y.shape[1] == 1):
        if values <= {0, 1}:
            return lambda o, t: (o[:, 0] >= 0.5) == t.reshape(-1)
        if values <= {-1, 1}:
            return lambda o, t: np.where(o[:, 0] >= 0, 1, -1) == t.reshape(-1)
        return None
    if y.ndim == 1 and y.dtype.kind in "iu" and values <= set(range(n_outputs)):
        return lambda o, t: np.argmax(o, axis=1) == t
    if y.ndim == 2 and y.shape[1] == n_outputs and values <= {0, 1} and (y.sum(axis=1) == 1).all():
        return lambda o, t: np.argmax(o, axis=1) == np.argmax(t, axis=1)
    return None


def _right(rule: Rule | None, outputs: np.ndarray, t: np.ndarray) -> int:
    """How many examples the rule counts as right, from a table of outputs."""
    return int(np.sum(rule(outputs, t))) if rule else 0


def _count_right(rule: Rule | None, prediction: Value | Sequence[Value], t: np.ndarray) -> int:
    return _right(rule, _outputs(prediction), t)


def _batch_loss(loss_fn: LossFn, prediction: Value | list[Value], t: object, n: int) -> Value:
    """The mean of the n examples' losses, (1/n)·Σₑ Lₑ, from one call of the loss on the batch.

    A loss returning one number per example (a BatchValue) is averaged here; a loss that sums
    over the examples by default (``reduction="sum"``) is divided by B; any other is taken to
    average over them already, as the "mean" losses do.
    """
    loss = loss_fn(prediction, t)
    if isinstance(loss, BatchValue):
        return batch_mean(loss)
    try:
        reduction = inspect.signature(loss_fn).parameters["reduction"].default
    except (KeyError, TypeError, ValueError):  # no `reduction` argument: its own mean
        reduction = "mean"
    return loss / PerBatch(n, reciprocal=False) if reduction == "sum" else loss


def evaluate(model: Module, X: object, y: object,
             loss: str | LossFn | None = None) -> dict[str, float | None]:
    """The model's mean loss (if a loss is given) and accuracy (None for regression) on (X, y),
    from one batched forward pass over all of X."""
    X, y = _data(X, y)
    loss_fn = _loss_function(loss) if loss is not None else None
    prediction = model(X)
    rule = accuracy_rule(y, _outputs(prediction).shape[1])
    return {"loss": _batch_loss(loss_fn, prediction, y, len(y)).data if loss_fn else None,
            "accuracy": _count_right(rule, prediction, y) / len(X) if rule else None}


# A wide network's fit makes lists and dicts of its 66,000 parameters, and each collection of
# the young generation would walk them all; a graph of Values holds no cycles. The collector
# resumes when fit has returned, its frame and all it made gone.
@cycle_collector_paused()
def fit(model: Module, X: object, y: object, loss: str | LossFn = "mse",
        optimizer: Optimizer | str = "sgd", lr: float | None = None, epochs: int = 100,
        batch_size: int | None = None, schedule: Callable[[int], float] | None = None,
        tol: float | None = None, max_error_rate: float | None = None, seed: int = 0,
        progress: bool | None = None, batched: bool = True,
        compiled: bool | None = None) -> History:
    """Train ``model`` on examples X (n × inputs) and targets y; returns the `History`.

    loss: a name from ``nn.LOSSES`` or a function (prediction, target) → Value.
    optimizer: an optimizer over ``model.parameters()``, or a name (with ``lr``).
    batch_size: examples per update (None: all of them, i.e. full-batch gradient descent);
        the examples are shuffled each epoch (seeded by ``seed``) when batches are smaller.
    schedule: epoch → learning rate (e.g. ``nn.InverseTimeDecay()``), applied before each epoch.
    tol, max_error_rate: the lecture's stopping criteria (see the module's docstring).
    progress: a tqdm bar; None shows it only on a terminal, False never.
    batched: True (fast) runs each mini-batch as one forward pass ``model(X[batch])`` of
        BatchValues, one loss (the mean over the batch) and one backward pass; False builds one
        scalar graph per example and runs its backward seeded with 1/B, letting the gradients
        accumulate (the same numbers, one example at a time, to step through). A custom loss is
        called on the whole batch: it returns one loss per example (a BatchValue) or their mean.
    compiled: for batched training, record the batch's graph once per batch size and replay it
        (`autograd_core.compile`: the same rules, a few array operations a layer; parameters
        and optimizer state in flat arrays, written back to the Values when fit returns). None
        (the default) compiles where the loss allows it and otherwise runs uncompiled, saying why
        in ``History.not_compiled_because``; True raises ValueError where it cannot; False never.

    Python's cycle collector is paused while fit runs and resumed when it returns.
    """
    plan = _plan(model, X, y, loss, optimizer, lr, epochs, batch_size, schedule, tol,
                 max_error_rate, seed, batched, compiled)
    history = History()
    run = _Run(model, plan, history, _compiled_training(model, plan, history))
    show = sys.stderr.isatty() if progress is None else bool(progress)
    # tqdm loads here, not with the package: grading (Gradescope, PrairieLearn) imports nn where
    # only numpy is installed
    from tqdm import tqdm

    bar = tqdm(range(plan.epochs), desc="training", unit="epoch", disable=not show)
    try:
        for epoch in bar:
            if not run.epoch(epoch):
                return history
            bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
            history.stopped_because = _stop_reason(history, plan.tol, plan.max_error_rate,
                                                   run.accuracy_now)
            if history.stopped_because:
                return history
        history.stopped_because = f"finished the {plan.epochs} epochs asked for (max epochs)"
        return history
    finally:
        run.finish()
        bar.close()


@dataclass
class _Plan:
    """fit's arguments, checked: the data, the loss and optimizer, and how to run the epochs."""

    loss_fn: LossFn
    opt: Optimizer
    X: np.ndarray
    y: np.ndarray
    epochs: int
    size: int  # examples per batch
    tol: float | None
    max_error_rate: float | None
    schedule: Callable[[int], float] | None
    rule: Rule | None  # how an output counts as right (None: regression)
    seed: int
    batched: bool
    compiled: bool | None


def _plan(model: Module, X: object, y: object, loss: str | LossFn, optimizer: Optimizer | str,
          lr: float | None, epochs: int, batch_size: int | None,
          schedule: Callable[[int], float] | None, tol: float | None,
          max_error_rate: float | None, seed: int, batched: bool,
          compiled: bool | None) -> _Plan:
    """Check fit's arguments (TypeError or ValueError naming the bad one) and gather them."""
    if not isinstance(model, Module):
        raise TypeError(f"fit trains a model such as nn.MLP(2, [4, 1]), got "
                        f"{type(model).__name__}")
    loss_fn = _loss_function(loss)
    opt = _optimizer(model, optimizer, lr)
    X, y = _data(X, y)
    n = len(X)
    n_in = getattr(model, "n_in", X.shape[1])
    if X.shape[1] != n_in:
        raise ValueError(f"expected {n_in} inputs per example, X has {X.shape[1]} columns")
    epochs = whole_number("epochs", epochs, 1)
    batched = flag("batched", batched)
    if compiled is not None:
        compiled = flag("compiled", compiled)
    size = n if batch_size is None else min(whole_number("batch_size", batch_size, 1), n)
    tol = None if tol is None else positive("tol", tol)
    if max_error_rate is not None:
        max_error_rate = finite_number("max_error_rate", max_error_rate)
        if not 0 <= max_error_rate <= 1:
            raise ValueError(f"max_error_rate is a fraction of the examples, between 0 and 1, "
                             f"got {max_error_rate}")
    if schedule is not None and not callable(schedule):
        raise TypeError("schedule must be a function epoch → learning rate, such as "
                        "nn.StepDecay(0.1)")
    rule = accuracy_rule(y, _output_count(model, X))
    if max_error_rate is not None and rule is None:
        raise ValueError("max_error_rate needs class labels as targets (0/1, -1/+1, or class "
                         "indices), but y holds other numbers")
    return _Plan(loss_fn, opt, X, y, epochs, size, tol, max_error_rate, schedule, rule, seed,
                 batched, compiled)


def _output_count(model: Module, X: np.ndarray) -> int:
    """How many outputs the model gives: an MLP's last layer's units (a scalar pass through a
    wide network makes tens of thousands of nodes); any other module is run on one example."""
    layers = getattr(model, "layers", None)
    if layers and hasattr(layers[-1], "neurons"):
        return len(layers[-1].neurons)
    return _outputs(model(X[0].tolist())).shape[1]


def _compiled_training(model: Module, plan: _Plan,
                       history: History) -> CompiledTraining | None:
    """The compiled programs' keeper, or None with the reason in
    ``history.not_compiled_because`` (ValueError instead if compiled=True asked for it)."""
    history.not_compiled_because = (
        "batched=False asks for one scalar graph per example" if not plan.batched
        else "compiled=False" if plan.compiled is False else why_not_compiled(plan.loss_fn))
    if plan.compiled and history.not_compiled_because:
        raise ValueError(f"compiled=True is not possible here: {history.not_compiled_because}")
    if history.not_compiled_because:
        return None
    if plan.size < len(plan.X):
        # a program checks no targets; one uncompiled pass checks them all, as batches would
        _batch_loss(plan.loss_fn, model(plan.X), plan.y, len(plan.X))
    return CompiledTraining(model, plan.loss_fn, plan.opt, _batch_loss)


class _Run:
    """One training run's epochs: each batch's pass (compiled while it can be, uncompiled after
    or instead), the updates, and what the history records."""

    def __init__(self, model: Module, plan: _Plan, history: History,
                 fast: CompiledTraining | None) -> None:
        self.model, self.plan, self.history, self.fast = model, plan, history, fast
        self.rows, self.targets = plan.X.tolist(), _targets(plan.y)
        self.rng = seeded_rng(plan.seed)

    def epoch(self, epoch: int) -> bool:
        """One pass through the data, recorded in the history; False if the loss stopped being
        finite (``history.stopped_because`` then says so)."""
        plan, history = self.plan, self.history
        n = len(plan.X)
        if plan.schedule is not None:
            plan.opt.lr = plan.schedule(epoch)
        order = self.rng.permutation(n) if plan.size < n else np.arange(n)
        before = self._parameters().copy()
        total, right = 0.0, 0
        for start in range(0, n, plan.size):
            batch = order[start:start + plan.size]
            batch_total, batch_right, why, pending = self._pass(epoch, batch)
            if not math.isfinite(batch_total):
                history.stopped_because = (
                    f"the loss became {batch_total} in epoch {epoch + 1}{why}: the steps are "
                    "too large; try a smaller learning rate")
                return False
            self._update(pending)
            total, right = total + batch_total, right + batch_right
        history.loss.append(total / n)
        history.accuracy.append(right / n if plan.rule else None)
        history.lr.append(plan.opt.lr)
        history.weight_change.append(float(np.max(np.abs(self._parameters() - before))))
        return True

    def _parameters(self) -> np.ndarray:
        """Every parameter's value now, flat in the optimizer's order."""
        return self.fast.data if self.fast else np.array([p.data for p in self.plan.opt.params])

    def _pass(self, epoch: int, batch: np.ndarray) -> tuple[float, int, str, Value | None]:
        """Forward and backward over one batch: (the sum of its losses, how many are right, why
        the loss is infinite if it is, the mean-loss node whose backward is still to run)."""
        if self.fast:
            done = self._compiled_pass(epoch, batch)
            if done is not None:
                return (*done, "", None)
        p = self.plan
        p.opt.zero_grad()
        try:
            total, right, pending = _uncompiled_pass(self.model, p.loss_fn, p.rule, p.X, p.y,
                                                     batch, p.batched, self.rows, self.targets)
        except InfiniteLossError as e:  # a saturated sigmoid: the same cause as a nan loss
            return math.inf, 0, f" ({e})", None
        return total, right, "", pending

    def _compiled_pass(self, epoch: int, batch: np.ndarray) -> tuple[float, int] | None:
        """The batch's pass by the compiled program: (the sum of its losses, how many are
        right); None if the program cannot run it, after which the run goes on uncompiled
        (ValueError instead if compiled=True asked for it)."""
        p = self.plan
        try:
            mean, outputs = self.fast.forward_backward(p.X[batch], p.y[batch])
        except (CompileError, DomainError) as e:
            if p.compiled:
                raise ValueError(f"compiled=True is not possible here: {e}") from e
            # the uncompiled pass runs this batch again and, if it fails, says how
            self.fast.finish()
            self.fast = None
            self.history.not_compiled_because = f"ran uncompiled from epoch {epoch + 1} on: {e}"
            return None
        self.history.compiled = True
        return mean * len(batch), _right(p.rule, outputs, p.y[batch])

    def _update(self, pending: Value | None) -> None:
        """The optimizer's step, after the backward pass still pending (uncompiled, batched)."""
        if self.fast:
            self.fast.update()
            return
        if pending is not None:
            pending.backward()
        self.plan.opt.step()

    def accuracy_now(self) -> float:
        """The accuracy on all of X with the parameters as they are now."""
        p = self.plan
        if self.fast:
            try:
                return _right(p.rule, self.fast.outputs(p.X, p.y), p.y) / len(p.X)
            except (CompileError, DomainError):  # the uncompiled pass says it in its own words
                self.fast.write_values()
        return evaluate(self.model, p.X, p.y)["accuracy"]

    def finish(self) -> None:
        """Write the compiled run's numbers back to the parameters and the optimizer."""
        if self.fast:
            self.fast.finish()


def _uncompiled_pass(model: Module, loss_fn: LossFn, rule: Rule | None, X: np.ndarray,
                     y: np.ndarray, batch: np.ndarray, batched: bool, rows: list,
                     targets: list) -> tuple[float, int, Value | None]:
    """One pass over a batch without compiling: (the sum of its examples' losses, how many are
    right, the mean-loss node whose backward is still to run — None on the scalar path, where
    each example's backward has run, seeded with 1/B)."""
    if batched:
        prediction = model(X[batch])
        mean_loss = _batch_loss(loss_fn, prediction, y[batch], len(batch))
        return mean_loss.data * len(batch), _count_right(rule, prediction, y[batch]), mean_loss
    losses, right = [], 0
    for i in batch:
        prediction = model(rows[i])
        example_loss = loss_fn(prediction, targets[i])
        example_loss.backward(1.0 / len(batch))
        losses.append(example_loss.data)
        right += _count_right(rule, prediction, y[i:i + 1])
    return math.fsum(losses), right, None


def _stop_reason(history: History, tol: float | None, max_error_rate: float | None,
                 accuracy_now: Callable[[], float]) -> str:
    epoch = history.epochs
    if max_error_rate is not None and 1 - history.accuracy[-1] <= max_error_rate:
        # the rate measured during the epoch used weights from before its updates: confirm
        error = 1 - accuracy_now()
        if error <= max_error_rate:
            return (f"after epoch {epoch} the misclassification rate {error:.1%} is at or below "
                    f"max_error_rate {max_error_rate:.1%}")
    if tol is not None and history.weight_change[-1] < tol:
        return (f"in epoch {epoch} no weight changed by more than {history.weight_change[-1]:.3g}, "
                f"below tol {tol:g}")
    return ""
