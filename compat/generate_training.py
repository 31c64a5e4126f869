"""Record training-component references from real Keras 2 (tf_keras) into
``compat/fixtures/training_*.npz``: metrics, losses, optimizer trajectories and callbacks.

Runs ONLY in the reference venv::

    TF_USE_LEGACY_KERAS=1 TF_ENABLE_ONEDNN_OPTS=0 /tmp/ref/bin/python compat/generate_training.py

Fixtures (each an npz of arrays plus a JSON ``meta`` string; specs live in ``meta`` so the
replay test ``compat/test_training.py`` rebuilds exactly what was recorded):

* ``training_metrics``: every metric / loss in ``METRICS`` updated twice on fixed inputs
  (first batch with ``sample_weight``, second without); ``res__<key>`` is ``result()``.
* ``training_optimizers``: 3-epoch trajectories (``shuffle=False``, fixed initial weights,
  4-8-3 softmax MLP, 64 samples, batch 16) for every optimizer in ``OPTIMIZERS``:
  ``<key>__loss`` per epoch and ``<key>__w<i>`` final weights.
* ``training_callbacks``: EarlyStopping (stopped epoch, restored weights), ReduceLROnPlateau
  and LearningRateScheduler (History incl. ``lr``), ModelCheckpoint (file names), CSVLogger
  (text).
"""
from __future__ import annotations

import json
import os
import sys
import tempfile

os.environ.setdefault("TF_USE_LEGACY_KERAS", "1")
os.environ.setdefault("TF_ENABLE_ONEDNN_OPTS", "0")
os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from generate import save_npz  # noqa: E402  (byte-stable npz writer)

FIXTURES = os.path.join(HERE, "fixtures")

