"""Why an injection request was refused."""

from enum import StrEnum


class EnumInjectionErrorCode(StrEnum):
    """Stable codes of injection errors (the original API's ``error_type`` strings)."""

    METHOD_NOT_FOUND = "method_not_found"
    AMBIGUOUS_TARGET = "ambiguous_target"
    NOT_A_STUB = "not_a_stub"
    SIGNATURE_MISMATCH = "signature_mismatch"
    SYNTAX_ERROR = "syntax_error"
    EMPTY_BODY = "empty_body"
    UNEXPECTED_CODE = "unexpected_code"
    CONFLICTING_REQUESTS = "conflicting_requests"
    HELPER_CONFLICT = "helper_conflict"
    INVALID_IMPORT = "invalid_import"
    ANSWER_TOO_LARGE = "answer_too_large"
    FILE_CHANGED = "file_changed"
    FILE_LOCKED = "file_locked"
    FILE_READ_ONLY = "file_read_only"
    HARD_LINKED = "hard_linked"
    WRITE_FAILED = "write_failed"
