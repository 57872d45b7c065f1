"""Our engine against micrograd on micrograd's own demo step; prints a table of ratios.

    python bench/micrograd_step.py [--rounds N]

Each measurement runs in a fresh subprocess, alternating ours and micrograd (A B A B …), because
micrograd's nodes sit in reference cycles (node → closure → node) whose garbage waits for the
cycle collector: in a shared process that collector would also run during our steps. Times are
taken with the garbage collector on (what users run) and off (the engine's own cost); the table
gives the median over rounds of the per-pair ratio micrograd ÷ ours.
"""

from __future__ import annotations

import argparse
import platform
import statistics
import sys
import time
import tracemalloc
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
sys.path.insert(1, str(Path(__file__).resolve().parent.parent))  # autograd_core without install

import runner  # noqa: E402
import workloads as W  # noqa: E402

ENGINES = ("ours", "micrograd")
LR = 0.1
CHAIN_DEPTH = 10**6
MEMORY_CHAIN_DEPTH = 10**5


# -- children: one measurement each, printed as one JSON object ----------------------------------

def child_step(engine: str) -> dict:
    """The median wall time of `W.train_step`, after one warm-up step."""
    loss_fn, params = W.MODELS[engine]()
    points, labels = W.two_moons()
    first_loss = W.loss_value(W.train_step(loss_fn, params, points, labels, LR))
    seconds = runner.median_seconds(lambda: W.train_step(loss_fn, params, points, labels, LR))
    return {"time": seconds, "first_loss": first_loss}


def _traced_bytes(build) -> tuple[object, int]:
    """What ``build()`` returns, and the bytes it left allocated (tracemalloc)."""
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    kept = build()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return kept, after - before


def child_memory(engine: str) -> dict:
    """Bytes per node of a graph after forward and backward: the demo step's, and a chain's."""
    loss_fn, _ = W.MODELS[engine]()
    points, labels = W.two_moons()

    def step_graph():
        loss = loss_fn(points, labels)
        loss.backward()
        return loss

    loss, step_bytes = _traced_bytes(step_graph)

    def chain_graph():
        x, y = W.CHAINS[engine](MEMORY_CHAIN_DEPTH)
        return y

    # backward is recursive in micrograd and cannot run on this chain; forward only, for both
    chain, chain_bytes = _traced_bytes(chain_graph)
    return {
        "step_nodes": W.graph_size(loss, engine), "step_bytes": step_bytes,
        "chain_nodes": MEMORY_CHAIN_DEPTH + 2, "chain_bytes": chain_bytes,
    }


def _chain_seconds(engine: str, depth: int) -> float:
    start = time.perf_counter()
    x, y = W.CHAINS[engine](depth)
    y.backward()
    elapsed = time.perf_counter() - start
    if x.grad != 1.0:  # y = x·1·1·…, so ∂y/∂x = 1
        raise AssertionError(f"{engine}: ∂y/∂x on the chain is {x.grad}, expected 1")
    return elapsed


def child_chain(engine: str) -> dict:
    """Forward+backward seconds per node on a chain ``CHAIN_DEPTH`` deep; for an engine whose
    backward recurses, the first depth (doubling from 250) that raises RecursionError instead."""
    depth = CHAIN_DEPTH if engine == "ours" else 250
    works = None
    while depth <= CHAIN_DEPTH:
        try:
            seconds = _chain_seconds(engine, depth)
        except RecursionError:
            return {"recursion_error_at": depth, "works_at": works}
        works = {"depth": depth, "per_node": seconds / (depth + 2)}
        depth *= 2
    return {"recursion_error_at": None, "works_at": works}


CHILDREN = {"step": child_step, "memory": child_memory, "chain": child_chain}


def run_child(kind: str, engine: str, gc_on: bool) -> dict:
    """Run one measurement in a fresh interpreter and return its JSON result."""
    return runner.run_child(__file__, kind, gc_on, engine)


# -- the report ----------------------------------------------------------------------------------

