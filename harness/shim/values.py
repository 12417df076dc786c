"""JS values on the shim wire (docs/shim-protocol.md, "Value encoding") and their Python forms.

======================  ===========================================
wire                    Python
======================  ===========================================
``{"$undefined": true}``  :data:`UNDEFINED`
``{"$callback": n}``      :class:`Callback` (host to shim only)
``{"$function": n}``      :class:`JsFunction` (shim to host only)
``{"$number": ...}``      ``float`` nan / inf / -inf / -0.0
``{"$bigint": "12"}``     :class:`JsBigInt`
``{"$error": E}``         :class:`JsError`
``{"$object": {...}}``    ``dict`` whose only key starts with ``$``
======================  ===========================================
"""

from __future__ import annotations

import enum
import json
import math
from dataclasses import dataclass, field
from typing import Any, Final

from harness.errors import ShimError


class Undefined(enum.Enum):
    """JS ``undefined``: distinct from ``None`` (JS ``null``). Its one member is :data:`UNDEFINED`."""

    UNDEFINED = "undefined"

    def __repr__(self) -> str:
        return "UNDEFINED"

    def __str__(self) -> str:
        return "undefined"

    def __bool__(self) -> bool:
        return False


UNDEFINED: Final = Undefined.UNDEFINED


@dataclass(frozen=True)
class Callback:
    """A session callback passed as an argument; every call of it becomes an event under ``name``."""

    name: str

    def __post_init__(self) -> None:
        if not self.name or self.name.startswith("$"):
            raise ValueError(f"callback name must be non-empty and not start with '$': {self.name!r}")


@dataclass(frozen=True)
class JsFunction:
    """A function value the device returned (its ``.name``)."""

    name: str


class JsBigInt(int):
    """A JS BigInt (an ``int`` that encodes as ``$bigint``)."""

    def __repr__(self) -> str:
        return f"{int(self)}n"


@dataclass(frozen=True)
class JsError:
    """A JS Error as the device saw it.

    ``has_code`` tells an error without a ``code`` property (``has_code`` False, ``code`` None) from
    one whose ``code`` is ``undefined`` (``has_code`` True, ``code`` :data:`UNDEFINED`).
    """

    name: str
    message: str
    code: Any = None
    has_code: bool = False
    extra: dict[str, Any] = field(default_factory=dict)

    def describe(self) -> str:
        code = f" code={render_value(self.code)}" if self.has_code else " (no code)"
        return f"{self.name}{code}: {self.message!r}"


_SPECIAL_NUMBERS: Final = {"NaN": math.nan, "Infinity": math.inf, "-Infinity": -math.inf, "-0": -0.0}


def encode_value(value: Any) -> Any:
    """The wire form of a Python value (see the module table). Raises TypeError for other types."""
    if value is None or isinstance(value, bool | str):
        return value
    if value is UNDEFINED:
        return {"$undefined": True}
    if isinstance(value, Callback):
        return {"$callback": value.name}
    if isinstance(value, JsBigInt):
        return {"$bigint": str(int(value))}
    if isinstance(value, int):
        return value
    if isinstance(value, float):
        return _encode_float(value)
    if isinstance(value, JsError):
        return {"$error": encode_error(value)}
    if isinstance(value, list | tuple):
        return [encode_value(item) for item in value]
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError(f"object keys must be strings, got {key!r}")
            out[key] = encode_value(item)
        if len(out) == 1 and next(iter(out)).startswith("$"):
            return {"$object": out}
        return out
    raise TypeError(f"cannot pass a {type(value).__name__} to the shim: {value!r}")


def _encode_float(value: float) -> Any:
    if math.isnan(value):
        return {"$number": "NaN"}
    if math.isinf(value):
        return {"$number": "Infinity" if value > 0 else "-Infinity"}
    if value == 0 and math.copysign(1.0, value) < 0:
        return {"$number": "-0"}
    return value


def encode_error(error: JsError) -> dict[str, Any]:
    """The ``E`` object of a :class:`JsError`."""
    out: dict[str, Any] = {"name": error.name, "message": error.message}
    if error.has_code:
        out["code"] = encode_value(error.code)
    if error.extra:
        out["extra"] = encode_value(dict(error.extra))
    return out


def decode_value(wire: Any) -> Any:
    """The Python form of a wire value. Raises ShimError for forms the shim must not send."""
    if isinstance(wire, list):
        return [decode_value(item) for item in wire]
    if not isinstance(wire, dict):
        return wire
    if len(wire) == 1:
        key, inner = next(iter(wire.items()))
        if key.startswith("$"):
            return _decode_special(key, inner)
    return {key: decode_value(item) for key, item in wire.items()}


def _decode_special(key: str, inner: Any) -> Any:
    if key == "$undefined" and inner is True:
        return UNDEFINED
    if key == "$function" and isinstance(inner, str):
        return JsFunction(inner)
    if key == "$number" and inner in _SPECIAL_NUMBERS:
        return _SPECIAL_NUMBERS[inner]
    if key == "$bigint" and isinstance(inner, str):
        try:
            return JsBigInt(int(inner))
        except ValueError:
            pass
    if key == "$error" and isinstance(inner, dict):
        return decode_error(inner)
    if key == "$object" and isinstance(inner, dict):
        return {k: decode_value(v) for k, v in inner.items()}
    raise ShimError(f"shim sent an invalid encoded value: {_clip(json.dumps({key: inner}))}")


def decode_error(wire: Any) -> JsError:
    """A :class:`JsError` from an ``E`` object."""
    if not isinstance(wire, dict) or not isinstance(wire.get("message"), str):
        raise ShimError(f"shim sent an invalid error object: {_clip(json.dumps(wire))}")
    extra = decode_value(wire.get("extra", {}))
    return JsError(
        name=str(wire.get("name", "Error")),
        message=wire["message"],
        code=decode_value(wire["code"]) if "code" in wire else None,
        has_code="code" in wire,
        extra=extra if isinstance(extra, dict) else {"extra": extra},
    )


def render_value(value: Any, limit: int = 60) -> str:
    """A short JS-like rendering of a Python-side value, for titles and messages."""
    if value is UNDEFINED:
        text = "undefined"
    elif value is None:
        text = "null"
    elif isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, Callback):
        text = f"cb:{value.name}"
    elif isinstance(value, JsFunction):
        text = f"[Function {value.name}]"
    elif isinstance(value, JsError):
        text = value.describe()
    elif isinstance(value, str):
        text = "'" + value.replace("'", "\\'") + "'"
    elif isinstance(value, list | tuple):
        text = "[" + ", ".join(render_value(v, limit) for v in value) + "]"
    elif isinstance(value, dict):
        text = "{" + ", ".join(f"{k}: {render_value(v, limit)}" for k, v in value.items()) + "}"
    else:
        text = repr(value)
    return _clip(text, limit)


def _clip(text: str, limit: int = 200) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
