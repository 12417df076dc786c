"""Download: invalid arguments are refused by a synchronous throw of 401."""

import pytest

from harness.shim.values import UNDEFINED, Callback

URI = "file://media/Photo/1/IMG_0001.jpg"
"""A well-formed uri: the calls below are refused for their other arguments before it matters."""
THROWN_401 = ("module.contract.argument-errors-thrown", "module.contract.error-object")


def _case(case_id: str, member: str, args: tuple, style: str, *ids: str) -> object:
    return pytest.param(member, args, style, id=case_id, marks=pytest.mark.requirement(*ids, *THROWN_401))


CASES = [
    _case(
        "on-unknown-event",
        "on",
        ("bogus", Callback("cb")),
        "sync",
        "Download.on.param.evt",
        "Download.on.E401",
    ),
    _case(
        "on-event-not-a-string",
        "on",
        (5, Callback("cb")),
        "sync",
        "Download.on.param.evt",
        "Download.on.E401",
    ),
    _case("on-no-arguments", "on", (), "sync", "Download.on.param.evt", "Download.on.E401"),
    _case("on-too-many", "on", ("progress", Callback("cb"), 1), "sync", "Download.on.E401"),
    _case("off-unknown-event", "off", ("bogus",), "sync", "Download.off.param.evt", "Download.off.E401"),
    _case("off-event-not-a-string", "off", (5,), "sync", "Download.off.param.evt", "Download.off.E401"),
    _case("off-no-arguments", "off", (), "sync", "Download.off.param.evt", "Download.off.E401"),
    _case("off-too-many", "off", ("progress", 1), "sync", "Download.off.E401"),
    _case(
        "start-no-uri",
        "start",
        (),
        "promise",
        "Download.start.promise.param.uri",
        "Download.start.promise.E401",
    ),
    _case(
        "start-uri-not-a-string",
        "start",
        (5,),
        "promise",
        "Download.start.promise.param.uri",
        "Download.start.promise.E401",
    ),
    _case("start-too-many", "start", (URI, 1, 2), "promise", "Download.start.promise.E401"),
    _case(
        "start-callback-uri-not-a-string",
        "start",
        (5,),
        "callback",
        "Download.start.callback.param.uri",
        "Download.start.callback.E401",
    ),
    _case(
        "start-callback-uri-undefined",
        "start",
        (UNDEFINED,),
        "callback",
        "Download.start.callback.param.uri",
        "Download.start.callback.E401",
    ),
    _case("start-callback-too-many", "start", (URI, 1), "callback", "Download.start.callback.E401"),
    _case(
        "stop-no-uri", "stop", (), "promise", "Download.stop.promise.param.uri", "Download.stop.promise.E401"
    ),
    _case(
        "stop-uri-not-a-string",
        "stop",
        (5,),
        "promise",
        "Download.stop.promise.param.uri",
        "Download.stop.promise.E401",
    ),
    _case("stop-too-many", "stop", (URI, 1, 2), "promise", "Download.stop.promise.E401"),
    _case(
        "stop-callback-uri-not-a-string",
        "stop",
        (5,),
        "callback",
        "Download.stop.callback.param.uri",
        "Download.stop.callback.E401",
    ),
    _case(
        "stop-callback-uri-undefined",
        "stop",
        (UNDEFINED,),
        "callback",
        "Download.stop.callback.param.uri",
        "Download.stop.callback.E401",
    ),
    _case("stop-callback-too-many", "stop", (URI, 1), "callback", "Download.stop.callback.E401"),
]


@pytest.mark.parametrize(("member", "args", "style"), CASES)
def test_invalid_arguments_throw_401(cloudsync, member, args, style):
    cloudsync.download().call(member, *args, style=style).expect_error(401, "thrown")


@pytest.mark.requirement("Download.on.param.callback")
def test_on_without_a_function_callback_throws_401(cloudsync):
    download = cloudsync.download()
    download.call("on", "progress").expect_error(401, "thrown")
    download.call("on", "progress", "not a function").expect_error(401, "thrown")


@pytest.mark.requirement("Download.start.callback.param.callback")
def test_start_with_a_callback_that_is_not_a_function_throws_401(cloudsync):
    cloudsync.download().call("start", URI, "not a function").expect_error(401, "thrown")


@pytest.mark.requirement("Download.stop.callback.param.callback")
def test_stop_with_a_callback_that_is_not_a_function_throws_401(cloudsync):
    cloudsync.download().call("stop", URI, "not a function").expect_error(401, "thrown")
