"""The Train view: one training session per browser tab, in the manner of TensorFlow Playground.

A session holds its own data, model and optimizer, so two tabs never share or disturb each other's
training. The data is one of the generated sets or the student's own points (clicked on the plot,
kept in the address); two classes train one sigmoid output unit, three or more train one score
per class with softmax and cross-entropy (or the multiclass hinge). Each epoch is one call of
`nn.fit` (the batched path) with the session's optimizer, so its running averages (momentum,
Adam's moments) carry over from epoch to epoch. A snapshot gives the page numbers to draw:
losses, the class the network gives each point of a grid over the input plane (the decision
boundary), each hidden unit's output over the plane, and the loss curves as SVG.
"""

from __future__ import annotations

import math
import threading
import time
import uuid
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from html import escape

import numpy as np

import nn
from nn.losses import InfiniteLossError
from viz.drawing import svg_element
from viz.graph import GraphTooLargeError, draw_graph

from . import fields, limits

# (points, noise, seed, classes) → X, y
DATASETS: dict[str, Callable[[int, float, int, int], tuple[np.ndarray, np.ndarray]]] = {
    "xor": lambda n, noise, seed, k: nn.datasets.xor(n, noise, seed),
    "moons": lambda n, noise, seed, k: nn.datasets.moons(n, noise, seed),
    "circles": lambda n, noise, seed, k: nn.datasets.circles(n, noise, seed=seed),
    "spirals": lambda n, noise, seed, k: nn.datasets.spirals(n, k, noise, seed),
    # k clusters in [−1, 1]², spread by the noise
    "blobs": lambda n, noise, seed, k: nn.datasets.blobs(n, k, noise, box=1.0, seed=seed),
}
MANY_CLASSES = ("spirals", "blobs")  # the generated sets that have as many classes as asked
OWN = "own"  # the data: the points the student clicked on the plot
# one sigmoid output unit, targets 0/1: the losses that fit a probability
PROBABILITY_LOSSES = ("binary_cross_entropy", "mse", "half_squared_error", "mae")
# one score per class, targets class indices
CLASS_LOSSES = ("cross_entropy", "multiclass_hinge")
LOSSES = PROBABILITY_LOSSES + CLASS_LOSSES
MAX_CLASSES = 5  # the page has a colour for each
OPTIMIZERS = ("sgd", "momentum", "adagrad", "rmsprop", "adam")
ACTIVATIONS = ("tanh", "relu", "sigmoid", "linear", "leaky_relu", "elu", "softplus")
MOMENTUM = 0.9  # the usual β of SGD with momentum
MAX_CHART_POINTS = 320


# Both are ValueErrors, as any request the page cannot have now (the server answers them with
# 404 and 409, before the 400 of other ValueErrors); their messages are for the student.
class SessionEnded(ValueError):
    """No session has this id: never made, dropped for a newer one, or the server restarted."""


class SessionBusy(ValueError):
    """The session is training in another request (a stream, or one epoch)."""


class SessionsFull(ValueError):
    """Every session the server keeps is in use by other clients: a new one would end theirs."""


