"""Softmax cross-entropy training, compiled, against PyTorch: three classes, 1,000 points.

    python bench/class_training.py [--rounds N]

The workload: 1,000 points of three interleaved spirals (`nn.datasets.spirals`), an MLP
2→w→w→3 with ReLU hidden units and three linear scores, softmax cross-entropy, Adam (lr 0.01),
full batch, a fixed number of epochs, from the same initial weights in both engines:

- ours: `nn.fit(model, X, y, loss="cross_entropy", ...)` as users call it (compiled by default:
  the graph recorded once, then replayed), the time including the recording;
- PyTorch float64 on one thread (`torch.set_num_threads(1)`): `nn.Linear` layers, the same loop
  in PyTorch's idiom (forward, `cross_entropy`, the epoch's accuracy, `zero_grad`, `backward`,
  `Adam.step`), as fit counts the accuracy of each epoch.

At width 16 (the demo network's) and at width 256. Each measurement runs in its own fresh
process, the engines alternating within each round (A B A B), with the garbage collector on and
off; numpy's BLAS is held to one thread too. Ratios are taken within a round, then summarised by
their median and range. The script stops unless both engines' first-epoch losses agree to 1e-9.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import itertools
import os
import platform
import statistics
import sys
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # nn without install

import numpy as np  # noqa: E402
import runner  # noqa: E402

POINTS = 1_000
CLASSES = 3
LR = 0.01
EPOCHS = {16: 200, 256: 30}  # per width: enough epochs that a training takes ~1 s or more
TARGETS = {16: 1.0, 256: 1.2}  # ours ÷ PyTorch, at most
SAME_LOSS = 1e-9
SEED = 0


def data() -> tuple[np.ndarray, np.ndarray]:
    """The three spirals, 1,000 points, class indices 0–2."""
    import nn

    return nn.datasets.spirals(POINTS, classes=CLASSES, seed=SEED)


def ours_model(width: int) -> Any:
    """Our MLP 2→w→w→3, ReLU hidden units, linear scores, its own seeded initial weights."""
    import nn

    return nn.MLP(2, [width, width, CLASSES], activation="relu", seed=SEED)


def ours_training(width: int, starts: list[float] | None = None) -> Any:
    """``train() → first-epoch loss``, each call from the same weights; the time each epoch
    starts is appended to ``starts`` (by the learning-rate schedule, which keeps lr at LR)."""
    import nn

    X, y = data()
    model = ours_model(width)
    start = model.state_dict()
    starts = [] if starts is None else starts

    def clock(epoch: int) -> float:
        starts.append(time.perf_counter())
        return LR

    def train() -> float:
        model.load_state_dict(start)
        history = nn.fit(model, X, y, loss="cross_entropy", epochs=EPOCHS[width], progress=False,
                         optimizer=nn.Adam(model.parameters(), lr=LR), schedule=clock)
        if not history.compiled:
            sys.exit(f"fit did not compile: {history.not_compiled_because}")
        return history.loss[0]

    return train


def torch_training(width: int, starts: list[float] | None = None) -> Any:
    """``train() → first-epoch loss`` in PyTorch float64, from our model's initial weights;
    the time each epoch starts is appended to ``starts``."""
    import torch

    torch.set_num_threads(1)
    F = torch.nn.functional
    X, y = data()
    layers = ours_model(width).layers
    linears = []
    for layer in layers:
        linear = torch.nn.Linear(len(layer.neurons[0].w), len(layer.neurons), dtype=torch.float64)
        linears.append(linear)
    start = [(torch.tensor([[w.data for w in n.w] for n in layer.neurons], dtype=torch.float64),
              torch.tensor([n.b.data for n in layer.neurons], dtype=torch.float64))
             for layer in layers]
    net = torch.nn.Sequential(linears[0], torch.nn.ReLU(), linears[1], torch.nn.ReLU(), linears[2])
    Xt, yt = torch.tensor(X), torch.tensor(y)
    starts = [] if starts is None else starts

    def train() -> float:
        with torch.no_grad():
            for linear, (W, b) in zip(linears, start, strict=True):
                linear.weight.copy_(W)
                linear.bias.copy_(b)
        opt = torch.optim.Adam(net.parameters(), lr=LR)
        first = None
        for _ in range(EPOCHS[width]):
            starts.append(time.perf_counter())
            scores = net(Xt)
            loss = F.cross_entropy(scores, yt)
            (scores.argmax(dim=1) == yt).sum().item()  # the epoch's accuracy, as fit counts it
            opt.zero_grad()
            loss.backward()
            opt.step()
            first = loss.item() if first is None else first
        return first

    return train


def _threads() -> int:
    """Threads of this process (Linux), to show that the BLAS pool stayed at one."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return -1


