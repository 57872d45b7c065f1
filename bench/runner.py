"""What the benchmark scripts share: one measurement per fresh interpreter, the timing loop, and
the ratio arithmetic.

A script runs itself as ``script --child KIND GC ARG …``; the child prints one JSON object.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager

# numpy's BLAS (OpenBLAS, or MKL, through OpenMP) reads these when it loads: one thread, as
# PyTorch is set to one; on a busy 2-core machine a second BLAS thread waits for a core, and a
# step of 10⁴ examples took ~10× longer
ONE_THREAD = {"OMP_NUM_THREADS": "1", "OPENBLAS_NUM_THREADS": "1", "MKL_NUM_THREADS": "1"}
STEPS = 5  # timed repetitions at least, after the caller's warm-up …
MIN_SECONDS = 1.0  # … and more until this long, so that a fast engine's median is steady


def median_seconds(work: Callable[[], object], min_steps: int = STEPS,
                   min_seconds: float = MIN_SECONDS) -> float:
    """The median wall time of ``work()``, repeated at least ``min_steps`` times and for at
    least ``min_seconds`` in all.

    With the garbage collector off (the engines' own cost), what ``work()`` returns (a step's
    graph) is freed after the clock stops: micrograd's graphs are reference cycles that are then
    never freed at all, so timing our freeing alone would compare unlike work. With it on
    (what users run), freeing is timed, as users wait for it.
    """
    times: list[float] = []
    while len(times) < min_steps or sum(times) < min_seconds:
        start = time.perf_counter()
        result = work()
        if gc.isenabled():
            del result
        times.append(time.perf_counter() - start)
        result = None
    return statistics.median(times)


def run_child(script: str, kind: str, gc_on: bool, *args: str) -> dict:
    """Run one measurement of ``script`` in a fresh interpreter and return its JSON result."""
    cmd = [sys.executable, script, "--child", kind, "on" if gc_on else "off", *args]
    done = subprocess.run(cmd, capture_output=True, text=True, env={**os.environ, **ONE_THREAD})
    if done.returncode != 0:
        sys.exit(f"{kind} {' '.join(args)} failed:\n{done.stderr}")
    return json.loads(done.stdout)


def serve_child(children: Mapping[str, Callable[..., dict]], kind: str, gc_state: str,
                *args: str) -> None:
    """The child's side of `run_child`: gc off if asked, run, print the result as JSON."""
    if gc_state == "off":
        gc.disable()
    print(json.dumps(children[kind](*args)))


def pair_ratios(slow: Sequence[float], fast: Sequence[float]) -> list[float]:
    """slow ÷ fast for each round (the two measured side by side), so drift between rounds
    cancels out of each ratio."""
    if len(slow) != len(fast) or not slow:
        raise ValueError(f"need the same number (≥ 1) of times on both sides, "
                         f"got {len(slow)} and {len(fast)}")
    if min(fast) <= 0 or min(slow) <= 0:
        raise ValueError("times must be positive")
    return [s / f for s, f in zip(slow, fast, strict=True)]


def ratio_summary(ratios: Sequence[float]) -> tuple[float, float, float]:
    """(median, min, max) of per-round ratios."""
    return statistics.median(ratios), min(ratios), max(ratios)


def command_line(doc: str, children: Mapping[str, Callable[..., dict]],
                 main: Callable[[int], None], rounds: int = 3) -> None:
    """A benchmark script's command line: ``--rounds N`` runs ``main(N)``; ``--child KIND GC …``
    (how `run_child` calls the script) runs one measurement and prints it."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    parser.add_argument("--rounds", type=int, default=rounds, help="rounds of every engine")
    parser.add_argument("--child", nargs="+", metavar="ARG", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        serve_child(children, *args.child)
    else:
        main(args.rounds)


@contextmanager
def app_server() -> Iterator[str]:
    """``backprop serve`` started for real on a free port: its address, then Ctrl-C."""
    import re
    import signal

    proc = subprocess.Popen([sys.executable, "-m", "viz.cli", "serve", "--no-browser",
                             "--port", "0"], stdout=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline() if proc.stdout else ""
        address = re.search(r"http://\S+/", line)
        if not address:
            raise SystemExit(f"backprop serve printed no address: {line!r}")
        yield address.group(0)
    finally:
        proc.send_signal(signal.SIGINT)
        proc.wait(timeout=30)
