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
from viz.app.server import create_app
from viz.app.training import (
    Session,
    SessionEnded,
    Sessions,
    SessionsFull,
    Settings,
    loss_chart,
)

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


@pytest.mark.parametrize("text, value", [("0,5", 0.5), ("−0.25", -0.25), ("5×10⁻¹", 0.5),
                                         ("1.5x10^-3", 0.0015)])
def test_a_step_view_field_reads_what_an_answers_file_reads(client, text, value):
    # a decimal comma, the true minus, a power of ten as the page itself writes one
    r = client.get("/api/step", params={"w14": text})
    assert r.json()["summary"]["leaves"]["w14"]["value"] == value


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
    fields = {f["name"]: f for f in json.loads(data.group(1))["fields"]}
    # by hand with w14 = 0.5: i4 = 0.5·1 + 0.4·0 + (−0.5)·1 + (−0.4) = −0.4, o4 = σ(−0.4)
    lo, hi = fields["i4"]["interval"]
    assert lo < -0.4 < hi and hi - lo < 1.0001e-3
    lo, hi = fields["o4"]["interval"]
    assert lo < sigmoid(-0.4) < hi and hi - lo < 1.0001e-3 and not lo < sigmoid(-0.7) < hi
    bad = client.get("/exercise/step", params={"w14": "x"})
    assert bad.status_code == 400 and bad.text == "the value of w14 must be a number, got 'x'"


@pytest.mark.parametrize("path, params, field, message", [
    ("/api/formula", {"f": "ln(x1 +", "at": "x1=2"}, "f", "was never closed"),
    ("/api/formula", {"f": "__import__('os')", "at": ""}, "f", "not allowed"),
    ("/api/formula", {"f": "foo(x1)", "at": "x1=1"}, "f", "unknown function 'foo'"),
    ("/api/formula", {"f": "x1 + " * 60 + "x1", "at": "x1=1"}, "f", "the limit here is 200"),
    ("/api/formula", {"f": "x1*x2", "at": "x1=2"}, "f", "no value given for 'x2'"),
    ("/api/formula", {"f": "x1", "at": "x1=two"}, "at", "the value of x1 must be a number"),
    ("/api/formula", {"f": "x1", "at": "x1=inf"}, "at", "finite"),
    ("/api/step", {"w99": "1"}, "", "no number 'w99'"),
    ("/api/step", {"lr": "0"}, "lr", "η (lr): the learning rate must be above 0, got 0"),
    ("/api/step", {"w14": "nan"}, "w14", "the value of w14 must be a finite number"),
    ("/api/step", {"w14": "0.3x"}, "w14", "the value of w14 must be a number, got '0.3x'"),
    ("/api/step", {"frozen": "w14,w99"}, "frozen", "'w99' is not a weight or bias"),
    ("/api/step", {"epochs": "0"}, "epochs", "epochs must be from 1 to 20"),
    ("/api/nothing", {}, "", "there is no view 'nothing'"),
    ("/api/step", {"digits": "0"}, "digits", "digits must be from 1 to 17"),
    ("/api/formula", {"digits": "x"}, "digits", "digits must be a whole number"),
])
def test_fields_a_view_cannot_read_are_its_answer_with_the_field_named(client, path, params,
                                                                       field, message):
    # a student typing "0.3" passes through "0.3x"-like states: not a failed request
    r = client.get(path, params=params)
    assert r.status_code == 200 and set(r.json()) == {"problem"}
    assert message in r.json()["problem"]["message"]
    assert r.json()["problem"]["field"] == field


def test_a_frame_that_does_not_exist_is_a_400_with_a_message(client):
    r = client.get("/api/formula/frame/99")
    assert r.status_code == 400 and "there is no frame 99" in r.json()["error"]


def test_a_frames_picture_asked_with_a_field_it_cannot_read_is_a_400_naming_the_field(client):
    # the page asks for pictures only of fields it has read; another client gets the field
    r = client.get("/api/formula/frame/1", params={"digits": "x"})
    assert r.status_code == 400 and r.json()["field"] == "digits"
    assert "digits must be a whole number" in r.json()["error"]


