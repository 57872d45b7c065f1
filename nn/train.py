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

import numpy as np

from autograd_core import BatchValue, CompileError, DomainError, Value, batch_mean

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
    if {id(p) for p in optimizer.params} != {id(p) for p in model.parameters()}:
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
    return loss / n if reduction == "sum" else loss


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
    """
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
    rule = accuracy_rule(y, _outputs(model(X[0].tolist())).shape[1])
    if max_error_rate is not None and rule is None:
        raise ValueError("max_error_rate needs class labels as targets (0/1, -1/+1, or class "
                         "indices), but y holds other numbers")

    history = History()
    history.not_compiled_because = (
        "batched=False asks for one scalar graph per example" if not batched
        else "compiled=False" if compiled is False else why_not_compiled(loss_fn))
    if compiled and history.not_compiled_because:
        raise ValueError(f"compiled=True is not possible here: {history.not_compiled_because}")
    if size < n and not history.not_compiled_because:
        # a program checks no targets; one uncompiled pass checks them all, as batches would
        _batch_loss(loss_fn, model(X), y, n)
    fast = None if history.not_compiled_because else CompiledTraining(
        model, loss_fn, opt, _batch_loss)

    def accuracy_now() -> float:
        """The accuracy on all of X with the parameters as they are now."""
        if fast:
            try:
                return _right(rule, fast.outputs(X, y), y) / n
            except (CompileError, DomainError):  # the uncompiled pass says it in its own words
                fast.write_values()
        return evaluate(model, X, y)["accuracy"]

    rows, targets = X.tolist(), _targets(y)
    rng = seeded_rng(seed)
    params = opt.params
    show = sys.stderr.isatty() if progress is None else bool(progress)
    # tqdm loads here, not with the package: grading (Gradescope, PrairieLearn) imports nn where
    # only numpy is installed
    from tqdm import tqdm

    bar = tqdm(range(epochs), desc="training", unit="epoch", disable=not show)
    try:
        for epoch in bar:
            if schedule is not None:
                opt.lr = schedule(epoch)
            order = rng.permutation(n) if size < n else np.arange(n)
            before = fast.data.copy() if fast else np.array([p.data for p in params])
            total, right = 0.0, 0
            for start in range(0, n, size):
                batch = order[start:start + size]
                if fast:
                    try:
                        mean, outputs = fast.forward_backward(X[batch], y[batch])
                    except (CompileError, DomainError) as e:
                        if compiled:
                            raise ValueError(f"compiled=True is not possible here: {e}") from e
                        # the uncompiled pass runs this batch again and, if it fails, says how
                        fast.finish()
                        fast, history.not_compiled_because = None, (
                            f"ran uncompiled from epoch {epoch + 1} on: {e}")
                    else:
                        history.compiled, why, pending = True, "", None
                        batch_total = mean * len(batch)
                        right += _right(rule, outputs, y[batch])
                if not fast:
                    opt.zero_grad()
                    try:
                        batch_total, batch_right, pending = _uncompiled_pass(
                            model, loss_fn, rule, X, y, batch, batched, rows, targets)
                    except InfiniteLossError as e:  # a saturated sigmoid: the same cause as below
                        batch_total, why = math.inf, f" ({e})"
                    else:
                        why, right = "", right + batch_right
                if not math.isfinite(batch_total):
                    history.stopped_because = (
                        f"the loss became {batch_total} in epoch {epoch + 1}{why}: the steps are "
                        "too large; try a smaller learning rate")
                    return history
                if fast:
                    fast.update()
                else:
                    if pending is not None:
                        pending.backward()
                    opt.step()
                total += batch_total
            after = fast.data if fast else np.array([p.data for p in params])
            history.loss.append(total / n)
            history.accuracy.append(right / n if rule else None)
            history.lr.append(opt.lr)
            history.weight_change.append(float(np.max(np.abs(after - before))))
            bar.set_postfix(loss=f"{history.loss[-1]:.4g}")
            history.stopped_because = _stop_reason(history, tol, max_error_rate, accuracy_now)
            if history.stopped_because:
                return history
        history.stopped_because = f"finished the {epochs} epochs asked for (max epochs)"
        return history
    finally:
        if fast:
            fast.finish()
        bar.close()


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
