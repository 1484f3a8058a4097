"""The injector's preview (issue 15): the text it would write, where each request's code stands in it, compiled
before it is returned; and the defects the standard-library round trip found, one test each."""

from __future__ import annotations

import textwrap

import pytest
from pydantic import ValidationError

from nodegen.pysource import read_answer

from ..injection import InjectionOptions, preview
from ..models import EnumRegionKind, ModelCodeInjectionRequest

OPTIONS = InjectionOptions()
TWO_STUBS = '''"""Module."""

import os


def first(x):
    """First."""
    # IMPLEMENTATION REQUIRED
    pass


def second(x):
    # IMPLEMENTATION REQUIRED
    pass
'''


def request(name: str, code: str, **extra: object) -> ModelCodeInjectionRequest:
    return ModelCodeInjectionRequest(qualified_name=name, generated_code=code, **extra)


def regions(result, kind: EnumRegionKind) -> list[tuple[list[int], int, int]]:
    return [(r.requests, r.first_line, r.last_line) for r in result.regions if r.kind is kind]


def test_each_request_gets_the_lines_of_its_new_body_helpers_and_imports():
    result = preview(
        TWO_STUBS,
        [
            request("first", "value = json.dumps(x)\nreturn value\n", required_imports=["import json"]),
            request("second", "def _twice(v):\n    return 2 * v\n\ndef second(x):\n    return _twice(x)\n", allow_helpers=True),
        ],
        OPTIONS,
    )
    assert result.errors == []
    lines = result.source.splitlines()
    assert lines[3] == "import json" and regions(result, EnumRegionKind.IMPORT) == [([0], 4, 4)]
    assert regions(result, EnumRegionKind.BODY) == [([0], 9, 10), ([1], 14, 14)]
    assert lines[8:10] == ["    value = json.dumps(x)", "    return value"] and lines[13] == "    return _twice(x)"
    assert regions(result, EnumRegionKind.HELPER) == [([1], 17, 18)]
    assert lines[16:18] == ["def _twice(v):", "    return 2 * v"]


def test_a_bad_future_import_is_refused_and_the_other_requests_still_apply():
    result = preview(
        TWO_STUBS,
        [
            request("first", "return x", required_imports=["from __future__ import braces_please"]),
            request("second", "return x * 2"),
        ],
        OPTIONS,
    )
    assert result.applied == [1] and result.modified == ["second"]
    (error,) = result.errors
    assert error.code == "syntax_error" and error.qualified_name == "first"
    assert "`from __future__ import braces_please`" in error.message and "compile" in error.message
    assert "__future__" not in result.source and "    return x * 2\n" in result.source
    compile(result.source, "<preview>", "exec", dont_inherit=True)


def test_a_file_that_does_not_compile_as_it_is_is_refused_whole():
    source = "def f(x):\n    pass  # Stub\n\nreturn 1\n"
    result = preview(source, [request("f", "return x")], OPTIONS)
    assert result.file_refused and result.source == source
    assert "does not compile as it is" in result.errors[0].message


def test_a_statement_libcst_does_not_reproduce_keeps_its_bytes_when_a_stub_elsewhere_is_filled():
    odd = "def g():\n    try:\n        pass\n    except OSError :\n        pass\n"
    source = odd + "\n\ndef f(x):\n    pass  # Stub\n"
    result = preview(source, [request("f", "return x")], OPTIONS)
    assert result.errors == []
    assert result.source == odd + "\n\ndef f(x):\n    return x\n"


def test_a_stub_beside_except_space_colon_is_filled_and_the_space_stays():
    # libcst's parser drops the space (LibCST#1457); the injector puts back what the file has
    source = "class A:\n    def g(self):\n        try:\n            pass\n        except (OSError, ValueError) :\n            pass\n\n    def f(self):\n        pass  # Stub\n"
    result = preview(source, [request("A.f", "return 1")], OPTIONS)
    assert result.errors == []
    assert result.source == source.replace("pass  # Stub", "return 1")


def test_an_answer_with_except_space_colon_is_written_as_given():
    source = "def f(x):\n    pass  # Stub\n"
    body = "try:\n    return int(x)\nexcept ValueError  :\n    return 0\n"
    assert preview(source, [request("f", body)], OPTIONS).source == "def f(x):\n" + textwrap.indent(body, "    ")


def test_comments_after_the_last_statement_of_a_whole_def_are_kept():
    source = "def f(x):\n    # IMPLEMENTATION REQUIRED\n    pass\n"
    answer = "def f(x):\n    if x:\n        return 1\n    # cannot get here\n"
    result = preview(source, [request("f", answer)], OPTIONS)
    assert result.source == "def f(x):\n    if x:\n        return 1\n    # cannot get here\n"


def test_a_comment_left_of_the_body_keeps_its_column():
    source = "class A:\n    def f(self):\n        # IMPLEMENTATION REQUIRED\n        pass\n"
    body = "        x = 1\n##      print(x)\n        return x\n"
    result = preview(source, [request("A.f", body)], OPTIONS)
    assert result.source == "class A:\n    def f(self):\n" + body


def test_nothing_is_read_or_written_and_a_refused_request_leaves_the_text_as_it_was():
    result = preview(TWO_STUBS, [request("nope", "return 1")], OPTIONS)
    assert result.source == TWO_STUBS and result.applied == [] and result.regions == []


def test_the_request_whose_code_the_compiler_names_is_refused_and_the_rest_stay():
    result = preview(TWO_STUBS, [request("first", "nonlocal x\nreturn x"), request("second", "return x * 2")], OPTIONS)
    assert result.applied == [1]
    (error,) = result.errors
    assert error.qualified_name == "first" and "does not compile" in error.message and "nonlocal x" in (
        error.attempted_code or ""
    )


def test_an_answer_read_already_is_taken_as_it_is_and_never_serialized():
    """The generator's reading of a model's answer is handed on (``answer``): the injector does not read the text
    again, so what it writes is what was read, and the answer's own def is what its signature check judges; a
    dict (the original API) cannot carry it and a dump never shows it."""
    source = "def double(x: int) -> int:\n    # IMPLEMENTATION REQUIRED\n    pass\n"
    read = read_answer("return x * 2\n", "double")
    request = ModelCodeInjectionRequest(qualified_name="double", generated_code="return x + x\n", answer=read)
    assert preview(source, [request], InjectionOptions()).source == "def double(x: int) -> int:\n    return x * 2\n"
    assert "answer" not in request.model_dump()
    assert "answer" not in ModelCodeInjectionRequest.model_json_schema()["properties"]
    assert "return x * 2" not in repr(request)
    changed = read_answer("def double(y):\n    return y * 2\n", "double")
    refused = preview(source, [request.model_copy(update={"answer": changed})], InjectionOptions())
    assert refused.source == source and [e.code.value for e in refused.errors] == ["signature_mismatch"]
    with pytest.raises(ValidationError):
        ModelCodeInjectionRequest.model_validate({"method_name": "double", "generated_code": "", "answer": "x"})
