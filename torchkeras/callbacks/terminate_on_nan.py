"""``TerminateOnNaN``: stop training at the first batch whose loss is NaN or infinite."""
from __future__ import annotations

from typing import Any, Dict, Optional

import numpy as np

from torchkeras.callbacks.base import Callback
from torchkeras.callbacks.early_stopping import print_msg


class TerminateOnNaN(Callback):
    """Sets ``model.stop_training`` when a batch's running loss is NaN or inf.

    It reads the loss after every batch (one host read per batch, as in Keras).

    Example:
        >>> model.fit(x, y, callbacks=[TerminateOnNaN()])
    """

    def on_batch_end(self, batch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        loss = (logs or {}).get("loss")
        if loss is not None:
            loss = float(loss)
            if np.isnan(loss) or np.isinf(loss):
                print_msg(f"Batch {batch}: Invalid loss, terminating training")
                self.model.stop_training = True
