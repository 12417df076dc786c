"""Kernel messages that show up on a serial console at random (seeded) moments.

Real consoles print printk lines whenever the kernel logs, also in the middle of a line a program is
writing. :class:`KernelNoise` models that with one probability ``rate``: each line of program output
gets a kernel message inside it with probability ``rate``, and every :data:`TICK` seconds a message
is logged with probability ``rate`` (so they also land in prompts, echo and idle time). Every message
goes to the device's kernel ring buffer (`dmesg`); it reaches the console only when its level passes
the console log level (`dmesg -n 1` silences them all).
"""

from __future__ import annotations

import random
import threading

from ohos_emulator.kmsg import KernelLog

TICK = 0.1
MESSAGES = (
    (6, "usb 1-1: new high-speed USB device number {n} using xhci-hcd"),
    (4, "hmdfs: hmdfs_server_open: file not found, errno -2"),
    (6, "healthd: battery l={pct} v=3{n:03d} t=26.0 h=2 st=2 chg=u"),
    (5, 'audit: type=1400 audit({n}.{pct}:17): avc: denied {{ read }} for pid={n} comm="cloudfiledaemon"'),
    (3, "wlan0: deauthenticating from 02:00:00:00:00:{pct:02d} by local choice (Reason: 3=DEAUTH_LEAVING)"),
    (6, "binder: {n}:{pct} transaction failed 29189/-22, size 0-0 line 3060"),
    (4, "lowmemorykiller: Killing 'com.ohos.photos' ({n}), adj 900"),
    (6, 'init: Service "hilogd" status changed to running # pid {n}'),
    (6, 'hmdfs: {{"op":"lookup","ret":{pct}}} done'),
    (7, "cpufreq: cpu0 -> {n}000 kHz"),
)


class KernelNoise:
    """Seeded random kernel messages for one console (thread-safe)."""

    def __init__(self, kmsg: KernelLog, rate: float, seed: int) -> None:
        if not 0.0 <= rate <= 1.0:
            raise ValueError(f"kernel_noise is a probability (0..1), not {rate}")
        self._kmsg = kmsg
        self.rate = rate
        self._random = random.Random(seed)  # noqa: S311 - noise, not secrets
        self._lock = threading.Lock()

    def _message(self) -> tuple[int, str] | None:
        """A message to log, or None (with probability 1 - rate)."""
        with self._lock:
            if self._random.random() >= self.rate:
                return None
            level, template = self._random.choice(MESSAGES)
            return level, template.format(n=self._random.randrange(1, 999), pct=self._random.randrange(100))

    def inject(self, data: bytes) -> bytes:
        """``data`` with kernel messages printed inside some of its lines."""
        if not self.rate:
            return data
        out = bytearray()
        for segment in data.splitlines(keepends=True):
            body = len(segment.rstrip(b"\r\n"))
            message = self._message() if body > 1 else None
            if message is None:
                out += segment
                continue
            record = self._kmsg.log(message[1], message[0])
            with self._lock:
                cut = self._random.randrange(1, body)
            out += segment[:cut]
            if self._kmsg.on_console(record):
                out += record.console_bytes()
            out += segment[cut:]
        return bytes(out)

    def run(self, stop: threading.Event) -> None:
        """Log messages at random moments until ``stop`` is set (the console's thread)."""
        while not stop.wait(TICK):
            message = self._message()
            if message is not None:
                self._kmsg.printk(message[1], message[0])
