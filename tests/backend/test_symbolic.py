"""backend.symbolic.dispatching: the generated same-signature wrapper takes nothing from its
function but parameter names (checked identifiers) and default values (passed as objects)."""
from __future__ import annotations

import inspect

from torchkeras.backend import symbolic


def test_wrapper_keeps_signature_defaults_and_results():
    def scale(x, factor=2, *rest, offset=0.5, **options):
        return (x * factor + offset, rest, options)

    wrapped = symbolic.dispatching(scale, "math.scale")
    assert inspect.signature(wrapped) == inspect.signature(scale)
    assert wrapped(3) == scale(3)
    assert wrapped(3, 4, 5, offset=1, mode="a") == scale(3, 4, 5, offset=1, mode="a")
    assert symbolic.function_name(wrapped) == "math.scale"


def test_a_default_that_looks_like_code_stays_a_value():
    sentinel = "x); import os; os._exit(3); (x"  # would break out of the source if pasted in

    def echo(value=sentinel):
        return value

    wrapped = symbolic.dispatching(echo, "echo")
    assert wrapped() is sentinel
    assert wrapped("plain") == "plain"


def test_names_that_cannot_be_pasted_take_the_generic_wrapper():
    def private(_hidden=1):
        return _hidden

    def positional_only(a, /, b=2):
        return a + b

    for function, args, expected in ((private, (), 1), (positional_only, (1,), 3)):
        wrapped = symbolic.dispatching(function, "f")
        assert wrapped(*args) == expected
        assert symbolic.function_name(wrapped) == "f"


def test_eager_errors_without_symbolic_arguments_propagate():
    def fail(x):
        raise ValueError(f"bad {x}")

    wrapped = symbolic.dispatching(fail, "fail")
    try:
        wrapped(1)
    except ValueError as error:
        assert str(error) == "bad 1"
    else:  # pragma: no cover
        raise AssertionError("the error was swallowed")
