"""Batched evaluation against micrograd, our scalar path and PyTorch; prints a table of ratios.

    python bench/batched_step.py [--rounds N]

The demo step (MLP 2→16→16→1, 100 two-moons points, max-margin loss + 10⁻⁴·Σp², forward,
backward, SGD) in micrograd, in our scalar path (one graph per example), in our batched path (one
graph, each node computing its operation for all examples at once) and in PyTorch (`nn.Linear`
layers on a 2-D tensor, float64 and float32), all from the same data and initial weights. Then one
epoch of 1000 points (one full batch, and mini-batches of 100), and memory per example. Each
measurement runs in its own fresh process, the engines alternating within each round; ratios are
taken within a round and summarised by their median over rounds.
"""

from __future__ import annotations

import importlib.metadata
import importlib.util
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # autograd_core without install

import runner  # noqa: E402
import workloads as W  # noqa: E402

STEP_ENGINES = ("micrograd", "scalar", "batched", "torch64", "torch32")
EPOCH_ENGINES = ("scalar", "batched", "torch64", "torch32")
MEMORY_ENGINES = ("scalar", "batched")  # PyTorch allocates outside Python: tracemalloc misses it
FLOAT64 = ("micrograd", "scalar", "batched", "compiled", "torch64")
EPOCH_POINTS = 1000
MINI_BATCH = 100
MEMORY_BATCHES = (100, 1000)
LR = 0.1
SAME_LOSS = 1e-9  # float64 engines: first losses agree to this (absolute)
SAME_LOSS_FLOAT32 = 1e-5  # float32 carries ~7 digits
TARGET = 100.0  # batched ≥ 100× faster than micrograd


# -- children: one measurement each, printed as one JSON object ----------------------------------

def child_step(name: str, n: str = str(W.N_POINTS), width: str = str(W.WIDTH)) -> dict:
    """The median wall time of one demo step (on ``n`` points, hidden layers ``width`` wide),
    after one warm-up step."""
    engine = W.ENGINES[name]
    loss_fn, params = engine.model(width=int(width))
    data = engine.data(*W.two_moons(int(n)))
    first_loss = W.loss_value(engine.step(loss_fn, params, *data, LR))
    seconds = runner.median_seconds(lambda: engine.step(loss_fn, params, *data, LR))
    return {"time": seconds, "first_loss": first_loss}


def epoch_batches(n: int, batch_size: int, seed: int = W.SEED) -> list[np.ndarray]:
    """The example indices of each mini-batch of one epoch: a seeded shuffle cut into pieces of
    ``batch_size`` (the last may be smaller), so every example is used exactly once."""
    if batch_size < 1 or n < 1:
        raise ValueError(f"need at least one example and a batch size ≥ 1, got {n} and "
                         f"{batch_size}")
    order = np.random.default_rng(seed).permutation(n)
    return [order[k:k + batch_size] for k in range(0, n, batch_size)]


def child_epoch(name: str, batch_size: str) -> dict:
    """The median wall time of one epoch over `EPOCH_POINTS` two-moons points, after one warm-up
    step, with the loss of that first step (the same in every engine)."""
    engine = W.ENGINES[name]
    loss_fn, params = engine.model()
    points, labels = W.two_moons(EPOCH_POINTS)
    batches = [engine.data([points[i] for i in idx], [labels[i] for i in idx])
               for idx in epoch_batches(EPOCH_POINTS, int(batch_size))]
    first_loss = W.loss_value(engine.step(loss_fn, params, *batches[0], LR))

    def epoch() -> None:
        for batch in batches:
            engine.step(loss_fn, params, *batch, LR)

    return {"time": runner.median_seconds(epoch, min_steps=3), "first_loss": first_loss}


def child_memory(name: str, n: str) -> dict:
    """The peak bytes (tracemalloc) of one forward and backward pass over ``n`` points, with the
    model and the data made before tracing starts."""
    engine = W.ENGINES[name]
    loss_fn, _ = engine.model()
    data = engine.data(*W.two_moons(int(n)))
    tracemalloc.start()
    loss_fn(*data).backward()
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    return {"peak": peak, "n": int(n)}


CHILDREN = {"step": child_step, "epoch": child_epoch, "memory": child_memory}


# -- the report ----------------------------------------------------------------------------------

def available(engines: tuple[str, ...]) -> tuple[str, ...]:
    """The engines whose library is installed (PyTorch and micrograd are optional)."""
    return tuple(e for e in engines if importlib.util.find_spec(W.ENGINES[e].needs) is not None)


