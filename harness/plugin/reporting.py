"""Allure content for device tests: labels from the spec, parameters, device actions as steps, evidence."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any
from uuid import uuid4

import allure
from allure_commons import plugin_manager
from allure_commons.types import AttachmentType

from harness.device.device import Device
from harness.reports.allure_meta import EDITION_LABEL
from harness.spec.model import Edition, Requirement
from harness.trace import TraceRecord

SEVERITY_ORDER = ("trivial", "minor", "normal", "critical", "blocker")


def _text(value: Any, limit: int = 300) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str, ensure_ascii=False)
    return text if len(text) <= limit else text[: limit - 1] + "…"


@contextmanager
def allure_step(record: TraceRecord) -> Iterator[None]:
    """A Trace listener: the action becomes a step; its details are parameters, its result attached."""
    uuid = uuid4()
    params = {key: _text(value) for key, value in record.details.items()}
    plugin_manager.hook.start_step(uuid=uuid, title=f"{record.kind}: {record.title}", params=params)
    exc_info: tuple[Any, Any, Any] = (None, None, None)
    try:
        yield
    except BaseException as exc:
        exc_info = (type(exc), exc, exc.__traceback__)
        raise
    finally:
        if record.result not in (None, ""):
            allure.attach(_text(record.result, 20_000), name="result", attachment_type=AttachmentType.TEXT)
        plugin_manager.hook.stop_step(
            uuid=uuid, title=record.title, exc_type=exc_info[0], exc_val=exc_info[1], exc_tb=exc_info[2]
        )


def label_requirements(edition: Edition, requirements: list[Requirement]) -> None:
    """Epic/feature/story/severity from the requirements, each id as a label and a link to its section."""
    allure.dynamic.epic(edition.module)
    allure.dynamic.label(EDITION_LABEL, edition.id)
    for requirement in requirements:
        allure.dynamic.label("requirement", requirement.id)
        allure.dynamic.link(edition.link(requirement), name=f"{requirement.id} (spec)")
    if requirements:
        first = requirements[0]
        allure.dynamic.feature(first.feature)
        allure.dynamic.story(first.story)
        worst = max((r.severity for r in requirements), key=SEVERITY_ORDER.index)
        allure.dynamic.severity(worst)


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
