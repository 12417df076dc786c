"""The device action trace: records in order, listeners around each action, marks that stay true."""

from __future__ import annotations

from contextlib import contextmanager

import pytest

from harness.trace import Trace


def test_actions_are_recorded_with_their_result_and_error():
    trace = Trace()
    with trace.action("shell", "echo hi", command="echo hi") as record:
        record.result = {"exitStatus": 0}
    with pytest.raises(RuntimeError), trace.action("shim", "ping"):
        raise RuntimeError("gone")
    first, second = trace.records
    assert (first.kind, first.title, first.result, first.error) == ("shell", "echo hi", {"exitStatus": 0}, "")
    assert second.error == "RuntimeError: gone" and second.elapsed >= 0


def test_listeners_wrap_each_action():
    seen = []

    @contextmanager
    def listener(record):
        seen.append(("start", record.title))
        yield
        seen.append(("end", record.title, record.result))

    trace = Trace()
    trace.add_listener(listener)
    with trace.action("shell", "true") as record:
        record.result = 0
    trace.remove_listener(listener)
    with trace.action("shell", "false"):
        pass
    assert seen == [("start", "true"), ("end", "true", 0)]


def test_a_mark_still_points_at_the_same_action_after_old_records_are_let_go():
    trace = Trace(max_records=20)
    for index in range(15):
        with trace.action("shell", f"old {index}"):
            pass
    mark = trace.mark()
    for index in range(10):
        with trace.action("shell", f"new {index}"):
            pass
    assert len(trace.records) < 25
    assert [record.title for record in trace.since(mark)] == [f"new {index}" for index in range(10)]
