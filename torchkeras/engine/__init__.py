"""Symbolic tensors, the functional graph, Sequential and the training loop."""
