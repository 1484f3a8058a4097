"""Large files are read a window at a time by every stage of a fill (issue 28: filling a 20 MB file took 12.1 GB).

Each stage that reads a large file through the statements it needs (``pysource.condense``) must reach the same
outcome as reading the file whole. These tests make every file "large" and the windows a few statements wide, then
compare both readings on real code nobody here wrote (the standard library, stubbed as the round trip stubs it):
the injector's text, regions, refusals and diff; the validator's focused copy; the generator's names. The memory
itself is measured by the benchmark (``python -m benchmarks.bench_scaling``), not here.
"""

from __future__ import annotations

import difflib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import file_context
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.file_context import FileContext
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.preparing import module_names
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.injection import apply, unified_diff
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionRequest
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import focus as focusing
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import ModelValidationTarget
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.extraction import extract_stubs
from nodegen.onex import ModelOnexError
from nodegen.pysource import SourceModule, condense, split_lines
from nodegen.pysource.text import LineIndex, line_count

from .test_stdlib_roundtrip import OPTIONS, files, read, stub_out

SMALL_WINDOW = 3_000  # a few statements a window: every file is read in many


@pytest.fixture
def everything_large(monkeypatch):
    """Every file counts as large, and is read in small windows."""
    monkeypatch.setattr(apply, "LARGE_SOURCE_CHARS", 0)
    monkeypatch.setattr(file_context, "LARGE_SOURCE_CHARS", 0)
    for module in (condense, focusing):
        monkeypatch.setattr(module, "KEEPING_WINDOW_CHARS", SMALL_WINDOW)


def stubbed_files(every: int) -> list[tuple[str, str, list]]:
    """Every ``every``-th standard-library file that reads as Python 3, stubbed: (name, stubbed text, functions)."""
    found = []
    for path in files()[::every]:
        try:
            stubbed, functions = stub_out(read(path))
        except (ModelOnexError, SyntaxError, UnicodeDecodeError):
            continue
        if len(functions) >= 3:
            found.append((path.name, stubbed, functions))
    return found


def requests_for(functions: list, picks: list[int]) -> list[ModelCodeInjectionRequest]:
    return [
        ModelCodeInjectionRequest(
            qualified_name=functions[index].qualified_name,
            expected_line=functions[index].stub_def_line,
            generated_code=functions[index].body,
            required_imports=["import os.path"] if index == picks[0] else [],
        )
        for index in picks
    ]


def test_a_large_file_is_edited_exactly_as_the_whole_file_would_be(everything_large):
    files_checked = 0
    for name, stubbed, functions in stubbed_files(every=12):
        middle = len(functions) // 2
        for picks in ([middle], [0, middle, len(functions) - 1]):
            requests = requests_for(functions, picks)
            whole = apply._preview(stubbed, requests, OPTIONS)
            condensed = apply.preview(stubbed, requests, OPTIONS)
            assert condensed.diff_hunks is not None, name  # the condensed reading was taken
            assert condensed.model_dump(exclude={"diff_hunks"}) == whole.model_dump(exclude={"diff_hunks"}), name
            if whole.source != stubbed:
                expected = "".join(
                    line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
                    for line in difflib.unified_diff(
                        split_lines(stubbed), split_lines(whole.source), fromfile="a/x.py", tofile="b/x.py"
                    )
                )
                assert unified_diff(stubbed, condensed.source, "x.py", condensed.diff_hunks) == expected, name
        files_checked += 1
    assert files_checked >= 30


