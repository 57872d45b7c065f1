"""The Train view's sessions (viz/app/training.py) on their own: each setting's bounds, the
session's epoch limit, what a snapshot holds and the stream's end. The bounds are the ones the
page's fields state (TensorFlow Playground's sizes); the numbers are counted here by hand."""

import json
import re
import threading
import warnings
from concurrent.futures import ThreadPoolExecutor
from types import SimpleNamespace

import anyio
import numpy as np
import pytest

import nn
from viz.app import limits, server, training
from viz.app.server import _updates, create_app
from viz.app.training import Session, Settings

with warnings.catch_warnings():
    warnings.filterwarnings("ignore", message="Using `httpx` with `starlette.testclient`")
    from starlette.testclient import TestClient


@pytest.mark.parametrize("field, inside, outside", [
    ("noise", ["0", "1"], ["-0.01", "1.01"]),
    ("points", ["4", "500"], ["3", "501"]),
    ("split", ["0.1", "0.9"], ["0.09", "0.91"]),
    ("lr", ["0.000001", "10"], ["0", "10.5"]),
    ("batch", ["1", "500"], ["0", "501"]),
    ("seed", ["0", "2147483647"], ["-1", "2147483648"]),
    ("layers", ["8,8,8,8", "1"], ["", "8,,8", "8,8,8,8,8", "9", "0"]),
])
def test_each_setting_is_accepted_at_its_bounds_and_refused_past_them(field, inside, outside):
    for text in inside:
        Settings.from_query({field: text})
    for text in outside:
        with pytest.raises(ValueError, match=field if field != "layers" else "hidden layer"):
            Settings.from_query({field: text})


def test_settings_from_the_page_are_read_as_given():
    s = Settings.from_query({"data": "circles", "noise": "0.3", "points": "60", "split": "0.7",
                             "layers": "3, 2", "activation": "relu", "loss": "mse",
                             "optimizer": "momentum", "lr": "0.5", "batch": "7", "seed": "9"})
    assert s == Settings(data="circles", noise=0.3, points=60, split=0.7, layers=(3, 2),
                         activation="relu", loss="mse", optimizer="momentum", lr=0.5, batch=7,
                         seed=9)
    assert Settings.from_query({}) == Settings()  # no field: the defaults


def test_a_session_splits_its_points_and_counts_epochs_by_its_batches():
    # 60 points, 70 % to train: 42 train, 18 test; batches of 10: an epoch is 5 updates
    session = Session(Settings(points=60, split=0.7, batch=10, layers=(2,)))
    assert (len(session.train), len(session.test)) == (42, 18)
    assert sorted([*session.train, *session.test]) == list(range(60))
    for update in range(1, 6):
        session._update()
        assert session.epochs == (1 if update == 5 else 0)
    assert len(session.train_loss) == len(session.test_loss) == 2  # epoch 0 and epoch 1


def test_a_snapshot_holds_the_boundary_the_units_and_the_losses():
    session = Session(Settings(points=20, layers=(3, 2)))
    snap = session.train_for(epochs=2)
    assert snap["epoch"] == 2 and snap["stopped"] == ""
    assert snap["boundary"]["size"] == 40 and len(snap["boundary"]["classes"]) == 40 * 40
    assert snap["unit_size"] == 20
    assert [u["name"] for u in snap["units"]] == ["unit 3", "unit 4", "unit 5", "unit 6",
                                                   "unit 7"]
    assert all(len(u["values"]) == 400 for u in snap["units"])
    # each unit's image is scaled to −1 … 1 by its largest |output|
    assert all(max(abs(v) for v in u["values"]) == pytest.approx(1.0, abs=1e-3)
               for u in snap["units"])
    # each place's class (0 or 1) and how sure the network is, |2p − 1|, within 0 … 1
    assert set(snap["boundary"]["classes"]) <= {0, 1}
    assert all(0 <= v <= 1 for v in snap["boundary"]["sure"])
    for part in ("train", "test"):
        assert 0 <= snap[f"{part}_accuracy"] <= 1 and snap[f"{part}_loss"] > 0
    assert snap["curves"].startswith('<svg class="curves"')
    assert len(session.train_loss) == 3  # epochs 0, 1, 2


