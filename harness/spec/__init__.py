"""The spec as data: editions of the cloudSync spec that the suites assert, loaded and validated.

``load_edition("api10-doc")`` gives an :class:`Edition` (enums, error messages, methods,
thresholds, requirement ids); every mistake in an edition file is a ConfigError with file:line.
"""

from harness.spec.edition import list_editions, load_edition
from harness.spec.model import (
    Edition,
    EnumType,
    Field,
    Interface,
    MessageRule,
    Method,
    MethodForm,
    Requirement,
)

__all__ = [
    "Edition",
    "EnumType",
    "Field",
    "Interface",
    "MessageRule",
    "Method",
    "MethodForm",
    "Requirement",
    "list_editions",
    "load_edition",
]
