"""The compiled benchmark measures the same work as the others: the compiled demo step gives the
batched path's loss, gradients and update, and JAX's at another width; every child process runs
numpy's BLAS on one thread. (That nn.fit and the PyTorch loop take the same epochs to 97% is
checked with the peer itself, by bench/test_peers.py in make bench.)"""

import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "bench"))

import compiled_step as bench  # noqa: E402
import runner  # noqa: E402
import workloads as W  # noqa: E402
from jax_oracle import svm_demo_loss_and_grads  # noqa: E402

LR = 0.5


@pytest.mark.parametrize("n", [100, 37])
def test_a_compiled_demo_step_lands_where_the_batched_step_lands(n):
    points, labels = W.two_moons(n)
    data = W._as_arrays(points, labels)
    batched_loss, params = W.batched_model()
    run, flat = W.compiled_model()
    before = flat.copy()
    loss = W.compiled_train_step(run, flat, *data, LR)
    reference = W.train_step(batched_loss, params, *data, LR)
    assert loss == pytest.approx(reference.data, rel=1e-12)
    np.testing.assert_allclose(flat, [p.data for p in params], rtol=1e-12, atol=1e-14)
    assert np.count_nonzero(flat != before) >= 2 * 16 + 16 * 16 + 16  # every weight moved


def test_a_second_batch_size_is_recorded_again_and_the_first_program_kept():
    run, flat = W.compiled_model()
    small = W._as_arrays(*W.two_moons(10))
    large = W._as_arrays(*W.two_moons(30))
    first = run(*small)[0]
    run(*large)
    assert run(*small)[0] == first  # the same parameters: the same loss from the kept program


def test_compiled_demo_loss_and_gradients_at_width_8_equal_jaxs():
    points, labels = W.two_moons(50)
    run, _ = W.compiled_model(width=8)
    loss, grad = run(*W._as_arrays(points, labels))
    expected_loss, weight_grads, bias_grads = svm_demo_loss_and_grads(
        W._initial_weights(W.SEED, width=8), points, labels, W.L2)
    assert loss == pytest.approx(expected_loss, rel=1e-12)
    # ours: weights by input unit then receiving unit, layer by layer (w{i}{j}), then biases
    expected = np.concatenate([g.T.ravel() for g in weight_grads] + bias_grads)
    np.testing.assert_allclose(grad, expected, rtol=1e-9, atol=1e-12)


def test_every_child_process_gets_one_blas_thread(monkeypatch):
    seen = {}

    def fake_run(cmd, **kw):
        seen.update(kw["env"])
        return subprocess.CompletedProcess(cmd, 0, stdout='{"time": 1.0}', stderr="")

    monkeypatch.setattr(runner.subprocess, "run", fake_run)
    assert runner.run_child("x.py", "step", True, "compiled") == {"time": 1.0}
    assert seen["OPENBLAS_NUM_THREADS"] == seen["OMP_NUM_THREADS"] == "1"
    assert seen["MKL_NUM_THREADS"] == "1"


@pytest.mark.parametrize("ratios, sign, target, word", [
    ([0.4, 0.6, 0.5], "≤", 1.0, "met"),
    ([0.9, 1.2, 1.1], "≤", 1.0, "MISSED"),
    ([600.0, 450.0, 520.0], "≥", 500.0, "met"),
])
def test_a_target_is_judged_on_the_median_of_the_rounds(ratios, sign, target, word):
    assert bench.verdict(ratios, sign, target).endswith(word)
