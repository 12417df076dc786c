"""What the bundle manager answers when it refuses an install or an uninstall, as `bm` prints it.

Codes and messages are OpenHarmony 4.0's (`bundlemanager_bundle_framework`
`interfaces/inner_api/appexecfwk_core/include/bundlemgr/status_receiver_interface.h`;
`bundlemanager_bundle_tool` `frameworks/src/bundle_command_common.cpp`, `frameworks/include/
bundle_command.h`). bm prints its verdict line, then `code:N` and the message on lines of their own.
"""

from __future__ import annotations

from enum import IntEnum

INSTALL_OK = "install bundle successfully."
INSTALL_FAILED = "error: failed to install bundle."
UNINSTALL_OK = "uninstall bundle successfully."
UNINSTALL_FAILED = "error: failed to uninstall bundle."


class BundleStatus(IntEnum):
    """The `IStatusReceiver` codes the emulated bundle manager can answer."""

    PARSE_PROFILE_MISSING_PROP = 9568259
    VERSION_DOWNGRADE = 9568263
    FILE_PATH_INVALID = 9568269
    INVALID_HAP_NAME = 9568270
    ALREADY_EXIST = 9568276
    GRANT_REQUEST_PERMISSIONS_FAILED = 9568289
    PARSE_UNEXPECTED = 9568337
    PARSE_NO_PROFILE = 9568340
    PARSE_BAD_PROFILE = 9568341
    PARSE_PROFILE_PROP_TYPE_ERROR = 9568342
    PARSE_PROFILE_PROP_CHECK_ERROR = 9568344
    UNINSTALL_SYSTEM_APP_ERROR = 9568380
    UNINSTALL_MISSING_INSTALLED_BUNDLE = 9568386


MESSAGES = {
    BundleStatus.PARSE_PROFILE_MISSING_PROP: "error: install parse profile missing prop.",
    BundleStatus.VERSION_DOWNGRADE: "error: install version downgrade.",
    BundleStatus.FILE_PATH_INVALID: "error: install file path invalid.",
    BundleStatus.INVALID_HAP_NAME: "error: install invalid hap name.",
    BundleStatus.ALREADY_EXIST: "error: install already exist.",
    BundleStatus.GRANT_REQUEST_PERMISSIONS_FAILED: (
        "error: install failed due to grant request permissions failed."
    ),
    BundleStatus.PARSE_UNEXPECTED: "error: install parse unexpected.",
    BundleStatus.PARSE_NO_PROFILE: "error: install parse no profile.",
    BundleStatus.PARSE_BAD_PROFILE: "error: install parse bad profile.",
    BundleStatus.PARSE_PROFILE_PROP_TYPE_ERROR: "error: install parse profile prop type error.",
    BundleStatus.PARSE_PROFILE_PROP_CHECK_ERROR: "error: install parse profile prop check error.",
    BundleStatus.UNINSTALL_SYSTEM_APP_ERROR: "error: uninstall system app error.",
    BundleStatus.UNINSTALL_MISSING_INSTALLED_BUNDLE: "error: uninstall missing installed bundle.",
}


class BundleError(Exception):
    """The bundle manager refused: its status, and (for logs and errors, not bm's output) why."""

    def __init__(self, status: BundleStatus, detail: str = "") -> None:
        self.status = status
        self.detail = detail
        message = MESSAGES[status]
        super().__init__(f"{message} ({detail})" if detail else message)

    def bm_lines(self) -> str:
        """What bm prints after its verdict line: `code:N` and the message."""
        return f"code:{int(self.status)}\n{MESSAGES[self.status]}\n"
