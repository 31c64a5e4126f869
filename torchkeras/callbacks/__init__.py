"""Callbacks (``keras.callbacks``)."""
from torchkeras.callbacks.base import Callback, CallbackList
from torchkeras.callbacks.history import History
from torchkeras.callbacks.progbar import ProgbarLogger

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger"]
