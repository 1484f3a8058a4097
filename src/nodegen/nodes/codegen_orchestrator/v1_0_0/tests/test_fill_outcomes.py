"""What a fill reports for each stub: stubs told apart by their def line (not their name), a changed signature refused
as signature_mismatch, an oversized answer refused unread, only the imports the written code uses, and ``filled``
only for code that stands in the file afterwards."""

from __future__ import annotations

import pytest
from tests.support.class_stubs import TALLY
from tests.support.llm_server import Reply, ScriptedLLMServer

from nodegen.llm import openai_client
from nodegen.nodes.codegen_orchestrator.v1_0_0 import NodeCodegenOrchestrator
from nodegen.nodes.codegen_orchestrator.v1_0_0.models import EnumStubStatus
from nodegen.nodes.codegen_orchestrator.v1_0_0.workflow import holds_code
from nodegen.onex.testing import create_test_container

CONDITIONAL = '''import sys

if sys.platform == "win32":
    def f(x: int) -> int:
        """On Windows."""
        # IMPLEMENTATION REQUIRED
        pass
else:
    def f(x: int) -> int:
        """Elsewhere."""
        # IMPLEMENTATION REQUIRED
        pass
'''
SCALE = '''def scale(values: list[int], factor: int = 2) -> list[int]:
    """Every value times factor."""
    # IMPLEMENTATION REQUIRED
    pass
'''


async def run_fill(tmp_path, source, responder, **options):
    (tmp_path / "mod.py").write_text(source)
    async with ScriptedLLMServer(responder) as server:
        client = openai_client("gpt-4o-mini", base_url=server.openai_url, api_key="sk-test")
        container = create_test_container(
            {"state_dir": str(tmp_path / ".nodegen"), "llm_max_retries": 0, "max_attempts": 1, **options},
            services={"llm_client": client},
        )
        result = await NodeCodegenOrchestrator(container).execute_orchestration(
            {"input_state": {"files": [str(tmp_path / "mod.py")]}}
        )
    return result, server.requests, (tmp_path / "mod.py").read_text()


async def test_two_same_named_conditional_defs_are_two_stubs(tmp_path):
    def answer(received):
        # the prompt shows the whole file: the target is the one named by its line
        return Reply(text="return 1" if "(the one at line 4)" in received.last_user_text else "pass")

    result, _, text = await run_fill(tmp_path, CONDITIONAL, answer)
    assert [(s.qualified_name, s.line_number, s.status) for s in result.stubs] == [
        ("f", 4, EnumStubStatus.FILLED),
        ("f", 9, EnumStubStatus.FAILED),
    ]
    assert result.stubs[0].generated_code == "return 1\n" and result.stubs[1].generated_code is None
    assert text == CONDITIONAL.replace("# IMPLEMENTATION REQUIRED\n        pass\nelse", "return 1\nelse", 1)


async def test_two_same_named_conditional_defs_get_their_own_code(tmp_path):
    def answer(received):
        return Reply(text="return 1" if "(the one at line 4)" in received.last_user_text else "return 2")

    result, _, text = await run_fill(tmp_path, CONDITIONAL, answer)
    assert [s.status for s in result.stubs] == [EnumStubStatus.FILLED] * 2
    assert [s.generated_code for s in result.stubs] == ["return 1\n", "return 2\n"]
    assert text.index("On Windows") < text.index("return 1") < text.index("Elsewhere") < text.index("return 2")


@pytest.mark.parametrize(
    ("header", "difference"),
    [
        ("def scale(values, factor=2, offset=0):", "adds positional parameter `offset`"),
        ("def scale(values, factor=3):", "the default of `factor` is `2` in the stub but `3`"),
        ("def scale(values, factor=2, *, strict=False):", "adds keyword-only parameter `strict`"),
        ("def scale(items, factor=2):", "parameter 1 is `values` in the stub but `items`"),
    ],
)
async def test_a_changed_signature_is_refused_as_signature_mismatch(tmp_path, header, difference):
    answer = f"```python\n{header}\n    return [value * factor for value in values]\n```"
    result, _, text = await run_fill(tmp_path, SCALE, lambda received: Reply(text=answer))
    (stub,) = result.stubs
    assert stub.status is EnumStubStatus.FAILED and not result.success
    assert [finding.code for finding in stub.findings] == ["SIG001"]
    assert "signature does not match the stub" in stub.message and difference in stub.message
    assert "keep the stub's signature exactly: `def scale(values: list[int], factor: int = 2) -> list[int]:`" in (
        stub.findings[0].suggested_fix or ""
    )
    assert text == SCALE


