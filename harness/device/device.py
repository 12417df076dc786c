"""A device under test: one transport, its controls, the shim, a trace and a restore journal."""

from __future__ import annotations

import time
from functools import cached_property
from pathlib import Path

from harness.controls.battery import BatteryControl
from harness.controls.journal import JournalEntry, RestoreJournal
from harness.controls.lab import LabControl
from harness.controls.network import NetworkControl
from harness.controls.storage import StorageControl
from harness.device.apps import AbilityControl
from harness.device.info import DeviceInfo, read_device_info
from harness.device.install import install_hap, uninstall_bundle
from harness.errors import ConfigError, DeviceHealthError, InfrastructureError, ShimError
from harness.shim.client import ShimClient
from harness.trace import Trace
from harness.transport.base import DEFAULT_COMMAND_TIMEOUT, Armored, CommandResult, Transport
from ohos_protocol.hap import ShimVariant, load_variants
from ohos_protocol.names import CAPABILITIES

SHIM_START_TIMEOUT = 20.0
SHIM_FIRST_PAUSE = 0.002  # the first wait between handshake attempts (doubling up to 0.2 s)


def _tries(count: int) -> str:
    return "1 try" if count == 1 else f"{count} tries"


class Device:
    """What a test drives. Controls restore what they change; :meth:`close` restores the rest."""

    def __init__(
        self,
        device_id: str,
        transport: Transport,
        *,
        journal: RestoreJournal,
        capabilities: frozenset[str] = frozenset(),
        trace: Trace | None = None,
        variants: dict[str, ShimVariant] | None = None,
    ) -> None:
        unknown = capabilities - CAPABILITIES
        if unknown:
            raise ConfigError(
                f"{device_id}: unknown capabilities {sorted(unknown)}; known: {sorted(CAPABILITIES)}"
            )
        self.id = device_id
        self.transport = transport
        self.journal = journal
        self.capabilities = capabilities
        self.trace = trace if trace is not None else Trace()
        self.variants = variants if variants is not None else load_variants()
        self.abilities = AbilityControl(transport)
        self.battery = BatteryControl(self)
        self.network = NetworkControl(self)
        self.storage = StorageControl(self)
        self.lab = LabControl(self)

    @cached_property
    def info(self) -> DeviceInfo:
        info = read_device_info(self.transport)
        if not info.booted:
            raise DeviceHealthError(f"{self.id}: boot not completed (bootevent.boot.completed != true)")
        return info

    def shell(self, command: str, timeout: float = DEFAULT_COMMAND_TIMEOUT) -> CommandResult:
        return self.transport.run(command, timeout=timeout)

    def install(self, hap: Path, replace: bool = True) -> str:
        """Install a HAP (harness/device/install.py); returns bm's text."""
        return install_hap(self.transport, hap, replace)

    def uninstall(self, bundle: str) -> str:
        """Uninstall a bundle; returns bm's text."""
        return uninstall_bundle(self.transport, bundle)

    def variant(self, name: str) -> ShimVariant:
        try:
            return self.variants[name]
        except KeyError:
            raise ConfigError(
                f"{self.id}: no shim variant {name!r}; known: {sorted(self.variants)}"
            ) from None

    def shim(
        self, variant: str = "default", *, fresh: bool = False, timeout: float = SHIM_START_TIMEOUT
    ) -> ShimClient:
        """A new shim session with a variant's ability, started (afresh if asked) with `aa start`.

        The ability starts asynchronously, so connecting is retried until it answers its handshake
        or ``timeout`` passes.
        """
        chosen = self.variant(variant)
        with self.trace.action("shim", f"start {chosen.bundle}", port=chosen.port, fresh=fresh) as record:
            if fresh:
                self.abilities.force_stop(chosen)
            token = self.abilities.start(chosen)
            began = time.monotonic()
            deadline = began + timeout
            pause = SHIM_FIRST_PAUSE
            tries = 0
            with self.transport.route(chosen.port):  # one forward for every attempt
                while True:
                    tries += 1
                    attempt = Trace()  # a handshake refused while the ability starts is no step of the test
                    client = ShimClient(
                        lambda: self.transport.open_stream(chosen.port),
                        token=token,
                        armor=isinstance(self.transport, Armored),
                        trace=attempt,
                        device=self.id,
                        transport=self.transport.name,
                    )
                    try:
                        client.open()
                    except InfrastructureError as exc:
                        client.close()
                        if time.monotonic() + pause > deadline:
                            raise ShimError(
                                f"{self.id}: shim {chosen.bundle} did not answer on device port "
                                f"{chosen.port} within {timeout:g} s ({tries} tries): {exc}"
                            ) from exc
                        time.sleep(pause)
                        pause = min(pause * 2, 0.2)
                        continue
                    client.trace = self.trace
                    waited = round((time.monotonic() - began) * 1000)
                    record.title = f"start {chosen.bundle}, ready in {waited} ms after {_tries(tries)}"
                    record.result = attempt.records[-1].result if attempt.records else None
                    return client

    # -- restore ----------------------------------------------------------------------------------
    def undo(self, entry: JournalEntry) -> None:
        """Run one journal entry's undo step, then mark it done.

        A step is a shell command (``command``, with ``expect``: text its output must contain) or a
        call on the default shim variant (``shim``: module, member, args, style).
        """
        with self.trace.action("restore", f"{entry.kind}: {entry.undo}"):
            if "command" in entry.undo:
                result = self.shell(entry.undo["command"]).check()
                expected = entry.undo.get("expect")
                if expected and expected not in result.output:
                    raise DeviceHealthError(
                        f"{self.id}: `{result.command}` answered {result.output.strip()!r}"
                    )
            elif "shim" in entry.undo:
                step = entry.undo["shim"]
                with self.shim() as client:
                    outcome = client.invoke(
                        step["module"], step["member"], *step.get("args", []), style=step.get("style", "sync")
                    )
                if outcome.failed:
                    raise DeviceHealthError(f"{self.id}: undo {step} failed: {outcome.summary()}")
            else:
                raise ConfigError(f"{self.journal.path}: entry {entry.id} has no undo step: {entry.undo}")
        self.journal.resolve(entry)

    def restore(self) -> int:
        """Undo everything the journal holds, newest first, each step tried even if another fails.

        Returns how many steps ran. Run at teardown, and at start-up for what a crashed run left.
        """
        errors = []
        pending = self.journal.pending()
        for entry in reversed(pending):
            try:
                self.undo(entry)
            except InfrastructureError as exc:
                errors.append(f"{entry.kind}: {exc}")
        for control in (self.battery, self.network, self.storage):
            control.forget()
        if errors:
            raise DeviceHealthError(f"{self.id}: could not restore: " + "; ".join(errors))
        return len(pending)

    def close(self) -> None:
        try:
            self.restore()
        finally:
            self.transport.close()
