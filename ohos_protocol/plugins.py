"""Registration by entry points: how transports and API packs join either program.

An installed distribution declares objects under an entry-point group (pyproject.toml
``[project.entry-points."GROUP"]``, ``name = "module:OBJECT"``); :func:`load_group` imports them.
The programs import the registered modules only through this, never by name.
"""

from __future__ import annotations

from importlib.metadata import entry_points
from typing import TypeVar

T = TypeVar("T")


def load_group(group: str, kind: type[T]) -> dict[str, T]:
    """Every object registered under ``group`` by its entry-point name, in name order.

    Each must be a ``kind`` whose ``name`` is its entry-point name (TypeError otherwise: the
    registering package is broken, which no user input can cause).
    """
    found: dict[str, T] = {}
    for point in sorted(entry_points(group=group), key=lambda point: point.name):
        value = point.load()
        if not isinstance(value, kind) or getattr(value, "name", None) != point.name:
            raise TypeError(
                f"entry point {point.name} = {point.value} (group {group}) is not a {kind.__name__} "
                f"named {point.name!r}"
            )
        found[point.name] = value
    return found