def test_refusals_on_a_large_file_name_the_file_s_lines(everything_large):
    _, stubbed, functions = stubbed_files(every=12)[0]
    last, middle = functions[-1], functions[len(functions) // 2]
    wrong_line = ModelCodeInjectionRequest(
        qualified_name=last.qualified_name, expected_line=last.stub_def_line + 40, generated_code="return 1"
    )
    # parses, but does not compile in place: the compiler names a line of the edited text, after the new lines
    not_compiling = ModelCodeInjectionRequest(
        qualified_name=middle.qualified_name,
        expected_line=middle.stub_def_line,
        generated_code="x = 1\ny = 2\nz = 3\nnonlocal missing\nreturn x",
    )
    for request in (wrong_line, not_compiling):
        whole = apply._preview(stubbed, [request], OPTIONS)
        condensed = apply.preview(stubbed, [request], OPTIONS)
        assert whole.errors and condensed.errors[0].message == whole.errors[0].message, request.generated_code
        assert condensed.errors[0].line_number == whole.errors[0].line_number


def test_a_large_file_that_does_not_compile_is_refused_whole(everything_large):
    body = "".join(f"\n\ndef f{i}(x: int) -> int:\n    return x + {i}\n" for i in range(200))
    stub = "\n\ndef g(x: int) -> int:\n    # IMPLEMENTATION REQUIRED\n    pass\n"
    request = ModelCodeInjectionRequest(qualified_name="g", generated_code="return x")
    for broken, said in (
        ("\nreturn 3\n", "'return' outside function"),
        ("\nfrom __future__ import annotations\n", "from __future__ imports must occur at the beginning of the file"),
    ):
        source = '"""Module."""\n' + body + stub + body.replace("def f", "def h") + broken
        result = apply.preview(source, [request], OPTIONS)
        assert result.file_refused and result.source == source, broken
        assert f"the file does not compile as it is ({said} (line " in result.errors[0].message
    fine = '"""Module."""\nfrom __future__ import annotations\n' + body + stub
    fine_result = apply.preview(fine, [request], OPTIONS)
    assert "return x" in fine_result.source and not fine_result.errors


def test_the_validator_s_outline_read_in_windows_focuses_as_the_whole_file_does(monkeypatch):
    for name, stubbed, functions in stubbed_files(every=25):
        function = functions[len(functions) // 2]
        target = ModelValidationTarget(
            source=stubbed, qualified_name=function.qualified_name, expected_line=function.stub_def_line
        )
        focusing._outlines.clear()
        whole = focusing.focus(function.body, target)
        monkeypatch.setattr(focusing, "KEEPING_WINDOW_CHARS", SMALL_WINDOW)
        focusing._outlines.clear()
        windowed = focusing.focus(function.body, target)
        monkeypatch.undo()
        assert (whole is None) == (windowed is None), name
        if whole is not None and windowed is not None:
            assert windowed.target.source == whole.target.source, name
            assert windowed.markers == whole.markers, name
            assert windowed.full_text(windowed.target.source) == stubbed, name


def test_the_generator_reads_a_large_file_around_its_stubs_and_knows_every_name(everything_large):
    checked = 0
    for name, stubbed, _ in stubbed_files(every=25):
        stubs = extract_stubs(stubbed, ["# IMPLEMENTATION REQUIRED"]).stubs
        whole = SourceModule(stubbed)
        context = FileContext.read(stubbed, f"{name}", stubs[:1])
        assert context.text == whole.text and context.names() == module_names(whole.tree), name
        assert context.functions_named(stubs[0].qualified_name) == sum(
            1 for scope in whole.scopes if scope.is_function and scope.qualified_name == stubs[0].qualified_name
        )
        kept = [line for line in context.module.lines if line.strip()]
        assert len(kept) < len([line for line in whole.lines if line.strip()]) or len(whole.lines) < 2_100, name
        assert context.view(None)[0] == ""  # shown in sections: a large file is over any prompt budget
        checked += 1
    assert checked >= 10


@given(st.text(alphabet="ab \t\r\n\x0c\u2028#", max_size=60))
def test_a_line_index_holds_the_lines_split_lines_gives(text):
    index = LineIndex(text)
    lines = split_lines(text)
    assert list(index) == lines and len(index) == line_count(text) == len(lines)
    assert index[1:3] == lines[1:3]
    for first in range(1, len(lines) + 1):
        assert index.span(first, len(lines)) == "".join(lines[first - 1 :])
