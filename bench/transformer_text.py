"""keras.io's "Text classification with Transformer" (TokenAndPositionEmbedding +
TransformerBlock with MultiHeadAttention) timed per epoch: torchkeras against Keras 3 on torch.

The model code is the tutorial's, written once against a ``keras`` module: torchkeras in this
process, real Keras 3 (``KERAS_BACKEND=torch``) in a child process started with
``--keras3-python`` (an interpreter with Keras 3 and torch; Keras 3 is never a dependency).
Both sides get the same synthetic IMDB-shaped data (token ids < 20,000, 200 steps, binary
labels), build the model, pay one warm-up epoch, then time ``--epochs`` epochs of ``fit``
(batch 32, Adam, sparse CCE + accuracy, as the tutorial). Sides alternate ``--repeats``
times; the best epoch of each is kept. Prints one JSON line (``--out`` writes it too)::

    PYTHONPATH=. python bench/transformer_text.py --keras3-python /tmp/k3/bin/python
    PYTHONPATH=. python bench/transformer_text.py --smoke   # tiny sizes, torchkeras only
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from typing import Any, Dict, List, Optional

import numpy as np

VOCAB, MAXLEN, EMBED, HEADS, FF = 20000, 200, 32, 2, 32


def build(keras: Any) -> Any:
    """The tutorial's model, verbatim but for the module it is built with."""
    layers, ops = keras.layers, keras.ops

    class TransformerBlock(layers.Layer):
        def __init__(self, embed_dim, num_heads, ff_dim, rate=0.1):
            super().__init__()
            self.att = layers.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = keras.Sequential(
                [layers.Dense(ff_dim, activation="relu"), layers.Dense(embed_dim)])
            self.layernorm1 = layers.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = layers.LayerNormalization(epsilon=1e-6)
            self.dropout1 = layers.Dropout(rate)
            self.dropout2 = layers.Dropout(rate)

        def call(self, inputs):
            attn_output = self.att(inputs, inputs)
            attn_output = self.dropout1(attn_output)
            out1 = self.layernorm1(inputs + attn_output)
            ffn_output = self.ffn(out1)
            ffn_output = self.dropout2(ffn_output)
            return self.layernorm2(out1 + ffn_output)

    class TokenAndPositionEmbedding(layers.Layer):
        def __init__(self, maxlen, vocab_size, embed_dim):
            super().__init__()
            self.token_emb = layers.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = layers.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x):
            maxlen = ops.shape(x)[-1]
            positions = ops.arange(start=0, stop=maxlen, step=1)
            positions = self.pos_emb(positions)
            x = self.token_emb(x)
            return x + positions

    inputs = layers.Input(shape=(MAXLEN,))
    x = TokenAndPositionEmbedding(MAXLEN, VOCAB, EMBED)(inputs)
    x = TransformerBlock(EMBED, HEADS, FF)(x)
    x = layers.GlobalAveragePooling1D()(x)
    x = layers.Dropout(0.1)(x)
    x = layers.Dense(20, activation="relu")(x)
    x = layers.Dropout(0.1)(x)
    outputs = layers.Dense(2, activation="softmax")(x)
    model = keras.Model(inputs=inputs, outputs=outputs)
    model.compile(optimizer="adam", loss="sparse_categorical_crossentropy",
                  metrics=["accuracy"])
    return model


def data(samples: int) -> tuple:
    rng = np.random.RandomState(18)
    x = rng.randint(1, VOCAB, size=(samples, MAXLEN)).astype("int32")
    return x, rng.randint(0, 2, size=(samples,)).astype("int32")


def time_epochs(keras: Any, samples: int, epochs: int) -> List[float]:
    """Seconds per epoch of ``fit`` (after one warm-up epoch on the same model)."""
    x, y = data(samples)
    model = build(keras)
    model.fit(x, y, batch_size=32, epochs=1, verbose=0)
    times = []
    for _ in range(epochs):
        start = time.perf_counter()
        model.fit(x, y, batch_size=32, epochs=1, verbose=0)
        times.append(time.perf_counter() - start)
    return times


def _keras3_side(python: str, samples: int, epochs: int) -> Dict[str, Any]:
    env = dict(os.environ, KERAS_BACKEND="torch")
    env.pop("PYTHONPATH", None)  # nothing of torchkeras's on that side
    out = subprocess.run([python, os.path.abspath(__file__), "--child-keras3",
                          "--samples", str(samples), "--epochs", str(epochs)],
                         env=env, check=True, capture_output=True, text=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keras3-python", default=os.environ.get("BENCH_KERAS3_PYTHON"))
    parser.add_argument("--samples", type=int, default=1024)
    parser.add_argument("--epochs", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=2)
    parser.add_argument("--smoke", action="store_true")
    parser.add_argument("--child-keras3", action="store_true", help=argparse.SUPPRESS)
    parser.add_argument("--out")
    args = parser.parse_args(argv)
    if args.child_keras3:
        import keras  # real Keras 3 (child process only)
        import torch
        print(json.dumps({"epochs": time_epochs(keras, args.samples, args.epochs),
                          "keras": keras.__version__, "threads": torch.get_num_threads()}))
        return 0
    import torch
    import torchkeras
    samples, epochs = (64, 1) if args.smoke else (args.samples, args.epochs)
    ours: List[float] = []
    theirs: List[float] = []
    keras3: Dict[str, Any] = {}
    for _ in range(1 if args.smoke else args.repeats):
        ours.extend(time_epochs(torchkeras, samples, epochs))
        if args.keras3_python and not args.smoke:
            keras3 = _keras3_side(args.keras3_python, samples, epochs)
            theirs.extend(keras3["epochs"])
    result: Dict[str, Any] = {
        "workload": f"keras.io text classification with Transformer: vocab {VOCAB}, "
                    f"{MAXLEN} steps, embed {EMBED}, {HEADS} heads, ff {FF}; "
                    f"{samples} samples, batch 32, Adam",
        "torch": torch.__version__, "threads": torch.get_num_threads(),
        "torchkeras_epoch_s": min(ours), "torchkeras_epochs_s": ours}
    if theirs:
        result.update({"keras3": keras3["keras"], "keras3_threads": keras3["threads"],
                       "keras3_epoch_s": min(theirs), "keras3_epochs_s": theirs,
                       "ratio_torchkeras_over_keras3": min(ours) / min(theirs)})
    line = json.dumps(result)
    print(line)
    if args.out:
        with open(args.out, "w", encoding="utf-8") as f:
            f.write(line + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
