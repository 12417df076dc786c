"""Allure 3 (the npm package ``allure``, pinned in the project's package.json) run from a node_modules
folder with ``npx --offline``: no network once it is installed.

In a checkout that is the checkout's node_modules (`make setup` runs `npm ci`); for a harness installed
as a package, the node_modules of the folder the command runs in (`npm install allure@VERSION`)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.errors import InfrastructureError

CHECKOUT = Path(__file__).resolve().parents[2]
ALLURE_VERSION = "3.18.0"  # the pin in package.json (a unit test keeps the two equal)
GENERATE_TIMEOUT = 300.0
VERSION_TIMEOUT = 10.0


class ReportToolError(InfrastructureError):
    """Node.js or Allure 3 is missing or failed: the HTML report cannot be made here."""


@dataclass(frozen=True)
class Allure3:
    """The Allure 3 command line of a checkout."""

    node: str
    npx: str
    root: Path
    version: str

    def node_version(self) -> str:
        try:
            done = subprocess.run(
                [self.node, "--version"], capture_output=True, text=True, timeout=VERSION_TIMEOUT, check=False
            )
        except (OSError, subprocess.TimeoutExpired) as exc:
            raise ReportToolError(f"`{self.node} --version` failed: {exc}") from None
        return done.stdout.strip()

    def generate(self, results: Path, output: Path, config: dict[str, Any], workdir: Path) -> None:
        """`allure generate` of ``results`` into ``output``; ``config`` is written to ``workdir``."""
        config_file = workdir / "allurerc.json"
        config_file.write_text(json.dumps(config, indent=1), encoding="utf-8")
        command = [
            self.npx, "--offline", "allure", "generate", str(results),
            "--output", str(output), "--config", str(config_file),
        ]  # fmt: skip
        env = {**os.environ, "NO_COLOR": "1", "npm_config_update_notifier": "false"}
        try:
            done = subprocess.run(
                command, cwd=self.root, env=env, capture_output=True, text=True,
                timeout=GENERATE_TIMEOUT, check=False,
            )  # fmt: skip
        except subprocess.TimeoutExpired:
            raise ReportToolError(f"allure generate did not finish within {GENERATE_TIMEOUT:g} s") from None
        except OSError as exc:
            raise ReportToolError(f"could not start {self.npx}: {exc}") from None
        if done.returncode != 0 or not (output / "index.html").is_file():
            tail = "\n".join((done.stdout + done.stderr).strip().splitlines()[-15:])
            raise ReportToolError(f"allure generate failed (exit {done.returncode}):\n{tail}")


def allure_roots() -> tuple[Path, ...]:
    """Where Allure 3 is looked for: the folder the command runs in, then the checkout (if any)."""
    return tuple(dict.fromkeys((Path.cwd().resolve(), CHECKOUT)))


def find_allure(roots: tuple[Path, ...] | None = None) -> Allure3:
    """Node.js on PATH and Allure 3 in a ``roots`` node_modules, or a ReportToolError saying what to do."""
    node, npx = shutil.which("node"), shutil.which("npx")
    if node is None or npx is None:
        raise ReportToolError(
            "Node.js (node and npx) is not on PATH; the HTML report needs it: install Node.js 18+ and run "
            "`make setup`"
        )
    roots = allure_roots() if roots is None else roots
    for root in roots:
        package = root / "node_modules" / "allure" / "package.json"
        try:
            version = str(json.loads(package.read_text(encoding="utf-8"))["version"])
        except (OSError, ValueError, KeyError):
            continue
        return Allure3(node, npx, root, version)
    raise ReportToolError(
        f"Allure 3 is not installed (looked in {', '.join(str(root / 'node_modules') for root in roots)}): "
        f"run `npm install --no-save allure@{ALLURE_VERSION}` here, or `make setup` in a checkout"
    )
