"""Unit tests for NodeCodegenStubExtractorEffect: the guide's cases, as the original project wrote them."""

from uuid import uuid4

import pytest

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelStubExtractionResult
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.node import NodeCodegenStubExtractorEffect
from nodegen.nodes.conftest import create_test_contract_effect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError


@pytest.fixture
def stub_extractor(mock_container):
    """The extractor on the guide's mock container (config answers every key with the default)."""
    return NodeCodegenStubExtractorEffect(mock_container)


class TestNodeCodegenStubExtractorEffect:
    """The original project's unit cases."""

    async def test_extract_stubs_success(self, stub_extractor):
        node_file_content = '''
def foo():
    """Do something."""
    # IMPLEMENTATION REQUIRED
    pass  # Stub

def bar():
    """Already implemented."""
    return 42
'''
        contract = create_test_contract_effect(
            correlation_id=uuid4(),
            input_state={"node_file_content": node_file_content, "extraction_patterns": ["# IMPLEMENTATION REQUIRED"]},
        )
        result = await stub_extractor.execute_effect(contract)
        assert isinstance(result, ModelStubExtractionResult)
        assert result.total_stubs_found == 1
        assert len(result.stubs) == 1
        assert result.stubs[0].name == "foo"
        assert result.file_lines == 10

    async def test_extract_multiple_stubs(self, stub_extractor):
        node_file_content = """
class MyNode:
    def method1(self):
        # IMPLEMENTATION REQUIRED
        pass

    def method2(self):
        # IMPLEMENTATION REQUIRED
        pass

    def method3(self):
        return "implemented"
"""
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(correlation_id=uuid4(), input_state={"node_file_content": node_file_content})
        )
        assert result.total_stubs_found == 2
        assert [stub.name for stub in result.stubs] == ["method1", "method2"]
        assert result.stubs[0].context == "class MyNode"

    async def test_extract_async_stubs(self, stub_extractor):
        node_file_content = '''
async def execute_effect(self, contract):
    """Execute effect."""
    # IMPLEMENTATION REQUIRED
    pass
'''
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file_content})
        )
        assert result.total_stubs_found == 1
        assert "async def execute_effect" in result.stubs[0].signature

    async def test_extract_stubs_with_type_hints(self, stub_extractor):
        node_file_content = '''
async def process(self, data: dict[str, Any]) -> ModelResult:
    """Process data."""
    # IMPLEMENTATION REQUIRED
    pass
'''
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file_content})
        )
        assert result.total_stubs_found == 1
        assert "dict[str, Any]" in result.stubs[0].signature
        assert "ModelResult" in result.stubs[0].signature

    async def test_extract_stubs_empty_file(self, stub_extractor):
        node_file_content = """
def foo():
    return 42

def bar():
    return "hello"
"""
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file_content})
        )
        assert result.total_stubs_found == 0
        assert result.stubs == []

    async def test_extract_stubs_invalid_syntax(self, stub_extractor):
        with pytest.raises(ModelOnexError) as exc:
            await stub_extractor.execute_effect(
                create_test_contract_effect(input_state={"node_file_content": "def foo(: invalid"})
            )
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "syntax error" in exc.value.message.lower()

    async def test_extract_stubs_missing_content(self, stub_extractor):
        with pytest.raises(ModelOnexError) as exc:
            await stub_extractor.execute_effect(create_test_contract_effect(input_state={}))
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "node_file_content" in exc.value.message

    async def test_extract_stubs_custom_patterns(self, stub_extractor):
        node_file_content = """
def foo():
    # TODO: implement
    pass
"""
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(
                input_state={"node_file_content": node_file_content, "extraction_patterns": ["# TODO: implement"]}
            )
        )
        assert result.total_stubs_found == 1
        assert result.stubs[0].stub_marker == "# TODO: implement"

    async def test_extract_stubs_with_docstrings(self, stub_extractor):
        node_file_content = '''
def process_data(self):
    """
    Process the data.

    Returns:
        dict: Processed data
    """
    # IMPLEMENTATION REQUIRED
    pass
'''
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file_content})
        )
        assert result.total_stubs_found == 1
        assert "Process the data" in result.stubs[0].docstring
        assert "Returns:" in result.stubs[0].docstring

    async def test_extract_stubs_hundred_methods(self, stub_extractor):
        methods = [
            f'\ndef method_{i}(self):\n    """Method {i}."""\n    # IMPLEMENTATION REQUIRED\n    pass\n'
            for i in range(100)
        ]
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": "\n".join(methods)})
        )
        assert result.total_stubs_found == 100
        assert [stub.name for stub in result.stubs] == [f"method_{i}" for i in range(100)]

    async def test_get_metrics(self, stub_extractor):
        node_file_content = """
def foo():
    # IMPLEMENTATION REQUIRED
    pass

def bar():
    # IMPLEMENTATION REQUIRED
    pass
"""
        await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file_content})
        )
        metrics = stub_extractor.get_metrics()
        assert metrics["total_extractions"] == 1
        assert metrics["total_stubs_found"] == 2
        assert metrics["failed_extractions"] == 0
        assert metrics["success_rate"] == 1.0
        assert metrics["avg_stubs_per_file"] == 2.0
        assert metrics["total_operations"] == 1
        assert metrics["failed_operations"] == 0

    async def test_extract_stubs_with_pass_stub_marker(self, stub_extractor):
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": "\ndef execute():\n    pass  # Stub\n"})
        )
        assert result.total_stubs_found == 1
        assert result.stubs[0].name == "execute"
        assert result.stubs[0].stub_marker == "pass  # Stub"

    async def test_extract_stubs_line_numbers(self, stub_extractor):
        node_file_content = """# Line 1
# Line 2
def foo():  # Line 3
    # IMPLEMENTATION REQUIRED
    pass

def bar():  # Line 7
    # IMPLEMENTATION REQUIRED
    pass
"""
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file_content})
        )
        assert [stub.line_number for stub in result.stubs] == [3, 7]

    async def test_extract_stubs_correlation_id_tracking(self, stub_extractor, caplog):
        correlation_id = uuid4()
        caplog.set_level("DEBUG", logger="nodegen")
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(
                correlation_id=correlation_id,
                input_state={"node_file_content": "def foo(): # IMPLEMENTATION REQUIRED\n    pass"},
            )
        )
        assert result.total_stubs_found == 1
        events = [record.onex_event for record in caplog.records if hasattr(record, "onex_event")]
        assert events
        assert {event["correlation_id"] for event in events} == {str(correlation_id)}

    async def test_typical_node(self, stub_extractor):
        node_file = """
class NodeMyEffect(NodeEffect):
    def __init__(self, container):
        super().__init__(container)

    async def execute_effect(self, contract):
        # IMPLEMENTATION REQUIRED
        pass

    async def _process_data(self, data):
        # IMPLEMENTATION REQUIRED
        pass

    def _validate_input(self, input_data):
        return input_data is not None

    async def _store_result(self, result):
        # IMPLEMENTATION REQUIRED
        pass
"""
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": node_file})
        )
        assert [stub.name for stub in result.stubs] == ["execute_effect", "_process_data", "_store_result"]


