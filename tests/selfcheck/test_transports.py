"""On a conformant emulated device (profile api10-doc) the suites pass over each transport alone.

These are the project's only runs of the whole suites on a conformant device without waivers
(``make test`` runs no other): over hdc every test passes; over SSH and serial a test may be
skipped for a capability the transport lacks, none deviates or breaks.
"""

from __future__ import annotations

import pytest

from harness.child_pytest import run_child
from harness.reports.outcomes import Verdict


@pytest.mark.parametrize("transport", ["hdc", "ssh", "serial"])
def test_the_suites_pass_over_one_transport(transport):
    run = run_child(["suites", "-q", "--emulator-profile", "api10-doc", "--transport", transport])
    assert run.verdicts.tests, f"the suites ran: {run.detail}"
    allowed = {Verdict.PASS} if transport == "hdc" else {Verdict.PASS, Verdict.SKIPPED}
    unexpected = [
        (t.nodeid, t.verdict.value, t.message[:200]) for t in run.verdicts.tests if t.verdict not in allowed
    ]
    assert unexpected == []
    assert run.exitstatus == 0, run.output
