"""The typed, read-only form of a spec edition that the suites query."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TypeVar

from harness.errors import ConfigError
from harness.yamlfile import unknown_message

K = TypeVar("K")
V = TypeVar("V")


@dataclass(frozen=True)
class Field:
    """A field of an interface, or a parameter of a method form."""

    name: str
    type: str
    mandatory: bool
    description: str = ""


@dataclass(frozen=True)
class EnumType:
    """An enum of the module: member name → value, in the seed's order."""

    name: str
    section: str
    members: Mapping[str, int]
    descriptions: Mapping[str, str]


@dataclass(frozen=True)
class Interface:
    """An object type delivered to callbacks (SyncProgress, DownloadProgress)."""

    name: str
    section: str
    fields: tuple[Field, ...]

    def field(self, name: str) -> Field:
        for one in self.fields:
            if one.name == name:
                return one
        raise ConfigError(unknown_message(f"field of {self.name}", name, (f.name for f in self.fields)))


@dataclass(frozen=True)
class MethodForm:
    """One documented overload of a method: its section, signature, parameters and error table.

    ``style`` is how it returns: ``sync`` (constructor, on, off), ``promise`` or ``callback``.
    """

    id: str
    style: str
    section: str
    signature: str
    summary: str
    params: tuple[Field, ...]
    errors: tuple[int, ...]


@dataclass(frozen=True)
class Method:
    """A method of GallerySync or Download with its forms (``sync``, or ``promise`` + ``callback``)."""

    name: str
    permission: str | None
    forms: tuple[MethodForm, ...]

    @property
    def errors(self) -> tuple[int, ...]:
        """Every error code any form's table names, in first-seen order."""
        return tuple(dict.fromkeys(code for form in self.forms for code in form.errors))

    def form(self, style: str) -> MethodForm:
        for one in self.forms:
            if one.style == style:
                return one
        raise ConfigError(unknown_message(f"form of {self.name}", style, (f.style for f in self.forms)))


@dataclass(frozen=True)
class Requirement:
    """One checkable statement of the spec; tests name it with ``@pytest.mark.requirement(id)``."""

    id: str
    section: str
    source: str
    statement: str
    area: str
    feature: str
    story: str
    severity: str
    quote: str | None = None
    decision: str | None = None


@dataclass(frozen=True)
class MessageRule:
    """How a device's error message is compared with the edition's."""

    ignore_trailing_full_stop: bool

    def matches(self, expected: str, actual: object) -> bool:
        if not isinstance(actual, str):
            return False
        if self.ignore_trailing_full_stop:
            return expected.removesuffix(".") == actual.removesuffix(".")
        return expected == actual


@dataclass(frozen=True)
class Edition:
    """A spec edition: what the suites assert, with lookups that reject unknown names."""

    id: str
    title: str
    module: str
    import_name: str
    api_version: int
    source: str
    link_base: str
    system_capability: str
    permission: str
    progress_event: str
    message_rule: MessageRule
    thresholds: Mapping[str, int]
    sections: Mapping[str, str]
    enums: Mapping[str, EnumType]
    interfaces: Mapping[str, Interface]
    messages: Mapping[int, str]
    methods: Mapping[str, Method]
    requirements: tuple[Requirement, ...]
    path: str

    def enum(self, name: str) -> Mapping[str, int]:
        """Member name → value of the enum ``name``."""
        return self._lookup(self.enums, name, "enum").members

    def interface(self, name: str) -> Interface:
        return self._lookup(self.interfaces, name, "interface")

    def message(self, code: int) -> str:
        """The error message the edition gives for ``code``."""
        return self._lookup(self.messages, code, "error code")

    def messages_match(self, code: int, device_message: object) -> bool:
        """Whether a device's message for ``code`` equals the edition's, by the edition's rule."""
        return self.message_rule.matches(self.message(code), device_message)

    def method(self, name: str) -> Method:
        """A method by ``Class.method`` name, e.g. ``GallerySync.start``."""
        return self._lookup(self.methods, name, "method")

    def form(self, form_id: str) -> MethodForm:
        """A method form by id: ``GallerySync.on``, ``GallerySync.start.promise``, ..."""
        for method in self.methods.values():
            for one in method.forms:
                if one.id == form_id:
                    return one
        ids = [one.id for method in self.methods.values() for one in method.forms]
        raise ConfigError(f"edition {self.id}: {unknown_message('method form', form_id, ids)}")

    def threshold(self, name: str) -> int:
        return self._lookup(self.thresholds, name, "threshold")

    def requirement(self, requirement_id: str) -> Requirement:
        """The requirement ``requirement_id``; a ConfigError (with a suggestion) if there is none."""
        for one in self.requirements:
            if one.id == requirement_id:
                return one
        known = [one.id for one in self.requirements]
        raise ConfigError(f"edition {self.id}: {unknown_message('requirement id', requirement_id, known)}")

    def link(self, requirement: Requirement | str) -> str:
        """URL of the spec section a requirement (or requirement id) comes from."""
        if isinstance(requirement, str):
            requirement = self.requirement(requirement)
        return f"{self.link_base}#{requirement.section}"

    def _lookup(self, table: Mapping[K, V], key: K, what: str) -> V:
        if key not in table:
            raise ConfigError(f"edition {self.id}: {unknown_message(what, key, table)}")
        return table[key]
