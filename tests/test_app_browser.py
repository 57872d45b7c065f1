"""`backprop serve` for real: the server started as a user starts it (on a free port), driven in
Debian's Chromium at phone and laptop sizes; Ctrl-C; the address; concurrency and streaming over
HTTP. Screenshots of each view are kept in test-artifacts/."""

import json
import math
import re
import signal
import socket
import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import quote

import httpx
import pytest
from app_server import start_server, stop
from playwright.sync_api import expect

from viz.app.limits import SEND_BUFFER_BYTES

ARTIFACTS = Path(__file__).resolve().parent.parent / "test-artifacts"
SIZES = {"phone": {"viewport": {"width": 390, "height": 844}, "is_mobile": True,
                   "has_touch": True, "device_scale_factor": 3},
         "laptop": {"viewport": {"width": 1366, "height": 768}}}


@pytest.fixture(params=list(SIZES))
def page(request, browser, server):
    """A tab at phone or laptop size; console errors (failed requests among them: a field the
    page cannot read is answered, not refused) and uncaught exceptions are collected and must
    stay empty."""
    context = browser.new_context(**SIZES[request.param])
    tab = context.new_page()
    errors: list[str] = []
    tab.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    tab.on("pageerror", lambda e: errors.append(str(e)))
    tab.size = request.param
    yield tab
    context.close()
    assert errors == []


def open_view(tab, url: str, query: str = "") -> None:
    tab.goto(url + query)
    tab.wait_for_selector("body[data-ready=true]", timeout=30000)


def no_sideways_scroll(tab) -> None:
    assert tab.evaluate("window.innerWidth") == (390 if tab.size == "phone" else 1366)
    assert tab.evaluate("document.documentElement.scrollWidth <= window.innerWidth")


