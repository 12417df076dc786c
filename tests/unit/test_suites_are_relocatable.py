"""The suites run from wherever they are installed (the wheel ships them as harness/suites_data).

pytest puts the suites folder itself on ``sys.path`` (each suite is a package), so a suite imports
another as ``gallery_sync.steps``; ``suites.gallery_sync`` only resolves from a checkout's root.
"""

import ast
from pathlib import Path

SUITES = Path(__file__).resolve().parents[2] / "suites"


def test_no_suite_imports_through_the_checkouts_folder_name():
    offenders = []
    for path in sorted(SUITES.rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            names = [node.module or ""] if isinstance(node, ast.ImportFrom) and not node.level else []
            names += [alias.name for alias in node.names] if isinstance(node, ast.Import) else []
            offenders += [
                f"{path.relative_to(SUITES)}: {name}" for name in names if name.split(".")[0] == "suites"
            ]
    assert not offenders, "import the sibling suite by its own name (gallery_sync....): " + ", ".join(
        offenders
    )