@pytest.mark.parametrize("params, message", [
    ({"data": "iris"}, "unknown data 'iris'"),
    # the field is a list of unit counts: a count out of range is about units, not layers
    ({"layers": "8,8,8,8,8"}, "at most 4 hidden layers, got 5"),
    ({"layers": "9"}, "each hidden layer has 1 to 8 units, got 9"),
    ({"layers": "8,0"}, "each hidden layer has 1 to 8 units, got 0"),
    ({"layers": "8,x"}, "hidden layers are numbers of units separated by commas (e.g. 8,8), "
                        "got 'x'"),
    # TensorFlow Playground's largest data set, 500 points, is the most a session trains on
    ({"points": "501"}, "points must be from 4 to 500, got 501"),
    ({"points": "3"}, "points must be from 4 to 500, got 3"),
    ({"lr": "-0.1"}, "lr must be between"),
    ({"noise": "nan"}, "finite"),
    ({"optimizer": "lbfgs"}, "unknown optimizer 'lbfgs'"),
    ({"loss": "hinge"}, "unknown loss 'hinge'"),
    ({"activation": "gelu"}, "unknown activation 'gelu'"),
    ({"batch": "0"}, "batch must be from 1"),
])
def test_bad_training_settings_are_answered_with_the_problem_and_no_session(client, params,
                                                                            message):
    r = client.post("/api/train", params=params)
    assert r.status_code == 200 and set(r.json()) == {"problem"}  # no session id
    assert message in r.json()["problem"]["message"]
    assert r.json()["problem"]["field"] == next(iter(params))


def test_an_ended_session_a_bad_point_and_a_long_address_are_answered(client):
    assert client.post("/api/train/nosuch/epoch").status_code == 404
    assert "press Reset" in client.get("/api/train/nosuch/stream").json()["error"]
    sid = client.post("/api/train", params={"points": "8"}).json()["id"]
    r = client.get(f"/api/train/{sid}/example/8")
    assert r.status_code == 400 and "there is no point 8" in r.json()["error"]
    # 500, the most points a session has, is read as a number and found missing by the session
    r = client.get(f"/api/train/{sid}/example/500")
    assert r.json()["error"] == "there is no point 500: the data has 8 points"
    # an address holds every number of a spec (200 parameters × 40 characters, 8,000) or the
    # Train view's 500 own points, 22 characters each once escaped, with 1,000 for the rest:
    # 12,000 characters at most
    r = client.get("/api/formula?f=" + "x" * (12_000 - len("f=")))
    assert r.status_code == 200 and "the limit here is 200" in r.json()["problem"]["message"]
    r = client.get("/api/formula?f=" + "x" * (12_001 - len("f=")))
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
    assert (r.status_code, r.text) == (404, "Not Found")


def _forward(state, X, hidden):
    """The app's network (two inputs, one hidden layer of ``hidden`` tanh units, one sigmoid
    output unit) written out with numpy from its parameters, by the lecture's names: unit j's
    net input is Σᵢ wᵢⱼ·oᵢ + bⱼ; inputs are units 1, 2, hidden units 3 … 2 + hidden."""
    units = range(3, 3 + hidden)
    out = 3 + hidden
    h = [np.tanh(state[f"w1{j}"] * X[:, 0] + state[f"w2{j}"] * X[:, 1] + state[f"b{j}"])
         for j in units]
    net = sum(state[f"w{j}{out}"] * hj for j, hj in zip(units, h)) + state[f"b{out}"]
    return 1 / (1 + np.exp(-net))


def test_one_epoch_of_full_batch_sgd_is_one_gradient_step_from_the_starting_weights(client):
    # with batch = all training points and plain SGD, an epoch is w ← w − η·∂L/∂w with L the
    # mean squared error; checked against central differences of L written out with numpy
    settings = Settings(data="moons", points=40, layers=(3,), optimizer="sgd", lr=0.5, batch=40,
                        split=0.5, loss="mse", seed=3)
    session = Session(settings)
    X, y = session.X[session.train], session.y[session.train].astype(float)
    assert len(X) == 20  # half of the 40 points train
    start = session.model.state_dict()

    def mean_loss(state):
        return float(np.mean((_forward(state, X, 3) - y) ** 2))

    session.train_for(epochs=1)
    after = session.model.state_dict()
    assert session.epochs == 1 and set(after) == set(start)
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


class Clock:
    """Time as a test sets it."""

    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_a_client_past_its_share_drops_its_own_least_recently_used_session():
    sessions = Sessions(most=4, per_client=2, clock=Clock())
    first, _ = sessions.create(Settings(points=8), "tab-owner")
    second, _ = sessions.create(Settings(points=8), "tab-owner")
    sessions.get(first)  # used again: now the second is its oldest
    third, _ = sessions.create(Settings(points=8), "tab-owner")
    assert isinstance(sessions.get(first), Session) and isinstance(sessions.get(third), Session)
    with pytest.raises(SessionEnded):
        sessions.get(second)