class TestNodeApi:
    """How the node is configured, called and measured."""

    async def test_patterns_come_from_the_container_config(self):
        from nodegen.onex.testing import create_test_container

        node = NodeCodegenStubExtractorEffect(create_test_container({"stub_extraction_patterns": ["# FILL ME"]}))
        source = "def a():\n    # FILL ME\n    pass\n\ndef b():\n    # IMPLEMENTATION REQUIRED\n    pass\n"
        result = await node.execute_effect(create_test_contract_effect(input_state={"node_file_content": source}))
        assert [stub.name for stub in result.stubs] == ["a"]
        assert result.extraction_patterns_used == ["# FILL ME"]

    async def test_input_data_is_accepted_as_the_input_name(self, stub_extractor):
        from nodegen.onex import ModelContractEffect

        contract = ModelContractEffect(input_data={"node_file_content": "def f():\n    pass  # Stub\n"})
        result = await stub_extractor.execute_effect(contract)
        assert result.total_stubs_found == 1

    async def test_a_plain_mapping_is_accepted_as_the_contract(self, stub_extractor):
        result = await stub_extractor.execute_effect(
            {"input_state": {"node_file_content": "def f():\n    pass  # Stub\n"}}
        )
        assert result.total_stubs_found == 1

    async def test_a_compute_contract_is_refused(self, stub_extractor):
        from nodegen.onex import ModelContractCompute

        with pytest.raises(ModelOnexError) as exc:
            await stub_extractor.execute_effect(ModelContractCompute(input_state={"node_file_content": "x = 1\n"}))
        assert exc.value.error_code == EnumCoreErrorCode.CONTRACT_VIOLATION

    async def test_failures_are_counted(self, stub_extractor):
        await stub_extractor.execute_effect(create_test_contract_effect(input_state={"node_file_content": "x = 1\n"}))
        with pytest.raises(ModelOnexError):
            await stub_extractor.execute_effect(create_test_contract_effect(input_state={"node_file_content": "def ("}))
        metrics = stub_extractor.get_metrics()
        assert metrics["total_extractions"] == 1
        assert metrics["failed_extractions"] == 1
        assert metrics["total_operations"] == 2
        assert metrics["failed_operations"] == 1
        assert metrics["success_rate"] == 0.5

    async def test_file_path_is_reported(self, stub_extractor):
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(input_state={"node_file_content": "x = 1\n", "file_path": "pkg/node.py"})
        )
        assert result.file_path == "pkg/node.py"
        assert result.success is True

    async def test_an_unknown_input_key_is_refused_with_the_accepted_keys(self, stub_extractor):
        with pytest.raises(ModelOnexError) as exc:
            await stub_extractor.execute_effect(
                create_test_contract_effect(input_state={"node_file_content": "x = 1\n", "extraction_pattern": ["#"]})
            )
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "extraction_pattern" in exc.value.message
        assert "extraction_patterns" in exc.value.message

    async def test_a_single_pattern_string_is_accepted(self, stub_extractor):
        result = await stub_extractor.execute_effect(
            create_test_contract_effect(
                input_state={"node_file_content": "def f():\n    # FILL\n    pass\n", "extraction_patterns": "# FILL"}
            )
        )
        assert result.total_stubs_found == 1

    async def test_an_empty_pattern_list_is_refused(self, stub_extractor):
        with pytest.raises(ModelOnexError) as exc:
            await stub_extractor.execute_effect(
                create_test_contract_effect(input_state={"node_file_content": "x = 1\n", "extraction_patterns": []})
            )
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "extraction_patterns" in exc.value.message

    async def test_a_pattern_without_text_is_refused(self, stub_extractor):
        with pytest.raises(ModelOnexError) as exc:
            await stub_extractor.execute_effect(
                create_test_contract_effect(
                    input_state={"node_file_content": "x = 1\n", "extraction_patterns": ["#  "]}
                )
            )
        assert exc.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "no marker text" in exc.value.message