async def test_the_same_signature_without_annotations_is_accepted(tmp_path):
    answer = "```python\ndef scale(values, factor=2):\n    return [value * factor for value in values]\n```"
    result, _, text = await run_fill(tmp_path, SCALE, lambda received: Reply(text=answer))
    assert result.success and result.stubs[0].status is EnumStubStatus.FILLED
    assert "def scale(values: list[int], factor: int = 2) -> list[int]:" in text and "value * factor" in text


async def test_an_oversized_answer_is_refused_before_any_further_work(tmp_path):
    huge = "```python\nreturn [v * factor for v in values]\n" + "# more\n" * 30_000 + "```"
    assert len(huge) > 200_000
    result, requests, text = await run_fill(tmp_path, SCALE, lambda received: Reply(text=huge), max_attempts=2)
    (stub,) = result.stubs
    assert stub.status is EnumStubStatus.FAILED and text == SCALE
    assert {finding.code for finding in stub.findings} == {"ANS002"}
    assert "over the limit of 20,000 (max_answer_chars)" in stub.message
    assert len(requests) == 2  # the repair asks again; the answer itself is never read, validated or written


async def test_the_answer_size_limit_is_a_setting(tmp_path):
    answer = "return [value * factor for value in values]  " + "#" * 500
    result, _, _ = await run_fill(tmp_path, SCALE, lambda received: Reply(text=answer), max_answer_chars=200)
    assert result.stubs[0].findings[0].code == "ANS002" and "limit of 200" in result.stubs[0].message


async def test_the_import_of_a_decorator_that_is_dropped_is_not_added(tmp_path):
    answer = (
        "```python\nimport functools\nimport json\n\n\n@functools.cache\n"
        "def scale(values: list[int], factor: int = 2) -> list[int]:\n"
        "    return json.loads(json.dumps([value * factor for value in values]))\n```"
    )
    result, _, text = await run_fill(tmp_path, SCALE, lambda received: Reply(text=answer))
    assert result.success
    assert text.startswith("import json\n") and "functools" not in text and "@" not in text


def test_code_counts_as_written_only_when_every_line_stands_in_the_file():
    body = '"""A docstring the stub keeps its own of."""\nif x:\n    return 1\nreturn 2\n'
    assert holds_code("def f(x):\n    '''Doc.'''\n    if x:\n        return 1\n    return 2\n", body)
    assert not holds_code("def f(x):\n    # IMPLEMENTATION REQUIRED\n    pass\n", body)
    assert not holds_code("def f(x):\n    return 2\n    if x:\n        return 1\n", body)  # out of order


async def test_a_read_only_file_is_not_filled_and_the_stub_says_why(tmp_path):
    answer = "return [value * factor for value in values]"
    (tmp_path / "mod.py").write_text(SCALE)
    (tmp_path / "mod.py").chmod(0o444)
    result, _, text = await run_fill(tmp_path, SCALE, lambda received: Reply(text=answer))
    (stub,) = result.stubs
    assert not result.success and stub.status is EnumStubStatus.FAILED
    assert "is read-only" in stub.message and stub.generated_code == answer + "\n"
    assert "read-only" in (result.files[0].error or "") and result.modified_files == []
    assert text == SCALE and (tmp_path / "mod.py").stat().st_mode & 0o777 == 0o444


@pytest.mark.parametrize("add_body", ["self.words.append(word)", "return None"])
async def test_a_method_s_examples_run_with_the_siblings_that_passed_in_place(tmp_path, add_body):
    """`count` is right in both runs; its example holds only when `add`'s code (right, or not) stands in the class."""

    def answer(received):
        if "`Tally.add`" in received.last_user_text:
            return Reply(text=add_body)
        return Reply(text="return self.words.count(word)", delay_s=0.5)  # after `add` has finished

    result, _, text = await run_fill(tmp_path, TALLY, answer, generation_concurrency=1)
    statuses = {s.qualified_name: s.status for s in result.stubs}
    assert statuses["Tally.add"] is EnumStubStatus.FILLED
    if add_body.startswith("self.words"):
        assert statuses["Tally.count"] is EnumStubStatus.FILLED
    else:  # `add` was written, but does not append: `count`'s example cannot hold, and says so
        assert statuses["Tally.count"] is EnumStubStatus.FAILED
        assert "EXA001" in next(s.message for s in result.stubs if s.qualified_name == "Tally.count")
    assert text.count("IMPLEMENTATION REQUIRED") == (0 if add_body.startswith("self.words") else 1)
