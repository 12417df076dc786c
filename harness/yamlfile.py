"""Safe YAML loading that remembers the line of every value, and validators that name file:line.

The spec editions, the device inventory and waiver files are all read with :func:`load_yaml`. It
uses PyYAML's safe loader only, with two changes that make hand-written files less surprising:

- a mapping that repeats a key is an error (PyYAML would silently keep the last value);
- booleans are ``true``/``false`` only (YAML 1.2), so ``on``, ``off``, ``yes``, ``no`` stay strings.

Every problem, from a syntax error to a value of the wrong type, raises
:class:`harness.errors.ConfigError` with a message such as
``devices/lab.yaml:12: ssh.port: expected an integer, got 'abc'``.
"""

from __future__ import annotations

import difflib
import os
import re
from collections.abc import Collection, Iterable
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, SequenceNode

from harness.errors import ConfigError

YamlPath = tuple[str | int, ...]
"""Where a value sits in a document: mapping keys and list indexes from the top."""

_BOOL_TAG = "tag:yaml.org,2002:bool"
_MERGE_TAG = "tag:yaml.org,2002:merge"


class _StrictBoolLoader(yaml.SafeLoader):
    """SafeLoader whose only booleans are true/false (YAML 1.2 core schema)."""


_StrictBoolLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}
_StrictBoolLoader.add_implicit_resolver(
    _BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF")
)

_KIND_NAMES: dict[type, str] = {
    bool: "a boolean (true or false)",
    int: "an integer",
    float: "a number",
    str: "a string",
    list: "a list",
    dict: "a mapping",
}


