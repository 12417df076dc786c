"""Allure content for device tests: labels from the spec, parameters, device actions as steps, evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import UUID, uuid4

import allure
import pytest
from allure_commons import plugin_manager
from allure_commons.types import AttachmentType

from harness.device.device import Device
from harness.reports.allure_meta import DEVIATION_LABEL, EDITION_LABEL, REQUIREMENT_LABEL
from harness.spec.model import Edition, Requirement
from harness.trace import TraceRecord

SEVERITY_ORDER = ("trivial", "minor", "normal", "critical", "blocker")


def _text(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def rename_step(uuid: UUID, title: str) -> None:
    """Give a running step its final title (allure-pytest's reporter holds the running steps)."""
    for plugin in plugin_manager.get_plugins():
        step = getattr(getattr(plugin, "allure_logger", None), "get_item", lambda _: None)(uuid)
        if step is not None:
            step.name = title


@contextmanager
def allure_step(record: TraceRecord) -> Iterator[None]:
    """A Trace listener: the action becomes a step; its details are parameters, its result attached."""
    uuid = uuid4()
    params = {key: _text(value) for key, value in record.details.items()}
    title = record.title
    plugin_manager.hook.start_step(uuid=uuid, title=f"{record.kind}: {title}", params=params)
    exc_info: tuple[Any, Any, Any] = (None, None, None)
    try:
        yield
    except BaseException as exc:
        exc_info = (type(exc), exc, exc.__traceback__)
        raise
    finally:
        if record.result not in (None, ""):
            allure.attach(_text(record.result, 20_000), name="result", attachment_type=AttachmentType.TEXT)
        if record.title != title:  # the action named its outcome (e.g. how long the shim took to start)
            rename_step(uuid, f"{record.kind}: {record.title}")
        plugin_manager.hook.stop_step(
            uuid=uuid, title=record.title, exc_type=exc_info[0], exc_val=exc_info[1], exc_tb=exc_info[2]
        )


def label_requirements(edition: Edition, requirements: list[Requirement]) -> None:
    """Epic/feature/story/severity from the requirements, each id as a label and a link to its section."""
    allure.dynamic.epic(edition.module)
    allure.dynamic.label(EDITION_LABEL, edition.id)
    for requirement in requirements:
        allure.dynamic.label(REQUIREMENT_LABEL, requirement.id)
        allure.dynamic.link(edition.link(requirement), name=f"{requirement.id} (spec)")
    if requirements:
        first = requirements[0]
        allure.dynamic.feature(first.feature)
        allure.dynamic.story(first.story)
        worst = max((r.severity for r in requirements), key=SEVERITY_ORDER.index)
        allure.dynamic.severity(worst)


def sentence_of(function_name: str) -> str:
    """A sentence from a test function's name: ``test_start_is_refused`` → "Start is refused"."""
    words = function_name.removeprefix("test_").replace("_", " ").strip()
    return words[:1].upper() + words[1:]


def title_test(item: pytest.Item) -> None:
    """At collection: the test's Allure title, a sentence from its name (its docstring stays the
    description), unless it has an ``@allure.title`` of its own."""
    function = getattr(item, "function", None)
    if function is not None and not hasattr(function, "__allure_display_name__"):
        allure.title(sentence_of(getattr(item, "originalname", item.name)))(function)


def name_case(item: pytest.Item) -> None:
    """A parametrized test's case (its id without the device) as a parameter, when no single
    parameter's value already says it."""
    name = getattr(item, "originalname", item.name)
    case = item.name.removeprefix(name).removeprefix("[").removesuffix("]")
    callspec = getattr(item, "callspec", None)
    params = callspec.params if callspec is not None else {}
    device = params.get("device")
    if isinstance(device, str):
        case = "" if case == device else case.removeprefix(f"{device}-").removesuffix(f"-{device}")
    if case and case not in {str(value) for value in params.values()}:
        allure.dynamic.parameter("case", case)


def label_deviations(deviation_ids: tuple[str, ...]) -> None:
    """The known deviations (waiver ids, D1...) a test falls under, as ``deviation`` labels."""
    for deviation_id in deviation_ids:
        allure.dynamic.label(DEVIATION_LABEL, deviation_id)


def describe_device(device: Device) -> None:
    allure.dynamic.parameter("device", device.id)
    allure.dynamic.parameter("transport", device.transport.name)
    allure.dynamic.parameter("api_level", str(device.info.api_level))


def attach_trace(records: list[TraceRecord]) -> None:
    if records:
        body = json.dumps([record.as_dict() for record in records], indent=1, default=str)
        allure.attach(body, name="device action trace", attachment_type=AttachmentType.JSON)


def attach_device_info(device: Device) -> None:
    """What the device said about itself: the facts the harness uses, then every `param get` value."""
    info = device.info
    body = {"id": device.id, "transport": device.transport.name, **info.as_properties()}
    body["params"] = info.params
    allure.attach(json.dumps(body, indent=1), name="device info", attachment_type=AttachmentType.JSON)


def attach_text(name: str, text: str) -> None:
    allure.attach(text, name=name, attachment_type=AttachmentType.TEXT)
