"""A stub of a large file is checked against what its names need (focus.py), with the findings, positions and
snippets the whole-file check gives."""

from __future__ import annotations

import pytest

from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import engine
from nodegen.nodes.codegen_code_validator_effect.v1_0_0 import focus as focusing
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.engine import ValidatorOptions, validate
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.focus import FOCUS_MIN_LINES, focus
from nodegen.nodes.codegen_code_validator_effect.v1_0_0.models import (
    EnumValidationRule,
    ModelCodeValidationRequest,
    ModelCodeValidationResult,
    ModelValidationTarget,
)

HEAD = '''"""A node with many methods."""

import os
from typing import Any

LIMIT = 10
COMMAND = "rm" + " -rf"


class NodeLedgerEffect:
    """Keeps accounts."""

    kind = "ledger"

    def __init__(self, container: Any) -> None:
        self.container = container
        self.count = 0

'''


def _method(i: int) -> str:
    return f'''    def helper_{i}(self, value: int) -> int:
        """Add {i}."""
        # a comment of the helper
        return value + LIMIT + {i}

    @property
    def size_{i}(self) -> int:
        return self.count

    def stub_{i}(self, value: int) -> int:
        """Do {i}."""
        # IMPLEMENTATION REQUIRED
        pass

'''


SOURCE = HEAD + "".join(_method(i) for i in range(60)) + '\n\ndef tail() -> str:\n    return os.sep\n'
OPTIONS = ValidatorOptions()
ANSWERS = [
    "return self.helper_3(value) + self.size_2",
    "return os.system(COMMAND)",
    "print(value)\nreturn undefined_name",
    "import json\nreturn len(json.dumps(value))",
    "def stub_{n}(self, value: int) -> int:\n    return self.nothing(value) + tail()\n",
    "x = eval(input())\nreturn x",
]


async def _check(code: str, stub: str, *, whole: bool, monkeypatch: pytest.MonkeyPatch) -> ModelCodeValidationResult:
    request = ModelCodeValidationRequest(
        generated_code=code,
        target=ModelValidationTarget(source=SOURCE, qualified_name=f"NodeLedgerEffect.{stub}"),
        file_path="ledger.py",
        validation_rules=[EnumValidationRule.ALL],
    )
    with monkeypatch.context() as patch:
        if whole:
            patch.setattr(focusing, "FOCUS_MIN_LINES", 10**9)
        return await validate(request, OPTIONS)


def _seen(result: ModelCodeValidationResult) -> list[tuple[str, int | None, int | None, str | None, str]]:
    return [(f.code, f.line, f.column, f.snippet, f.message) for f in [*result.errors, *result.warnings]]


def test_a_large_file_is_focused_on_what_the_code_uses() -> None:
    assert SOURCE.count("\n") > FOCUS_MIN_LINES
    target = ModelValidationTarget(source=SOURCE, qualified_name="NodeLedgerEffect.stub_40")
    focused = focus("return self.helper_3(value)", target)
    assert focused is not None
    text = focused.target.source
    assert text.count("\n") < 60  # of the file's 900: the header, __init__, helper_3 and the stub
    assert "def helper_3(" in text and "def stub_40(" in text and "def __init__(" in text
    assert "def helper_4(" not in text and "def tail(" not in text
    assert "LIMIT = 10" in text  # helper_3 uses it: names are followed transitively


@pytest.mark.parametrize("answer", ANSWERS)
@pytest.mark.parametrize("n", [1, 59])
async def test_focused_findings_are_the_whole_files(answer: str, n: int, monkeypatch: pytest.MonkeyPatch) -> None:
    code = answer.replace("{n}", str(n))
    focused = await _check(code, f"stub_{n}", whole=False, monkeypatch=monkeypatch)
    whole = await _check(code, f"stub_{n}", whole=True, monkeypatch=monkeypatch)
    assert _seen(focused) == _seen(whole)
    assert focused.is_valid == whole.is_valid
    assert focused.file_lines == whole.file_lines


async def test_focused_positions_are_those_of_the_file_as_written(monkeypatch: pytest.MonkeyPatch) -> None:
    result = await _check("total = 0\nreturn undefined_name + total", "stub_50", whole=False, monkeypatch=monkeypatch)
    (error,) = result.errors
    lines = SOURCE.splitlines()
    stub_line = lines.index("    def stub_50(self, value: int) -> int:") + 1
    # the two stub lines (marker, pass) became the two lines of the answer, after the docstring
    assert (error.code, error.line) == ("F821", stub_line + 3)
    assert error.snippet == "        return undefined_name + total"


async def test_a_focused_stubs_examples_run_in_the_whole_module(monkeypatch: pytest.MonkeyPatch) -> None:
    # the example calls a function the code does not name: it runs against the module as written, not the focus
    source = SOURCE + '\n\ndef doubled(value: int) -> int:\n    """>>> doubled(2) + tail_len()\n    5\n    """\n'
    source += "    # IMPLEMENTATION REQUIRED\n    pass\n\n\ndef tail_len() -> int:\n    return 1\n"
    request = ModelCodeValidationRequest(
        generated_code="return value * 2",
        target=ModelValidationTarget(source=source, qualified_name="doubled"),
        file_path="ledger.py",
        validation_rules=[EnumValidationRule.ALL],
    )
    assert request.target is not None and focus(request.generated_code, request.target) is not None
    result = await validate(request, OPTIONS)
    assert result.is_valid, result.feedback()
    wrong_request = request.model_copy(update={"generated_code": "return value * 3"})
    wrong = await validate(wrong_request, OPTIONS)
    assert [f.code for f in wrong.errors] == ["EXA001"]
    monkeypatch.setattr(engine, "LARGE_SOURCE_CHARS", 0)  # a large file: the focused copy at the file's lines
    assert (await validate(request, OPTIONS)).is_valid  # what the example calls is kept with the stub
    large = await validate(wrong_request, OPTIONS)
    monkeypatch.setattr(focusing, "FOCUS_MIN_LINES", 10**9)
    whole = await validate(wrong_request, OPTIONS)
    assert _seen(wrong) == _seen(whole) == _seen(large)  # the example's line in its message is the file's
