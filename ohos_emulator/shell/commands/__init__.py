"""The commands of the emulated device's shell, by name."""

from __future__ import annotations

from ohos_emulator.shell.commands import basic, bm, console, emuctl, files, hilog_cmd, probes, system
from ohos_emulator.shell.io import Command


def all_commands() -> dict[str, Command]:
    """Every command the emulated device has."""
    return {
        **basic.COMMANDS,
        **files.COMMANDS,
        **system.COMMANDS,
        **hilog_cmd.COMMANDS,
        **probes.COMMANDS,
        **bm.COMMANDS,
        **emuctl.COMMANDS,
        **console.COMMANDS,
    }