# key -> (module, class, kwargs, kind); kinds name the input pairs built in metric_inputs().
METRICS = [
    ("tp", "metrics", "TruePositives", {}, "bin"),
    ("fp", "metrics", "FalsePositives", {}, "bin"),
    ("tn", "metrics", "TrueNegatives", {}, "bin"),
    ("fn", "metrics", "FalseNegatives", {}, "bin"),
    ("tp_thr", "metrics", "TruePositives", {"thresholds": [0.3, 0.5, 0.7]}, "bin"),
    ("fn_even", "metrics", "FalseNegatives", {"thresholds": [0.0, 0.5, 1.0]}, "bin"),
    ("precision", "metrics", "Precision", {}, "bin"),
    ("precision_thr", "metrics", "Precision", {"thresholds": [0.2, 0.6]}, "bin"),
    ("precision_topk", "metrics", "Precision", {"top_k": 2}, "ml"),
    ("precision_class", "metrics", "Precision", {"class_id": 1}, "ml"),
    ("precision_topk_class", "metrics", "Precision", {"top_k": 1, "class_id": 2}, "ml"),
    ("recall", "metrics", "Recall", {}, "bin"),
    ("recall_thr", "metrics", "Recall", {"thresholds": [0.2, 0.6]}, "bin"),
    ("recall_topk", "metrics", "Recall", {"top_k": 2}, "ml"),
    ("recall_class", "metrics", "Recall", {"class_id": 0, "thresholds": 0.4}, "ml"),
    ("auc", "metrics", "AUC", {}, "bin"),
    ("auc_pr", "metrics", "AUC", {"curve": "PR"}, "bin"),
    ("auc_minoring", "metrics", "AUC", {"summation_method": "minoring"}, "bin"),
    ("auc_majoring", "metrics", "AUC", {"summation_method": "majoring"}, "bin"),
    ("auc_pr_majoring", "metrics", "AUC", {"curve": "PR", "summation_method": "majoring"},
     "bin"),
    ("auc_pr_gain", "metrics", "AUC", {"curve": "PR_GAIN"}, "bin"),
    ("auc_50", "metrics", "AUC", {"num_thresholds": 50}, "bin"),
    ("auc_thresholds", "metrics", "AUC", {"thresholds": [0.2, 0.4, 0.6]}, "bin"),
    ("auc_flat", "metrics", "AUC", {}, "ml"),
    ("auc_multi", "metrics", "AUC", {"multi_label": True}, "ml"),
    ("auc_multi_pr", "metrics", "AUC", {"multi_label": True, "curve": "PR"}, "ml"),
    ("auc_multi_lw", "metrics", "AUC", {"multi_label": True, "label_weights": [0.2, 1.0, 0.5]},
     "ml"),
    ("auc_lw", "metrics", "AUC", {"label_weights": [0.2, 1.0, 0.5]}, "ml"),
    ("auc_logits", "metrics", "AUC", {"from_logits": True}, "logit"),
    ("p_at_r", "metrics", "PrecisionAtRecall", {"recall": 0.5}, "bin"),
    ("r_at_p", "metrics", "RecallAtPrecision", {"precision": 0.6}, "bin"),
    ("sens_at_spec", "metrics", "SensitivityAtSpecificity", {"specificity": 0.5}, "bin"),
    ("spec_at_sens", "metrics", "SpecificityAtSensitivity", {"sensitivity": 0.5}, "bin"),
    ("sens_at_spec_class", "metrics", "SensitivityAtSpecificity",
     {"specificity": 0.3, "class_id": 1, "num_thresholds": 20}, "ml"),
    ("spec_at_sens_1", "metrics", "SpecificityAtSensitivity",
     {"sensitivity": 0.4, "num_thresholds": 1}, "bin"),
    ("mean_iou", "metrics", "MeanIoU", {"num_classes": 3}, "iou"),
    ("mean_iou_ignore", "metrics", "MeanIoU", {"num_classes": 3, "ignore_class": 0}, "iou"),
    ("iou", "metrics", "IoU", {"num_classes": 3, "target_class_ids": [0, 2]}, "iou"),
    ("binary_iou", "metrics", "BinaryIoU", {}, "bin"),
    ("binary_iou_1", "metrics", "BinaryIoU", {"target_class_ids": [1], "threshold": 0.3},
     "bin"),
    ("onehot_iou", "metrics", "OneHotIoU", {"num_classes": 3, "target_class_ids": [1, 2]},
     "cat"),
    ("onehot_mean_iou", "metrics", "OneHotMeanIoU", {"num_classes": 3}, "cat"),
    ("fbeta_none", "metrics", "FBetaScore", {}, "ml"),
    ("fbeta_micro", "metrics", "FBetaScore", {"average": "micro", "beta": 2.0}, "ml"),
    ("fbeta_macro_thr", "metrics", "FBetaScore", {"average": "macro", "threshold": 0.5}, "ml"),
    ("fbeta_weighted", "metrics", "FBetaScore", {"average": "weighted", "beta": 0.5}, "ml"),
    ("f1_macro", "metrics", "F1Score", {"average": "macro"}, "cat"),
    ("f1_none_thr", "metrics", "F1Score", {"threshold": 0.4}, "ml"),
    ("r2", "metrics", "R2Score", {}, "reg"),
    ("r2_var", "metrics", "R2Score", {"class_aggregation": "variance_weighted_average"}, "reg"),
    ("r2_raw", "metrics", "R2Score", {"class_aggregation": None}, "reg"),
    ("r2_adjusted", "metrics", "R2Score", {"num_regressors": 2}, "reg"),
    # existing metrics (not covered by losses_standalone), with sample weights
    ("binary_accuracy", "metrics", "BinaryAccuracy", {}, "bin"),
    ("binary_accuracy_thr", "metrics", "BinaryAccuracy", {"threshold": 0.7}, "bin"),
    ("categorical_accuracy", "metrics", "CategoricalAccuracy", {}, "cat"),
    ("sparse_categorical_accuracy", "metrics", "SparseCategoricalAccuracy", {}, "sparse"),
    ("top_k", "metrics", "TopKCategoricalAccuracy", {"k": 2}, "cat"),
    ("sparse_top_k", "metrics", "SparseTopKCategoricalAccuracy", {"k": 2}, "sparse"),
    ("accuracy", "metrics", "Accuracy", {}, "iou"),
    ("m_bce", "metrics", "BinaryCrossentropy", {}, "bin"),
    ("m_bce_smooth", "metrics", "BinaryCrossentropy", {"label_smoothing": 0.1}, "bin"),
    ("m_cce", "metrics", "CategoricalCrossentropy", {}, "cat"),
    ("m_scce", "metrics", "SparseCategoricalCrossentropy", {}, "sparse"),
    ("m_kld", "metrics", "KLDivergence", {}, "cat"),
    ("m_poisson", "metrics", "Poisson", {}, "reg"),
    ("m_hinge", "metrics", "Hinge", {}, "bin"),
    ("m_squared_hinge", "metrics", "SquaredHinge", {}, "bin"),
    ("m_categorical_hinge", "metrics", "CategoricalHinge", {}, "cat"),
    ("m_cosine", "metrics", "CosineSimilarity", {}, "reg"),
    ("m_logcosh", "metrics", "LogCoshError", {}, "reg"),
    ("m_mae", "metrics", "MeanAbsoluteError", {}, "reg"),
    ("m_mape", "metrics", "MeanAbsolutePercentageError", {}, "reg"),
    ("m_mse", "metrics", "MeanSquaredError", {}, "reg"),
    ("m_msle", "metrics", "MeanSquaredLogarithmicError", {}, "reg"),
    ("m_rmse", "metrics", "RootMeanSquaredError", {}, "reg"),
    # losses not covered by losses_standalone (called once per batch, results summed)
    ("l_bfce", "losses", "BinaryFocalCrossentropy", {}, "bin"),
    ("l_bfce_bal", "losses", "BinaryFocalCrossentropy",
     {"apply_class_balancing": True, "alpha": 0.3, "gamma": 1.5}, "bin"),
    ("l_bfce_logits", "losses", "BinaryFocalCrossentropy", {"from_logits": True}, "logit"),
    ("l_cfce", "losses", "CategoricalFocalCrossentropy", {}, "cat"),
    ("l_cfce_smooth", "losses", "CategoricalFocalCrossentropy",
     {"label_smoothing": 0.1, "gamma": 1.0}, "cat"),
    ("l_kld", "losses", "KLDivergence", {}, "cat"),
    ("l_poisson", "losses", "Poisson", {}, "reg"),
    ("l_hinge", "losses", "Hinge", {}, "bin"),
    ("l_squared_hinge", "losses", "SquaredHinge", {}, "bin"),
    ("l_categorical_hinge", "losses", "CategoricalHinge", {}, "cat"),
    ("l_logcosh", "losses", "LogCosh", {}, "reg"),
    ("l_cosine", "losses", "CosineSimilarity", {}, "reg"),
    ("l_mape", "losses", "MeanAbsolutePercentageError", {}, "reg"),
    ("l_msle", "losses", "MeanSquaredLogarithmicError", {}, "reg"),
]

