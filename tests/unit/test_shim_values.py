"""The Python side of the shim value encoding (harness.shim.values, harness.shim.results)."""

from __future__ import annotations

import math

import pytest

from harness.errors import ShimError
from harness.shim import UNDEFINED, Callback, JsBigInt, JsError, JsFunction, Outcome
from harness.shim.results import Event
from harness.shim.values import decode_value, encode_value, render_value


def test_encodes_python_values_to_the_wire() -> None:
    assert encode_value([None, True, 3, "s", UNDEFINED, Callback("cb")]) == [
        None,
        True,
        3,
        "s",
        {"$undefined": True},
        {"$callback": "cb"},
    ]
    assert encode_value([math.nan, math.inf, -math.inf, -0.0, 0.0]) == [
        {"$number": "NaN"},
        {"$number": "Infinity"},
        {"$number": "-Infinity"},
        {"$number": "-0"},
        0.0,
    ]
    assert encode_value(JsBigInt(-5)) == {"$bigint": "-5"}
    assert encode_value({"$k": {"$j": 1}}) == {"$object": {"$k": {"$object": {"$j": 1}}}}
    assert encode_value(JsError("Error", "m")) == {"$error": {"name": "Error", "message": "m"}}
    assert encode_value(JsError("Error", "m", UNDEFINED, True)) == {
        "$error": {"name": "Error", "message": "m", "code": {"$undefined": True}}
    }


def test_refuses_what_cannot_go_on_the_wire() -> None:
    with pytest.raises(TypeError, match="set"):
        encode_value({1, 2})
    with pytest.raises(TypeError, match="keys must be strings"):
        encode_value({1: "a"})


def test_decodes_and_keeps_missing_code_apart_from_undefined_code() -> None:
    assert decode_value({"$error": {"name": "Error", "message": "m"}}) == JsError("Error", "m", None, False)
    undefined = decode_value({"$error": {"name": "Error", "message": "m", "code": {"$undefined": True}}})
    assert (undefined.has_code, undefined.code) == (True, UNDEFINED)
    assert decode_value({"$function": ""}) == JsFunction("")
    assert decode_value({"a": {"$object": {"$b": {"$undefined": True}}}}) == {"a": {"$b": UNDEFINED}}


@pytest.mark.parametrize(
    "wire",
    [{"$callback": "x"}, {"$number": "nan"}, {"$bigint": "1.5"}, {"$error": {"name": "E"}}, {"$what": 1}],
)
def test_decoding_a_bad_form_is_a_shim_error(wire: object) -> None:
    with pytest.raises(ShimError, match="invalid"):
        decode_value(wire)


def test_outcome_routes_and_summaries() -> None:
    rejected = Outcome.from_wire(
        {
            "outcome": "rejected",
            "error": {"name": "Error", "message": "IPC error", "code": 13600001},
            "elapsedMs": 1,
        }
    )
    assert (rejected.how, rejected.error.code) == ("rejected", 13600001)
    assert rejected.summary() == "rejected Error code=13600001: 'IPC error'"
    plain = Outcome.from_wire(
        {"outcome": "thrown", "error": {"name": "Error", "message": "x"}, "elapsedMs": 0}
    )
    assert plain.summary() == "thrown Error (no code): 'x'"
    odd = Outcome.from_wire(
        {"outcome": "callback", "error": None, "errorValue": 3, "value": {"$undefined": True}}
    )
    assert (odd.how, odd.error, odd.error_value) == ("callback", None, 3)
    ok = Outcome.from_wire({"outcome": "callback", "error": None, "value": {"$undefined": True}})
    assert (ok.how, ok.failed) == (None, False)
    with pytest.raises(ShimError):
        Outcome.from_wire({"outcome": "exploded"})


def test_event_from_wire() -> None:
    event = Event.from_wire({"callback": "p", "seq": 2, "time": 1.5, "args": [{"state": 4, "error": 0}]})
    assert (event.seq, event.arg) == (2, {"state": 4, "error": 0})
    with pytest.raises(ShimError):
        Event.from_wire({"callback": "p", "seq": "2", "args": []})


def test_render_value_is_short_and_js_like() -> None:
    assert (
        render_value([UNDEFINED, None, True, "it's", Callback("p")])
        == "[undefined, null, true, 'it\\'s', cb:p]"
    )
    assert len(render_value("x" * 500)) == 60
