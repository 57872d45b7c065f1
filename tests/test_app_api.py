"""The live app's JSON API in process (Starlette's TestClient): the numbers each view sends, every
kind of bad input answered with 4xx and a message, the limits, and training sessions kept apart.
The browser tests (test_app_browser.py) drive the real server."""

import json
import math
import re
import warnings
from pathlib import Path

import numpy as np
import pytest

from lab import spec as specs
from viz.app import limits
from viz.app.server import create_app
from viz.app.training import Session, SessionEnded, Sessions, Settings, loss_chart

with warnings.catch_warnings():  # Starlette 1.x would rather its TestClient ran on httpx2
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


@pytest.fixture(scope="module")
def client():
    return TestClient(create_app(), base_url="http://127.0.0.1")


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def test_survey_formula_gradient_is_5_5_and_1_716(client):
    # y = ln x1 + x1·x2 − sin x2: ∂y/∂x1 = 1/x1 + x2 = 0.5 + 5; ∂y/∂x2 = x1 − cos x2 = 2 − cos 5
    r = client.get("/api/formula", params={"f": "ln(x1) + x1*x2 - sin(x2)", "at": "x1=2, x2=5"})
    assert r.status_code == 200
    summary = r.json()["summary"]
    assert summary["output"] == pytest.approx(math.log(2) + 10 - math.sin(5), abs=1e-12)
    assert summary["gradients"]["x1"] == pytest.approx(5.5, abs=1e-12)
    assert summary["gradients"]["x2"] == pytest.approx(2 - math.cos(5), abs=1e-12)
    frames = r.json()["frames"]
    assert "(x1) = 2" in frames[0]["text"] and "(x2) = 5" in frames[0]["text"]
    assert frames[-1]["text"].startswith("Gradient:")
    svg = client.get(f"/api/formula/frame/{len(frames)}",
                     params={"f": "ln(x1) + x1*x2 - sin(x2)", "at": "x1=2, x2=5"}).json()["svg"]
    assert svg.startswith("<svg") and "5.5" in svg


def test_step_view_with_w14_half_gives_the_hand_calculation(client):
    # the slide's network with w14 = 0.5 instead of 0.2, x = (1, 0, 1), t = 1, η = 0.9
    i4 = 0.5 * 1 + 0.4 * 0 + (-0.5) * 1 + (-0.4)  # = −0.4
    o4, o5 = sigmoid(i4), sigmoid(-0.3 * 1 + 0.1 * 0 + 0.2 * 1 + 0.2)
    o6 = sigmoid(-0.3 * o4 - 0.2 * o5 + 0.1)
    d6 = 2 * (1 - o6) * o6 * (1 - o6)  # δ6 = −∂E/∂i6 with E = (t − o6)²
    d4 = o4 * (1 - o4) * (-0.3) * d6
    r = client.get("/api/step", params={"w14": "0.5", "digits": "4"})
    assert r.status_code == 200
    data = r.json()
    assert data["summary"]["leaves"]["w14"] == {"label": "w14", "value": 0.5, "default": 0.2}
    assert data["summary"]["final"]["w14"] == pytest.approx(0.5 + 0.9 * d4 * 1, abs=1e-12)
    assert data["summary"]["final"]["w46"] == pytest.approx(-0.3 + 0.9 * d6 * o4, abs=1e-12)
    forward = data["frames"][1]["text"]
    assert forward.endswith("= −0.4") and "0.5·1" in forward
    assert f"{d6:.4g}" in "".join(data["tables"])  # 0.2646: four significant figures


def test_step_view_of_a_spec_given_on_the_command_line(tmp_path):
    text = specs.lecture_text().replace("lr = 0.9", "lr = 0.5")
    path = tmp_path / "half.toml"
    path.write_text(text)
    client = TestClient(create_app(specs.load(path)), base_url="http://127.0.0.1")
    leaves = client.get("/api/step").json()["summary"]["leaves"]
    assert leaves["lr"]["value"] == 0.5


