"""`ohos-hil emulator serve`: run N emulated devices and print their endpoints until interrupted."""

from __future__ import annotations

import argparse
import signal
import sys
import tempfile
import threading
from pathlib import Path

from harness.emulator.farm import EmulatorFarm, FarmConfig
from harness.emulator.mutants import SEEDED_DEVIATIONS
from harness.emulator.profiles import PROFILES, get_profile


def add_parser(subparsers: argparse._SubParsersAction) -> None:
    emulator = subparsers.add_parser("emulator", help="run emulated OpenHarmony devices")
    actions = emulator.add_subparsers(dest="action", metavar="ACTION", required=True)
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
        choices=sorted(SEEDED_DEVIATIONS),
        help="break the spec on purpose, one way (for the suite self-check)",
    )
    serve.add_argument("--endpoints-file", type=Path, help="also write the endpoints as JSON to this file")
    serve.set_defaults(func=serve_command)


def serve_command(args: argparse.Namespace) -> int:
    if args.state_dir is not None:
        return _serve(args, args.state_dir)
    with tempfile.TemporaryDirectory(prefix="ohos-hil-emu-") as temporary:
        return _serve(args, Path(temporary))


def _serve(args: argparse.Namespace, state_dir: Path) -> int:
    config = FarmConfig(
        devices=args.devices,
        state_dir=state_dir,
        profile=get_profile(args.profile),
        hdc_port=args.hdc_port,
        time_scale=args.time_scale,
        seeded_deviation=args.seed_deviation,
        ssh_port=args.ssh_port,
        serial_port=args.serial_port,
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
        if args.endpoints_file:
            farm.write_endpoints(args.endpoints_file)
        print("ready", flush=True)
        stop.wait()
    print("stopped", file=sys.stderr)
    return 0
