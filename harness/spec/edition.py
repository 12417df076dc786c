"""Load and validate a spec edition YAML file into an :class:`~harness.spec.model.Edition`.

Every problem in the file is a :class:`harness.errors.ConfigError` naming the file and line.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType

from harness.errors import ConfigError
from harness.spec.ids import SOURCES, IdSchemeError, id_target
from harness.spec.model import (
    Edition,
    EnumType,
    Field,
    Interface,
    MessageRule,
    Method,
    MethodForm,
    Requirement,
)
from harness.yamlfile import YamlFile, YamlPath, load_yaml

EDITIONS_DIR = Path(__file__).parent / "editions"
AREAS = ("module", "enums", "types", "GallerySync", "Download")
SEVERITIES = ("blocker", "critical", "normal", "minor")
_SLUG = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_METHOD_NAME = re.compile(r"[A-Z][A-Za-z0-9]*\.[a-z][A-Za-z0-9]*")
_IDENTIFIER = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")

_TOP_KEYS = (
    "edition",
    "title",
    "module",
    "import_name",
    "api_version",
    "source",
    "link_base",
    "system_capability",
    "permission",
    "progress_event",
    "message_match",
    "thresholds",
    "sections",
    "enums",
    "interfaces",
    "errors",
    "methods",
    "requirements",
)


def list_editions() -> list[str]:
    """Names of the editions packaged with the harness."""
    return sorted(path.stem for path in EDITIONS_DIR.glob("*.yaml"))


def load_edition(name_or_path: str | os.PathLike[str]) -> Edition:
    """Load a packaged edition by name (``api10-doc``) or an edition file by path."""
    text = os.fspath(name_or_path)
    if isinstance(name_or_path, os.PathLike) or text.endswith((".yaml", ".yml")) or os.sep in text:
        return _read_edition(load_yaml(text), expected_id=None)
    if text not in list_editions():
        raise ConfigError(f"unknown spec edition {text!r} (known: {', '.join(list_editions()) or 'none'})")
    return _read_edition(load_yaml(EDITIONS_DIR / f"{text}.yaml"), expected_id=text)


def _read_edition(doc: YamlFile, expected_id: str | None) -> Edition:
    top = doc.mapping((), required=_TOP_KEYS)
    edition_id = _slug(doc, ("edition",))
    if expected_id is not None and edition_id != expected_id:
        raise doc.error(("edition",), f"file {expected_id}.yaml must declare edition {expected_id!r}")
    for key in ("title", "module", "import_name", "source", "link_base", "system_capability", "permission"):
        doc.expect((key,), str)
    doc.expect(("api_version",), int)
    doc.expect(("progress_event",), str)
    doc.mapping(("message_match",), required=("ignore_trailing_full_stop",))
    doc.expect(("message_match", "ignore_trailing_full_stop"), bool)
    for name in _names(doc, ("thresholds",), _IDENTIFIER):
        doc.expect(("thresholds", name), int)
    sections = _sections(doc)
    messages = _messages(doc)
    enums = _enums(doc, sections)
    interfaces = _interfaces(doc, sections)
    methods = _methods(doc, sections, messages)
    forms = {form.id: form for method in methods.values() for form in method.forms}
    return Edition(
        id=edition_id,
        title=top["title"],
        module=top["module"],
        import_name=top["import_name"],
        api_version=top["api_version"],
        source=top["source"],
        link_base=top["link_base"],
        system_capability=top["system_capability"],
        permission=top["permission"],
        progress_event=top["progress_event"],
        message_rule=MessageRule(top["message_match"]["ignore_trailing_full_stop"]),
        thresholds=MappingProxyType(dict(top["thresholds"])),
        sections=MappingProxyType(sections),
        enums=MappingProxyType(enums),
        interfaces=MappingProxyType(interfaces),
        messages=MappingProxyType(messages),
        methods=MappingProxyType(methods),
        requirements=_requirements(doc, _Known(sections, enums, interfaces, forms)),
        path=doc.name,
    )


def _names(doc: YamlFile, path: YamlPath, pattern: re.Pattern[str]) -> list[str]:
    """The keys of the mapping at ``path``, each checked to be a string matching ``pattern``."""
    names = list(doc.expect(path, dict))
    for name in names:
        if not isinstance(name, str) or not pattern.fullmatch(name):
            raise doc.error((*path, name), f"{name!r} is not a valid name here", at_key=True)
    return names


def _slug(doc: YamlFile, path: YamlPath) -> str:
    value = doc.expect(path, str)
    if not _SLUG.fullmatch(value):
        raise doc.error(path, f"expected lower-case words joined by '-', got {value!r}")
    return value


def _section(doc: YamlFile, path: YamlPath, sections: dict[str, str]) -> str:
    doc.expect(path, str)
    return doc.choice(path, sections)


def _sections(doc: YamlFile) -> dict[str, str]:
    for anchor in _names(doc, ("sections",), _SLUG):
        doc.expect(("sections", anchor), str)
    return dict(doc.get(("sections",)))


def _messages(doc: YamlFile) -> dict[int, str]:
    messages = doc.expect(("errors",), dict)
    for code in messages:
        if not isinstance(code, int) or isinstance(code, bool):
            raise doc.error(("errors", code), f"error code {code!r} is not an integer", at_key=True)
        if not doc.expect(("errors", code), str).strip():
            raise doc.error(("errors", code), "the message is empty")
    return dict(messages)


def _enums(doc: YamlFile, sections: dict[str, str]) -> dict[str, EnumType]:
    enums: dict[str, EnumType] = {}
    for name in _names(doc, ("enums",), _IDENTIFIER):
        path: YamlPath = ("enums", name)
        doc.mapping(path, required=("section", "members"))
        values: dict[int, str] = {}
        descriptions: dict[str, str] = {}
        for member in _names(doc, (*path, "members"), _IDENTIFIER):
            member_path = (*path, "members", member)
            doc.mapping(member_path, required=("value", "description"))
            value = doc.expect((*member_path, "value"), int)
            if value in values:
                raise doc.error((*member_path, "value"), f"value {value} is already {name}.{values[value]}")
            values[value] = member
            descriptions[member] = doc.expect((*member_path, "description"), str)
        enums[name] = EnumType(
            name=name,
            section=_section(doc, (*path, "section"), sections),
            members=MappingProxyType({member: value for value, member in values.items()}),
            descriptions=MappingProxyType(descriptions),
        )
    return enums


def _fields(doc: YamlFile, path: YamlPath) -> tuple[Field, ...]:
    fields = []
    for name in _names(doc, path, _IDENTIFIER):
        field_path = (*path, name)
        doc.mapping(field_path, required=("type", "mandatory"), optional=("description",))
        fields.append(
            Field(
                name=name,
                type=doc.expect((*field_path, "type"), str),
                mandatory=doc.expect((*field_path, "mandatory"), bool),
                description=doc.optional(field_path, "description", str, ""),
            )
        )
    return tuple(fields)


def _interfaces(doc: YamlFile, sections: dict[str, str]) -> dict[str, Interface]:
    interfaces = {}
    for name in _names(doc, ("interfaces",), _IDENTIFIER):
        path: YamlPath = ("interfaces", name)
        doc.mapping(path, required=("section", "fields"))
        interfaces[name] = Interface(
            name, _section(doc, (*path, "section"), sections), _fields(doc, (*path, "fields"))
        )
    return interfaces


def _methods(doc: YamlFile, sections: dict[str, str], messages: dict[int, str]) -> dict[str, Method]:
    methods = {}
    for name in _names(doc, ("methods",), _METHOD_NAME):
        path: YamlPath = ("methods", name)
        doc.mapping(path, required=("forms",), optional=("permission",))
        styles = list(doc.expect((*path, "forms"), dict))
        if styles != ["sync"] and (not styles or not set(styles) <= {"promise", "callback"}):
            raise doc.error((*path, "forms"), "forms are either 'sync' alone or 'promise' and/or 'callback'")
        forms = tuple(_form(doc, (*path, "forms", style), name, sections, messages) for style in styles)
        methods[name] = Method(name, doc.optional(path, "permission", str), forms)
    return methods


def _form(
    doc: YamlFile, path: YamlPath, method: str, sections: dict[str, str], messages: dict[int, str]
) -> MethodForm:
    style = str(path[-1])
    form = doc.mapping(path, required=("section", "signature", "summary", "errors"), optional=("params",))
    errors = doc.expect((*path, "errors"), list)
    for index, code in enumerate(errors):
        doc.expect((*path, "errors", index), int)
        if code not in messages:
            raise doc.error((*path, "errors", index), f"error code {code} has no message in 'errors'")
        if code in errors[:index]:
            raise doc.error((*path, "errors", index), f"error code {code} is listed twice")
    return MethodForm(
        id=method if style == "sync" else f"{method}.{style}",
        style=style,
        section=_section(doc, (*path, "section"), sections),
        signature=doc.expect((*path, "signature"), str),
        summary=doc.expect((*path, "summary"), str),
        params=_fields(doc, (*path, "params")) if "params" in form else (),
        errors=tuple(errors),
    )


@dataclass(frozen=True)
class _Known:
    """What requirement items are checked against."""

    sections: dict[str, str]
    enums: dict[str, EnumType]
    interfaces: dict[str, Interface]
    forms: dict[str, MethodForm]


def _requirements(doc: YamlFile, known: _Known) -> tuple[Requirement, ...]:
    requirements: list[Requirement] = []
    first_lines: dict[str, int] = {}
    for group_index in range(len(doc.expect(("requirements",), list))):
        group: YamlPath = ("requirements", group_index)
        doc.mapping(group, required=("area", "feature", "story", "severity", "items"))
        doc.choice((*group, "area"), AREAS)
        doc.expect((*group, "feature"), str)
        doc.expect((*group, "story"), str)
        doc.choice((*group, "severity"), SEVERITIES)
        for item_index in range(len(doc.expect((*group, "items"), list))):
            path: YamlPath = (*group, "items", item_index)
            requirement = _requirement(doc, path, doc.get(group), known)
            if requirement.id in first_lines:
                first = first_lines[requirement.id]
                raise doc.error(
                    (*path, "id"), f"duplicate requirement id {requirement.id!r} (first at line {first})"
                )
            first_lines[requirement.id] = doc.line((*path, "id"))
            requirements.append(requirement)
    return tuple(requirements)


def _requirement(doc: YamlFile, path: YamlPath, group: dict, known: _Known) -> Requirement:
    item = doc.mapping(
        path, required=("id", "section", "source", "statement"), optional=("quote", "decision", "severity")
    )
    requirement_id = doc.expect((*path, "id"), str)
    source = doc.choice((*path, "source"), SOURCES)
    section = _section(doc, (*path, "section"), known.sections)
    try:
        target = id_target(requirement_id, enums=known.enums, interfaces=known.interfaces, forms=known.forms)
    except IdSchemeError as exc:
        raise doc.error((*path, "id"), f"requirement id {requirement_id!r} {exc}") from None
    if source not in target.sources:
        raise doc.error(
            (*path, "source"), f"{requirement_id} is a {' or '.join(target.sources)}, not a {source}"
        )
    if target.section is not None and section != target.section:
        raise doc.error(
            (*path, "section"), f"{requirement_id} belongs to section {target.section!r}, not {section!r}"
        )
    quote = doc.optional(path, "quote", str)
    if source in ("note", "bullet") and not quote:
        raise doc.error(path, f"a requirement from a {source} needs a 'quote' of the seed's words")
    return Requirement(
        id=requirement_id,
        section=section,
        source=source,
        statement=doc.expect((*path, "statement"), str),
        area=group["area"],
        feature=group["feature"],
        story=group["story"],
        severity=doc.choice((*path, "severity"), SEVERITIES) if "severity" in item else group["severity"],
        quote=quote,
        decision=doc.optional(path, "decision", str),
    )