def check_same_loss(first_losses: dict[str, list[float]], what: str) -> None:
    """Stop if the engines did not start from the same loss: then they measure different work."""
    values = "; ".join(f"{e} {', '.join(map(repr, vs))}" for e, vs in first_losses.items())
    f64 = [v for e, vs in first_losses.items() if e in FLOAT64 for v in vs]
    if f64 and max(f64) - min(f64) > SAME_LOSS:
        sys.exit(f"{what}: the float64 engines differ at step 1 (each round): {values}")
    for v in first_losses.get("torch32", []):
        if abs(v - f64[0]) > SAME_LOSS_FLOAT32 * abs(f64[0]):
            sys.exit(f"{what}: PyTorch float32 differs from float64 at step 1 "
                     f"(each round): {values}")
    print(f"{what}: same loss at step 1 in every engine: {f64[0]:.12f} (float64 engines within "
          f"{SAME_LOSS:g}, float32 within {SAME_LOSS_FLOAT32:g} relative)")


def ratio_text(slow: list[float], fast: list[float]) -> str:
    """``median×  [min–max]`` of slow ÷ fast over rounds."""
    med, lo, hi = runner.ratio_summary(runner.pair_ratios(slow, fast))
    return f"{med:7.1f}×  [{lo:.1f}–{hi:.1f}]"


def measure(kind: str, engines: tuple[str, ...], rounds: int, gc_on: bool,
            *args: str, script: str = __file__) -> dict[str, list[dict]]:
    """``rounds`` rounds, each running every engine once in its own process (``script``'s
    child), one after another."""
    results: dict[str, list[dict]] = {e: [] for e in engines}
    for _ in range(rounds):
        for e in engines:
            results[e].append(runner.run_child(script, kind, gc_on, e, *args))
    return results


def report_times(results: dict[str, list[dict]], comparisons: list[tuple[str, str, str]]) -> None:
    """Median times, then each comparison (slow ÷ fast per round) for engines that ran."""
    times = {e: [r["time"] for r in rs] for e, rs in results.items()}
    print("    median ms: " + ", ".join(f"{e} {statistics.median(t) * 1e3:.2f}"
                                        for e, t in times.items()))
    for slow, fast, meaning in comparisons:
        if slow in times and fast in times:
            print(f"    {slow + ' ÷ ' + fast:<22}{ratio_text(times[slow], times[fast])}  {meaning}")


def main(rounds: int) -> None:
    started = time.perf_counter()
    step_engines = available(STEP_ENGINES)
    missing = sorted(set(STEP_ENGINES) - set(step_engines))
    print(f"backprop-lab batched path · Python {platform.python_version()} · {rounds} rounds, "
          f"each measurement in its own process, engines alternating")
    if missing:
        print(f"not installed, skipped: {', '.join(missing)}")
    if "torch64" in step_engines:
        print(f"PyTorch {importlib.metadata.version('torch')} on one thread, as our engine")
    print(f"workload: MLP 2→16→16→1, {W.N_POINTS} two-moons points, max-margin loss + "
          f"{W.L2:g}·Σp², one forward, backward and SGD step\n")

    step_comparisons = [
        ("micrograd", "batched", f"batched faster than micrograd (target ≥ {TARGET:g}×)"),
        ("scalar", "batched", "batched faster than our scalar path"),
        ("batched", "torch64", "batched slower than PyTorch float64"),
        ("batched", "torch32", "batched slower than PyTorch float32"),
    ]
    for gc_on in (True, False):
        results = measure("step", step_engines, rounds, gc_on)
        check_same_loss({e: [r["first_loss"] for r in rs] for e, rs in results.items()},
                        f"demo step, gc {'on' if gc_on else 'off'}")
        report_times(results, step_comparisons)
        if "micrograd" in results:
            ratios = runner.pair_ratios([r["time"] for r in results["micrograd"]],
                                        [r["time"] for r in results["batched"]])
            verdict = "ok" if statistics.median(ratios) >= TARGET else "MISSED"
            print(f"    target batched ≥ {TARGET:g}× micrograd: {verdict}")
        print()

    epoch_comparisons = [
        ("scalar", "batched", "batched faster than our scalar path"),
        ("batched", "torch64", "batched slower than PyTorch float64"),
        ("batched", "torch32", "batched slower than PyTorch float32"),
    ]
    for batch_size in (EPOCH_POINTS, MINI_BATCH):
        results = measure("epoch", available(EPOCH_ENGINES), rounds, True, str(batch_size))
        check_same_loss({e: [r["first_loss"] for r in rs] for e, rs in results.items()},
                        f"one epoch of {EPOCH_POINTS} points, batches of {batch_size}, gc on")
        report_times(results, epoch_comparisons)
        print()

    print("memory (tracemalloc peak of one forward and backward pass, per example):")
    for n in MEMORY_BATCHES:
        peak = {e: runner.run_child(__file__, "memory", True, e, str(n))["peak"] / n
                for e in MEMORY_ENGINES}
        print(f"    batch of {n:>4}: scalar {peak['scalar'] / 1e3:.1f} kB, batched "
              f"{peak['batched'] / 1e3:.2f} kB per example: batched ÷ scalar "
              f"{peak['batched'] / peak['scalar']:.3f}")
    print(f"\n({time.perf_counter() - started:.0f} s; ratios, not times, carry across machines)")


if __name__ == "__main__":
    runner.command_line(__doc__, CHILDREN, main)
