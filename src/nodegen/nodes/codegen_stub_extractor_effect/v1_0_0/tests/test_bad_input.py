"""Bad and unusual input: a clear ModelOnexError with the right code, or the right result; never a traceback."""

import pytest

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.node import NodeCodegenStubExtractorEffect
from nodegen.onex import EnumCoreErrorCode, ModelOnexError
from nodegen.onex.testing import create_test_container, create_test_contract_effect

STUB = "def f():\n    # IMPLEMENTATION REQUIRED\n    pass\n"


@pytest.fixture
def node():
    return NodeCodegenStubExtractorEffect(create_test_container())


async def extract(node, content, **extra):
    return await node.execute_effect(create_test_contract_effect(input_state={"node_file_content": content, **extra}))


async def refused(node, content, **extra) -> ModelOnexError:
    with pytest.raises(ModelOnexError) as caught:
        await extract(node, content, **extra)
    return caught.value


async def test_empty_content_is_refused_naming_the_key(node):
    error = await refused(node, "")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "node_file_content" in error.message


async def test_none_content_is_refused(node):
    assert (await refused(node, None)).error_code == EnumCoreErrorCode.VALIDATION_ERROR


async def test_whitespace_only_content_is_a_module_without_stubs(node):
    assert (await extract(node, "\n\n   \n")).total_stubs_found == 0


async def test_non_text_content_is_refused(node):
    error = await refused(node, 12345)
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "int" in error.message


async def test_utf8_bytes_are_decoded(node):
    result = await extract(node, "def f():  # IMPLEMENTATION REQUIRED: café\n    pass\n".encode())
    assert result.stubs[0].marker_note == "café"


async def test_bytes_in_a_declared_encoding_are_decoded(node):
    source = "# -*- coding: latin-1 -*-\ndef f():  # IMPLEMENTATION REQUIRED: café\n    pass\n"
    result = await extract(node, source.encode("latin-1"))
    assert result.stubs[0].marker_note == "café"


async def test_undecodable_bytes_are_refused_with_the_offset(node):
    error = await refused(node, b"def f():\n    pass  # \xff\xfe Stub\n")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "offset 21" in error.message


async def test_binary_bytes_are_refused(node):
    error = await refused(node, b"\x89PNG\r\n\x1a\n\x00\x00")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "NUL" in error.message


async def test_text_with_a_nul_byte_is_refused_with_its_line(node):
    error = await refused(node, "x = 1\ny = '\x00'\n")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "line 2" in error.message


async def test_syntax_error_names_line_and_column(node):
    error = await refused(node, "def ok():\n    pass\n\ndef broken(:\n    pass\n")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "syntax error at line 4, column 12" in error.message
    assert (error.context["line"], error.context["column"]) == (4, 12)


async def test_inconsistent_tabs_are_a_syntax_error(node):
    error = await refused(node, "def f():\n\tif True:\n        pass\n")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR
    assert "line 3" in error.message


async def test_deeply_nested_source_is_refused_not_crashed(node):
    error = await refused(node, "x = " + "(" * 300 + ")" * 300 + "\n")
    assert error.error_code == EnumCoreErrorCode.VALIDATION_ERROR


async def test_byte_order_mark_is_ignored_and_lines_stay_right(node):
    result = await extract(node, "\ufeff" + STUB)
    assert (result.stubs[0].line_number, result.stubs[0].signature) == (1, "def f()")


async def test_crlf_line_endings_keep_lines_and_signature(node):
    source = "import os\r\n\r\nclass A:\r\n    def m(\r\n        self,\r\n    ) -> None:\r\n        # IMPLEMENTATION REQUIRED\r\n        pass\r\n"
    stub = (await extract(node, source)).stubs[0]
    assert (stub.line_number, stub.marker_line, stub.body_end_line) == (4, 7, 8)
    assert stub.signature == "def m(\r\n        self,\r\n    ) -> None"
    assert stub.module_imports == ["import os"]


async def test_old_mac_cr_line_endings_are_lines_too(node):
    stub = (await extract(node, "x = 1\rdef f():\r    # IMPLEMENTATION REQUIRED\r    pass\r")).stubs[0]
    assert (stub.line_number, stub.marker_line) == (2, 3)


async def test_tab_indented_file_reports_its_own_whitespace(node):
    source = "class A:\n\tdef m(self):\n\t\t# IMPLEMENTATION REQUIRED\n\t\tpass\n"
    stub = (await extract(node, source)).stubs[0]
    assert (stub.indentation, stub.body_indentation) == ("\t", "\t\t")


async def test_form_feed_does_not_shift_line_numbers(node):
    source = "x = 1\n\x0c\ndef f():\n    # IMPLEMENTATION REQUIRED\n    pass\n"
    stub = (await extract(node, source)).stubs[0]
    assert (stub.line_number, stub.marker_line) == (3, 4)


async def test_unicode_line_separator_inside_a_string_does_not_shift_lines(node):
    source = 'x = "a\u2028b"\ndef f():\n    # IMPLEMENTATION REQUIRED\n    pass\n'
    stub = (await extract(node, source)).stubs[0]
    assert (stub.line_number, stub.marker_line) == (2, 3)


async def test_missing_final_newline_is_fine(node):
    result = await extract(node, "def f():\n    pass  # Stub")
    assert (result.total_stubs_found, result.file_lines) == (1, 2)
