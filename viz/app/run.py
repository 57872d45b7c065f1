"""``backprop serve``: bind the address, print it, open the browser, serve until Ctrl-C (or
SIGTERM, as a service manager stops it)."""

from __future__ import annotations

import ipaddress
import logging
import signal
import socket
import sys
import threading
import webbrowser
from collections.abc import Sequence
from types import FrameType

import uvicorn

from lab.spec import Spec

from . import limits
from .server import LOOPBACK_NAMES, create_app


def _addresses(host: str) -> list[ipaddress.IPv4Address | ipaddress.IPv6Address]:
    """The addresses ``host`` names, as the socket library reads it (so "127.1" is 127.0.0.1,
    as it is to ``bind``); none for a name that does not resolve."""
    try:
        found = socket.getaddrinfo(host.strip("[]"), None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return []
    return [ipaddress.ip_address(str(info[4][0]).split("%")[0]) for info in found]


def is_loopback(host: str) -> bool:
    """Whether only this machine can reach ``host``: every address it names is a loopback one
    (127.0.0.1 and the rest of 127.x, however written, ::1, localhost)."""
    found = _addresses(host)
    return bool(found) and all(a.is_loopback for a in found)


def allowed_hosts(host: str, allow: Sequence[str] = ()) -> list[str]:
    """The names the page may be reached by (the Host check, which also stops DNS rebinding):
    ``host`` itself, the names in ``allow`` (``--allow-host``) and, on this machine, the loopback
    names. ValueError for a host that listens on every address (0.0.0.0, ::) without ``allow``:
    then no name can be checked unless the user says which ones reach the app."""
    if not host.strip():
        raise ValueError("--host needs an address, e.g. 127.0.0.1 (this machine only)")
    found = _addresses(host)
    if any(a.is_unspecified for a in found) and not allow:
        raise ValueError(f"--host {host} listens on every address of this machine: name the "
                         "host names the page will be opened by with --allow-host NAME (e.g. "
                         "--allow-host 192.168.1.5 --allow-host mylaptop.local)")
    shown = host.strip("[]")
    names = [shown, f"[{shown}]" if ":" in shown else shown, *allow]
    if is_loopback(host) or any(a.is_unspecified for a in found):
        names += LOOPBACK_NAMES  # the app is reachable on this machine's loopback too
    return list(dict.fromkeys(names))


def bind(host: str, port: int) -> socket.socket:
    """A listening socket on host:port (port 0: a free one); OSError with a plain reason if the
    port is taken or the host is not this machine's."""
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family, socket.SOCK_STREAM)
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    # a fixed send buffer (the connections accepted inherit it) instead of one that grows to
    # megabytes: a stream of updates no one reads then stops training within a few updates,
    # its writes waiting for the reader, instead of filling the buffer for half a minute
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_SNDBUF, limits.SEND_BUFFER_BYTES)
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


class _StalledStreamFilter(logging.Filter):
    """Leaves out uvicorn's error line for a response left unfinished: the app does that on
    purpose to a stream whose reader stopped reading (`server._Stream`), not by a fault."""

    def filter(self, record: logging.LogRecord) -> bool:
        return "returned without completing response" not in record.getMessage()


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
          open_browser: bool = True, allow_hosts: Sequence[str] = ()) -> None:
    """Run the live app (its Step view on ``spec``, the lecture's by default) until Ctrl-C or
    SIGTERM. The page may be reached by the names of `allowed_hosts`. Anything but a loopback
    host gets a warning: then anyone who can reach this machine can use the app (it reads no
    files, but it computes for them)."""
    hosts = allowed_hosts(host, allow_hosts)
    sock = bind(host, port)
    actual = sock.getsockname()[1]
    shown = f"[{host.strip('[]')}]" if ":" in host else host
    url = f"http://{shown}:{actual}/"
    loopback = is_loopback(host)
    if not loopback:
        print(f"backprop serve: warning: listening on {host}: anyone who can reach this machine "
              "on the network can use this app", file=sys.stderr)
    app = create_app(spec, allowed_hosts=hosts)
    config = uvicorn.Config(app, log_level="warning", timeout_graceful_shutdown=2,
                            lifespan="off")
    logging.getLogger("uvicorn.error").addFilter(_StalledStreamFilter())
    server = _Server(config, app.state.stopping)
    # uvicorn shuts down first, then raises the signal again to the handler that was there
    # before it: Ctrl-C's KeyboardInterrupt, and this one for SIGTERM (else its default ends
    # the process at once, status -15, without a word). A SIGTERM that comes before uvicorn
    # has put in its own handlers (the address is printed, a service manager may stop it at
    # once) asks the server to stop as soon as it runs.
    terminated: list[int] = []

    def on_sigterm(sig: int, frame: FrameType | None) -> None:
        terminated.append(sig)
        server.handle_exit(sig, frame)

    main = threading.current_thread() is threading.main_thread()  # signals: its only
    previous = signal.signal(signal.SIGTERM, on_sigterm) if main else None
    print(f"backprop serve: {url}  (Ctrl-C stops it)", flush=True)
    if open_browser:
        threading.Timer(0.5, webbrowser.open, [url]).start()
    try:
        server.run(sockets=[sock])
    except KeyboardInterrupt:
        pass
    finally:
        if main:
            signal.signal(signal.SIGTERM, previous)
    print(f"backprop serve: stopped{' (SIGTERM)' if terminated else ''}", flush=True)
