"""Function RPCs (GetFunctions, CallFunction) <-> framework values."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from platformxe.tfplugin._generated import tfplugin6_pb2 as pb
from platformxe.tfplugin.codec import CodecError
from platformxe.tfplugin.convert.common import decode_value, diagnostics_to_pb, encode_value
from platformxe.tfplugin.convert.schemas import function_to_pb
from platformxe.tfplugin.diagnostics import Diagnostics
from platformxe.tfplugin.framework import Function, FunctionError


def functions_response(
    functions: Mapping[str, Function], diagnostics: Diagnostics
) -> pb.GetFunctions.Response:
    """Every function signature -> GetFunctions response."""
    return pb.GetFunctions.Response(
        functions={name: function_to_pb(f) for name, f in functions.items()},
        diagnostics=diagnostics_to_pb(diagnostics),
    )


def call_arguments(msg: pb.CallFunction.Request, function: Function) -> list[Any]:
    """Decode the arguments by parameter type; variadic ones are gathered into one trailing list."""
    params = list(function.parameters)
    fixed = len(params)
    if len(msg.arguments) < fixed or (function.variadic is None and len(msg.arguments) > fixed):
        raise FunctionError(f"{function.name} takes {fixed} argument(s), got {len(msg.arguments)}")
    args: list[Any] = []
    for i, value in enumerate(msg.arguments[:fixed]):
        try:
            args.append(decode_value(value, params[i].type))
        except CodecError as exc:
            raise FunctionError(f"argument {params[i].name!r}: {exc}", argument=i) from exc
    if function.variadic is not None:
        rest = []
        for i, value in enumerate(msg.arguments[fixed:], start=fixed):
            try:
                rest.append(decode_value(value, function.variadic.type))
            except CodecError as exc:
                raise FunctionError(f"argument {i + 1}: {exc}", argument=i) from exc
        args.append(rest)
    return args


def call_response(result: Any, function: Function) -> pb.CallFunction.Response:
    """The function's result -> CallFunction response (a type mismatch is a function error)."""
    assert function.return_type is not None
    try:
        return pb.CallFunction.Response(result=encode_value(result, function.return_type))
    except CodecError as exc:
        return error_response(FunctionError(f"{function.name} returned a value of the wrong type: {exc}"))


def error_response(error: FunctionError) -> pb.CallFunction.Response:
    """A function error -> CallFunction response."""
    msg = pb.CallFunction.Response(error=pb.FunctionError(text=error.text))
    if error.argument is not None:
        msg.error.function_argument = error.argument
    return msg
