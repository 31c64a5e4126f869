"""``keras.utils.np_utils`` (Keras 2 path): ``to_categorical`` and ``normalize``."""
from torchkeras.utils import normalize, to_categorical

__all__ = ["normalize", "to_categorical"]
