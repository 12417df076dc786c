"""What a `shell …` command string asks for, as the real hdc server and daemon read it.

Facts (docs/hdc-protocol.md, "Shell command strings"): a string starting with `shell -` has its options
parsed by the server (only `-b BUNDLE` exists; any other option is `[E003003] Unsupport shell option: X`);
the daemon trims blanks and one pair of enclosing double quotes before handing the command to `sh -c`,
because the real CLI wraps every argument that holds a space in `"…"`.
"""

from __future__ import annotations

from dataclasses import dataclass

MISSING_BUNDLE = (
    "[E003005] The parameter is missing, correct your input by referring below:\n"
    "Usage: hdc shell [-b bundlename] [COMMAND...]"
)


@dataclass(frozen=True)
class ShellRequest:
    """A command to run (None: an interactive shell), or the error the server answers instead."""

    command: str | None = None
    error: str | None = None


def daemon_trim(command: str) -> str:
    """Base::ShellCmdTrim: strip blanks, then one pair of enclosing double quotes."""
    command = command.strip(" \t\r\n")
    if len(command) >= 2 and command[0] == '"' and command[-1] == '"':
        command = command[1:-1]
    return command


def _options(rest: str) -> ShellRequest:
    """`-b BUNDLE [COMMAND…]`; the command keeps its own spacing and quotes."""
    at = 0
    while True:
        rest_here = rest[at:].lstrip(" ")
        at = len(rest) - len(rest_here)
        if not rest_here:
            return ShellRequest()
        word = rest_here.split(" ", 1)[0]
        if word == "-b":
            after = rest_here[len(word) :].lstrip(" ")
            bundle = after.split(" ", 1)[0] if after else ""
            if not bundle:
                return ShellRequest(error=MISSING_BUNDLE)
            at = len(rest) - len(after) + len(bundle)
            continue
        if word.startswith("-"):
            return ShellRequest(error=f"[E003003] Unsupport shell option: {word}")
        return ShellRequest(command=daemon_trim(rest_here))


def shell_request(line: str) -> ShellRequest:
    """`shell`, `shell CMD` or `shell -b BUNDLE CMD` (``line`` without its trailing NUL)."""
    if line == "shell":
        return ShellRequest()
    rest = line[len("shell ") :]
    if rest.startswith("-"):
        return _options(rest)
    return ShellRequest(command=daemon_trim(rest))
