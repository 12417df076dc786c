"""The host folders the legacy `file send|recv` and `install PKG` forms may touch (`serve --host-files`).

The legacy forms make the server itself read or write a host path the client names, through a port
anyone on the machine can reach. A path counts as inside an allowed folder only after every symlink
in it is resolved; anything else is answered as a missing file.
"""

from __future__ import annotations

import errno
import os
from collections.abc import Iterable
from pathlib import Path


class HostFolders:
    """Allowed host folders; none given: only the folder the server was started in."""

    def __init__(self, folders: Iterable[Path] = ()) -> None:
        roots = [Path(folder).resolve() for folder in folders]
        self.roots = tuple(roots or [Path.cwd().resolve()])

    @staticmethod
    def named(cwd: str, path: str) -> Path:
        """The host path as the client named it: relative ones under its ``cwd`` (the server's, if none)."""
        return Path(cwd or os.getcwd()) / path

    def path(self, cwd: str, path: str) -> Path:
        """The host path a client named (relative ones under its ``cwd``), resolved; FileNotFoundError
        (ENOENT, as for a missing file) when it lies outside every allowed folder."""
        named = self.named(cwd, path)
        resolved = named.resolve()
        if not any(resolved.is_relative_to(root) for root in self.roots):
            raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), str(named))
        return resolved