def test_another_client_cannot_push_a_session_in_use_out():
    clock = Clock()
    sessions = Sessions(most=3, per_client=2, idle_seconds=600, clock=clock)
    mine, _ = sessions.create(Settings(points=8), "student")
    other = [sessions.create(Settings(points=8), "other")[0] for _ in range(2)]
    for name in ("third", "fourth"):  # a full server: other clients are refused, mine stays
        with pytest.raises(SessionsFull, match="the server trains 3 sessions already"):
            sessions.create(Settings(points=8), name)
    clock.now = 599.0
    sessions.get(other[0])
    clock.now = 600.0  # mine and other[1] unused for 600 s, this long: idle; other[0] for 1 s
    new, _ = sessions.create(Settings(points=8), "third")
    with pytest.raises(SessionEnded):  # the longest unused goes first: mine, made at 0
        sessions.get(mine)
    assert {isinstance(sessions.get(sid), Session) for sid in (*other, new)} == {True}


def test_clicked_point_graph_is_the_loss_of_that_example_at_the_current_weights(client):
    r = client.post("/api/train", params={"data": "xor", "points": "8", "layers": "2"}).json()
    g = client.get(f"/api/train/{r['id']}/example/0").json()
    # E = −[t ln p + (1 − t) ln(1 − p)] for the output p: the drawn graph ends in E
    assert g["svg"].startswith("<svg") and " (E)<" in g["svg"]
    assert set(g["gradients"]) == {"w13", "w23", "b3", "w14", "w24", "b4", "w35", "w45", "b5"}
    session = Session(Settings(data="xor", points=8, layers=(2,)))  # the same seed, untrained
    p = _forward(session.model.state_dict(), np.array([g["x"]]), 2)[0]
    t = g["target"]
    assert t == session.y[0] and g["x"] == pytest.approx(session.X[0].tolist(), abs=0)
    assert g["loss"] == pytest.approx(-(t * np.log(p) + (1 - t) * np.log(1 - p)), abs=1e-12)


def test_loss_chart_puts_the_largest_loss_at_the_top_and_thins_long_runs():
    # 320 × 120: epoch 0 of 2 at x = 0, epoch 1 at x = 320; loss 1.0 (the top) at y = 0,
    # 0.5 halfway down at y = 60
    svg = loss_chart([1.0, 0.5], [0.8, None])
    assert 'class="train" fill="none" points="0.0,0.0 320.0,60.0"' in svg
    assert 'class="test" fill="none" points="0.0,24.0"' in svg  # (1 − 0.8)·120; inf left out
    # the same losses doubled: the same picture (each loss over the largest, 2.0)
    doubled = loss_chart([2.0, 1.0], [1.6, None])
    assert 'class="train" fill="none" points="0.0,0.0 320.0,60.0"' in doubled
    assert 'class="test" fill="none" points="0.0,24.0"' in doubled
    long = loss_chart([1.0 / (k + 1) for k in range(5000)], [])
    assert len(re.search(r'class="train" fill="none" points="([^"]*)"', long).group(1).split()
               ) <= 2 * 320


@pytest.mark.parametrize("params, field, message", [
    ({"layers": "8,,8"}, "layers", "'8,,8' has an empty place between commas"),
    ({"layers": ""}, "layers", "give the units of at least one hidden layer"),
    ({"layers": " "}, "layers", "give the units of at least one hidden layer"),
    ({"data": "xor", "classes": "3"}, "classes", "xor has 2 classes: for 3, choose spirals"),
    ({"data": "spirals", "classes": "3", "loss": "mse"}, "loss",
     "for 3 classes choose cross_entropy or multiclass_hinge"),
    ({"classes": "6"}, "classes", "classes must be from 2 to 5"),
    ({"data": "own", "own": "0.1,0.2,3"}, "own", "point 1 has class 3, but there are 2 classes"),
    ({"data": "own", "own": "0.1,1.5,0"}, "own", "point 1 lies outside the plot"),
    ({"data": "own", "own": "0.1;0.2"}, "own", "point 1 must be x1,x2,class"),
])
def test_a_bad_training_field_is_named_so_the_page_shows_its_message_beside_it(client, params,
                                                                            field, message):
    r = client.post("/api/train", params=params)
    assert r.status_code == 200 and r.json()["problem"]["field"] == field
    assert message in r.json()["problem"]["message"]


