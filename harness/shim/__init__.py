"""The host side of the on-device JS shim.

``ShimClient`` speaks docs/shim-protocol.md over any :class:`harness.transport.base.Stream`. The
shim's JS core lives in :mod:`ohos_protocol.shim`; the emulated device runs it with Node.
"""

from harness.shim.client import PROTOCOL_MAJOR, RemoteObject, ShimClient, ShimRequestError, Style
from harness.shim.results import Event, ExtraCall, Outcome
from harness.shim.values import UNDEFINED, Callback, JsBigInt, JsError, JsFunction, Undefined

__all__ = [
    "PROTOCOL_MAJOR",
    "UNDEFINED",
    "Callback",
    "Event",
    "ExtraCall",
    "JsBigInt",
    "JsError",
    "JsFunction",
    "Outcome",
    "RemoteObject",
    "ShimClient",
    "ShimRequestError",
    "Style",
    "Undefined",
]
