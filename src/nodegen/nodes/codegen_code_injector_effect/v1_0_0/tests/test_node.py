"""Unit tests for NodeCodegenCodeInjectorEffect: the original project's cases, and the node's own API."""

from uuid import uuid4

import pytest

from nodegen.nodes.conftest import create_test_contract_effect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container

from ..models import ModelCodeInjectionResult
from ..node import NodeCodegenCodeInjectorEffect


@pytest.fixture
def code_injector(mock_container):
    return NodeCodegenCodeInjectorEffect(mock_container)


async def run(injector, source_code, injection_requests, **extra):
    return await injector.execute_effect(
        create_test_contract_effect(
            correlation_id=uuid4(),
            input_state={"source_code": source_code, "injection_requests": injection_requests, **extra},
        )
    )


class TestOriginalCases:
    async def test_inject_single_method(self, code_injector):
        source_code = '''
def foo():
    """Do something."""
    # IMPLEMENTATION REQUIRED
    pass
'''
        result = await run(
            code_injector,
            source_code,
            [
                {
                    "method_name": "foo",
                    "line_number": 2,
                    "generated_code": "    return 42",
                    "preserve_signature": True,
                    "preserve_docstring": True,
                }
            ],
        )
        assert isinstance(result, ModelCodeInjectionResult)
        assert result.success
        assert result.injections_performed == 1
        assert result.modified_source == '\ndef foo():\n    """Do something."""\n    return 42\n'

    async def test_inject_multiple_methods(self, code_injector):
        source_code = '''
class MyNode:
    def method1(self):
        """Method 1."""
        pass

    def method2(self):
        """Method 2."""
        pass
'''
        result = await run(
            code_injector,
            source_code,
            [
                {"method_name": "method1", "line_number": 3, "generated_code": "        return 'result1'"},
                {"method_name": "method2", "line_number": 7, "generated_code": "        return 'result2'"},
            ],
        )
        assert result.success
        assert result.injections_performed == 2
        assert result.methods_modified == ["MyNode.method1", "MyNode.method2"]
        assert result.modified_source == source_code.replace(
            '"""Method 1."""\n        pass', '"""Method 1."""\n        return \'result1\''
        ).replace('"""Method 2."""\n        pass', '"""Method 2."""\n        return \'result2\'')

    async def test_inject_async_method(self, code_injector):
        source_code = '\nasync def execute_effect(self, contract):\n    """Execute the effect."""\n    pass\n'
        result = await run(
            code_injector,
            source_code,
            [
                {
                    "method_name": "execute_effect",
                    "line_number": 2,
                    "generated_code": "    result = await self._process(contract)\n    return result",
                }
            ],
        )
        assert result.success
        assert "    result = await self._process(contract)\n    return result\n" in result.modified_source
        assert "async def execute_effect" in result.modified_source

    async def test_preserve_decorators(self, code_injector):
        source_code = '\nclass MyNode:\n    @property\n    def my_property(self):\n        """Property docstring."""\n        pass\n'
        result = await run(
            code_injector,
            source_code,
            [{"method_name": "my_property", "line_number": 3, "generated_code": "        return self._value"}],
        )
        assert result.success
        assert result.modified_source == source_code.replace("        pass\n", "        return self._value\n")

    async def test_preserve_signature_and_docstring(self, code_injector):
        source_code = '''
def process(self, data: dict) -> dict:
    """
    Process the data.

    Args:
        data: Input data

    Returns:
        Processed data
    """
    pass
'''
        result = await run(
            code_injector,
            source_code,
            [
                {
                    "method_name": "process",
                    "line_number": 2,
                    "generated_code": "    return {'result': data}",
                    "preserve_signature": True,
                    "preserve_docstring": True,
                }
            ],
        )
        assert result.success
        assert result.modified_source == source_code.replace("    pass\n", "    return {'result': data}\n")

    async def test_method_not_found_error(self, code_injector):
        result = await run(
            code_injector,
            "\ndef foo():\n    pass\n",
            [{"method_name": "bar", "line_number": 2, "generated_code": "    return 42"}],
        )
        assert not result.success
        assert result.injections_performed == 0
        assert len(result.injection_errors) == 1
        assert result.injection_errors[0].error_type == "method_not_found"
        assert "bar" in result.injection_errors[0].message

    async def test_syntax_error_in_source(self, code_injector):
        source = "def foo(: invalid"
        result = await run(
            code_injector, source, [{"method_name": "foo", "line_number": 1, "generated_code": "    return 42"}]
        )
        assert not result.success
        assert result.injection_errors[0].error_type == "syntax_error"
        assert result.modified_source == source

    async def test_missing_source_code(self, code_injector):
        with pytest.raises(ModelOnexError) as exc:
            await code_injector.execute_effect(create_test_contract_effect(input_state={"injection_requests": []}))
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "source_code" in exc.value.message

    async def test_missing_injection_requests(self, code_injector):
        with pytest.raises(ModelOnexError) as exc:
            await code_injector.execute_effect(
                create_test_contract_effect(input_state={"source_code": "def foo(): pass"})
            )
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "injection_requests" in exc.value.message

    async def test_indentation_preservation(self, code_injector):
        source_code = '\nclass MyClass:\n    def method(self):\n        """Method."""\n        pass\n'
        result = await run(
            code_injector,
            source_code,
            [
                {
                    "method_name": "method",
                    "line_number": 3,
                    "generated_code": "        result = self._compute()\n        return result",
                }
            ],
        )
        assert result.success
        assert "        result = self._compute()\n        return result\n" in result.modified_source

    async def test_get_metrics(self, code_injector):
        result = await run(
            code_injector,
            "def foo(): pass",
            [{"method_name": "foo", "line_number": 1, "generated_code": "    return 42"}],
        )
        assert result.modified_source == "def foo():\n    return 42"  # the missing final newline stays missing
        metrics = code_injector.get_metrics()
        assert metrics["total_injections"] == 1
        assert metrics["successful_injections"] == 1
        assert metrics["failed_injections"] == 0
        assert metrics["success_rate"] == 1.0

    async def test_file_lines_tracking(self, code_injector):
        result = await run(
            code_injector,
            "\ndef foo():\n    pass\n\ndef bar():\n    pass\n",
            [{"method_name": "foo", "line_number": 2, "generated_code": "    return 'foo result'"}],
        )
        assert (result.file_lines_before, result.file_lines_after) == (6, 6)

    async def test_typical_node(self, code_injector):
        typical_node = '''
from omnibase_core import ModelOnexError
from omnibase_core.nodes.node_effect import NodeEffect

class NodeMyEffect(NodeEffect):
    def __init__(self, container):
        super().__init__(container)

    async def execute_effect(self, contract):
        """Execute the effect."""
        pass

    async def _process(self, data: dict) -> dict:
        """Process data."""
        pass

    def _validate(self, input_data: dict) -> bool:
        """Validate input."""
        pass
'''
        result = await run(
            code_injector,
            typical_node,
            [
                {
                    "method_name": "execute_effect",
                    "line_number": 9,
                    "generated_code": "        result = await self._process(contract.input_data)\n        return result",
                },
                {"method_name": "_process", "line_number": 13, "generated_code": "        return {'result': data}"},
                {
                    "method_name": "_validate",
                    "line_number": 17,
                    "generated_code": "        return input_data is not None",
                },
            ],
        )
        assert result.success
        assert result.injections_performed == 3

    async def test_ten_of_a_hundred_methods(self, code_injector):
        methods = [f'\ndef method_{i}(self):\n    """Method {i}."""\n    pass\n' for i in range(100)]
        requests = [
            {"method_name": f"method_{i}", "line_number": i * 5 + 2, "generated_code": f"    return {i}"}
            for i in range(10)
        ]
        result = await run(code_injector, "\n".join(methods), requests)
        assert result.success
        assert result.injections_performed == 10