class TestScan:
    """execute_scan: the stubs of execute_effect, one at a time, with its refusals raised before the first."""

    SOURCE = "def a():\n    # IMPLEMENTATION REQUIRED\n    pass\n\n\ndef b():\n    pass  # Stub\n"

    async def test_scan_gives_the_stubs_of_execute_effect_and_counts_them(self, stub_extractor):
        contract = create_test_contract_effect(correlation_id=uuid4(), input_state={"node_file_content": self.SOURCE})
        whole = await stub_extractor.execute_effect(contract)
        scan = await stub_extractor.execute_scan(contract)
        assert scan.file_lines == whole.file_lines == 8
        assert stub_extractor.get_metrics()["total_stubs_found"] == 2  # the scan's are counted as they come
        assert list(scan) == whole.stubs
        metrics = stub_extractor.get_metrics()
        assert metrics["total_extractions"] == 2 and metrics["total_stubs_found"] == 4

    async def test_scan_refuses_what_execute_effect_refuses(self, stub_extractor):
        bad = create_test_contract_effect(correlation_id=uuid4(), input_state={"node_file_content": "def f(:\n"})
        with pytest.raises(ModelOnexError) as error:
            await stub_extractor.execute_scan(bad)
        assert error.value.error_code == EnumCoreErrorCode.VALIDATION_ERROR
        assert "syntax error" in error.value.message
        assert stub_extractor.get_metrics()["failed_extractions"] == 1
