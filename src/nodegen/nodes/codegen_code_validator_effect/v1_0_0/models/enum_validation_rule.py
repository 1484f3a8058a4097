"""The rule families the validator checks."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field


class EnumValidationRule(StrEnum):
    """Rule families (the original API's names, plus ``quality``); ``ALL`` selects every one."""

    SYNTAX = "syntax"
    ONEX_COMPLIANCE = "onex_compliance"
    TYPE_HINTS = "type_hints"
    DOCSTRINGS = "docstrings"
    SECURITY = "security"
    IMPORTS = "imports"
    NAMING = "naming"
    ERROR_HANDLING = "error_handling"
    QUALITY = "quality"
    EXAMPLES = "examples"
    ALL = "all"

    @classmethod
    def parse(cls, value: EnumValidationRule | str) -> EnumValidationRule:
        """A member from itself, its value, its name, or an alias (``names`` = imports, ``onex`` = onex_compliance)."""
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower()
        aliases = {"names": cls.IMPORTS, "onex": cls.ONEX_COMPLIANCE, "lint": cls.QUALITY}
        if text in aliases:
            return aliases[text]
        try:
            return cls(text)
        except ValueError:
            known = ", ".join(member.value for member in cls)
            raise ValueError(f"unknown validation rule {value!r}; known rules: {known}") from None


ONEX_RULES = frozenset(
    {EnumValidationRule.ONEX_COMPLIANCE, EnumValidationRule.NAMING, EnumValidationRule.ERROR_HANDLING}
)


def _rules(value: object) -> object:
    if isinstance(value, str | EnumValidationRule):
        value = [value]
    if isinstance(value, list | tuple | set):
        return [EnumValidationRule.parse(item) for item in value]
    return value


def every_rule() -> list[EnumValidationRule]:
    """The default of a request's rules: all of them."""
    return [EnumValidationRule.ALL]


ValidationRules = Annotated[
    list[EnumValidationRule],
    BeforeValidator(_rules),
    Field(description="Rule families; a name or a list of them"),
]
"""A request field of rule families: one rule or a list, given as members, values, names or aliases (declare it
with ``= Field(default_factory=every_rule)``, so type checkers see its default)."""
