"""The compiled batch mode against PyTorch, micrograd and our uncompiled batched path.

    python bench/compiled_step.py [--rounds N]

1. micrograd's demo step (MLP 2→16→16→1, max-margin loss + 10⁻⁴·Σp², forward, backward, SGD) on
   100, 1,000, 10⁴ and 10⁵ two-moons points, and with hidden layers 64 wide on 100 and 1,000;
   compiled (`autograd_core.compile`, parameters in one flat array) against PyTorch float64
   (`nn.Linear`), our uncompiled batched path (up to 10³ points) and micrograd (100 points:
   about 1 s a step, and ~10 s at 1,000).
2. Two moons, 1,000 points, 2-16-16-1 with a sigmoid output, trained with Adam (lr 0.05, full
   batch, binary cross-entropy) until 97% are right: `nn.fit` (compiled, as by default, and
   uncompiled) against the same training in PyTorch.

Each measurement runs in its own fresh process, the engines alternating within each round
(A B A B), with the garbage collector on and off; numpy's BLAS and PyTorch both use one thread.
Ratios are taken within a round, then summarised by their median and range over rounds.
"""

from __future__ import annotations

import importlib.metadata
import os
import platform
import statistics
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # autograd_core without install

import runner  # noqa: E402
import workloads as W  # noqa: E402
from batched_step import (  # noqa: E402
    available,
    check_same_loss,
    child_step,
    measure,
    ratio_text,
    report_times,
)

POINTS = (100, 1_000, 10_000, 100_000)
WIDE = 64
WIDE_POINTS = (100, 1_000)
SLOW = {"micrograd": 100, "batched": 1_000}  # the largest batch each slow engine is run on
TRAIN_POINTS = 1_000
TRAIN_LR = 0.05
TRAIN_ACCURACY = 0.97
MAX_EPOCHS = 2_000
TARGETS = {  # (slow, fast): the ratio slow ÷ fast the issue asks for, per point count
    ("micrograd", "compiled"): ("≥", 500.0),
    ("compiled", "torch64"): ("≤", 1.0),  # faster than PyTorch at 100 and 1,000 points …
}
WITHIN = 1.5  # … and within 1.5× of it up to 10⁵ points
WIDE_WITHIN = 2.0


def _threads() -> int:
    """Threads of this process (Linux), to show that the BLAS pool stayed at one."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return -1


def child_step_threads(name: str, n: str, width: str) -> dict:
    """`batched_step.child_step`, and how many threads the process had after it."""
    return {**child_step(name, n, width), "threads": _threads()}


def child_train(name: str) -> dict:
    """The median wall time of training two moons to the target accuracy, from the same
    initial weights each time, with the epochs it took and the accuracy reached."""
    points, labels = W.two_moons(TRAIN_POINTS)
    args = (points, labels, TRAIN_LR, TRAIN_ACCURACY, MAX_EPOCHS)
    train, accuracy = (W.torch_fit(*args) if name == "torch64"
                       else W.ours_fit(*args, compiled=name == "fit"))
    epochs = train()  # also the warm-up
    reached = accuracy()
    seconds = runner.median_seconds(train, min_steps=3)
    return {"time": seconds, "epochs": epochs, "accuracy": reached}


CHILDREN = {"step": child_step_threads, "train": child_train}


def verdict(ratios: list[float], sign: str, target: float) -> str:
    med = statistics.median(ratios)
    ok = med >= target if sign == "≥" else med <= target
    return f"target {sign} {target:g}: {'met' if ok else 'MISSED'}"


def step_section(rounds: int, n: int, width: int, gc_on: bool) -> None:
    engines = available(tuple(e for e in ("micrograd", "batched", "compiled", "torch64")
                              if n <= SLOW.get(e, n) and (e != "micrograd" or width == W.WIDTH)))
    results = measure("step", engines, rounds, gc_on, str(n), str(width),
                      script=__file__)
    title = f"{n:,} points, width {width}, gc {'on' if gc_on else 'off'}"
    check_same_loss({e: [r["first_loss"] for r in rs] for e, rs in results.items()}, title)
    report_times(results, [
        ("micrograd", "compiled", "compiled faster than micrograd"),
        ("batched", "compiled", "compiled faster than our uncompiled batched path"),
        ("compiled", "torch64", "compiled's time ÷ PyTorch float64's (below 1: faster)"),
    ])
    times = {e: [r["time"] for r in rs] for e, rs in results.items()}
    threads = sorted({r["threads"] for rs in results.values() for r in rs})
    print(f"    threads per process: {threads}")
    for (slow, fast), (sign, target) in TARGETS.items():
        if slow in times and fast in times:
            if (slow, fast) == ("compiled", "torch64"):
                target = (1.0 if n <= 1_000 else WITHIN) if width == W.WIDTH else WIDE_WITHIN
            print(f"    {slow} ÷ {fast}: "
                  f"{verdict(runner.pair_ratios(times[slow], times[fast]), sign, target)}")
    print()


def train_section(rounds: int, gc_on: bool) -> None:
    engines = ("fit", "fit-uncompiled", *available(("torch64",)))
    results = measure("train", engines, rounds, gc_on, script=__file__)
    for e, rs in results.items():
        print(f"    {e:<15} epochs {sorted({r['epochs'] for r in rs})}, accuracy "
              f"{min(r['accuracy'] for r in rs):.1%}, median "
              f"{statistics.median(r['time'] for r in rs) * 1e3:.0f} ms")
    times = {e: [r["time"] for r in rs] for e, rs in results.items()}
    for slow, fast, meaning in [("fit", "torch64", "nn.fit's time ÷ PyTorch's"),
                                ("fit-uncompiled", "fit", "compiled faster than uncompiled")]:
        if slow in times and fast in times:
            print(f"    {slow + ' ÷ ' + fast:<22}{ratio_text(times[slow], times[fast])}  {meaning}")


def main(rounds: int) -> None:
    started = time.perf_counter()
    print(f"backprop-lab compiled mode · Python {platform.python_version()} · {rounds} rounds, "
          "each measurement in its own process, engines alternating; one BLAS thread")
    if "torch64" in available(("torch64",)):
        print(f"PyTorch {importlib.metadata.version('torch')} on one thread")
    print(f"demo step: MLP 2→w→w→1, max-margin loss + {W.L2:g}·Σp², forward, backward, SGD\n")
    for gc_on in (True, False):
        for n in POINTS:
            step_section(rounds, n, W.WIDTH, gc_on)
        for n in WIDE_POINTS:
            step_section(rounds, n, WIDE, gc_on)
    for gc_on in (True, False):
        print(f"two moons, {TRAIN_POINTS} points, 2-16-16-1, Adam lr {TRAIN_LR}, full batch, "
              f"until {TRAIN_ACCURACY:.0%} are right, gc {'on' if gc_on else 'off'}:")
        train_section(rounds, gc_on)
    print(f"\n({time.perf_counter() - started:.0f} s; ratios, not times, carry across machines)")


if __name__ == "__main__":
    runner.command_line(__doc__, CHILDREN, main)
