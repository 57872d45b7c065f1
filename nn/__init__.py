"""nn: neurons, layers and MLPs built from autograd_core Values."""
