"""Parse a shell command line into lists, and-or chains, pipelines and simple commands.

The grammar is the part of `sh` the harness and its users type at devices: words with single and
double quotes and backslashes, `$?`, `$$`, `$NAME`, `${NAME}`, `;` and newlines, `&&`, `||`, `|`, and
the redirections `<`, `>`, `>>`, `2>`, `2>>`, `2>&1`, `&>`. No globbing, no subshells, no `$(...)`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field


class ShellSyntaxError(Exception):
    """The line is not something this shell can parse; the message is what `sh` would print."""


@dataclass(frozen=True)
class Word:
    """A word as typed: parts are (text, expand) pairs; quoted single parts never expand."""

    parts: tuple[tuple[str, bool], ...]


@dataclass(frozen=True)
class Redirect:
    fd: int
    op: str  # "<", ">", ">>", ">&"
    target: Word | int


@dataclass
class SimpleCommand:
    words: list[Word] = field(default_factory=list)
    redirects: list[Redirect] = field(default_factory=list)


@dataclass
class Pipeline:
    commands: list[SimpleCommand]


@dataclass
class AndOr:
    first: Pipeline
    rest: list[tuple[str, Pipeline]]  # ("&&" | "||", pipeline)


OPERATORS = ("&&", "||", ";;", "2>>", "2>&1", "&>", ">>", "2>", ">&", ";", "|", "<", ">", "\n", "&")
_SPECIAL = frozenset(" \t\r\n'\"\\;&|<>#")
_PLAIN_RUN = re.compile(r"[^ \t\r\n'\"\\;&|<>#]+")


def _tokens(line: str) -> list[Word | str]:
    """Words (as Word) and operators (as str)."""
    tokens: list[Word | str] = []
    parts: list[tuple[str, bool]] = []
    current: list[str] = []
    in_word = False
    i, n = 0, len(line)

    def flush_text(expand: bool) -> None:
        if current:
            parts.append(("".join(current), expand))
            current.clear()

    def end_word() -> None:
        nonlocal in_word
        flush_text(True)
        if in_word:
            tokens.append(Word(tuple(parts)))
            parts.clear()
        in_word = False

    while i < n:
        ch = line[i]
        if ch not in _SPECIAL and (in_word or not line.startswith("2>", i)):
            run = _PLAIN_RUN.match(line, i)
            assert run is not None
            current.append(run.group(0))  # a run of ordinary characters, in one step
            in_word = True
            i = run.end()
            continue
        if ch == "#" and not in_word:
            end = line.find("\n", i)
            i = n if end < 0 else end
            continue
        if ch in " \t" or ch == "\r":
            end_word()
            i += 1
            continue
        operator = next((op for op in OPERATORS if line.startswith(op, i)), None)
        if operator and not (operator[0] == "2" and in_word):
            end_word()
            tokens.append(operator)
            i += len(operator)
            continue
        in_word = True
        if ch == "'":
            end = line.find("'", i + 1)
            if end < 0:
                raise ShellSyntaxError("syntax error: unterminated quoted string")
            flush_text(True)
            parts.append((line[i + 1 : end], False))
            i = end + 1
        elif ch == '"':
            flush_text(True)
            j = i + 1
            quoted: list[str] = []
            while j < n and line[j] != '"':
                if line[j] == "\\" and j + 1 < n and line[j + 1] in '"\\$`':
                    quoted.append("\\" + line[j + 1] if line[j + 1] == "$" else line[j + 1])
                    j += 2
                    continue
                quoted.append(line[j])
                j += 1
            if j >= n:
                raise ShellSyntaxError("syntax error: unterminated quoted string")
            parts.append(("".join(quoted), True))
            i = j + 1
        elif ch == "\\" and line.startswith("\n", i + 1):
            i += 2  # a line continuation
        elif ch == "\\" and i + 1 < n:
            current.append("\\" + line[i + 1] if line[i + 1] == "$" else line[i + 1])
            i += 2
        else:
            current.append(ch)
            i += 1
    end_word()
    return tokens


SEPARATORS = (";", "\n", "&")
REDIRECTIONS = ("<", ">", ">>", "2>", "2>>", "&>", ">&", "2>&1")


class _Stream:
    def __init__(self, items: list[Word | str]) -> None:
        self._items = items
        self._at = 0

    def peek(self) -> Word | str | None:
        return self._items[self._at] if self._at < len(self._items) else None

    def take(self) -> Word | str:
        item = self._items[self._at]
        self._at += 1
        return item


def _unexpected(item: Word | str | None) -> ShellSyntaxError:
    shown = "end of file" if item is None else ("newline" if item == "\n" else str(item))
    return ShellSyntaxError(f"syntax error: unexpected '{shown}'")


def _command(stream: _Stream) -> SimpleCommand:
    command = SimpleCommand()
    while True:
        item = stream.peek()
        if isinstance(item, Word):
            command.words.append(stream.take())  # type: ignore[arg-type]
        elif item == "2>&1":
            stream.take()
            command.redirects.append(Redirect(2, ">&", 1))
        elif item in REDIRECTIONS:
            stream.take()
            target = stream.peek()
            if not isinstance(target, Word):
                raise ShellSyntaxError(f"syntax error: missing target after '{item}'")
            stream.take()
            if item == "&>":
                command.redirects += [Redirect(1, ">", target), Redirect(2, ">&", 1)]
            elif item == ">&" and target.parts in ((("1", True),), (("2", True),)):
                command.redirects.append(Redirect(1, ">&", int(target.parts[0][0])))
            elif item == ">&":
                command.redirects += [Redirect(1, ">", target), Redirect(2, ">&", 1)]
            else:
                fd = 2 if item.startswith("2") else (0 if item == "<" else 1)
                command.redirects.append(Redirect(fd, item.lstrip("2"), target))
        else:
            break
    if not command.words and not command.redirects:
        raise _unexpected(stream.peek())
    return command


def _pipeline(stream: _Stream) -> Pipeline:
    commands = [_command(stream)]
    while stream.peek() == "|":
        stream.take()
        commands.append(_command(stream))
    return Pipeline(commands)


def _and_or(stream: _Stream) -> AndOr:
    chain = AndOr(_pipeline(stream), [])
    while stream.peek() in ("&&", "||"):
        operator = stream.take()
        while stream.peek() == "\n":
            stream.take()
        chain.rest.append((str(operator), _pipeline(stream)))
    return chain


def parse(line: str) -> list[AndOr]:
    """The and-or chains of a line, in order."""
    stream = _Stream(_tokens(line))
    chains: list[AndOr] = []
    while stream.peek() is not None:
        if stream.peek() == "\n":
            stream.take()
            continue
        chains.append(_and_or(stream))
        separator = stream.peek()
        if separator is None:
            break
        if separator not in SEPARATORS:
            raise _unexpected(separator)
        stream.take()
    return chains