def test_mazurs_network_served_gives_the_blogs_w5_and_its_names(tmp_path):
    # Matt Mazur's "A Step by Step Backpropagation Example": after one update w5 = 0.35891648
    readme = (Path(__file__).resolve().parent.parent / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Your own network: spec files", 1)[1]
    path = tmp_path / "mazur.toml"
    path.write_text(re.search(r"```toml\n(.*?)```", section, re.S).group(1))
    client = TestClient(create_app(specs.load(path)), base_url="http://127.0.0.1")
    summary = client.get("/api/step").json()["summary"]
    assert summary["final"]["w5"] == pytest.approx(0.35891648, abs=1e-8)
    assert summary["leaves"]["w35"]["label"] == "w5"  # the book's name on the field


def test_a_spec_of_two_examples_names_each_examples_numbers_with_at_k(tmp_path):
    # one input, one sigmoid output unit 2 (w12, b2 = 0), E = (t − o)², η = 1, per-epoch update
    path = tmp_path / "two.toml"
    path.write_text('inputs = 1\nlayers = [1]\nlr = 1.0\nupdate = "per-epoch"\n'
                    '[weights]\nw12 = 0.0\nb2 = 0.0\n'
                    '[[examples]]\nx = [1]\nt = [1]\n[[examples]]\nx = [2]\nt = [0]\n')
    client = TestClient(create_app(specs.load(path)), base_url="http://127.0.0.1")
    r = client.get("/api/step", params={"x1@2": "-2"}).json()
    assert list(r["summary"]["leaves"]) == ["x1@1", "t1@1", "x1@2", "t1@2", "w12", "b2", "lr"]
    # o = σ(0) = ½ for both; ∂E/∂w12 = −2(t − o)·o(1 − o)·x, summed over the two examples:
    # −2(1 − ½)(¼)(1) + −2(0 − ½)(¼)(−2) = −¼ − ½ = −¾, so w12 ← 0 − 1·(−¾)
    grad = -2 * (1 - 0.5) * 0.25 * 1 + -2 * (0 - 0.5) * 0.25 * -2
    assert r["summary"]["final"]["w12"] == pytest.approx(0.0 - 1.0 * grad, abs=1e-12)


def test_exercise_page_asks_for_the_numbers_of_the_network_as_edited(client):
    r = client.get("/exercise/step", params={"w14": "0.5"})
    assert r.status_code == 200 and r.headers["content-type"].startswith("text/html")
    data = re.search(r'<script type="application/json" class="bp-questions">(.*?)</script>',
                     r.text, re.S)
    questions = {q["name"]: q for q in json.loads(data.group(1)) if q}
    # by hand with w14 = 0.5: i4 = 0.5·1 + 0.4·0 + (−0.5)·1 + (−0.4) = −0.4, o4 = σ(−0.4)
    assert questions["i4"]["answer"] == pytest.approx(-0.4, abs=1e-12)
    assert questions["o4"]["answer"] == pytest.approx(sigmoid(-0.4), abs=1e-12)
    bad = client.get("/exercise/step", params={"w14": "x"})
    assert bad.status_code == 400 and bad.text == "the value of w14 must be a number, got 'x'"


@pytest.mark.parametrize("path, params, message", [
    ("/api/formula", {"f": "ln(x1 +", "at": "x1=2"}, "was never closed"),
    ("/api/formula", {"f": "__import__('os')", "at": ""}, "not allowed"),
    ("/api/formula", {"f": "foo(x1)", "at": "x1=1"}, "unknown function 'foo'"),
    ("/api/formula", {"f": "x1 + " * 60 + "x1", "at": "x1=1"}, "the limit here is 200"),
    ("/api/formula", {"f": "x1*x2", "at": "x1=2"}, "no value given for 'x2'"),
    ("/api/formula", {"f": "x1", "at": "x1=two"}, "the value of x1 must be a number"),
    ("/api/formula", {"f": "x1", "at": "x1=inf"}, "finite"),
    ("/api/step", {"w99": "1"}, "no number 'w99'"),
    ("/api/step", {"lr": "0"}, "the learning rate must be above 0"),
    ("/api/step", {"w14": "nan"}, "the value of w14 must be a finite number"),
    ("/api/nothing", {}, "there is no view 'nothing'"),
    ("/api/step", {"digits": "0"}, "digits must be from 1 to 17"),
    ("/api/formula", {"digits": "x"}, "digits must be a whole number"),
    ("/api/formula/frame/99", {}, "there is no frame 99"),
])
def test_bad_input_to_a_stepped_view_is_a_400_with_a_message(client, path, params, message):
    r = client.get(path, params=params)
    assert r.status_code == 400
    assert message in r.json()["error"]


@pytest.mark.parametrize("params, message", [
    ({"data": "iris"}, "unknown data 'iris'"),
    # the field is a list of unit counts: a count out of range is about units, not layers
    ({"layers": "8,8,8,8,8"}, "at most 4 hidden layers, got 5"),
    ({"layers": "9"}, "each hidden layer has 1 to 8 units, got 9"),
    ({"layers": "8,0"}, "each hidden layer has 1 to 8 units, got 0"),
    ({"layers": "8,x"}, "hidden layers are numbers of units separated by commas (e.g. 8,8), "
                        "got 'x'"),
    ({"points": "100000"}, f"points must be from 4 to {limits.MAX_POINTS}"),
    ({"lr": "-0.1"}, "lr must be between"),
    ({"noise": "nan"}, "finite"),
    ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"activation": "gelu"}, "unknown activation 'gelu'"),
    ({"batch": "0"}, "batch must be from 1"),
])
def test_bad_training_settings_are_a_400_with_a_message(client, params, message):
    r = client.post("/api/train", params=params)
    assert r.status_code == 400
    assert message in r.json()["error"]