def shot(tab, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    tab.screenshot(path=str(ARTIFACTS / f"app-{name}-{tab.size}.png"), full_page=True)


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def cell(tab, caption: str, row: str, column: int):
    """A cell of the Step view's table whose caption starts with ``caption`` (a locator, so that
    ``expect(cell(...)).to_have_text(...)`` waits for the server's answer to reach the table)."""
    table = tab.locator("#view-step .bp-tables table", has=tab.locator(
        "caption", has_text=caption))
    return table.locator("tr", has=tab.locator(f"td:text-is('{row}')")).locator(
        "td").nth(column)


def shown(x: float) -> str:
    """A number of these tables as the page shows it at 4 digits, for numbers below 1: four
    significant figures, the true minus sign."""
    return f"{x:.4g}".replace("-", "−")


def test_editing_w14_gives_the_tables_of_a_hand_calculation(page, server):
    open_view(page, server, "?view=step&digits=4")
    # by hand, the slide's network with w14 = 0.5: x = (1, 0, 1), t = 1, η = 0.9, E = (t − o6)²
    i4 = 0.5 * 1 + 0.4 * 0 + (-0.5) * 1 + (-0.4)
    o4 = sigmoid(i4)
    o5 = sigmoid(-0.3 * 1 + 0.1 * 0 + 0.2 * 1 + 0.2)
    i6 = -0.3 * o4 + (-0.2) * o5 + 0.1
    o6 = sigmoid(i6)
    d6 = 2 * (1 - o6) * o6 * (1 - o6)
    d4 = o4 * (1 - o4) * (-0.3) * d6
    new_w14 = 0.5 + 0.9 * d4 * 1  # w ← w − η·∂E/∂w, ∂E/∂w14 = −δ4·x1
    # the slide's i4 before the edit
    expect(cell(page, "Forward pass", "4", 1)).to_have_text("−0.7")
    page.fill("#step-form input[name=w14]", "0.5")
    expect(page.locator("#view-step .bp-tables td.changed").first).to_be_visible()
    assert shown(i4) == "−0.4"
    expect(cell(page, "Forward pass", "4", 1)).to_have_text(shown(i4))
    expect(cell(page, "Forward pass", "4", 2)).to_have_text(shown(o4))
    expect(cell(page, "Forward pass", "6", 2)).to_have_text(shown(o6))
    expect(cell(page, "Error terms", "4", 1)).to_have_text(shown(d4))
    expect(cell(page, "Error terms", "6", 1)).to_have_text(shown(d6))
    expect(cell(page, "Updates", "w14", 4)).to_have_text(shown(new_w14))
    # the numbers that changed are marked; the untouched unit 5's net input is not
    changed = page.locator("#view-step .bp-tables td.changed")
    assert changed.count() > 10
    unit5_net = page.locator("#view-step .bp-tables table").first.locator(
        "tr", has=page.locator("td:text-is('5')")).locator("td").nth(1)
    expect(unit5_net).not_to_have_class(re.compile("changed"))
    assert "w14=0.5" in page.url and "view=step" in page.url
    page.click("#view-step .bp-next")
    sentence = page.locator("#view-step .bp-frame:not([hidden]) .bp-text")
    expect(sentence).to_contain_text("i4 = w14·x1")
    picture = page.locator("#view-step .bp-picture[data-frame='2'] svg")
    expect(picture).to_be_visible()
    assert picture.evaluate("svg => svg.getBoundingClientRect().width") > 300  # not shrunk
    page.locator("#view-step .bp-picture text", has_text="w24 = 0.4").click()  # on the picture
    editor = page.locator("#view-step .editor input[inputmode]")
    expect(editor).to_be_focused()  # a box to change it in place, holding its number
    expect(editor).to_have_value("0.4")
    page.keyboard.press("Escape")
    page.click("#view-step .bp-counter")  # away from the fields: the arrow keys step
    page.keyboard.press("ArrowRight")
    expect(page.locator("#view-step .bp-counter")).to_have_text(re.compile(r"Frame 3 / \d+"))
    # the table rows that frame 3 computes are the ones marked current
    rows = page.locator("#view-step tr[data-frame='3']")
    assert rows.count() >= 1
    assert page.locator("#view-step tr.bp-now").count() == rows.count()
    expect(rows.first).to_have_class(re.compile("bp-now"))
    no_sideways_scroll(page)
    shot(page, "step")


def test_exercise_mode_opens_on_the_edited_network_and_checks_a_prediction(page, server):
    open_view(page, server, "?view=step&w14=0.5")
    with page.context.expect_page() as opened:
        page.click("#view-step a.exercise")
    exercise = opened.value
    exercise.wait_for_load_state()
    exercise.click(".bp-next")  # frame 1 gives the inputs; frame 2 asks for i4
    answer = exercise.locator(".bp-frame:not([hidden]) .bp-answer")
    answer.fill("-0.4")  # by hand: 0.5·1 + 0.4·0 + (−0.5)·1 + (−0.4)
    answer.press("Enter")
    expect(exercise.locator(".bp-frame:not([hidden]) .bp-verdict")).to_have_text(
        re.compile("^Right"))
    exercise.close()


def test_a_typed_formula_shows_its_gradient(page, server):
    open_view(page, server, "?view=formula")
    page.fill("#formula-form input[name=f]", "x1*x2 + exp(x1)")
    page.fill("#formula-form input[name=at]", "x1=1, x2=3")
    # ∂/∂x1 (x1·x2 + e^x1) = x2 + e^x1 = 3 + e = 5.71828…; ∂/∂x2 = x1 = 1; three decimals shown
    expected = f"∂y/∂x1 = {3 + math.e:.3f}, ∂y/∂x2 = 1"
    expect(page.locator("#view-formula .summary")).to_contain_text(expected)
    page.wait_for_selector("#view-formula .bp-picture svg")
    assert page.inner_text("#view-formula .bp-counter").startswith("Frame ")
    assert "x1%2Ax2+%2B+exp%28x1%29" in page.url or "x1*x2" in page.url
    no_sideways_scroll(page)
    shot(page, "formula")
    page.fill("#formula-form input[name=f]", "x1*x2 + exp(x1")
    expect(page.locator("#formula-form .field-error")).to_contain_text("was never closed")
    # the last formula's y, gradients and graph stay, faded: not the unfinished one's answer
    for part in ("summary", "stepper"):
        expect(page.locator(f"#view-formula .{part}")).to_be_visible()
        expect(page.locator(f"#view-formula .{part}")).to_have_class(re.compile("stale"))
    page.fill("#formula-form input[name=f]", "x1*x2 + exp(x1)")
    expect(page.locator("#view-formula .summary")).to_contain_text(expected)
    expect(page.locator("#view-formula .summary")).not_to_have_class(re.compile("stale"))
    expect(page.locator("#view-formula .bp-picture svg")).to_be_visible()
    expect(page.locator("#formula-form .field-error")).to_have_count(0)
    assert page.title() == "backprop-lab live"  # still the page, not an error page


def test_xor_trains_to_full_accuracy_and_a_point_opens_its_graph(page, server):
    open_view(page, server, "?view=train&data=xor&noise=0.1&points=200&layers=4&lr=0.03"
                            "&optimizer=adam&batch=10&seed=0")
    assert page.locator(".overlay .pt").count() == 200

    def style(selector: str, prop: str) -> str:
        return page.locator(selector).first.evaluate(f"e => getComputedStyle(e).{prop}")

    # each point in its class's colour (the legend's blue 1, orange 0), train filled, test
    # hollow (white inside, a ring of the class's colour), a dark outline on the filled ones
    blue, orange, white = "rgb(21, 101, 192)", "rgb(239, 108, 0)", "rgb(255, 255, 255)"
    assert style(".overlay .pt.train.c1", "fill") == blue
    assert style(".overlay .pt.train.c0", "fill") == orange
    assert style(".overlay .pt.train.c1", "stroke") == "rgb(33, 33, 33)"
    assert style(".overlay .pt.test.c1", "fill") == white
    assert style(".overlay .pt.test.c1", "stroke") == blue
    assert style(".overlay .pt.test.c0", "stroke") == orange
    page.click("#train-play")
    # plain words beside a drawn icon: a symbol such as ⏸ is missing from many fonts
    expect(page.locator("#train-play")).to_have_text("Pause")
    expect(page.locator("#view-train .status")).to_contain_text(
        "train accuracy 100% · test accuracy 100%", timeout=60000)
    page.click("#train-play")  # pause
    expect(page.locator("#train-play")).to_have_text("Play")
    expect(page.locator("#train-play svg.icon")).to_be_visible()
    epoch = int(re.search(r"Epoch (\d+)", page.inner_text("#view-train .status")).group(1))
    assert epoch >= 1
    assert page.locator(".units canvas").count() == 4
    page.locator(".overlay .pt.train").last.click()  # drawn last: on top of the others
    page.wait_for_selector("#view-train .example:not([hidden]) svg")
    assert page.inner_text("#view-train .example h2").startswith("Point ")
    no_sideways_scroll(page)
    shot(page, "train")


def test_play_after_editing_the_layers_trains_the_network_the_fields_describe(page, server):
    open_view(page, server, "?view=train&data=xor&layers=4&seed=0")
    assert page.locator(".units canvas").count() == 4
    page.fill("#train-form input[name=layers]", "4,4")
    page.click("#train-play")  # at once: the field's change and Play in one click
    expect(page.locator("#view-train .status")).to_contain_text(re.compile(r"Epoch [1-9]"))
    page.click("#train-play")  # pause
    expect(page.locator(".units canvas")).to_have_count(8)
    page.locator(".overlay .pt.train").last.click()
    page.wait_for_selector("#view-train .example:not([hidden]) svg")
    graph = page.inner_text("#view-train .example .picture")
    # units 3 … 10 hidden, 11 the output: the new network's parameters, not 4 units' (b7 out)
    assert "b11" in graph and "w10_11" in graph


def test_the_address_reopened_in_a_new_tab_restores_the_view(browser, server):
    context = browser.new_context(**SIZES["laptop"])
    first = context.new_page()
    open_view(first, server, "?view=train")
    first.select_option("#train-form select[name=data]", "spirals")
    first.fill("#train-form input[name=layers]", "8,8")
    first.fill("#train-form input[name=lr]", "0.1")
    first.press("#train-form input[name=lr]", "Enter")
    first.wait_for_url(re.compile(r"lr=0\.1"))
    again = context.new_page()
    open_view(again, first.url)
    assert again.input_value("#train-form select[name=data]") == "spirals"
    assert again.input_value("#train-form input[name=layers]") == "8,8"
    assert again.input_value("#train-form input[name=lr]") == "0.1"
    assert again.locator(".units canvas").count() == 16
    open_view(first, server, "?view=step&w46=0.7&lr=0.5")
    assert first.input_value("#step-form input[name=w46]") == "0.7"
    assert first.input_value("#step-form input[name=lr]") == "0.5"
    assert first.locator("#step-form input.changed").count() == 2
    open_view(first, server, "?view=formula&f=sin(a)*b&at=a%3D0,+b%3D4")
    expect(first.locator("#view-formula .summary")).to_contain_text(
        "∂y/∂a = 4")  # b·cos a = 4 at a = 0
    context.close()


def test_bad_inputs_are_answered_in_the_page(browser, server):
    context = browser.new_context(**SIZES["phone"])
    tab = context.new_page()
    open_view(tab, server)
    tab.fill("#step-form input[name=w14]", "two")
    expect(tab.locator("#step-form .field-error")).to_have_text(
        "the value of w14 must be a number, got 'two'")
    tab.fill("#step-form input[name=w14]", "0.2")
    expect(tab.locator("#step-form .field-error")).to_have_count(0)
    open_view(tab, server, "?view=train")
    tab.fill("#train-form input[name=layers]", "4,9")
    tab.press("#train-form input[name=layers]", "Enter")
    expect(tab.locator("#train-form .field-error")).to_have_text(
        "each hidden layer has 1 to 8 units, got 9")
    open_view(tab, server, "?view=formula&f=__import__(%27os%27)")
    expect(tab.locator("#formula-form .field-error")).to_contain_text("not allowed")
    context.close()


def test_two_tabs_train_at_the_same_time_each_its_own_network(browser, server):
    context = browser.new_context(**SIZES["laptop"])
    tabs = {"xor": context.new_page(), "moons": context.new_page()}
    for data, tab in tabs.items():
        open_view(tab, server, f"?view=train&data={data}&points=120&layers=3,2")
    for tab in tabs.values():
        tab.click("#train-play")
    for tab in tabs.values():  # both stream at once
        expect(tab.locator("#view-train .status")).to_contain_text(re.compile(r"Epoch [1-9]"))
    for tab in tabs.values():
        tab.click("#train-play")
    assert tabs["xor"].locator(".units canvas").count() == 5
    boundaries = [tab.locator(".plane canvas").evaluate("c => c.toDataURL()")
                  for tab in tabs.values()]
    assert boundaries[0] != boundaries[1]
    context.close()


def test_twenty_concurrent_requests_are_all_answered(server):
    def ask(k: int) -> float:
        r = httpx.get(server + "api/formula", params={"f": f"x*x + {k}", "at": f"x={k}"},
                      timeout=60)
        assert r.status_code == 200
        return r.json()["summary"]["gradients"]["x"]

    with ThreadPoolExecutor(20) as pool:
        gradients = list(pool.map(ask, range(20)))
    assert gradients == [2.0 * k for k in range(20)]  # d(x² + k)/dx = 2x


def test_stream_sends_updates_of_a_2_8_8_1_network_on_200_points_in_order(server):
    # the rate (five updates a second or more) is measured by bench/app_stream.py
    sid = httpx.post(server + "api/train", params={"layers": "8,8", "points": "200",
                                                   "data": "moons"}).json()["id"]
    snapshots = []
    with httpx.stream("GET", f"{server}api/train/{sid}/stream", timeout=30) as r:
        for line in r.iter_lines():
            if line.startswith("data: "):
                snapshots.append(json.loads(line[6:]))
                # an update is a time of training (at least one mini-batch of 20 an epoch):
                # a slow machine may need more than 16 for a first epoch
                if len(snapshots) >= 16 and snapshots[-1]["epoch"] >= 1:
                    break
    epochs = [s["epoch"] for s in snapshots]
    assert epochs == sorted(epochs) and epochs[-1] >= 1
    # 8 + 8 hidden units' images of 20 × 20, the boundary on 40 × 40 points
    assert all(len(s["units"]) == 16 and len(s["boundary"]["classes"]) == 1600
               for s in snapshots)


def test_a_session_trains_the_same_while_another_streams(server):
    settings = {"data": "circles", "seed": "4", "layers": "3"}
    busy = httpx.post(server + "api/train", params={"layers": "8,8"}).json()["id"]
    mine = httpx.post(server + "api/train", params=settings).json()["id"]
    alone = httpx.post(server + "api/train", params=settings).json()["id"]
    done = threading.Event()

    def stream_other() -> None:
        with httpx.stream("GET", f"{server}api/train/{busy}/stream", timeout=30) as r:
            for _ in r.iter_lines():
                if done.is_set():
                    return

    other = threading.Thread(target=stream_other)
    other.start()
    for _ in range(5):
        a = httpx.post(f"{server}api/train/{mine}/epoch", timeout=30).json()
    done.set()
    other.join()
    for _ in range(5):
        b = httpx.post(f"{server}api/train/{alone}/epoch", timeout=30).json()
    assert a["epoch"] == b["epoch"] == 5
    assert a["train_loss"] == b["train_loss"] and a["units"] == b["units"]
    # its stream closed, the other session takes a request of its own again, once the stream's
    # last update (a time of training, begun before the reader left) is over
    for _ in range(200):
        r = httpx.post(f"{server}api/train/{busy}/epoch", timeout=30)
        if r.status_code != 409:
            break
        time.sleep(0.05)
    assert r.status_code == 200, r.text


def test_pause_then_play_at_once_goes_on_training(server):
    sid = httpx.post(server + "api/train", params={"layers": "8,8"}).json()["id"]
    epochs = []
    for _ in range(3):  # each stream closed after its first update, the next opened at once
        with httpx.stream("GET", f"{server}api/train/{sid}/stream", timeout=30) as r:
            assert r.status_code == 200
            for line in r.iter_lines():
                if line.startswith("data: "):
                    epochs.append(json.loads(line[6:])["epoch"])
                    break
    assert epochs == sorted(epochs) and len(epochs) == 3
    # while one stream is open, a second one for the same session is refused with a message
    with httpx.stream("GET", f"{server}api/train/{sid}/stream", timeout=30) as first:
        lines = first.iter_lines()  # kept: a dropped iterator closes the stream
        next(lines)
        second = httpx.get(f"{server}api/train/{sid}/stream", timeout=30)
        assert second.status_code == 409 and "training already" in second.json()["error"]


def test_ctrl_c_stops_the_server_cleanly_while_a_stream_is_open():
    proc, url = start_server()
    sid = httpx.post(url + "api/train").json()["id"]
    with httpx.stream("GET", f"{url}api/train/{sid}/stream", timeout=30) as r:
        lines = r.iter_lines()  # kept open while the server is stopped
        next(lines)
        code, out, err = stop(proc)
        told = [line for line in lines if "reason" in line]
    assert told and "the server has stopped" in told[-1]  # the page is told, not cut off
    assert code == 0, err
    assert "Traceback" not in err and "stopped" in out


def test_another_host_than_this_machine_is_warned_about_and_keeps_the_host_check():
    proc, url = start_server("--host", "0.0.0.0", "--allow-host", "mylaptop.local")
    try:
        assert httpx.get(url + "api/options").status_code == 200
        for name, status in (("mylaptop.local", 200), ("evil.example", 400)):
            r = httpx.get(url + "api/options", headers={"host": name})
            assert r.status_code == status, name
    finally:
        code, _, err = stop(proc)
    assert code == 0
    assert "anyone who can reach this machine" in err


def test_127_1_is_this_machine_no_warning_and_its_name_is_allowed():
    # 127.1 is 127.0.0.1 to the socket library (and to a browser)
    proc, url = start_server("--host", "127.1")
    try:
        assert url.startswith("http://127.1:")
        assert httpx.get(url + "api/options").status_code == 200
        assert httpx.get(url + "api/options", headers={"host": "evil.example"}).status_code == 400
    finally:
        code, _, err = stop(proc)
    assert code == 0 and err == ""


def test_sigterm_stops_the_server_cleanly_and_says_so():
    proc, url = start_server()
    assert httpx.get(url + "api/options").status_code == 200
    proc.send_signal(signal.SIGTERM)
    out, err = proc.communicate(timeout=15)
    assert proc.returncode == 0, err
    assert out.strip().endswith("backprop serve: stopped (SIGTERM)") and "Traceback" not in err


def test_sigterm_right_after_the_address_is_printed_still_stops_the_server():
    # a service manager (or a test) may stop it the moment it says where it listens, before
    # uvicorn has put in its own signal handlers: the server must not then run on for ever
    code = ("import os, signal, sys\n"
            "import viz.app.run as run\n"
            "started = run._Server.run\n"
            "def late(self, *args, **kwargs):  # the signal comes before uvicorn's handlers\n"
            "    os.kill(os.getpid(), signal.SIGTERM)\n"
            "    return started(self, *args, **kwargs)\n"
            "run._Server.run = late\n"
            "from viz.cli import main\n"
            "sys.exit(main(['serve', '--port', '0', '--no-browser']))\n")
    proc = subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    try:
        out, err = proc.communicate(timeout=120)  # a hang is the failure; any machine is faster
    except subprocess.TimeoutExpired:
        proc.kill()
        pytest.fail("the server ran on after a SIGTERM that came before uvicorn's handlers")
    assert proc.returncode == 0, err
    assert out.strip().endswith("backprop serve: stopped (SIGTERM)") and "Traceback" not in err


def test_a_stream_no_one_reads_stops_training_after_a_few_updates(server):
    # a client that asks for the stream and then reads nothing: the server's writes wait for
    # it once the connection's buffers are full, and the training waits with them
    sid = httpx.post(server + "api/train", params={"layers": "8,8"}).json()["id"]
    host, port = server.split("//", 1)[1].strip("/").rsplit(":", 1)
    silent = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    # a small receive buffer of our own, so that what the buffers hold is known on any machine
    silent.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 16 * 1024)
    silent.connect((host, int(port)))
    try:
        silent.sendall(f"GET /api/train/{sid}/stream HTTP/1.1\r\nHost: {host}\r\n\r\n".encode())
        silent.recv(1)  # the stream has started
        epochs = []
        for _ in range(200):  # one epoch asked for at a time, until the stream trains no more
            r = httpx.post(f"{server}api/train/{sid}/epoch", timeout=30)
            if r.status_code == 200:
                epochs.append(r.json()["epoch"])
                if len(epochs) >= 3 and epochs[-1] - epochs[-3] == 2:
                    break  # two epochs, both ours: the stream has stopped
            time.sleep(0.1)
        assert epochs and epochs[-1] - epochs[-3] == 2
        # after 10 s without a reader the stream is closed: the session may stream again
        for _ in range(60):
            with httpx.stream("GET", f"{server}api/train/{sid}/stream", timeout=30) as r:
                if r.status_code == 200:
                    break
        assert r.status_code == 200
        # what the stream sent before it stopped is all still in the buffers: read it now
        silent.settimeout(30)
        sent = bytearray()
        while chunk := silent.recv(65536):
            sent += chunk
        updates = [len(m.group()) for m in re.finditer(rb"event: update\ndata: [^\n]*\n\n", sent)]
        assert updates, sent[:300]
        # the server's send buffer (64 kB, doubled by the kernel), the 64 kB its event loop
        # holds before a write waits (and the one write past it), and our receive buffer hold
        # this many updates, counted in updates: how many epochs an update holds depends on
        # the machine's speed. A send buffer left to grow held megabytes: 25 updates and more
        held = (2 * SEND_BUFFER_BYTES + 64 * 1024
                + silent.getsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF))
        assert len(updates) <= held // min(updates) + 2, (len(updates), min(updates))
    finally:
        silent.close()