def describe_path(path: YamlPath) -> str:
    """``("ssh", "port")`` → ``ssh.port``; ``("items", 3, "id")`` → ``items[3].id``."""
    text = ""
    for part in path:
        if isinstance(part, int) and not isinstance(part, bool):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def _describe_value(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "a mapping"
    if isinstance(value, list):
        return "a list"
    return repr(value)


def _is_kind(value: Any, kind: type) -> bool:
    if kind is bool:
        return isinstance(value, bool)
    if isinstance(value, bool):
        return False
    if kind is float:
        return isinstance(value, int | float)
    return isinstance(value, kind)


class YamlFile:
    """A loaded YAML document: its plain data, and the line of each key and value in it."""

    def __init__(
        self, name: str, data: Any, value_lines: dict[YamlPath, int], key_lines: dict[YamlPath, int]
    ) -> None:
        self.name = name
        self.data = data
        self._value_lines = value_lines
        self._key_lines = key_lines

    def line(self, path: YamlPath) -> int:
        """Line (1-based) where the value at ``path`` starts, or of its nearest known parent."""
        for end in range(len(path), -1, -1):
            if path[:end] in self._value_lines:
                return self._value_lines[path[:end]]
        return 1

    def key_line(self, path: YamlPath) -> int:
        """Line of the mapping key that ends ``path`` (the value's line for list items)."""
        return self._key_lines.get(path) or self.line(path)

    def error(self, path: YamlPath, message: str, *, at_key: bool = False) -> ConfigError:
        """A ConfigError ``file:line: dotted.path: message`` for the value (or key) at ``path``."""
        line = self.key_line(path) if at_key else self.line(path)
        where = describe_path(path)
        return ConfigError(f"{self.name}:{line}: {where + ': ' if where else ''}{message}")

    def get(self, path: YamlPath) -> Any:
        """The value at ``path``; a ConfigError naming the missing part if there is none."""
        value = self.data
        for depth, part in enumerate(path):
            here = path[:depth]
            if isinstance(value, dict):
                if part not in value:
                    raise self.error(here, f"missing key {part!r}")
            elif isinstance(value, list):
                if not isinstance(part, int) or not 0 <= part < len(value):
                    raise self.error(here, f"has no item {part!r}")
            else:
                raise self.error(here, f"expected a mapping or a list, got {_describe_value(value)}")
            value = value[part]
        return value

    def expect(self, path: YamlPath, kind: type | tuple[type, ...]) -> Any:
        """The value at ``path`` if it is of ``kind``; ``int`` never accepts a boolean."""
        value = self.get(path)
        kinds = kind if isinstance(kind, tuple) else (kind,)
        if not any(_is_kind(value, one) for one in kinds):
            wanted = " or ".join(_KIND_NAMES.get(one, one.__name__) for one in kinds)
            raise self.error(path, f"expected {wanted}, got {_describe_value(value)}")
        return value

    def mapping(self, path: YamlPath, *, required: Iterable[str] = (), optional: Iterable[str] = ()) -> dict:
        """The mapping at ``path`` after checking it has every required key and no unknown key."""
        value = self.expect(path, dict)
        required = list(required)
        allowed = [*required, *optional]
        for key in value:
            if key not in allowed:
                raise self.error((*path, key), unknown_message("key", key, allowed), at_key=True)
        for key in required:
            if key not in value:
                raise self.error(path, f"missing key {key!r}")
        return value

    def optional(self, path: YamlPath, key: str, kind: type | tuple[type, ...], default: Any = None) -> Any:
        """The value of ``key`` in the mapping at ``path`` (checked against ``kind``), or ``default``."""
        if key not in self.expect(path, dict):
            return default
        return self.expect((*path, key), kind)

    def choice(self, path: YamlPath, allowed: Collection[Any]) -> Any:
        """The value at ``path`` if it is one of ``allowed``."""
        value = self.get(path)
        try:
            known = value in allowed
        except TypeError:  # an unhashable value (a list or mapping) is never one of the choices
            known = False
        if not known:
            raise self.error(path, unknown_message("value", value, allowed))
        return value


def unknown_message(what: str, value: Any, allowed: Iterable[Any]) -> str:
    """``unknown key 'prot' (did you mean 'port'?)`` or, without a close match, the allowed values."""
    choices = [str(one) for one in allowed]
    close = difflib.get_close_matches(str(value), choices, n=1)
    if close:
        return f"unknown {what} {value!r} (did you mean {close[0]!r}?)"
    return f"unknown {what} {value!r} (expected one of: {', '.join(choices)})"


def load_yaml(
    path: str | os.PathLike[str], *, name: str | None = None, max_bytes: int | None = None
) -> YamlFile:
    """Read and parse a YAML file; ``name`` is how messages call it (default: the path as given).

    With ``max_bytes``, a larger file is refused before it is parsed.
    """
    shown = name or str(path)
    try:
        with open(path, "rb") as file:
            raw = file.read() if max_bytes is None else file.read(max_bytes + 1)
        if max_bytes is not None and len(raw) > max_bytes:
            raise ConfigError(f"{shown}: larger than {max_bytes} bytes")
        text = raw.decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise ConfigError(f"{shown}: cannot read: {exc}") from exc
    return parse_yaml(text, shown)


def parse_yaml(text: str, name: str) -> YamlFile:
    """Parse YAML text (one document) with the safe loader, keeping the line of everything."""
    try:
        loader = _StrictBoolLoader(text)  # refuses characters YAML does not allow, at once
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: invalid YAML: {exc}") from exc
    try:
        root = loader.get_single_node()
        if root is None:
            return YamlFile(name, None, {}, {})
        _reject_duplicate_keys(loader, root, name)
        data = loader.construct_document(root)
        value_lines: dict[YamlPath, int] = {}
        key_lines: dict[YamlPath, int] = {}
        _record_lines(loader, root, (), value_lines, key_lines, set())
    except yaml.MarkedYAMLError as exc:
        raise ConfigError(_syntax_message(exc, name)) from exc
    except yaml.YAMLError as exc:
        raise ConfigError(f"{name}: invalid YAML: {exc}") from exc
    finally:
        loader.dispose()
    return YamlFile(name, data, value_lines, key_lines)


def _syntax_message(exc: yaml.MarkedYAMLError, name: str) -> str:
    mark = exc.problem_mark or exc.context_mark
    line = f":{mark.line + 1}" if mark is not None else ""
    parts = [part for part in (exc.problem, exc.context) if part]
    return f"{name}{line}: invalid YAML: {'; '.join(parts) or 'syntax error'}"


def _reject_duplicate_keys(loader: yaml.SafeLoader, root: Node, name: str) -> None:
    seen_nodes: set[int] = set()
    stack = [root]
    while stack:
        node = stack.pop()
        if id(node) in seen_nodes:
            continue
        seen_nodes.add(id(node))
        if isinstance(node, SequenceNode):
            stack.extend(node.value)
        elif isinstance(node, MappingNode):
            first_lines: dict[Any, int] = {}
            for key_node, value_node in node.value:
                stack.append(value_node)
                if key_node.tag == _MERGE_TAG:
                    continue
                key = loader.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                try:
                    repeated = key in first_lines
                except TypeError:  # unhashable key: construction reports it with its line
                    continue
                if repeated:
                    raise ConfigError(
                        f"{name}:{line}: duplicate key {key!r} (first at line {first_lines[key]})"
                    )
                first_lines[key] = line


def _record_lines(
    loader: yaml.SafeLoader,
    node: Node,
    path: YamlPath,
    value_lines: dict[YamlPath, int],
    key_lines: dict[YamlPath, int],
    visited: set[int],
) -> None:
    value_lines[path] = node.start_mark.line + 1
    if id(node) in visited:  # an alias: its contents were recorded where the anchor is
        return
    visited.add(id(node))
    if isinstance(node, SequenceNode):
        for index, item in enumerate(node.value):
            _record_lines(loader, item, (*path, index), value_lines, key_lines, visited)
    elif isinstance(node, MappingNode):
        for key_node, value_node in node.value:  # merges are flattened: own keys come last and win
            key = loader.construct_object(key_node, deep=True)
            key_lines[(*path, key)] = key_node.start_mark.line + 1
            _record_lines(loader, value_node, (*path, key), value_lines, key_lines, visited)
