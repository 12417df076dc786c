"""JS types of decoded shim values, and progress payloads checked against the edition's interfaces."""

import math

import pytest

from harness.conformance.jstypes import js_typeof, payload_problems
from harness.shim.values import UNDEFINED, JsBigInt, JsError, JsFunction, decode_value
from harness.spec import load_edition


@pytest.fixture(scope="module")
def edition():
    return load_edition("api10-doc")


@pytest.mark.parametrize(
    ("wire", "typeof"),
    [
        ({"$undefined": True}, "undefined"),
        (True, "boolean"),
        (0, "number"),
        (1.5, "number"),
        ({"$number": "NaN"}, "number"),
        ({"$bigint": "12"}, "bigint"),
        ("4", "string"),
        ({"$function": "start"}, "function"),
        (None, "object"),
        ([], "object"),
        ({"state": 0}, "object"),
        ({"$error": {"name": "Error", "message": "m"}}, "object"),
    ],
)
def test_js_typeof_of_decoded_values(wire, typeof):
    assert js_typeof(decode_value(wire)) == typeof


def test_js_typeof_refuses_what_the_shim_never_decodes_to():
    with pytest.raises(TypeError):
        js_typeof(object())


def test_a_conformant_download_progress_has_no_problems(edition):
    payload = {"state": 0, "processed": 65536, "size": 1_000_000, "uri": "file://media/Photo/1/a.jpg"}
    assert payload_problems(payload, edition.interface("DownloadProgress"), edition) == []


def _progress(**changes):
    return {"state": 0, "processed": 0, "size": 1, "uri": "u", **changes}


@pytest.mark.parametrize(
    ("payload", "problem"),
    [
        ({"state": 0, "processed": 0, "size": 1}, "DownloadProgress.uri is missing"),
        (_progress(size="1"), "DownloadProgress.size is a number, not string"),
        (_progress(state=9), "DownloadProgress.state = 9 is not a State value"),
        (_progress(state="0"), "DownloadProgress.state is a number, not string"),
        (_progress(processed=True), "DownloadProgress.processed is a number, not boolean"),
        (_progress(processed=JsBigInt(1)), "DownloadProgress.processed is a number, not bigint"),
        (_progress(uri=UNDEFINED), "DownloadProgress.uri is a string, not undefined"),
    ],
)
def test_download_progress_problems_are_named(edition, payload, problem):
    problems = payload_problems(payload, edition.interface("DownloadProgress"), edition)
    assert len(problems) == 1 and problem in problems[0], problems


def test_sync_progress_values_outside_their_enums_are_problems(edition):
    interface = edition.interface("SyncProgress")
    assert payload_problems({"state": 4, "error": 0}, interface, edition) == []
    problems = payload_problems({"state": 6, "error": math.nan}, interface, edition)
    assert [p.split(" = ")[0] for p in problems] == ["SyncProgress.state", "SyncProgress.error"]


@pytest.mark.parametrize("payload", [UNDEFINED, None, [1], JsFunction("f"), JsError("Error", "m")])
def test_a_payload_that_is_not_an_object_is_one_problem(edition, payload):
    problems = payload_problems(payload, edition.interface("SyncProgress"), edition)
    assert len(problems) == 1 and problems[0].startswith("SyncProgress is an object"), problems
