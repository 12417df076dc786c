"""`ohos-hil-emulator`: the emulated device's own program.

`serve` runs N emulated devices and prints their endpoints until interrupted; it writes them to
`<state-dir>/endpoints.json` (and `--endpoints-file`), a device inventory for the harness on
whatever ports were chosen. `deviations` and
`profiles` list what `serve --seed-deviation` and `--profile` take (as JSON with `--json`), so the
harness learns them by running this program, never by importing it. `ohos-hil emulator ...` is an
alias that runs this program.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
import tempfile
import threading
from pathlib import Path
from typing import Any

from ohos_emulator.farm import EmulatorFarm, FarmConfig
from ohos_emulator.fronts.limits import (
    DEFAULT_FRAME_TIMEOUT,
    DEFAULT_MAX_CHANNELS,
    DEFAULT_MAX_CONNECTIONS,
    FrontLimits,
)
from ohos_emulator.generated import find_deviation, generated_deviations
from ohos_emulator.mutants import SEEDED_DEVIATIONS
from ohos_emulator.profiles import PROFILES, get_profile
from ohos_protocol.errors import ConfigError

EXIT_USAGE = 64
ENDPOINTS_FILE = "endpoints.json"  # in the state folder: the served devices as an inventory


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="ohos-hil-emulator", description="emulated OpenHarmony devices")
    actions = parser.add_subparsers(dest="action", metavar="ACTION", required=True)
    serve = actions.add_parser("serve", help="serve N emulated devices on 127.0.0.1 until interrupted")
    serve.add_argument("--devices", type=int, default=1, help="number of devices (default 1)")
    serve.add_argument("--hdc-port", type=int, default=8710, help="hdc server port; 0 picks a free one")
    serve.add_argument(
        "--ssh-port",
        type=int,
        default=0,
        help="SSH port of the first device (the i-th gets PORT+i); 0: free ports",
    )
    serve.add_argument(
        "--serial-port",
        type=int,
        default=0,
        help="socket:// port of the first device's serial console (the i-th gets PORT+i); 0: free ports",
    )
    serve.add_argument(
        "--serial-login",
        metavar="USER[:PASSWORD_ENV]",
        help="the serial consoles ask `login:` / `Password:` as real images do; the password is the "
        "value of the environment variable PASSWORD_ENV (empty without one)",
    )
    serve.add_argument(
        "--state-dir", type=Path, help="where device state lives (default: a new temporary dir)"
    )
    serve.add_argument("--profile", default="api10-doc", choices=sorted(PROFILES), help="behaviour profile")
    serve.add_argument(
        "--time-scale",
        type=float,
        default=0.05,
        help="real seconds per device second of simulated transfer work (default 0.05)",
    )
    serve.add_argument(
        "--seed-deviation",
        metavar="NAME",
        help="break the spec on purpose, one way (for the suite self-check): a name or id that "
        "`deviations [--generated]` lists",
    )
    serve.add_argument(
        "--host-files",
        type=Path,
        action="append",
        default=[],
        metavar="DIR",
        help="a host folder the legacy `file send|recv HOST DEV` and `install PKG` forms may use "
        "(repeatable; default: only the folder serve runs in)",
    )
    serve.add_argument(
        "--max-connections",
        type=int,
        default=DEFAULT_MAX_CONNECTIONS,
        metavar="N",
        help=f"connections open at once per front (hdc server, each SSH server, each serial port); "
        f"more are closed at once (default {DEFAULT_MAX_CONNECTIONS})",
    )
    serve.add_argument(
        "--max-ssh-channels",
        type=int,
        default=DEFAULT_MAX_CHANNELS,
        metavar="N",
        help=f"channels open at once per SSH connection (default {DEFAULT_MAX_CHANNELS})",
    )
    serve.add_argument(
        "--frame-timeout",
        type=float,
        default=DEFAULT_FRAME_TIMEOUT,
        metavar="SECONDS",
        help=f"seconds an hdc frame may take once it started (default {DEFAULT_FRAME_TIMEOUT:g})",
    )
    serve.add_argument("--endpoints-file", type=Path, help="also write the endpoints as JSON to this file")
    serve.set_defaults(func=serve_command)
    for name, listing, what in (
        ("deviations", list_deviations, "the seeded deviations `serve --seed-deviation` takes"),
        ("profiles", list_profiles, "the behaviour profiles `serve --profile` takes"),
    ):
        lister = actions.add_parser(name, help=f"list {what}")
        lister.add_argument("--json", action="store_true", help="as a JSON list of objects")
        lister.set_defaults(func=listing)
        if name == "deviations":
            lister.add_argument(
                "--check",
                metavar="NAME",
                help="list nothing; exit 0 when NAME is a hand-written or generated deviation, else 64",
            )
            lister.add_argument(
                "--generated",
                action="store_true",
                help="the generated deviations (with the suite paths that observe each) instead",
            )
    return parser


def main(argv: list[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
    except SystemExit as exc:  # argparse says 2 for a bad command line
        return EXIT_USAGE if exc.code == 2 else int(exc.code or 0)
    try:
        return int(args.func(args))
    except ConfigError as exc:
        print(f"ohos-hil-emulator: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except KeyboardInterrupt:
        return 130
    except BrokenPipeError:  # the reader of a listing went away (`| head`)
        return 0


def _print_rows(args: argparse.Namespace, rows: list[dict[str, str]]) -> int:
    if args.json:
        print(json.dumps(rows))
    else:
        for row in rows:
            print("  ".join(row.values()))
    return 0


def list_deviations(args: argparse.Namespace) -> int:
    if args.check is not None:
        find_deviation(args.check)
        return 0
    if args.generated:
        rows = [
            {"name": d.name, "family": d.family, "description": d.description, "observers": list(d.observers)}
            for d in generated_deviations().values()
        ]
        if not args.json:
            rows = [{**row, "observers": " ".join(row["observers"])} for row in rows]
        return _print_rows(args, rows)
    rows = [
        {"name": d.name, "family": d.family, "description": d.description}
        for d in sorted(SEEDED_DEVIATIONS.values(), key=lambda d: d.name)
    ]
    return _print_rows(args, rows)


def list_profiles(args: argparse.Namespace) -> int:
    return _print_rows(args, [{"name": p.name, "description": p.description} for p in PROFILES.values()])


def serve_command(args: argparse.Namespace) -> int:
    if args.state_dir is not None:
        return _serve(args, args.state_dir)
    with tempfile.TemporaryDirectory(prefix="ohos-hil-emu-") as temporary:
        return _serve(args, Path(temporary))


def serial_login(option: str | None) -> tuple[str, str] | None:
    """(user, password) from ``USER[:PASSWORD_ENV]``; a named variable that is not set is an error."""
    if option is None:
        return None
    user, _, variable = option.partition(":")
    if not user:
        raise ConfigError(f"--serial-login {option!r}: no user name")
    if not variable:
        return user, ""
    if variable not in os.environ:
        raise ConfigError(f"--serial-login: the environment variable {variable} (the password) is not set")
    return user, os.environ[variable]


def front_limits(args: argparse.Namespace) -> FrontLimits:
    """The caps of the serve options; ConfigError for one that is not positive."""
    try:
        return FrontLimits(args.max_connections, args.frame_timeout, args.max_ssh_channels)
    except ValueError as exc:
        raise ConfigError(str(exc)) from None


def with_login(endpoints: dict[str, Any], option: str | None) -> dict[str, Any]:
    """The endpoints with the serial console's login (user, and the variable naming the password)."""
    if option is None:
        return endpoints
    user, _, variable = option.partition(":")
    login = {"user": user, **({"password_env": variable} if variable else {})}
    for device in endpoints["devices"]:
        if "serial" in device["transports"]:
            device["transports"]["serial"]["login"] = login
    return endpoints