def test_the_own_points_field_takes_500_points_and_refuses_the_501st(client):
    # 500, TensorFlow Playground's largest data set, is the page's most
    # each point as long as one can be, "-0.123,-0.456,1", 22 characters once escaped
    rows = [f"-0.123,-0.456,{k % 2}" for k in range(501)]
    taken = client.post("/api/train", params={"data": "own", "own": ";".join(rows[:500])})
    assert taken.status_code == 200 and "problem" not in taken.json()
    refused = client.post("/api/train", params={"data": "own", "own": ";".join(rows)})
    assert refused.json()["problem"] == {"field": "own",
                                         "message": "at most 500 points, got 501: clear some"}


def _clusters(per_class: int = 5) -> str:
    """Three separable groups of one's own points, as the page sends them: class 0 left, class 1
    top right, class 2 bottom right."""
    middles = [(-0.6, 0.0), (0.5, 0.5), (0.5, -0.5)]
    rng = np.random.default_rng(0)
    return ";".join(f"{x + d1:.3f},{y + d2:.3f},{c}" for c, (x, y) in enumerate(middles)
                    for d1, d2 in rng.uniform(-0.15, 0.15, size=(per_class, 2)))


def test_three_classes_of_ones_own_points_train_with_softmax_cross_entropy(client):
    params = {"data": "own", "classes": "3", "loss": "cross_entropy", "own": _clusters(),
              "layers": "6", "lr": "0.05", "batch": "15"}
    r = client.post("/api/train", params=params).json()
    assert r["points"].count('class="pt train c2"') == 5 and 'class="pt test' not in r["points"]
    assert r["test_loss"] is None and r["test_accuracy"] is None  # every own point trains
    assert r["boundary"]["count"] == 3 and r["boundary"]["lo"] == [-1.0, -1.0]
    for _ in range(60):
        s = client.post(f"/api/train/{r['id']}/epoch").json()
    assert s["train_accuracy"] == 1.0 and s["train_loss"] < 0.1
    # the plot's corners: left is class 0's, top right class 1's, bottom right class 2's
    size, classes = s["boundary"]["size"], s["boundary"]["classes"]
    corner = {"top left": classes[0], "top right": classes[size - 1],
              "bottom right": classes[size * size - 1]}
    assert corner == {"top left": 0, "top right": 1, "bottom right": 2}
    assert all(0.0 <= v <= 1.0 for v in s["boundary"]["sure"])


def test_the_class_picture_of_softmax_scores_is_the_argmax_and_its_margin_over_a_guess():
    from viz.app.training import class_picture

    class Scores:  # a model giving fixed scores for each point
        def __call__(self, grid):
            from autograd_core import BatchValue
            return [BatchValue(np.array([0.0, 2.0])), BatchValue(np.array([0.0, 0.0])),
                    BatchValue(np.array([0.0, -1.0]))]

    classes, sure = class_picture(Scores(), np.zeros((2, 2)))
    # point 1: all equal → p = 1/3 each, not sure at all; point 2: softmax of (2, 0, −1)
    p = math.exp(2) / (math.exp(2) + 1 + math.exp(-1))
    assert classes == [0, 0]
    assert sure[0] == 0.0 and sure[1] == pytest.approx((p - 1 / 3) / (2 / 3), abs=1e-3)


