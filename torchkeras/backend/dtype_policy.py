"""``keras.mixed_precision.Policy`` and the global policy.

A policy names two dtypes: the *variable* dtype (weights, always ``float32`` under the mixed
policies) and the *compute* dtype (what the layer computes in). ``'mixed_float16'`` and
``'mixed_bfloat16'`` run the layer under ``torch.autocast``; the default policy (floatx,
``'float32'``) enters no autocast context at all.

>>> policy = Policy("mixed_float16")
>>> policy.compute_dtype, policy.variable_dtype
('float16', 'float32')
"""
from __future__ import annotations

from typing import Any, Dict, Optional

import torch

from torchkeras import backend

_MIXED = {"mixed_float16": "float16", "mixed_bfloat16": "bfloat16"}
_global_policy: Optional["Policy"] = None


class Policy:
    """A dtype policy: ``Policy('float32')``, ``Policy('mixed_float16')``, ``Policy('bfloat16')``."""

    def __init__(self, name: str):
        if isinstance(name, Policy):
            name = name.name
        if not isinstance(name, str):
            raise TypeError(f"'name' must be a string, not a DType. Instead got: {name}")
        if name in _MIXED:
            self._compute_dtype, self._variable_dtype = _MIXED[name], "float32"
        elif name == "_infer":
            self._compute_dtype = self._variable_dtype = None
        else:
            try:
                dtype = backend.standardize_dtype(name)
            except ValueError:
                raise ValueError(
                    f"Cannot convert value {name} to a mixed precision Policy. Valid policies "
                    "include 'mixed_float16', 'mixed_bfloat16', and the name of any dtype "
                    "such as 'float32'.") from None
            self._compute_dtype = self._variable_dtype = dtype
            name = dtype
        self._name = name

    @property
    def name(self) -> str:
        return self._name

    @property
    def compute_dtype(self) -> Optional[str]:
        return self._compute_dtype

    @property
    def variable_dtype(self) -> Optional[str]:
        return self._variable_dtype

    @property
    def is_mixed(self) -> bool:
        """Whether layers under this policy compute under ``torch.autocast``."""
        return self._name in _MIXED

    @property
    def autocast_dtype(self) -> Optional[torch.dtype]:
        """The ``torch.autocast`` dtype, ``None`` for a non-mixed policy."""
        return backend.torch_dtype(self._compute_dtype) if self.is_mixed else None

    def get_config(self) -> Dict[str, Any]:
        return {"name": self._name}

    @classmethod
    def from_config(cls, config: Dict[str, Any], custom_objects: Any = None) -> "Policy":
        return cls(config["name"])

    def __eq__(self, other: Any) -> bool:
        return isinstance(other, Policy) and other.name == self.name

    def __hash__(self) -> int:
        return hash(self._name)

    def __repr__(self) -> str:
        return f'<Policy "{self._name}">'


# Keras 3 names the class DTypePolicy.
DTypePolicy = Policy


def get(identifier: Any) -> Policy:
    """A policy from a ``Policy``, a name, a dtype or a ``{'class_name': 'Policy', ...}`` dict;
    ``None`` gives the global policy."""
    if identifier is None:
        return global_policy()
    if isinstance(identifier, Policy):
        return identifier
    if isinstance(identifier, dict):
        config = identifier.get("config", identifier)
        return Policy(config["name"])
    if isinstance(identifier, str):
        return Policy(identifier)
    return Policy(backend.standardize_dtype(identifier))


def global_policy() -> Policy:
    """The policy new layers get when no ``dtype`` is given (floatx unless one was set)."""
    if _global_policy is None:
        return Policy(backend.floatx())
    return _global_policy


def set_global_policy(policy: Any) -> None:
    """Set the policy of layers created from now on (``None`` restores the default).

    >>> set_global_policy("mixed_bfloat16"); set_global_policy(None)
    """
    global _global_policy
    if policy is None:
        _global_policy = None
        return
    policy = get(policy)
    if policy.compute_dtype is not None and not policy.compute_dtype.startswith("float") and \
            policy.compute_dtype != "bfloat16":
        raise ValueError(f"set_global_policy can only be used to set the global policy to "
                         f"floating-point policies, such as \"float32\" and "
                         f"\"mixed_float16\", but got policy: {policy.name}")
    _global_policy = policy


def mixed_policy_in_use() -> bool:
    """Whether a mixed global policy is set (layers created now compute under autocast)."""
    return _global_policy is not None and _global_policy.is_mixed


def serialize(policy: Policy) -> Any:
    """tf-keras: a plain dtype name for a non-mixed policy, else the policy's config dict."""
    if not policy.is_mixed:
        return policy.name
    return {"class_name": "Policy", "config": policy.get_config()}
