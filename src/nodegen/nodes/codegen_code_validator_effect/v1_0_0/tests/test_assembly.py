"""Code in place is the injector's own preview: what passes validation is byte for byte what is written (issue 15)."""

from __future__ import annotations

import pytest

from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import InjectionOptions, NodeCodegenCodeInjectorEffect
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionRequest
from nodegen.nodes.conftest import create_test_contract_effect
from nodegen.onex import ModelOnexError
from nodegen.onex.testing import create_test_container

from ..assembly import in_place
from ..models import ModelValidationTarget
from ..node import NodeCodegenCodeValidatorEffect

FILE = '''"""Shapes."""

import math


class Circle:
    """A circle."""

    def area(self, radius: float) -> float:
        """The area."""
        # IMPLEMENTATION REQUIRED
        pass
'''
WHOLE_DEF = (
    "from __future__ import annotations\n\nimport math\n\n"
    "def area(self, radius: float) -> float:\n    return math.pi * radius**2\n"
)


def target(**extra: object) -> ModelValidationTarget:
    return ModelValidationTarget(source=FILE, qualified_name="Circle.area", **extra)


async def validate(code: str, **extra: object):
    node = NodeCodegenCodeValidatorEffect(_container())
    state = {"generated_code": code, "target": target(**extra).model_dump()}
    return await node.execute_effect(create_test_contract_effect(input_state=state))


def _container():
    return create_test_container()


async def test_what_is_checked_is_byte_for_byte_what_the_injector_writes():
    code = "# pi r squared\nreturn math.pi * radius**2\n"
    analysed = in_place(code, target(required_imports=["import json"]))
    injector = NodeCodegenCodeInjectorEffect(_container())
    request = ModelCodeInjectionRequest(qualified_name="Circle.area", generated_code=code, allow_helpers=True)
    written = await injector.execute_effect(
        create_test_contract_effect(input_state={"source_code": FILE, "injection_requests": [request.model_dump()]})
    )
    assert analysed.text == written.modified_source
    assert analysed.regions == [(11, 12)]  # the comment and the return; the docstring is the stub's own


async def test_a_whole_def_answer_beginning_with_a_future_import_is_valid():
    result = await validate(WHOLE_DEF)
    assert result.is_valid, result.feedback()


def test_a_future_import_is_placed_first_where_the_validator_reads_it():
    analysed = in_place(WHOLE_DEF, target())
    assert analysed.text.startswith('"""Shapes."""\n\nfrom __future__ import annotations\n\nimport math\n')
    assert (3, 3) in (analysed.regions or [])  # the added import line is new code


def test_the_stub_is_the_original_files_def():
    analysed = in_place("return 1.0", target())
    assert analysed.stub is not None and analysed.stub.lineno == 9
    assert [type(stmt).__name__ for stmt in analysed.stub.body] == ["Expr", "Pass"]


def test_an_answer_the_injector_refuses_is_a_finding_at_the_stub():
    analysed = in_place("def area(self, r):\n    return r\n", target())
    (problem,) = analysed.problems
    assert problem.code == "SIG001" and "signature" in problem.message
    assert analysed.regions == [(9, 9)]


def test_an_unknown_target_is_a_validation_error_with_a_suggestion():
    with pytest.raises(ModelOnexError) as caught:
        in_place("return 1", ModelValidationTarget(source=FILE, qualified_name="Circle.aera"))
    assert "Circle.area" in caught.value.message


def test_a_wrong_expected_line_still_finds_the_one_function_of_that_name():
    assert in_place("return 1.0", target(expected_line=3)).problems == []


def test_the_preview_options_leave_placeholders_to_the_laziness_rule():
    assert InjectionOptions().check_answer_content
    assert in_place("pass", target()).problems == []  # LAZY001 judges it, with its own message
