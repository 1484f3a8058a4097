"""Large files are parsed a window of top-level statements at a time: the same stubs, the same errors, less memory."""

import pytest

from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import extraction
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.extraction import extract_stubs
from nodegen.onex import ModelOnexError
from nodegen.pysource import editor_line_count, split_lines
from nodegen.pysource.windows import editor_lines, source_windows

# Lines at column 0 that do not start a statement: inside strings, brackets, a continuation, an else clause.
TRICKY = '''"""Module docstring."""
import os

TEXT = """
def not_a_function():
    # IMPLEMENTATION REQUIRED
    pass
"""

def first(value: int) -> int:
    # IMPLEMENTATION REQUIRED: first
    pass

VALUES = [
1,
2,
]

if os.sep == "/":
    def posix() -> str:
        # IMPLEMENTATION REQUIRED
        pass
else:
    def posix() -> str:
        return "no"

TOTAL = 1 + \\
2

@staticmethod
def decorated(
    a: int,
) -> int:
    pass  # Stub

from typing import Any

class Holder:
    """Holds."""

    def method(self) -> Any:
        # IMPLEMENTATION REQUIRED
        ...
'''


def whole(source):
    return extract_stubs(source, ["# IMPLEMENTATION REQUIRED", "pass  # Stub"])


@pytest.mark.parametrize("window", [1, 40, 200])
@pytest.mark.parametrize("newline", ["\n", "\r\n"])
def test_windowed_extraction_finds_exactly_what_the_whole_file_parse_finds(monkeypatch, window, newline):
    source = TRICKY.replace("\n", newline)
    expected = whole(source)
    monkeypatch.setattr(extraction, "WINDOW_CHARS", window)
    windowed = extract_stubs(source, ["# IMPLEMENTATION REQUIRED", "pass  # Stub"])
    assert [s.qualified_name for s in windowed.stubs] == ["first", "posix", "decorated", "Holder.method"]
    assert windowed.file_lines == expected.file_lines
    assert windowed.module_docstring == expected.module_docstring == "Module docstring."
    for got, want in zip(windowed.stubs, expected.stubs, strict=True):
        # a module-level stub's sibling signatures come from its own window; everything else is the same
        assert got.model_dump(exclude={"sibling_signatures"}) == want.model_dump(exclude={"sibling_signatures"})
    assert windowed.stubs[0].module_imports == ["import os", "from typing import Any"]


def test_windows_hold_every_top_level_statement_once():
    windows = list(source_windows(TRICKY, window_chars=1))
    statements = [stmt.lineno for window in windows for stmt in window.tree.body]
    assert statements == sorted(set(statements))
    assert len(statements) == 10 and len(windows) > 3


def test_a_syntax_error_in_a_window_is_reported_with_its_file_line():
    source = TRICKY + "\ndef broken(:\n    pass\n" + TRICKY
    with pytest.raises(ModelOnexError) as whole_error:
        whole(source)
    with pytest.raises(ModelOnexError) as windowed_error:
        list(source_windows(source, window_chars=30))
    assert windowed_error.value.message == whole_error.value.message
    line = TRICKY.count("\n") + 2
    assert windowed_error.value.message.startswith(f"syntax error at line {line}, column 12")


def test_an_unterminated_string_is_the_same_error_as_in_one_parse():
    source = 'x = 1\n\ny = """\nz = 2\n'
    with pytest.raises(ModelOnexError) as whole_error:
        whole(source)
    with pytest.raises(ModelOnexError) as windowed_error:
        list(source_windows(source, window_chars=1))
    assert windowed_error.value.message == whole_error.value.message


def test_a_late_syntax_error_is_raised_by_the_scan_before_any_stub_is_described(monkeypatch):
    monkeypatch.setattr(extraction, "WINDOW_CHARS", 40)
    with pytest.raises(ModelOnexError) as error:
        extraction.scan_stubs(TRICKY + "\ndef broken(:\n    pass\n", ["# IMPLEMENTATION REQUIRED"])
    assert error.value.message.startswith(f"syntax error at line {TRICKY.count(chr(10)) + 2}")


def test_a_windowed_scan_parses_again_only_the_windows_that_hold_stubs(monkeypatch):
    monkeypatch.setattr(extraction, "WINDOW_CHARS", 1)
    scan = extraction.scan_stubs(TRICKY, ["# IMPLEMENTATION REQUIRED", "pass  # Stub"])
    assert scan.module is None
    assert 0 < len(scan.spans) < len(list(source_windows(TRICKY, window_chars=1)))
    assert [stub.qualified_name for stub in scan] == ["first", "posix", "decorated", "Holder.method"]
    assert [stub.qualified_name for stub in scan] == ["first", "posix", "decorated", "Holder.method"]  # again


@pytest.mark.parametrize("window", [1, extraction.WINDOW_CHARS])
def test_the_stubs_of_a_file_share_one_import_list(monkeypatch, window):
    monkeypatch.setattr(extraction, "WINDOW_CHARS", window)
    stubs = whole(TRICKY).stubs
    assert stubs[0].module_imports == ["import os", "from typing import Any"]
    assert all(stub.module_imports is stubs[0].module_imports for stub in stubs)


@pytest.mark.parametrize(
    "text",
    ["", "x", "x\n", "x\r\ny", "x\ry\r", "\n\n", "a\x0cb\n", "a\u2028b\r\n\r", TRICKY, TRICKY.replace("\n", "\r")],
)
def test_a_large_text_is_counted_in_lines_as_an_editor_numbers_them(text):
    assert editor_lines(text) == editor_line_count(split_lines(text))
