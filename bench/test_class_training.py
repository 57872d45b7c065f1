"""The cross-entropy benchmark compares like with like: our fit and the PyTorch loop train the
same network from the same weights on the same three spirals, so their first epochs' losses
agree."""

import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent))

import class_training as bench  # noqa: E402


def test_ours_and_pytorch_train_the_same_network_on_the_same_spirals(monkeypatch):
    monkeypatch.setitem(bench.EPOCHS, 8, 5)
    starts = []
    first = bench.ours_training(8, starts)()
    assert len(starts) == 5  # the schedule saw each epoch start
    assert first == pytest.approx(bench.torch_training(8)(), rel=1e-12)
    X, y = bench.data()
    assert X.shape == (1_000, 2) and sorted(set(y.tolist())) == [0, 1, 2]
    # three scores near each other at the start: the loss is near ln 3, chance for 3 classes
    assert abs(first - np.log(3)) < 1.0