@dataclass(frozen=True)
class Settings:
    """What the page asks to train: data, network and training settings (all in its address)."""

    data: str = "xor"
    classes: int = 2
    own: str = ""  # the student's points, "x1,x2,class;…" (`fields.points`)
    noise: float = 0.1
    points: int = 200
    split: float = 0.5  # the fraction of the points used for training; the rest test
    layers: tuple[int, ...] = (4,)
    activation: str = "tanh"
    loss: str = "binary_cross_entropy"
    optimizer: str = "adam"
    lr: float = 0.03
    batch: int = 10
    seed: int = 0

    @classmethod
    def from_query(cls, query: fields.Query) -> Settings:
        """Settings from the page's fields; ValueError naming a bad one."""
        d = cls()
        data = fields.choice(query, "data", d.data, [*DATASETS, OWN])
        classes = fields.whole(query, "classes", d.classes, 2, MAX_CLASSES)
        if classes > 2 and data not in (*MANY_CLASSES, OWN):
            raise fields.FieldError(f"{data} has 2 classes: for {classes}, choose "
                                    f"{', '.join(MANY_CLASSES)} or your own points",
                                    field="classes")
        loss = fields.choice(query, "loss", d.loss, LOSSES)
        if classes > 2 and loss not in CLASS_LOSSES:
            raise fields.FieldError(f"{loss} fits one probability (two classes): for "
                                    f"{classes} classes choose {' or '.join(CLASS_LOSSES)} "
                                    "(softmax)", field="loss")
        return cls(
            data=data, classes=classes,
            own=fields.points(query, "own", classes, limits.MAX_POINTS),
            noise=fields.number(query, "noise", d.noise, 0.0, 1.0),
            points=fields.whole(query, "points", d.points, 4, limits.MAX_POINTS),
            split=fields.number(query, "split", d.split, 0.1, 0.9),
            layers=tuple(fields.layer_sizes(query, "layers", d.layers,
                                            limits.MAX_UNITS_PER_LAYER, limits.MAX_HIDDEN_LAYERS)),
            activation=fields.choice(query, "activation", d.activation, ACTIVATIONS),
            loss=loss,
            optimizer=fields.choice(query, "optimizer", d.optimizer, OPTIMIZERS),
            lr=fields.number(query, "lr", d.lr, 1e-6, 10.0),
            batch=fields.whole(query, "batch", d.batch, 1, limits.MAX_BATCH_SIZE),
            seed=fields.whole(query, "seed", d.seed, 0, 2**31 - 1))


def _network(s: Settings) -> nn.MLP:
    """Two inputs, the hidden layers, and one sigmoid output unit (the probability of class 1)
    for a loss that fits a probability, else one linear score per class (softmax's input);
    Xavier's initial weights, drawn from the seed."""
    if s.loss in PROBABILITY_LOSSES:
        return nn.MLP(2, [*s.layers, 1], activation=s.activation, output_activation="sigmoid",
                      init="xavier", seed=s.seed)
    return nn.MLP(2, [*s.layers, s.classes], activation=s.activation, init="xavier",
                  seed=s.seed)


def _data(s: Settings) -> tuple[np.ndarray, np.ndarray]:
    """The settings' points and classes: generated, or the student's own."""
    if s.data != OWN:
        return DATASETS[s.data](s.points, s.noise, s.seed, s.classes)
    rows = [row.split(",") for row in s.own.split(";")] if s.own else []
    X = np.array([[float(a), float(b)] for a, b, _ in rows]).reshape(-1, 2)
    return X, np.array([int(c) for *_, c in rows], dtype=int)


def class_picture(model: nn.MLP, grid: np.ndarray) -> tuple[list[int], list[float]]:
    """For each point of the grid, the class the network gives it and how sure it is, 0 … 1:
    a sigmoid output p gives class [p ≥ 0.5], sure |2p − 1|; k scores give the class of the
    largest softmax probability p_max, sure (p_max − 1/k)/(1 − 1/k)."""
    out = model(grid)
    if not isinstance(out, list):
        p = out.data
        return (p >= 0.5).astype(int).tolist(), _rounded(np.abs(2 * p - 1))
    p = np.column_stack([q.data for q in nn.softmax(out)])
    k = p.shape[1]
    return np.argmax(p, axis=1).tolist(), _rounded((np.max(p, axis=1) - 1 / k) / (1 - 1 / k))


def _optimizer(name: str, model: nn.MLP, lr: float) -> nn.Optimizer:
    if name == "momentum":
        return nn.SGD(model.parameters(), lr=lr, momentum=MOMENTUM)
    return nn.OPTIMIZERS[name](model.parameters(), lr=lr)


def _grid(lo: np.ndarray, hi: np.ndarray, n: int) -> np.ndarray:
    """n × n points over [lo, hi], row by row from the top (largest x2) down, as a picture is."""
    xs, ys = np.linspace(lo[0], hi[0], n), np.linspace(hi[1], lo[1], n)
    return np.array([[x, y] for y in ys for x in xs])


def _rounded(values: np.ndarray) -> list[float]:
    return np.round(values, 3).tolist()


