"""ModelOnexError and EnumCoreErrorCode."""

import pytest

from nodegen.onex import EnumCoreErrorCode, ModelOnexError


def test_str_is_code_then_message():
    error = ModelOnexError(error_code=EnumCoreErrorCode.VALIDATION_ERROR, message="line 12: expected an indented block")
    assert str(error) == "[ONEX_CORE_006_VALIDATION_ERROR] line 12: expected an indented block"


def test_codes_keep_the_onex_core_values():
    assert EnumCoreErrorCode.VALIDATION_ERROR.value == "ONEX_CORE_006_VALIDATION_ERROR"
    assert EnumCoreErrorCode.OPERATION_FAILED.value == "ONEX_CORE_081_OPERATION_FAILED"
    assert EnumCoreErrorCode.SECURITY_VIOLATION.value == "ONEX_CORE_222_SECURITY_VIOLATION"
    for name in [
        "INVALID_INPUT",
        "FILE_NOT_FOUND",
        "FILE_WRITE_ERROR",
        "PERMISSION_DENIED",
        "TIMEOUT_EXCEEDED",
        "RESOURCE_UNAVAILABLE",
        "PROCESSING_ERROR",
        "CONTRACT_VIOLATION",
        "RATE_LIMIT_ERROR",
        "AUTHENTICATION_ERROR",
    ]:
        assert EnumCoreErrorCode[name].value.startswith("ONEX_CORE_")


def test_execution_error_does_not_exist():
    assert not hasattr(EnumCoreErrorCode, "EXECUTION_ERROR")


def test_extra_keywords_become_context():
    error = ModelOnexError(message="bad", error_code=EnumCoreErrorCode.INVALID_INPUT, line=3, column=7)
    assert error.context == {"line": 3, "column": 7}


def test_cause_is_chained():
    cause = KeyError("missing")
    error = ModelOnexError(message="wrapped", error_code=EnumCoreErrorCode.OPERATION_FAILED, cause=cause)
    assert error.cause is cause
    assert error.__cause__ is cause


def test_code_may_be_given_by_value_or_name():
    assert ModelOnexError("m", "ONEX_CORE_081_OPERATION_FAILED").error_code is EnumCoreErrorCode.OPERATION_FAILED
    assert ModelOnexError("m", "TIMEOUT_EXCEEDED").error_code is EnumCoreErrorCode.TIMEOUT_EXCEEDED


def test_unknown_code_is_refused():
    with pytest.raises(ValueError, match="unknown ONEX error code"):
        ModelOnexError("m", "NOT_A_CODE")


def test_model_dump_is_json_ready():
    error = ModelOnexError(
        "m", EnumCoreErrorCode.FILE_NOT_FOUND, cause=OSError("gone"), path=object.__name__, n=[1, (2,)]
    )
    assert error.model_dump() == {
        "error_code": "ONEX_CORE_021_FILE_NOT_FOUND",
        "message": "m",
        "context": {"path": "object", "n": [1, [2]]},
        "cause": "OSError: gone",
    }


def test_it_is_an_exception():
    with pytest.raises(ModelOnexError) as caught:
        raise ModelOnexError(
            message="x",
            error_code=EnumCoreErrorCode.NOT_FOUND
            if hasattr(EnumCoreErrorCode, "NOT_FOUND")
            else EnumCoreErrorCode.RESOURCE_NOT_FOUND,
        )
    assert isinstance(caught.value, Exception)


def test_the_code_given_first_and_the_message_second_read_as_meant():
    error = ModelOnexError(EnumCoreErrorCode.VALIDATION_ERROR, "a dependency cycle")  # type: ignore[arg-type]
    assert (error.error_code, error.message) == (EnumCoreErrorCode.VALIDATION_ERROR, "a dependency cycle")
