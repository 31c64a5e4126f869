"""Callbacks (``keras.callbacks``)."""
from torchkeras.backend._not_provided import not_provided_hook
from torchkeras.callbacks.base import Callback, CallbackList
from torchkeras.callbacks.history import History
from torchkeras.callbacks.progbar import ProgbarLogger
from torchkeras.callbacks.backup_and_restore import BackupAndRestore
from torchkeras.callbacks.csv_logger import CSVLogger
from torchkeras.callbacks.early_stopping import EarlyStopping
from torchkeras.callbacks.lambda_callback import LambdaCallback
from torchkeras.callbacks.learning_rate_scheduler import LearningRateScheduler
from torchkeras.callbacks.model_checkpoint import ModelCheckpoint
from torchkeras.callbacks.reduce_lr_on_plateau import ReduceLROnPlateau
from torchkeras.callbacks.remote_monitor import RemoteMonitor
from torchkeras.callbacks.tensorboard import TensorBoard
from torchkeras.callbacks.terminate_on_nan import TerminateOnNaN

__all__ = ["Callback", "CallbackList", "History", "ProgbarLogger", "BackupAndRestore",
           "CSVLogger", "EarlyStopping", "LambdaCallback", "LearningRateScheduler",
           "ModelCheckpoint", "ReduceLROnPlateau", "RemoteMonitor", "TensorBoard",
           "TerminateOnNaN"]


__getattr__ = not_provided_hook(__name__)  # Keras names not provided yet: a clear error