class Session:
    """One tab's training: its data split, model, optimizer and the losses so far."""

    def __init__(self, settings: Settings) -> None:
        s = self.settings = settings
        X, y = _data(s)
        order = np.random.default_rng(s.seed).permutation(len(X))
        n_train = min(max(1, round(s.split * len(X))), len(X) - 1)
        if s.data == OWN:  # every point the student placed trains the network
            n_train = len(X)
        self.train, self.test = order[:n_train], order[n_train:]
        self.X, self.y = X, y
        self.model = _network(s)
        self.optimizer = _optimizer(s.optimizer, self.model, s.lr)
        self.epochs = 0  # complete passes over the training points
        self.pending: list[int] = []  # the rest of this epoch's training points, in order
        self.train_loss: list[float | None] = []  # per epoch, from epoch 0 (the start)
        self.test_loss: list[float | None] = []
        self.measured: dict[str, float | None] = {}
        self.stopped = ""
        self.lock = threading.Lock()  # one training run at a time; the example reads under it
        self.streaming = False
        if s.data == OWN:  # the plot is [−1, 1]², where a click places a point
            self.lo, self.hi = np.array([-1.0, -1.0]), np.array([1.0, 1.0])
        else:
            lo, hi = X.min(axis=0), X.max(axis=0)
            pad = 0.15 * np.maximum(hi - lo, 1e-9)
            self.lo, self.hi = lo - pad, hi + pad
        self.grid, self.unit_grid = _grid(self.lo, self.hi, limits.GRID), _grid(
            self.lo, self.hi, limits.UNIT_GRID)
        self._measure()

    def _measure(self) -> None:
        """The loss and accuracy on the training and the test points, at the current weights."""
        for part, rows in (("train", self.train), ("test", self.test)):
            if len(rows) == 0:  # the student's own points: none to test on
                self.measured[f"{part}_loss"] = self.measured[f"{part}_accuracy"] = None
                continue
            try:
                result = nn.evaluate(self.model, self.X[rows], self.y[rows], self.settings.loss)
            except InfiniteLossError:  # a saturated sigmoid: the loss is infinite
                result = {"loss": None, "accuracy": None}
            self.measured[f"{part}_loss"] = result["loss"]
            self.measured[f"{part}_accuracy"] = result["accuracy"]
        self.train_loss.append(self.measured["train_loss"])
        self.test_loss.append(self.measured["test_loss"])

    def _update(self) -> None:
        """One update on the next mini-batch of the epoch's shuffled training points: `nn.fit`
        on that batch (one forward pass of the batch, its mean loss, one backward pass, one step
        of the session's optimizer). Measures the losses when an epoch is complete."""
        s = self.settings
        if len(self.train) == 0:
            self.stopped = "no points to train on: click on the plot to add points of each class"
            return
        if not self.pending:  # a new epoch: the training points in a fresh (seeded) order
            self.pending = np.random.default_rng(s.seed + self.epochs).permutation(
                self.train).tolist()
        batch, self.pending = self.pending[:s.batch], self.pending[s.batch:]
        history = nn.fit(self.model, self.X[batch], self.y[batch], loss=s.loss,
                         optimizer=self.optimizer, epochs=1, progress=False)
        if "max epochs" not in history.stopped_because:  # the loss became infinite
            self.stopped = history.stopped_because
        if not self.pending:
            self.epochs += 1
            self._measure()
            if not self.stopped and self.epochs >= limits.MAX_EPOCHS_PER_SESSION:
                self.stopped = (f"reached {limits.MAX_EPOCHS_PER_SESSION} epochs, the most one "
                                "session trains here; press Reset to start again")

    def train_for(self, seconds: float = 0.0, epochs: int | None = None) -> dict:
        """Train until ``seconds`` have passed (at least one update), or until ``epochs`` more
        epochs are complete, then return a snapshot. The time bound, not the epoch, sets the
        pace of a stream: a large epoch is spread over several updates sent.
        SessionBusy if another request is training this session."""
        if not self.lock.acquire(blocking=False):
            raise SessionBusy("this session is training already: pause it first")
        try:
            end = time.monotonic() + seconds
            target = None if epochs is None else self.epochs + epochs
            done = 0
            while not self.stopped and (
                    self.epochs < target if target is not None
                    else done == 0 or time.monotonic() < end):
                self._update()
                done += 1
            return self._snapshot()
        finally:
            self.lock.release()

    def snapshot(self) -> dict:
        """The current state, without training."""
        with self.lock:
            return self._snapshot()

    def _snapshot(self) -> dict:
        classes, sure = class_picture(self.model, self.grid)
        self.model(self.unit_grid)  # leaves each hidden unit's output over the smaller grid
        units = [{"name": f"unit {n.unit}", "values": _rounded(_scaled(n.out.data))}
                 for layer in self.model.layers[:-1] for n in layer.neurons]
        return {
            "epoch": self.epochs, **self.measured, "stopped": self.stopped,
            "test_points": len(self.test),
            "boundary": {"size": limits.GRID, "classes": classes, "sure": sure,
                         "count": self.settings.classes,
                         "lo": self.lo.tolist(), "hi": self.hi.tolist()},
            "units": units,
            "unit_size": limits.UNIT_GRID,
            "curves": loss_chart(self.train_loss, self.test_loss),
        }

    def points_svg(self) -> str:
        """The data as SVG circles over the unit square of the plot (train filled, test
        outlined), each with its index so that a click can ask for its graph."""
        span = self.hi - self.lo
        circles = []
        # test points first, so that the training points, the ones to click, lie on top
        for kind, rows in (("test", self.test), ("train", self.train)):
            for i in rows.tolist():
                (x1, x2), c = self.X[i], self.y[i]
                cx, cy = 100 * (x1 - self.lo[0]) / span[0], 100 * (self.hi[1] - x2) / span[1]
                circles.append(f'<circle class="pt {kind} c{c}" data-index="{i}" cx="{cx:.2f}" '
                               f'cy="{cy:.2f}" r="1.6"><title>{kind} point {i}: '
                               f'({x1:.2f}, {x2:.2f}), class {c}</title></circle>')
        return ('<svg class="points" viewBox="0 0 100 100" preserveAspectRatio="none" '
                f'role="img" aria-label="the data points">{"".join(circles)}</svg>')

    def example_graph(self, index: int) -> dict:
        """The scalar graph of one example's loss at the current weights: values, adjoints and
        local derivatives, drawn by `draw_graph` (each unit as one node if it is too large)."""
        if not 0 <= index < len(self.X):
            raise ValueError(f"there is no point {index}: the data has {len(self.X)} points")
        with self.lock:  # a copy of the weights as they are between two updates
            state = self.model.state_dict()
        s = self.settings
        model = _network(s)
        model.load_state_dict(state)
        x = self.X[index].tolist()
        prediction = model(x)
        loss = nn.LOSSES[s.loss](prediction, int(self.y[index]))
        loss.label = "E"
        loss.backward()
        try:
            drawing = draw_graph(loss, mode="both")
        except GraphTooLargeError:
            drawing = draw_graph(loss, mode="both", collapse_neurons=True)
        return {"index": index, "x": x, "target": int(self.y[index]), "loss": loss.data,
                "svg": svg_element(drawing.svg()),
                "gradients": {name: p.grad for name, p in model.named_parameters()}}