class TestNodeApi:
    async def test_line_number_may_point_at_the_first_decorator(self, code_injector):
        source = "class A:\n    @staticmethod\n    @cache\n    def f():\n        pass\n"
        result = await run(
            code_injector, source, [{"method_name": "f", "line_number": 2, "generated_code": "return 1"}]
        )
        assert result.success

    async def test_strict_line_matching_refuses_a_near_line(self, code_injector):
        source = "\n\ndef f():\n    pass\n"
        result = await run(
            code_injector, source, [{"method_name": "f", "line_number": 4, "generated_code": "return 1"}]
        )
        assert result.injection_errors[0].error_type == "method_not_found"
        assert "defined at line 3" in result.injection_errors[0].message

    async def test_loose_line_matching_accepts_two_lines_off(self):
        injector = NodeCodegenCodeInjectorEffect(create_test_container({"strict_line_matching": False}))
        source = "\n\ndef f():\n    pass\n"
        result = await run(injector, source, [{"method_name": "f", "line_number": 5, "generated_code": "return 1"}])
        assert result.success

    async def test_failed_requests_are_counted_per_request(self, code_injector):
        source = "def a():\n    pass\n\ndef b():\n    return 1\n"
        await run(
            code_injector,
            source,
            [
                {"qualified_name": "a", "generated_code": "return 0"},
                {"qualified_name": "b", "generated_code": "return 2"},
                {"qualified_name": "c", "generated_code": "return 3"},
            ],
        )
        metrics = code_injector.get_metrics()
        assert (metrics["total_injections"], metrics["successful_injections"], metrics["failed_injections"]) == (
            3,
            1,
            2,
        )

    async def test_result_has_a_unified_diff(self, code_injector):
        result = await run(
            code_injector, "def a():\n    pass\n", [{"qualified_name": "a", "generated_code": "return 0"}]
        )
        assert result.diff == "--- a/source.py\n+++ b/source.py\n@@ -1,2 +1,2 @@\n def a():\n-    pass\n+    return 0\n"

    async def test_a_request_without_a_name_is_refused(self, code_injector):
        with pytest.raises(ModelOnexError) as exc:
            await run(code_injector, "def a():\n    pass\n", [{"generated_code": "return 0"}])
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "qualified_name" in exc.value.message
