"""How much a finding weighs."""

from enum import StrEnum


class EnumFindingSeverity(StrEnum):
    """``error`` blocks injection; ``warning`` is reported (and offered to the model) but never blocks."""

    ERROR = "error"
    WARNING = "warning"
