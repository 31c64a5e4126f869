"""More ``keras.ops`` core functions: ``associative_scan``, ``custom_gradient`` and the
einops-style ``rearrange`` (keras/src/ops/einops.py)."""
from __future__ import annotations

import re
from typing import Any, Callable, Dict, List, Sequence, Tuple

import torch

from torchkeras.ops.core import _leaves, convert_to_tensor

Tensor = torch.Tensor


def _pack(structure: Any, flat: List[Any]) -> Any:
    """``flat`` leaves put back in the nesting of ``structure`` (lists, tuples, dicts)."""
    leaves = iter(flat)

    def build(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: build(node[k]) for k in node}
        if isinstance(node, (list, tuple)):
            items = [build(item) for item in node]
            return items if isinstance(node, list) else tuple(items)
        return next(leaves)
    return build(structure)


def associative_scan(f: Callable[[Any, Any], Any], elems: Any, reverse: bool = False,
                     axis: int = 0) -> Any:
    """Inclusive scan of the associative ``f`` along ``axis`` of every leaf of ``elems``:
    ``out[i] = f(out[i - 1], elems[i])``."""
    if not callable(f):
        raise TypeError(f"`f` should be a callable. Received: f={f}")
    flat = [convert_to_tensor(e) for e in _leaves(elems)]
    if reverse:
        flat = [torch.flip(e, (axis,)) for e in flat]
    count = int(flat[0].shape[axis])
    if any(int(e.shape[axis]) != count for e in flat[1:]):
        raise ValueError("Array inputs to associative_scan must have the same first dimension. "
                         f"(saw: {[tuple(e.shape) for e in flat]})")
    carry = [e.narrow(axis, 0, 1) for e in flat]
    outs = [[c] for c in carry]
    for i in range(1, count):
        step = [e.narrow(axis, i, 1) for e in flat]
        carry = [convert_to_tensor(c) for c in _leaves(f(_pack(elems, carry),
                                                          _pack(elems, step)))]
        for out, c in zip(outs, carry):
            out.append(c)
    scans = [torch.cat(out, dim=axis) for out in outs]
    if reverse:
        scans = [torch.flip(s, (axis,)) for s in scans]
    return _pack(elems, scans)


class _CustomGradient(torch.autograd.Function):
    """Runs ``forward_fn`` (returning ``(output, grad_fn)``) with ``grad_fn`` as backward."""

    @staticmethod
    def forward(ctx: Any, forward_fn: Callable[..., Any], *args: Any) -> Any:  # noqa: D102
        ctx.save_for_backward(*args)
        output, ctx.grad_fn = forward_fn(*args)
        return output

    @staticmethod
    def backward(ctx: Any, upstream: Tensor) -> Tuple[Any, ...]:  # noqa: D102
        grads = ctx.grad_fn(*ctx.saved_tensors, upstream=upstream)
        return (None,) + (grads if isinstance(grads, tuple) else (grads,))


def custom_gradient(f: Callable[..., Any]) -> Callable[..., Any]:
    """Decorator: ``f(*args)`` returns ``(output, grad_fn)`` and ``grad_fn(*args, upstream)``
    gives the gradients of ``args`` (torch backend calling convention)."""
    def wrapped(*args: Any) -> Any:
        return _CustomGradient.apply(f, *[convert_to_tensor(a) for a in args])
    wrapped.__name__ = getattr(f, "__name__", "custom_gradient")
    wrapped.__doc__ = f.__doc__
    return wrapped


_GROUP = re.compile(r"\(([\w\s]+)\)")


def _groups(axes: Sequence[str]) -> List[List[str]]:
    out = []
    for axis in axes:
        match = _GROUP.match(axis)
        out.append(match.group(1).split() if match else [axis])
    return out


def rearrange(tensor: Any, pattern: str, **axes_lengths: int) -> Tensor:
    """Axes rearranged einops-style, e.g. ``'b (h1 h) w c -> (b h1) h w c'`` with
    ``h1=2``."""
    tensor = convert_to_tensor(tensor)
    source, target = re.split(r"\s*->\s*", pattern)
    in_axes = re.findall(r"\w+|\(.*?\)", source)
    out_groups = _groups(re.findall(r"\w+|\(.*?\)", target))
    lengths: Dict[str, int] = dict(axes_lengths)
    sizes: Dict[str, int] = {}
    for group, dim in zip(_groups(in_axes), tensor.shape):
        unknown = [a for a in group if a not in lengths]
        if len(group) > 1 and unknown:
            known = 1
            for a in group:
                known *= lengths.get(a, 1)
            lengths[unknown[0]] = int(dim) // known
        for a in group:
            sizes[a] = lengths[a] if len(group) > 1 else int(dim)
    flat_in = [a for group in _groups(in_axes) for a in group]
    tensor = tensor.reshape([sizes[a] for a in flat_in])  # the decomposed axes
    order = [flat_in.index(a) for group in out_groups for a in group]
    tensor = tensor.permute(order)
    shape = []
    for group in out_groups:
        size = 1
        for a in group:
            size *= sizes[a]
        shape.append(size)
    return tensor.reshape(shape)


__all__ = ["associative_scan", "custom_gradient", "rearrange"]
