"""The emulated device as the harness sees it: another program, run as a child process.

The harness never imports the emulator's package; it runs ``python -m ohos_emulator`` (the
``ohos-hil-emulator`` command) and reads what it prints.
"""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import dataclass
from functools import cache

from harness.errors import ConfigError, InfrastructureError

PROGRAM = (sys.executable, "-m", "ohos_emulator")
LIST_TIMEOUT = 30.0
DEFAULT_PROFILE = "api10-doc"
EXIT_USAGE = 64


def emulator_command(*args: str) -> list[str]:
    """The command line that runs the emulator program with ``args``."""
    return [*PROGRAM, *args]


@dataclass(frozen=True)
class SeededDeviationInfo:
    """One seeded deviation, as the emulator program lists it."""

    name: str
    family: str
    description: str
    observers: tuple[str, ...] = ("suites",)
    """The suite paths that can observe it (a run narrowed to them is enough)."""


def _listing(what: str, *flags: str) -> list[dict]:
    try:
        completed = subprocess.run(
            emulator_command(what, *flags, "--json"), capture_output=True, text=True, timeout=LIST_TIMEOUT
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InfrastructureError(f"the emulator program did not list its {what}: {exc}") from None
    if completed.returncode != 0:
        raise InfrastructureError(
            f"the emulator program did not list its {what} (exit {completed.returncode}): "
            f"{completed.stderr.strip()[-500:]}"
        )
    return json.loads(completed.stdout)


@cache
def seeded_deviations() -> dict[str, SeededDeviationInfo]:
    """The seeded deviations the emulator program knows, by name."""
    return {row["name"]: SeededDeviationInfo(**row) for row in _listing("deviations")}


@cache
def generated_deviations() -> dict[str, SeededDeviationInfo]:
    """The generated deviations of the emulator program (`deviations --generated`), by id, in order."""
    return {
        row["name"]: SeededDeviationInfo(**{**row, "observers": tuple(row["observers"])})
        for row in _listing("deviations", "--generated")
    }


@cache
def profile_names() -> tuple[str, ...]:
    """The behaviour profiles the emulator program knows."""
    return tuple(row["name"] for row in _listing("profiles"))


def check_options(profile: str, seeded_deviation: str | None = None) -> None:
    """A ConfigError, before anything starts, for a profile or seeded deviation the emulator lacks.

    The default profile is not asked about (it costs a child process); the emulator still refuses
    it at start if it were missing.
    """
    if profile != DEFAULT_PROFILE and profile not in profile_names():
        raise ConfigError(f"unknown emulator profile {profile!r}; known: {', '.join(profile_names())}")
    if seeded_deviation is not None:
        _check_deviation(seeded_deviation)


def _check_deviation(name: str) -> None:
    """Ask the emulator program whether it knows ``name`` (one child process, nothing listed)."""
    try:
        completed = subprocess.run(
            emulator_command("deviations", "--check", name),
            capture_output=True,
            text=True,
            timeout=LIST_TIMEOUT,
        )
    except (OSError, subprocess.TimeoutExpired) as exc:
        raise InfrastructureError(
            f"the emulator program did not check the deviation {name!r}: {exc}"
        ) from None
    if completed.returncode == EXIT_USAGE:
        raise ConfigError(completed.stderr.strip().removeprefix("ohos-hil-emulator: ")[-500:])
    if completed.returncode != 0:
        raise InfrastructureError(
            f"the emulator program did not check the deviation {name!r} (exit {completed.returncode}): "
            f"{completed.stderr.strip()[-500:]}"
        )