OPTIMIZERS = [
    ("sgd", "SGD", {"learning_rate": 0.1}),
    ("sgd_momentum", "SGD", {"learning_rate": 0.05, "momentum": 0.9}),
    ("sgd_nesterov", "SGD", {"learning_rate": 0.05, "momentum": 0.9, "nesterov": True}),
    ("sgd_clipnorm", "SGD", {"learning_rate": 0.1, "clipnorm": 0.05}),
    ("sgd_clipvalue", "SGD", {"learning_rate": 0.1, "clipvalue": 0.01}),
    ("sgd_schedule", "SGD", {"learning_rate": {"class_name": "ExponentialDecay", "config": {
        "initial_learning_rate": 0.2, "decay_steps": 3, "decay_rate": 0.5}}}),
    ("sgd_piecewise", "SGD", {"learning_rate": {"class_name": "PiecewiseConstantDecay",
                                                 "config": {"boundaries": [4, 8],
                                                            "values": [0.2, 0.1, 0.02]}}}),
    ("rmsprop", "RMSprop", {"learning_rate": 0.01}),
    ("rmsprop_centered", "RMSprop", {"learning_rate": 0.01, "centered": True}),
    ("rmsprop_momentum", "RMSprop", {"learning_rate": 0.01, "momentum": 0.5}),
    ("adam", "Adam", {"learning_rate": 0.01}),
    ("adam_amsgrad", "Adam", {"learning_rate": 0.01, "amsgrad": True}),
    ("adam_global_clipnorm", "Adam", {"learning_rate": 0.01, "global_clipnorm": 0.1}),
    ("adam_weight_decay", "Adam", {"learning_rate": 0.01, "weight_decay": 0.05}),
    ("adam_ema", "Adam", {"learning_rate": 0.01, "use_ema": True, "ema_momentum": 0.9}),
    ("adamw", "AdamW", {"learning_rate": 0.01, "weight_decay": 0.1}),
    ("adamw_amsgrad", "AdamW", {"learning_rate": 0.01, "amsgrad": True}),
    ("adagrad", "Adagrad", {"learning_rate": 0.1}),
    ("adadelta", "Adadelta", {"learning_rate": 1.0}),
    ("adamax", "Adamax", {"learning_rate": 0.01}),
    ("nadam", "Nadam", {"learning_rate": 0.01}),
    ("nadam_eager", "Nadam", {"learning_rate": 0.01}),
    ("ftrl", "Ftrl", {"learning_rate": 0.1}),
    ("ftrl_l1l2", "Ftrl", {"learning_rate": 0.1, "l1_regularization_strength": 0.01,
                           "l2_regularization_strength": 0.01,
                           "l2_shrinkage_regularization_strength": 0.01, "beta": 0.1}),
    ("lion", "Lion", {"learning_rate": 0.001}),
    ("lion_wd", "Lion", {"learning_rate": 0.001, "weight_decay": 0.1, "beta_1": 0.8}),
    ("adafactor", "Adafactor", {"learning_rate": 0.01}),
    ("adafactor_relative", "Adafactor", {}),
    ("adafactor_abs", "Adafactor", {"learning_rate": 0.05, "relative_step": False,
                                    "clip_threshold": 0.5}),
]
EAGER = {"nadam_eager"}  # recorded with compile(run_eagerly=True)


