"""The live app against requests a student's browser would not send (issue 23): pages of other
sites, numbers of 5,000 digits, the wrong method, long addresses, many sessions and streams.
Each is answered with a 4xx (or 503) and a short message, never a 500 or another's session lost.
In process (Starlette's TestClient); test_app_browser.py starts the real server."""

import base64
import hashlib
import re
import threading
import warnings

import anyio
import pytest

from viz.app import limits
from viz.app.server import _shortened, _Streams, create_app

with warnings.catch_warnings():  # Starlette 1.x would rather its TestClient ran on httpx2
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient

OWN = "http://127.0.0.1"


@pytest.fixture
def client():
    return TestClient(create_app(), base_url=OWN)


@pytest.mark.parametrize("headers", [
    {"origin": "http://evil.example"},
    {"origin": "http://127.0.0.1:9999"},  # another port of this machine is another site
    {"origin": "null"},  # a sandboxed frame or a file
    {"sec-fetch-site": "cross-site", "sec-fetch-mode": "cors"},
])
def test_a_page_of_another_site_may_not_create_a_session_or_train(client, headers):
    r = client.post("/api/train", headers=headers)
    assert r.status_code == 403 and "a page of another site" in r.json()["error"]
    sid = client.post("/api/train", headers={"origin": OWN}).json()["id"]
    assert client.post(f"/api/train/{sid}/epoch", headers=headers).status_code == 403
    assert client.get(f"/api/train/{sid}/stream", headers=headers).status_code == 403


def test_the_apps_own_page_and_a_link_from_elsewhere_pass(client):
    assert client.post("/api/train", headers={"origin": OWN, "sec-fetch-site": "same-origin",
                                              "sec-fetch-mode": "cors"}).status_code == 200
    link = client.get("/", headers={"sec-fetch-site": "cross-site", "sec-fetch-mode": "navigate"})
    assert link.status_code == 200


@pytest.mark.parametrize("other_has_the_page", [True, False])
def test_one_client_making_many_sessions_does_not_end_anothers(client, other_has_the_page):
    client.get("/")  # the page gives the browser its id (a cookie)
    mine = client.post("/api/train", params={"points": "8"}).json()["id"]
    other = TestClient(client.app, base_url=OWN)  # another browser, or a script without one
    if other_has_the_page:
        other.get("/")
        assert client.cookies["backprop_client"] != other.cookies["backprop_client"]
    answers = {other.post("/api/train", params={"points": "8"}).status_code for _ in range(20)}
    assert answers <= {200, 503}
    assert client.post(f"/api/train/{mine}/epoch").status_code == 200


@pytest.mark.parametrize("path", ["/api/formula/frame/" + "9" * 5000,
                                  "/api/formula/frame/1e3", "/api/formula/frame/-1"])
def test_a_frame_number_that_is_not_a_small_whole_number_is_a_400(client, path):
    r = client.get(path)
    assert r.status_code == 400 and r.json()["error"].startswith("there is no frame ")
    assert len(r.json()["error"]) < 100


def test_a_point_number_of_5000_digits_is_a_400(client):
    sid = client.post("/api/train", params={"points": "8"}).json()["id"]
    r = client.get(f"/api/train/{sid}/example/" + "9" * 5000)
    assert r.status_code == 400 and len(r.json()["error"]) < 100


@pytest.mark.parametrize("method", ["GET", "PUT", "DELETE"])
def test_another_method_on_a_post_address_is_a_405(client, method):
    assert client.request(method, "/api/train").status_code == 405
    assert client.request(method, "/api/train/x/epoch").status_code == 405


@pytest.mark.parametrize("path", ["/api/formula", "/api/step", "/exercise/step"])
def test_a_value_of_5000_digits_is_not_sent_back_whole(client, path):
    r = client.get(path, params={"digits": "9" * 5000})
    # a view answers what it cannot read; the exercise page, a page of its own, with a 400
    assert "digits" in (r.json()["problem"]["message"] if path.startswith("/api/") else r.text)
    assert r.status_code == (200 if path.startswith("/api/") else 400)
    assert len(r.text) < 500


def test_the_exercise_pages_address_may_be_as_long_as_the_limit_and_no_longer(client,
                                                                          monkeypatch):
    monkeypatch.setattr(limits, "MAX_QUERY_CHARS", 20)
    assert client.get("/exercise/step?w14=0." + "5" * 14).status_code == 200  # 20 characters
    assert client.get("/exercise/step?w14=0." + "5" * 15).status_code == 414  # 21


def test_the_exercise_page_has_a_length_limit_and_a_content_security_policy(client):
    assert client.get("/exercise/step?w14=" + "1" * 12_000).status_code == 414  # 12,004 long
    r = client.get("/exercise/step", params={"w14": "0.5"})
    policy = r.headers["content-security-policy"]
    assert "default-src 'none'" in policy and "unsafe-eval" not in policy
    scripts = re.findall(r"<script\b[^>]*>(.*?)</script>", r.text, re.S)
    hashes = re.findall(r"'sha256-([^']+)'", policy)
    # the page's own scripts run (each allowed by its hash), and nothing else may
    assert scripts and hashes == [base64.b64encode(hashlib.sha256(s.encode()).digest()).decode()
                                  for s in scripts]
    assert "unsafe-inline" not in policy.split("script-src", 1)[1].split(";")[0]


