"""``backprop serve``: bind the address, print it, open the browser, serve until Ctrl-C."""

from __future__ import annotations

import ipaddress
import socket
import sys
import threading
import webbrowser
from types import FrameType

import uvicorn

from lab.spec import Spec

from .server import LOOPBACK_NAMES, create_app


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host`` (127.0.0.1, ::1, localhost)."""
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one); OSError with a plain reason if the
    port is taken or the host is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    try:
        sock.bind((host.strip("[]"), port))
    except OSError as e:
        sock.close()
        reason = ("it is in use (try another --port, or --port 0 for any free one)"
                  if e.errno in (98, 48) else e.strerror or str(e))
        raise OSError(f"cannot listen on {host}:{port}: {reason}") from None
    except (socket.gaierror, UnicodeError, OverflowError) as e:
        sock.close()
        raise OSError(f"cannot listen on {host}:{port}: {e}") from None
    sock.listen(128)
    sock.set_inheritable(True)
    return sock


class _Server(uvicorn.Server):
    """uvicorn's server, which on Ctrl-C also tells the app's streams to end (else it would
    cut them after its grace period, with a traceback in the log)."""

    def __init__(self, config: uvicorn.Config, stopping: threading.Event) -> None:
        super().__init__(config)
        self.stopping = stopping

    def handle_exit(self, sig: int, frame: FrameType | None) -> None:
        self.stopping.set()
        super().handle_exit(sig, frame)


def serve(spec: Spec | None = None, host: str = "127.0.0.1", port: int = 8000,
          open_browser: bool = True) -> None:
    """Run the live app (its Step view on ``spec``, the lecture's by default) until Ctrl-C.
    Anything but a loopback host gets a warning: then anyone
    who can reach this machine can use the app (it reads no files, but it computes for them)."""
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    url = f"http://{shown}:{actual}/"
    loopback = is_loopback(host)
    if not loopback:
        print(f"backprop serve: warning: listening on {host}: anyone who can reach this machine "
              "on the network can use this app", file=sys.stderr)
    app = create_app(spec, allowed_hosts=LOOPBACK_NAMES if loopback else ["*"])
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2,
                            lifespan="off")
    print(f"backprop serve: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    try:
        _Server(config, app.state.stopping).run(sockets=[sock])
    except KeyboardInterrupt:  # uvicorn shuts down first, then passes Ctrl-C on
        pass
    print("backprop serve: stopped", flush=True)
