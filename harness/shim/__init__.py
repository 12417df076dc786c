"""The host side of the on-device JS shim, and where its JS lives.

``ShimClient`` speaks docs/shim-protocol.md over any :class:`harness.transport.base.Stream`;
``JS_DIR``/``NODE_ENTRY`` locate the JS shim that the emulated device runs with Node.
"""

from pathlib import Path

from harness.shim.client import PROTOCOL_MAJOR, RemoteObject, ShimClient, ShimRequestError, Style
from harness.shim.results import Event, ExtraCall, Outcome
from harness.shim.values import UNDEFINED, Callback, JsBigInt, JsError, JsFunction, Undefined

JS_DIR = Path(__file__).parent / "js"
NODE_ENTRY = JS_DIR / "node-entry.js"

__all__ = [
    "JS_DIR",
    "NODE_ENTRY",
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