def test_the_boundary_is_the_networks_output_over_the_plane():
    session = Session(Settings(points=20, layers=(2,)))
    snap = session.snapshot()
    # the top-left grid point is (x_min, x2_max) of the padded plane; the model's own p there
    p = float(session.model(np.array([[session.lo[0], session.hi[1]]])).data[0])
    assert snap["boundary"]["classes"][0] == int(p >= 0.5)
    assert snap["boundary"]["sure"][0] == pytest.approx(round(abs(2 * p - 1), 3), abs=1e-12)


def test_a_session_stops_at_the_epoch_limit(monkeypatch):
    monkeypatch.setattr(limits, "MAX_EPOCHS_PER_SESSION", 3)
    session = Session(Settings(points=8, batch=8))
    snap = session.train_for(epochs=10)
    assert snap["epoch"] == 3
    assert snap["stopped"] == ("reached 3 epochs, the most one session trains here; press Reset "
                               "to start again")
    assert session.train_for(epochs=1)["epoch"] == 3  # stopped: no more training


def test_a_session_busy_in_one_request_refuses_another():
    session = Session(Settings(points=8))
    with session.lock:
        with pytest.raises(training.SessionBusy, match="training already"):
            session.train_for(epochs=1)


def _events(session, stopping=None):
    """The events of a stream of ``session``, read to its end: (kind, data) each."""

    async def collect():
        out = []
        async for event in _updates(session, stopping or threading.Event()):
            out.append(event)
        return out

    # in a thread of its own: this worker's thread may already run an event loop (Playwright's
    # sync API keeps one for the browser tests run before this one), and anyio.run needs none
    with ThreadPoolExecutor(1) as thread:
        events = thread.submit(anyio.run, collect).result()
    return [(re.search(r"event: (\w+)", e).group(1), json.loads(e.split("data: ", 1)[1]))
            for e in events]


def test_a_stream_ends_when_the_session_stops_saying_why(monkeypatch):
    monkeypatch.setattr(limits, "MAX_EPOCHS_PER_SESSION", 2)
    events = _events(Session(Settings(points=8, batch=8)))
    kinds = [k for k, _ in events]
    assert kinds[-1] == "end" and set(kinds[:-1]) == {"update"}
    assert events[-1][1]["reason"].startswith("reached 2 epochs")
    assert events[-2][1]["epoch"] == 2


def test_a_stream_ends_at_once_when_the_server_stops():
    stopping = threading.Event()
    stopping.set()
    assert _events(Session(Settings(points=8)), stopping) == [
        ("end", {"reason": "the server has stopped"})]


def test_a_stream_ends_after_its_time_with_reason_time(monkeypatch):
    monkeypatch.setattr(limits, "STREAM_SECONDS", 0.0)
    events = _events(Session(Settings(points=8)))
    assert [k for k, _ in events] == ["update", "end"] and events[1][1] == {"reason": "time"}


def test_a_stream_sends_updates_until_its_time_is_up_then_ends(monkeypatch):
    # a clock that moves one second per reading: the stream starts at 100 and may run 2.5 s,
    # so its updates end at 101 and 102, and after the one at 103 it ends ("time")
    clock = iter(range(100, 200))
    monkeypatch.setattr(server, "time", SimpleNamespace(monotonic=lambda: next(clock)))
    monkeypatch.setattr(limits, "STREAM_SECONDS", 2.5)
    monkeypatch.setattr(limits, "UPDATE_SECONDS", 0.01)
    events = _events(Session(Settings(points=8)))
    assert [k for k, _ in events] == ["update"] * 3 + ["end"] and events[-1][1] == {
        "reason": "time"}
    assert [data["epoch"] for _, data in events[:3]] == sorted({d["epoch"] for _, d in events[:3]})


