"""How long the Step view takes to answer an edit, on the lecture's network over loopback: the
new numbers (the frames' sentences, the tables and each unit's formulas: ``/api/step``) and the
new picture of the frame shown (``/api/step/frame/k``, which runs Graphviz). Starts the real
`backprop serve` on a free port, changes w46 to a new value each time (so that nothing is
answered from the server's cache), and prints the medians and their ratios to the targets.

    .venv/bin/python bench/app_latency.py [--edits 41]
"""

from __future__ import annotations

import argparse
import statistics
import time

import httpx
from runner import app_server

TARGETS = {"numbers": 0.050, "picture": 0.150}  # seconds, median: an edit feels immediate


def _timed(client: httpx.Client, url: str) -> float:
    start = time.perf_counter()
    r = client.get(url)
    elapsed = time.perf_counter() - start
    r.raise_for_status()
    if "problem" in r.json():
        raise SystemExit(f"the server could not read {url}: {r.json()['problem']}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--edits", type=int, default=41)
    edits = parser.parse_args().edits
    with app_server() as url:
        times: dict[str, list[float]] = {"numbers": [], "picture": []}
        with httpx.Client(timeout=30) as client:
            _timed(client, f"{url}api/step")  # the first answer imports and warms the server
            for k in range(edits):
                query = f"w46={0.5 + k / 1000:.3f}"
                times["numbers"].append(_timed(client, f"{url}api/step?{query}"))
                # the frame the page shows after an edit: frame 9, o6 on the picture
                times["picture"].append(_timed(client, f"{url}api/step/frame/9?{query}"))
    for what, seconds in times.items():
        median = statistics.median(seconds)
        print(f"{what}: median {1000 * median:.0f} ms over {edits} edits "
              f"(range {1000 * min(seconds):.0f}–{1000 * max(seconds):.0f} ms), "
              f"{median / TARGETS[what]:.2f}× the target of {1000 * TARGETS[what]:.0f} ms")


if __name__ == "__main__":
    main()
