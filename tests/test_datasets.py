"""Data sets: shapes, labels, seeding, and the geometry each one promises."""

import numpy as np
import pytest

from nn import datasets


def test_logic_gates_are_the_truth_tables():
    X, _ = datasets.xor()
    assert X.tolist() == [[0, 0], [0, 1], [1, 0], [1, 1]]
    assert datasets.and_gate()[1].tolist() == [0, 0, 0, 1]
    assert datasets.or_gate()[1].tolist() == [0, 1, 1, 1]
    assert datasets.xor()[1].tolist() == [0, 1, 1, 0]


def test_xor_cloud_without_noise_is_the_truth_table_repeated_with_xor_labels():
    X, y = datasets.xor(10)
    assert X.shape == (10, 2) and np.bincount(y).tolist() == [5, 5]
    # every point is a corner, labelled x1 XOR x2; each class's two corners share its points
    assert all(int(a) ^ int(b) == c for (a, b), c in zip(X.tolist(), y.tolist(), strict=True))
    corners = sorted(map(tuple, X.tolist()))
    assert [corners.count(c) for c in [(0, 0), (0, 1), (1, 0), (1, 1)]] == [3, 3, 2, 2]


def test_xor_cloud_noise_is_the_standard_deviation_around_the_corners():
    X, y = datasets.xor(4000, noise=0.1, seed=1)
    corners = np.round(X)  # noise 0.1 leaves every point nearer its own corner
    assert np.array_equal(corners[:, 0].astype(int) ^ corners[:, 1].astype(int), y)
    assert np.std(X - corners) == pytest.approx(0.1, rel=0.05)
    with pytest.raises(ValueError, match="n must be at least 4"):
        datasets.xor(3)


@pytest.mark.parametrize("make, classes", [
    (lambda **k: datasets.xor(101, noise=0.2, **k), 2),
    (lambda **k: datasets.moons(101, **k), 2),
    (lambda **k: datasets.circles(101, **k), 2),
    (lambda **k: datasets.blobs(101, centers=4, **k), 4),
    (lambda **k: datasets.spirals(101, classes=3, **k), 3),
])
def test_random_sets_have_documented_shapes_balanced_classes_and_are_seeded(make, classes):
    X, y = make(seed=3)
    assert X.shape == (101, 2) and X.dtype == float
    assert y.shape == (101,) and y.dtype.kind == "i"
    counts = np.bincount(y)
    assert len(counts) == classes and counts.max() - counts.min() <= 1
    X2, y2 = make(seed=3)
    assert np.array_equal(X, X2) and np.array_equal(y, y2)
    X3, _ = make(seed=4)
    assert not np.array_equal(X, X3)


def test_moons_without_noise_lie_on_the_two_half_circles():
    X, y = datasets.moons(50, noise=0.0)
    upper, lower = X[y == 0], X[y == 1]
    assert np.allclose(np.hypot(upper[:, 0], upper[:, 1]), 1.0)
    assert (upper[:, 1] >= -1e-12).all()
    assert np.allclose(np.hypot(lower[:, 0] - 1, lower[:, 1] - 0.5), 1.0)
    assert (lower[:, 1] <= 0.5 + 1e-12).all()


def test_circles_without_noise_have_radius_one_and_factor():
    X, y = datasets.circles(40, noise=0.0, factor=0.3)
    r = np.hypot(X[:, 0], X[:, 1])
    assert np.allclose(r[y == 0], 1.0) and np.allclose(r[y == 1], 0.3)


def test_blobs_gather_around_their_centres():
    X, y = datasets.blobs(300, centers=2, std=0.1, seed=1)
    for c in (0, 1):
        assert X[y == c].std(axis=0).max() < 0.2


def test_spirals_start_at_the_origin_and_reach_radius_one():
    X, _ = datasets.spirals(100, classes=2, noise=0.0)
    r = np.hypot(X[:, 0], X[:, 1])
    assert r.min() == pytest.approx(0.0) and r.max() == pytest.approx(1.0)


@pytest.mark.parametrize("call, error, message", [
    (lambda: datasets.moons(1), ValueError, "n must be at least 2"),
    (lambda: datasets.moons(10.5), TypeError, "n must be a whole number"),
    (lambda: datasets.moons(10, noise=-1), ValueError, "noise is a standard deviation"),
    (lambda: datasets.circles(10, factor=1.5), ValueError, "factor is the inner radius"),
    (lambda: datasets.blobs(2, centers=3), ValueError, "at least the number of centers"),
    (lambda: datasets.spirals(10, classes=1), ValueError, "classes must be at least 2"),
])
def test_bad_arguments_are_explained(call, error, message):
    with pytest.raises(error, match=message):
        call()
