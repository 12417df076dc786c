"""A user test as the app manager runs it: the bundle's JS test runner in a process of the bundle.

`aa test` (shell/commands/aa_test.py) calls :func:`run_user_test` once the bundle and module check
out. The runner is looked up in the bundle's installed HAP as the JS test runner is on a device:
`ets/testrunner/<runner>` (then `ets/TestRunner/`), or the runner name itself when it holds a `/`;
this emulator's HAPs carry JS sources (`.js`) where the SDK's carry `.abc`. The HAP's `ets/` files are
unpacked into a fresh folder and `test-entry.js` runs the runner over the emulated system modules.
What it prints goes to the shell as it comes; finishTest ends the test (its code and message are
printed, the process is killed, `user test finished.`). A process that exits first is `App died`.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
import threading
import time
import zipfile
from collections.abc import Callable
from pathlib import Path, PurePosixPath
from typing import Any

from ohos_emulator.apps import AbilityManager
from ohos_emulator.bundles import BundleInfo

MAX_CODE_BYTES = 16 * 1024 * 1024
POLL_SECONDS = 0.1
FINISHED = "user test finished.\n"


def runner_entry(archive: zipfile.ZipFile, runner: str) -> str | None:
    """The archive entry of test runner ``runner`` (the `-s unittest` value), or None."""
    if "/" in runner:
        candidates = [f"{runner.strip('/')}.js"]
    else:
        candidates = [f"ets/testrunner/{runner}.js", f"ets/TestRunner/{runner}.js"]
    names = set(archive.namelist())
    return next((name for name in candidates if name in names), None)


def unpack_code(archive: zipfile.ZipFile, into: Path) -> None:
    """The HAP's `ets/` files under ``into`` (ES modules); ValueError for an unsafe or oversized one."""
    total = 0
    for info in archive.infolist():
        path = PurePosixPath(info.filename)
        if info.is_dir() or not path.parts or path.parts[0] != "ets":
            continue
        if path.is_absolute() or ".." in path.parts:
            raise ValueError(f"unsafe entry {info.filename!r}")
        total += info.file_size
        if total > MAX_CODE_BYTES:
            raise ValueError(f"code larger than {MAX_CODE_BYTES} bytes")
        target = into.joinpath(*path.parts)
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(archive.read(info))
    (into / "package.json").write_text(json.dumps({"type": "module"}))


def find_runner(apps: AbilityManager, bundle: BundleInfo, runner: str) -> Path | None:
    """The installed HAP of ``bundle`` if it has test runner ``runner``."""
    hap = apps.hap_of(bundle)
    if hap is None:
        return None
    try:
        with zipfile.ZipFile(hap) as archive:
            return hap if runner_entry(archive, runner) is not None else None
    except (zipfile.BadZipFile, OSError):
        return None


def run_user_test(
    apps: AbilityManager,
    bundle: BundleInfo,
    hap: Path,
    params: dict[str, str],
    out: Callable[[bytes], None],
    cancel: threading.Event,
    wait_seconds: int,
) -> str:
    """Run the test; what aa prints at the end (the finish lines, or its timeout message)."""
    with tempfile.TemporaryDirectory(prefix="usertest-") as folder, zipfile.ZipFile(hap) as archive:
        code = Path(folder)
        unpack_code(archive, code)
        entry = runner_entry(archive, params["-s unittest"])
        assert entry is not None
        read_end, write_end = os.pipe()
        want: dict[str, Any] = {"bundle": bundle.name, "ability": "", "parameters": dict(params)}
        try:
            running = apps.start_user_test(
                bundle, want, {"OHOS_HIL_TEST_RUNNER": str(code / entry)}, write_end, code
            )
        finally:
            os.close(write_end)
        finish: list[dict[str, Any]] = []
        forward = threading.Thread(target=_forward, args=(running.process.stdout, out), daemon=True)
        forward.start()
        reader = threading.Thread(target=_read_finish, args=(read_end, finish), daemon=True)
        reader.start()
        deadline = time.monotonic() + wait_seconds if wait_seconds > 0 else None
        try:
            while not finish and running.process.poll() is None and not cancel.is_set():
                if deadline is not None and time.monotonic() > deadline:
                    return "Timeout: user test is not completed within the specified time.\n"
                reader.join(POLL_SECONDS)
        finally:
            running.process.kill()
            running.process.wait(5)
            running.ipc.close()
            forward.join(5)
            reader.join(5)
        if cancel.is_set():
            return ""
        message, code_value = (finish[0]["message"], finish[0]["code"]) if finish else ("App died", -1)
        return f"TestFinished-ResultCode: {code_value}\nTestFinished-ResultMsg: {message}\n{FINISHED}"


def _forward(stream, out: Callable[[bytes], None]) -> None:
    for line in stream:
        out(line)


def _read_finish(fd: int, finish: list[dict[str, Any]]) -> None:
    with open(fd, "rb") as pipe:
        line = pipe.readline(64 * 1024)
    with contextlib.suppress(ValueError):
        if line:
            finish.append(json.loads(line))
