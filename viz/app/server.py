"""The live app as an ASGI application (Starlette): the page, its assets, and a small JSON API
over the same functions the command line calls.

Every field from the page is checked by the library's own checks. A view's fields that cannot
be read (the Step, Formula and Train views') are its answer ``{"problem": {"message",
"field"}}``, status 200: a student is typing. Elsewhere a bad request is answered with status
400 and ``{"error": message}``, an ended training session with 404, a busy one with 409, a
server with no room for another session or stream with 503, a request that a page of another
site sent with 403. Nothing here reads a file but the page's own assets (and the spec given on
the command line).
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import threading
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
from starlette.datastructures import Headers
from starlette.middleware import Middleware
from starlette.middleware.trustedhost import TrustedHostMiddleware
from starlette.requests import Request
from starlette.responses import (
    FileResponse,
    HTMLResponse,
    PlainTextResponse,
    Response,
    StreamingResponse,
)
from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles
from starlette.types import ASGIApp, Receive, Scope, Send

from lab.spec import Spec
from viz.drawing import DEFAULT_DIGITS, GRAPHVIZ_MISSING_IN_APP, MAX_DIGITS, DotNotFoundError
from viz.plain_json import finite_or_null

from . import fields, limits, stepping, training

STATIC = Path(__file__).resolve().parent / "static"
STEPPER = STATIC.parent.parent / "static"  # stepper.js and .css, shared with the pages
# the page loads only its own script and style; pictures arrive as inline SVG
_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
           "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
# the exercise page is one file: its own inline script and style, nothing from elsewhere
_PAGE_POLICY = ("default-src 'none'; img-src data:; style-src 'unsafe-inline'; script-src {}; "
                "base-uri 'none'; form-action 'none'; frame-ancestors 'none'")
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]
CLIENT_COOKIE = "backprop_client"  # which browser a training session belongs to


def _json(obj: Any, status: int = 200) -> Response:
    body = json.dumps(finite_or_null(obj)[0], ensure_ascii=False, allow_nan=False)
    return Response(body, status_code=status, media_type="application/json")


def _shortened(message: str) -> str:
    """At most `limits.MAX_MESSAGE_CHARS` characters of ``message``: a field of 5,000 digits
    is named, not sent back whole."""
    most = limits.MAX_MESSAGE_CHARS
    return message if len(message) <= most else f"{message[:most]}… ({len(message):,} characters)"


def _problem(e: Exception) -> dict:
    """A view's fields that cannot be read, as its answer: the message and the field's name."""
    return {"problem": {"message": _shortened(str(e)), "field": getattr(e, "field", "")}}


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": _shortened(message)}, status)


_ENDED = (f"this training session has ended (a browser keeps {limits.MAX_SESSIONS_PER_CLIENT} "
          "that train, it was unused for a long time, or the server was restarted): press Reset")
_TOO_LONG = f"the address is longer than {limits.MAX_QUERY_CHARS} characters"
Handler = Callable[[Request], Awaitable[Response]]


def _answers(handler: Callable[[Request], dict]) -> Handler:
    """An endpoint whose work runs in a worker thread (the engine is plain Python) and whose
    user-facing failures become 4xx answers with a message."""

    async def endpoint(request: Request) -> Response:
        if len(request.url.query) > limits.MAX_QUERY_CHARS:
            return _error(_TOO_LONG, 414)
        try:
            result = await anyio.to_thread.run_sync(handler, request)
        except training.SessionEnded:
            return _error(_ENDED, 404)
        except training.SessionBusy as e:
            return _error(str(e), 409)
        except fields.FieldError as e:  # the page shows it beside the field
            return _json({"error": _shortened(str(e)), "field": e.field}, 400)
        except training.SessionsFull as e:
            return _error(str(e), 503)
        except (ValueError, TypeError) as e:
            return _error(str(e))
        except DotNotFoundError:  # the machine lacks Graphviz: say so in words, in the page
            return _error(GRAPHVIZ_MISSING_IN_APP, 503)
        return _json(result)

    return endpoint


def _client(request: Request) -> str:
    """Which browser asks: the id its cookie holds (given with the page), or "" for a client
    without one (a script), all of which share one client's share of the sessions."""
    client = request.cookies.get(CLIENT_COOKIE, "")
    return client if re.fullmatch(r"[0-9a-f]{32}", client) else ""


def _number(text: str, what: str, most: int) -> int:
    """A frame's or a point's number from the address, as a whole number from 0 to ``most``;
    ValueError (shortened, whatever its length) for anything else."""
    if not text.isascii() or not text.isdigit() or len(text) > len(str(most)) \
            or int(text) > most:
        shown = text if len(text) <= 20 else f"{text[:20]}… ({len(text):,} characters)"
        raise ValueError(f"there is no {what} {shown}")
    return int(text)