def test_streams_past_the_cap_are_refused_with_503(monkeypatch):
    monkeypatch.setattr(limits, "MAX_STREAMS", 1)
    client = TestClient(create_app(), base_url=OWN)
    first = client.post("/api/train", params={"points": "8"}).json()["id"]
    second = client.post("/api/train", params={"points": "8"}).json()["id"]
    with client.stream("GET", f"/api/train/{first}/stream") as r:
        lines = r.iter_lines()
        assert next(lines) == "event: update"
        refused = client.get(f"/api/train/{second}/stream")
        assert refused.status_code == 503 and "streams at once" in refused.json()["error"]


def test_a_machine_without_graphviz_is_told_so_with_503(client, monkeypatch):
    from viz.app import stepping
    from viz.drawing import DotNotFoundError

    def no_dot(*args, **kwargs):
        raise DotNotFoundError("Graphviz's dot is not installed")

    monkeypatch.setattr(stepping.Views, "frame_svg", no_dot)
    r = client.get("/api/formula/frame/1")
    # said in words a student can act on (what to install), never dot's own error
    assert r.status_code == 503 and "Graphviz" in r.json()["error"]
    assert "install" in r.json()["error"]


def test_a_session_training_in_one_request_answers_another_with_409(client):
    sid = client.post("/api/train", params={"points": "8"}).json()["id"]
    session = client.app.state.sessions.get(sid)
    with session.lock:  # as while a stream trains it
        r = client.post(f"/api/train/{sid}/epoch")
    assert r.status_code == 409 and "training already" in r.json()["error"]
    assert client.post(f"/api/train/{sid}/epoch").json()["epoch"] == 1


def test_an_ended_session_is_a_404_that_says_to_reset(client):
    r = client.post("/api/train/" + "0" * 32 + "/epoch")
    assert r.status_code == 404 and r.json()["error"].endswith("press Reset")


@pytest.mark.parametrize("digits, shown", [
    (20, "there is no frame " + "9" * 20),  # twenty characters are shown whole
    (21, "there is no frame " + "9" * 20 + "… (21 characters)"),
])
def test_a_long_frame_number_is_shown_whole_up_to_twenty_characters(client, digits, shown):
    r = client.get("/api/formula/frame/" + "9" * digits)
    assert r.status_code == 400 and r.json()["error"] == shown


def test_play_right_after_pause_waits_for_the_paused_stream_to_let_go(monkeypatch):
    monkeypatch.setattr(limits, "STREAM_SECONDS", 0.0)  # one update, then "time"
    monkeypatch.setattr(limits, "STREAM_HANDOVER_SECONDS", 60.0)  # how long it may wait at most
    client = TestClient(create_app(), base_url=OWN)
    sid = client.post("/api/train", params={"points": "8"}).json()["id"]
    session = client.app.state.sessions.get(sid)
    session.streaming = True  # the paused stream, still finishing its last update
    threading.Timer(0.2, setattr, (session, "streaming", False)).start()
    with client.stream("GET", f"/api/train/{sid}/stream") as r:
        assert r.status_code == 200 and next(r.iter_lines()) == "event: update"


def test_a_stream_of_an_idle_session_starts_without_waiting_for_a_handover(monkeypatch):
    # only a session whose last stream is still finishing makes a new one wait (0.02 s a look)
    monkeypatch.setattr(limits, "STREAM_SECONDS", 0.0)  # one update, then "time"
    waits, real_sleep = [], anyio.sleep

    async def sleep(seconds):
        waits.append(seconds)
        await real_sleep(seconds)

    monkeypatch.setattr(anyio, "sleep", sleep)
    client = TestClient(create_app(), base_url=OWN)
    sid = client.post("/api/train", params={"points": "8"}).json()["id"]
    with client.stream("GET", f"/api/train/{sid}/stream") as r:
        assert r.status_code == 200 and next(r.iter_lines()) == "event: update"
    assert waits == []


def test_a_long_foreign_origin_is_named_cut_to_60_characters():
    origin = "http://" + "a" * 100 + ".example"
    r = TestClient(create_app(), base_url=OWN).post("/api/train", headers={"origin": origin})
    assert r.status_code == 403
    assert r.json()["error"] == f"a page of another site ({origin[:60]}…) may not use this app"
    # exactly 60 characters are shown whole, 61 are cut
    for length, shown in ((60, "b" * 60), (61, "b" * 60 + "…")):
        r = TestClient(create_app(), base_url=OWN).post("/api/train",
                                                         headers={"origin": "b" * length})
        assert r.json()["error"] == f"a page of another site ({shown}) may not use this app"


def test_a_full_server_answers_a_new_client_with_503_and_keeps_the_sessions_in_use():
    app = create_app()
    app.state.sessions.most = 1
    mine, other = (TestClient(app, base_url=OWN, cookies={"backprop_client": c * 32})
                   for c in "ab")
    sid = mine.post("/api/train", params={"points": "8"}).json()["id"]
    r = other.post("/api/train", params={"points": "8"})
    assert r.status_code == 503 and "the server trains 1 sessions already" in r.json()["error"]
    assert mine.post(f"/api/train/{sid}/epoch").json()["epoch"] == 1


def test_a_message_is_sent_whole_up_to_the_limit_and_cut_past_it(monkeypatch):
    monkeypatch.setattr(limits, "MAX_MESSAGE_CHARS", 10)
    assert _shortened("0123456789") == "0123456789"
    assert _shortened("0123456789a") == "0123456789… (11 characters)"
    assert _shortened("9" * 5000) == "9999999999… (5,000 characters)"


def test_the_stream_cap_counts_each_open_stream_once():
    streams = _Streams(2)
    assert [streams.open() for _ in range(3)] == [True, True, False]
    streams.close()
    assert streams.open() and not streams.open()
