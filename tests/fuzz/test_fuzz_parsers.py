"""Fuzz targets for every parser of outside input: each refuses bad input with its own error, never
another exception (docs/emulator.md, "Fuzzing"). Crashes found become the @example lines."""

from __future__ import annotations

import contextlib
import tempfile
import zlib
from pathlib import Path

import pytest
from hypothesis import example, given
from hypothesis import strategies as st

from harness.errors import ConfigError, ShimError
from harness.inventory import parse_inventory
from harness.kernel_log import PRINTK_LINE_BYTES, pop_line, strip_kernel_lines
from harness.shim.channel import LineChannel
from harness.spec import load_edition
from harness.waivers import load_waivers
from harness.yamlfile import parse_yaml
from ohos_emulator.fronts.hdc import files, install
from ohos_emulator.shell.parser import ShellSyntaxError, parse
from ohos_protocol import hdc_wire as wire

BANNERED = st.binary(max_size=300).map(lambda tail: wire.server_banner() + tail)
COMMAND_WORDS = st.sampled_from(
    ["send", "recv", "send remote", "recv remote", "-cwd", "-a", "-z", "-x", '"', "'"]
)
COMMAND_TEXT = st.lists(st.one_of(COMMAND_WORDS, st.text(max_size=12)), max_size=8).map(" ".join)
YAML_WORDS = st.sampled_from(
    [
        "devices:",
        "- id: x",
        "  hdc:",
        "    server: 127.0.0.1:1",
        "    key: k",
        "  ssh:",
        "    port: 22",
        "profile: ohos-4.0",
        "edition: api10-doc",
        "deviations:",
        "  - id: D1",
        "    requirements: [a]",
        "endpoints: e.json",
        "  serial: {url: 'socket://h:1'}",
        "&a",
        "*a",
        "!!python/object:os.system",
        "{",
        "[",
    ]
)
YAML_TEXT = st.lists(st.one_of(YAML_WORDS, st.text(max_size=20)), max_size=12).map("\n".join)


@given(st.lists(st.binary(max_size=64), max_size=10))
@example([b"\x00\x00\x00\x00"])
@example([b"\xff\xff\xff\xff" + b"x" * 10])
def test_frame_decoder_yields_frames_or_a_protocol_error(chunks: list[bytes]) -> None:
    decoder = wire.FrameDecoder(limit=1024)
    try:
        for chunk in chunks:
            decoder.feed(chunk)
            while (frame := decoder.next_frame()) is not None:
                assert 0 < len(frame) <= 1024
    except wire.ProtocolError:
        pass


@given(st.one_of(st.binary(max_size=1200), BANNERED))
@example(wire.server_banner() + b"k" * 33)
@example(b"OHOS HDC")
def test_handshakes_decode_or_refuse(payload: bytes) -> None:
    try:
        hello = wire.ClientHello.decode(payload)
    except wire.ProtocolError:
        pass
    else:
        assert len(hello.connect_key.encode("utf-8", "surrogatepass")) <= 4 * wire.CONNECT_KEY_SIZE
    with contextlib.suppress(wire.ProtocolError):
        wire.ServerHello.decode(payload)


@given(st.binary(max_size=200), st.integers(0, 1 << 20), st.integers(0, 1 << 20))
@example(b"\x08" + b"\xff" * 11, 0, 10)
@example(b"\x0a\xff\xff\xff\xff\x0f", 0, 10)
def test_transfer_structs_decode_or_refuse(data: bytes, offset: int, size: int) -> None:
    for decode in (wire.TransferConfig.decode, wire.TransferPayload.decode_header):
        with contextlib.suppress(wire.ProtocolError):
            decode(data)
    try:
        wire.split_command(data)
        wire.data_payload(data.ljust(wire.PAYLOAD_HEADER_SIZE, b"\0"), offset, size)
    except wire.ProtocolError:
        pass


@given(COMMAND_TEXT)
@example("")  # found by this target: `file ` with nothing after it raised IndexError
@example("send")
@example('send "unterminated')
def test_the_servers_file_and_install_command_parsers_refuse_with_fail_text(arguments: str) -> None:
    try:
        command = files.parse(arguments)
    except files.TransferFailed as exc:
        assert str(exc)
    else:
        assert command.verb and command.source is not None
    with contextlib.suppress(files.TransferFailed):
        install._words(arguments)


@given(st.text(max_size=200))
@example("echo a |")
@example("a && || b")
@example("cat <")
@example("echo 2>&")
def test_the_shell_parser_parses_or_raises_a_syntax_error(line: str) -> None:
    with contextlib.suppress(ShellSyntaxError):
        parse(line)


@given(YAML_TEXT)
@example("devices:\n- id: x\n  hdc: {server: '127.0.0.1:99999'}")
@example("!!python/object/apply:os.system ['id']")
@example("\x1f")  # found by this target: a control character escaped as yaml.ReaderError
def test_the_inventory_loader_accepts_or_names_the_problem(text: str) -> None:
    try:
        parse_inventory(parse_yaml(text, "fuzz.yaml"), Path("/nonexistent/fuzz.yaml"))
    except ConfigError as exc:
        assert "fuzz.yaml" in str(exc)


EDITION = load_edition("api10-doc")


@given(YAML_TEXT)
@example("profile: ohos-4.0\nedition: api10-doc\ndeviations:\n  - id: D1")
@example("\x08")
def test_the_waiver_loader_accepts_or_names_the_problem(text: str) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzz.yaml"
        path.write_text(text, encoding="utf-8")
        try:
            load_waivers(str(path), EDITION)
        except ConfigError as exc:
            assert "fuzz.yaml" in str(exc)


PRINTK = st.builds(
    lambda seconds, text: f"[{seconds:12.6f}] {text}\n".encode(),
    st.floats(0, 1e6, allow_nan=False),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",), blacklist_characters="\n\r"), max_size=20),
)


@given(st.lists(st.one_of(st.binary(max_size=30), PRINTK), max_size=12))
@example([b"abc", b"[ 1.0] kernel\n", b"def\n"])
@example([b"[", b"\n"])
def test_the_serial_line_filter_takes_out_printk_lines_and_keeps_the_rest(pieces: list[bytes]) -> None:
    buffer = bytearray(b"".join(pieces))
    lines = []
    while (line := pop_line(buffer)) is not None:
        lines.append(line)
    for line in lines:
        assert line.endswith(b"\n")
        assert PRINTK_LINE_BYTES.fullmatch(line) is None
    assert b"\n" not in buffer
    assert strip_kernel_lines(strip_kernel_lines(b"".join(pieces))) == strip_kernel_lines(b"".join(pieces))


class _NoStream:
    """The armor check parses lines only; it never touches the stream."""


@given(st.binary(max_size=200), st.booleans())
@example(b"{}\t", False)
@example(b'{"a":1}\tzzzzzzzz', False)
def test_the_armor_accepts_exactly_the_lines_whose_checksum_matches(payload: bytes, armored: bool) -> None:
    channel = LineChannel(_NoStream(), armor=True)  # type: ignore[arg-type]
    line = payload + b"\t%08x" % zlib.crc32(payload) if armored else payload
    try:
        message = channel._parse(line)
    except ShimError:
        if armored:
            with pytest.raises(ShimError, match="JSON"):
                channel._parse(line)
    else:
        assert isinstance(message, dict)
