"""nn: neurons, layers and MLPs built from autograd_core Values."""

from .activations import ACTIVATIONS as ACTIVATIONS
from .activations import get_activation as get_activation
from .collapse import collapse_linear as collapse_linear
from .layers import MLP as MLP
from .layers import Layer as Layer
from .layers import Neuron as Neuron
from .losses import LOSSES as LOSSES
from .losses import binary_cross_entropy as binary_cross_entropy
from .losses import cross_entropy as cross_entropy
from .losses import half_squared_error as half_squared_error
from .losses import hinge as hinge
from .losses import huber as huber
from .losses import kl_divergence as kl_divergence
from .losses import mae as mae
from .losses import mse as mse
from .losses import multiclass_hinge as multiclass_hinge
from .losses import squared_error as squared_error
from .module import Module as Module
from .outputs import argmax as argmax
from .outputs import binary_decision as binary_decision
from .outputs import log_softmax as log_softmax
from .outputs import multilabel_decision as multilabel_decision
from .outputs import softmax as softmax
from .serialize import load as load
