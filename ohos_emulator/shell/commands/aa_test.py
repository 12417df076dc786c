"""`aa test`: start a bundle's test runner, as OpenHarmony 4.0's aa tool and ability manager answer it.

Options are read as aa's RunAsTestCommand reads them: `-b`, `-p`, `-m` take a value, `-w` an integer,
`-s KEY VALUE` a pair, `-D` nothing; anything else starting with `-` is an unknown option. `-b` and
`-s unittest` must be there. Then the ability manager: a bundle that is not installed is
`get bundle info failed`; the bundle's running app is killed; a stage-model bundle needs `-m` naming
its module, else the test observer gets TestFinished(-1, reason) and aa prints that before failing.

A module with a test runner runs it (ohos_emulator/user_test.py). A module without one starts, prints
nothing and never finishes, as on a device (the JS runtime finds no `ets/testrunner/<runner>` to
call): aa waits `-w` seconds and says it timed out, or waits until the client goes away.
Source: ability_ability_runtime OpenHarmony-v4.0-Release `tools/aa/src/ability_command.cpp`
(RunAsTestCommand, StartUserTest), `tools/aa/include/ability_command.h` (HELP_MSG_TEST),
`tools/aa/src/test_observer.cpp`, `services/abilitymgr/src/ability_manager_service.cpp` (StartUserTest),
`services/appmgr/src/app_mgr_service_inner.cpp` (StartUserTestProcess, GetHapModuleInfoForTestRunner).
"""

from __future__ import annotations

import re

from ohos_emulator.shell.io import CommandContext
from ohos_emulator.user_test import find_runner, run_user_test

HELP_MSG_TEST = (
    "usage: aa test <options>\n"
    "options list:\n"
    "  -h, --help                                             list available commands\n"
    "  -b <bundle-name> -s unittest <test-runner>             start the test framework with options\n"
    "                  [-p <package-name>]                    the name of package with test-runner, "
    "required for the FA model\n"
    "                  [-m <module-name>]                     the name of module with test-runner, "
    "required for the STAGE model\n"
    "                  [-s class <test-class>]\n"
    "                  [-s level <test-level>]\n"
    "                  [-s size <test-size>]\n"
    "                  [-s testType <test-testType>]\n"
    "                  [-s timeout <test-timeout>]\n"
    "                  [-s <any-key> <any-value>]\n"
    "                  [-w <wait-time>]\n"
    "                  [-D]\n"
)
START_FAILED = "error: failed to start user test.\n"
TIMEOUT = "Timeout: user test is not completed within the specified time.\n"
_INTEGER = re.compile(r"^(0|[1-9][0-9]*|-[1-9][0-9]*)$")


class OptionError(Exception):
    """What aa prints before its usage for a malformed option."""


def parse_options(args: list[str]) -> dict[str, str] | None:
    """The options of `aa test ARGS` by key (`-b`, `-s unittest`, ...); None for `-h`; OptionError."""
    params: dict[str, str] = {}
    i = 0
    while i < len(args):
        opt = args[i]
        if opt in ("-h", "--help"):
            return None
        if opt in ("-b", "-p", "-m", "-w"):
            if i >= len(args) - 1:
                raise OptionError(f"error: option [{opt}] requires a value.\n")
            i += 1
            if opt == "-w" and not _INTEGER.match(args[i]):
                raise OptionError(f"error: option [{opt}] only supports integer numbers.\n")
            params[opt] = args[i]
        elif opt == "-s":
            if i >= len(args) - 2:
                raise OptionError("error: option [-s] is incorrect.\n")
            params[f"-s {args[i + 1]}"] = args[i + 2]
            i += 2
        elif opt == "-D":
            params[opt] = "true"
        elif opt.startswith("-"):
            raise OptionError(f"error: unknown option: {opt}\n")
        i += 1
    for required in ("-b", "-s unittest"):
        if required not in params:
            raise OptionError(f"error: the option [{required}] is expected.\n")
    return params


def _test_finished(ctx: CommandContext, message: str, code: int) -> None:
    ctx.print(f"TestFinished-ResultCode: {code}\nTestFinished-ResultMsg: {message}\n")


def aa_test(ctx: CommandContext, args: list[str]) -> int:
    """`aa test ARGS`; aa's exit status is 0 whatever it prints."""
    try:
        params = parse_options(args)
    except OptionError as exc:
        ctx.print(str(exc) + HELP_MSG_TEST)
        return 0
    if params is None:
        ctx.print(HELP_MSG_TEST)
        return 0
    bundle = ctx.device.apps.bundle(params["-b"])
    if bundle is None:
        ctx.print(START_FAILED + "error: get bundle info failed.\n")
        return 0
    ctx.device.apps.force_stop(bundle.name)
    module = params.get("-m", "")
    if module != bundle.module:
        reason = "No module name is specified." if not module else "The specified module name is not found."
        _test_finished(ctx, reason, -1)
        ctx.print(START_FAILED)
        return 0
    wait = int(params.get("-w", "0"))
    hap = find_runner(ctx.device.apps, bundle, params["-s unittest"])
    if hap is not None:
        ctx.print(run_user_test(ctx.device.apps, bundle, hap, params, ctx.out, ctx.cancel, wait))
        return 0
    ctx.cancel.wait(wait if wait > 0 else None)  # no test runner: nothing finishes the test
    if not ctx.cancel.is_set():
        ctx.print(TIMEOUT)
    return 0