def f32(a) -> np.ndarray:
    return np.asarray(a, dtype=np.float32)


def metric_inputs(seed: int = 0):
    """Two batches of every input kind: kind -> [(y_true, y_pred), (y_true, y_pred)]."""
    rs = np.random.RandomState(seed)
    n = 12
    batches = []
    for _ in range(2):
        yb = (rs.rand(n, 1) > 0.5).astype(np.float32)
        pb = rs.rand(n, 1).astype(np.float32)
        pb[:3, 0] = [0.0, 1.0, 0.5]  # exact edges
        yml = (rs.rand(n, 3) > 0.5).astype(np.float32)
        pml = rs.rand(n, 3).astype(np.float32)
        pml[0] = [0.0, 0.5, 1.0]
        labels = rs.randint(0, 3, size=n)
        logits = rs.randn(n, 3).astype(np.float32) * 2
        probs = np.exp(logits) / np.exp(logits).sum(-1, keepdims=True)
        onehot = np.eye(3, dtype=np.float32)[labels]
        yr = (rs.rand(n, 2) * 3 + 0.1).astype(np.float32)
        pr = (yr + rs.randn(n, 2) * 0.5).clip(0.05, None).astype(np.float32)
        z = (rs.randn(n, 1) * 3).astype(np.float32)
        batches.append({
            "bin": (yb, pb), "ml": (yml, pml), "cat": (onehot, f32(probs)),
            "sparse": (labels.astype(np.float32), f32(probs)),
            "iou": (labels.astype(np.float32), f32(probs.argmax(-1))),
            "reg": (yr, pr), "logit": (yb, z),
        })
    sample_weight = f32(rs.rand(n) * 2)
    sample_weight[1] = 0.0
    return batches, sample_weight


def case_metrics(keras):
    batches, sw = metric_inputs()
    arrays = {"sample_weight": sw}
    for i, batch in enumerate(batches):
        for kind, (t, p) in batch.items():
            arrays[f"b{i}__{kind}__true"] = t
            arrays[f"b{i}__{kind}__pred"] = p
    specs = []
    for key, module, cls, kwargs, kind in METRICS:
        obj = getattr(getattr(keras, module), cls)(**kwargs)
        (t0, p0), (t1, p1) = batches[0][kind], batches[1][kind]
        if module == "metrics":
            obj.update_state(t0, p0, sample_weight=sw)
            obj.update_state(t1, p1)
            value = obj.result().numpy()
        else:  # a loss: the weighted and the unweighted value
            value = np.stack([obj(t0, p0, sample_weight=sw).numpy(), obj(t1, p1).numpy()])
        arrays[f"res__{key}"] = f32(value)
        specs.append({"key": key, "module": module, "class": cls, "kwargs": kwargs,
                      "kind": kind, "name": obj.name})
    return arrays, {"specs": specs}