def child_train(engine: str, width: str) -> dict:
    """The median wall time of one whole training (for ours, recording and compiling
    included), and the median time of an epoch after the second has started (for ours, once
    the program is compiled: the first epoch records and compiles)."""
    starts: list[float] = []
    make = torch_training if engine == "torch64" else ours_training
    train = make(int(width), starts)
    first = train()  # also the warm-up
    starts.clear()
    seconds = runner.median_seconds(train, min_steps=3)
    epochs = EPOCHS[int(width)]
    steps = [b - a for run in range(len(starts) // epochs)
             for a, b in itertools.pairwise(starts[run * epochs + 1:(run + 1) * epochs])]
    return {"time": seconds, "epoch": statistics.median(steps), "first_loss": first,
            "threads": _threads()}


CHILDREN = {"train": child_train}


def section(rounds: int, width: int, gc_on: bool) -> None:
    results = {"ours": [], "torch64": []}
    for _ in range(rounds):
        for engine in results:
            results[engine].append(runner.run_child(__file__, "train", gc_on, engine, str(width)))
    firsts = [r["first_loss"] for rs in results.values() for r in rs]
    if max(firsts) - min(firsts) > SAME_LOSS:
        sys.exit(f"width {width}: the engines' first-epoch losses differ: {firsts}")
    times = {e: [r["time"] for r in rs] for e, rs in results.items()}
    epoch = {e: [r["epoch"] for r in rs] for e, rs in results.items()}
    med, lo, hi = runner.ratio_summary(runner.pair_ratios(times["ours"], times["torch64"]))
    target = TARGETS[width]
    ours_epoch = statistics.median(epoch["ours"])
    setup = statistics.median(times["ours"]) - EPOCHS[width] * ours_epoch
    print(f"width {width}, {EPOCHS[width]} epochs, gc {'on' if gc_on else 'off'} "
          f"(first-epoch loss {firsts[0]:.12f} in both):")
    print(f"    median ms: ours {statistics.median(times['ours']) * 1e3:.0f} (an epoch "
          f"{ours_epoch * 1e3:.1f}; the rest, {setup * 1e3:.0f}: recording and compiling, and "
          "any time the machine gave to other work), PyTorch "
          f"{statistics.median(times['torch64']) * 1e3:.0f} (an epoch "
          f"{statistics.median(epoch['torch64']) * 1e3:.1f})")
    print(f"    whole training: ours ÷ PyTorch {med:.2f}× [{lo:.2f}–{hi:.2f}]: target ≤ "
          f"{target:g}: {'met' if med <= target else 'MISSED'}")
    med, lo, hi = runner.ratio_summary(runner.pair_ratios(epoch["ours"], epoch["torch64"]))
    print(f"    an epoch once compiled: ours ÷ PyTorch {med:.2f}× [{lo:.2f}–{hi:.2f}]")
    threads = sorted({r["threads"] for rs in results.values() for r in rs})
    print(f"    threads per process: {threads}")


def main(rounds: int) -> None:
    started = time.perf_counter()
    if importlib.util.find_spec("torch") is None:
        sys.exit("PyTorch, the peer measured against, is not installed "
                 "(make .venv/.installed-test)")
    print(f"backprop-lab compiled cross-entropy training · Python {platform.python_version()} · "
          f"PyTorch {importlib.metadata.version('torch')} float64 on one thread · {rounds} "
          "rounds, each measurement in its own process, engines alternating")
    print(f"{POINTS:,} spiral points, {CLASSES} classes, MLP 2→w→w→{CLASSES} ReLU, softmax "
          f"cross-entropy, Adam lr {LR:g}, full batch\n")
    for gc_on in (True, False):
        for width in EPOCHS:
            section(rounds, width, gc_on)
    print(f"\n({time.perf_counter() - started:.0f} s; ratios, not times, carry across machines)")


if __name__ == "__main__":
    runner.command_line(__doc__, CHILDREN, main)