def _script_hashes(page: str) -> str:
    """The CSP sources of a page's inline scripts: 'sha256-…' of each, so that these run and
    no other (a name that closed the script element early could not add one)."""
    bodies = re.findall(r"<script\b[^>]*>(.*?)</script>", page, flags=re.S)
    return " ".join("'sha256-" + base64.b64encode(hashlib.sha256(b.encode()).digest()).decode()
                    + "'" for b in bodies) or "'none'"


class _SameOrigin:
    """Refuses (403) a request that a page of another site made: its Origin header is not this
    app's own address, or the browser says it comes from another site. So no web site the
    student visits can create sessions here (and push the student's own out) or start training.
    A navigation (a link to the app) and a client without those headers pass."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http":
            headers = Headers(scope=scope)
            origin = headers.get("origin")
            foreign = (origin is not None
                       and origin != f"{scope.get('scheme', 'http')}://{headers.get('host')}")
            if foreign or (headers.get("sec-fetch-site") in ("cross-site", "same-site")
                           and headers.get("sec-fetch-mode") != "navigate"):
                shown = origin if origin is None or len(origin) <= 60 else origin[:60] + "…"
                response = _error(f"a page of another site ({shown}) may not use this app", 403)
                await response(scope, receive, send)
                return
        await self.app(scope, receive, send)


def create_app(spec: Spec | None = None, allowed_hosts: list[str] | None = None) -> Starlette:
    """The live app; its Step view steps through ``spec`` (the lecture's worked example by
    default). ``allowed_hosts``: the names the page may be reached by (the loopback names
    by default, which also stops other web sites from reaching it through DNS rebinding).
    Setting ``app.state.stopping`` (a threading.Event) ends the open streams of updates, so
    that a server shutting down has no connection left to cut."""
    sessions = training.Sessions()
    stopping = threading.Event()
    views = stepping.Views(spec)

    async def index(request: Request) -> Response:
        response = FileResponse(STATIC / "index.html",
                                headers={"Content-Security-Policy": _POLICY})
        if not _client(request):  # the browser's id for its sessions, before it makes one
            response.set_cookie(CLIENT_COOKIE, uuid.uuid4().hex, httponly=True,
                                samesite="strict")
        return response

    def options(request: Request) -> dict:
        return {"train": {"data": [*training.DATASETS, training.OWN],
                          "activation": list(training.ACTIVATIONS),
                          "loss": list(training.LOSSES), "optimizer": list(training.OPTIMIZERS),
                          "defaults": {**vars(training.Settings()), "layers": ",".join(
                              map(str, training.Settings().layers))}},
                "formula": {"f": stepping.DEFAULT_FORMULA, "at": stepping.DEFAULT_AT},
                "digits": {"default": DEFAULT_DIGITS, "most": MAX_DIGITS},
                "views": list(views.subjects),
                "limits": {k.lower(): v for k, v in vars(limits).items() if k.isupper()}}

    def describe(request: Request) -> dict:
        # fields a student is typing are often unreadable for a moment: that is the answer,
        # ``{"problem": {"message", "field"}}``, not a failure (a browser logs each 4xx it
        # fetches as an error in its console)
        try:
            return views.describe(request.path_params["view"], dict(request.query_params))
        except (ValueError, TypeError) as e:
            return _problem(e)

    def frame(request: Request) -> dict:
        p = request.path_params
        number = _number(p["number"], "frame", limits.MAX_FRAME_NUMBER)
        return {"svg": views.frame_svg(p["view"], dict(request.query_params), number)}

    def new_session(request: Request) -> dict:
        try:  # the Train view's fields, as the other views': a problem is the answer
            settings = training.Settings.from_query(request.query_params)
        except (ValueError, TypeError) as e:
            return _problem(e)
        sid, session = sessions.create(settings, _client(request))
        return {"id": sid, "points": session.points_svg(), **session.snapshot()}

    def epoch(request: Request) -> dict:
        return sessions.get(request.path_params["sid"]).train_for(epochs=1)

    def example(request: Request) -> dict:
        p = request.path_params
        return sessions.get(p["sid"]).example_graph(
            _number(p["index"], "point", limits.MAX_POINTS))

    async def exercise(request: Request) -> Response:
        # a page of its own (opened in a new tab): a bad field is a line of text, not JSON
        if len(request.url.query) > limits.MAX_QUERY_CHARS:
            return PlainTextResponse(_TOO_LONG, status_code=414)
        try:
            page = await anyio.to_thread.run_sync(
                views.exercise_page, request.path_params["view"], dict(request.query_params))
        except (ValueError, TypeError) as e:
            return PlainTextResponse(_shortened(str(e)), status_code=400)
        policy = _PAGE_POLICY.format(_script_hashes(page))
        return HTMLResponse(page, headers={"Content-Security-Policy": policy})

    streams = _Streams(limits.MAX_STREAMS)

    async def stream(request: Request) -> Response:
        try:
            session = sessions.get(request.path_params["sid"])
        except training.SessionEnded:
            return _error(_ENDED, 404)
        # Pause then Play at once: the paused stream ends after its current update; wait for it
        with anyio.move_on_after(limits.STREAM_HANDOVER_SECONDS):
            while session.streaming and not stopping.is_set():
                await anyio.sleep(0.02)
        if session.streaming:
            return _error("this session is training already in another stream", 409)
        if not streams.open():
            return _error(f"the server trains {limits.MAX_STREAMS} streams at once already: "
                          "pause another tab, or try again soon", 503)
        session.streaming = True

        def closed() -> None:
            session.streaming = False
            streams.close()

        return _Stream(_updates(session, stopping), closed, media_type="text/event-stream",
                       headers={"Cache-Control": "no-store"})

    async def post_only(request: Request) -> Response:
        return _error(f"{request.method} is not allowed here: this address takes POST", 405)

    routes = [
        Route("/", index),
        Route("/api/options", _answers(options)),
        Route("/exercise/{view}", exercise),
        Route("/api/train", _answers(new_session), methods=["POST"]),
        # else the view route below would answer a GET with "there is no view 'train'"
        Route("/api/train", post_only, methods=["GET", "PUT", "DELETE", "PATCH"]),
        Route("/api/train/{sid}/stream", stream),
        Route("/api/train/{sid}/epoch", _answers(epoch), methods=["POST"]),
        Route("/api/train/{sid}/example/{index}", _answers(example)),
        Route("/api/{view}/frame/{number}", _answers(frame)),
        Route("/api/{view}", _answers(describe)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Mount("/stepper", StaticFiles(directory=STEPPER), name="stepper"),
    ]
    hosts = allowed_hosts if allowed_hosts is not None else LOOPBACK_NAMES
    app = Starlette(routes=routes, middleware=[
        Middleware(TrustedHostMiddleware, allowed_hosts=hosts), Middleware(_SameOrigin)])
    app.state.stopping = stopping
    app.state.streams, app.state.sessions = streams, sessions
    return app


class _Streams:
    """How many streams of updates are open, at most ``most`` (each one trains a network)."""

    def __init__(self, most: int) -> None:
        self.most, self.count = most, 0
        self._lock = threading.Lock()

    def open(self) -> bool:
        """Count one more stream if there is room; False if there is none."""
        with self._lock:
            if self.count >= self.most:
                return False
            self.count += 1
            return True

    def close(self) -> None:
        """One stream fewer."""
        with self._lock:
            self.count -= 1


class _Stream(StreamingResponse):
    """A stream of events that ends when its reader takes nothing for
    `limits.STREAM_STALL_SECONDS` (a tab that is open but reads no more): each write waits for
    the reader, so the stream trains no further meanwhile, and then it lets go of its slot.
    ``closed`` is called once it ends, however it ends (even before its first event)."""

    def __init__(self, content: AsyncIterator[str], closed: Callable[[], None],
                 **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.closed = closed

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.closed()

    async def stream_response(self, send: Send) -> None:
        async def within(message: dict) -> None:
            with anyio.fail_after(limits.STREAM_STALL_SECONDS):
                await send(message)

        try:
            await super().stream_response(within)
        except TimeoutError:
            await self.body_iterator.aclose()


def _event(kind: str, data: dict) -> str:
    return f"event: {kind}\ndata: {json.dumps(finite_or_null(data)[0], allow_nan=False)}\n\n"


async def _updates(session: training.Session, stopping: threading.Event) -> AsyncIterator[str]:
    """Server-sent events: a snapshot after every `limits.UPDATE_SECONDS` of training, for at most
    `limits.STREAM_SECONDS` or until the server stops; then "end" says why (the page opens a new
    stream to go on after "time")."""
    try:
        end = time.monotonic() + limits.STREAM_SECONDS
        while True:
            if stopping.is_set():
                yield _event("end", {"reason": "the server has stopped"})
                return
            snapshot = await anyio.to_thread.run_sync(session.train_for, limits.UPDATE_SECONDS)
            yield _event("update", snapshot)
            if snapshot["stopped"]:
                yield _event("end", {"reason": snapshot["stopped"]})
                return
            if time.monotonic() > end:
                yield _event("end", {"reason": "time"})
                return
    except training.SessionBusy as e:  # a one-epoch request holds the session
        yield _event("end", {"reason": str(e)})
