"""Command line: ``python -m torchkeras run SCRIPT [ARGS...]`` (also the ``torchkeras``
command) runs an unchanged Keras/TensorFlow script on torchkeras.

    torchkeras run train.py --epochs 3     # keras / tensorflow.keras imports -> torchkeras
    torchkeras run -m package.module       # a module, as `python -m`
    torchkeras --version
"""
from __future__ import annotations

import argparse
import os
import runpy
import sys
from typing import List, Optional

import torchkeras
from torchkeras import compat
from torchkeras.compat.finder import explain_import_error


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="torchkeras", description=__doc__.split("\n\n")[0])
    parser.add_argument("--version", action="store_true", help="print the version and exit")
    commands = parser.add_subparsers(dest="command")
    run = commands.add_parser("run", help="run a Keras script on torchkeras")
    run.add_argument("-m", dest="module", action="store_true",
                     help="TARGET is a module name (as `python -m`)")
    run.add_argument("target", help="the script (or module with -m)")
    run.add_argument("args", nargs=argparse.REMAINDER, help="arguments for the script")
    return parser


def run(target: str, args: List[str], module: bool = False) -> None:
    """Run ``target`` as ``__main__`` with the import shim installed."""
    compat.install(override=True)
    compat.eager_tensor_numpy()
    compat.eager_tensor_set_shape()
    compat.numpy_reductions_take_tensors()
    if not module and not os.path.exists(target):
        raise SystemExit(f"torchkeras run: can't open file '{target}': No such file")
    sys.argv = [target] + list(args)
    if not module:
        sys.path.insert(0, os.path.dirname(os.path.abspath(target)))
    try:
        if module:
            runpy.run_module(target, run_name="__main__", alter_sys=True)
        else:
            runpy.run_path(target, run_name="__main__")
    except ImportError as error:  # `from keras.x import Missing`: say what is not provided
        clearer = explain_import_error(error)
        if clearer is None:
            raise
        raise clearer from error


def main(argv: Optional[List[str]] = None) -> int:
    options = _parser().parse_args(argv)
    if options.version:
        print(f"torchkeras {torchkeras.__torchkeras_version__} (Keras API "
              f"{torchkeras.__version__})")
        return 0
    if options.command != "run":
        _parser().print_help()
        return 2
    run(options.target, options.args, module=options.module)
    return 0


if __name__ == "__main__":
    sys.exit(main())
