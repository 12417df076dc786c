"""The requirement id scheme (docs/requirements.md): what an id names, and so its source and section.

``module.import``                       the import statement                        signature
``<Enum>.<MEMBER>``                     a row of an enum table                      table-row
``<Interface>.<field>``                 a row of an interface table                 table-row
``<form>``                              a method form's signature and description   signature
``<form>.E<code>``                      a row of that form's error-code table       table-row
``<form>.param.<name>``                 a row of that form's parameter table        table-row
``<owner>.note.<slug>``                 a note or bullet (owner: module, enum,      note | bullet
                                        interface, class or form)
``<module|Class>.contract.<slug>``      a behaviour-contract statement              contract

``<form>`` is ``Class.method`` for a method with one form (constructor, on, off) and
``Class.method.promise`` / ``Class.method.callback`` for the two forms of start and stop.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping
from dataclasses import dataclass

from harness.spec.model import EnumType, Interface, MethodForm

SOURCES = ("table-row", "bullet", "note", "signature", "contract")
_SHAPE = re.compile(r"[A-Za-z][A-Za-z0-9]*(?:\.(?:[A-Za-z][A-Za-z0-9_]*|[a-z0-9]+(?:-[a-z0-9]+)*))+")
_NOTE = re.compile(r"(?P<owner>.+)\.(?P<kind>note|contract)\.(?P<slug>[a-z0-9]+(?:-[a-z0-9]+)*)")
_ERROR_ROW = re.compile(r"(?P<form>.+)\.E(?P<code>[0-9]+)")
_PARAM_ROW = re.compile(r"(?P<form>.+)\.param\.(?P<name>[A-Za-z][A-Za-z0-9_]*)")


@dataclass(frozen=True)
class IdTarget:
    """What an id names: the sources it may have, and the section it must sit in (None: any)."""

    sources: tuple[str, ...]
    section: str | None


class IdSchemeError(ValueError):
    """An id that does not name anything of the edition by the scheme."""


def id_target(
    requirement_id: str,
    *,
    enums: Mapping[str, EnumType],
    interfaces: Mapping[str, Interface],
    forms: Mapping[str, MethodForm],
) -> IdTarget:
    """Resolve ``requirement_id`` by the scheme; :class:`IdSchemeError` says why it does not fit."""
    if not _SHAPE.fullmatch(requirement_id):
        raise IdSchemeError("is not dotted segments of letters, digits, '_' or lower-case-slugs")
    classes = {form_id.split(".")[0] for form_id in forms}
    if requirement_id == "module.import":
        return IdTarget(("signature",), None)
    if match := _NOTE.fullmatch(requirement_id):
        owner = match["owner"]
        if match["kind"] == "contract":
            _must_be(owner, {"module", *classes}, "contract owner")
            return IdTarget(("contract",), None)
        _must_be(owner, {"module", *enums, *interfaces, *classes, *forms}, "note owner")
        return IdTarget(("note", "bullet"), forms[owner].section if owner in forms else None)
    if match := _ERROR_ROW.fullmatch(requirement_id):
        form = forms.get(match["form"])
        if form is None or int(match["code"]) not in form.errors:
            raise IdSchemeError(
                f"names no row of an error table (form {match['form']!r}, code {match['code']})"
            )
        return IdTarget(("table-row",), form.section)
    if match := _PARAM_ROW.fullmatch(requirement_id):
        form = forms.get(match["form"])
        if form is None or match["name"] not in {param.name for param in form.params}:
            raise IdSchemeError(f"names no parameter (form {match['form']!r}, parameter {match['name']!r})")
        return IdTarget(("table-row",), form.section)
    if requirement_id in forms:
        return IdTarget(("signature",), forms[requirement_id].section)
    owner, _, member = requirement_id.partition(".")
    if owner in enums and member in enums[owner].members:
        return IdTarget(("table-row",), enums[owner].section)
    if owner in interfaces and member in {field.name for field in interfaces[owner].fields}:
        return IdTarget(("table-row",), interfaces[owner].section)
    raise IdSchemeError(
        "names nothing of the edition (expected an enum member, an interface field, a method form, "
        "<form>.E<code>, <form>.param.<name>, <owner>.note.<slug> or <owner>.contract.<slug>)"
    )


def _must_be(owner: str, allowed: Collection[str], what: str) -> None:
    if owner not in allowed:
        raise IdSchemeError(f"unknown {what} {owner!r} (expected one of: {', '.join(sorted(allowed))})")