def fit_data(seed: int = 10, n: int = 64):
    rs = np.random.RandomState(seed)
    x = rs.randn(n, 4).astype(np.float32)
    labels = (x[:, 0] + 0.5 * x[:, 1] > 0).astype(int) + (x[:, 2] > 0.8).astype(int)
    y = np.eye(3, dtype=np.float32)[labels]
    weights = [f32(rs.uniform(-0.5, 0.5, (4, 8))), f32(rs.uniform(-0.1, 0.1, (8,))),
               f32(rs.uniform(-0.5, 0.5, (8, 3))), f32(rs.uniform(-0.1, 0.1, (3,)))]
    return x, y, weights


def mlp(keras):
    return keras.Sequential([keras.layers.Dense(8, activation="relu", input_shape=(4,)),
                             keras.layers.Dense(3, activation="softmax")])


def make_optimizer(keras, cls: str, kwargs: dict):
    kwargs = dict(kwargs)
    lr = kwargs.get("learning_rate")
    if isinstance(lr, dict):
        kwargs["learning_rate"] = keras.optimizers.schedules.deserialize(lr)
    return getattr(keras.optimizers, cls)(**kwargs)


def case_optimizers(keras):
    x, y, weights = fit_data()
    arrays = {"x": x, "y": y}
    for i, w in enumerate(weights):
        arrays[f"init_w{i}"] = w
    for key, cls, kwargs in OPTIMIZERS:
        model = mlp(keras)
        model.set_weights(weights)
        # tf_keras's graph-mode Nadam multiplies its momentum-schedule product by a
        # Python counter fixed at trace time; run_eagerly gives the formula's numbers.
        model.compile(optimizer=make_optimizer(keras, cls, kwargs),
                      loss="categorical_crossentropy", run_eagerly=key in EAGER)
        h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0)
        arrays[f"{key}__loss"] = f32(h.history["loss"])
        for i, w in enumerate(model.get_weights()):
            arrays[f"{key}__w{i}"] = f32(w)
    return arrays, {"optimizers": [[k, c, kw] for k, c, kw in OPTIMIZERS], "eager": sorted(EAGER),
                    "batch_size": 16, "epochs": 3}


def _fresh(keras, weights, lr=0.5):
    model = mlp(keras)
    model.set_weights(weights)
    model.compile(optimizer=keras.optimizers.SGD(learning_rate=lr),
                  loss="categorical_crossentropy", metrics=["accuracy"])
    return model