def serve_fails(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "viz.cli", "serve", "--no-browser", *args],
                          capture_output=True, text=True, timeout=60)


@pytest.mark.parametrize("args, status, message", [
    (["--port", "70000"], 2, "--port must be from 0 to 65535"),
    (["--port", "0", "--host", "no-such-host.invalid"], 1, "cannot listen on"),
    (["nosuch.toml"], 2, "nosuch.toml: no such spec file"),  # as backprop step says it
    (["--port", "0", "--host", ""], 2, "--host needs an address"),
    # every address, and no name to check the Host header against
    (["--port", "0", "--host", "0.0.0.0"], 2, "with --allow-host NAME"),
])
def test_bad_serve_arguments_exit_with_one_line(args, status, message):
    r = serve_fails(*args)
    assert r.returncode == status
    assert message in r.stderr and "Traceback" not in r.stderr


def test_a_bad_spec_file_exits_2_naming_the_key(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("inputs = 1\nlayers = [1]\nlr = -1\n[weights]\nw12 = 0.1\nb2 = 0.0\n"
                    "[[examples]]\nx = [1]\nt = [1]\n")
    r = serve_fails(str(path))
    assert r.returncode == 2
    assert "lr" in r.stderr and "above 0" in r.stderr and "Traceback" not in r.stderr


def test_a_port_in_use_is_named(server):
    port = server.rsplit(":", 1)[1].strip("/")
    r = serve_fails("--port", port)
    assert r.returncode == 1
    assert f"cannot listen on 127.0.0.1:{port}: it is in use" in r.stderr


def plane_click(tab, x1: float, x2: float) -> None:
    """A click on the Train view's plot at the point (x1, x2) of the plane [−1, 1]²."""
    box = tab.locator("#view-train .overlay").bounding_box()
    tab.locator("#view-train .overlay").click(position={
        "x": (x1 + 1) / 2 * box["width"], "y": (1 - x2) / 2 * box["height"]})


def test_the_500th_own_point_clicked_trains_with_the_499_in_the_address(page, server):
    # 500 is the page's most (TensorFlow Playground's largest set); each point written as long
    # as it can be, "-0.123,-0.456,1": 22 characters a point once escaped in the address
    points = ";".join(f"-0.{100 + k % 800:03d},-0.{900 - k % 800:03d},{k % 2}" for k in range(499))
    open_view(page, server, f"?view=train&data=own&own={quote(points)}")
    expect(page.locator(".overlay .pt.train")).to_have_count(499)
    plane_click(page, 0.5, 0.5)
    expect(page.locator(".overlay .pt.train")).to_have_count(500)
    expect(page.locator("#view-train .status")).to_contain_text("Epoch 0")
    expect(page.locator("#view-train [role=alert]:visible")).to_have_count(0)


def test_three_classes_of_ones_own_clicked_points_train_to_95_percent(page, server):
    open_view(page, server, "?view=train&data=own&classes=3&loss=cross_entropy&layers=6"
                            "&lr=0.05&batch=15&activation=tanh")
    expect(page.locator("#train-class option")).to_have_count(3)
    assert page.input_value("#train-class") == "0"
    groups = {0: [(-0.7, 0.1), (-0.6, -0.15), (-0.75, -0.1), (-0.55, 0.2), (-0.65, 0.0)],
              1: [(0.5, 0.6), (0.65, 0.45), (0.4, 0.5), (0.55, 0.7), (0.6, 0.55)],
              2: [(0.5, -0.6), (0.65, -0.45), (0.4, -0.5), (0.55, -0.7), (0.6, -0.55)]}
    for c, points in groups.items():
        page.select_option("#train-class", str(c))
        for k, (x1, x2) in enumerate(points, 1):
            plane_click(page, x1, x2)
            expect(page.locator(f".overlay .pt.train.c{c}")).to_have_count(k)
    assert page.locator(".overlay .pt.test").count() == 0  # every own point trains
    assert "own=" in page.url and "classes=3" in page.url
    # a point clicked lies where it was clicked: the last one of class 2 at (0.6, −0.55)
    last = page.locator(".overlay .pt.c2", has_text="(0.60, -0.55)")
    assert float(last.get_attribute("cx")) == pytest.approx(80.0, abs=0.6)
    assert float(last.get_attribute("cy")) == pytest.approx(77.5, abs=0.6)
    page.click("#train-play")
    status = page.locator("#view-train .status")
    expect(status).to_contain_text(re.compile(r"train accuracy (9[5-9]|100)%"), timeout=60000)
    page.click("#train-play")  # pause
    assert int(re.search(r"train accuracy (\d+)%", status.inner_text()).group(1)) >= 95
    assert "no test points" in status.inner_text()
    # the plot's colours: class 0 (orange) left, 1 (blue) top right, 2 (green) bottom right
    rgb = page.locator(".plane canvas").evaluate("""c => {
        const at = (x, y) => Array.from(c.getContext("2d").getImageData(x, y, 1, 1).data);
        const n = c.width - 1;
        return [at(0, n / 2), at(n, 0), at(n, n)]; }""")
    hues = [max(range(3), key=lambda i, p=p: p[i] - min(p[:3])) for p in rgb]
    assert hues == [0, 2, 1], rgb  # orange's red, blue's blue, green's green
    assert "class 2 green" in page.inner_text("#view-train .classes-key")
    # the loss chart: axes, ticks, labels, a legend, in colours none of the classes have
    chart = page.locator("#view-train .curves svg")
    assert chart.locator("path.axis").count() == 1 and chart.locator("text.tick").count() >= 4
    assert chart.locator("text.label").all_text_contents() == ["epoch", "loss"]
    assert chart.locator("text.legend").all_text_contents() == ["train", "test"]
    class_colours = {"rgb(239, 108, 0)", "rgb(21, 101, 192)", "rgb(46, 125, 50)",
                     "rgb(106, 27, 154)", "rgb(121, 85, 72)"}
    for kind in ("train", "test"):
        stroke = chart.locator(f"path.{kind}").evaluate("e => getComputedStyle(e).stroke")
        assert stroke == chart.locator(f"polyline.{kind}").evaluate(
            "e => getComputedStyle(e).stroke")  # the legend's sample is the line's colour
        assert stroke not in class_colours
    no_sideways_scroll(page)
    shot(page, "train-own-points")
    page.click("#train-clear")
    expect(page.locator(".overlay .pt")).to_have_count(0)
    assert "own=&" in page.url or page.url.endswith("own=")


def test_the_hidden_layers_field_refuses_an_empty_layer_and_no_layers_beside_the_field(page,
                                                                                       server):
    open_view(page, server, "?view=train&data=moons&layers=4")
    layers = page.locator("#train-form input[name=layers]")
    before = page.locator(".plane canvas").evaluate("c => c.toDataURL()")
    for typed, message in (("8,,8", "'8,,8' has an empty place between commas"),
                           ("", "give the units of at least one hidden layer")):
        layers.fill(typed)
        layers.press("Enter")
        note = page.locator("#train-form input[name=layers] + .field-error")
        expect(note).to_contain_text(message)
        assert layers.get_attribute("aria-invalid") == "true"
        assert page.locator("#train-form .field-error").count() == 1
        assert page.locator("#view-train .error").is_hidden()  # one message, beside the field
        # the last network's picture stays
        assert page.locator(".plane canvas").evaluate("c => c.toDataURL()") == before
    shot(page, "train-layers-refused")
    layers.fill("8,8")
    layers.press("Enter")
    expect(page.locator("#train-form .field-error")).to_have_count(0)
    expect(page.locator(".units canvas")).to_have_count(16)
    assert layers.get_attribute("aria-invalid") is None
