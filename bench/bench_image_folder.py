"""An image-folder input pipeline, three ways, on the same folder of JPEG files (issue 17):

* ``torchkeras``: ``Dataset.from_tensor_slices(paths).map(load, num_parallel_calls=AUTOTUNE)
  .batch(32).prefetch(AUTOTUNE)`` with ``tf.io.read_file`` / ``tf.image.decode_jpeg`` /
  ``resize`` / ``random_flip_left_right`` / ``random_brightness`` (torchkeras.tfops);
* ``torch``: what torchvision's ``ImageFolder`` + ``DataLoader(num_workers=N)`` does, written
  with Pillow (torchvision is not installed here): decode, bilinear resize, flip, brightness;
* ``tf``: real TensorFlow's tf.data with the same calls (run with /tmp/ref/bin/python).

    PYTHONPATH=. python bench/bench_image_folder.py [--images 768] [--workers 2] [--repeats 3]
        [--decode-only] [--size 240 320 --target 180 180]

The driver makes the folder, runs each pipeline in its own process (two passes, the second
timed), the three interleaved ``--repeats`` times, and prints images/s and the CPU time per
image (all threads and DataLoader worker processes: what a loaded machine cannot inflate as
much as the wall time). The machine is a shared CPU box: compare within one run.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from typing import Optional

import numpy as np

SIZE = (96, 96)     # stored JPEG size
TARGET = (64, 64)   # after resize
BATCH = 32
DECODE_ONLY = False  # --decode-only: read + decode, nothing else (the decoders' ceiling)
REF_PYTHON = "/tmp/ref/bin/python"


def make_folder(root: str, count: int) -> None:
    from PIL import Image  # Pillow: writes the JPEG files
    rng = np.random.RandomState(0)
    yy, xx = np.mgrid[0:SIZE[0], 0:SIZE[1]]
    for i in range(count):
        folder = os.path.join(root, f"class_{i % 4}")
        os.makedirs(folder, exist_ok=True)
        base = np.stack([xx * 2 + i, yy * 2, (xx + yy) + 3 * i], -1) % 256
        pixels = np.clip(base + rng.randint(-30, 31, base.shape), 0, 255).astype("uint8")
        Image.fromarray(pixels).save(os.path.join(folder, f"{i}.jpg"), quality=90)


def files(root: str) -> list:
    return sorted(os.path.join(d, f) for d, _, names in os.walk(root) for f in names)


def run_torchkeras(paths: list, workers: int) -> float:
    from torchkeras.data import AUTOTUNE, Dataset
    from torchkeras.tfops import image, io

    def load(path):
        img = image.decode_jpeg(io.read_file(path), channels=3)
        if DECODE_ONLY:
            return img
        img = image.resize(img, TARGET)
        img = image.random_flip_left_right(img)
        return image.random_brightness(img / 255.0, 0.1)

    ds = Dataset.from_tensor_slices(np.asarray(paths, dtype=object)).map(
        load, num_parallel_calls=AUTOTUNE).batch(BATCH).prefetch(AUTOTUNE)
    return _timed(ds)


def run_torch(paths: list, workers: int) -> float:
    import torch
    from PIL import Image  # Pillow: what torchvision's default loader uses

    class Folder(torch.utils.data.Dataset):
        def __len__(self):
            return len(paths)

        def __getitem__(self, index):
            with Image.open(paths[index]) as img:
                if DECODE_ONLY:
                    return torch.from_numpy(np.asarray(img.convert("RGB"))), index % 4
                img = img.convert("RGB").resize(TARGET[::-1], Image.BILINEAR)
            x = torch.from_numpy(np.asarray(img, dtype=np.float32) / 255.0)
            if torch.rand(()) < 0.5:
                x = torch.flip(x, dims=[1])
            return x + float(torch.empty(()).uniform_(-0.1, 0.1)), index % 4

    loader = torch.utils.data.DataLoader(Folder(), batch_size=BATCH, num_workers=workers,
                                         persistent_workers=workers > 0)
    return _timed(loader, lambda: [w.pid for w in getattr(loader._iterator, "_workers", [])])


def run_tf(paths: list, workers: int) -> float:
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    import tensorflow as tf

    def load(path):
        img = tf.image.decode_jpeg(tf.io.read_file(path), channels=3)
        if DECODE_ONLY:
            return img
        img = tf.image.resize(img, TARGET)
        img = tf.image.random_flip_left_right(img)
        return tf.image.random_brightness(img / 255.0, 0.1)

    ds = tf.data.Dataset.from_tensor_slices(paths).map(
        load, num_parallel_calls=tf.data.AUTOTUNE).batch(BATCH).prefetch(tf.data.AUTOTUNE)
    return _timed(ds)


def _cpu_seconds(pids: list) -> float:
    """User + system CPU seconds of this process and of ``pids`` (DataLoader workers)."""
    total = time.process_time()
    tick = os.sysconf("SC_CLK_TCK")
    for pid in pids:
        with open(f"/proc/{pid}/stat") as handle:
            fields = handle.read().rsplit(")", 1)[1].split()
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


def _timed(iterable, workers=lambda: []) -> tuple:
    """(images/s, CPU ms per image) of the second pass."""
    for _ in iterable:  # warm-up pass (threads, workers, caches)
        pass
    pids = workers()
    start, cpu = time.perf_counter(), _cpu_seconds(pids)
    count = sum(len(batch[0]) if isinstance(batch, (list, tuple)) else len(batch)
                for batch in iterable)
    seconds = time.perf_counter() - start
    return count / seconds, 1000 * (_cpu_seconds(pids) - cpu) / count


RUNNERS = {"torchkeras": run_torchkeras, "torch": run_torch, "tf": run_tf}


def _run_one(name: str, root: str, args: argparse.Namespace) -> Optional[tuple]:
    python = REF_PYTHON if name == "tf" else sys.executable
    if name == "tf" and not os.path.exists(python):
        print(f"{name:>10}: skipped ({python} not found)")
        return None
    out = subprocess.run([python, os.path.abspath(__file__), "--only", name, "--root", root,
                          "--workers", str(args.workers), "--size", *map(str, SIZE),
                          "--target", *map(str, TARGET)] + ["--decode-only"] * args.decode_only,
                         capture_output=True, text=True,
                         env=dict(os.environ))
    lines = [l for l in out.stdout.splitlines() if l.startswith("{")]
    if not lines:
        print(f"{name:>10}: failed\n{out.stderr[-2000:]}")
        return None
    result = json.loads(lines[-1])
    return result["images_per_s"], result["cpu_ms_per_image"]


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--images", type=int, default=768)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--repeats", type=int, default=1)
    parser.add_argument("--only", choices=sorted(RUNNERS))
    parser.add_argument("--root")
    parser.add_argument("--decode-only", action="store_true")
    parser.add_argument("--size", type=int, nargs=2, default=(96, 96), metavar=("H", "W"),
                        help="stored JPEG size (default 96 96; 240 320 is a small photo)")
    parser.add_argument("--target", type=int, nargs=2, default=(64, 64), metavar=("H", "W"),
                        help="resize target (default 64 64; the flowers tutorial uses 180 180)")
    args = parser.parse_args()
    global DECODE_ONLY, SIZE, TARGET
    DECODE_ONLY = args.decode_only
    SIZE, TARGET = tuple(args.size), tuple(args.target)
    if args.only:  # one pipeline in this process
        rate, cpu = RUNNERS[args.only](files(args.root), args.workers)
        print(json.dumps({"pipeline": args.only, "images_per_s": rate,
                          "cpu_ms_per_image": cpu}))
        return
    work = "read + decode only" if args.decode_only else f"-> {TARGET} + flip + brightness"
    print(f"{args.images} JPEG {SIZE} {work}, batch {BATCH}, DataLoader workers "
          f"{args.workers}; load average {os.getloadavg()[0]:.1f}")
    best: dict = {}
    with tempfile.TemporaryDirectory() as root:
        make_folder(root, args.images)
        for repeat in range(args.repeats):
            for name in RUNNERS:
                result = _run_one(name, root, args)
                if result is None:
                    continue
                rate, cpu = result
                old = best.get(name, (0.0, float("inf")))
                best[name] = (max(old[0], rate), min(old[1], cpu))
                print(f"run {repeat + 1} {name:>10}: {rate:8.1f} images/s  "
                      f"{cpu:6.3f} CPU ms/image  (load {os.getloadavg()[0]:.1f})", flush=True)
    for name, (rate, cpu) in best.items():
        print(f"best {name:>10}: {rate:8.1f} images/s  {cpu:6.3f} CPU ms/image")


if __name__ == "__main__":
    main()