def test_options_list_what_the_page_offers():
    client = TestClient(create_app(), base_url="http://127.0.0.1")
    options = client.get("/api/options").json()
    assert options["train"]["data"] == ["xor", "moons", "circles", "spirals", "blobs", "own"]
    assert options["train"]["optimizer"] == ["sgd", "momentum", "adagrad", "rmsprop", "adam"]
    assert options["train"]["defaults"]["layers"] == "4"
    # the page's first settings, as the README gives them
    assert options["train"]["defaults"] == {
        "data": "xor", "classes": 2, "own": "", "noise": 0.1, "points": 200, "split": 0.5,
        "layers": "4", "activation": "tanh", "loss": "binary_cross_entropy", "optimizer": "adam",
        "lr": 0.03, "batch": 10, "seed": 0}
    assert options["digits"] == {"default": 3, "most": 17}
    assert options["views"] == ["formula", "step"]
    assert options["limits"]["max_points"] == 500


def test_a_sigmoid_output_of_one_half_or_more_is_class_1_and_its_sureness_is_2p_minus_1():
    from viz.app.training import class_picture

    model = nn.MLP(2, [1], output_activation="sigmoid")
    model.load_state_dict({"w13": 1.0, "w23": 0.0, "b3": 0.0})  # p = σ(x1)
    classes, sure = class_picture(model, np.array([[-1.0, 5.0], [0.0, 0.0], [2.0, -3.0]]))
    # σ(−1) < ½ < σ(2), σ(0) = ½ exactly; |2σ(x) − 1| = tanh(|x|/2): 0.462, 0, 0.762
    assert classes == [0, 1, 1]
    assert sure == [0.462, 0.0, 0.762]


def test_training_for_no_time_still_makes_one_update():
    # 20 points, half of them (10) train, batches of 4: one update leaves 6 of the epoch's 10
    session = Session(Settings(points=20, split=0.5, batch=4, layers=(2,)))
    session.train_for(seconds=0.0)
    assert len(session.pending) == 6 and session.epochs == 0


def test_training_for_a_time_makes_updates_until_that_time_has_passed(monkeypatch):
    # a clock that moves 0.01 s each time it is read, started at 0.01 with 0.035 s to go: the
    # first update comes unasked, the next three at 0.02, 0.03 and 0.04; at 0.05 time is up
    ticks = iter(k / 100 for k in range(1, 1000))
    monkeypatch.setattr(training.time, "monotonic", lambda: next(ticks))
    session = Session(Settings(points=40, split=0.5, batch=2, layers=(2,)))
    session.train_for(seconds=0.035)
    assert len(session.pending) == 20 - 4 * 2 and session.epochs == 0


def test_training_for_no_time_at_all_makes_one_update():
    session = Session(Settings(points=40, split=0.5, batch=2, layers=(2,)))
    session.train_for()  # 20 training points in batches of 2: one batch, no epoch yet
    assert len(session.pending) == 20 - 2 and session.epochs == 0


def test_ones_own_points_on_the_edge_of_the_plot_are_kept_and_just_past_it_refused():
    corners = "1,1,0;-1,-1,1;1,-1,0;-1,1,1"
    s = Settings.from_query({"data": "own", "own": corners})
    assert s.own == "1.000,1.000,0;-1.000,-1.000,1;1.000,-1.000,0;-1.000,1.000,1"
    for outside in ("1.001,0,0", "-1.001,0,0", "0,1.001,1", "0,-1.001,1"):
        with pytest.raises(ValueError, match="point 1 lies outside the plot"):
            Settings.from_query({"data": "own", "own": outside})


def test_ones_own_points_are_drawn_where_they_were_placed_on_the_plot():
    # the plot [−1, 1]² is the picture's 100 × 100: x1 to the right, x2 upwards, so (0.5, −0.5)
    # is three quarters across and three quarters down; the corners are the picture's corners
    s = Settings.from_query({"data": "own", "own": "0.5,-0.5,0;-1,1,1;1,-1,0;0,0,1"})
    svg = Session(s).points_svg()
    at = {int(i): (float(x), float(y)) for i, x, y in re.findall(
        r'data-index="(\d+)" cx="([^"]+)" cy="([^"]+)"', svg)}
    assert at == {0: (75.0, 75.0), 1: (0.0, 0.0), 2: (100.0, 100.0), 3: (50.0, 50.0)}



