"""The validator node: code in place, what counts, configuration, the original API, bad input, failing checkers."""

import textwrap

import pytest

from nodegen.nodes.conftest import create_test_contract_effect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container

from ..checks import ruff
from ..models import EnumValidationRule, ModelCodeValidationResult
from ..node import NodeCodegenCodeValidatorEffect

FILE = textwrap.dedent(
    '''\
    """Inventory."""

    import os


    class Inventory:
        """Stock."""

        def total(self, items: list[int]) -> int:
            """Sum the items."""
            # IMPLEMENTATION REQUIRED
            pass

        def broken(self):
            return undefined_helper(os.sep)
    '''
)


@pytest.fixture
def validator(mock_container):
    return NodeCodegenCodeValidatorEffect(mock_container)


async def check(node, **input_state) -> ModelCodeValidationResult:
    return await node.execute_effect(create_test_contract_effect(input_state=input_state))


def target(**extra):
    return {"source": FILE, "qualified_name": "Inventory.total", **extra}


class TestInPlace:
    async def test_a_good_body_is_valid_in_place(self, validator):
        result = await check(validator, generated_code="return sum(items)", target=target())
        assert result.is_valid, result.feedback()

    async def test_problems_elsewhere_in_the_file_never_count(self, validator):
        result = await check(validator, generated_code="return sum(items)", target=target())
        assert result.is_valid and result.errors == []
        # Positions are those of the file as it will read: the two stub lines became one, so line 15 is now 14.
        assert ("F821", 14) in [(finding.code, finding.line) for finding in result.preexisting]

    async def test_findings_carry_positions_in_the_users_file(self, validator):
        result = await check(validator, generated_code="total = 0\nreturn json.dumps(total)", target=target())
        (error,) = result.errors
        assert (error.code, error.line, error.column) == ("F821", 12, 16)
        assert error.snippet == "        return json.dumps(total)"
        assert error.suggested_fix == "add `import json` (it is a standard-library module)"

    async def test_the_files_imports_are_in_scope(self, validator):
        result = await check(validator, generated_code="return len(os.sep) + sum(items)", target=target())
        assert result.is_valid, result.feedback()

    async def test_required_imports_are_in_scope(self, validator):
        result = await check(
            validator, generated_code="return len(json.dumps(items))", target=target(required_imports=["import json"])
        )
        assert result.is_valid, result.feedback()

    async def test_imports_above_a_whole_def_are_in_scope(self, validator):
        code = "import json\n\ndef total(self, items: list[int]) -> int:\n    return len(json.dumps(items))\n"
        result = await check(validator, generated_code=code, target=target())
        assert result.is_valid, result.feedback()

    async def test_a_syntax_error_is_placed_in_the_users_file(self, validator):
        result = await check(validator, generated_code="x = (1 +\nreturn x", target=target())
        assert not result.syntax_valid
        assert result.errors[0].code == "SYN001"

    @pytest.mark.parametrize("code", ["pass", "...", "raise NotImplementedError", '"""Only words."""'])
    async def test_a_placeholder_answer_is_an_error(self, validator, code):
        result = await check(validator, generated_code=code, target=target())
        assert not result.is_valid
        assert [error.code for error in result.errors] == ["LAZY001"]

    @pytest.mark.parametrize(
        "comment", ["# ... rest of the code here", "# existing logic unchanged", "# IMPLEMENTATION REQUIRED", "# ..."]
    )
    async def test_an_elision_comment_is_an_error(self, validator, comment):
        result = await check(validator, generated_code=f"total = sum(items)\n{comment}\nreturn total", target=target())
        assert [error.code for error in result.errors] == ["LAZY002"]

    async def test_ordinary_comments_are_fine(self, validator):
        code = "# skip existing keys; remaining items are summed\nreturn sum(items)"
        assert (await check(validator, generated_code=code, target=target())).is_valid

    async def test_an_unknown_target_is_a_validation_error(self, validator):
        with pytest.raises(ModelOnexError) as caught:
            await check(
                validator, generated_code="return 1", target={"source": FILE, "qualified_name": "Inventory.totl"}
            )
        assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "Inventory.total" in caught.value.message

    async def test_a_target_file_that_does_not_parse_is_a_validation_error(self, validator):
        with pytest.raises(ModelOnexError) as caught:
            await check(validator, generated_code="return 1", target={"source": "def f(:\n", "qualified_name": "f"})
        assert "does not parse" in caught.value.message


