"""``keras.datasets``: bundled data for offline use (more loaders arrive with the drop-in
work)."""
from torchkeras.datasets import digits

__all__ = ["digits"]
