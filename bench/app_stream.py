"""Updates per second that `backprop serve` streams to the Train view, for a 2-8-8-1 network on
200 points of two moons: the page's animation needs five or more. Starts the real server on a
free port, reads 31 updates of one stream, and prints the rate and its ratio to that target.

    .venv/bin/python bench/app_stream.py
"""

from __future__ import annotations

import time

import httpx
from runner import app_server

TARGET = 5.0  # updates a second: below this the boundary visibly jumps


def main() -> None:
    with app_server() as url:
        sid = httpx.post(url + "api/train", params={"layers": "8,8", "points": "200",
                                                    "data": "moons"}).json()["id"]
        times = []
        with httpx.stream("GET", f"{url}api/train/{sid}/stream", timeout=60) as r:
            for line in r.iter_lines():
                if line == "event: update":
                    times.append(time.monotonic())
                    if len(times) == 31:
                        break
        rate = (len(times) - 1) / (times[-1] - times[0])
        print(f"stream: {rate:.1f} updates a second, {rate / TARGET:.2f}× the target of "
              f"{TARGET:g}")


if __name__ == "__main__":
    main()
