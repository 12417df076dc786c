"""JS types of values that came from the device, and payloads checked against an edition interface."""

from __future__ import annotations

from typing import Any

from harness.shim.values import UNDEFINED, JsBigInt, JsError, JsFunction, render_value
from harness.spec.model import Edition, Interface


def js_typeof(value: Any) -> str:
    """What JS ``typeof`` gave on the device for a decoded shim value."""
    if value is UNDEFINED:
        return "undefined"
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, JsBigInt):
        return "bigint"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, JsFunction):
        return "function"
    if value is None or isinstance(value, dict | list | JsError):
        return "object"
    raise TypeError(f"not a decoded shim value: {value!r}")


def payload_problems(payload: Any, interface: Interface, edition: Edition) -> list[str]:
    """What in ``payload`` breaks ``interface``: a missing mandatory field, a field of another JS
    type, an enum-typed field whose value is not a member of the edition's enum. Empty when none."""
    if not isinstance(payload, dict):
        return [f"{interface.name} is an object, not {render_value(payload)}"]
    problems = []
    for field in interface.fields:
        if field.name not in payload:
            if field.mandatory:
                problems.append(f"{interface.name}.{field.name} is missing")
            continue
        value = payload[field.name]
        enum = edition.enums.get(field.type)
        wanted = "number" if enum is not None else field.type
        if js_typeof(value) != wanted:
            problems.append(
                f"{interface.name}.{field.name} is a {wanted}, not {js_typeof(value)} {render_value(value)}"
            )
        elif enum is not None and value not in enum.members.values():
            problems.append(f"{interface.name}.{field.name} = {value!r} is not a {field.type} value")
    return problems
