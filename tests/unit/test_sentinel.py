"""harness.transport.sentinel: wrapping a command so its exit status comes back, and parsing it."""

from __future__ import annotations

import pytest

from harness.errors import TransportError
from harness.transport.sentinel import Sentinel


@pytest.fixture
def sentinel() -> Sentinel:
    return Sentinel.new()


def test_each_sentinel_has_its_own_nonce() -> None:
    assert Sentinel.new().nonce != Sentinel.new().nonce


def test_wrap_puts_the_marker_on_its_own_line_after_a_blank_one(sentinel: Sentinel) -> None:
    wrapped = sentinel.wrap("ls /data &")
    assert wrapped.startswith("ls /data &\n\necho ")
    assert wrapped.endswith("=$?")
    # what a console echoes back is not the marker the device prints
    assert sentinel.marker not in wrapped


def test_parse_returns_output_and_status(sentinel: Sentinel) -> None:
    assert sentinel.parse(f"hi\n{sentinel.marker}0\n") == ("hi\n", 0)
    assert sentinel.parse(f"sh: foo: not found\n{sentinel.marker}127\n") == ("sh: foo: not found\n", 127)


def test_output_without_final_newline(sentinel: Sentinel) -> None:
    assert sentinel.parse(f"abc{sentinel.marker}1\n") == ("abc", 1)


def test_crlf_output_and_marker(sentinel: Sentinel) -> None:
    assert sentinel.parse(f"a\r\nb\r\n{sentinel.marker}3\r\n") == ("a\r\nb\r\n", 3)


def test_another_nonce_in_the_output_is_just_output(sentinel: Sentinel) -> None:
    fake = Sentinel.new()
    output = f"{fake.marker}0\n{sentinel.marker}42\n"
    assert sentinel.parse(output) == (f"{fake.marker}0\n", 42)


def test_the_echoed_command_line_is_not_a_marker(sentinel: Sentinel) -> None:
    echoed = sentinel.wrap("true").replace("\n", "\r\n") + "\r\n"
    assert sentinel.find(echoed) is None
    assert sentinel.parse(echoed + f"{sentinel.marker}0\r\n") == (echoed, 0)


def test_incomplete_marker_line_is_not_found_yet(sentinel: Sentinel) -> None:
    assert sentinel.find(f"out\n{sentinel.marker}1") is None
    assert sentinel.find(f"out\n{sentinel.marker}12\n").exit_status == 12


def test_missing_marker_quotes_the_tail_and_names_device_and_transport(sentinel: Sentinel) -> None:
    output = "x" * 1000 + "sh: syntax error: unterminated quoted string\n"
    with pytest.raises(TransportError) as caught:
        sentinel.parse(output, device="emu-0001", transport="hdc")
    message = str(caught.value)
    assert message.startswith("[emu-0001/hdc]")
    assert "unterminated quoted string" in message
    assert "x" * 500 not in message
