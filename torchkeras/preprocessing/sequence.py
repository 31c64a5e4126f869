"""``keras.preprocessing.sequence``: ``pad_sequences`` and ``TimeseriesGenerator``, as Keras 2.

>>> pad_sequences([[1], [2, 3], [4, 5, 6]], maxlen=2)
array([[0, 1],
       [2, 3],
       [5, 6]], dtype=int32)
"""
from __future__ import annotations

import json
from typing import Any, Optional, Sequence as SequenceType, Tuple

import numpy as np

from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.data.sequence import Sequence

__all__ = ["TimeseriesGenerator", "pad_sequences"]


def pad_sequences(sequences: SequenceType[Any], maxlen: Optional[int] = None,
                  dtype: Any = "int32", padding: str = "pre", truncating: str = "pre",
                  value: Any = 0.0) -> np.ndarray:
    """Pad (or truncate) sequences to a ``(len(sequences), maxlen)`` array.

    ``padding``/``truncating`` ``'pre'`` (default) work at the start of each sequence,
    ``'post'`` at its end; ``maxlen=None`` uses the longest sequence.
    """
    if not hasattr(sequences, "__len__"):
        raise ValueError("`sequences` must be iterable.")
    num_samples = len(sequences)
    lengths = []
    sample_shape: Tuple[int, ...] = ()
    flag = True
    for x in sequences:
        try:
            lengths.append(len(x))
            if flag and len(x):
                sample_shape = np.asarray(x).shape[1:]
                flag = False
        except TypeError as e:
            raise ValueError("`sequences` must be a list of iterables. "
                             f"Found non-iterable: {str(x)}") from e
    if maxlen is None:
        maxlen = np.max(lengths)
    is_dtype_str = np.issubdtype(dtype, np.str_)
    if isinstance(value, str) and dtype != object and not is_dtype_str:
        raise ValueError(f"`dtype` {dtype} is not compatible with `value`'s type: "
                         f"{type(value)}\nYou should set `dtype=object` for variable length "
                         "strings.")
    x = np.full((num_samples, maxlen) + sample_shape, value, dtype=dtype)
    for idx, s in enumerate(sequences):
        if not len(s):
            continue  # empty list/array was found
        if truncating == "pre":
            trunc = s[-maxlen:]
        elif truncating == "post":
            trunc = s[:maxlen]
        else:
            raise ValueError(f'Truncating type "{truncating}" not understood')
        trunc = np.asarray(trunc, dtype=dtype)
        if trunc.shape[1:] != sample_shape:
            raise ValueError(f"Shape of sample {trunc.shape[1:]} of sequence at position {idx} "
                             f"is different from expected shape {sample_shape}")
        if padding == "post":
            x[idx, :len(trunc)] = trunc
        elif padding == "pre":
            x[idx, -len(trunc):] = trunc
        else:
            raise ValueError(f'Padding type "{padding}" not understood')
    return x


class TimeseriesGenerator(Sequence):
    """Batches of windows over a time series: ``x[i] = data[row - length:row:sampling_rate]``,
    ``y[i] = targets[row]`` (Keras 2's generator)."""

    def __init__(self, data: Any, targets: Any, length: int, sampling_rate: int = 1,
                 stride: int = 1, start_index: int = 0, end_index: Optional[int] = None,
                 shuffle: bool = False, reverse: bool = False, batch_size: int = 128) -> None:
        if len(data) != len(targets):
            raise ValueError("Data and targets have to be of same length. Data length is "
                             f"{len(data)} while target length is {len(targets)}")
        self.data = data
        self.targets = targets
        self.length = length
        self.sampling_rate = sampling_rate
        self.stride = stride
        self.start_index = start_index + length
        self.end_index = len(data) - 1 if end_index is None else end_index
        self.shuffle = shuffle
        self.reverse = reverse
        self.batch_size = batch_size
        if self.start_index > self.end_index:
            raise ValueError("`start_index+length=%i > end_index=%i` is disallowed, as no part "
                             "of the sequence would be left to be used as current step."
                             % (self.start_index, self.end_index))

    def __len__(self) -> int:
        return (self.end_index - self.start_index + self.batch_size * self.stride) // (
            self.batch_size * self.stride)

    def __getitem__(self, index: int):
        if self.shuffle:
            rows = np.random.randint(self.start_index, self.end_index + 1, size=self.batch_size)
        else:
            i = self.start_index + self.batch_size * self.stride * index
            rows = np.arange(i, min(i + self.batch_size * self.stride, self.end_index + 1),
                             self.stride)
        samples = np.array([self.data[row - self.length:row:self.sampling_rate] for row in rows])
        targets = np.array([self.targets[row] for row in rows])
        if self.reverse:
            return samples[:, ::-1, ...], targets
        return samples, targets

    def get_config(self) -> dict:
        data = self.data.tolist() if isinstance(self.data, np.ndarray) else self.data
        targets = self.targets.tolist() if isinstance(self.targets, np.ndarray) else self.targets
        return {"data": json.dumps(data), "targets": json.dumps(targets),
                "length": self.length, "sampling_rate": self.sampling_rate,
                "stride": self.stride, "start_index": self.start_index,
                "end_index": self.end_index, "shuffle": self.shuffle, "reverse": self.reverse,
                "batch_size": self.batch_size}

    def to_json(self, **kwargs: Any) -> str:
        return json.dumps({"class_name": type(self).__name__, "config": self.get_config()},
                          **kwargs)


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
