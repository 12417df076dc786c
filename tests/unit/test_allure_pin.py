"""The Allure version the harness tells users to install is the one package.json pins."""

import json
from pathlib import Path

from harness.reports.allure3 import ALLURE_VERSION

REPO = Path(__file__).resolve().parents[2]


def test_the_advertised_allure_version_is_the_pinned_one():
    pinned = json.loads((REPO / "package.json").read_text(encoding="utf-8"))["devDependencies"]["allure"]
    assert pinned == ALLURE_VERSION
