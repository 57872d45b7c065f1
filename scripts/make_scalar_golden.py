"""Record the drawn graph and the trace of single scalar examples, for tests/test_batched_nn.py.

Run once before batching was added to `nn`: the files under tests/data/ are the scalar path's
output then, and the test checks that the scalar path still draws and traces them identically.
Re-run only for a deliberate change of what a drawing shows (as when drawings took the trace's
numbering of unlabelled nodes, and later its names "v₋₁ (x1)", its operations "= ln v₋₁", its
number format and the edge ids a fixed layout pins), never to make a failing batch test pass.
"""

from __future__ import annotations

import json
from pathlib import Path

from autograd_core import trace
from lab.examples import WORKED_INPUTS, WORKED_TARGET, worked_example
from nn import LOSSES, MLP, cross_entropy, huber, multiclass_hinge
from viz import draw_graph

OUT = Path(__file__).resolve().parent.parent / "tests" / "data" / "scalar_golden.json"


def examples() -> dict:
    """name → the loss Value of one scalar example (backward not yet run)."""
    cases = {"worked_example": LOSSES["squared_error"](worked_example()(list(WORKED_INPUTS)),
                                                        WORKED_TARGET)}
    x = [0.5, -1.5]
    for act in ("sigmoid", "tanh", "relu", "leaky_relu", "elu", "softplus", "linear"):
        model = MLP(2, [3, 2], activation=act, output_activation="sigmoid", seed=3)
        cases[f"mlp_{act}_bce"] = LOSSES["binary_cross_entropy"](model(x), [1.0, 0.0])
    scores = MLP(2, [3, 3], activation="tanh", seed=4)(x)
    cases["cross_entropy"] = cross_entropy(scores, 2)
    cases["multiclass_hinge"] = multiclass_hinge(MLP(2, [3, 3], activation="tanh", seed=4)(x), 2)
    cases["huber"] = huber(MLP(2, [3, 2], activation="relu", seed=5)(x), [4.0, 0.1])
    cases["kl_divergence"] = LOSSES["kl_divergence"](
        MLP(2, [2], output_activation="sigmoid", seed=6)(x), [0.0, 0.7])
    return cases


def record(loss) -> dict:
    """The forward drawing, the trace (which runs backward), and the backward drawing."""
    forward = draw_graph(loss, "forward").source
    traced = trace(loss).to_dict()
    return {"forward": forward, "trace": traced, "backward": draw_graph(loss, "both").source}


if __name__ == "__main__":
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps({name: record(v) for name, v in examples().items()}, indent=1))
    print(f"wrote {OUT}")
