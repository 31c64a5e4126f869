"""Tearing the process group down before the interpreter finalizes.

A script trained under ``torchrun`` with gloo that simply ends could abort at exit: a gloo
worker thread that drops its last reference to a finished all-reduce must take the GIL to
release the tensor's Python object, and once Python has begun finalizing that thread is ended
inside a ``noexcept`` destructor ("terminate called without an active exception", SIGABRT).
``destroy_process_group`` alone does not stop those threads: torchkeras's DDP wrappers hold
the group, and so do the default arguments of ``torch.distributed.nn.functional``
(``group=group.WORLD``, evaluated when DDP first imports it after the group started).

:func:`install` registers :func:`at_exit` once (``initialize`` calls it). At exit, before
finalization, it drops torchkeras's DDP wrappers, waits (bounded) for every process at a
barrier, destroys the group and releases torch's captured reference, so the group's
destructor joins its worker threads while they can still take the GIL. A script that ends
with an uncaught exception, or a peer that does not reach the barrier in time, leaves the
group alone: tearing it down could then wait on a collective that never completes.
"""
from __future__ import annotations

import atexit
import datetime
import gc
import logging
import sys
from typing import Callable, List

import torch
import torch.distributed as dist

_LOGGER = logging.getLogger("torchkeras.distribute")
# How long the exit barrier waits for the other processes before giving up.
EXIT_BARRIER_TIMEOUT = datetime.timedelta(seconds=30)
_RELEASERS: List[Callable[[], None]] = []
_STATE = {"installed": False, "done": False}


def on_teardown(release: Callable[[], None]) -> None:
    """Call ``release`` at exit, before the group is destroyed (to drop references to it)."""
    if release not in _RELEASERS:
        _RELEASERS.append(release)


def install() -> None:
    """Register :func:`at_exit` with ``atexit`` (once per process)."""
    if not _STATE["installed"]:
        _STATE["installed"] = True
        atexit.register(at_exit)


def at_exit() -> bool:
    """Release torchkeras's references, then (clean exit, every process at the barrier)
    destroy the process group. Runs once; never raises. Returns whether the group was
    destroyed."""
    if _STATE["done"]:
        return False
    _STATE["done"] = True
    try:
        return _teardown()
    except Exception as error:  # an exit hook must not turn a clean exit into a failure
        _LOGGER.warning("torchkeras.distribute: tearing down the process group at exit "
                        "failed: %s", error)
        return False


def _failing() -> bool:
    """Whether the script is ending with an uncaught exception (printed by then)."""
    return getattr(sys, "last_value", None) is not None or \
        getattr(sys, "last_exc", None) is not None


def _teardown() -> bool:
    if _failing() or (dist.is_available() and dist.is_initialized() and
                      dist.get_world_size() > 1 and not _exit_barrier()):
        release_references()
        return False
    return release_group()


def release_references() -> None:
    """Drop torchkeras's references to the process group (its DDP wrappers)."""
    for release in _RELEASERS:
        release()
    gc.collect()  # the wrappers' reference cycles


def release_group() -> bool:
    """Drop torchkeras's references, destroy the process group (if any) and torch's captured
    reference to it, so that its worker threads are joined now. Returns whether a group
    was destroyed."""
    release_references()
    destroyed = False
    if dist.is_available() and dist.is_initialized():
        dist.destroy_process_group()
        destroyed = True
    _forget_captured_groups()  # the last references: the group's destructor joins its threads
    gc.collect()
    return destroyed


def _exit_barrier() -> bool:
    """Every process here, no collective in flight; False when that takes too long."""
    if dist.get_backend() == "nccl":
        work = dist.barrier(async_op=True, device_ids=[torch.cuda.current_device()])
    else:
        work = dist.barrier(async_op=True)
    try:
        work.wait(timeout=EXIT_BARRIER_TIMEOUT)
    except RuntimeError as error:  # a peer gone or late: leave the group as it is
        _LOGGER.warning("torchkeras.distribute: the exit barrier failed (%s); the process "
                        "group is left to the interpreter.", error)
        return False
    return True


def _forget_captured_groups() -> None:
    """``torch.distributed.nn.functional`` evaluates ``group=group.WORLD`` when imported; once
    the groups are destroyed, make those defaults ``None`` (the default group) again."""
    module = sys.modules.get("torch.distributed.nn.functional")
    if module is None or not dist.is_available():
        return
    stale = dist.ProcessGroup
    for value in list(vars(module).values()):
        defaults = getattr(value, "__defaults__", None)
        if defaults and any(isinstance(d, stale) for d in defaults):
            value.__defaults__ = tuple(None if isinstance(d, stale) else d for d in defaults)
