"""The emulated device's serial console (pty, `socket://`, `rfc2217://`)."""

from ohos_emulator.fronts.serial.console import SerialConsole

__all__ = ["SerialConsole"]
