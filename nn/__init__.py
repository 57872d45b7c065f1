"""nn: neurons, layers and MLPs built from autograd_core Values."""

from .activations import ACTIVATIONS, get_activation
from .losses import (
    LOSSES, binary_cross_entropy, cross_entropy, half_squared_error, hinge, huber, kl_divergence,
    mae, mse, multiclass_hinge, squared_error,
)
from .outputs import argmax, binary_decision, log_softmax, multilabel_decision, softmax
