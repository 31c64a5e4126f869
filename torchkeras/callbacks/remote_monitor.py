"""``RemoteMonitor``: POST each epoch's logs to a server (standard library only)."""
from __future__ import annotations

import json
import logging
import urllib.parse
import urllib.request
from typing import Any, Dict, Optional

import numpy as np

from torchkeras.callbacks.base import Callback


class RemoteMonitor(Callback):
    """Sends ``{'epoch': ..., **logs}`` to ``root + path`` at each epoch end, as a form field
    ``field`` holding JSON (or, with ``send_as_json``, as the JSON body).

    Example:
        >>> RemoteMonitor(root='http://localhost:9000')
    """

    def __init__(self, root: str = "http://localhost:9000", path: str = "/publish/epoch/end/",
                 field: str = "data", headers: Optional[Dict[str, str]] = None,
                 send_as_json: bool = False) -> None:
        super().__init__()
        self.root = root
        self.path = path
        self.field = field
        self.headers = headers
        self.send_as_json = send_as_json

    def on_epoch_end(self, epoch: int, logs: Optional[Dict[str, Any]] = None) -> None:
        send: Dict[str, Any] = {"epoch": epoch}
        for key, value in (logs or {}).items():
            send[key] = value.item() if isinstance(value, (np.ndarray, np.generic)) else value
        if self.send_as_json:
            body = json.dumps(send).encode()
            headers = dict(self.headers or {}, **{"Content-Type": "application/json"})
        else:
            body = urllib.parse.urlencode({self.field: json.dumps(send)}).encode()
            headers = dict(self.headers or {})
        request = urllib.request.Request(self.root + self.path, data=body, headers=headers)
        try:
            urllib.request.urlopen(request, timeout=10).close()
        except OSError:
            logging.warning("Warning: could not reach RemoteMonitor root server at %s",
                            str(self.root))