class TestConfiguration:
    async def test_strict_mode_fails_on_warnings(self, validator):
        code = "def f(a):\n    return a\n"
        assert (await check(validator, generated_code=code)).is_valid
        assert not (await check(validator, generated_code=code, strict_mode=True)).is_valid

    async def test_strict_mode_from_configuration(self):
        node = NodeCodegenCodeValidatorEffect(create_test_container({"validation_strict_mode": True}))
        assert not (await check(node, generated_code="def f(a):\n    return a\n")).is_valid

    async def test_severity_can_be_raised_by_code_prefix(self):
        node = NodeCodegenCodeValidatorEffect(create_test_container({"validation_severity": {"TYP": "error"}}))
        result = await check(node, generated_code="def f(a):\n    '''Doc.'''\n    return a\n")
        assert {e.code for e in result.errors} == {"TYP001", "TYP002"}

    async def test_severity_off_drops_a_rule(self):
        node = NodeCodegenCodeValidatorEffect(create_test_container({"validation_severity": {"type_hints": "off"}}))
        result = await check(node, generated_code="def f(a):\n    '''Doc.'''\n    return a\n")
        assert not [w for w in result.warnings if w.code.startswith("TYP")]

    async def test_ignore_and_select(self):
        ignoring = NodeCodegenCodeValidatorEffect(create_test_container({"validation_ignore": ["DOC", "TYP002"]}))
        result = await check(ignoring, generated_code="def f(a):\n    return a\n")
        assert {w.code for w in result.warnings} == {"TYP001"}
        selecting = NodeCodegenCodeValidatorEffect(create_test_container({"validation_select": ["DOC"]}))
        assert {w.code for w in (await check(selecting, generated_code="def f(a):\n    return a\n")).warnings} == {
            "DOC001"
        }

    async def test_only_the_selected_rules_run(self, validator):
        result = await check(
            validator, generated_code="import os\n\ndef f(a):\n    os.system(a)\n", validation_rules=["type_hints"]
        )
        assert result.rules_checked == [EnumValidationRule.SYNTAX, EnumValidationRule.TYPE_HINTS]
        assert {w.code for w in result.warnings} == {"TYP001", "TYP002"}
        assert result.is_valid

    async def test_per_rule_timings_are_reported(self, validator):
        result = await check(validator, generated_code="def f(a: int) -> int:\n    '''Doc.'''\n    return a\n")
        assert {"syntax", "ruff", "imports", "security", "quality"} <= set(result.rule_timings_ms)


class TestOriginalApi:
    async def test_rule_names_of_the_original_api(self, validator):
        rules = [
            "syntax",
            "onex_compliance",
            "type_hints",
            "docstrings",
            "security",
            "imports",
            "naming",
            "error_handling",
        ]
        result = await check(validator, generated_code="x = 1\n", validation_rules=rules)
        assert [rule.value for rule in result.rules_checked] == rules

    async def test_an_unknown_rule_is_refused(self, validator):
        with pytest.raises(ModelOnexError) as caught:
            await check(validator, generated_code="x = 1\n", validation_rules=["spelling"])
        assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR

    async def test_result_and_finding_carry_the_original_names(self, validator):
        result = await check(validator, generated_code="def f(a):\n    return a\n", file_path="x.py")
        data = result.model_dump()
        assert data["validation_warnings"] == data["warnings"] and data["validation_errors"] == []
        finding = data["warnings"][0]
        assert finding["line_number"] == finding["line"] and finding["code_snippet"] == finding["snippet"]
        assert result.file_lines == 3

    async def test_missing_generated_code_raises(self, validator):
        with pytest.raises(ModelOnexError) as caught:
            await check(validator)
        assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "generated_code" in caught.value.message

    async def test_metrics(self, validator):
        await check(validator, generated_code="x = 1\n")
        await check(validator, generated_code="def f(:\n")
        metrics = validator.get_metrics()
        assert (metrics["total_validations"], metrics["failed_validations"], metrics["total_errors_found"]) == (2, 1, 1)
        assert metrics["avg_errors_per_file"] == 0.5
        assert "total_warnings_found" in metrics


