"""The serial transport: a device's serial console through pyserial (tty, pty, socket://, rfc2217://)."""

from harness.transport.serial.transport import SerialTransport

__all__ = ["SerialTransport"]
