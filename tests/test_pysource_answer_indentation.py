"""How an answer's indentation is read (``nodegen.pysource.answer``): from code lines only, as the tokenizer finds
them; lines inside strings and comment-only lines never count, and string lines never change (issue 15)."""

from __future__ import annotations

import pytest

from nodegen.nodes.codegen_code_injector_effect.v1_0_0.injection import InjectionOptions, inject
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import ModelCodeInjectionRequest
from nodegen.pysource import AnswerError, parse_snippet, read_answer
from nodegen.pysource.answer import dedent, indent_code

RESET = 'def reset():\n    return """<!--\nContent-Type: text/html\n-->"""\n'
RESET_BODY = '    return """<!--\nContent-Type: text/html\n-->"""\n'
RESET_STUB = "def reset():\n    # IMPLEMENTATION REQUIRED\n    pass\n"


def _inject(source: str, name: str, code: str) -> str:
    outcome = inject(source, [ModelCodeInjectionRequest(qualified_name=name, generated_code=code)], InjectionOptions())
    assert outcome.errors == [], [error.message for error in outcome.errors]
    return outcome.source


def test_a_string_continuation_at_column_0_keeps_its_value_when_the_body_is_injected_back():
    assert _inject(RESET_STUB, "reset", RESET_BODY) == RESET


def test_a_whole_def_with_a_column_0_string_continuation_comes_back_byte_identical():
    assert _inject(RESET_STUB, "reset", RESET) == RESET


def test_a_body_at_its_own_indentation_with_a_string_line_at_column_0_is_not_an_unexpected_indent():
    text, _ = parse_snippet("    x = 1\n    return '''a\nb'''\n")
    assert text == "x = 1\nreturn '''a\nb'''\n"


def test_comment_lines_at_column_0_do_not_count():
    text, _ = parse_snippet("    x = 1\n# a note\n    return x\n")
    assert text == "x = 1\n# a note\nreturn x\n"


def test_lines_inside_strings_never_change_on_dedent_or_indent():
    body = 'query = """\n        SELECT 1\n"""\nreturn query'
    assert dedent(indent_code(body, "        ")) == body
    assert indent_code(body, "    ").split("\n")[1:3] == ["        SELECT 1", '"""']


def test_a_docstring_continuation_at_column_0_in_a_whole_def_is_read():
    answer = read_answer('def f(x):\n    """Doc\ncontinued"""\n    return x\n', "f")
    assert answer.body == '"""Doc\ncontinued"""\nreturn x\n'


def test_a_bad_whole_def_answer_is_refused_alone_and_the_other_requests_still_apply():
    source = RESET_STUB + "\n\ndef other():\n    # IMPLEMENTATION REQUIRED\n    pass\n"
    requests = [
        ModelCodeInjectionRequest(qualified_name="reset", generated_code=RESET),
        ModelCodeInjectionRequest(qualified_name="other", generated_code="def other():\n        return 1\n    x = 2\n"),
    ]
    outcome = inject(source, requests, InjectionOptions())
    assert outcome.modified == ["reset"]
    assert [error.qualified_name for error in outcome.errors] == ["other"]
    assert outcome.source.startswith(RESET)


@pytest.mark.parametrize("code", ["def f():\n  x = 1\n    y = 2\n", "   x = (\n"])
def test_unreadable_indentation_is_an_answer_error_never_a_crash(code):
    with pytest.raises(AnswerError):
        read_answer(code, "f")


def test_the_injector_accepts_a_body_whose_string_line_is_at_column_0():
    source = "def f():\n    # IMPLEMENTATION REQUIRED\n    pass\n"
    assert _inject(source, "f", "    x = 1\n    return '''a\nb'''\n") == "def f():\n    x = 1\n    return '''a\nb'''\n"
