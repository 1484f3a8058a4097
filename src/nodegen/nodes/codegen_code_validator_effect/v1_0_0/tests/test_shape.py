"""Bodies that parse but do not do the job: no value returned where the signature promises one (LAZY003), the
enclosing class or the function itself declared again inside the body (LAZY004) — what Qwen2.5-Coder-0.5B wrote
into `nodegen new`'s packages (the whole node file inside the method, ending at ``__init__``)."""

import textwrap

import pytest

from nodegen.nodes.conftest import create_test_contract_effect

from ..models import ModelCodeValidationResult
from ..node import NodeCodegenCodeValidatorEffect

NODE_FILE = textwrap.dedent(
    '''\
    from typing import Any, Iterator, Optional


    class ModelResponse:
        count: int = 0


    class NodeDataProcessorEffect:
        """Data processor."""

        async def process(self, records: list[dict[str, Any]]) -> ModelResponse:
            """Clean every record."""
            # IMPLEMENTATION REQUIRED
            pass

        def note(self, text: str) -> None:
            """Log a note."""
            # IMPLEMENTATION REQUIRED
            pass

        def maybe(self, text: str) -> Optional[int]:
            """An int or nothing."""
            # IMPLEMENTATION REQUIRED
            pass

        def walk(self, n: int) -> Iterator[int]:
            """Count up."""
            # IMPLEMENTATION REQUIRED
            pass

        def refuse(self, n: int) -> int:
            """Never for now."""
            # IMPLEMENTATION REQUIRED
            pass
    '''
)


@pytest.fixture
def validator(mock_container):
    return NodeCodegenCodeValidatorEffect(mock_container)


async def check(node, code: str, name: str) -> ModelCodeValidationResult:
    state = {"generated_code": code, "target": {"source": NODE_FILE, "qualified_name": f"NodeDataProcessorEffect.{name}"}}
    return await node.execute_effect(create_test_contract_effect(input_state=state))


REPEATED_FILE = '''\
from typing import Any

class NodeDataProcessorEffect:
    """Data processor."""
    def __init__(self) -> None:
        self.settings: dict[str, Any] = {}
'''


async def test_the_file_repeated_inside_the_method_is_refused(validator):
    result = await check(validator, REPEATED_FILE, "process")
    codes = [error.code for error in result.errors]
    assert "LAZY004" in codes and "LAZY003" in codes, result.feedback()
    lazy004 = next(error for error in result.errors if error.code == "LAZY004")
    assert "class NodeDataProcessorEffect" in lazy004.message


async def test_a_body_that_falls_off_its_end_is_refused_where_a_value_is_promised(validator):
    result = await check(validator, "cleaned = [dict(r) for r in records]\nprint(len(cleaned))", "process")
    assert [error.code for error in result.errors] == ["LAZY003"], result.feedback()
    assert "ModelResponse" in result.errors[0].message


async def test_a_bare_return_is_no_value(validator):
    result = await check(validator, "if not records:\n    return\nreturn None", "process")
    assert [error.code for error in result.errors] == ["LAZY003"]


@pytest.mark.parametrize(
    ("name", "code"),
    [
        ("process", "response = ModelResponse()\nresponse.count = len(records)\nreturn response"),
        ("note", "print(text)"),  # -> None
        ("maybe", "if text.isdigit():\n    return int(text)"),  # Optional: falling off is None, allowed
        ("walk", "yield from range(n)"),  # a generator
        ("refuse", "raise ValueError(f'no {n}')"),  # always raises
        ("refuse", "def helper(k: int) -> int:\n    return k\nif n:\n    return helper(n)\nraise ValueError(n)"),
    ],
)
async def test_bodies_that_keep_their_promise_pass(validator, name, code):
    result = await check(validator, code, name)
    assert not [e for e in result.errors if e.code in ("LAZY003", "LAZY004")], result.feedback()


async def test_a_return_only_in_a_nested_helper_does_not_count(validator):
    code = "def inner() -> int:\n    return 1\ninner()"
    result = await check(validator, code, "refuse")
    assert [error.code for error in result.errors] == ["LAZY003"]


async def test_the_function_defined_again_inside_itself_is_refused(validator):
    code = "if n:\n    def refuse(k: int) -> int:\n        return k\n    return refuse(n)\nreturn 0"
    result = await check(validator, code, "refuse")
    assert "LAZY004" in [error.code for error in result.errors]