def _serve(args: argparse.Namespace, state_dir: Path) -> int:
    if args.seed_deviation is not None:
        find_deviation(args.seed_deviation)
    config = FarmConfig(
        devices=args.devices,
        state_dir=state_dir,
        profile=get_profile(args.profile),
        hdc_port=args.hdc_port,
        time_scale=args.time_scale,
        seeded_deviation=args.seed_deviation,
        ssh_port=args.ssh_port,
        serial_port=args.serial_port,
        serial_login=serial_login(args.serial_login),
        limits=front_limits(args),
        host_files=tuple(args.host_files),
    )
    stop = threading.Event()
    for signum in (signal.SIGINT, signal.SIGTERM):
        signal.signal(signum, lambda *_: stop.set())
    with EmulatorFarm(config) as farm:
        endpoints = farm.endpoints()
        print(
            f"ohos-hil emulator: {len(farm.devices)} device(s), profile {endpoints['profile']}, "
            f"state {endpoints['stateDir']}"
        )
        print(f"hdc server  {endpoints['hdc']}")
        for device in endpoints["devices"]:
            for kind, target in device["transports"].items():
                where = " ".join(f"{key}={value}" for key, value in target.items())
                print(f"{device['id']:<11} {kind:<7} {where}")
        endpoints = with_login(endpoints, args.serial_login)
        state_endpoints = state_dir / ENDPOINTS_FILE
        for path in (state_endpoints, args.endpoints_file):
            if path is not None:
                farm.write_endpoints(path, endpoints)
        print(f"inventory   {state_endpoints}  (ohos-hil run --inventory {state_endpoints})")
        print("ready", flush=True)
        stop.wait()
    print("stopped", file=sys.stderr)
    return 0