def test_a_data_sets_points_fill_the_plot_but_a_margin_of_15_percent_of_their_range():
    # the plot runs 15% of the data's range past its smallest and largest x1 (and x2): the
    # extreme points lie at 15/130 and 115/130 of the picture, across and down alike
    svg = Session(Settings(data="moons", points=60)).points_svg()
    xs, ys = zip(*[(float(x), float(y)) for x, y in re.findall(r'cx="([^"]+)" cy="([^"]+)"', svg)])
    edge = 100 * 15 / 130
    assert (min(xs), max(xs), min(ys), max(ys)) == pytest.approx(
        (edge, 100 - edge, edge, 100 - edge), abs=0.006)  # drawn to two decimals


@pytest.mark.parametrize("split, n_train", [(0.1, 1), (0.9, 3)])
def test_four_points_keep_at_least_one_to_train_and_one_to_test_at_either_end_of_the_split(
        split, n_train):
    # 4 · 0.1 = 0.4 rounds to 0 and 4 · 0.9 = 3.6 to 4: neither side may be empty
    session = Session(Settings(points=4, split=split))
    assert (len(session.train), len(session.test)) == (n_train, 4 - n_train)


@pytest.mark.parametrize("optimizer", ["sgd", "momentum", "adagrad", "rmsprop", "adam"])
def test_each_optimizer_the_page_offers_trains(optimizer):
    session = Session(Settings(points=8, optimizer=optimizer))
    assert session.train_for(epochs=2)["epoch"] == 2
    if optimizer == "momentum":  # SGD with the usual β = 0.9
        assert (type(session.optimizer), session.optimizer.momentum) == (nn.SGD, 0.9)


def test_a_point_of_class_k_needs_more_than_k_classes():
    # classes are numbered 0 … k − 1: with 2 classes a point of class 2 is refused, with 3 kept
    with pytest.raises(ValueError, match="point 1 has class 2, but there are 2 classes"):
        Settings.from_query({"data": "own", "own": "0.1,0.2,2"})
    three = Settings.from_query({"data": "own", "classes": "3", "loss": "cross_entropy",
                                 "own": "0.1,0.2,2"})
    assert three.own == "0.100,0.200,2"


def test_with_no_split_given_half_the_points_train_and_half_test():
    session = Session(Settings.from_query({"points": "20"}))
    assert (len(session.train), len(session.test)) == (10, 10)


def test_the_plot_of_ones_own_points_is_the_square_from_minus_1_to_1():
    snap = Session(Settings(data="own", own="0.5,0.5,0;-0.5,-0.5,1")).snapshot()
    assert (snap["boundary"]["lo"], snap["boundary"]["hi"]) == ([-1.0, -1.0], [1.0, 1.0])


@pytest.mark.parametrize("data", ["xor", "moons", "circles", "spirals", "blobs"])
def test_every_generated_point_lies_inside_the_plot_with_room_on_each_side(data):
    session = Session(Settings(data=data, points=40, noise=0.3))
    assert (session.X.min(axis=0) > session.lo).all() and (session.X.max(axis=0) < session.hi).all()


def test_a_session_of_ones_own_points_with_no_point_yet_says_to_click_some():
    snap = Session(Settings(data="own")).train_for(epochs=1)
    assert snap["epoch"] == 0
    assert snap["stopped"].startswith("no points to train on: click on the plot")


@pytest.mark.parametrize("classes", [2, 3, 5])
def test_blobs_lie_on_the_scale_of_the_other_data_sets(classes):
    # xor, moons and circles span about [−1, 1]²: a network's default learning rate suits that
    # scale, so each blob's middle lies in it too (the noise, 0.1, moves a middle of 40 points
    # by about 0.02)
    for seed in range(5):
        session = Session(Settings(data="blobs", classes=classes, seed=seed, loss="cross_entropy"))
        X, y = np.array(session.X), np.array(session.y)
        for c in range(classes):
            assert np.all(np.abs(X[y == c].mean(axis=0)) <= 1.05), (seed, c)