def test_loss_chart_has_axes_ticks_labels_and_a_legend():
    svg = loss_chart([0.7, 0.5, 0.4, 0.3], [0.8, 0.6, 0.5, 0.45])
    assert '<path class="axis" d="M0,0 V120 H320"/>' in svg
    # room around the 320 × 120 plot: 44 left for the loss ticks, 12 right, 24 above for the
    # legend, 30 below for the epochs and their label
    assert 'viewBox="-44 -24 376 174"' in svg
    y_ticks = re.findall(r'<text class="tick y"[^>]*>([^<]*)</text>', svg)
    x_ticks = re.findall(r'<text class="tick x"[^>]*>([^<]*)</text>', svg)
    assert y_ticks == ["0", "0.2", "0.4", "0.6", "0.8"] and x_ticks == ["0", "1", "2", "3"]
    # the tick 0.4 sits at (1 − 0.4/0.8)·120 = 60 from the top, its label 3 below the middle
    assert '<path class="tick" d="M-4,60.0 H0"/>' in svg
    assert '<text class="tick y" x="-6" y="63.0">0.4</text>' in svg
    # epoch 2 of 0–3 at 2/3 of the width, 320·2/3 = 213.3; both axes' ticks are 4 long
    assert '<path class="tick" d="M213.3,120 V124"/>' in svg
    # its label 14 below the axis (120), under the tick
    assert '<text class="tick x" x="213.3" y="134">2</text>' in svg
    assert ">epoch</text>" in svg and ">loss</text>" in svg
    assert re.findall(r'<text class="legend"[^>]*>([^<]*)</text>', svg) == ["train", "test"]
    # what a screen reader says of it: the last losses and the top
    assert ('aria-label="loss per epoch: train 0.3000, test 0.4500; top of the chart 0.8"'
            in svg)
    assert "train –, test –; top of the chart 1" in loss_chart([], [])
    # each name 4 to the right of its 18-long line: the lines start at 0 and 70
    assert '<path class="train" d="M0,-14 h18"/><text class="legend" x="22" y="-10">' in svg
    assert '<path class="test" d="M70,-14 h18"/><text class="legend" x="92" y="-10">' in svg


@pytest.mark.parametrize("train, test", [([], []), ([None], [None]), ([0.0, 0.0], [])])
def test_a_loss_chart_with_no_loss_above_0_yet_runs_its_axis_from_0_to_1(train, test):
    # before the first epoch (or with every loss 0) there is no largest loss to put at the top
    svg = loss_chart(train, test)
    assert re.findall(r'<text class="tick y"[^>]*>([^<]*)</text>', svg) == ["0", "0.5", "1"]
    assert '<text class="tick y" x="-6" y="3.0">1</text>' in svg  # 1 at the top


@pytest.mark.parametrize("top, ticks", [
    (2.0, ["0", "0.5", "1", "1.5", "2"]),   # 2/4 = 0.5: a step of 5 × 10⁻¹
    (40.0, ["0", "10", "20", "30", "40"]),  # 40/4 = 10: a step of 1 × 10¹
    (7.0, ["0", "2", "4", "6"]),            # 7/4 = 1.75: rounded up to 2
    (30.0, ["0", "10", "20", "30"]),        # 30/4 = 7.5: rounded up to 10
])
def test_the_loss_axis_ticks_step_by_1_2_or_5_times_a_power_of_ten(top, ticks):
    svg = loss_chart([top, top / 2], [])
    assert re.findall(r'<text class="tick y"[^>]*>([^<]*)</text>', svg) == ticks


def test_the_epoch_axis_has_at_most_five_ticks_at_round_epochs():
    # epochs 0–12: a step of 12/5 = 2.4 rounds up to 5, so 0, 5 and 10 (2 would make seven)
    svg = loss_chart([1.0 / (k + 1) for k in range(13)], [])
    assert re.findall(r'<text class="tick x"[^>]*>([^<]*)</text>', svg) == ["0", "5", "10"]


def test_everything_the_loss_chart_draws_lies_inside_its_view_box():
    svg = loss_chart([0.9, 0.6, 0.5, 0.4], [1.0, 0.7, 0.6, 0.55])
    x0, y0, w, h = map(float, re.search(r'viewBox="([^"]*)"', svg).group(1).split())
    places = [(float(x), float(y)) for x, y in re.findall(r'x="([-\d.]+)" y="([-\d.]+)"', svg)]
    places += [(float(x), float(y)) for x, y in re.findall(r"translate\(([-\d.]+),([-\d.]+)\)",
                                                           svg)]
    for pts in re.findall(r'<polyline[^>]*points="([^"]*)"', svg):
        places += [tuple(map(float, p.split(","))) for p in pts.split()]
    # the curves' last epoch is drawn at the plot's right edge, x = 320 (the chart's width)
    assert max(x for x, _ in places) == 320.0
    assert all(x0 < x < x0 + w and y0 < y < y0 + h for x, y in places)


def test_the_loss_charts_axis_labels_stand_at_the_middle_of_their_axes():
    svg = loss_chart([0.7, 0.5], [0.8, 0.6])  # 320 × 120: the middles are x = 160 and y = 60
    assert '<text class="label" x="160" y="147">epoch</text>' in svg  # 120 + 27 below the axis
    assert 'transform="translate(-34,60) rotate(-90)">loss</text>' in svg
