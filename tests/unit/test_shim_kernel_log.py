"""Removing printk lines from console text (harness.kernel_log)."""

from __future__ import annotations

from harness.kernel_log import pop_line, strip_kernel_lines

PRINTK = "[  123.456789] usb 1-1: new high-speed USB device number 2\r\n"


def test_strips_whole_lines_and_lines_injected_mid_line() -> None:
    text = f'{PRINTK}{{"id":1,"re{PRINTK}sult":2}}\n[    0.000001]\n'
    assert strip_kernel_lines(text) == '{"id":1,"result":2}\n'
    assert strip_kernel_lines(text.encode()) == b'{"id":1,"result":2}\n'


def test_keeps_text_that_only_looks_alike() -> None:
    kept = '{"a":[1.5],"b":"[ 1.5]x"}\tdeadbeef\n[12] not printk\n'
    assert strip_kernel_lines(kept) == kept


def test_pop_line_waits_for_the_interrupted_line_to_end() -> None:
    buffer = bytearray(b'{"id":1,"re' + PRINTK.encode() + b'sult"')
    assert pop_line(buffer) is None
    buffer += b':2}\n{"id":2'
    assert pop_line(buffer) == b'{"id":1,"result":2}\n'
    assert pop_line(buffer) is None
    assert bytes(buffer) == b'{"id":2'


def test_pop_line_with_a_printk_line_still_incomplete() -> None:
    buffer = bytearray(b'{"x":1}[ 5.000000] half a kernel li')
    assert pop_line(buffer) is None
    buffer += b"ne\n}\n"
    assert pop_line(buffer) == b'{"x":1}}\n'