def ratio_line(name: str, pairs: list[tuple[float, float]], target: float) -> str:
    """``micrograd ÷ ours`` per pair: median [min–max], and whether the median meets the target."""
    ratios = [m / o for o, m in pairs]
    med = statistics.median(ratios)
    verdict = "ok" if med >= target else "MISSED"
    return (f"  {name:<8}{med:6.1f}×  [{min(ratios):.1f}–{max(ratios):.1f}]   "
            f"target ≥ {target:g}×  {verdict}")


def main(rounds: int) -> None:
    started = time.perf_counter()
    print(f"backprop-lab vs micrograd 0.1.0 · Python {platform.python_version()} · "
          f"{rounds} rounds, each run in its own process, alternating ours/micrograd")
    print(f"workload: MLP 2→16→16→1, {W.N_POINTS} two-moons points, max-margin loss + "
          f"{W.L2:g}·Σp², one forward, backward and SGD step\n")

    lines, first_losses, medians = [], set(), {}
    for gc_on in (True, False):
        pairs = []
        for _ in range(rounds):
            ours, theirs = (run_child("step", e, gc_on) for e in ENGINES)
            pairs.append((ours["time"], theirs["time"]))
            first_losses |= {round(ours["first_loss"], 9), round(theirs["first_loss"], 9)}
        name = "gc on" if gc_on else "gc off"
        lines.append(ratio_line(name, pairs, 5.0))
        medians[name] = [statistics.median(t) for t in zip(*pairs, strict=True)]
    if len(first_losses) != 1:
        sys.exit(f"the two workloads differ: first-step losses {sorted(first_losses)}")
    print(f"same initial weights, same loss at step 1 in both engines: {first_losses.pop():.9f}")
    print("step time, micrograd ÷ ours, median over pairs [min–max]:")
    print("\n".join(lines))
    print("  (medians in ms, ours / micrograd: "
          + ", ".join(f"{k} {o * 1e3:.0f} / {m * 1e3:.0f}" for k, (o, m) in medians.items()) + ")")

    mem = {e: run_child("memory", e, False) for e in ENGINES}
    o, m = mem["ours"], mem["micrograd"]
    print("\nmemory (tracemalloc), ours ÷ micrograd:")
    per_node = [(r["chain_bytes"] / r["chain_nodes"]) for r in (o, m)]
    print(f"  per node, chain of 10^5 multiplications: {per_node[0]:.0f} B / {per_node[1]:.0f} B"
          f" = {per_node[0] / per_node[1]:.2f}   target ≤ 0.5  "
          + ("ok" if per_node[0] <= 0.5 * per_node[1] else "MISSED"))
    step_per_node = [r["step_bytes"] / r["step_nodes"] for r in (o, m)]
    print(f"  per node, demo step graph:  {step_per_node[0]:.0f} B / {step_per_node[1]:.0f} B"
          f" = {step_per_node[0] / step_per_node[1]:.2f}  (ours has one node per unit's net input)")
    print(f"  whole demo step graph: {o['step_nodes']:,} nodes, {o['step_bytes'] / 1e6:.1f} MB / "
          f"{m['step_nodes']:,} nodes, {m['step_bytes'] / 1e6:.1f} MB"
          f" = {o['step_bytes'] / m['step_bytes']:.2f}")

    print(f"\nchain of {CHAIN_DEPTH:,} multiplications, forward+backward per node:")
    for gc_on in (True, False):
        ours = run_child("chain", "ours", gc_on)["works_at"]
        print(f"  ours, gc {'on ' if gc_on else 'off'}: {ours['per_node'] * 1e6:.2f} µs/node")
    theirs = run_child("chain", "micrograd", True)
    works = theirs["works_at"]
    print(f"  micrograd: RecursionError at depth {theirs['recursion_error_at']:,}"
          + (f" (depth {works['depth']} works: {works['per_node'] * 1e6:.2f} µs/node)"
             if works else ""))
    print(f"\n({time.perf_counter() - started:.0f} s; ratios, not times, carry across machines)")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=5, help="pairs of runs per gc setting")
    parser.add_argument("--child", nargs=3, metavar=("KIND", "GC", "ENGINE"),
                        help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        runner.serve_child(CHILDREN, *args.child)
    else:
        main(args.rounds)
