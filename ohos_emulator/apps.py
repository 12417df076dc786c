"""The emulated ability manager: `aa start` runs a bundle's entry ability as a real process.

A bundle's entry ability is the JS shim under Node.js (ohos_emulator/shim_node/node-entry.js), whatever HAP
installed the bundle. The process is given its IPC channels (docs/emulator-ipc.md) and the caller
identity of its bundle; its stdout and stderr go to hilog, as an app's console does. Installing a
bundle over a running one, or uninstalling it, stops its ability first, as the bundle manager does.

Node.js takes ~100 ms to start and load the shim, so a started ability's process is always a fresh
one that was started *ahead*: one spare runtime waits, its IPC hello sent and unanswered, and `aa
start` hands it the bundle (answers its hello with the caller identity and the want), then starts
the next spare. Every ability still runs in a process of its own that no other ability ran in: its
session, handles, events and state are as new as with a process started on demand.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ohos_protocol
from ohos_emulator.bm_errors import BundleError
from ohos_emulator.bundle_registry import BundleRegistry
from ohos_emulator.bundles import BundleInfo
from ohos_emulator.hap_package import read_hap
from ohos_emulator.hilog import Hilog
from ohos_emulator.ipc import ProcessIpc
from ohos_emulator.ports import PortTable
from ohos_emulator.samgr import SystemAbilityManager
from ohos_emulator.services.binder import Caller
from ohos_protocol.processes import stop_process

SHIM_DIR = Path(__file__).resolve().parent / "shim_node"
SHIM_ENTRY = SHIM_DIR / "node-entry.js"
TEST_ENTRY = SHIM_DIR / "test-entry.js"
PROTOCOL_JS = Path(ohos_protocol.__file__).resolve().parent / "shim_js"
APP_DOMAIN = 0x0
# Node's permission model for a test bundle's process. Workers stay allowed because the module loader
# (test-loader.js) runs in one; a worker is under the same permissions as its process.
_SANDBOX = ("--experimental-permission", "--allow-worker")


class AbilityStartError(Exception):
    """`aa start` could not start the ability; the message is what `aa` prints after "error: "."""


@dataclass
class SpareRuntime:
    """A Node.js process started ahead: its hello waits on ``call`` for an ability to be handed."""

    process: subprocess.Popen[bytes]
    call: socket.socket
    event: socket.socket

    def discard(self) -> None:
        """Its channels closed first: the waiting hello ends and the runtime exits by itself."""
        self.call.close()
        self.event.close()
        stop_process(self.process, 2.0)


@dataclass
class RunningAbility:
    bundle: BundleInfo
    ability: str
    process: subprocess.Popen[bytes]
    ipc: ProcessIpc

    @property
    def pid(self) -> int:
        return self.process.pid


class AbilityManager:
    """Installed bundles and their running abilities."""

    def __init__(
        self,
        bundles: BundleRegistry,
        samgr: SystemAbilityManager,
        ports: PortTable,
        hilog: Hilog,
        hello: dict[str, Any],
        code_dir: Path | None = None,
    ) -> None:
        self._bundles = bundles
        self._code_dir = code_dir
        self._changing = threading.Lock()
        self._samgr = samgr
        self._ports = ports
        self._hilog = hilog
        self._hello = hello
        self._running: dict[str, RunningAbility] = {}
        self._lock = threading.Lock()
        self._spare: SpareRuntime | None = None
        self._spare_lock = threading.Lock()
        self._stopped = False

    def installed(self) -> list[BundleInfo]:
        return self._bundles.all()

    def bundle(self, name: str) -> BundleInfo | None:
        return self._bundles.get(name)

    def install(self, hap_path: Path, replace: bool = False, *, source: str | None = None) -> BundleInfo:
        """Install the HAP at host path ``hap_path`` (`bm install -p [-r]`); BundleError if refused.

        ``source`` names the HAP in messages (its device path). The reason for a refusal goes to
        hilog, as the bundle manager logs it.
        """
        try:
            manifest = read_hap(hap_path, source)
            with self._changing:
                bundle = self._bundles.check_install(manifest, replace)
                self.force_stop(bundle.name)
                self._bundles.add(bundle, manifest)
                self._keep_code(bundle, hap_path)
        except BundleError as exc:
            self._bundles.log(f"install {source or hap_path} failed: {exc}", level="E")
            raise
        self._bundles.log(f"installed {bundle.name} version {bundle.version_code} (APL {bundle.apl})")
        return bundle

    def uninstall(self, bundle_name: str) -> None:
        """Stop the bundle's ability and remove the bundle (`bm uninstall -n`); BundleError if refused."""
        try:
            with self._changing:
                self._bundles.check_uninstall(bundle_name)
                self.force_stop(bundle_name)
                self._bundles.remove(bundle_name)
                if self._code_dir is not None:
                    shutil.rmtree(self._code_dir / bundle_name, ignore_errors=True)
        except BundleError as exc:
            self._bundles.log(f"uninstall {bundle_name} failed: {exc}", level="E")
            raise
        self._bundles.log(f"uninstalled {bundle_name}")

    def _keep_code(self, bundle: BundleInfo, hap_path: Path) -> None:
        """The installed HAP, where the bundle manager keeps it (`/data/app/el1/bundle/public/B/M.hap`)."""
        if self._code_dir is None:
            return
        target = self._code_dir / bundle.name
        shutil.rmtree(target, ignore_errors=True)
        target.mkdir(parents=True)
        shutil.copyfile(hap_path, target / f"{bundle.module}.hap")

    def hap_of(self, bundle: BundleInfo) -> Path | None:
        """The installed HAP of ``bundle``, if it was installed from one (pre-installed shims were not)."""
        if self._code_dir is None:
            return None
        path = self._code_dir / bundle.name / f"{bundle.module}.hap"
        return path if path.is_file() else None

    def start_user_test(
        self,
        bundle: BundleInfo,
        want: dict[str, Any],
        env: dict[str, str],
        finish_fd: int,
        code_dir: Path,
    ) -> RunningAbility:
        """A process of ``bundle`` running its test runner (test-entry.js), as `aa test` starts it.

        Its stdout is what the runner prints (aa prints it), its stderr the app's console (hilog);
        ``finish_fd`` (inherited) is where finishTest writes. The bundle's code (``code_dir``) comes
        from whoever installed it, so it runs under Node's permission model: it may read only its own
        code and the emulated modules, and may not write files, spawn processes or start workers
        (an app on a device cannot reach the host either).
        """
        node = shutil.which("node")
        if node is None:
            raise AbilityStartError("node.js is missing on the emulator host.")
        call_parent, call_child = socket.socketpair()
        event_parent, event_child = socket.socketpair()
        fds = (call_child.fileno(), event_child.fileno(), finish_fd)
        process = subprocess.Popen(
            [node, *_SANDBOX, *_readable(code_dir), str(TEST_ENTRY)],
            cwd=SHIM_DIR,
            env={
                "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
                "OHOS_HIL_IPC": f"{fds[0]},{fds[1]}",
                "OHOS_HIL_TEST_FINISH": str(finish_fd),
                **env,
            },
            pass_fds=fds,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        call_child.close()
        event_child.close()
        running = RunningAbility(
            bundle, "", process, self._bind_ipc(process, bundle, want, call_parent, event_parent)
        )
        threading.Thread(
            target=self._pump_console, args=(running,), name=f"test-{process.pid}", daemon=True
        ).start()
        return running

    def _bind_ipc(
        self,
        process: subprocess.Popen[bytes],
        bundle: BundleInfo,
        want: dict[str, Any],
        call: socket.socket,
        event: socket.socket,
    ) -> ProcessIpc:
        """The started IPC of ``process``, which runs as ``bundle`` (its caller identity) with ``want``."""
        caller = Caller(process.pid, bundle.name, bundle.apl, bundle.system_app, bundle.permissions)
        ipc = ProcessIpc(
            caller, {**self._hello, "want": want}, call, event, self._samgr, self._ports, self._hilog
        )
        ipc.start()
        return ipc

    def _pump_console(self, running: RunningAbility) -> None:
        assert running.process.stderr is not None
        for raw in running.process.stderr:
            text = raw.decode("utf-8", "replace").rstrip("\n")
            self._hilog.write(running.bundle.name, text, domain=APP_DOMAIN, pid=running.pid)

    def running(self) -> list[RunningAbility]:
        with self._lock:
            return list(self._running.values())

    def start(self, bundle_name: str, ability: str, parameters: dict[str, Any]) -> None:
        with self._changing:  # the bundle stays installed until its ability runs
            bundle = self._bundles.get(bundle_name)
            if bundle is None or not ability or ability != bundle.entry_ability:
                raise AbilityStartError("failed to start ability.\nerror: resolve ability err.")
            with self._lock:
                running = self._running.get(bundle_name)
                if running is not None:  # the running ability gets the new want (onNewWant)
                    running.ipc.push(0, "newWant", self._want(bundle, ability, parameters))
                    return
                node = shutil.which("node")
                if node is None:
                    raise AbilityStartError(
                        "failed to start ability.\nerror: node.js is missing on the emulator host."
                    )
                self._running[bundle_name] = self._spawn(node, bundle, ability, parameters)

    @staticmethod
    def _start_runtime(node: str) -> SpareRuntime:
        call_parent, call_child = socket.socketpair()
        event_parent, event_child = socket.socketpair()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "OHOS_HIL_IPC": f"{call_child.fileno()},{event_child.fileno()}",
        }
        process = subprocess.Popen(
            [node, str(SHIM_ENTRY)],
            cwd=SHIM_DIR,
            env=env,
            pass_fds=(call_child.fileno(), event_child.fileno()),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
        )
        call_child.close()
        event_child.close()
        return SpareRuntime(process, call_parent, event_parent)

    def _take_runtime(self, node: str) -> SpareRuntime:
        """The spare runtime if it is ready and alive (else a new one); the next spare is started
        beside, off this start's path."""
        with self._spare_lock:
            spare, self._spare = self._spare, None
        if spare is not None and spare.process.poll() is not None:
            spare.discard()
            spare = None
        threading.Thread(target=self._prepare_spare, args=(node,), name="spare-runtime", daemon=True).start()
        return spare or self._start_runtime(node)

    def _prepare_spare(self, node: str) -> None:
        runtime = self._start_runtime(node)
        with self._spare_lock:
            if self._spare is None and not self._stopped:
                self._spare, runtime = runtime, None
        if runtime is not None:  # a spare is there already, or the device is closing
            runtime.discard()

    def _spawn(
        self, node: str, bundle: BundleInfo, ability: str, parameters: dict[str, Any]
    ) -> RunningAbility:
        runtime = self._take_runtime(node)
        process, call_parent, event_parent = runtime.process, runtime.call, runtime.event
        want = self._want(bundle, ability, parameters)
        ipc = self._bind_ipc(process, bundle, want, call_parent, event_parent)
        running = RunningAbility(bundle, ability, process, ipc)
        threading.Thread(
            target=self._pump_output, args=(running,), name=f"app-{process.pid}", daemon=True
        ).start()
        self._hilog.write(
            "AbilityManagerService",
            f"start ability {bundle.name}/{ability} pid {process.pid}",
            domain=0xD001300,
        )
        return running

    @staticmethod
    def _want(bundle: BundleInfo, ability: str, parameters: dict[str, Any]) -> dict[str, Any]:
        defaults = {} if bundle.default_port is None else {"port": bundle.default_port}
        return {"bundle": bundle.name, "ability": ability, "parameters": {**defaults, **parameters}}

    def _pump_output(self, running: RunningAbility) -> None:
        assert running.process.stdout is not None
        for raw in running.process.stdout:
            self._hilog.write(
                running.bundle.name,
                raw.decode("utf-8", "replace").rstrip("\n"),
                domain=APP_DOMAIN,
                pid=running.pid,
            )
        status = running.process.wait()
        running.ipc.close()
        with self._lock:
            if self._running.get(running.bundle.name) is running:
                del self._running[running.bundle.name]
        self._hilog.write(
            "AbilityManagerService",
            f"process {running.pid} ({running.bundle.name}) exited {status}",
            domain=0xD001300,
        )

    def force_stop(self, bundle_name: str, timeout: float = 5.0) -> None:
        """Kill the bundle's process (SIGKILL, as the app manager kills it on a device) and wait for it."""
        with self._lock:
            running = self._running.pop(bundle_name, None)
        if running is None:
            return
        running.process.kill()
        running.process.wait(timeout)
        running.ipc.close()

    def stop_all(self) -> None:
        for running in self.running():
            with contextlib.suppress(OSError):
                self.force_stop(running.bundle.name)
        with self._spare_lock:
            self._stopped = True
            spare, self._spare = self._spare, None
        if spare is not None:
            spare.discard()


def _readable(code_dir: Path) -> list[str]:
    """The --allow-fs-read flags of a test process: its code and the JS it imports (one per folder)."""
    return [f"--allow-fs-read={path.resolve()}/" for path in (code_dir, SHIM_DIR, PROTOCOL_JS)]
