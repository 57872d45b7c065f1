"""The lecture's worked example computed by hand in plain floats (no engine): the oracle that the
viz tests compare pictures and sentences with.

Forward: i_j = Σᵢ w_ij·o_i + b_j, o_j = σ(i_j). Backward: δ6 = −∂E/∂o6 · o6(1 − o6) with
∂E/∂o6 = −2(t − o6) for E = (t − o6)² or −(t − o6) for ½(t − o6)²; δ_h = o_h(1 − o_h)·w_h6·δ6;
∂E/∂w_ij = −δ_j·o_i. Update: w ← w − η·∂E/∂w with η = 0.9.
"""

import math

X1, X2, X3 = 1.0, 0.0, 1.0
T = 1.0
LR = 0.9
SLIDE = {"w14": 0.2, "w15": -0.3, "w24": 0.4, "w25": 0.1, "w34": -0.5, "w35": 0.2,
         "w46": -0.3, "w56": -0.2, "b4": -0.4, "b5": 0.2, "b6": 0.1}


def sigmoid(x: float) -> float:
    return 1.0 / (1.0 + math.exp(-x))


def by_hand(loss: str = "squared") -> dict:
    w = SLIDE
    i4 = X1 * w["w14"] + X2 * w["w24"] + X3 * w["w34"] + w["b4"]
    i5 = X1 * w["w15"] + X2 * w["w25"] + X3 * w["w35"] + w["b5"]
    o4, o5 = sigmoid(i4), sigmoid(i5)
    i6 = o4 * w["w46"] + o5 * w["w56"] + w["b6"]
    o6 = sigmoid(i6)
    de_do6 = -2.0 * (T - o6) if loss == "squared" else -(T - o6)
    d6 = -de_do6 * o6 * (1 - o6)
    d4 = o4 * (1 - o4) * w["w46"] * d6
    d5 = o5 * (1 - o5) * w["w56"] * d6
    grads = {"w14": -d4 * X1, "w24": -d4 * X2, "w34": -d4 * X3, "b4": -d4,
             "w15": -d5 * X1, "w25": -d5 * X2, "w35": -d5 * X3, "b5": -d5,
             "w46": -d6 * o4, "w56": -d6 * o5, "b6": -d6}
    loss_value = (T - o6) ** 2 * (1.0 if loss == "squared" else 0.5)
    return {"i4": i4, "i5": i5, "i6": i6, "o4": o4, "o5": o5, "o6": o6, "E": loss_value,
            "dE/do6": de_do6, "delta": {"4": d4, "5": d5, "6": d6}, "grads": grads,
            "new": {k: w[k] - LR * g for k, g in grads.items()}}
