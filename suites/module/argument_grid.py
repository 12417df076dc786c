"""The argument grid of every method form, read from the edition: too few, too many, each wrong type.

Each form's parameters come from the edition (`methods.*.forms.*.params`). A case is one call that
must be refused with 401 thrown: the form's arguments with one left off (unless that arity is another
form of the method), one too many, or one parameter replaced by a value of the wrong type.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from typing import Any

from harness.shim.values import UNDEFINED, Callback
from harness.spec.model import Edition, Field, Method, MethodForm

CLASSES = ("GallerySync", "Download")
MEMBERS = ("on", "off", "start", "stop")
URI = "file://media/Photo/1/IMG_0001.jpg"
"""A well-formed uri: the calls are refused for their argument count or types before it matters."""
WRONG = {"string": (5, UNDEFINED), "function": (5, "progress", None)}
"""Values of the wrong type, by parameter kind."""
WRONG_EVENTS = ("bogus", "Progress")
"""Strings that are not the event name (it is case-sensitive)."""


@dataclass(frozen=True)
class ArgumentCase:
    """One refused call: ``cls.member(*args)`` in ``style``, and the requirements it checks."""

    id: str
    cls: str
    member: str
    args: tuple[Any, ...]
    style: str
    requirements: tuple[str, ...]


def _kind(param: Field) -> str:
    return "string" if param.type == "string" else "function"


def _valid(param: Field) -> Any:
    if _kind(param) == "function":
        return Callback("cb")
    return "progress" if param.name == "evt" else URI


def _ids(edition: Edition, form: MethodForm, param: Field | None = None) -> tuple[str, ...]:
    """A count case names the form's E401; a wrong value names the parameter's requirement (the
    form's E401 where the edition has none, and for a callback that is not a function, which the
    E401 rows name)."""
    known = {one.id for one in edition.requirements}
    wanted = [f"{form.id}.E401"]
    if param is not None and f"{form.id}.param.{param.name}" in known:
        wanted = [f"{form.id}.param.{param.name}", *(wanted if _kind(param) == "function" else [])]
    return (*[rid for rid in wanted if rid in known], "module.contract.argument-errors-thrown")


def _call_style(form: MethodForm) -> str:
    """How the grid calls the form: sync forms as sync, both async forms as a promise-style call (the
    arguments given explicitly, so a refused callback form's argument list is exactly the case's)."""
    return "sync" if form.style == "sync" else "promise"


def _form_cases(edition: Edition, method: Method, form: MethodForm) -> list[ArgumentCase]:
    name = form.id
    valid = tuple(_valid(param) for param in form.params)
    arities = {len(one.params) for one in method.forms}
    style = _call_style(form)
    cases = []
    for count in range(len(valid)):
        if count not in arities:
            cases.append(
                ArgumentCase(
                    f"{name}-{count}-arguments",
                    *method.name.split("."),
                    valid[:count],
                    style,
                    _ids(edition, form),
                )
            )
    if len(valid) == max(arities):  # too many for every form; it is called as the first form is
        first = method.forms[0]
        cases.append(
            ArgumentCase(
                f"{name}-too-many", *method.name.split("."), (*valid, 1), style, _ids(edition, first)
            )
        )
    for index, param in enumerate(form.params):
        for value in (*WRONG[_kind(param)], *(WRONG_EVENTS if param.name == "evt" else ())):
            args = (*valid[:index], value, *valid[index + 1 :])
            cases.append(
                ArgumentCase(
                    f"{name}-{param.name}={value!r}",
                    *method.name.split("."),
                    args,
                    style,
                    _ids(edition, form, param),
                )
            )
    return cases


def argument_cases(edition: Edition) -> list[ArgumentCase]:
    """Every case of the grid, class by class, method by method, form by form; a call two forms
    share (``start()`` of Download is too few for both) is one case with both forms' requirements."""
    cases: dict[tuple[str, str, str], ArgumentCase] = {}
    for cls in CLASSES:
        for member in MEMBERS:
            method = edition.method(f"{cls}.{member}")
            for form in method.forms:
                for case in _form_cases(edition, method, form):
                    key = (case.cls, case.member, repr(case.args))
                    if key in cases:
                        first = cases[key]
                        merged = tuple(dict.fromkeys(first.requirements + case.requirements))
                        case = replace(first, requirements=merged)
                    cases[key] = case
    return list(cases.values())
