"""Reading exec channels (stdout and stderr together, within a deadline) and bounding paramiko's waits."""

from __future__ import annotations

import contextlib
import math
import select
import threading
import time
from collections.abc import Callable, Iterator

import paramiko

RECV_SIZE = 65536
JOIN_TIMEOUT = 5.0


def drain(channel: paramiko.Channel) -> tuple[bytes, bytes]:
    """The stdout and stderr bytes that have arrived, without waiting."""
    return _drain(channel.recv_ready, channel.recv), _drain(channel.recv_stderr_ready, channel.recv_stderr)


def _drain(ready: Callable[[], bool], recv: Callable[[int], bytes]) -> bytes:
    parts = []
    while ready():
        parts.append(recv(RECV_SIZE))
    return b"".join(parts)


def ended(channel: paramiko.Channel) -> bool:
    """The device sent EOF or closed the channel: everything it sent has arrived."""
    return channel.eof_received or channel.closed


def wait_readable(channel: paramiko.Channel, timeout: float) -> None:
    """Wait until the channel has stdout or stderr data or its end, or ``timeout`` passed."""
    with contextlib.suppress(OSError, ValueError):  # the channel closed meanwhile
        select.select([channel], [], [], max(0.0, timeout))


def read_to_end(channel: paramiko.Channel, deadline: float) -> tuple[bytes, bytes] | None:
    """stdout and stderr read together until the channel's end; None if ``deadline`` came first."""
    stdout, stderr = bytearray(), bytearray()
    while True:
        done = ended(channel)  # checked before draining: data that came before the end is then read
        out, err = drain(channel)
        stdout += out
        stderr += err
        if done:
            return bytes(stdout), bytes(stderr)
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            return None
        wait_readable(channel, remaining)


class Watchdog:
    """Closes a channel when its deadline passes.

    paramiko waits without a timeout for the reply to a channel request (exec, subsystem); closing
    the channel ends that wait, so a device that never answers cannot hang a call. One thread,
    started on first use, serves every guarded channel of a transport.
    """

    def __init__(self) -> None:
        self._cond = threading.Condition()
        self._deadlines: dict[paramiko.Channel, float] = {}
        self._thread: threading.Thread | None = None
        self._stop = threading.Event()

    @contextlib.contextmanager
    def guard(self, channel: paramiko.Channel, deadline: float) -> Iterator[None]:
        with self._cond:
            if self._thread is None:
                self._stop = threading.Event()
                self._thread = threading.Thread(
                    target=self._run, args=(self._stop,), name="ssh-watchdog", daemon=True
                )
                self._thread.start()
            if deadline < min(self._deadlines.values(), default=math.inf):
                self._cond.notify_all()
            self._deadlines[channel] = deadline
        try:
            yield
        finally:
            with self._cond:
                self._deadlines.pop(channel, None)

    def _run(self, stop: threading.Event) -> None:
        while True:
            with self._cond:
                if stop.is_set():
                    return
                now = time.monotonic()
                expired = [channel for channel, deadline in self._deadlines.items() if deadline <= now]
                for channel in expired:
                    del self._deadlines[channel]
                if not expired:
                    self._cond.wait(min(self._deadlines.values(), default=now + 3600) - now)
                    continue
            for channel in expired:
                channel.close()

    def stop(self) -> None:
        with self._cond:
            thread, self._thread = self._thread, None
            self._stop.set()
            self._cond.notify_all()
        if thread is not None and thread is not threading.current_thread():
            thread.join(JOIN_TIMEOUT)


class SshRunningCommand:
    """A long-running device command on an exec channel (RunningCommand); stdout and stderr merged."""

    def __init__(
        self, channel: paramiko.Channel, timed_out: Callable[[str], Exception], command: str
    ) -> None:
        self._channel = channel
        self._timed_out = timed_out
        self._command = command

    def read(self, timeout: float) -> bytes:
        """Output that arrived within ``timeout``; ``b""`` once the command ended.

        TransportTimeout when nothing arrived within ``timeout`` and the command still runs.
        """
        deadline = time.monotonic() + timeout
        while True:
            done = ended(self._channel)
            out, err = drain(self._channel)
            if out or err:
                return out + err
            if done:
                self.stop()
                return b""
            remaining = deadline - time.monotonic()
            if remaining <= 0:
                raise self._timed_out(f"`{self._command}` printed nothing within {timeout:g} s")
            wait_readable(self._channel, remaining)

    def stop(self) -> None:
        """Close the channel; the device then cancels the command."""
        self._channel.close()
