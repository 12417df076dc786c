"""The promise and callback forms of Download.start / stop, as a parametrization."""

import pytest

ERROR_ROUTE = {"promise": "rejected", "callback": "callback"}
"""How each form reports an error the service decides."""


def async_forms(*ids: str) -> pytest.MarkDecorator:
    """Parametrize ``style`` over "promise" and "callback"; each case names ``ids`` with ``{style}``
    filled in (e.g. "Download.stop.{style}.note.restart")."""
    return pytest.mark.parametrize(
        "style",
        [
            pytest.param(
                style, id=style, marks=pytest.mark.requirement(*(i.format(style=style) for i in ids))
            )
            for style in ERROR_ROUTE
        ],
    )