class TestBadInput:
    async def test_empty_code_is_a_finding(self, validator):
        result = await check(validator, generated_code="   \n")
        assert not result.is_valid
        assert result.errors[0].code == "SYN003"

    async def test_non_utf8_bytes_are_refused(self, validator):
        with pytest.raises(ModelOnexError) as caught:
            await check(validator, generated_code=b"x = '\xff'\n")
        assert caught.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR

    async def test_utf8_bytes_are_read(self, validator):
        assert (await check(validator, generated_code="x = 'é'\n".encode())).is_valid

    async def test_a_nul_byte_is_refused(self, validator):
        with pytest.raises(ModelOnexError) as caught:
            await check(validator, generated_code="x = 1\x00\n")
        assert "NUL" in caught.value.message

    async def test_a_one_megabyte_module_is_checked(self, validator):
        block = "def f{0}(x: int) -> int:\n    '''Doc.'''\n    return x + {0}\n\n\n"
        code = "".join(block.format(i) for i in range(20_000))
        assert len(code) > 1_000_000
        result = await check(validator, generated_code=code)
        assert result.is_valid, result.feedback()[:500]


class TestFailingCheckers:
    async def test_a_missing_checker_is_an_error_not_a_pass(self, validator, monkeypatch):
        monkeypatch.setattr(ruff, "_ruff_binary", lambda: None)
        result = await check(validator, generated_code="def f(a: int) -> int:\n    '''Doc.'''\n    return a\n")
        assert not result.is_valid
        assert result.errors[0].code == "CHK001"
        assert "ruff" in result.errors[0].message

    async def test_a_checker_that_cannot_start_is_an_error(self, validator, monkeypatch):
        monkeypatch.setattr(ruff, "_ruff_binary", lambda: "/nonexistent/ruff")
        result = await check(validator, generated_code="x = 1\n")
        assert [e.code for e in result.errors] == ["CHK001"]

    async def test_a_checker_that_times_out_is_an_error(self):
        node = NodeCodegenCodeValidatorEffect(create_test_container({"validation_checker_timeout_s": 0.000001}))
        result = await check(node, generated_code="x = 1\n")
        assert any(e.code == "CHK001" and "timed out" in e.message for e in result.errors)


class TestMypyPass:
    async def test_off_by_default(self, validator):
        result = await check(validator, generated_code="def f(a: int) -> str:\n    '''Doc.'''\n    return a\n")
        assert "mypy" not in result.rule_timings_ms

    async def test_when_on_it_reports_type_errors_as_warnings(self, tmp_path):
        node = NodeCodegenCodeValidatorEffect(
            create_test_container({"validation_mypy": True, "validation_mypy_cache_dir": str(tmp_path / "cache")})
        )
        result = await check(node, generated_code="def f(a: int) -> str:\n    '''Doc.'''\n    return a\n")
        (finding,) = [w for w in result.warnings if w.code.startswith("MYPY")]
        assert finding.code == "MYPY-return-value"
        assert "Incompatible return value type" in finding.message
        assert finding.line == 3
        assert result.is_valid
