"""The live app as an ASGI application (Starlette): the page, its assets, and a small JSON API
over the same functions the command line calls.

Every field from the page is checked by the library's own checks; a bad one is answered with
status 400 and ``{"error": message}``, an ended training session with 404, a busy one with 409.
Nothing here reads a file but the page's own assets (and the spec given on the command line).
"""

from __future__ import annotations

import json
import threading
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from pathlib import Path
from typing import Any

import anyio
from starlette.applications import Starlette
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

from lab.spec import Spec
from viz.drawing import DEFAULT_DIGITS, MAX_DIGITS, DotNotFoundError
from viz.plain_json import finite_or_null

from . import limits, stepping, training

STATIC = Path(__file__).resolve().parent / "static"
STEPPER = STATIC.parent.parent / "static"  # stepper.js and .css, shared with the pages
# the page loads only its own script and style; pictures arrive as inline SVG
_POLICY = ("default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; "
           "script-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'")
LOOPBACK_NAMES = ["127.0.0.1", "localhost", "[::1]", "::1"]


def _json(obj: Any, status: int = 200) -> Response:
    body = json.dumps(finite_or_null(obj)[0], ensure_ascii=False, allow_nan=False)
    return Response(body, status_code=status, media_type="application/json")


def _error(message: str, status: int = 400) -> Response:
    return _json({"error": message}, status)


_ENDED = (f"this training session has ended (the server keeps the {limits.MAX_SESSIONS} most "
          "recent, or it was restarted): press Reset")
Handler = Callable[[Request], Awaitable[Response]]


def _answers(handler: Callable[[Request], dict]) -> Handler:
    """An endpoint whose work runs in a worker thread (the engine is plain Python) and whose
    user-facing failures become 4xx answers with a message."""

    async def endpoint(request: Request) -> Response:
        if len(request.url.query) > limits.MAX_QUERY_CHARS:
            return _error(f"the address is longer than {limits.MAX_QUERY_CHARS} characters", 414)
        try:
            result = await anyio.to_thread.run_sync(handler, request)
        except training.SessionEnded:
            return _error(_ENDED, 404)
        except training.SessionBusy as e:
            return _error(str(e), 409)
        except (ValueError, TypeError) as e:
            return _error(str(e))
        except DotNotFoundError as e:  # the machine lacks Graphviz: say so, in the page
            return _error(str(e), 503)
        return _json(result)

    return endpoint


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
        return FileResponse(STATIC / "index.html", headers={"Content-Security-Policy": _POLICY})

    def options(request: Request) -> dict:
        return {"train": {"data": list(training.DATASETS), "activation": list(training.ACTIVATIONS),
                          "loss": list(training.LOSSES), "optimizer": list(training.OPTIMIZERS),
                          "defaults": {**vars(training.Settings()), "layers": ",".join(
                              map(str, training.Settings().layers))}},
                "formula": {"f": stepping.DEFAULT_FORMULA, "at": stepping.DEFAULT_AT},
                "digits": {"default": DEFAULT_DIGITS, "most": MAX_DIGITS},
                "views": list(views.subjects),
                "limits": {k.lower(): v for k, v in vars(limits).items() if k.isupper()}}

    def describe(request: Request) -> dict:
        return views.describe(request.path_params["view"], dict(request.query_params))

    def frame(request: Request) -> dict:
        p = request.path_params
        return {"svg": views.frame_svg(p["view"], dict(request.query_params), p["number"])}

    def new_session(request: Request) -> dict:
        settings = training.Settings.from_query(request.query_params)
        sid, session = sessions.create(settings)
        return {"id": sid, "points": session.points_svg(), **session.snapshot()}

    def epoch(request: Request) -> dict:
        return sessions.get(request.path_params["sid"]).train_for(epochs=1)

    def example(request: Request) -> dict:
        p = request.path_params
        return sessions.get(p["sid"]).example_graph(p["index"])

    async def exercise(request: Request) -> Response:
        # a page of its own (opened in a new tab): a bad field is a line of text, not JSON
        try:
            page = await anyio.to_thread.run_sync(
                views.exercise_page, request.path_params["view"], dict(request.query_params))
        except (ValueError, TypeError) as e:
            return PlainTextResponse(str(e), status_code=400)
        return HTMLResponse(page)

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
        session.streaming = True
        return StreamingResponse(_updates(session, stopping), media_type="text/event-stream",
                                 headers={"Cache-Control": "no-store"})

    routes = [
        Route("/", index),
        Route("/api/options", _answers(options)),
        Route("/exercise/{view}", exercise),
        Route("/api/train", _answers(new_session), methods=["POST"]),
        Route("/api/train/{sid}/stream", stream),
        Route("/api/train/{sid}/epoch", _answers(epoch), methods=["POST"]),
        Route("/api/train/{sid}/example/{index:int}", _answers(example)),
        Route("/api/{view}/frame/{number:int}", _answers(frame)),
        Route("/api/{view}", _answers(describe)),
        Mount("/static", StaticFiles(directory=STATIC), name="static"),
        Mount("/stepper", StaticFiles(directory=STEPPER), name="stepper"),
    ]
    hosts = allowed_hosts if allowed_hosts is not None else LOOPBACK_NAMES
    app = Starlette(routes=routes, middleware=[Middleware(TrustedHostMiddleware,
                                                          allowed_hosts=hosts)])
    app.state.stopping = stopping
    return app


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
                yield _event("end", {"reason": "the server has stopped (Ctrl-C)"})
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
    finally:
        session.streaming = False