def test_an_ended_session_a_bad_point_and_a_long_address_are_answered(client):
    assert client.post("/api/train/nosuch/epoch").status_code == 404
    assert "press Reset" in client.get("/api/train/nosuch/stream").json()["error"]
    sid = client.post("/api/train", params={"points": "8"}).json()["id"]
    r = client.get(f"/api/train/{sid}/example/8")
    assert r.status_code == 400 and "there is no point 8" in r.json()["error"]
    r = client.get("/api/formula", params={"f": "x" * (limits.MAX_QUERY_CHARS + 1)})
    assert r.status_code == 414


def test_a_page_from_another_host_name_is_refused(client):
    # DNS rebinding: a web site whose name points at 127.0.0.1 must not reach the app
    assert client.get("/api/options", headers={"host": "evil.example"}).status_code == 400


def test_page_sends_its_content_security_policy(client):
    r = client.get("/")
    assert r.status_code == 200 and "script-src 'self'" in r.headers["content-security-policy"]
    assert client.get("/static/app.js").status_code == 200


@pytest.mark.parametrize("path", ["/static/../server.py", "/static/%2e%2e/server.py",
                                  "/static/..%2fserver.py", "/static//etc/passwd",
                                  "/api/../../pyproject.toml"])
def test_the_page_reads_no_file_but_its_own_assets(client, path):
    r = client.get(path)
    assert r.status_code == 404 or r.json().get("error"), r.text[:100]
    assert "import" not in r.text and "root:" not in r.text


def test_one_epoch_of_full_batch_sgd_is_one_gradient_step_from_the_starting_weights(client):
    # with batch = all training points and plain SGD, an epoch is w ← w − η·∂L/∂w with L the
    # mean loss; checked against central differences of the mean loss at the starting weights
    settings = Settings(data="moons", points=40, layers=(3,), optimizer="sgd", lr=0.5, batch=40,
                        split=0.5, loss="mse", seed=3)
    session = Session(settings)
    X, y = session.X[session.train], session.y[session.train].astype(float)
    start = session.model.state_dict()

    def mean_loss(state):
        model = Session(settings).model
        model.load_state_dict(state)
        return float(np.mean((model(X).data - y) ** 2))

    session.train_for(epochs=1)
    after = session.model.state_dict()
    for name, w in start.items():
        h = 1e-6
        grad = (mean_loss({**start, name: w + h}) - mean_loss({**start, name: w - h})) / (2 * h)
        assert after[name] == pytest.approx(w - 0.5 * grad, abs=1e-7), name


def test_two_sessions_train_apart(client):
    a = client.post("/api/train", params={"data": "moons", "seed": "1"}).json()["id"]
    b = client.post("/api/train", params={"data": "moons", "seed": "1", "lr": "0.3"}).json()["id"]
    alone = client.post("/api/train", params={"data": "moons", "seed": "1"}).json()["id"]
    for _ in range(3):  # a and b interleaved; alone by itself afterwards
        ra = client.post(f"/api/train/{a}/epoch").json()
        client.post(f"/api/train/{b}/epoch")
    for _ in range(3):
        ralone = client.post(f"/api/train/{alone}/epoch").json()
    assert ra["train_loss"] == ralone["train_loss"] and ra["boundary"] == ralone["boundary"]


def test_sessions_beyond_the_limit_drop_the_least_recently_used():
    sessions = Sessions(most=2)
    first, _ = sessions.create(Settings(points=8))
    second, _ = sessions.create(Settings(points=8))
    sessions.get(first)  # used again: now the second is the oldest
    sessions.create(Settings(points=8))
    assert sessions.get(first)
    with pytest.raises(SessionEnded):
        sessions.get(second)


def test_clicked_point_graph_is_the_loss_of_that_example_at_the_current_weights(client):
    r = client.post("/api/train", params={"data": "xor", "points": "8", "layers": "2"}).json()
    g = client.get(f"/api/train/{r['id']}/example/0").json()
    # E = −[t ln p + (1 − t) ln(1 − p)] for the output p: the drawn graph ends in E
    assert g["svg"].startswith("<svg") and " (E)<" in g["svg"]
    assert g["loss"] > 0 and set(g["gradients"]) >= {"w13", "w23", "b3", "w35", "b5"}


def test_loss_chart_puts_the_largest_loss_at_the_top_and_thins_long_runs():
    # 320 × 120: epoch 0 of 2 at x = 0, epoch 1 at x = 320; loss 1.0 (the top) at y = 0,
    # 0.5 halfway down at y = 60
    svg = loss_chart([1.0, 0.5], [0.8, None])
    assert 'class="train" fill="none" points="0.0,0.0 320.0,60.0"' in svg
    assert 'class="test" fill="none" points="0.0,24.0"' in svg  # (1 − 0.8)·120; inf left out
    long = loss_chart([1.0 / (k + 1) for k in range(5000)], [])
    assert len(re.search(r'class="train" fill="none" points="([^"]*)"', long).group(1).split()
               ) <= 2 * 320
