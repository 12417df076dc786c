"""The real labgrid engine: a coordinator and two lab hosts (hostA, hostB) of two emulated devices each."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from lab_processes import Lab, LabProcesses, free_port, lab_env

# a group with no transport at all, on hostB: its place is tagged broken=yes
NO_TRANSPORT = """
nothing:
  OhosDevice: {capabilities: root, shim_variants: default}
"""


@pytest.fixture(scope="module")
def lab(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Lab]:
    work = tmp_path_factory.mktemp("labgrid")
    processes = LabProcesses(work, lab_env(work))
    try:
        port = free_port()
        address = f"127.0.0.1:{port}"
        processes.coordinator(port)
        lab = Lab(address, work, processes.env)
        for host in ("hostA", "hostB"):
            endpoints = processes.lab_host(host, address, NO_TRANSPORT if host == "hostB" else "")
            lab.places_command(endpoints, host, "api=10")
        broken = lab.client("-p", "hostB-nothing", "create")
        assert broken.returncode == 0, broken.stderr
        for args in (("add-match", "hostB/nothing/*"), ("set-tags", "os=openharmony", "broken=yes")):
            done = lab.client("-p", "hostB-nothing", *args)
            assert done.returncode == 0, done.stderr
        yield lab
    finally:
        processes.stop()