def _scaled(values: np.ndarray) -> np.ndarray:
    """A unit's outputs divided by the largest |output|, so every image uses −1 … 1."""
    top = float(np.max(np.abs(values)))
    return values / top if top > 0 else values


def _ticks(top: float, most: int, least_step: float = 0.0) -> list[float]:
    """Round tick values 0, d, 2d, … ≤ top, at most about ``most`` of them (d = 1, 2 or 5 × 10ᵏ,
    and at least ``least_step``)."""
    raw = max(top / most, least_step)
    power = 10.0 ** math.floor(math.log10(raw))
    step = next(m * power for m in (1, 2, 5, 10) if m * power >= raw)
    return [k * step for k in range(int(top / step + 1e-9) + 1)]


def loss_chart(train: list[float | None], test: list[float | None], width: int = 320,
               height: int = 120) -> str:
    """The train and test loss per epoch as an SVG line chart (y from 0 to the largest loss),
    with its axes, ticks, axis labels and a legend; the plot area is ``width`` × ``height``."""
    finite = [v for v in train + test if v is not None]
    top = max(finite, default=1.0) or 1.0
    n = max(len(train), 2)
    every = max(1, n // MAX_CHART_POINTS)  # a point per pixel or so is all a chart can show
    left, right, above, below = 44, 12, 24, 30  # room for ticks, labels and the legend

    def line(values: list[float | None], kind: str) -> str:
        pts = " ".join(f"{width * i / (n - 1):.1f},{height * (1 - v / top):.1f}"
                       for i, v in enumerate(values) if v is not None and i % every == 0)
        return f'<polyline class="{kind}" fill="none" points="{pts}"/>'

    axes = [f'<path class="axis" d="M0,0 V{height} H{width}"/>']
    for v in _ticks(top, 4):
        y = height * (1 - v / top)
        axes.append(f'<path class="tick" d="M-4,{y:.1f} H0"/>'
                    f'<text class="tick y" x="-6" y="{y + 3:.1f}">{v:.3g}</text>')
    for e in _ticks(n - 1, 5, least_step=1.0):
        x = width * e / (n - 1)
        axes.append(f'<path class="tick" d="M{x:.1f},{height} V{height + 4}"/>'
                    f'<text class="tick x" x="{x:.1f}" y="{height + 14}">{e:.0f}</text>')
    axes.append(f'<text class="label" x="{width / 2:.0f}" y="{height + 27}">epoch</text>'
                f'<text class="label" transform="translate({-34},{height / 2:.0f}) rotate(-90)">'
                'loss</text>')
    legend = "".join(f'<path class="{kind}" d="M{x},-14 h18"/>'
                     f'<text class="legend" x="{x + 22}" y="-10">{kind}</text>'
                     for x, kind in ((0, "train"), (70, "test")))
    label = f"loss per epoch: train {_last(train)}, test {_last(test)}; top of the chart {top:.3g}"
    return (f'<svg class="curves" viewBox="{-left} {-above} {width + left + right} '
            f'{height + above + below}" role="img" aria-label="{escape(label)}">'
            f'{"".join(axes)}{legend}{line(train, "train")}{line(test, "test")}</svg>')


def _last(values: list[float | None]) -> str:
    return "–" if not values or values[-1] is None else f"{values[-1]:.4f}"


class Sessions:
    """The training sessions, at most ``most`` (`limits.MAX_SESSIONS`), at most ``per_client``
    of them one client's (its tabs; the client is a cookie the server gives). A client past its
    share loses its own least recently used session (that tab is told to reset); when the
    server is full, a session unused for ``idle_seconds`` makes room, and none of another
    client's sessions in use is ever dropped: the new one is refused instead (SessionsFull)."""

    def __init__(self, most: int = limits.MAX_SESSIONS,
                 per_client: int = limits.MAX_SESSIONS_PER_CLIENT,
                 idle_seconds: float = limits.SESSION_IDLE_SECONDS,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.most, self.per_client, self.idle_seconds, self.clock = (
            most, per_client, idle_seconds, clock)
        # id → (its client, the session, when it was last used), least recently used first
        self._by_id: OrderedDict[str, tuple[str, Session, float]] = OrderedDict()
        self._lock = threading.Lock()

    def create(self, settings: Settings, client: str = "") -> tuple[str, Session]:
        """A new session for ``settings``, of ``client``, and its id."""
        session = Session(settings)
        sid = uuid.uuid4().hex
        with self._lock:
            self._make_room(client)
            self._by_id[sid] = (client, session, self.clock())
        return sid, session

    def _make_room(self, client: str) -> None:
        own = [sid for sid, (owner, _, _) in self._by_id.items() if owner == client]
        if len(own) >= self.per_client:
            del self._by_id[own[0]]
            return
        if len(self._by_id) < self.most:
            return
        now = self.clock()
        idle = [sid for sid, (_, _, used) in self._by_id.items()
                if now - used >= self.idle_seconds]
        if not idle:
            raise SessionsFull(f"the server trains {self.most} sessions already, all in use: "
                               "close a tab that trains, or try again in a few minutes")
        del self._by_id[idle[0]]

    def get(self, sid: str) -> Session:
        """The session ``sid``; SessionEnded if there is none (never made, or dropped)."""
        with self._lock:
            if sid not in self._by_id:
                raise SessionEnded(sid)
            client, session, _ = self._by_id.pop(sid)
            self._by_id[sid] = (client, session, self.clock())
            return session
