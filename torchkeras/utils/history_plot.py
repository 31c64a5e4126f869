"""``torchkeras.utils.plot_history``: loss and metric curves of a ``fit`` to an image file."""
from __future__ import annotations

import os
from typing import Any, Dict, List, Optional, Sequence

__all__ = ["plot_history"]


def _history_dict(history: Any) -> Dict[str, List[float]]:
    values = getattr(history, "history", history)
    if not isinstance(values, dict) or not values:
        raise ValueError("plot_history expects the History returned by `fit` (or its "
                         f"`.history` dict); received {type(history).__name__}.")
    return {key: [float(v) for v in series] for key, series in values.items()}


def plot_history(history: Any, path: str = "history.png", metrics: Optional[Sequence[str]] = None,
                 title: Optional[str] = None, dpi: int = 100) -> str:
    """One panel per quantity (``loss``, each metric), training and ``val_`` curves together,
    saved to ``path``; returns the path. Needs matplotlib (``pip install matplotlib``)."""
    values = _history_dict(history)
    try:
        import matplotlib  # optional: matplotlib
        matplotlib.use("Agg", force=False)
        import matplotlib.pyplot as plt  # optional: matplotlib
    except ImportError as error:
        raise ImportError("plot_history needs matplotlib: install it with "
                          "`pip install matplotlib`.") from error
    names = list(metrics) if metrics is not None else [
        key for key in values if not key.startswith("val_")]
    unknown = [n for n in names if n not in values]
    if unknown:
        raise ValueError(f"Unknown history keys {unknown}; available: {list(values)}")
    fig, axes = plt.subplots(1, len(names), figsize=(4.5 * len(names), 3.5), squeeze=False)
    for ax, name in zip(axes[0], names):
        epochs = range(1, len(values[name]) + 1)
        ax.plot(epochs, values[name], label=name)
        if f"val_{name}" in values:
            ax.plot(range(1, len(values[f"val_{name}"]) + 1), values[f"val_{name}"],
                    label=f"val_{name}")
        ax.set_xlabel("epoch")
        ax.set_title(name)
        ax.legend()
    if title:
        fig.suptitle(title)
    fig.tight_layout()
    path = os.fspath(path)
    fig.savefig(path, dpi=dpi)
    plt.close(fig)
    return path