def case_callbacks(keras):
    x, y, weights = fit_data()
    arrays = {"x": x, "y": y}
    meta = {}
    for i, w in enumerate(weights):
        arrays[f"init_w{i}"] = w
    cb = keras.callbacks
    # EarlyStopping: an unstable learning rate, stop on val_loss, restore the best weights
    model = _fresh(keras, weights, lr=2.0)
    stop = cb.EarlyStopping(monitor="val_loss", patience=2, restore_best_weights=True)
    h = model.fit(x, y, batch_size=16, epochs=20, shuffle=False, verbose=0,
                  validation_split=0.25, callbacks=[stop])
    meta["early_stopping"] = {"stopped_epoch": int(stop.stopped_epoch),
                              "best_epoch": int(stop.best_epoch), "epochs_run": len(h.epoch),
                              "history_keys": list(h.history)}
    for k, v in h.history.items():
        arrays[f"es__hist__{k}"] = f32(v)
    for i, w in enumerate(model.get_weights()):
        arrays[f"es__w{i}"] = f32(w)
    # EarlyStopping with min_delta, mode and baseline on accuracy
    model = _fresh(keras, weights, lr=0.2)
    stop = cb.EarlyStopping(monitor="accuracy", patience=1, min_delta=0.02, baseline=0.5)
    h = model.fit(x, y, batch_size=16, epochs=15, shuffle=False, verbose=0, callbacks=[stop])
    meta["early_stopping_acc"] = {"stopped_epoch": int(stop.stopped_epoch),
                                  "epochs_run": len(h.epoch)}
    arrays["es_acc__hist__accuracy"] = f32(h.history["accuracy"])
    # ReduceLROnPlateau
    model = _fresh(keras, weights, lr=0.5)
    reduce = cb.ReduceLROnPlateau(monitor="loss", factor=0.5, patience=1, min_delta=0.08,
                                  cooldown=1, min_lr=0.05)
    h = model.fit(x, y, batch_size=16, epochs=10, shuffle=False, verbose=0, callbacks=[reduce])
    meta["reduce_lr"] = {"history_keys": list(h.history),
                         "lr_type": type(h.history["lr"][0]).__name__}
    for k, v in h.history.items():
        arrays[f"rlr__hist__{k}"] = f32(v)
    # LearningRateScheduler (two-argument and one-argument schedules)
    model = _fresh(keras, weights, lr=0.3)
    sched = cb.LearningRateScheduler(lambda epoch, lr: lr if epoch < 1 else lr * 0.5)
    h = model.fit(x, y, batch_size=16, epochs=4, shuffle=False, verbose=0, callbacks=[sched])
    meta["lr_scheduler"] = {"history_keys": list(h.history)}
    for k, v in h.history.items():
        arrays[f"lrs__hist__{k}"] = f32(v)
    model = _fresh(keras, weights, lr=0.3)
    sched = cb.LearningRateScheduler(lambda epoch: 0.1 / (epoch + 1))
    h = model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0, callbacks=[sched])
    arrays["lrs1__hist__lr"] = f32(h.history["lr"])
    arrays["lrs1__hist__loss"] = f32(h.history["loss"])
    # ModelCheckpoint file names
    with tempfile.TemporaryDirectory() as d:
        names = {}
        runs = {
            "every_epoch": dict(filepath="w-{epoch:02d}-{loss:.2f}.h5", save_weights_only=True),
            "best_only": dict(filepath="best-{epoch:02d}-{val_loss:.3f}.h5",
                              save_weights_only=True, save_best_only=True),
            "batches": dict(filepath="b-{epoch:02d}-{batch:02d}.h5", save_weights_only=True,
                            save_freq=2),
            "threshold": dict(filepath="t-{epoch}.h5", save_weights_only=True,
                              save_best_only=True, monitor="val_accuracy",
                              initial_value_threshold=0.6),
        }
        for run, kwargs in runs.items():
            sub = os.path.join(d, run)
            os.makedirs(sub)
            kwargs = dict(kwargs, filepath=os.path.join(sub, kwargs["filepath"]))
            model = _fresh(keras, weights, lr=2.0)
            model.fit(x, y, batch_size=16, epochs=6, shuffle=False, verbose=0,
                      validation_split=0.25, callbacks=[cb.ModelCheckpoint(**kwargs)])
            names[run] = sorted(os.listdir(sub))
        meta["checkpoint"] = {"runs": {k: dict(v) for k, v in runs.items()}, "names": names}
        # CSVLogger text
        path = os.path.join(d, "log.csv")
        model = _fresh(keras, weights, lr=0.5)
        model.fit(x, y, batch_size=16, epochs=3, shuffle=False, verbose=0,
                  validation_split=0.25, callbacks=[cb.CSVLogger(path)])
        model = _fresh(keras, weights, lr=0.5)
        model.fit(x, y, batch_size=16, epochs=2, shuffle=False, verbose=0,
                  callbacks=[cb.CSVLogger(path, separator=";", append=True)])
        with open(path) as f:
            meta["csv_text"] = f.read()
    return arrays, meta


CASES = {"training_metrics": case_metrics, "training_optimizers": case_optimizers,
         "training_callbacks": case_callbacks}


def main() -> None:
    import tensorflow as tf
    import tf_keras as keras

    tf.keras.utils.set_random_seed(0)
    only = sys.argv[1].split(",") if len(sys.argv) > 1 else list(CASES)
    for name in only:
        arrays, meta = CASES[name](keras)
        meta.update(case=name, tf_keras_version=keras.__version__,
                    tensorflow_version=tf.__version__, numpy_version=np.__version__)
        arrays["meta"] = np.array(json.dumps(meta, sort_keys=True))
        save_npz(os.path.join(FIXTURES, f"{name}.npz"), arrays)
        print(name, "written")


if __name__ == "__main__":
    main()
